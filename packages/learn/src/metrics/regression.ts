/**
 * Regression metrics, with scikit-learn's definitions, as tensor programs: each returns a 0-d f64
 * tensor (`.toNumber()` gives the number) and runs inside `nx.jit`.
 */
import * as nx from "@dendrite/tensor";
import { vectorInput, type Data } from "../input.js";

function pair(yTrue: Data, yPred: Data, where: string): [nx.Tensor, nx.Tensor] {
  const t = vectorInput(yTrue, where, { name: "yTrue" });
  const p = vectorInput(yPred, where, { name: "yPred" });
  if (t.shape[0] !== p.shape[0])
    throw new RangeError(
      `${where}: yTrue has ${t.shape[0]} values but yPred has ${p.shape[0]}; they must match`,
    );
  if (t.shape[0] === 0) throw new RangeError(`${where}: needs at least one value`);
  return [t, p];
}

/** Σ (x − mean x)². */
function sumOfSquaredDeviations(x: nx.Tensor): nx.Tensor {
  const d = nx.subtract(x, nx.mean(x));
  return nx.sum(nx.multiply(d, d));
}

/** Options of r2Score and explainedVarianceScore. */
export interface ForceFiniteOptions {
  /**
   * When yTrue is constant the score is undefined: true (default) gives 1 for a perfect prediction
   * and 0 otherwise; false gives NaN (perfect) or −Infinity.
   */
  forceFinite?: boolean;
}

/** 1 − num / den, with scikit-learn's values when den is 0. */
function finiteRatio(num: nx.Tensor, den: nx.Tensor, forceFinite: boolean): nx.Tensor {
  const perfect = nx.equal(num, 0);
  const undefinedScore = forceFinite
    ? nx.select(perfect, 1, 0)
    : nx.select(perfect, NaN, -Infinity);
  return nx.select(nx.equal(den, 0), undefinedScore, nx.subtract(1, nx.divide(num, den)));
}

/**
 * Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²: 1 is perfect, 0 is as good as
 * predicting the mean, and it can be negative. A 0-d tensor; runs inside `nx.jit`.
 *
 * @example r2Score(yTest, model.predict(xTest)).toNumber() // 0.8…
 */
export function r2Score(yTrue: Data, yPred: Data, options: ForceFiniteOptions = {}): nx.Tensor {
  const [t, p] = pair(yTrue, yPred, "r2Score");
  return r2Jit(t, p, options.forceFinite ?? true);
}

const r2Jit = nx.jit((t: nx.Tensor, p: nx.Tensor, forceFinite: boolean) => {
  const r = nx.subtract(t, p);
  return finiteRatio(nx.sum(nx.multiply(r, r)), sumOfSquaredDeviations(t), forceFinite);
});

/** Mean of |y − ŷ| (a 0-d tensor). */
export function meanAbsoluteError(yTrue: Data, yPred: Data): nx.Tensor {
  return maeJit(...pair(yTrue, yPred, "meanAbsoluteError"));
}

/** Mean of (y − ŷ)² (a 0-d tensor). */
export function meanSquaredError(yTrue: Data, yPred: Data): nx.Tensor {
  return mseJit(...pair(yTrue, yPred, "meanSquaredError"));
}

/** √(mean of (y − ŷ)²), in the units of y (a 0-d tensor). */
export function rootMeanSquaredError(yTrue: Data, yPred: Data): nx.Tensor {
  return nx.sqrt(meanSquaredError(yTrue, yPred));
}

/**
 * Mean of |y − ŷ| / |y| as a fraction (0.1 is 10 %); |y| below machine epsilon counts as epsilon,
 * as scikit-learn (a 0-d tensor).
 */
export function meanAbsolutePercentageError(yTrue: Data, yPred: Data): nx.Tensor {
  return mapeJit(...pair(yTrue, yPred, "meanAbsolutePercentageError"));
}

/** 1 − Var(y − ŷ) / Var(y): like R² but blind to a constant bias (a 0-d tensor). */
export function explainedVarianceScore(
  yTrue: Data,
  yPred: Data,
  options: ForceFiniteOptions = {},
): nx.Tensor {
  const [t, p] = pair(yTrue, yPred, "explainedVarianceScore");
  return explainedVarianceJit(t, p, options.forceFinite ?? true);
}

/** The largest |y − ŷ| (a 0-d tensor). */
export function maxResidualError(yTrue: Data, yPred: Data): nx.Tensor {
  return maxResidualJit(...pair(yTrue, yPred, "maxResidualError"));
}

// The metrics' tensor programs, compiled once per shape.
const maeJit = nx.jit((t: nx.Tensor, p: nx.Tensor) => nx.mean(nx.abs(nx.subtract(t, p))));
const mseJit = nx.jit((t: nx.Tensor, p: nx.Tensor) => {
  const r = nx.subtract(t, p);
  return nx.mean(nx.multiply(r, r));
});
const mapeJit = nx.jit((t: nx.Tensor, p: nx.Tensor) =>
  nx.mean(nx.divide(nx.abs(nx.subtract(t, p)), nx.maximum(nx.abs(t), Number.EPSILON))),
);
const explainedVarianceJit = nx.jit((t: nx.Tensor, p: nx.Tensor, forceFinite: boolean) =>
  finiteRatio(sumOfSquaredDeviations(nx.subtract(t, p)), sumOfSquaredDeviations(t), forceFinite),
);
const maxResidualJit = nx.jit((t: nx.Tensor, p: nx.Tensor) =>
  nx.reduceMax(nx.abs(nx.subtract(t, p))),
);
