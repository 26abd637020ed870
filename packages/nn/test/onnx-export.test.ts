// ONNX export checked by a real runtime: every exported layer type and whole models run in ONNX
// Runtime (onnxruntime-node) and agree with nn.predict to 1e-5; the batch axis stays dynamic.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { LAYER_SAMPLES, sampleInputs } from "./layer-samples.js";

const rand = (shape: number[], k = 0) =>
  nx.random.uniform(nx.random.key(k), shape, { min: -2, max: 2 });

/** Runs `bytes` in ONNX Runtime on `feeds` (Dendrite tensors by input name); outputs by name. */
async function runOrt(bytes: Uint8Array, feeds: Record<string, nx.Tensor>) {
  const session = await ort.InferenceSession.create(bytes);
  const inputs: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds))
    inputs[name] = new ort.Tensor(
      t.dtype === "s32" ? "int32" : "float32",
      t.data() as Float32Array,
      [...t.shape],
    );
  const out = await session.run(inputs);
  return Object.fromEntries(
    Object.entries(out).map(([k, v]) => [k, { data: v.data as Float32Array, dims: [...v.dims] }]),
  );
}

function assertClose(
  got: { data: Float32Array; dims: number[] },
  want: nx.Tensor,
  what: string,
  tol = 1e-5,
) {
  assert.deepEqual(got.dims, [...want.shape], `${what}: shape`);
  const w = want.data();
  let worst = 0;
  for (let i = 0; i < w.length; i++)
    worst = Math.max(worst, Math.abs(got.data[i]! - w[i]!) / Math.max(1, Math.abs(w[i]!)));
  assert.ok(worst <= tol, `${what}: largest difference ${worst}`);
}

/** Exports `model`, runs it in ONNX Runtime at two batch sizes, compares with nn.predict. */
async function agrees(
  model: nn.Model<any>,
  state: nn.ModelState,
  feeds: (batch: number) => Record<string, nx.Tensor>,
  what: string,
  tol?: number,
) {
  const bytes = nn.onnx.exportModel(model, state);
  const back = nn.onnx.importModel(bytes);
  for (const batch of [1, 5]) {
    const f = feeds(batch);
    const names = Object.keys(f);
    const want = nn.predict(model, state, names.length === 1 ? f[names[0]!]! : f);
    // The round trip: exported, imported again, the same predictions.
    const again = nn.predict(back.model, back.modelState, f) as
      nx.Tensor | Record<string, nx.Tensor>;
    const agains = again instanceof nx.Tensor ? { [back.outputNames[0]!]: again } : again;
    for (const [k, t] of Object.entries(agains))
      assertClose(
        { data: t.data() as Float32Array, dims: [...t.shape] },
        want instanceof nx.Tensor ? want : (want as Record<string, nx.Tensor>)[k]!,
        `${what}: imported again, output ${k} (batch ${batch})`,
      );
    const got = await runOrt(bytes, f);
    if (want instanceof nx.Tensor) {
      const [only] = Object.values(got);
      assertClose(only!, want, `${what} (batch ${batch})`, tol);
    } else {
      for (const [k, t] of Object.entries(want as Record<string, nx.Tensor>))
        assertClose(got[k]!, t, `${what}: output ${k} (batch ${batch})`, tol);
    }
  }
}

/** A model state with its batch-norm statistics moved away from 0 and 1 (as after training). */
function withStats(state: nn.ModelState): nn.ModelState {
  const s: Record<string, Record<string, nx.Tensor>> = {};
  let k = 100;
  for (const [layer, ts] of Object.entries(state.state)) {
    s[layer] = {};
    for (const [name, t] of Object.entries(ts))
      s[layer]![name] =
        name === "var" ? nx.add(nx.abs(rand([...t.shape], k++)), 0.5) : rand([...t.shape], k++);
  }
  return new nn.ModelState(state.parameters, s, state.frozen);
}

const ACTIVATIONS = [
  "relu",
  "sigmoid",
  "tanh",
  "exp",
  "linear",
  "softplus",
  "softsign",
  "elu",
  "celu",
  "selu",
  "leaky_relu",
  "hard_sigmoid",
  "hard_silu",
  "hard_tanh",
  "relu6",
  "silu",
  "mish",
  "gelu",
  "log_sigmoid",
  "softmax",
  "log_softmax",
  "log_sumexp",
];

test("every built-in layer (the registry's samples) exports and runs in ONNX Runtime as in Dendrite", async () => {
  for (const [op, sample] of Object.entries(LAYER_SAMPLES)) {
    const model = sample.model();
    const feeds = sampleInputs(sample);
    const typed = Object.fromEntries(
      Object.entries(feeds).map(([k, t]) => [
        k,
        sample.ids === undefined ? t : nx.asType(t, "s32"),
      ]),
    );
    const state = withStats(nn.build(model, { seed: 3 }).init(typed));
    await agrees(model, state, () => typed, op);
  }
});

test("every activation after a dense layer runs in ONNX Runtime as in Dendrite", async () => {
  for (const activation of ACTIVATIONS) {
    const model = nn.input("x", [null, 6]).dense(4, { activation });
    const state = nn.build(model, { seed: 1 }).init(nx.template([1, 6]));
    await agrees(model, state, (b) => ({ x: rand([b, 6], 1) }), activation);
  }
  // Opset 18 moved ReduceLogSumExp's axes from an attribute to an input.
  const lse = nn.input("x", [null, 6]).dense(4, { activation: "log_sumexp" });
  const s = nn.build(lse).init(nx.template([1, 6]));
  const bytes = nn.onnx.exportModel(lse, s, { opset: 18 });
  assertClose(
    Object.values(await runOrt(bytes, { x: rand([3, 6], 2) }))[0]!,
    nn.predict(lse, s, rand([3, 6], 2)),
    "opset 18",
  );
});

test("a CNN with batch norm, pooling, dropout and global pooling runs in ONNX Runtime", async () => {
  const x = nn.input("image", [null, 9, 9, 3]);
  const a = x.conv(4, { kernelSize: 3, padding: "same" }).batchNorm().relu();
  const b = x
    .depthwiseConv({ kernelSize: 3, padding: "same", depthMultiplier: 2 })
    .conv(4, { kernelSize: 1, featureGroups: 2 });
  const merged = nn.add([a, b]).maxPool({ kernelSize: 2, padding: "same" });
  const head = nn
    .concatenate([merged, merged.multiply(merged)])
    .conv(6, { kernelSize: 2, strides: 2, dilation: 1 })
    .avgPool({ kernelSize: 2, strides: 1 })
    .dropout({ rate: 0.3 })
    .flatten()
    .dense(5, { activation: "softmax" });
  const state = withStats(nn.build(head, { seed: 2 }).init(nx.template([1, 9, 9, 3])));
  await agrees(head, state, (bt) => ({ image: rand([bt, 9, 9, 3], 2) }), "cnn");
  const pooled = x.conv(5, { kernelSize: 3 }).globalAvgPool();
  const kept = x.conv(5, { kernelSize: 3 }).globalMaxPool({ keepAxes: true });
  const both = nn.container({ pooled, kept });
  const s2 = nn.build(both, { seed: 3 }).init(nx.template([1, 9, 9, 3]));
  await agrees(both, s2, (bt) => ({ image: rand([bt, 9, 9, 3], 3) }), "global pools");
});

test("embedding, layer norm, reshape, subtract and several inputs and outputs", async () => {
  const ids = nn.input("ids", [null, 4]);
  const extra = nn.input("extra", [null, 8]);
  const e = ids.embedding(10, 3).reshape([12]).layerNorm();
  const joined = nn.concatenate([e.dense(8), extra]).batchNorm();
  const out = nn.container({ score: joined.dense(1), diff: nn.subtract([e.dense(8), extra]) });
  const state = withStats(
    nn
      .build(out, { seed: 4 })
      .init({ ids: nx.template([1, 4], "s32"), extra: nx.template([1, 8]) }),
  );
  await agrees(
    out,
    state,
    (b) => ({
      ids: nx.asType(nx.floor(nx.multiply(nx.add(rand([b, 4], 5), 2), 2.4)), "s32"),
      extra: rand([b, 8], 6),
    }),
    "embedding model",
  );
});

test("LSTM and GRU (gate order mapped) run in ONNX Runtime, last state and whole sequence", async () => {
  const x = nn.input("seq", [null, 5, 3]);
  const model = nn.container({
    lstmLast: x.lstm(4),
    lstmAll: x.lstm(4, { returnSequences: true }),
    gruLast: x.gru(6),
    gruAll: x.gru(2, { returnSequences: true }).dense(1),
  });
  const state = nn.build(model, { seed: 8 }).init(nx.template([1, 5, 3]));
  await agrees(model, state, (b) => ({ seq: rand([b, 5, 3], 8) }), "recurrent");
});

test("returnState and initialState map to ONNX's Y_h, Y_c, initial_h and initial_c (one node each)", async () => {
  const source = nn.input("source", [null, 4, 3]);
  const encoder = source.lstm(5, { name: "encoder", returnSequences: false, returnState: true });
  const decoder = nn.input("target", [null, 2, 2]).lstm(5, {
    name: "decoder",
    returnState: true,
    initialState: { hidden: encoder.hidden, cell: encoder.cell },
  });
  const g = source.gru(3, {
    name: "g",
    returnState: true,
    initialState: { hidden: nn.input("h0", [null, 3]) },
  });
  const model = nn.container({
    y: decoder.output,
    h: decoder.hidden,
    c: decoder.cell,
    encoded: encoder.output,
    gy: g.output,
    gh: g.hidden,
  });
  const state = nn.build(model, { seed: 9 }).init({
    source: nx.template([1, 4, 3]),
    target: nx.template([1, 2, 2]),
    h0: nx.template([1, 3]),
  });
  await agrees(
    model,
    state,
    (b) => ({ source: rand([b, 4, 3], 10), target: rand([b, 2, 2], 11), h0: rand([b, 3], 12) }),
    "recurrent states",
  );
  // Each recurrence is one ONNX node, imported again as one layer read through parts.
  const back = nn.onnx.importModel(nn.onnx.exportModel(model, state)).model;
  const ops = back.nodes().map((n) => n.def.op);
  assert.equal(ops.filter((op) => op === "onnx_LSTM").length, 2);
  assert.equal(ops.filter((op) => op === "onnx_GRU").length, 1);
  const lstms = back.nodes().filter((n) => n.def.op === "onnx_LSTM");
  // The decoder's LSTM takes the encoder's final states as initial_h and initial_c.
  assert.ok(
    lstms.some((n) => n.parents.length === 6),
    "the decoder has X, W, R, B, initial_h, initial_c",
  );
  assert.deepEqual(
    lstms.map((n) => n.def.outputs),
    [2, 3],
    "the encoder's Y_h and Y_c and the decoder's Y, Y_h, Y_c",
  );
});

test("the seed posts' MLPs export with their input and output names; save writes the file", async () => {
  const model = nn
    .input("car_features", [null, 7])
    .dense(32, { activation: "relu" })
    .dense(8, { activation: "relu" })
    .dense(1);
  const state = nn.build(model, { seed: 5 }).init(nx.template([1, 7]));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "onnx-")), "mpg.onnx");
  await nn.onnx.save(file, model, state);
  const session = await ort.InferenceSession.create(fs.readFileSync(file));
  assert.deepEqual(session.inputNames, ["car_features"]);
  assert.deepEqual(session.outputNames, ["dense_2"]);
  await agrees(model, state, (b) => ({ car_features: rand([b, 7], 7) }), "auto mpg");
  // The first post's softmax model.
  const iris = nn.input("iris_features", [null, 4]).dense(3, { activation: "softmax" });
  const irisState = nn.build(iris, { seed: 2 }).init(nx.template([1, 4]));
  await agrees(iris, irisState, (b) => ({ iris_features: rand([b, 4], 9) }), "iris");
});

test("a layer with no ONNX form is an error naming it", () => {
  const x = nn.input("x", [null, 3]);
  const custom = nn.layer((t: nx.Tensor) => nx.cumulativeSum(t, { axis: 1 }), [x], {
    name: "running_total",
  });
  const model = custom.dense(1);
  const state = nn.build(model).init(nx.template([1, 3]));
  assert.throws(
    () => nn.onnx.exportModel(model, state),
    /onnx.exportModel: a layer with no ONNX form: "running_total" \(custom\)/,
  );
  assert.throws(
    () => nn.onnx.exportModel(model, state, { opset: 9 }),
    /opset must be an integer from 17 to 21, got 9/,
  );
  assert.throws(
    () => nn.onnx.exportModel(nn.input("y", [null, null]).dense(1), state),
    /input "y" needs a declared shape with only the batch axis free/,
  );
});
