/**
 * Classification metrics on integer class labels 0 … K − 1, with scikit-learn's definitions, as
 * tensor programs over the confusion counts. Scalar metrics return 0-d f64 tensors (`.toNumber()`
 * gives the number); matrices, per-class scores and curves return tensors too. Labels are checked
 * (whole numbers below numClasses) on the host before the tensor program runs.
 */
import * as nx from "@dendrite/tensor";
import { fromValues, matrixInput, toLabels, toMatrix, toVector, type Data } from "../input.js";

function labelPair(
  yTrue: Data,
  yPred: Data,
  where: string,
  numClasses?: number,
): { t: nx.Tensor; p: nx.Tensor; k: number; n: number } {
  const t = toLabels(yTrue, where, { name: "yTrue" });
  const p = toLabels(yPred, where, { name: "yPred", length: t.values.length });
  const n = t.values.length;
  if (n === 0) throw new RangeError(`${where}: needs at least one label`);
  const k = numClasses ?? Math.max(t.numClasses, p.numClasses);
  if (t.numClasses > k || p.numClasses > k)
    throw new RangeError(
      `${where}: found label ${Math.max(t.numClasses, p.numClasses) - 1} but numClasses is ${k}`,
    );
  return { t: nx.tensor(t.values), p: nx.tensor(p.values), k, n };
}

/** The `[k, k]` confusion counts (f64): row i, column j counts true class i predicted as j. */
function counts(t: nx.Tensor, p: nx.Tensor, k: number): nx.Tensor {
  const hot = (x: nx.Tensor) => nx.oneHot(x, k, { dtype: "f64" });
  return nx.matmul(nx.matrixTranspose(hot(t)), hot(p));
}

/** The diagonal of a square matrix. */
function diagonal(m: nx.Tensor): nx.Tensor {
  const k = m.shape[0]!;
  return nx.sum(nx.multiply(m, nx.eye(k, { dtype: m.dtype })), { axes: 1 });
}

/** num / den, and `zero` where den is 0. */
function safeDivide(num: nx.Tensor, den: nx.Tensor, zero: number): nx.Tensor {
  const isZero = nx.equal(den, 0);
  return nx.select(isZero, zero, nx.divide(num, nx.select(isZero, 1, den)));
}

/** Fraction of labels predicted exactly (a 0-d tensor). */
export function accuracy(yTrue: Data, yPred: Data): nx.Tensor {
  const { t, p } = labelPair(yTrue, yPred, "accuracy");
  return accuracyJit(t, p);
}

const accuracyJit = nx.jit((t: nx.Tensor, p: nx.Tensor) =>
  nx.mean(nx.asType(nx.equal(t, p), "f64")),
);

/** Options of confusionMatrix. */
export interface ConfusionMatrixOptions {
  /** Number of classes (default: the largest label + 1). */
  numClasses?: number;
  /** Divide by each true class's count ("true"), each predicted class's count ("pred") or the total ("all"). */
  normalize?: "true" | "pred" | "all";
}

/**
 * `[K, K]` counts: row i, column j is the number of rows of true class i predicted as j
 * (s32; f64 when normalised).
 */
export function confusionMatrix(
  yTrue: Data,
  yPred: Data,
  options: ConfusionMatrixOptions = {},
): nx.Tensor {
  const { t, p, k, n } = labelPair(yTrue, yPred, "confusionMatrix", options.numClasses);
  const cm = counts(t, p, k);
  switch (options.normalize) {
    case undefined:
      return nx.asType(cm, "s32");
    case "all":
      return nx.divide(cm, n);
    case "true":
      return safeDivide(cm, nx.sum(cm, { axes: 1, keepAxes: true }), 0);
    case "pred":
      return safeDivide(cm, nx.sum(cm, { axes: 0, keepAxes: true }), 0);
    default:
      throw new RangeError(
        `confusionMatrix: normalize must be "true", "pred" or "all", got ${JSON.stringify(options.normalize)}`,
      );
  }
}

/** How per-class scores are combined. */
export type Average = "binary" | "micro" | "macro" | "weighted" | "none";

/** Options of precision, recall, f1Score and fbetaScore. */
export interface PRFOptions {
  /**
   * "binary" (default): the score of class `positiveLabel`; "micro": from the total counts;
   * "macro": the mean over classes; "weighted": the mean weighted by each class's support;
   * "none": a tensor with one score per class.
   */
  average?: Average;
  /** The positive class for "binary" (default 1). */
  positiveLabel?: number;
  numClasses?: number;
  /** The value of a 0/0 score (default 0, as scikit-learn). */
  zeroDivision?: number;
}

type Kind = "precision" | "recall" | "f";

function prf(
  yTrue: Data,
  yPred: Data,
  kind: Kind,
  beta: number,
  options: PRFOptions,
  where: string,
): nx.Tensor {
  const average = options.average ?? "binary";
  const zd = options.zeroDivision ?? 0;
  const labels = labelPair(yTrue, yPred, where, options.numClasses);
  const { t, p, n } = labels;
  if (!["binary", "micro", "macro", "weighted", "none"].includes(average))
    throw new RangeError(`${where}: unknown average ${JSON.stringify(average)}`);
  if (average === "binary") {
    const pos = options.positiveLabel ?? 1;
    if (labels.k > 2)
      throw new RangeError(
        `${where}: average "binary" needs two classes but the labels go up to ${labels.k - 1}; choose average "micro", "macro" or "weighted"`,
      );
    if (!Number.isInteger(pos) || pos < 0 || pos > 1)
      throw new RangeError(`${where}: positiveLabel must be 0 or 1, got ${pos}`);
  }
  // Binary scores read class positiveLabel, which may be absent from both label sets.
  const k = average === "binary" ? 2 : labels.k;
  const cm = counts(t, p, k);
  const tp = diagonal(cm);
  const actual = nx.sum(cm, { axes: 1 });
  const predicted = nx.sum(cm, { axes: 0 });
  const b2 = beta * beta;
  const score = (tpc: nx.Tensor, pred: nx.Tensor, act: nx.Tensor): nx.Tensor => {
    if (kind === "precision") return safeDivide(tpc, pred, zd);
    if (kind === "recall") return safeDivide(tpc, act, zd);
    // F-beta from counts: (1 + β²) tp / ((1 + β²) tp + β² fn + fp).
    const weightedTp = nx.multiply(tpc, 1 + b2);
    const fn = nx.multiply(nx.subtract(act, tpc), b2);
    return safeDivide(weightedTp, nx.add(nx.add(weightedTp, fn), nx.subtract(pred, tpc)), zd);
  };
  if (average === "binary") {
    const at = (x: nx.Tensor) => nx.reshape(nx.sliceAlong(x, options.positiveLabel ?? 1, 1), []);
    return score(at(tp), at(predicted), at(actual));
  }
  if (average === "micro") {
    const total = nx.full([], n, { dtype: "f64" });
    return score(nx.sum(tp), total, total);
  }
  const per = score(tp, predicted, actual);
  if (average === "none") return per;
  if (average === "weighted") return nx.divide(nx.sum(nx.multiply(per, actual)), n);
  // Macro: sklearn's label set is every label present in yTrue or yPred (all with numClasses).
  const present =
    options.numClasses !== undefined
      ? nx.ones([k], { dtype: "f64" })
      : nx.asType(nx.greater(nx.add(actual, predicted), 0), "f64");
  return nx.divide(nx.sum(nx.multiply(per, present)), nx.sum(present));
}

/**
 * Of the rows predicted positive, the fraction that are: tp / (tp + fp). A 0-d tensor, or one
 * score per class with average "none".
 */
export function precision(yTrue: Data, yPred: Data, options: PRFOptions = {}): nx.Tensor {
  return prf(yTrue, yPred, "precision", 1, options, "precision");
}

/** Of the positive rows, the fraction predicted positive: tp / (tp + fn) (as precision's). */
export function recall(yTrue: Data, yPred: Data, options: PRFOptions = {}): nx.Tensor {
  return prf(yTrue, yPred, "recall", 1, options, "recall");
}

/** The harmonic mean of precision and recall (as precision's). */
export function f1Score(yTrue: Data, yPred: Data, options: PRFOptions = {}): nx.Tensor {
  return prf(yTrue, yPred, "f", 1, options, "f1Score");
}

/** F-beta: recall counts beta times as much as precision (as precision's). */
export function fbetaScore(
  yTrue: Data,
  yPred: Data,
  beta: number,
  options: PRFOptions = {},
): nx.Tensor {
  if (!(beta >= 0)) throw new RangeError(`fbetaScore: beta must be ≥ 0, got ${beta}`);
  return prf(yTrue, yPred, "f", beta, options, "fbetaScore");
}

/**
 * The mean recall over the classes present in yTrue: accuracy that is fair to rare classes (a 0-d
 * tensor).
 */
export function balancedAccuracy(yTrue: Data, yPred: Data): nx.Tensor {
  const { t, p, k } = labelPair(yTrue, yPred, "balancedAccuracy");
  const cm = counts(t, p, k);
  const support = nx.sum(cm, { axes: 1 });
  const present = nx.asType(nx.greater(support, 0), "f64");
  return nx.divide(nx.sum(safeDivide(diagonal(cm), support, 0)), nx.sum(present));
}

/**
 * Cohen's kappa: agreement beyond chance, (pₒ − pₑ) / (1 − pₑ); optional linear or quadratic
 * weights (a 0-d tensor).
 */
export function cohenKappa(
  yTrue: Data,
  yPred: Data,
  options: { weights?: "linear" | "quadratic"; numClasses?: number } = {},
): nx.Tensor {
  const { t, p, k, n } = labelPair(yTrue, yPred, "cohenKappa", options.numClasses);
  const cm = counts(t, p, k);
  const gap = nx.subtract(
    nx.iota([k, k], { axis: 0, dtype: "f64" }),
    nx.iota([k, k], { axis: 1, dtype: "f64" }),
  );
  const w =
    options.weights === "linear"
      ? nx.abs(gap)
      : options.weights === "quadratic"
        ? nx.multiply(gap, gap)
        : nx.asType(nx.notEqual(gap, 0), "f64");
  const chance = nx.outer(nx.sum(cm, { axes: 1 }), nx.sum(cm, { axes: 0 }));
  const observed = nx.divide(nx.sum(nx.multiply(w, cm)), n);
  const expected = nx.divide(nx.sum(nx.multiply(w, chance)), n * n);
  return nx.subtract(1, nx.divide(observed, expected));
}

/** Matthews correlation coefficient (multiclass form): +1 perfect, 0 chance, −1 inverse (0-d). */
export function matthewsCorrcoef(yTrue: Data, yPred: Data): nx.Tensor {
  const { t, p, k, n } = labelPair(yTrue, yPred, "matthewsCorrcoef");
  const cm = counts(t, p, k);
  const c = nx.sum(diagonal(cm));
  const tk = nx.sum(cm, { axes: 1 });
  const pk = nx.sum(cm, { axes: 0 });
  const s2 = n * n;
  const den = nx.sqrt(
    nx.multiply(nx.subtract(s2, nx.dot(pk, pk)), nx.subtract(s2, nx.dot(tk, tk))),
  );
  return safeDivide(nx.subtract(nx.multiply(c, n), nx.dot(tk, pk)), den, 0);
}

/**
 * Cross-entropy of predicted probabilities: `probabilities` is `[rows, K]` (each row sums to 1,
 * rows renormalised) or, for two classes, `[rows]` with the probability of class 1. Probabilities
 * are clipped to [1e-15, 1 − 1e-15]. A 0-d tensor.
 */
export function logLoss(
  yTrue: Data,
  probabilities: Data,
  options: { eps?: number } = {},
): nx.Tensor {
  const where = "logLoss";
  const eps = options.eps ?? 1e-15;
  const m = matrixInput(probabilities, where, { name: "probabilities" });
  const [rows, cols] = m.shape as [number, number];
  const binary = cols === 1;
  const k = binary ? 2 : cols;
  const { values } = toLabels(yTrue, where, { name: "yTrue", length: rows, numClasses: k });
  const probs = binary ? nx.concatenate([nx.subtract(1, m), m], { axis: 1 }) : m;
  const clipped = nx.clip(probs, eps, 1 - eps);
  const hot = nx.oneHot(nx.tensor(values), k, { dtype: "f64" });
  const picked = nx.sum(nx.multiply(clipped, hot), { axes: 1 });
  return nx.negate(nx.mean(nx.log(nx.divide(picked, nx.sum(clipped, { axes: 1 })))));
}

/** Scores for ranking metrics: binary labels and one score per row. */
function binaryScores(
  yTrue: Data,
  scores: Data,
  where: string,
): { t: Int32Array; s: Float64Array } {
  const t = toLabels(yTrue, where, { name: "yTrue" });
  if (t.numClasses > 2)
    throw new RangeError(
      `${where}: yTrue must be binary (0/1) here; for more classes pass [rows, K] scores to rocAucScore`,
    );
  const s = toVector(scores, where, { name: "scores", length: t.values.length });
  return { t: t.values, s };
}

/** The distinct-threshold cumulative counts, scores descending (scikit-learn's _binary_clf_curve). */
function thresholdCounts(
  t: Int32Array,
  s: Float64Array,
): { fps: number[]; tps: number[]; thresholds: number[] } {
  const order = Array.from(s.keys()).sort((a, b) => s[b]! - s[a]! || b - a);
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let r = 0; r < order.length; r++) {
    const i = order[r]!;
    tp += t[i] === 1 ? 1 : 0;
    const last = r === order.length - 1;
    if (last || s[order[r + 1]!] !== s[i]) {
      tps.push(tp);
      fps.push(r + 1 - tp);
      thresholds.push(s[i]!);
    }
  }
  return { fps, tps, thresholds };
}

/** A ROC curve: false and true positive rates at each decreasing threshold. */
export interface RocCurve {
  fpr: nx.Tensor;
  tpr: nx.Tensor;
  /** Decreasing; the first is +Infinity (no row predicted positive). */
  thresholds: nx.Tensor;
}

/**
 * The ROC curve of binary labels and scores (scikit-learn's roc_curve with drop_intermediate:
 * collinear points are dropped).
 */
export function rocCurve(
  yTrue: Data,
  scores: Data,
  options: { dropIntermediate?: boolean } = {},
): RocCurve {
  const where = "rocCurve";
  const { t, s } = binaryScores(yTrue, scores, where);
  let { fps, tps, thresholds } = thresholdCounts(t, s);
  if ((options.dropIntermediate ?? true) && fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < fps.length - 1; i++) {
      const d2f = fps[i + 1]! - 2 * fps[i]! + fps[i - 1]!;
      const d2t = tps[i + 1]! - 2 * tps[i]! + tps[i - 1]!;
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(fps.length - 1);
    fps = keep.map((i) => fps[i]!);
    tps = keep.map((i) => tps[i]!);
    thresholds = keep.map((i) => thresholds[i]!);
  }
  fps.unshift(0);
  tps.unshift(0);
  thresholds.unshift(Infinity);
  const fMax = fps[fps.length - 1]!;
  const tMax = tps[tps.length - 1]!;
  if (fMax === 0 || tMax === 0)
    throw new RangeError(
      `${where}: yTrue has only one class (${tMax === 0 ? "no positives" : "no negatives"}); the ROC curve needs both`,
    );
  return {
    fpr: fromValues(
      fps.map((f) => f / fMax),
      [fps.length],
      "f64",
    ),
    tpr: fromValues(
      tps.map((v) => v / tMax),
      [tps.length],
      "f64",
    ),
    thresholds: fromValues(thresholds, [thresholds.length], "f64"),
  };
}

/** The trapezoidal area under the curve through the points (x, y) (a 0-d tensor). */
function trapezoid(x: nx.Tensor, y: nx.Tensor): nx.Tensor {
  const n = x.shape[0]!;
  const step = (v: nx.Tensor) =>
    nx.subtract(nx.sliceAlong(v, 1, n - 1), nx.sliceAlong(v, 0, n - 1));
  const pairSum = nx.add(nx.sliceAlong(y, 1, n - 1), nx.sliceAlong(y, 0, n - 1));
  return nx.divide(nx.sum(nx.multiply(step(x), pairSum)), 2);
}

function binaryAuc(t: Int32Array, s: Float64Array, where: string): nx.Tensor {
  const { fps, tps } = thresholdCounts(t, s);
  const fMax = fps[fps.length - 1]!;
  const tMax = tps[tps.length - 1]!;
  if (fMax === 0 || tMax === 0)
    throw new RangeError(
      `${where}: yTrue has only one class; ROC AUC needs both positives and negatives`,
    );
  const rate = (v: number[], max: number) =>
    nx.divide(fromValues([0, ...v], [v.length + 1], "f64"), max);
  return trapezoid(rate(fps, fMax), rate(tps, tMax));
}

/**
 * Area under the ROC curve (a 0-d tensor). Binary: `scores` is `[rows]` (the score of class 1).
 * Multiclass: `scores` is `[rows, K]` and the one-vs-rest AUCs are averaged ("macro", default, or
 * "weighted").
 */
export function rocAucScore(
  yTrue: Data,
  scores: Data,
  options: { average?: "macro" | "weighted" } = {},
): nx.Tensor {
  const where = "rocAucScore";
  const m = toMatrix(scores, where, { name: "scores" });
  if (m.cols === 1) {
    const { t, s } = binaryScores(yTrue, scores, where);
    return binaryAuc(t, s, where);
  }
  const k = m.cols;
  const { values } = toLabels(yTrue, where, { name: "yTrue", length: m.rows, numClasses: k });
  const aucs: nx.Tensor[] = [];
  const weights: number[] = [];
  for (let c = 0; c < k; c++) {
    const col = new Float64Array(m.rows);
    const bin = new Int32Array(m.rows);
    let support = 0;
    for (let i = 0; i < m.rows; i++) {
      col[i] = m.data[i * k + c]!;
      bin[i] = values[i] === c ? 1 : 0;
      support += bin[i]!;
    }
    weights.push(options.average === "weighted" ? support : 1);
    aucs.push(binaryAuc(bin, col, `${where} (class ${c} vs rest)`));
  }
  const w = fromValues(weights, [k], "f64");
  return nx.divide(nx.sum(nx.multiply(nx.stack(aucs), w)), nx.sum(w));
}

/** A precision–recall curve. */
export interface PrecisionRecallCurve {
  /** Ends with 1. */
  precision: nx.Tensor;
  /** Decreasing, ends with 0. */
  recall: nx.Tensor;
  /** Increasing; one fewer than precision and recall. */
  thresholds: nx.Tensor;
}

/** Precision and recall at every distinct threshold (scikit-learn's precision_recall_curve). */
export function precisionRecallCurve(yTrue: Data, scores: Data): PrecisionRecallCurve {
  const where = "precisionRecallCurve";
  const { t, s } = binaryScores(yTrue, scores, where);
  const { fps, tps, thresholds } = thresholdCounts(t, s);
  const tMax = tps[tps.length - 1]!;
  if (tMax === 0) throw new RangeError(`${where}: yTrue has no positive rows`);
  const prec = tps.map((v, i) => (v + fps[i]! === 0 ? 0 : v / (v + fps[i]!)));
  const rec = tps.map((v) => v / tMax);
  prec.reverse().push(1);
  rec.reverse().push(0);
  const th = thresholds.slice().reverse();
  return {
    precision: fromValues(prec, [prec.length], "f64"),
    recall: fromValues(rec, [rec.length], "f64"),
    thresholds: fromValues(th, [th.length], "f64"),
  };
}

/**
 * Average precision: Σ (Rₙ − Rₙ₋₁) Pₙ over the precision–recall curve (no interpolation); a 0-d
 * tensor.
 */
export function averagePrecision(yTrue: Data, scores: Data): nx.Tensor {
  const { precision: p, recall: r } = precisionRecallCurve(yTrue, scores);
  const n = r.shape[0]!;
  const drop = nx.subtract(nx.sliceAlong(r, 0, n - 1), nx.sliceAlong(r, 1, n - 1));
  return nx.sum(nx.multiply(drop, nx.sliceAlong(p, 0, n - 1)));
}
