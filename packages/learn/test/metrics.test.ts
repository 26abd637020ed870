// Metrics against scikit-learn 1.2.1 (reference/make_refs.py holds the inputs and the calls).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import { metrics } from "@dendrite/learn";
import { regressionMetrics as R, classificationMetrics as C } from "./reference/sklearn.js";
import { assertClose } from "./helpers.js";

test("regression metrics equal scikit-learn's", () => {
  const t = nx.tensor(R.yTrue, { dtype: "f64" });
  const p = R.yPred; // nested arrays are accepted too
  assertClose(metrics.r2Score(t, p), R.r2, 1e-14, "r2");
  assertClose(metrics.meanAbsoluteError(t, p), R.mae, 1e-14, "mae");
  assertClose(metrics.meanSquaredError(t, p), R.mse, 1e-14, "mse");
  assertClose(metrics.rootMeanSquaredError(t, p), R.rmse, 1e-14, "rmse");
  assertClose(metrics.meanAbsolutePercentageError(t, p), R.mape, 1e-14, "mape");
  assertClose(
    metrics.explainedVarianceScore(t, p),
    R.explainedVariance,
    1e-14,
    "explained variance",
  );
  assertClose(metrics.maxResidualError(t, p), R.maxError, 1e-14, "max error");
});

test("r2Score on a constant target: forceFinite (default) gives 0 or 1, otherwise -Infinity / NaN", () => {
  assert.equal(metrics.r2Score([2, 2, 2], [2, 2, 2.5]).toNumber(), R.r2Constant);
  assert.equal(metrics.r2Score([2, 2, 2], [2, 2, 2]).toNumber(), 1);
  assert.equal(R.r2ConstantNotFinite, "-inf");
  assert.equal(
    metrics.r2Score([2, 2, 2], [2, 2, 2.5], { forceFinite: false }).toNumber(),
    -Infinity,
  );
  assert.ok(Number.isNaN(metrics.r2Score([2, 2, 2], [2, 2, 2], { forceFinite: false }).toNumber()));
});

test("r2Score takes f32 predictions shaped [n, 1] beside an f64 [n] target", () => {
  const t = nx.tensor(R.yTrue, { dtype: "f64" });
  const p = nx.tensor(R.yPred).reshape([-1, 1]);
  assertClose(metrics.r2Score(t, p), R.r2, 1e-6);
  assert.throws(
    () => metrics.r2Score(t, nx.ones([6, 2])),
    /r2Score: yPred must be a vector \(or one column\), got shape \[6, 2\]/,
  );
  assert.throws(() => metrics.r2Score(t, [1, 2]), /yTrue has 6 values but yPred has 2/);
  assert.throws(() => metrics.r2Score([1, NaN], [1, 2]), /yTrue contains NaN at row 1/);
});

test("accuracy, balanced accuracy and the confusion matrix", () => {
  const t = nx.tensor(C.yTrue, { dtype: "u32" });
  const p = nx.tensor(C.yPred, { dtype: "s32" });
  assertClose(metrics.accuracy(t, p), C.accuracy, 1e-15);
  assertClose(metrics.balancedAccuracy(t, p), C.balancedAccuracy, 1e-15);
  const cm = metrics.confusionMatrix(t, p);
  assert.equal(cm.dtype, "s32");
  assert.deepEqual(cm.toArray(), C.confusion);
  assertClose(metrics.confusionMatrix(t, p, { normalize: "true" }), C.confusionTrue, 1e-15);
  assertClose(metrics.confusionMatrix(t, p, { normalize: "pred" }), C.confusionPred, 1e-15);
  assert.deepEqual(metrics.confusionMatrix([0, 1], [1, 1], { numClasses: 3 }).shape, [3, 3]);
  assert.throws(
    () => metrics.confusionMatrix([0, 3], [1, 1], { numClasses: 3 }),
    /label 3 but numClasses is 3/,
  );
});

test("precision, recall, F1 and F-beta, binary and averaged, equal scikit-learn's", () => {
  assertClose(metrics.precision(C.binaryTrue, C.binaryPred), C.binaryPrecision, 1e-15);
  assertClose(metrics.recall(C.binaryTrue, C.binaryPred), C.binaryRecall, 1e-15);
  assertClose(metrics.f1Score(C.binaryTrue, C.binaryPred), C.binaryF1, 1e-15);
  assertClose(metrics.fbetaScore(C.binaryTrue, C.binaryPred, 2), C.binaryF2, 1e-15);
  const refs = C as unknown as Record<string, number>;
  for (const average of ["micro", "macro", "weighted"] as const) {
    assertClose(
      metrics.precision(C.yTrue, C.yPred, { average }),
      refs[`precision_${average}`]!,
      1e-15,
      `precision ${average}`,
    );
    assertClose(
      metrics.recall(C.yTrue, C.yPred, { average }),
      refs[`recall_${average}`]!,
      1e-15,
      `recall ${average}`,
    );
    assertClose(
      metrics.f1Score(C.yTrue, C.yPred, { average }),
      refs[`f1_${average}`]!,
      1e-15,
      `f1 ${average}`,
    );
    assertClose(
      metrics.fbetaScore(C.yTrue, C.yPred, 0.5, { average }),
      refs[`f05_${average}`]!,
      1e-15,
      `f0.5 ${average}`,
    );
  }
  assertClose(metrics.f1Score(C.yTrue, C.yPred, { average: "none" }), C.f1_none, 1e-15);
  assert.throws(() => metrics.precision(C.yTrue, C.yPred), /average "binary" needs two classes/);
});

test("ROC curve, ROC AUC (binary and one-vs-rest), precision-recall curve and average precision", () => {
  const roc = metrics.rocCurve(C.binaryTrue, C.scores);
  assertClose(roc.fpr, C.rocFpr, 1e-15, "fpr");
  assertClose(roc.tpr, C.rocTpr, 1e-15, "tpr");
  // scikit-learn 1.2 puts max + 1 first; we put +Infinity (as scikit-learn ≥ 1.3); the rest agree.
  assert.equal(roc.thresholds.data()[0], Infinity);
  assertClose(
    nx.slice(roc.thresholds, [1], [roc.thresholds.size - 1]),
    C.rocThresholds,
    1e-15,
    "thresholds",
  );
  assertClose(metrics.rocAucScore(C.binaryTrue, C.scores), C.rocAuc, 1e-15, "auc");
  assertClose(metrics.rocAucScore(C.yTrue, C.proba3), C.rocAucOvr, 1e-14, "auc ovr");
  assertClose(
    metrics.rocAucScore(C.yTrue, C.proba3, { average: "weighted" }),
    C.rocAucOvrWeighted,
    1e-14,
    "auc ovr weighted",
  );
  const pr = metrics.precisionRecallCurve(C.binaryTrue, C.scores);
  assertClose(pr.precision, C.prPrecision, 1e-15, "precision curve");
  assertClose(pr.recall, C.prRecall, 1e-15, "recall curve");
  assertClose(pr.thresholds, C.prThresholds, 1e-15, "pr thresholds");
  assertClose(metrics.averagePrecision(C.binaryTrue, C.scores), C.averagePrecision, 1e-15, "AP");
  assert.throws(() => metrics.rocAucScore([1, 1, 1], [0.2, 0.5, 0.9]), /only one class/);
});

test("log loss, Cohen's kappa and Matthews correlation equal scikit-learn's", () => {
  assertClose(metrics.logLoss(C.yTrue, C.proba3), C.logLoss, 1e-14, "log loss");
  assertClose(metrics.logLoss(C.binaryTrue, C.scores), C.logLossBinary, 1e-14, "binary log loss");
  assertClose(metrics.cohenKappa(C.yTrue, C.yPred), C.kappa, 1e-14, "kappa");
  assertClose(
    metrics.cohenKappa(C.yTrue, C.yPred, { weights: "linear" }),
    C.kappaLinear,
    1e-14,
    "kappa linear",
  );
  assertClose(
    metrics.cohenKappa(C.yTrue, C.yPred, { weights: "quadratic" }),
    C.kappaQuadratic,
    1e-14,
    "kappa quadratic",
  );
  assertClose(metrics.matthewsCorrcoef(C.yTrue, C.yPred), C.mcc, 1e-14, "mcc");
  assertClose(
    metrics.matthewsCorrcoef(C.binaryTrue, C.binaryPred),
    C.mccBinary,
    1e-14,
    "mcc binary",
  );
  assert.throws(
    () =>
      metrics.logLoss(
        [0, 3],
        [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
      ),
    /label 3 but numClasses is 2/,
  );
  assert.throws(
    () => metrics.accuracy([0, 1.5], [0, 1]),
    /yTrue must hold class labels 0, 1, 2, …; row 1 is 1.5/,
  );
});
