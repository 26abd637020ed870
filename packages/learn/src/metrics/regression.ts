/** Regression metrics, with scikit-learn's definitions. Each returns a JS number. */
import { toVector, type Data } from "../input.js";

function pair(yTrue: Data, yPred: Data, where: string): [Float64Array, Float64Array] {
  const t = toVector(yTrue, where, { name: "yTrue" });
  const p = toVector(yPred, where, { name: "yPred" });
  if (t.length !== p.length)
    throw new RangeError(
      `${where}: yTrue has ${t.length} values but yPred has ${p.length}; they must match`,
    );
  if (t.length === 0) throw new RangeError(`${where}: needs at least one value`);
  return [t, p];
}

function mean(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}

/** Options of r2Score and explainedVarianceScore. */
export interface ForceFiniteOptions {
  /**
   * When yTrue is constant the score is undefined: true (default) gives 1 for a perfect prediction
   * and 0 otherwise; false gives NaN (perfect) or −Infinity.
   */
  forceFinite?: boolean;
}

function finiteRatio(num: number, den: number, forceFinite: boolean): number {
  if (den !== 0) return 1 - num / den;
  if (forceFinite) return num === 0 ? 1 : 0;
  return num === 0 ? NaN : -Infinity;
}

/**
 * Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²: 1 is perfect, 0 is as good as
 * predicting the mean, and it can be negative.
 *
 * @example r2Score(yTest, model.predict(xTest)) // 0.8…
 */
export function r2Score(yTrue: Data, yPred: Data, options: ForceFiniteOptions = {}): number {
  const [t, p] = pair(yTrue, yPred, "r2Score");
  const m = mean(t);
  let res = 0;
  let tot = 0;
  for (let i = 0; i < t.length; i++) {
    res += (t[i]! - p[i]!) ** 2;
    tot += (t[i]! - m) ** 2;
  }
  return finiteRatio(res, tot, options.forceFinite ?? true);
}

/** Mean of |y − ŷ|. */
export function meanAbsoluteError(yTrue: Data, yPred: Data): number {
  const [t, p] = pair(yTrue, yPred, "meanAbsoluteError");
  let s = 0;
  for (let i = 0; i < t.length; i++) s += Math.abs(t[i]! - p[i]!);
  return s / t.length;
}

/** Mean of (y − ŷ)². */
export function meanSquaredError(yTrue: Data, yPred: Data): number {
  const [t, p] = pair(yTrue, yPred, "meanSquaredError");
  let s = 0;
  for (let i = 0; i < t.length; i++) s += (t[i]! - p[i]!) ** 2;
  return s / t.length;
}

/** √(mean of (y − ŷ)²), in the units of y. */
export function rootMeanSquaredError(yTrue: Data, yPred: Data): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred));
}

/**
 * Mean of |y − ŷ| / |y| as a fraction (0.1 is 10 %); |y| below machine epsilon counts as epsilon,
 * as scikit-learn.
 */
export function meanAbsolutePercentageError(yTrue: Data, yPred: Data): number {
  const [t, p] = pair(yTrue, yPred, "meanAbsolutePercentageError");
  let s = 0;
  for (let i = 0; i < t.length; i++)
    s += Math.abs(t[i]! - p[i]!) / Math.max(Math.abs(t[i]!), Number.EPSILON);
  return s / t.length;
}

/** 1 − Var(y − ŷ) / Var(y): like R² but blind to a constant bias. */
export function explainedVarianceScore(
  yTrue: Data,
  yPred: Data,
  options: ForceFiniteOptions = {},
): number {
  const [t, p] = pair(yTrue, yPred, "explainedVarianceScore");
  const d = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) d[i] = t[i]! - p[i]!;
  const md = mean(d);
  const mt = mean(t);
  let num = 0;
  let den = 0;
  for (let i = 0; i < t.length; i++) {
    num += (d[i]! - md) ** 2;
    den += (t[i]! - mt) ** 2;
  }
  return finiteRatio(num, den, options.forceFinite ?? true);
}

/** The largest |y − ŷ|. */
export function maxResidualError(yTrue: Data, yPred: Data): number {
  const [t, p] = pair(yTrue, yPred, "maxResidualError");
  let m = 0;
  for (let i = 0; i < t.length; i++) m = Math.max(m, Math.abs(t[i]! - p[i]!));
  return m;
}
