// Cross-entropy with ignoreIndex and the negative log-likelihood: known answers from PyTorch 1.13
// (torch.nn.functional.cross_entropy / nll_loss on the same logits, in f64), and gradients of the
// ignored samples are zero.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

const logits = nx.tensor(
  [
    [1.5, -0.3, 0.2],
    [0.1, 2.0, -1.0],
    [-0.5, 0.4, 0.9],
    [2.2, 0.0, -0.7],
  ],
  { dtype: "f64" },
);
const labels = nx.tensor([0, -100, 2, 1], { dtype: "s32" });
const weights = [0.5, 2.0, 1.5];
const close = (got: nx.Tensor, want: number, what: string) =>
  assert.ok(Math.abs(got.toNumber() - want) < 1e-12, `${what}: ${got.toNumber()} vs ${want}`);

test("sparse cross-entropy with ignoreIndex gives PyTorch's values", () => {
  const ce = (o: nn.losses.CategoricalCrossEntropyOptions) =>
    nn.losses.categoricalCrossEntropy(labels, logits, {
      sparse: true,
      fromLogits: true,
      ignoreIndex: -100,
      ...o,
    });
  close(ce({}), 1.1111468328755691, "mean");
  close(ce({ classWeights: weights }), 1.4534350820497113, "weighted mean");
  close(ce({ reduction: "sum" }), 3.3334404986267074, "sum");
  const none = ce({ reduction: "none" }).data();
  [0.3631355063687535, 0.0, 0.6168748190028781, 2.353430173255076].forEach((w, i) =>
    assert.ok(Math.abs(none[i]! - w) < 1e-12, `none[${i}]`),
  );
  // The ignored sample has no gradient.
  const g = nx.grad((z: nx.Tensor) =>
    nn.losses.categoricalCrossEntropy(labels, z, {
      sparse: true,
      fromLogits: true,
      ignoreIndex: -100,
    }),
  )(logits);
  assert.deepEqual(Array.from(g.data().slice(3, 6)), [0, 0, 0]);
  assert.throws(
    () =>
      nn.losses.categoricalCrossEntropy(nx.oneHot(nx.tensor([0, 1, 2, 1]), 3), logits, {
        ignoreIndex: 0,
      }),
    /categoricalCrossEntropy: ignoreIndex needs sparse targets/,
  );
});

test("negativeLogLikelihood on log-probabilities gives PyTorch's nll_loss", () => {
  const logP = nx.subtract(logits, nx.logsumexp(logits, { axes: 1, keepAxes: true }));
  const y = nx.tensor([0, 1, 2, 1], { dtype: "s32" });
  close(nn.losses.negativeLogLikelihood(y, logP), 0.8788062460539552, "mean");
  close(
    nn.losses.negativeLogLikelihood(y, logP, { classWeights: weights }),
    1.0295515498961787,
    "weighted",
  );
  close(
    nn.losses.negativeLogLikelihood(y, logP, { ignoreIndex: 1 }),
    0.49000516268581584,
    "ignoring class 1",
  );
  assert.equal(nn.losses.get("negative_log_likelihood"), nn.losses.negativeLogLikelihood);
});
