/** Shapes: sizes, strides, broadcasting and axis normalisation, with errors that name the op. */
import { formatType, formatShape } from "./format.js";
import type { DType } from "./dtype.js";
import { describeValue, show } from "./describe.js";

/** A tensor shape: one non-negative integer per axis. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** True when two shapes are equal. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks that `shape` is an array of non-negative integers. */
export function checkShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape))
    throw new TypeError(
      `${where}: shape must be an array of integers, got ${describeValue(shape)}`,
    );
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `${where}: shape ${formatShape(shape)} has ${show(d)}; every dimension must be a non-negative integer`,
      );
    }
  }
  return shape.slice();
}

/** The NumPy broadcast of two shapes; the error names the op and both operands. */
export function broadcastShapes(op: string, a: Shape, ad: DType, b: Shape, bd: DType): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new RangeError(
        `${op}: cannot broadcast ${formatType(a, ad)} with ${formatType(b, bd)}`,
      );
    }
    out[i] = x === 1 ? y : x;
  }
  return out;
}

/** Normalises a possibly negative axis; the error names the op, the axis and the rank. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (typeof axis !== "number" || !Number.isInteger(axis)) {
    throw new TypeError(`${op}: axis must be an integer, got ${show(axis)}`);
  }
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/** Normalises a list of axes (undefined means all), sorted and without duplicates. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axes !== "number" && !Array.isArray(axes))
    throw new TypeError(
      `${op}: axes must be an integer or an array of them, got ${describeValue(axes)}`,
    );
  const list: readonly number[] = typeof axes === "number" ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(op, a, rank));
  const sorted = [...out].sort((x, y) => x - y);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1])
      throw new RangeError(`${op}: axis ${sorted[i]} appears twice in [${list.join(", ")}]`);
  }
  return sorted;
}

/** The largest index an s32 holds: ops that return s32 indices refuse longer axes. */
export const MAX_S32_INDEX = 2 ** 31 - 1;

/**
 * Checks that every position along an axis of `n` elements has an s32 index (n − 1 ≤ 2³¹ − 1);
 * the error names the op and the size rather than letting indices wrap to negative numbers.
 */
export function checkIndexable(op: string, n: number): void {
  if (n - 1 > MAX_S32_INDEX)
    throw new RangeError(
      `${op}: an axis of ${n} elements has positions past ${MAX_S32_INDEX}, the largest s32 index`,
    );
}
