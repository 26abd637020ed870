/** Model graphs, build/init/predict, ModelState and shape errors, used as a user would. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

const seedModel = () =>
  nn
    .input("car_features", [null, 7])
    .dense(32, { activation: "relu" })
    .dense(8, { activation: "relu" })
    .dense(1);

test("graphs are immutable values: a model can branch without changing its parent", () => {
  const x = nn.input("x", [null, 3]);
  const a = x.dense(2);
  const b = x.dense(4);
  assert.equal(x.nodes().length, 1);
  assert.deepEqual(a.node.shape, [null, 2]);
  assert.deepEqual(b.node.shape, [null, 4]);
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.node));
  // functions and methods build the same graph
  const f = nn.dense(x, 2, { name: "out" });
  assert.equal(
    String(nn.display.asTable(f, nx.template([1, 3]))).includes('out ( dense["x"] )'),
    true,
  );
});

test("names are generated as Axon does, per op, unless given", () => {
  const x = nn.input("x", [null, 3]);
  const model = nn
    .add([x.dense(3, { activation: "relu" }), x.dense(3, { name: "side" }).relu()])
    .dense(1);
  const state = nn.build(model).init(nx.template([1, 3]));
  assert.deepEqual(Object.keys(state.parameters).sort(), ["dense_0", "dense_2", "side"]);
  assert.throws(
    () => nn.build(nn.add([x.dense(1, { name: "d" }), x.dense(1, { name: "d" })])),
    /two layers are named "d" \(dense and dense\); layer names must be unique/,
  );
});

test("init and predict: the seed post's model, shapes, dtype and a ModelState that prints like Axon", () => {
  const model = seedModel();
  const { init, predict } = nn.build(model, { seed: 42 });
  const state = init(nx.template([1, 7], "f32"));
  assert.equal(
    String(state),
    "ModelState<Parameters: 529 (2.12 KB), Trainable Parameters: 529 (2.12 KB), Trainable State: 0 (0 B)>",
  );
  const y = predict(state, nx.ones([5, 7]));
  assert.deepEqual(y.shape, [5, 1]);
  assert.equal(y.dtype, "f32");
  assert.deepEqual(nn.predict(model, state, nx.ones([5, 7])).toArray(), y.toArray());
  const iris = nn
    .build(nn.input("iris_features", [null, 4]).dense(3, { activation: "softmax" }))
    .init(nx.template([1, 4]));
  assert.equal(
    String(iris),
    "ModelState<Parameters: 15 (60 B), Trainable Parameters: 15 (60 B), Trainable State: 0 (0 B)>",
  );
});

test("the same seed gives the same weights bit for bit; another seed differs", () => {
  const a = nn.build(seedModel(), { seed: 7 }).init(nx.template([1, 7]));
  const b = nn.build(seedModel(), { seed: 7 }).init(nx.template([1, 7]));
  const c = nn.build(seedModel(), { seed: 8 }).init(nx.template([1, 7]));
  assert.deepEqual(a.parameters.dense_1!.kernel!.data(), b.parameters.dense_1!.kernel!.data());
  assert.notDeepEqual(a.parameters.dense_1!.kernel!.data(), c.parameters.dense_1!.kernel!.data());
  // glorotUniform default: |w| ≤ √(6 / (7 + 32)); biases start at zero
  const limit = Math.sqrt(6 / 39);
  assert.ok(a.parameters.dense_0!.kernel!.data().every((w) => Math.abs(w) <= limit));
  assert.ok(a.parameters.dense_0!.bias!.data().every((w) => w === 0));
});

test("input shape errors name the input, the expected and the actual shape (axon#87, #480)", () => {
  const { init, predict } = nn.build(seedModel());
  assert.throws(
    () => init(nx.template([1, 8])),
    /init: input "car_features" expects shape \[null, 7\], got \[1, 8\]/,
  );
  const state = init(nx.template([1, 7]));
  assert.throws(
    () => predict(state, nx.ones([4, 7, 1])),
    /predict: input "car_features" expects shape \[null, 7\], got \[4, 7, 1\]/,
  );
  assert.throws(
    () => predict(state, { other: nx.ones([1, 7]) }),
    /predict: the model has no input named "other"; its inputs are car_features/,
  );
});

test("layer shape errors name the layer and both shapes, at construction when shapes are known", () => {
  const a = nn.input("a", [null, 3]);
  const b = nn.input("b", [null, 4]);
  assert.throws(
    () => nn.add([a, b]),
    /add needs inputs of the same shape, got \[null, 3\] and \[null, 4\]/,
  );
  assert.throws(
    () => a.dense(2).add(b.dense(3)),
    /add needs inputs of the same shape, got \[null, 2\] and \[null, 3\]/,
  );
  assert.throws(
    () => nn.concatenate([nn.input("p", [null, 2, 3]), b]),
    /concatenate_0 \(concatenate\): inputs must match on every axis but -1, got \[2, 2, 3\] and \[2, 4\]/,
  );
  // without declared shapes the check happens on the first call, with the layer's final name
  const u = nn.input("u");
  const v = nn.input("v");
  const model = nn.add([u.dense(2), v.dense(3)]);
  assert.throws(
    () => nn.build(model).init({ u: nx.template([1, 5]), v: nx.template([1, 5]) }),
    /add_0 \(add\): add needs inputs of the same shape, got \[1, 2\] and \[1, 3\]/,
  );
  // a state made for other shapes: the dense layer names its kernel and the input shape
  const m = nn.input("x").dense(2);
  const s = nn.build(m).init(nx.template([1, 3]));
  assert.throws(
    () => nn.predict(m, s, nx.ones([1, 4])),
    /dense_0 \(dense\): expected an input whose last axis is 3 \(kernel f32\[3\]\[2\]\), got shape \[1, 4\]/,
  );
});

test("several named inputs", () => {
  const price = nn.input("price", [null, 1]);
  const features = nn.input("features", [null, 3]);
  const model = nn.concatenate([price, features.dense(2)]).dense(1);
  const { init, predict } = nn.build(model);
  const state = init({ price: nx.template([1, 1]), features: nx.template([1, 3]) });
  assert.deepEqual(
    predict(state, { price: nx.ones([4, 1]), features: nx.ones([4, 3]) }).shape,
    [4, 1],
  );
  assert.throws(
    () => predict(state, nx.ones([4, 1])),
    /predict: the model has 2 inputs \(price, features\); pass an object with a tensor for each/,
  );
  assert.throws(
    () => predict(state, { price: nx.ones([4, 1]) }),
    /predict: missing input "features"/,
  );
});

test("containers predict a tree of outputs", () => {
  const x = nn.input("x", [null, 2]);
  const model = nn.container({ a: x.dense(1), b: [x.dense(3)] });
  const state = nn.build(model).init(nx.template([1, 2]));
  const out = nn.predict(model, state, nx.ones([2, 2]));
  assert.deepEqual(out.a.shape, [2, 1]);
  assert.deepEqual(out.b[0]!.shape, [2, 3]);
});

test("init with an existing state keeps matching tensors and checks their shapes", () => {
  const model = nn.input("x", [null, 3]).dense(2).dense(1);
  const { init } = nn.build(model, { seed: 1 });
  const base = init(nx.template([1, 3]));
  const partial = new nn.ModelState({ dense_0: base.parameters.dense_0! });
  const again = nn.build(model, { seed: 99 }).init(nx.template([1, 3]), partial);
  assert.deepEqual(
    again.parameters.dense_0!.kernel!.data(),
    base.parameters.dense_0!.kernel!.data(),
  );
  const wrong = new nn.ModelState({ dense_0: { kernel: nx.zeros([4, 2]), bias: nx.zeros([2]) } });
  assert.throws(
    () => init(nx.template([1, 3]), wrong),
    /dense_0\.kernel: expected f32\[3\]\[2\], got f32\[4\]\[2\]/,
  );
});

test("freeze and unfreeze are immutable; trainable and frozen parameters split and merge", () => {
  const model = nn.input("x", [null, 3]).dense(2).batchNorm().dense(1);
  const state = nn.build(model).init(nx.template([1, 3]));
  assert.equal(
    String(state),
    "ModelState<Parameters: 19 (76 B), Trainable Parameters: 15 (60 B), Trainable State: 4 (16 B)>",
  );
  const frozen = state.freeze(["dense_0", "batch_norm_0.mean"]);
  assert.equal(state.frozen.size, 0);
  assert.deepEqual(Object.keys(frozen.trainableParameters()).sort(), ["batch_norm_0", "dense_1"]);
  assert.deepEqual(Object.keys(frozen.frozenParameters()), ["dense_0"]);
  assert.deepEqual(Object.keys(frozen.trainableState().batch_norm_0!), ["var"]);
  const updated = frozen.withParameters({ dense_1: { bias: nx.ones([1]) } });
  assert.deepEqual(updated.parameters.dense_1!.bias!.toArray(), [1]);
  assert.equal(updated.parameters.dense_0!.kernel, frozen.parameters.dense_0!.kernel);
  assert.equal(frozen.unfreeze().frozen.size, 0);
  assert.equal(frozen.freeze((layer) => layer === "dense_1").frozen.size, 5);
  assert.throws(
    () => state.freeze(["dense_9"]),
    /ModelState\.freeze: no layer or tensor named "dense_9"; layers: dense_0, batch_norm_0, dense_1/,
  );
  assert.throws(
    () => state.withParameters({ dense_1: { bias: nx.ones([2]) } }),
    /parameter dense_1\.bias is f32\[1\], got f32\[2\]/,
  );
  // frozen state is not updated by a train-mode pass
  const train = nn.build(model, { mode: "train" });
  const after = train.predict(frozen, nx.random.normal(nx.random.key(1), [8, 3])).state;
  assert.equal(after.state.batch_norm_0!.mean, frozen.state.batch_norm_0!.mean);
  assert.notEqual(after.state.batch_norm_0!.var, frozen.state.batch_norm_0!.var);
});

test("forward is pure and works inside an outer jit + valueAndGrad (the training step)", () => {
  const model = nn
    .input("x", [null, 3])
    .dense(4, { activation: "relu" })
    .dropout({ rate: 0.25 })
    .batchNorm()
    .dense(1);
  const built = nn.build(model, { mode: "train", seed: 3 });
  const state = built.init(nx.template([1, 3]));
  const x = nx.random.normal(nx.random.key(2), [8, 3]);
  const y = nx.random.normal(nx.random.key(3), [8, 1]);
  const step = nx.jit(
    (params: nn.ParameterTree, layerState: nn.ParameterTree, xb: nx.Tensor, yb: nx.Tensor) => {
      const [[loss, newState], grads] = nx.valueAndGrad(
        (p: nn.ParameterTree) => {
          const r = built.forward(p, layerState, xb);
          return [nx.mean(nx.pow(nx.subtract(r.prediction, yb), 2)), r.state] as const;
        },
        { hasAux: true },
      )(params);
      return { loss, newState, grads };
    },
  );
  const out = step(state.parameters, state.state, x, y);
  const eager = nx.valueAndGrad(
    (p: nn.ParameterTree) => {
      const r = built.forward(p, state.state, x);
      return [nx.mean(nx.pow(nx.subtract(r.prediction, y), 2)), r.state] as const;
    },
    { hasAux: true },
  )(state.parameters);
  assert.ok(Math.abs(out.loss.toNumber() - eager[0][0].toNumber()) < 1e-5);
  assert.deepEqual(Object.keys(out.grads).sort(), ["batch_norm_0", "dense_0", "dense_1"]);
  assert.notDeepEqual(
    out.newState.dropout_0!.key!.toArray(),
    state.state.dropout_0!.key!.toArray(),
  );
  // predict itself also works when traced
  const traced = nx.jit(
    (p: nn.ParameterTree, s: nn.ParameterTree, xb: nx.Tensor) =>
      nn.build(model).forward(p, s, xb).prediction,
  );
  assert.deepEqual(traced(state.parameters, state.state, x).shape, [8, 1]);
});

test("a ModelState passes through jit and grad as itself (a registered tree node)", () => {
  const model = nn.input("x", [null, 3]).dense(2, { activation: "tanh" }).dense(1);
  const built = nn.build(model);
  const ms = built.init(nx.template([1, 3])).freeze(["dense_1.bias"]);
  const x = nx.random.normal(nx.random.key(4), [5, 3]);
  const loss = (m: nn.ModelState) => nx.sum(built.forward(m.parameters, m.state, x).prediction);
  const g = nx.jit(nx.grad(loss))(ms);
  assert.ok(g instanceof nn.ModelState);
  assert.deepEqual([...g.frozen], ["dense_1.bias"]);
  // The gradient of a sum of outputs with respect to the last bias is the row count.
  assert.deepEqual(g.parameters.dense_1!.bias!.toArray(), [5]);
  const eager = nx.grad(loss)(ms);
  assert.deepEqual(
    g.parameters.dense_0!.kernel!.toArray(),
    eager.parameters.dense_0!.kernel!.toArray(),
  );
  const scaled = nx.jit((m: nn.ModelState) =>
    m.withParameters({ dense_1: { bias: nx.add(m.parameters.dense_1!.bias!, 1) } }),
  )(ms);
  assert.ok(scaled instanceof nn.ModelState);
  assert.ok(scaled.isFrozen("dense_1", "bias"));
});

test("bad arguments get clear errors", () => {
  assert.throws(() => nn.input("", [null, 2]), /input: the name must be a non-empty string/);
  assert.throws(
    () => nn.input("x", [null, 2.5] as never),
    /input "x": shape must be an array of sizes or null/,
  );
  assert.throws(
    () => nn.input("x", [null, 2]).dense(0),
    /dense: units must be a positive integer, got 0/,
  );
  assert.throws(
    () => nn.dense(nx.ones([2]) as never, 3),
    /dense: expected a model \(from nn\.input or a layer\), got a tensor f32\[2\]/,
  );
  assert.throws(
    () => nn.input("x").dense(2, { kernelInitializer: "glorot" }),
    /unknown initializer "glorot"/,
  );
  assert.throws(
    () => nn.build(nn.input("x").dense(1), { mode: "eval" as never }),
    /build: mode must be "inference" or "train"/,
  );
  assert.throws(
    () => nn.predict(nn.input("x").dense(1), {} as never, nx.ones([1, 1])),
    /predict: the first argument must be a ModelState/,
  );
  const other = nn
    .build(nn.input("x", [null, 2]).dense(1, { name: "head" }))
    .init(nx.template([1, 2]));
  assert.throws(
    () => nn.predict(nn.input("x", [null, 2]).dense(1), other, nx.ones([1, 2])),
    /predict: the model state has no tensors for layer "dense_0" \(dense\)/,
  );
});
