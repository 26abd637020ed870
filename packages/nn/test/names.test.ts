// The names Keras and PyTorch users type, and the messages that say what to do when something is
// off: loss and metric aliases, "did you mean" over aliases and typos, shape and DataFrame hints.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import * as data from "@dendrite/data";

test("Keras' loss and metric names are accepted", () => {
  const aliases: [string, unknown][] = [
    ["mse", nn.losses.meanSquaredError],
    ["mae", nn.losses.meanAbsoluteError],
    ["binary_crossentropy", nn.losses.binaryCrossEntropy],
    ["categorical_crossentropy", nn.losses.categoricalCrossEntropy],
    ["sparse_categorical_crossentropy", nn.losses.sparseCategoricalCrossEntropy],
    ["MeanSquaredError", nn.losses.meanSquaredError],
  ];
  for (const [name, fn] of aliases) assert.equal(nn.losses.get(name), fn, name);
  assert.equal(nn.metrics.get("mae"), nn.metrics.get("meanAbsoluteError"));
  assert.equal(nn.metrics.get("mse"), nn.metrics.get("meanSquaredError"));
  assert.equal(nn.metrics.get("acc"), nn.metrics.get("accuracy"));
  assert.equal(nn.metrics.nameOf("acc"), "accuracy");
  assert.equal(nn.losses.nameOf("mse"), "mean_squared_error");
});

test("sparse categorical cross-entropy takes integer labels by name", () => {
  // −(log 0.8 + log 0.6)/2 for labels 1 and 0 (the formula).
  const yPred = nx.tensor([
    [0.2, 0.8],
    [0.6, 0.4],
  ]);
  const loss = nn.losses.get("sparse_categorical_crossentropy")(
    nx.tensor([1, 0], { dtype: "s32" }),
    yPred,
  );
  assert.ok(Math.abs(loss.toNumber() - -(Math.log(0.8) + Math.log(0.6)) / 2) < 1e-6);
});

test("did you mean: typos reach aliases and swapped letters", () => {
  assert.throws(
    () => nn.losses.get("msee"),
    /unknown loss "msee"; did you mean "mse" \(meanSquaredError\)\?/,
  );
  assert.throws(() => nn.metrics.get("maee"), /did you mean "mae" \(meanAbsoluteError\)\?/);
  assert.throws(
    () => nn.input("x", [null, 2]).dense(3, { activation: "rleu" as "relu" }),
    /unknown activation "rleu"; did you mean "relu"\?/,
  );
});

test("targets without the model's trailing axis get the fix in the message", () => {
  assert.throws(
    () => nn.losses.meanSquaredError(nx.zeros([4]), nx.zeros([4, 1])),
    /meanSquaredError: yTrue f32\[4\] and yPred f32\[4\]\[1\] must have the same shape; give the targets that axis too: yTrue\.reshape\(\[-1, 1\]\), or data\.toTensor\(df, column, \{ keepDims: true \}\)/,
  );
});

test("a DataFrame given to a model says to convert it with data.toTensor", async () => {
  const iris = data.datasets.iris();
  const model = nn.input("x", [null, 4]).dense(3);
  const state = nn.build(model).init(nx.zeros([1, 4]));
  assert.throws(
    () => nn.predict(model, state, iris as unknown as nx.Tensor),
    /got a DataFrame; convert it to a tensor first: data\.toTensor\(df, \["sepal_length", "sepal_width", "petal_length", "petal_width", …\]\)/,
  );
});
