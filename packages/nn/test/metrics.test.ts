import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { assertClose } from "./numeric.js";

const { metrics } = nn;

describe("accuracy, decided as Axon decides", () => {
  it("categorical: argmax of one-hot targets against argmax of predictions (Axon's doc example)", () => {
    const v = metrics.accuracy(
      nx.tensor([
        [0, 1],
        [1, 0],
        [1, 0],
      ]),
      nx.tensor([
        [0, 1],
        [1, 0],
        [0, 1],
      ]),
    );
    assert.equal(v.dtype, "f32");
    assertClose(v.toNumber(), 2 / 3, 1e-7);
  });
  it("binary: a last axis of 1 thresholds the predictions at 0.5", () => {
    const yTrue = nx.tensor([[1], [0], [1], [0], [1]]);
    const yPred = nx.tensor([[0.9], [0.4], [0.3], [0.6], [0.51]]);
    // hand count: right, right, wrong, wrong, right
    assertClose(metrics.accuracy(yTrue, yPred).toNumber(), 3 / 5, 1e-7);
    assertClose(metrics.accuracy(yTrue, yPred, { threshold: 0.35 }).toNumber(), 2 / 5, 1e-7); // 0.4 becomes a wrong positive
    assertClose(metrics.accuracy(yTrue, yPred, { threshold: 0.25 }).toNumber(), 3 / 5, 1e-7); // 0.3 right, 0.4 wrong
    // rank-1 predictions are binary too; logits use sigmoid(z) > threshold.
    assertClose(
      metrics
        .accuracy(nx.tensor([1, 0, 1]), nx.tensor([2.0, -1.0, -0.5]), { fromLogits: true })
        .toNumber(),
      2 / 3,
      1e-7,
    );
  });
  it("sparse: class indices against argmax, given or detected from the shapes", () => {
    const yPred = nx.tensor([
      [0.1, 0.6, 0.3],
      [0.05, 0.95, 0],
      [0.5, 0.2, 0.3],
      [0.2, 0.2, 0.6],
    ]);
    const labels = nx.tensor([1, 2, 0, 2], { dtype: "s32" });
    // hand count: right, wrong, right, right
    assertClose(metrics.accuracy(labels, yPred, { sparse: true }).toNumber(), 3 / 4, 1e-7);
    assertClose(metrics.accuracy(labels, yPred).toNumber(), 3 / 4, 1e-7);
    assertClose(metrics.accuracy(nx.reshape(labels, [4, 1]), yPred).toNumber(), 3 / 4, 1e-7);
  });
  it("mismatched shapes name the metric and both shapes", () => {
    assert.throws(() => metrics.accuracy(nx.zeros([4, 3]), nx.zeros([4, 2])), {
      message: "accuracy: yTrue f32[4][3] and yPred f32[4][2] must have the same shape",
    });
    assert.throws(
      () => metrics.accuracy(nx.zeros([4, 2]), nx.zeros([4, 3]), { sparse: true }),
      /accuracy: with sparse targets/,
    );
  });
});

describe("confusion-matrix metrics", () => {
  // Axon's doc example: yTrue [0, 1, 1, 1], yPred [1, 0, 1, 1] → TP 2, FP 1, FN 1, TN 0.
  const yTrue = nx.tensor([0, 1, 1, 1]);
  const yPred = nx.tensor([1, 0, 1, 1]);
  it("counts", () => {
    assert.equal(metrics.truePositives(yTrue, yPred).toNumber(), 2);
    assert.equal(metrics.falsePositives(yTrue, yPred).toNumber(), 1);
    assert.equal(metrics.falseNegatives(yTrue, yPred).toNumber(), 1);
    assert.equal(metrics.trueNegatives(yTrue, yPred).toNumber(), 0);
  });
  it("precision, recall, sensitivity, specificity (Axon's documented values)", () => {
    assertClose(metrics.precision(yTrue, yPred).toNumber(), 2 / 3, 1e-7);
    assertClose(metrics.recall(yTrue, yPred).toNumber(), 2 / 3, 1e-7);
    assertClose(metrics.sensitivity(yTrue, yPred).toNumber(), 2 / 3, 1e-7);
    assertClose(metrics.specificity(yTrue, yPred).toNumber(), 0, 0, 1e-12);
  });
  it("probabilities and thresholds, hand-counted", () => {
    const t = nx.tensor([[1], [0], [1], [0], [0], [1]]);
    const p = nx.tensor([[0.8], [0.7], [0.2], [0.1], [0.45], [0.55]]);
    // threshold 0.5: predicted positive = rows 0, 1, 5 → TP 2 (0, 5), FP 1 (1), FN 1 (2), TN 2 (3, 4)
    assert.equal(metrics.truePositives(t, p).toNumber(), 2);
    assert.equal(metrics.falsePositives(t, p).toNumber(), 1);
    assert.equal(metrics.falseNegatives(t, p).toNumber(), 1);
    assert.equal(metrics.trueNegatives(t, p).toNumber(), 2);
    assertClose(metrics.specificity(t, p).toNumber(), 2 / 3, 1e-7);
    // threshold 0.4: + row 4 → FP 2, TN 1
    assert.equal(metrics.falsePositives(t, p, { threshold: 0.4 }).toNumber(), 2);
    assertClose(metrics.precision(t, p, { threshold: 0.4 }).toNumber(), 2 / 4, 1e-7);
  });
  it("no positive predictions gives precision 0, not NaN", () => {
    assert.equal(metrics.precision(nx.tensor([1, 0]), nx.tensor([0.1, 0.2])).toNumber(), 0);
  });
});

describe("regression and top-k", () => {
  it("meanAbsoluteError over every element (Axon's doc example)", () => {
    const v = metrics.meanAbsoluteError(
      nx.tensor([
        [0.0, 1.0],
        [0.0, 0.0],
      ]),
      nx.tensor([
        [1.0, 1.0],
        [1.0, 0.0],
      ]),
    );
    assertClose(v.toNumber(), 0.5, 0);
    assertClose(
      metrics.meanSquaredError(nx.tensor([[1.0], [3.0]]), nx.tensor([[2.0], [1.0]])).toNumber(),
      2.5,
      0,
    );
  });
  it("topKCategoricalAccuracy, hand-counted", () => {
    const yPred = nx.tensor([
      [0.5, 0.2, 0.1, 0.15, 0.05], // true 1: rank 2
      [0.1, 0.1, 0.1, 0.6, 0.1], // true 4: tied with 3 others below 0.6 → rank 2
      [0.3, 0.25, 0.2, 0.15, 0.1], // true 4: rank 5
    ]);
    const labels = nx.tensor([1, 4, 4]);
    assertClose(metrics.topKCategoricalAccuracy(labels, yPred, { k: 1 }).toNumber(), 0, 0);
    assertClose(metrics.topKCategoricalAccuracy(labels, yPred, { k: 2 }).toNumber(), 2 / 3, 1e-7);
    assertClose(metrics.topKCategoricalAccuracy(labels, yPred, { k: 5 }).toNumber(), 1, 0);
    const oneHot = nx.oneHot(labels, 5);
    assertClose(metrics.topKCategoricalAccuracy(oneHot, yPred, { k: 2 }).toNumber(), 2 / 3, 1e-7);
    assert.throws(
      () => metrics.topKCategoricalAccuracy(labels, yPred, { k: 0 }),
      /k must be a positive integer/,
    );
  });
});

describe("accumulators", () => {
  it("runningAverage gives the mean of the batch values; runningSum their sum", () => {
    const batches = [0.5, 0.25, 1.0, 0.75];
    let avg = nx.tensor(0);
    let sum = nx.tensor(0);
    batches.forEach((b, i) => {
      avg = metrics.runningAverage(avg, nx.tensor(b), i);
      sum = metrics.runningSum(sum, nx.tensor(b), nx.tensor(i, { dtype: "s32" }));
    });
    assertClose(avg.toNumber(), 0.625, 1e-7);
    assertClose(sum.toNumber(), 2.5, 1e-7);
  });
  it("inside one jit program with the iteration as a tensor: compiled once", () => {
    let traces = 0;
    const step = nx.jit((acc: nx.Tensor, yTrue: nx.Tensor, yPred: nx.Tensor, i: nx.Tensor) => {
      traces++;
      return metrics.runningAverage(acc, metrics.accuracy(yTrue, yPred), i);
    });
    const yTrue = nx.tensor([
      [0, 1],
      [1, 0],
    ]);
    const preds = [
      nx.tensor([
        [0.2, 0.8],
        [0.9, 0.1],
      ]),
      nx.tensor([
        [0.7, 0.3],
        [0.9, 0.1],
      ]),
      nx.tensor([
        [0.7, 0.3],
        [0.1, 0.9],
      ]),
    ];
    let acc = nx.tensor(0);
    preds.forEach((p, i) => (acc = step(acc, yTrue, p, nx.tensor(i, { dtype: "s32" }))));
    assert.equal(traces, 1);
    assertClose(acc.toNumber(), (1 + 0.5 + 0) / 3, 1e-7);
  });
  it("lookup by name", () => {
    assert.equal(metrics.getAccumulator("running_average"), metrics.runningAverage);
    assert.equal(metrics.getAccumulator("runningSum"), metrics.runningSum);
    assert.throws(
      () => metrics.getAccumulator("running_mean"),
      /unknown accumulator "running_mean"; did you mean "runningSum"|did you mean "runningAverage"/,
    );
  });
});

describe("metric lookup", () => {
  it("camelCase, snake_case, functions; unknown names suggest the closest", () => {
    assert.equal(metrics.get("mean_absolute_error"), metrics.meanAbsoluteError);
    assert.equal(metrics.get("accuracy"), metrics.accuracy);
    assert.equal(metrics.get("top_k_categorical_accuracy"), metrics.topKCategoricalAccuracy);
    assert.equal(metrics.get("true_positives"), metrics.truePositives);
    const f: nn.Metric = (a, b) => nx.mean(nx.subtract(a, b));
    assert.equal(metrics.get(f), f);
    assert.throws(
      () => metrics.get("acuracy"),
      /^Error: unknown metric "acuracy"; did you mean "accuracy"\? Valid metric names: accuracy, precision/,
    );
    assert.equal(metrics.nameOf("meanAbsoluteError"), "mean_absolute_error");
    assert.equal(metrics.nameOf("mean_absolute_error"), "mean_absolute_error");
    assert.equal(metrics.nameOf(metrics.accuracy), "accuracy");
  });
  it("every metric traces inside jit and matches eager", () => {
    const yTrue = nx.tensor([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    const yPred = nx.tensor([
      [0.7, 0.2, 0.1],
      [0.6, 0.3, 0.1],
      [0.1, 0.2, 0.7],
      [0.3, 0.6, 0.1],
    ]);
    for (const name of metrics.names) {
      const m = metrics.get(name);
      const eager = m(yTrue, yPred).toNumber();
      const jitted = nx.jit(m)(yTrue, yPred).toNumber();
      assert.equal(jitted, eager, name);
    }
  });
});
