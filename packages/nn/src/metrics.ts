/**
 * Metrics (Axon.Metrics): pure functions `(yTrue, yPred) → scalar f32 tensor` that trace inside
 * `nx.jit`, and the accumulators that combine a metric over the batches of an epoch.
 *
 * @example
 * import * as nn from "@dendrite/nn";
 * nn.metrics.accuracy(yTrue, yPred); // binary, categorical or sparse, decided from the shapes
 * nn.metrics.get("mean_absolute_error"); // lookup by name (camelCase or snake_case)
 */
import * as nx from "@dendrite/tensor";
import { canonicalName, lookupName, toSnakeCase } from "./names.js";
import { checkSameShape } from "./losses.js";

/** A metric: targets and predictions in, a scalar tensor out. */
export type Metric = (yTrue: nx.Tensor, yPred: nx.Tensor) => nx.Tensor;

/** Options of the thresholded metrics (precision, recall, counts, binary accuracy). */
export interface ThresholdOptions {
  /** A prediction above this counts as positive. Default 0.5. */
  threshold?: number;
}

function checkTensors(name: string, yTrue: unknown, yPred: unknown): void {
  if (!(yTrue instanceof nx.Tensor) || !(yPred instanceof nx.Tensor))
    throw new TypeError(`${name}: yTrue and yPred must be tensors`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** True when `yTrue` holds one class index per row of `yPred` (shape S or S×1 for yPred S×C, C > 1). */
function isSparseTarget(yTrue: nx.Tensor, yPred: nx.Tensor): boolean {
  if (yPred.rank === 0 || yPred.shape[yPred.rank - 1]! <= 1) return false;
  const batch = yPred.shape.slice(0, -1);
  return (
    sameShape(yTrue.shape, batch) ||
    (yTrue.rank === yPred.rank &&
      sameShape(yTrue.shape.slice(0, -1), batch) &&
      yTrue.shape[yTrue.rank - 1] === 1)
  );
}

/** The mean of a 0/1 mask as an f32 scalar. */
function fraction(mask: nx.Tensor): nx.Tensor {
  return nx.mean(nx.asType(mask, "f32"));
}

/** The number of ones of a 0/1 mask as an f32 scalar. */
function count(mask: nx.Tensor): nx.Tensor {
  return nx.sum(nx.asType(mask, "f32"));
}

// ---------------------------------------------------------------------------------------------
// Accuracy

/** Options of `accuracy`. */
export interface AccuracyOptions extends ThresholdOptions {
  /**
   * `yTrue` holds class indices. Default: decided from the shapes — `yTrue` of shape S or S×1
   * against `yPred` of shape S×C (C > 1) is sparse.
   */
  sparse?: boolean;
  /** Binary predictions are logits: the threshold applies to sigmoid(yPred). Default false. */
  fromLogits?: boolean;
}

/**
 * The fraction of correct predictions, decided as Axon does: predictions with a last axis of size
 * 1 (or rank 1) are binary (`yPred > threshold` against `yTrue` 0/1); otherwise the class is the
 * argmax of the last axis, compared with the argmax of one-hot `yTrue`, or with `yTrue` itself when
 * it holds class indices (sparse).
 */
export function accuracy(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: AccuracyOptions = {},
): nx.Tensor {
  const name = "accuracy";
  checkTensors(name, yTrue, yPred);
  const sparse = options.sparse ?? isSparseTarget(yTrue, yPred);
  if (sparse) {
    if (!isSparseTarget(yTrue, yPred))
      throw new RangeError(
        `${name}: with sparse targets, yTrue must hold one class index per row of yPred, got ` +
          `yTrue ${nx.formatType(yTrue.shape, yTrue.dtype)} and yPred ${nx.formatType(yPred.shape, yPred.dtype)}`,
      );
    const labels = nx.reshape(yTrue, yPred.shape.slice(0, -1));
    return fraction(nx.equal(nx.argmax(yPred, { axis: -1 }), nx.asType(labels, "s32")));
  }
  checkSameShape(name, yTrue, yPred);
  if (yPred.rank <= 1 || yPred.shape[yPred.rank - 1] === 1) {
    const predicted = positives(yPred, options.threshold, options.fromLogits);
    return fraction(nx.equal(predicted, nx.notEqual(yTrue, 0)));
  }
  return fraction(nx.equal(nx.argmax(yTrue, { axis: -1 }), nx.argmax(yPred, { axis: -1 })));
}

/** Predictions above the threshold (on probabilities, or on sigmoid of logits), as a u8 mask. */
function positives(yPred: nx.Tensor, threshold = 0.5, fromLogits = false): nx.Tensor {
  if (!(threshold >= 0 && threshold <= 1) && fromLogits)
    throw new RangeError(`threshold must be in [0, 1] with fromLogits, got ${threshold}`);
  // sigmoid(z) > t  ⇔  z > log(t / (1 − t))
  const cut = fromLogits ? Math.log(threshold / (1 - threshold)) : threshold;
  return nx.greater(yPred, cut);
}

/** Options of `topKCategoricalAccuracy`. */
export interface TopKOptions {
  /** How many of the highest-scored classes may hold the true class. Default 5. */
  k?: number;
  /** `yTrue` holds class indices. Default: decided from the shapes, as in `accuracy`. */
  sparse?: boolean;
}

/**
 * The fraction of samples whose true class is among the `k` highest-scored classes. A class tied
 * with the true class's score does not push it out.
 */
export function topKCategoricalAccuracy(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: TopKOptions = {},
): nx.Tensor {
  const name = "topKCategoricalAccuracy";
  checkTensors(name, yTrue, yPred);
  const k = options.k ?? 5;
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`${name}: k must be a positive integer, got ${k}`);
  if (yPred.rank === 0) throw new RangeError(`${name}: yPred must have a class axis, got a scalar`);
  const classes = yPred.shape[yPred.rank - 1]!;
  let target: nx.Tensor;
  if (options.sparse ?? isSparseTarget(yTrue, yPred)) {
    if (!isSparseTarget(yTrue, yPred))
      throw new RangeError(
        `${name}: with sparse targets, yTrue must hold one class index per row of yPred, got ` +
          `yTrue ${nx.formatType(yTrue.shape, yTrue.dtype)} and yPred ${nx.formatType(yPred.shape, yPred.dtype)}`,
      );
    target = nx.oneHot(nx.reshape(yTrue, yPred.shape.slice(0, -1)), classes);
  } else {
    checkSameShape(name, yTrue, yPred);
    target = nx.oneHot(nx.argmax(yTrue, { axis: -1 }), classes);
  }
  const p = nx.asType(yPred, yPred.dtype === "f64" ? "f64" : "f32");
  const trueScore = nx.sum(nx.multiply(nx.asType(target, p.dtype), p), {
    axes: [-1],
    keepAxes: true,
  });
  const better = nx.sum(nx.asType(nx.greater(p, trueScore), "s32"), { axes: [-1] });
  return fraction(nx.less(better, k));
}

// ---------------------------------------------------------------------------------------------
// Confusion counts

/** Thresholded predictions and binarised targets (non-zero is positive), as u8 masks. */
function masks(
  name: string,
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: ThresholdOptions,
): { pred: nx.Tensor; truth: nx.Tensor } {
  checkTensors(name, yTrue, yPred);
  checkSameShape(name, yTrue, yPred);
  return { pred: positives(yPred, options.threshold), truth: nx.notEqual(yTrue, 0) };
}

/** The number of positive predictions whose target is positive (f32 scalar). */
export function truePositives(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: ThresholdOptions = {},
): nx.Tensor {
  const { pred, truth } = masks("truePositives", yTrue, yPred, options);
  return count(nx.logicalAnd(pred, truth));
}

/** The number of negative predictions whose target is negative (f32 scalar). */
export function trueNegatives(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: ThresholdOptions = {},
): nx.Tensor {
  const { pred, truth } = masks("trueNegatives", yTrue, yPred, options);
  return count(nx.logicalAnd(nx.logicalNot(pred), nx.logicalNot(truth)));
}

/** The number of positive predictions whose target is negative (f32 scalar). */
export function falsePositives(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: ThresholdOptions = {},
): nx.Tensor {
  const { pred, truth } = masks("falsePositives", yTrue, yPred, options);
  return count(nx.logicalAnd(pred, nx.logicalNot(truth)));
}

/** The number of negative predictions whose target is positive (f32 scalar). */
export function falseNegatives(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: ThresholdOptions = {},
): nx.Tensor {
  const { pred, truth } = masks("falseNegatives", yTrue, yPred, options);
  return count(nx.logicalAnd(nx.logicalNot(pred), truth));
}

/** TP / (TP + FP): how many positive predictions are right (0 when there are none). */
export function precision(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: ThresholdOptions = {},
): nx.Tensor {
  const { pred, truth } = masks("precision", yTrue, yPred, options);
  const tp = count(nx.logicalAnd(pred, truth));
  return nx.divide(tp, nx.add(count(pred), 1e-16));
}

/** TP / (TP + FN): how many positive targets are found (0 when there are none). */
export function recall(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: ThresholdOptions = {},
): nx.Tensor {
  const { pred, truth } = masks("recall", yTrue, yPred, options);
  const tp = count(nx.logicalAnd(pred, truth));
  return nx.divide(tp, nx.add(count(truth), 1e-16));
}

/** Sensitivity, the same as `recall`: TP / (TP + FN). */
export function sensitivity(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: ThresholdOptions = {},
): nx.Tensor {
  masks("sensitivity", yTrue, yPred, options);
  return recall(yTrue, yPred, options);
}

/** TN / (TN + FP): how many negative targets are predicted negative (0 when there are none). */
export function specificity(
  yTrue: nx.Tensor,
  yPred: nx.Tensor,
  options: ThresholdOptions = {},
): nx.Tensor {
  const { pred, truth } = masks("specificity", yTrue, yPred, options);
  const negatives = nx.logicalNot(truth);
  const tn = count(nx.logicalAnd(nx.logicalNot(pred), negatives));
  return nx.divide(tn, nx.add(count(negatives), 1e-16));
}

// ---------------------------------------------------------------------------------------------
// Regression

/** Mean of |y − p| over every element (f32, or f64 for f64 predictions). */
export function meanAbsoluteError(yTrue: nx.Tensor, yPred: nx.Tensor): nx.Tensor {
  const name = "meanAbsoluteError";
  checkTensors(name, yTrue, yPred);
  checkSameShape(name, yTrue, yPred);
  const dtype = yPred.dtype === "f64" ? "f64" : "f32";
  return nx.mean(nx.abs(nx.subtract(nx.asType(yTrue, dtype), nx.asType(yPred, dtype))));
}

/** Mean of (y − p)² over every element. */
export function meanSquaredError(yTrue: nx.Tensor, yPred: nx.Tensor): nx.Tensor {
  const name = "meanSquaredError";
  checkTensors(name, yTrue, yPred);
  checkSameShape(name, yTrue, yPred);
  const dtype = yPred.dtype === "f64" ? "f64" : "f32";
  const d = nx.subtract(nx.asType(yTrue, dtype), nx.asType(yPred, dtype));
  return nx.mean(nx.multiply(d, d));
}

// ---------------------------------------------------------------------------------------------
// Lookup by name

const METRICS = {
  accuracy,
  precision,
  recall,
  sensitivity,
  specificity,
  truePositives,
  trueNegatives,
  falsePositives,
  falseNegatives,
  meanAbsoluteError,
  meanSquaredError,
  topKCategoricalAccuracy,
} as const satisfies Record<string, Metric>;

/** The names of the built-in metrics (camelCase; the snake_case forms are accepted too). */
export const names: readonly string[] = Object.keys(METRICS);

/**
 * A metric by name — camelCase (`"meanAbsoluteError"`) or Axon's snake_case
 * (`"mean_absolute_error"`) — or the function itself. An unknown name throws, listing the valid
 * names and the closest one.
 */
export function get(nameOrFn: string | Metric): Metric {
  if (typeof nameOrFn === "function") return nameOrFn;
  if (typeof nameOrFn !== "string")
    throw new TypeError(
      `metrics.get: expected a metric name or function, got ${nx.describeValue(nameOrFn)}`,
    );
  return lookupName("metric", METRICS, nameOrFn, METRIC_ALIASES);
}

/** Keras' short metric names. */
const METRIC_ALIASES = { mae: "meanAbsoluteError", mse: "meanSquaredError", acc: "accuracy" };

/**
 * The name Axon prints for a metric: `"mean_absolute_error"` for `"meanAbsoluteError"` or
 * `"mean_absolute_error"`; a function's own name, snake_cased.
 */
export function nameOf(nameOrFn: string | Metric): string {
  if (typeof nameOrFn === "string") {
    return toSnakeCase(canonicalName("metric", METRICS, nameOrFn, METRIC_ALIASES));
  }
  return toSnakeCase(nameOrFn.name || "metric");
}

// ---------------------------------------------------------------------------------------------
// Accumulators

/**
 * Combines a metric's running value with the value of one batch. `iteration` counts the batches
 * already accumulated this epoch (0 for the first), as a number or an integer tensor, so one
 * compiled program serves every step.
 */
export type Accumulator = (
  acc: nx.Tensor,
  batchValue: nx.Tensor,
  iteration: nx.Tensor | number,
) => nx.Tensor;

/** The mean of the batch values so far: acc + (value − acc) / (iteration + 1). */
export function runningAverage(
  acc: nx.Tensor,
  batchValue: nx.Tensor,
  iteration: nx.Tensor | number,
): nx.Tensor {
  const n = nx.add(nx.asType(iteration, acc.dtype === "f64" ? "f64" : "f32"), 1);
  return nx.add(acc, nx.divide(nx.subtract(batchValue, acc), n));
}

/** The sum of the batch values so far: acc + value. */
export function runningSum(
  acc: nx.Tensor,
  batchValue: nx.Tensor,
  iteration: nx.Tensor | number,
): nx.Tensor {
  void iteration;
  return nx.add(acc, batchValue);
}

const ACCUMULATORS = { runningAverage, runningSum } as const satisfies Record<string, Accumulator>;

/**
 * An accumulator by name (`"runningAverage"` / `"running_average"`, `"runningSum"` /
 * `"running_sum"`) or the function itself.
 */
export function getAccumulator(nameOrFn: string | Accumulator): Accumulator {
  if (typeof nameOrFn === "function") return nameOrFn;
  return lookupName("accumulator", ACCUMULATORS, String(nameOrFn));
}
