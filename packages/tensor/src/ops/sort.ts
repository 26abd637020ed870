/** Sorting, top-k and one-hot encoding. */
import { bind } from "../core.js";
import * as p from "../primitives/sort.js";
import { normalizeAxis, stridesOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { iota } from "./creation.js";
import * as e from "./elementwise.js";
import { reshape, sliceAlong, take } from "./shape.js";

function toTensor(x: Tensor | number, op: string): Tensor {
  e.checkOperand(x, op);
  return typeof x === "number" ? e.cast(x, "f32") : x;
}

/** Options of sort and argsort. */
export interface SortOptions {
  /** Axis to sort along (default: the last). */
  axis?: number;
  /** Largest first. */
  descending?: boolean;
}

/** Indices (s32) that sort `x` along an axis; stable (equal values keep their order); NaN sorts as the largest. */
export function argsort(x: Tensor | number, options: SortOptions = {}): Tensor {
  const t = toTensor(x, "argsort");
  if (t.rank === 0) return e.cast(0, "s32");
  const axis = normalizeAxis("argsort", options.axis ?? -1, t.rank);
  return bind(p.argsort, [t], { axis, descending: options.descending ?? false });
}

/**
 * Gathers `x` along `axis` with indices shaped like `x` (NumPy's take_along_axis); differentiable
 * with respect to `x`.
 */
export function takeAlongAxis(x: Tensor, indices: Tensor, axis: number): Tensor {
  const a = normalizeAxis("takeAlongAxis", axis, x.rank);
  const strides = stridesOf(x.shape);
  // Flat index into x: the index's own coordinates on the other axes, its value on `axis` (indices
  // may be shorter than x along `axis`, as in topK).
  let flat = e.multiply(e.cast(indices, "s32"), strides[a]!);
  for (let d = 0; d < x.rank; d++)
    if (d !== a) flat = e.add(flat, e.multiply(iota(indices.shape, { axis: d }), strides[d]!));
  return reshape(take(reshape(x, [-1]), reshape(flat, [-1])), indices.shape);
}

/** Sorts along an axis (default: the last); NaN sorts as the largest. */
export function sort(x: Tensor | number, options: SortOptions = {}): Tensor {
  const t = toTensor(x, "sort");
  if (t.rank === 0) return t;
  const axis = normalizeAxis("sort", options.axis ?? -1, t.rank);
  return takeAlongAxis(t, argsort(t, { ...options, axis }), axis);
}

/** The `k` largest values along the last axis and their indices, largest first. */
export function topK(x: Tensor, k: number): { values: Tensor; indices: Tensor } {
  const t = toTensor(x, "topK");
  if (t.rank === 0) throw new RangeError("topK: expected a tensor with at least one axis");
  const n = t.shape.at(-1)!;
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw new RangeError(`topK: k must be an integer from 0 to ${n}, got ${k}`);
  const indices = sliceAlong(argsort(t, { descending: true }), 0, k, { axis: -1 });
  return { values: takeAlongAxis(t, indices, t.rank - 1), indices };
}

/**
 * One-hot encoding: integer labels of shape S become a u8 tensor S × numClasses (or of `dtype`),
 * 1 at each label's position. `oneHot(tensor([0, 2]), 3)` is `[[1, 0, 0], [0, 0, 1]]`.
 */
export function oneHot(
  labels: Tensor,
  numClasses: number,
  options: { dtype?: import("../dtype.js").DType } = {},
): Tensor {
  const t = toTensor(labels, "oneHot");
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new RangeError(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  const classes = iota([numClasses], { dtype: "s32" });
  const hot = e.equal(reshape(t, [...t.shape, 1]), classes);
  return options.dtype ? e.cast(hot, options.dtype) : hot;
}
