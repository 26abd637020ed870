// multiHeadAttention against the formula, computed here with plain loops (per head:
// softmax(Q Kᵀ / √d + mask) V, heads joined, projected): self- and cross-attention, causal and
// padding masks; then exported to ONNX and run in ONNX Runtime.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

type M = number[][];
const rows = (t: nx.Tensor, b: number): M => (t.toArray() as M[])[b]!;
const mm = (a: M, b: M): M =>
  a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const addRow = (a: M, v: number[]): M => a.map((r) => r.map((x, j) => x + v[j]!));
const cols = (a: M, from: number, n: number): M => a.map((r) => r.slice(from, from + n));

/** The layer's output for example `b`, by the formula. */
function reference(
  p: Record<string, nx.Tensor>,
  x: M,
  src: M,
  heads: number,
  d: number,
  allowed: (i: number, j: number) => boolean,
): M {
  const w = (k: string) => p[k]!.toArray() as M;
  const bias = (k: string) => p[k]!.toArray() as number[];
  const q = addRow(mm(x, w("query_kernel")), bias("query_bias"));
  const k = addRow(mm(src, w("key_kernel")), bias("key_bias"));
  const v = addRow(mm(src, w("value_kernel")), bias("value_bias"));
  const joined: M = x.map(() => []);
  for (let h = 0; h < heads; h++) {
    const [qh, kh, vh] = [cols(q, h * d, d), cols(k, h * d, d), cols(v, h * d, d)];
    qh.forEach((qi, i) => {
      const s = kh.map((kj, j) =>
        allowed(i, j) ? qi.reduce((a, x2, t) => a + x2 * kj[t]!, 0) / Math.sqrt(d) : -1e9,
      );
      const m = Math.max(...s);
      const e = s.map((z) => Math.exp(z - m));
      const total = e.reduce((a, b2) => a + b2, 0);
      const out = vh[0]!.map((_, t) => e.reduce((a, ej, j) => a + (ej / total) * vh[j]![t]!, 0));
      joined[i]!.push(...out);
    });
  }
  return addRow(mm(joined, w("output_kernel")), bias("output_bias"));
}

function close(got: M, want: M, what: string) {
  got
    .flat()
    .forEach((g, i) =>
      assert.ok(Math.abs(g - want.flat()[i]!) < 1e-9, `${what}[${i}]: ${g} vs ${want.flat()[i]}`),
    );
}

const rand = (shape: number[], seed: number) =>
  nx.random.normal(nx.random.key(seed), shape, { dtype: "f64" });

test("self-attention, causal, matches the formula", () => {
  const model = nn.input("x", [null, 5, 6]).multiHeadAttention(2, 3, { causal: true, name: "att" });
  const state = nn.build(model, { seed: 1, dtype: "f64" }).init(nx.template([1, 5, 6], "f64"));
  const x = rand([2, 5, 6], 2);
  const y = nn.predict(model, state, x);
  for (const b of [0, 1])
    close(
      rows(y, b),
      reference(state.parameters.att!, rows(x, b), rows(x, b), 2, 3, (i, j) => j <= i),
      `b${b}`,
    );
});

test("cross-attention with a padding mask matches the formula", () => {
  const x = nn.input("x", [null, 3, 4]);
  const memory = nn.input("memory", [null, 6, 5]);
  const keep = nn.input("keep", [null, 6]);
  const model = x.multiHeadAttention(3, 2, { source: memory, mask: keep, name: "att" });
  const inputs = {
    x: nx.template([1, 3, 4], "f64"),
    memory: nx.template([1, 6, 5], "f64"),
    keep: nx.template([1, 6], "f64"),
  };
  const state = nn.build(model, { seed: 3, dtype: "f64" }).init(inputs);
  const feeds = {
    x: rand([2, 3, 4], 4),
    memory: rand([2, 6, 5], 5),
    keep: nx.tensor(
      [
        [1, 1, 1, 0, 0, 0],
        [1, 1, 1, 1, 1, 0],
      ],
      { dtype: "f64" },
    ),
  };
  const y = nn.predict(model, state, feeds);
  const lengths = [3, 5];
  for (const b of [0, 1])
    close(
      rows(y, b),
      reference(
        state.parameters.att!,
        rows(feeds.x, b),
        rows(feeds.memory, b),
        3,
        2,
        (_i, j) => j < lengths[b]!,
      ),
      `b${b}`,
    );
  assert.throws(
    () => nn.build(nn.input("x", [null, 4]).multiHeadAttention(2, 2)).init(nx.template([1, 4])),
    /multi_head_attention.*expected sequences \[batch, time, features\]/,
  );
});

test("cross-attention with a mask exports to ONNX and agrees with ONNX Runtime", async () => {
  const x = nn.input("x", [null, 3, 4]);
  const memory = nn.input("memory", [null, 6, 5]);
  const keep = nn.input("keep", [null, 6]);
  const model = x.multiHeadAttention(2, 3, { source: memory, mask: keep, causal: false });
  const f = {
    x: nx.asType(rand([2, 3, 4], 6), "f32"),
    memory: nx.asType(rand([2, 6, 5], 7), "f32"),
    keep: nx.tensor([
      [1, 0, 1, 1, 0, 1],
      [1, 1, 1, 1, 1, 1],
    ]),
  };
  const state = nn.build(model, { seed: 4 }).init(f);
  const session = await ort.InferenceSession.create(nn.onnx.exportModel(model, state));
  const feeds = Object.fromEntries(
    Object.entries(f).map(([k, t]) => [
      k,
      new ort.Tensor("float32", t.data() as Float32Array, [...t.shape]),
    ]),
  );
  const got = Object.values(await session.run(feeds))[0]!.data as Float32Array;
  const want = nn.predict(model, state, f).data();
  want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < 1e-5, `[${i}] ${got[i]} vs ${w}`));
});
