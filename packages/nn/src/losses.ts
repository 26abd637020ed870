/**
 * Loss functions (Axon.Losses): pure tensor functions `(yTrue, yPred, options) → Tensor`, so they
 * trace inside `nx.jit` and differentiate with `nx.valueAndGrad`.
 *
 * Each loss first computes one value per sample (averaging or summing over the last axis, as Axon
 * does), then applies `reduction`: `"mean"` (the default here, as Axon's trainer uses), `"sum"`,
 * or `"none"` (the per-sample values).
 *
 * @example
 * import * as nn from "@dendrite/nn";
 * const loss = nn.losses.get("mean_squared_error"); // same as nn.losses.meanSquaredError
 * loss(yTrue, yPred); // a scalar
 */
import * as nx from "@dendrite/tensor";
import { logSigmoid, logSoftmax, softplus } from "./activations.js";
import { logitsOf } from "./logits.js";
import { canonicalName, lookupName, toSnakeCase } from "./names.js";

export { recordLogits, logitsOf } from "./logits.js";

/** How per-sample losses are combined: averaged, summed, or returned as they are. */
export type Reduction = "none" | "mean" | "sum";

/** Options every loss takes. */
export interface LossOptions {
  /** `"mean"` (default), `"sum"` or `"none"`. */
  reduction?: Reduction;
}

/** A loss function: targets and predictions in, a (reduced) loss tensor out. */
export type Loss = (yTrue: nx.Tensor, yPred: nx.Tensor, options?: LossOptions) => nx.Tensor;

// ---------------------------------------------------------------------------------------------
// Helpers

const EPSILON = 1e-7;

function floatDtype(t: nx.Tensor): nx.DType {
  return t.dtype === "f64" ? "f64" : "f32";
}

/** Both arguments as tensors of the prediction's float dtype; checks they are tensors. */
function floats(name: string, yTrue: nx.Tensor, yPred: nx.Tensor): [nx.Tensor, nx.Tensor] {
  if (!(yTrue instanceof nx.Tensor) || !(yPred instanceof nx.Tensor))
    throw new TypeError(`${name}: yTrue and yPred must be tensors`);
  const dtype = floatDtype(yPred);
  const cast = (t: nx.Tensor) => (t.dtype === dtype ? t : nx.asType(t, dtype));
  return [cast(yTrue), cast(yPred)];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws unless `yTrue` and `yPred` have the same shape, naming the loss and both shapes. */
export function checkSameShape(name: string, yTrue: nx.Tensor, yPred: nx.Tensor): void {
  if (!sameShape(yTrue.shape, yPred.shape))
    throw new RangeError(
      `${name}: yTrue ${nx.formatType(yTrue.shape, yTrue.dtype)} and yPred ` +
        `${nx.formatType(yPred.shape, yPred.dtype)} must have the same shape` +
        shapeHint(yTrue.shape, yPred.shape),
    );
}

/** What to do when targets and predictions differ only by a trailing axis of size 1. */
function shapeHint(yTrue: readonly number[], yPred: readonly number[]): string {
  if (sameShape([...yTrue, 1], yPred))
    return (
      `; give the targets that axis too: yTrue.reshape([-1, 1]), or ` +
      `data.toTensor(df, column, { keepDims: true }) for a DataFrame column`
    );
  if (sameShape(yTrue, [...yPred, 1]))
    return `; the model predicts one value per row: yTrue.reshape([-1]) matches it`;
  return "";
}

/** Mean over the last axis (one value per sample); a scalar stays as it is. */
function meanLast(x: nx.Tensor): nx.Tensor {
  return x.rank === 0 ? x : nx.mean(x, { axes: [-1] });
}

/** Sum over the last axis; a scalar stays as it is. */
function sumLast(x: nx.Tensor): nx.Tensor {
  return x.rank === 0 ? x : nx.sum(x, { axes: [-1] });
}

/** Applies a reduction to per-sample losses. */
export function reduce(
  name: string,
  perSample: nx.Tensor,
  reduction: Reduction = "mean",
): nx.Tensor {
  switch (reduction) {
    case "mean":
      return nx.mean(perSample);
    case "sum":
      return nx.sum(perSample);
    case "none":
      return perSample;
    default:
      throw new RangeError(
        `${name}: reduction must be "mean", "sum" or "none", got ${nx.show(reduction)}`,
      );
  }
}

/**
 * w · log p, with 0 · log 0 = 0: a term whose weight is 0 and whose log p is −∞ (a masked logit)
 * counts 0 and has finite gradients (0 in w, as PyTorch's `xlogy`) instead of NaN.
 */
function timesLog(w: nx.Tensor, logP: nx.Tensor): nx.Tensor {
  const zero = nx.logicalAnd(nx.equal(w, 0), nx.equal(logP, -Infinity));
  return nx.multiply(w, nx.select(zero, 0, logP));
}

// ---------------------------------------------------------------------------------------------
// Losses

/** Options of `binaryCrossEntropy`. */
export interface BinaryCrossEntropyOptions extends LossOptions {
  /** `yPred` holds logits (any real number) rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** Weight of the terms whose target is 1. Default 1. */
  positiveWeight?: number;
  /** Weight of the terms whose target is 0. Default 1. */
  negativeWeight?: number;
}

/**
 * Binary cross-entropy −(y log p + (1 − y) log(1 − p)), averaged over the last axis. Probabilities
 * are clipped to [1e-7, 1 − 1e-7]; with `fromLogits` (or when `yPred` came from a sigmoid layer)
 * it is computed from the logits with log-sigmoid, finite for any logit.
 */
export function binaryCrossEntropy(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: BinaryCrossEntropyOptions = {},
): nx.Tensor {
  const name = "binaryCrossEntropy";
  checkSameShape(name, yTrue, yPred);
  const [y, p] = floats(name, yTrue, yPred);
  const logits = options.fromLogits ? p : logitsOf(yPred, "sigmoid");
  let logP: nx.Tensor;
  let logNotP: nx.Tensor;
  if (logits) {
    const z = nx.asType(logits, p.dtype);
    logP = logSigmoid(z);
    logNotP = logSigmoid(nx.negate(z));
  } else {
    const clipped = nx.clip(p, EPSILON, 1 - EPSILON);
    logP = nx.log(clipped);
    logNotP = nx.log1p(nx.negate(clipped));
  }
  const notY = nx.subtract(1, y);
  let terms = nx.negate(nx.add(timesLog(y, logP), timesLog(notY, logNotP)));
  if (options.positiveWeight !== undefined || options.negativeWeight !== undefined) {
    const weights = nx.add(
      nx.multiply(y, options.positiveWeight ?? 1),
      nx.multiply(notY, options.negativeWeight ?? 1),
    );
    terms = nx.multiply(weights, terms);
  }
  return reduce(name, meanLast(terms), options.reduction);
}

/** Options of `categoricalCrossEntropy`. */
export interface CategoricalCrossEntropyOptions extends LossOptions {
  /** `yPred` holds logits rather than probabilities (a softmax is applied inside). Default false. */
  fromLogits?: boolean;
  /**
   * `yTrue` holds class indices (shape of `yPred` without its last axis, or with a last axis of
   * 1) rather than one-hot rows. Default false.
   */
  sparse?: boolean;
  /**
   * One weight per class; each sample's loss is scaled by the weight of its class, and `"mean"`
   * divides by the sum of the weights used (as Axon and PyTorch do).
   */
  classWeights?: readonly number[] | nx.Tensor;
  /**
   * With sparse targets: samples whose class index is this value count for nothing, and `"mean"`
   * divides by the (weighted) count of the others (PyTorch's `ignore_index`).
   */
  ignoreIndex?: number;
}

/**
 * Categorical cross-entropy −Σ y log p over the last axis. Computed from log-softmax when
 * `fromLogits` is set or `yPred` came from a softmax layer (finite for logits of ±1e3);
 * probabilities are otherwise clipped to [1e-7, 1].
 */
export function categoricalCrossEntropy(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: CategoricalCrossEntropyOptions = {},
): nx.Tensor {
  const name = "categoricalCrossEntropy";
  if (!(yTrue instanceof nx.Tensor) || !(yPred instanceof nx.Tensor))
    throw new TypeError(`${name}: yTrue and yPred must be tensors`);
  if (yPred.rank === 0) throw new RangeError(`${name}: yPred must have a class axis, got a scalar`);
  const dtype = floatDtype(yPred);
  const target = targetRows(name, yTrue, yPred, dtype, options);
  const logits = options.fromLogits ? yPred : logitsOf(yPred, "softmax");
  const logP = logits
    ? logSoftmax(nx.asType(logits, dtype))
    : nx.log(nx.clip(nx.asType(yPred, dtype), EPSILON, 1));
  return weightedNll(name, target, logP, options);
}

/**
 * The targets as rows over the classes: one-hot rows of sparse class indices (all zero for an
 * ignored index), or `yTrue` itself.
 */
function targetRows(
  name: string,
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  dtype: nx.DType,
  options: CategoricalCrossEntropyOptions,
): nx.Tensor {
  const classes = yPred.shape[yPred.rank - 1]!;
  if (!options.sparse) {
    if (options.ignoreIndex !== undefined)
      throw new TypeError(`${name}: ignoreIndex needs sparse targets (class indices)`);
    checkSameShape(name, yTrue, yPred);
    return yTrue.dtype === dtype ? yTrue : nx.asType(yTrue, dtype);
  }
  const batch = yPred.shape.slice(0, -1);
  const fits =
    sameShape(yTrue.shape, batch) ||
    (sameShape(yTrue.shape.slice(0, -1), batch) && yTrue.shape[yTrue.rank - 1] === 1);
  if (!fits)
    throw new RangeError(
      `${name}: with sparse targets, yTrue must hold one class index per sample ` +
        `(shape ${nx.formatShape(batch)} or ${nx.formatShape([...batch, 1])}), got yTrue ` +
        `${nx.formatType(yTrue.shape, yTrue.dtype)} for yPred ${nx.formatType(yPred.shape, yPred.dtype)}`,
    );
  const labels = nx.reshape(yTrue, batch);
  const ignore = options.ignoreIndex;
  if (ignore === undefined) return nx.oneHot(labels, classes, { dtype });
  if (!Number.isInteger(ignore))
    throw new TypeError(`${name}: ignoreIndex must be an integer, got ${nx.show(ignore)}`);
  const ignored = nx.equal(labels, ignore);
  const rows = nx.oneHot(nx.select(ignored, 0, labels), classes, { dtype });
  return nx.multiply(rows, nx.newAxis(nx.asType(nx.logicalNot(ignored), dtype), -1));
}

/**
 * −Σ target · log p per sample, reduced; with class weights each sample counts by its class's
 * weight, and `"mean"` divides by the sum of the weights counted (rows of zeros — ignored samples
 * — count nothing), as Axon and PyTorch do.
 */
function weightedNll(
  name: string,
  target: nx.Tensor,
  logP: nx.Tensor,
  options: CategoricalCrossEntropyOptions,
): nx.Tensor {
  const classes = logP.shape[logP.rank - 1]!;
  const perSample = nx.negate(nx.sum(timesLog(target, logP), { axes: [-1] }));
  const { classWeights } = options;
  if (classWeights === undefined && options.ignoreIndex === undefined)
    return reduce(name, perSample, options.reduction);
  let sampleWeights: nx.Tensor;
  if (classWeights === undefined) sampleWeights = nx.sum(target, { axes: [-1] });
  else {
    const weights =
      classWeights instanceof nx.Tensor
        ? nx.asType(classWeights, logP.dtype)
        : nx.tensor([...classWeights], { dtype: logP.dtype });
    if (weights.rank !== 1 || weights.shape[0] !== classes)
      throw new RangeError(
        `${name}: classWeights must hold one weight per class (${classes}), got ` +
          nx.formatType(weights.shape, weights.dtype),
      );
    sampleWeights = nx.sum(nx.multiply(target, weights), { axes: [-1] });
  }
  const weighted = classWeights === undefined ? perSample : nx.multiply(sampleWeights, perSample);
  if ((options.reduction ?? "mean") === "mean")
    return nx.divide(nx.sum(weighted), nx.sum(sampleWeights));
  return reduce(name, weighted, options.reduction);
}

/** Options of `negativeLogLikelihood`. */
export type NegativeLogLikelihoodOptions = Pick<
  CategoricalCrossEntropyOptions,
  "classWeights" | "ignoreIndex" | "reduction"
>;

/**
 * The negative log-likelihood (PyTorch's `nll_loss`): `yPred` holds log-probabilities (from a
 * `logSoftmax` layer), `yTrue` one class index per sample; −log p of the true class, with
 * `classWeights` and `ignoreIndex` as in `categoricalCrossEntropy`.
 */
export function negativeLogLikelihood(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: NegativeLogLikelihoodOptions = {},
): nx.Tensor {
  const name = "negativeLogLikelihood";
  if (!(yTrue instanceof nx.Tensor) || !(yPred instanceof nx.Tensor))
    throw new TypeError(`${name}: yTrue and yPred must be tensors`);
  if (yPred.rank === 0) throw new RangeError(`${name}: yPred must have a class axis, got a scalar`);
  const dtype = floatDtype(yPred);
  const sparse = { ...options, sparse: true };
  return weightedNll(
    name,
    targetRows(name, yTrue, yPred, dtype, sparse),
    nx.asType(yPred, dtype),
    sparse,
  );
}

/**
 * Categorical cross-entropy against integer class labels (Keras' `sparse_categorical_crossentropy`):
 * `yTrue` holds one class index per sample, shape `[n]` or `[n, 1]`.
 */
export function sparseCategoricalCrossEntropy(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: Omit<CategoricalCrossEntropyOptions, "sparse"> = {},
): nx.Tensor {
  return categoricalCrossEntropy(yTrue, yPred, { ...options, sparse: true });
}

/**
 * Categorical hinge max(0, 1 + max over wrong classes of p − p of the true class), one per sample;
 * `yTrue` one-hot.
 */
export function categoricalHinge(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: LossOptions = {},
): nx.Tensor {
  const name = "categoricalHinge";
  checkSameShape(name, yTrue, yPred);
  const [y, p] = floats(name, yTrue, yPred);
  const negative = nx.reduceMax(nx.multiply(nx.subtract(1, y), p), { axes: [-1] });
  const positive = nx.sum(nx.multiply(y, p), { axes: [-1] });
  return reduce(name, nx.maximum(nx.add(nx.subtract(negative, positive), 1), 0), options.reduction);
}

/** Hinge loss max(0, 1 − y·p) averaged over the last axis; targets are −1 or 1. */
export function hinge(yTrue: nx.Tensor, yPred: nx.Tensor, options: LossOptions = {}): nx.Tensor {
  const name = "hinge";
  checkSameShape(name, yTrue, yPred);
  const [y, p] = floats(name, yTrue, yPred);
  return reduce(
    name,
    meanLast(nx.maximum(nx.subtract(1, nx.multiply(y, p)), 0)),
    options.reduction,
  );
}

/** Kullback–Leibler divergence Σ y log(y / p) over the last axis (both clipped to [1e-7, 1]). */
export function klDivergence(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: LossOptions = {},
): nx.Tensor {
  const name = "klDivergence";
  checkSameShape(name, yTrue, yPred);
  const [y, p] = floats(name, yTrue, yPred);
  const yc = nx.clip(y, EPSILON, 1);
  const pc = nx.clip(p, EPSILON, 1);
  return reduce(name, sumLast(nx.multiply(yc, nx.log(nx.divide(yc, pc)))), options.reduction);
}

/**
 * log(cosh(p − y)) averaged over the last axis, computed as |x| + log1p(e^(−2|x|)) − log 2 so it
 * never overflows.
 */
export function logCosh(yTrue: nx.Tensor, yPred: nx.Tensor, options: LossOptions = {}): nx.Tensor {
  const name = "logCosh";
  checkSameShape(name, yTrue, yPred);
  const [y, p] = floats(name, yTrue, yPred);
  const a = nx.abs(nx.subtract(p, y));
  const value = nx.subtract(nx.add(a, nx.log1p(nx.exp(nx.multiply(a, -2)))), Math.LN2);
  return reduce(name, meanLast(value), options.reduction);
}

/** Mean absolute error |y − p| averaged over the last axis. */
export function meanAbsoluteError(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: LossOptions = {},
): nx.Tensor {
  const name = "meanAbsoluteError";
  checkSameShape(name, yTrue, yPred);
  const [y, p] = floats(name, yTrue, yPred);
  return reduce(name, meanLast(nx.abs(nx.subtract(y, p))), options.reduction);
}

/** Mean squared error (y − p)² averaged over the last axis. */
export function meanSquaredError(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: LossOptions = {},
): nx.Tensor {
  const name = "meanSquaredError";
  checkSameShape(name, yTrue, yPred);
  const [y, p] = floats(name, yTrue, yPred);
  const d = nx.subtract(y, p);
  return reduce(name, meanLast(nx.multiply(d, d)), options.reduction);
}

/** Poisson loss p − y log(p + 1e-7), averaged over the last axis. */
export function poisson(yTrue: nx.Tensor, yPred: nx.Tensor, options: LossOptions = {}): nx.Tensor {
  const name = "poisson";
  checkSameShape(name, yTrue, yPred);
  const [y, p] = floats(name, yTrue, yPred);
  const value = nx.subtract(p, nx.multiply(y, nx.log(nx.add(p, EPSILON))));
  return reduce(name, meanLast(value), options.reduction);
}

/**
 * Soft margin log(1 + e^(−y·p)) averaged over the last axis (as PyTorch's SoftMarginLoss; Axon
 * sums over the batch axis instead), computed without overflow; targets are −1 or 1.
 */
export function softMargin(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: LossOptions = {},
): nx.Tensor {
  const name = "softMargin";
  checkSameShape(name, yTrue, yPred);
  const [y, p] = floats(name, yTrue, yPred);
  return reduce(name, meanLast(softplus(nx.negate(nx.multiply(y, p)))), options.reduction);
}

/** Options of `huber`. */
export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear. Default 1. */
  delta?: number;
}

/**
 * Huber loss: ½d² where |d| ≤ delta, else delta·(|d| − ½delta), with d = p − y; averaged over the
 * last axis.
 */
export function huber(yTrue: nx.Tensor, yPred: nx.Tensor, options: HuberOptions = {}): nx.Tensor {
  const name = "huber";
  checkSameShape(name, yTrue, yPred);
  const [y, p] = floats(name, yTrue, yPred);
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new RangeError(`${name}: delta must be positive, got ${delta}`);
  const a = nx.abs(nx.subtract(p, y));
  const value = nx.select(
    nx.lessEqual(a, delta),
    nx.multiply(nx.multiply(a, a), 0.5),
    nx.multiply(nx.subtract(a, 0.5 * delta), delta),
  );
  return reduce(name, meanLast(value), options.reduction);
}

/** Options of `cosineSimilarity`. */
export interface CosineSimilarityOptions extends LossOptions {
  /** Lower bound of the product of the norms. Default 1e-6 (Axon's). */
  eps?: number;
}

/**
 * Negative cosine similarity −(y·p)/(|y||p|) over the last axis, in [−1, 1]: minimising it turns
 * predictions towards the targets (Keras' convention; Axon's function returns +similarity, which a
 * trainer would push apart).
 */
export function cosineSimilarity(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: CosineSimilarityOptions = {},
): nx.Tensor {
  const name = "cosineSimilarity";
  checkSameShape(name, yTrue, yPred);
  const [y, p] = floats(name, yTrue, yPred);
  if (y.rank === 0) throw new RangeError(`${name}: yTrue and yPred need at least one axis`);
  const eps = options.eps ?? 1e-6;
  const dot = nx.sum(nx.multiply(y, p), { axes: [-1] });
  const yy = nx.sum(nx.multiply(y, y), { axes: [-1] });
  const pp = nx.sum(nx.multiply(p, p), { axes: [-1] });
  const norms = nx.sqrt(nx.maximum(nx.multiply(yy, pp), eps * eps));
  return reduce(name, nx.negate(nx.divide(dot, norms)), options.reduction);
}

// ---------------------------------------------------------------------------------------------
// Lookup by name

const LOSSES = {
  binaryCrossEntropy,
  categoricalCrossEntropy,
  sparseCategoricalCrossEntropy,
  negativeLogLikelihood,
  categoricalHinge,
  hinge,
  klDivergence,
  logCosh,
  meanAbsoluteError,
  meanSquaredError,
  poisson,
  softMargin,
  huber,
  cosineSimilarity,
} as const satisfies Record<string, Loss>;

/** Keras' short loss names (its long ones, such as `binary_crossentropy`, match as they are). */
const LOSS_ALIASES = { mse: "meanSquaredError", mae: "meanAbsoluteError", kld: "klDivergence" };

/** The names of the built-in losses (camelCase; the snake_case forms are accepted too). */
export const names: readonly string[] = Object.keys(LOSSES);

/**
 * A loss by name — camelCase (`"meanSquaredError"`) or Axon's snake_case (`"mean_squared_error"`) —
 * or the function itself. An unknown name throws, listing the valid names and the closest one.
 */
export function get(nameOrFn: string | Loss): Loss {
  if (typeof nameOrFn === "function") return nameOrFn;
  if (typeof nameOrFn !== "string")
    throw new TypeError(
      `losses.get: expected a loss name or function, got ${nx.describeValue(nameOrFn)}`,
    );
  return lookupName("loss", LOSSES, nameOrFn, LOSS_ALIASES);
}

/** The name Axon would print for a loss: `"mean_squared_error"` (a function's own name, snake_cased). */
export function nameOf(nameOrFn: string | Loss): string {
  if (typeof nameOrFn === "string") {
    return toSnakeCase(canonicalName("loss", LOSSES, nameOrFn, LOSS_ALIASES));
  }
  return toSnakeCase(nameOrFn.name || "loss");
}
