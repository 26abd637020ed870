/** Statistics over a tensor as Nx computes them: median, mode, weighted mean, covariance, allClose. */
import { floatType, isFloat } from "../dtype.js";
import { formatType } from "../format.js";
import { broadcastShapes, normalizeAxes, normalizeAxis, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkBoolean, checkInteger, checkNumber, checkOptions, checkTensorArg } from "./check.js";
import { iota } from "./creation.js";
import * as e from "./elementwise.js";
import { matmul, matrixTranspose } from "./linalg.js";
import { all, argmax, cumulativeMax, mean, sum } from "./reduce.js";
import { takeAlongAxis } from "./gather.js";
import { broadcastTo, concatenate, flatten, newAxis, reshape, sliceAlong } from "./shape.js";
import { sort } from "./sort.js";

/** Options of `median` and `mode`: one axis (the flattened tensor by default). */
export interface AxisReduceOptions {
  axis?: number;
  keepAxis?: boolean;
}

/** The tensor to reduce, the axis, and how to restore a kept axis. */
function alongAxis(op: string, x: Tensor, options: AxisReduceOptions) {
  checkTensorArg(op, x);
  const o = checkOptions(op, options);
  const keep = checkBoolean(op, "keepAxis", o.keepAxis, false);
  const t = o.axis === undefined ? flatten(x) : x;
  const axis = o.axis === undefined ? 0 : normalizeAxis(op, o.axis, x.rank);
  if (t.shape[axis] === 0)
    throw new RangeError(`${op}: cannot reduce an empty axis of ${formatType(x.shape, x.dtype)}`);
  const finish = (y: Tensor) => {
    if (!keep)
      return reshape(
        y,
        t.shape.filter((_, i) => i !== axis),
      );
    return reshape(
      y,
      o.axis === undefined ? x.shape.map(() => 1) : x.shape.map((d, i) => (i === axis ? 1 : d)),
    );
  };
  return { t, axis, finish };
}

/**
 * The median along `axis` (of all elements by default), as Nx.median: the middle value of an odd
 * count (in the input's type), the mean of the two middle values of an even one (a float).
 */
export function median(x: Tensor, options: AxisReduceOptions = {}): Tensor {
  const { t, axis, finish } = alongAxis("median", x, options);
  const n = t.shape[axis]!;
  const sorted = sort(t, { axis });
  const middle = (i: number) => sliceAlong(sorted, i, 1, { axis });
  if (n % 2 === 1) return finish(middle((n - 1) / 2));
  const dtype = floatType(t.dtype);
  return finish(e.divide(e.add(e.cast(middle(n / 2 - 1), dtype), e.cast(middle(n / 2), dtype)), 2));
}

/**
 * The most frequent value along `axis` (of all elements by default), as Nx.mode; of values equally
 * frequent, the smallest. Sorts, then measures each run of equal values (O(n log n)).
 */
export function mode(x: Tensor, options: AxisReduceOptions = {}): Tensor {
  const { t, axis, finish } = alongAxis("mode", x, options);
  const sorted = sort(t, { axis });
  const n = sorted.shape[axis]!;
  const position = iota(sorted.shape, { axis });
  // A run starts where a value differs from the one before it; each position's run length so far
  // is its distance from the run's start, which a running maximum of the starts gives.
  const differs = e.notEqual(
    sliceAlong(sorted, 1, n - 1, { axis }),
    sliceAlong(sorted, 0, n - 1, { axis }),
  );
  const later = sliceAlong(position, 1, n - 1, { axis });
  const starts = concatenate([sliceAlong(position, 0, 1, { axis }), e.select(differs, later, 0)], {
    axis,
  });
  const runStart = cumulativeMax(starts, { axis });
  // The first position where the longest run ends is in the run of the smallest such value.
  const longest = argmax(e.subtract(position, runStart), { axis, keepAxis: true });
  return finish(takeAlongAxis(sorted, longest, axis));
}

/** Options of `weightedMean`. */
export interface WeightedMeanOptions {
  axes?: number | readonly number[];
  keepAxes?: boolean;
}

/**
 * Σ wᵢxᵢ / Σ wᵢ over `axes` (all by default), as Nx.weighted_mean: `weights` has the shape of `x`
 * (or broadcasts to it), or, with `axes`, the sizes of those axes only.
 */
export function weightedMean(
  x: Tensor,
  weights: Tensor,
  options: WeightedMeanOptions = {},
): Tensor {
  checkTensorArg("weightedMean", x);
  checkTensorArg("weightedMean", weights, "weights");
  const o = checkOptions("weightedMean", options);
  const axes = normalizeAxes("weightedMean", o.axes, x.rank);
  const keepAxes = checkBoolean("weightedMean", "keepAxes", o.keepAxes, false);
  const sizes = axes.map((a) => x.shape[a]!);
  const onAxes =
    o.axes !== undefined &&
    weights.rank === axes.length &&
    weights.rank < x.rank &&
    weights.shape.every((d, i) => d === sizes[i]);
  const w = onAxes
    ? reshape(
        weights,
        x.shape.map((d, i) => (axes.includes(i) ? d : 1)),
      )
    : weights;
  let fits: boolean;
  try {
    fits = shapesEqual(
      broadcastShapes("weightedMean", x.shape, x.dtype, w.shape, w.dtype),
      x.shape,
    );
  } catch {
    fits = false;
  }
  if (!fits)
    throw new RangeError(
      `weightedMean: weights ${formatType(weights.shape, weights.dtype)} match neither ${formatType(x.shape, x.dtype)} nor the sizes of axes [${axes.join(", ")}]`,
    );
  const dtype = floatType(e.resultType([x, w]));
  const wFull = broadcastTo(e.cast(w, dtype), x.shape);
  const reduce = { axes, keepAxes };
  return e.divide(sum(e.multiply(e.cast(x, dtype), wFull), reduce), sum(wFull, reduce));
}

/** Options of `covariance`. */
export interface CovarianceOptions {
  /** The column means (…, d); estimated with `mean` when absent. */
  mean?: Tensor;
  /** Delta degrees of freedom: the sum of products is divided by n − ddof (default 0). */
  ddof?: number;
}

/**
 * The covariance matrix (…, d, d) of observations `x` (…, n, d), as Nx.covariance:
 * Σ (xᵢ − x̄)(xᵢ − x̄)ᵀ / (n − ddof); leading axes are batches.
 */
export function covariance(x: Tensor, options: CovarianceOptions = {}): Tensor {
  checkTensorArg("covariance", x);
  if (x.rank < 2)
    throw new RangeError(
      `covariance: expected observations (…, n, d) of rank 2 or more, got ${formatType(x.shape, x.dtype)}`,
    );
  const o = checkOptions("covariance", options);
  const ddof = checkInteger("covariance", "ddof", o.ddof ?? 0, 0);
  const n = x.shape.at(-2)!;
  if (n - ddof <= 0)
    throw new RangeError(`covariance: ddof ${ddof} leaves no degrees of freedom for ${n} rows`);
  const dtype = floatType(x.dtype);
  const xf = e.cast(x, dtype);
  if (o.mean !== undefined) checkTensorArg("covariance", o.mean, "mean");
  const mu = o.mean === undefined ? mean(xf, { axes: [-2] }) : e.cast(o.mean, dtype);
  const centered = e.subtract(xf, newAxis(mu, -2));
  return e.divide(matmul(matrixTranspose(centered), centered), n - ddof);
}

/** Options of `allClose`. */
export interface AllCloseOptions {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Count NaN as equal to NaN (default false). */
  equalNan?: boolean;
}

/**
 * 1 (u8) when every |a − b| ≤ atol + rtol·|b| (broadcasting), else 0, as Nx.all_close and
 * `numpy.allclose`: equal infinities are close, NaN is close to nothing unless `equalNan`.
 */
export function allClose(a: Tensor, b: Tensor, options: AllCloseOptions = {}): Tensor {
  checkTensorArg("allClose", a);
  checkTensorArg("allClose", b);
  const o = checkOptions("allClose", options);
  const rtol = checkNumber("allClose", "rtol", o.rtol ?? 1e-5);
  const atol = checkNumber("allClose", "atol", o.atol ?? 1e-8);
  const equalNan = checkBoolean("allClose", "equalNan", o.equalNan, false);
  const dtype = isFloat(e.resultType([a, b])) ? e.resultType([a, b]) : "f64";
  const [x, y] = [e.cast(a, dtype), e.cast(b, dtype)];
  const near = e.lessEqual(e.abs(e.subtract(x, y)), e.add(atol, e.multiply(rtol, e.abs(y))));
  let close = e.logicalOr(e.equal(x, y), near);
  if (equalNan) close = e.logicalOr(close, e.logicalAnd(e.isNan(x), e.isNan(y)));
  return all(close);
}
