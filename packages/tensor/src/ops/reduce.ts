/** Reductions: sums, products, extremes, their indices, moments, logsumexp and scans. */
import { bind } from "../core.js";
import { floatType, isComplex } from "../dtype.js";
import * as p from "../primitives/reduce.js";
import { normalizeAxes, normalizeAxis, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import * as e from "./elementwise.js";
import { checkBoolean, checkNumber, checkOptions } from "./check.js";
import { reshape, stopGradient } from "./shape.js";
import { imag, real } from "./complex.js";

/** Which axes to reduce (all by default) and whether to keep them as size 1. */
export interface ReduceOptions {
  axes?: number | readonly number[];
  keepAxes?: boolean;
}

function toTensor(x: Tensor | number, op: string): Tensor {
  e.checkOperand(x, op);
  return typeof x === "number" ? e.cast(x, "f32") : x;
}

/** The options of a reduction, checked against `x` (the error names `op`). */
function reduceOptions(op: string, x: Tensor, options: ReduceOptions | undefined): ReduceOptions {
  const o = checkOptions(op, options);
  normalizeAxes(op, o.axes, x.rank);
  return { axes: o.axes, keepAxes: checkBoolean(op, "keepAxes", o.keepAxes, false) };
}

function reduceWith(
  prim: typeof p.reduceSum,
  x: Tensor,
  options: ReduceOptions,
  op: string,
): Tensor {
  options = reduceOptions(op, x, options);
  const axes = normalizeAxes(op, options.axes, x.rank);
  // Axes of size 1 hold one element each: reducing them is only a reshape.
  const real = axes.filter((a) => x.shape[a] !== 1);
  const kept = bindReduce(prim, x, real);
  const out =
    real.length === axes.length
      ? kept
      : reshape(
          kept,
          x.shape.filter((_, i) => !axes.includes(i)),
        );
  return options.keepAxes
    ? reshape(
        out,
        x.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
      )
    : out;
}

function bindReduce(prim: typeof p.reduceSum, x: Tensor, axes: readonly number[]): Tensor {
  return axes.length === 0 ? x : bind(prim, [x], { axes });
}

/** Sum of elements (u8 sums as u32). */
export function sum(x: Tensor | number, options: ReduceOptions = {}): Tensor {
  const t = toTensor(x, "sum");
  return reduceWith(p.reduceSum, t.dtype === "u8" ? e.cast(t, "u32") : t, options, "sum");
}

/** Product of elements. */
export function product(x: Tensor | number, options: ReduceOptions = {}): Tensor {
  const t = toTensor(x, "product");
  return reduceWith(p.reduceProduct, t.dtype === "u8" ? e.cast(t, "u32") : t, options, "product");
}

/** Largest element (NaN if any is NaN; -Infinity for an empty reduction). */
export function reduceMax(x: Tensor | number, options: ReduceOptions = {}): Tensor {
  return reduceWith(p.reduceMax, toTensor(x, "reduceMax"), options, "reduceMax");
}

/** Smallest element (NaN if any is NaN; Infinity for an empty reduction). */
export function reduceMin(x: Tensor | number, options: ReduceOptions = {}): Tensor {
  return reduceWith(p.reduceMin, toTensor(x, "reduceMin"), options, "reduceMin");
}

function count(x: Tensor, options: ReduceOptions, op: string): number {
  return sizeOf(normalizeAxes(op, options.axes, x.rank).map((a) => x.shape[a]!));
}

/** Arithmetic mean (a float). */
export function mean(x: Tensor | number, options: ReduceOptions = {}): Tensor {
  const t = toTensor(x, "mean");
  options = reduceOptions("mean", t, options);
  const n = count(t, options, "mean");
  const f = e.cast(t, floatType(t.dtype));
  return e.divide(sum(f, options), n);
}

/**
 * Variance with `ddof` delta degrees of freedom (0: population, 1: sample); of a complex tensor,
 * the mean of |x − mean|², real (as NumPy).
 */
export function variance(
  x: Tensor | number,
  options: ReduceOptions & { ddof?: number } = {},
): Tensor {
  return varianceOf("variance", x, options);
}

function varianceOf(
  op: string,
  x: Tensor | number,
  options: ReduceOptions & { ddof?: number },
): Tensor {
  const t = toTensor(x, op);
  const ddof = checkNumber(op, "ddof", checkOptions(op, options).ddof ?? 0);
  options = reduceOptions(op, t, options);
  const n = count(t, options, op);
  const f = e.cast(t, floatType(t.dtype));
  const centered = e.subtract(f, mean(f, { axes: options.axes, keepAxes: true }));
  // Of complex values, the mean of |x − mean|² (as NumPy), a real number.
  const squared = isComplex(f.dtype)
    ? e.add(e.multiply(real(centered), real(centered)), e.multiply(imag(centered), imag(centered)))
    : e.multiply(centered, centered);
  return e.divide(sum(squared, options), n - ddof);
}

/** Standard deviation: the square root of `variance`. */
export function standardDeviation(
  x: Tensor | number,
  options: ReduceOptions & { ddof?: number } = {},
): Tensor {
  return e.sqrt(varianceOf("standardDeviation", x, options));
}

/** log Σ exp(x), computed stably (the max is subtracted first). */
export function logsumexp(x: Tensor | number, options: ReduceOptions = {}): Tensor {
  const t = toTensor(x, "logsumexp");
  options = reduceOptions("logsumexp", t, options);
  const axes = normalizeAxes("logsumexp", options.axes, t.rank);
  const f = e.cast(t, floatType(t.dtype));
  const m = reduceMax(f, { axes: options.axes, keepAxes: true });
  const safe = stopGradient(e.select(e.isInfinite(m), 0, m));
  const s = sum(e.exp(e.subtract(f, safe)), { axes: options.axes, keepAxes: true });
  // A row that is all −∞ sums to 0: its value is −∞ and its gradient 0 (softmax's 0s), not the
  // NaN of log's 1/0 times exp's 0.
  const empty = e.equal(s, 0);
  const out = e.select(empty, -Infinity, e.add(e.log(e.select(empty, 1, s)), safe));
  return options.keepAxes
    ? out
    : reshape(
        out,
        out.shape.filter((_, i) => !axes.includes(i)),
      );
}

/** 1 (u8) where every element is non-zero (1 for an empty reduction). */
export function all(x: Tensor | number, options: ReduceOptions = {}): Tensor {
  // Not reduceMin: its empty-reduction Infinity would store as 0 in a u8.
  const t = toTensor(x, "all");
  options = reduceOptions("all", t, options);
  return e.logicalNot(reduceMax(e.equal(t, 0), options));
}

/** 1 (u8) where some element is non-zero (0 for an empty reduction). */
export function any(x: Tensor | number, options: ReduceOptions = {}): Tensor {
  const t = toTensor(x, "any");
  options = reduceOptions("any", t, options);
  return reduceMax(e.notEqual(t, 0), options);
}

function argReduce(
  op: "max" | "min",
  x: Tensor | number,
  options: { axis?: number; keepAxis?: boolean },
): Tensor {
  const name = `arg${op}`;
  const src = toTensor(x, name);
  options = checkOptions(name, options);
  const keepAxis = checkBoolean(name, "keepAxis", options.keepAxis, false);
  let t = src;
  let axis: number;
  if (options.axis === undefined) {
    t = reshape(t, [-1]);
    axis = 0;
  } else {
    axis = normalizeAxis(name, options.axis, t.rank);
  }
  if (t.shape[axis] === 0)
    throw new RangeError(`${name}: cannot take the ${name} of an empty axis`);
  const out = bind(p.argReduce, [t], { axis, op });
  if (!keepAxis) return out;
  const shape =
    options.axis === undefined
      ? src.shape.map(() => 1)
      : t.shape.map((d, i) => (i === axis ? 1 : d));
  return reshape(out, shape);
}

/**
 * Index (s32) of the largest element along `axis`, or of the flattened tensor when no axis is given.
 * Ties go to the lowest index; a NaN counts as the largest value (as in NumPy).
 */
export function argmax(
  x: Tensor | number,
  options: { axis?: number; keepAxis?: boolean } = {},
): Tensor {
  return argReduce("max", x, options);
}

/** Index (s32) of the smallest element; ties go to the lowest index; NaN counts as the smallest. */
export function argmin(
  x: Tensor | number,
  options: { axis?: number; keepAxis?: boolean } = {},
): Tensor {
  return argReduce("min", x, options);
}

/** Options of the scans: the axis (default 0), and `reverse` to run from the end. */
export interface ScanOptions {
  axis?: number;
  reverse?: boolean;
}

function scan(
  prim: typeof p.cumulativeSum,
  op: string,
  x: Tensor | number,
  options: ScanOptions,
  widenU8: boolean,
): Tensor {
  const t = toTensor(x, op);
  const o = checkOptions(op, options);
  const axis = normalizeAxis(op, o.axis ?? 0, t.rank);
  const reverse = checkBoolean(op, "reverse", o.reverse, false);
  return bind(prim, [widenU8 && t.dtype === "u8" ? e.cast(t, "u32") : t], { axis, reverse });
}

/** Running sum along `axis` (default 0); `reverse` sums from the end. u8 sums as u32. */
export function cumulativeSum(x: Tensor | number, options: ScanOptions = {}): Tensor {
  return scan(p.cumulativeSum, "cumulativeSum", x, options, true);
}

/**
 * Running product along `axis` (default 0); `reverse` multiplies from the end. u8 multiplies as
 * u32; s32 and u32 wrap. Its gradient is exact at zeros (no division by them).
 */
export function cumulativeProduct(x: Tensor | number, options: ScanOptions = {}): Tensor {
  return scan(p.cumulativeProduct, "cumulativeProduct", x, options, true);
}

/**
 * Running maximum along `axis` (default 0); `reverse` runs from the end. NaN stays from where it
 * appears. The gradient of each output goes to the latest element equal to it.
 */
export function cumulativeMax(x: Tensor | number, options: ScanOptions = {}): Tensor {
  return scan(p.cumulativeMax, "cumulativeMax", x, options, false);
}

/**
 * Running minimum along `axis` (default 0); `reverse` runs from the end. NaN stays from where it
 * appears. The gradient of each output goes to the latest element equal to it.
 */
export function cumulativeMin(x: Tensor | number, options: ScanOptions = {}): Tensor {
  return scan(p.cumulativeMin, "cumulativeMin", x, options, false);
}

/** @internal Sums `g` down to `shape` (undoing a NumPy broadcast). */
export function unbroadcast(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  g.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  return reshape(
    bindReduce(
      p.reduceSum,
      g,
      axes.filter((a) => g.shape[a] !== 1),
    ),
    shape,
  );
}
