/**
 * Deep graphs: every walk over a model graph (naming, execution order, JSON, display, the names
 * in construction errors) is iterative and linear, so a 10,000-layer chain builds, predicts and
 * round-trips; and the walk keeps Axon's naming order on branching graphs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

const DEPTH = 10_000;

/**
 * `layers` layers alternating dense(2) with every kernel entry ½ (no bias) and relu: each pair
 * maps a row [a, b] to [m, m] with m = max((a + b) / 2, 0), so the chain's output is known.
 */
function averagingChain(layers: number): nn.Model {
  let m = nn.input("x", [null, 2]);
  for (let i = 0; i < layers / 2; i++)
    m = m.dense(2, { kernelInitializer: nn.initializers.full(0.5), useBias: false }).relu();
  return m;
}

/** Milliseconds `fn` takes. */
function timed(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

test("a 10,000-layer chain builds, names its layers, predicts and round-trips through JSON", () => {
  const model = averagingChain(DEPTH);
  assert.equal(model.nodes().length, DEPTH + 1);
  assert.match(String(model), /nodes: 10001/);
  assert.match(String(model), /outputs: "relu_4999"/);

  const state = nn.build(model).init(nx.template([1, 2]));
  assert.equal(Object.keys(state.parameters).length, DEPTH / 2);
  assert.ok(state.parameters.dense_4999);
  const x = nx.tensor([
    [1, 3],
    [3, -1],
    [-1, 0.5],
  ]);
  // Row by row: (1 + 3)/2 = 2, then 2 for ever; (3 − 1)/2 = 1; (−1 + 0.5)/2 < 0 → 0.
  const expected = [
    [2, 2],
    [1, 1],
    [0, 0],
  ];
  assert.deepEqual(nn.predict(model, state, x).toArray(), expected);

  const json = JSON.parse(JSON.stringify(nn.modelToJson(model))) as nn.ModelJson;
  assert.equal(json.nodes.length, DEPTH + 1);
  const loaded = nn.modelFromJson(json);
  assert.equal(loaded.nodes().length, DEPTH + 1);
  assert.deepEqual(nn.predict(loaded as nn.Model, state, x).toArray(), expected);
});

test("a 10,000-layer chain of elementwise layers compiles into one program and predicts", () => {
  // relu after relu fuses into one loop of 10,000 statements.
  let m = nn.input("x", [null, 2]);
  for (let i = 0; i < DEPTH; i++) m = i % 2 ? m.relu() : m.softplus();
  const y = nn.predict(m, new nn.ModelState(), nx.tensor([[-50, 0]]));
  const values = y.toArray() as number[][];
  assert.ok(values.flat().every(Number.isFinite));
  // softplus(x) ≥ x and softplus(x) > 0: the chain grows, slowly; the first softplus gives
  // log(1 + e^−50) ≈ 2e-22 and log 2.
  assert.ok(values[0]![0]! > 0 && values[0]![1]! > Math.LN2);
});

test("display walks a 10,000-layer chain", () => {
  const model = averagingChain(DEPTH);
  const table = String(nn.display.asTable(model, nx.template([1, 2])));
  assert.match(table, /relu_4999 \( relu\["dense_4999"\] \)/);
  assert.match(table, /Total Parameters: 20000\n/);
  const graph = nn.display.asGraph(model, nx.template([1, 2]));
  assert.match(graph, /9999 --> 10000;$/);
});

test("adding a layer takes constant time: building a chain is linear in its length", () => {
  const build = (n: number) => {
    let m = nn.input("x", [null, 2]);
    for (let i = 0; i < n; i++) m = m.relu();
    return m;
  };
  build(2_000); // warm-up
  const short = Math.min(
    timed(() => build(2_500)),
    timed(() => build(2_500)),
  );
  const long = timed(() => build(DEPTH));
  // Linear: about 4× the short chain; quadratic naming would be about 16×.
  assert.ok(long < 10 * short + 250, `2,500 layers: ${short} ms; 10,000 layers: ${long} ms`);
});

test("the walk keeps Axon's naming order on branching graphs", () => {
  const x = nn.input("x", [null, 2]);
  const shared = x.dense(2);
  const left = shared.relu().dense(2);
  const right = nn.add([shared, x.dense(2)]).dense(2);
  const model = nn.container({ left, right, again: left });
  const names = Object.keys(nn.build(model).init(nx.template([1, 2])).parameters);
  // Depth first from the outputs, parents in order: shared, then left's head, then right's
  // branch, then right's head (each dense counted once).
  assert.deepEqual(names, ["dense_0", "dense_1", "dense_2", "dense_3"]);
  const table = String(nn.display.asTable(model, nx.template([1, 2])));
  assert.match(table, /dense_1 \( dense\["relu_0"\] \)/);
  assert.match(table, /add_0 \( add\["dense_0", "dense_2"\] \)/);
  assert.match(table, /dense_3 \( dense\["add_0"\] \)/);
});

test("construction errors and layers that read their name get the name the layer will have", () => {
  let m = nn.input("x", [null, 2]);
  for (let i = 0; i < 3_000; i++) m = m.dense(2).relu();
  const failing = () => {
    throw new Error("boom");
  };
  assert.throws(
    () => nn.layer(failing, [m], { op: "dense" }),
    /^Error: dense_3000 \(dense\): boom$/,
  );
  assert.throws(() => m.reshape([3]), /^Error: reshape_0 \(reshape\)/);
  const seen: string[] = [];
  const reader = (x: nx.Tensor, _p: unknown, ctx: nn.LayerContext) => {
    seen.push(ctx.name);
    return x;
  };
  nn.layer(reader, [m], { op: "relu" });
  nn.layer(reader, [m], { op: "relu", name: "mine" });
  assert.deepEqual(seen, ["relu_3000", "relu_3000", "mine", "mine"]); // probed at two batch sizes
});
