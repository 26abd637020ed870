/**
 * Classification metrics on integer class labels 0 … K − 1, with scikit-learn's definitions.
 * Scalar metrics return JS numbers; matrices and curves return tensors.
 */
import type * as nx from "@dendrite/tensor";
import { fromValues, toLabels, toMatrix, toVector, type Data } from "../input.js";

function labelPair(
  yTrue: Data,
  yPred: Data,
  where: string,
  numClasses?: number,
): { t: Int32Array; p: Int32Array; k: number } {
  const t = toLabels(yTrue, where, { name: "yTrue" });
  const p = toLabels(yPred, where, { name: "yPred", length: t.values.length });
  if (t.values.length === 0) throw new RangeError(`${where}: needs at least one label`);
  const k = numClasses ?? Math.max(t.numClasses, p.numClasses);
  if (t.numClasses > k || p.numClasses > k)
    throw new RangeError(
      `${where}: found label ${Math.max(t.numClasses, p.numClasses) - 1} but numClasses is ${k}`,
    );
  return { t: t.values, p: p.values, k };
}

function counts(t: Int32Array, p: Int32Array, k: number): Float64Array {
  const cm = new Float64Array(k * k);
  for (let i = 0; i < t.length; i++) cm[t[i]! * k + p[i]!]!++;
  return cm;
}

/** Fraction of labels predicted exactly. */
export function accuracy(yTrue: Data, yPred: Data): number {
  const { t, p } = labelPair(yTrue, yPred, "accuracy");
  let hit = 0;
  for (let i = 0; i < t.length; i++) if (t[i] === p[i]) hit++;
  return hit / t.length;
}

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
  const { t, p, k } = labelPair(yTrue, yPred, "confusionMatrix", options.numClasses);
  const cm = counts(t, p, k);
  if (!options.normalize) return fromValues(cm, [k, k], "s32");
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let d = 0;
      if (options.normalize === "all") d = t.length;
      else if (options.normalize === "true") for (let c = 0; c < k; c++) d += cm[i * k + c]!;
      else for (let r = 0; r < k; r++) d += cm[r * k + j]!;
      out[i * k + j] = d === 0 ? 0 : cm[i * k + j]! / d;
    }
  }
  return fromValues(out, [k, k], "f64");
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
): number | nx.Tensor {
  const average = options.average ?? "binary";
  const zd = options.zeroDivision ?? 0;
  const { t, p, k } = labelPair(yTrue, yPred, where, options.numClasses);
  const tp = new Float64Array(k);
  const predicted = new Float64Array(k);
  const actual = new Float64Array(k);
  for (let i = 0; i < t.length; i++) {
    actual[t[i]!]!++;
    predicted[p[i]!]!++;
    if (t[i] === p[i]) tp[t[i]!]!++;
  }
  const b2 = beta * beta;
  const score = (tpc: number, pred: number, act: number): number => {
    const prec = pred === 0 ? NaN : tpc / pred;
    const rec = act === 0 ? NaN : tpc / act;
    if (kind === "precision") return Number.isNaN(prec) ? zd : prec;
    if (kind === "recall") return Number.isNaN(rec) ? zd : rec;
    // F-beta from counts: (1 + β²) tp / ((1 + β²) tp + β² fn + fp).
    const den = (1 + b2) * tpc + b2 * (act - tpc) + (pred - tpc);
    return den === 0 ? zd : ((1 + b2) * tpc) / den;
  };
  if (average === "binary") {
    const pos = options.positiveLabel ?? 1;
    if (k > 2)
      throw new RangeError(
        `${where}: average "binary" needs two classes but the labels go up to ${k - 1}; choose average "micro", "macro" or "weighted"`,
      );
    if (!Number.isInteger(pos) || pos < 0 || pos > 1)
      throw new RangeError(`${where}: positiveLabel must be 0 or 1, got ${pos}`);
    return score(tp[pos] ?? 0, predicted[pos] ?? 0, actual[pos] ?? 0);
  }
  if (average === "micro") {
    let a = 0;
    for (let c = 0; c < k; c++) a += tp[c]!;
    return score(a, t.length, t.length);
  }
  // Per class; sklearn's label set is every label present in yTrue or yPred.
  const per = new Float64Array(k);
  const present: number[] = [];
  for (let c = 0; c < k; c++) {
    per[c] = score(tp[c]!, predicted[c]!, actual[c]!);
    if (actual[c]! > 0 || predicted[c]! > 0 || options.numClasses !== undefined) present.push(c);
  }
  if (average === "none") return fromValues(per, [k], "f64");
  if (average === "macro") return present.reduce((s, c) => s + per[c]!, 0) / present.length;
  if (average === "weighted") {
    const total = t.length;
    return present.reduce((s, c) => s + (per[c]! * actual[c]!) / total, 0);
  }
  throw new RangeError(`${where}: unknown average ${JSON.stringify(average)}`);
}

/** Of the rows predicted positive, the fraction that are: tp / (tp + fp). */
export function precision(
  yTrue: Data,
  yPred: Data,
  options: PRFOptions & { average: "none" },
): nx.Tensor;
export function precision(yTrue: Data, yPred: Data, options?: PRFOptions): number;
export function precision(yTrue: Data, yPred: Data, options: PRFOptions = {}): number | nx.Tensor {
  return prf(yTrue, yPred, "precision", 1, options, "precision");
}

/** Of the positive rows, the fraction predicted positive: tp / (tp + fn). */
export function recall(
  yTrue: Data,
  yPred: Data,
  options: PRFOptions & { average: "none" },
): nx.Tensor;
export function recall(yTrue: Data, yPred: Data, options?: PRFOptions): number;
export function recall(yTrue: Data, yPred: Data, options: PRFOptions = {}): number | nx.Tensor {
  return prf(yTrue, yPred, "recall", 1, options, "recall");
}

/** The harmonic mean of precision and recall. */
export function f1Score(
  yTrue: Data,
  yPred: Data,
  options: PRFOptions & { average: "none" },
): nx.Tensor;
export function f1Score(yTrue: Data, yPred: Data, options?: PRFOptions): number;
export function f1Score(yTrue: Data, yPred: Data, options: PRFOptions = {}): number | nx.Tensor {
  return prf(yTrue, yPred, "f", 1, options, "f1Score");
}

/** F-beta: recall counts beta times as much as precision. */
export function fbetaScore(
  yTrue: Data,
  yPred: Data,
  beta: number,
  options: PRFOptions & { average: "none" },
): nx.Tensor;
export function fbetaScore(yTrue: Data, yPred: Data, beta: number, options?: PRFOptions): number;
export function fbetaScore(
  yTrue: Data,
  yPred: Data,
  beta: number,
  options: PRFOptions = {},
): number | nx.Tensor {
  if (!(beta >= 0)) throw new RangeError(`fbetaScore: beta must be ≥ 0, got ${beta}`);
  return prf(yTrue, yPred, "f", beta, options, "fbetaScore");
}

/** The mean recall over the classes present in yTrue: accuracy that is fair to rare classes. */
export function balancedAccuracy(yTrue: Data, yPred: Data): number {
  const { t, p, k } = labelPair(yTrue, yPred, "balancedAccuracy");
  const cm = counts(t, p, k);
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < k; c++) {
    let support = 0;
    for (let j = 0; j < k; j++) support += cm[c * k + j]!;
    if (support === 0) continue;
    sum += cm[c * k + c]! / support;
    classes++;
  }
  return sum / classes;
}

/** Cohen's kappa: agreement beyond chance, (pₒ − pₑ) / (1 − pₑ); optional linear or quadratic weights. */
export function cohenKappa(
  yTrue: Data,
  yPred: Data,
  options: { weights?: "linear" | "quadratic"; numClasses?: number } = {},
): number {
  const { t, p, k } = labelPair(yTrue, yPred, "cohenKappa", options.numClasses);
  const cm = counts(t, p, k);
  const n = t.length;
  const rowSum = new Float64Array(k);
  const colSum = new Float64Array(k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      rowSum[i] = rowSum[i]! + cm[i * k + j]!;
      colSum[j] = colSum[j]! + cm[i * k + j]!;
    }
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w =
        options.weights === "linear"
          ? Math.abs(i - j)
          : options.weights === "quadratic"
            ? (i - j) ** 2
            : i === j
              ? 0
              : 1;
      observed += (w * cm[i * k + j]!) / n;
      expected += (w * rowSum[i]! * colSum[j]!) / (n * n);
    }
  }
  return 1 - observed / expected;
}

/** Matthews correlation coefficient (multiclass form): +1 perfect, 0 chance, −1 inverse. */
export function matthewsCorrcoef(yTrue: Data, yPred: Data): number {
  const { t, p, k } = labelPair(yTrue, yPred, "matthewsCorrcoef");
  const cm = counts(t, p, k);
  const s = t.length;
  let c = 0;
  const tk = new Float64Array(k);
  const pk = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    c += cm[i * k + i]!;
    for (let j = 0; j < k; j++) {
      tk[i] = tk[i]! + cm[i * k + j]!;
      pk[j] = pk[j]! + cm[i * k + j]!;
    }
  }
  let tp = 0;
  let pp = 0;
  let tt = 0;
  for (let i = 0; i < k; i++) {
    tp += tk[i]! * pk[i]!;
    pp += pk[i]! * pk[i]!;
    tt += tk[i]! * tk[i]!;
  }
  const den = Math.sqrt((s * s - pp) * (s * s - tt));
  return den === 0 ? 0 : (c * s - tp) / den;
}

/**
 * Cross-entropy of predicted probabilities: `probabilities` is `[rows, K]` (each row sums to 1,
 * rows renormalised) or, for two classes, `[rows]` with the probability of class 1. Probabilities
 * are clipped to [1e-15, 1 − 1e-15].
 */
export function logLoss(yTrue: Data, probabilities: Data, options: { eps?: number } = {}): number {
  const where = "logLoss";
  const eps = options.eps ?? 1e-15;
  const m = toMatrix(probabilities, where, { name: "probabilities" });
  const binary = m.cols === 1;
  const k = binary ? 2 : m.cols;
  const { values } = toLabels(yTrue, where, { name: "yTrue", length: m.rows, numClasses: k });
  let total = 0;
  const row = new Float64Array(k);
  for (let i = 0; i < m.rows; i++) {
    if (binary) {
      row[1] = m.data[i]!;
      row[0] = 1 - row[1]!;
    } else for (let c = 0; c < k; c++) row[c] = m.data[i * k + c]!;
    let sum = 0;
    for (let c = 0; c < k; c++) {
      row[c] = Math.min(Math.max(row[c]!, eps), 1 - eps);
      sum += row[c]!;
    }
    total -= Math.log(row[values[i]!]! / sum);
  }
  return total / m.rows;
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

function trapezoid(x: number[], y: number[]): number {
  let a = 0;
  for (let i = 1; i < x.length; i++) a += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return a;
}

function binaryAuc(t: Int32Array, s: Float64Array, where: string): number {
  const { fps, tps } = thresholdCounts(t, s);
  const fMax = fps[fps.length - 1]!;
  const tMax = tps[tps.length - 1]!;
  if (fMax === 0 || tMax === 0)
    throw new RangeError(
      `${where}: yTrue has only one class; ROC AUC needs both positives and negatives`,
    );
  return trapezoid([0, ...fps.map((f) => f / fMax)], [0, ...tps.map((v) => v / tMax)]);
}

/**
 * Area under the ROC curve. Binary: `scores` is `[rows]` (the score of class 1). Multiclass:
 * `scores` is `[rows, K]` and the one-vs-rest AUCs are averaged ("macro", default, or "weighted").
 */
export function rocAucScore(
  yTrue: Data,
  scores: Data,
  options: { average?: "macro" | "weighted" } = {},
): number {
  const where = "rocAucScore";
  const m = toMatrix(scores, where, { name: "scores" });
  if (m.cols === 1) {
    const { t, s } = binaryScores(yTrue, scores, where);
    return binaryAuc(t, s, where);
  }
  const k = m.cols;
  const { values } = toLabels(yTrue, where, { name: "yTrue", length: m.rows, numClasses: k });
  let total = 0;
  let weight = 0;
  const col = new Float64Array(m.rows);
  const bin = new Int32Array(m.rows);
  for (let c = 0; c < k; c++) {
    let support = 0;
    for (let i = 0; i < m.rows; i++) {
      col[i] = m.data[i * k + c]!;
      bin[i] = values[i] === c ? 1 : 0;
      support += bin[i]!;
    }
    const w = options.average === "weighted" ? support : 1;
    total += w * binaryAuc(bin, col, `${where} (class ${c} vs rest)`);
    weight += w;
  }
  return total / weight;
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

/** Average precision: Σ (Rₙ − Rₙ₋₁) Pₙ over the precision–recall curve (no interpolation). */
export function averagePrecision(yTrue: Data, scores: Data): number {
  const c = precisionRecallCurve(yTrue, scores);
  const p = c.precision.data();
  const r = c.recall.data();
  let ap = 0;
  for (let i = 0; i < r.length - 1; i++) ap -= (r[i + 1]! - r[i]!) * p[i]!;
  return ap;
}
