/** Sorting, top-k and one-hot encoding. */
import { bind } from "../core.js";
import { checkDType, type DType } from "../dtype.js";
import * as p from "../primitives/sort.js";
import { show } from "../describe.js";
import { normalizeAxis } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { checkBoolean, checkInteger, checkOptions } from "./check.js";
import { iota } from "./creation.js";
import * as e from "./elementwise.js";
import { takeAlongAxis } from "./gather.js";
import { reshape } from "./shape.js";

export { takeAlongAxis };

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
  const { axis, descending } = sortOptions("argsort", options, t.rank);
  if (t.rank === 0) return e.cast(0, "s32");
  return bind(p.argsort, [t], { axis, descending, k: t.shape[axis]! });
}

function sortOptions(op: string, options: SortOptions | undefined, rank: number) {
  const o = checkOptions(op, options);
  const descending = checkBoolean(op, "descending", o.descending, false);
  // A scalar has one (trivial) order: its axis is only checked to be an integer.
  if (rank === 0 && o.axis !== undefined) checkInteger(op, "axis", o.axis);
  const axis = rank === 0 ? 0 : normalizeAxis(op, o.axis ?? -1, rank);
  return { axis, descending };
}

/** Sorts along an axis (default: the last); NaN sorts as the largest. */
export function sort(x: Tensor | number, options: SortOptions = {}): Tensor {
  const t = toTensor(x, "sort");
  const { axis, descending } = sortOptions("sort", options, t.rank);
  if (t.rank === 0) return t;
  return takeAlongAxis(t, argsort(t, { axis, descending }), axis);
}

/** The `k` largest values along the last axis and their indices, largest first. */
export function topK(x: Tensor, k: number): { values: Tensor; indices: Tensor } {
  const t = toTensor(x, "topK");
  if (t.rank === 0) throw new RangeError("topK: expected a tensor with at least one axis");
  const n = t.shape.at(-1)!;
  if (typeof k !== "number" || !Number.isInteger(k) || k < 0 || k > n)
    throw new RangeError(`topK: k must be an integer from 0 to ${n}, got ${show(k)}`);
  const indices = bind(p.argsort, [t], { axis: t.rank - 1, descending: true, k });
  return { values: takeAlongAxis(t, indices, t.rank - 1), indices };
}

/**
 * One-hot encoding: integer labels of shape S become a u8 tensor S × numClasses (or of `dtype`),
 * 1 at each label's position. `oneHot(tensor([0, 2]), 3)` is `[[1, 0, 0], [0, 0, 1]]`.
 */
export function oneHot(
  labels: Tensor,
  numClasses: number,
  options: { dtype?: DType } = {},
): Tensor {
  const t = toTensor(labels, "oneHot");
  checkInteger("oneHot", "numClasses", numClasses, 1);
  const o = checkOptions("oneHot", options);
  const dtype = o.dtype === undefined ? undefined : checkDType(o.dtype, "oneHot");
  const classes = iota([numClasses], { dtype: "s32" });
  const hot = e.equal(reshape(t, [...t.shape, 1]), classes);
  return dtype ? e.cast(hot, dtype) : hot;
}
