/** Shape ops: reshaping, reordering, joining, slicing, gathering and padding. */
import { pin } from "../wasm/outputs.js";
import { bind, anyTracked } from "../core.js";
import { isComplex, isFloat, promoteTypes } from "../dtype.js";
import { formatType, formatShape } from "../format.js";
import * as p from "../primitives/shape.js";
import * as gp from "../primitives/gather.js";
import { describeValue, show } from "../describe.js";
import { broadcast as broadcastPrim } from "../primitives/elementwise.js";
import type { Shape } from "../shape.js";
import {
  checkShape,
  normalizeAxes,
  normalizeAxis,
  shapesEqual,
  sizeOf,
  stridesOf,
} from "../shape.js";
import { Tensor } from "../tensor.js";
import { tensor } from "./creation.js";
import { cast, checkOperand, type TensorLike } from "./elementwise.js";
import { checkChoice, checkInteger, checkNumber, checkOptions } from "./check.js";

function checkTensor(x: unknown, op: string): asserts x is Tensor {
  if (!(x instanceof Tensor))
    throw new TypeError(`${op}: expected a Tensor, got ${describeValue(x)}`);
}

function checkInts(op: string, what: string, xs: unknown, rank: number): number[] {
  if (
    !Array.isArray(xs) ||
    xs.length !== rank ||
    xs.some((v) => typeof v !== "number" || !Number.isInteger(v))
  ) {
    throw new RangeError(`${op}: ${what} must be ${rank} integers (one per axis), got ${show(xs)}`);
  }
  return xs as number[];
}

/** The same elements with a new shape; one dimension may be -1 (inferred). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  checkTensor(x, "reshape");
  if (!Array.isArray(shape))
    throw new TypeError(`reshape: shape must be an array, got ${show(shape)}`);
  const holes = shape.filter((d) => d === -1).length;
  if (holes > 1)
    throw new RangeError(`reshape: only one dimension may be -1, got ${formatShape(shape)}`);
  checkShape(
    shape.map((d) => (d === -1 ? 0 : d)),
    "reshape",
  );
  let target = shape.slice();
  if (holes === 1) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new RangeError(
        `reshape: cannot reshape ${formatType(x.shape, x.dtype)} (${x.size} elements) to ${formatShape(shape)}`,
      );
    }
    target = shape.map((d) => (d === -1 ? x.size / known : d));
  }
  if (sizeOf(target) !== x.size) {
    throw new RangeError(
      `reshape: cannot reshape ${formatType(x.shape, x.dtype)} (${x.size} elements) to ${formatShape(target)} (${sizeOf(target)} elements)`,
    );
  }
  if (shapesEqual(target, x.shape)) return x;
  return bind(p.reshape, [x], { shape: target });
}

/** All elements as one axis. */
export function flatten(x: Tensor): Tensor {
  return reshape(x, [-1]);
}

/** Removes axes of size 1 (all of them, or the given ones, which must have size 1). */
export function squeeze(x: Tensor, options: { axes?: number | readonly number[] } = {}): Tensor {
  checkTensor(x, "squeeze");
  options = checkOptions("squeeze", options);
  const axes =
    options.axes === undefined
      ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes("squeeze", options.axes, x.rank);
  for (const a of axes) {
    if (x.shape[a] !== 1)
      throw new RangeError(
        `squeeze: axis ${a} of ${formatType(x.shape, x.dtype)} has size ${x.shape[a]}, not 1`,
      );
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
}

/** Inserts an axis of size 1 at `axis` (negative counts from the end of the result). */
export function newAxis(x: Tensor, axis: number): Tensor {
  checkTensor(x, "newAxis");
  const a = normalizeAxis("newAxis", axis, x.rank + 1);
  const shape = x.shape.slice();
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** @internal Right-aligned NumPy broadcast to `shape`. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  return bind(broadcastPrim, [x], { shape });
}

/**
 * Broadcasts to `shape`. Axes are matched from the right, as in NumPy, unless `axes` says which
 * axis of the result each axis of `x` becomes (as in Nx).
 */
export function broadcast(
  x: TensorLike,
  shape: Shape,
  options: { axes?: readonly number[] } = {},
): Tensor {
  checkOperand(x, "broadcast");
  const t = typeof x === "number" ? cast(x, "f32") : x;
  const target = checkShape(shape, "broadcast");
  options = checkOptions("broadcast", options);
  if (options.axes !== undefined) {
    const axes = checkInts("broadcast", "axes", options.axes, t.rank).map((a) =>
      normalizeAxis("broadcast", a, target.length),
    );
    const expanded = target.map(() => 1);
    axes.forEach((a, i) => (expanded[a] = t.shape[i]!));
    return broadcastTo(reshape(t, expanded), target);
  }
  return broadcastTo(t, target);
}

/** Permutes the axes (reverses them by default). */
export function transpose(x: Tensor, axes?: readonly number[]): Tensor {
  checkTensor(x, "transpose");
  const perm = axes
    ? checkInts("transpose", "axes", axes, x.rank).map((a) => normalizeAxis("transpose", a, x.rank))
    : x.shape.map((_, i) => x.rank - 1 - i);
  if (new Set(perm).size !== perm.length)
    throw new RangeError(`transpose: axes [${axes!.join(", ")}] repeat an axis`);
  if (perm.every((a, i) => a === i)) return x;
  return bind(p.transpose, [x], { perm });
}

/** Joins tensors along an existing axis (dtypes are promoted). */
export function concatenate(xs: readonly Tensor[], options: { axis?: number } = {}): Tensor {
  if (!Array.isArray(xs) || xs.length === 0)
    throw new RangeError("concatenate: expected a non-empty array of tensors");
  xs.forEach((x) => checkTensor(x, "concatenate"));
  const axis = normalizeAxis(
    "concatenate",
    checkOptions("concatenate", options).axis ?? 0,
    xs[0]!.rank,
  );
  const dtype = xs.map((x) => x.dtype).reduce(promoteTypes);
  if (xs.length === 1) return cast(xs[0]!, dtype);
  return bind(
    p.concatenate,
    xs.map((x) => cast(x, dtype)),
    { axis },
  );
}

/** Joins tensors of one shape along a new axis. */
export function stack(xs: readonly Tensor[], options: { axis?: number } = {}): Tensor {
  if (!Array.isArray(xs) || xs.length === 0)
    throw new RangeError("stack: expected a non-empty array of tensors");
  xs.forEach((x) => {
    checkTensor(x, "stack");
    if (!shapesEqual(x.shape, xs[0]!.shape)) {
      throw new RangeError(
        `stack: all tensors need one shape; got ${formatType(xs[0]!.shape, xs[0]!.dtype)} and ${formatType(x.shape, x.dtype)}`,
      );
    }
  });
  const axis = normalizeAxis("stack", checkOptions("stack", options).axis ?? 0, xs[0]!.rank + 1);
  return concatenate(
    xs.map((x) => newAxis(x, axis)),
    { axis },
  );
}

/**
 * A static slice: `lengths[d]` elements from `starts[d]`, every `strides[d]`-th (default 1), as Nx's
 * slice. Out-of-range windows are an error.
 */
export function slice(
  x: Tensor,
  starts: readonly number[],
  lengths: readonly number[],
  strides?: readonly number[],
): Tensor {
  checkTensor(x, "slice");
  const st = checkInts("slice", "starts", starts, x.rank);
  const ln = checkInts("slice", "lengths", lengths, x.rank);
  const sp = strides ? checkInts("slice", "strides", strides, x.rank) : x.shape.map(() => 1);
  const sizes = x.shape.map((n, d) => {
    const [a, len, step] = [st[d]!, ln[d]!, sp[d]!];
    if (step < 1) throw new RangeError(`slice: stride ${step} on axis ${d} must be at least 1`);
    if (a < 0 || len < 0 || a + len > n) {
      throw new RangeError(
        `slice: start ${a} with length ${len} on axis ${d} is outside ${formatType(x.shape, x.dtype)}`,
      );
    }
    return Math.ceil(len / step);
  });
  if (st.every((a) => a === 0) && sizes.every((n, d) => n === x.shape[d])) return x;
  return bind(p.slice, [x], { starts: st, sizes, steps: sp });
}

/** Slices `length` elements from `start` along one axis (default 0), as Nx's slice_along_axis. */
export function sliceAlong(
  x: Tensor,
  start: number,
  length: number,
  options: { axis?: number; stride?: number } = {},
): Tensor {
  checkTensor(x, "sliceAlong");
  options = checkOptions("sliceAlong", options);
  const axis = normalizeAxis("sliceAlong", options.axis ?? 0, x.rank);
  checkInteger("sliceAlong", "start", start);
  checkInteger("sliceAlong", "length", length);
  const stride = checkInteger("sliceAlong", "stride", options.stride ?? 1);
  if (stride < 1)
    throw new RangeError(`sliceAlong: stride ${stride} on axis ${axis} must be at least 1`);
  if (start < 0 || length < 0 || start + length > x.shape[axis]!)
    throw new RangeError(
      `sliceAlong: start ${start} with length ${length} on axis ${axis} is outside ${formatType(x.shape, x.dtype)}`,
    );
  const starts = x.shape.map((_, d) => (d === axis ? start : 0));
  const lengths = x.shape.map((n, d) => (d === axis ? length : n));
  const strides = x.shape.map((_, d) => (d === axis ? stride : 1));
  return slice(x, starts, lengths, strides);
}

/**
 * Gathers slices of `x` along `axis` (default 0) at integer `indices` (NumPy's take): indices in
 * [-n, n) are valid, negative ones counting from the end; others throw a RangeError naming the
 * axis and the index.
 */
export function take(
  x: Tensor,
  indices: Tensor | readonly number[],
  options: { axis?: number } = {},
): Tensor {
  checkTensor(x, "take");
  const idx =
    indices instanceof Tensor ? indices : tensor(checkIndexList(indices), { dtype: "s32" });
  if (isFloat(idx.dtype))
    throw new TypeError(`take: indices must be integers, got ${formatType(idx.shape, idx.dtype)}`);
  const axis = normalizeAxis("take", checkOptions("take", options).axis ?? 0, x.rank);
  return bind(gp.take, [x, idx], { axis });
}

/** Indices given as (nested) arrays: s32 integers only. */
function checkIndexList(xs: unknown): number[] {
  const check = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(check);
    else if (typeof v !== "number" || !Number.isInteger(v) || Math.abs(v) > 2 ** 31 - 1)
      throw new TypeError(`take: indices must be integers, got ${show(v)}`);
  };
  if (!Array.isArray(xs))
    throw new TypeError(`take: indices must be a Tensor or an array, got ${describeValue(xs)}`);
  check(xs);
  return xs;
}

/** @internal Adds `updates` into zeros of `shape` at `indices` along `axis` (the transpose of take). */
export function scatterAdd(updates: Tensor, indices: Tensor, shape: Shape, axis: number): Tensor {
  return bind(gp.scatterAdd, [updates, indices], { axis, shape });
}

/** `x` with `update` written into it starting at `starts` (as Nx's put_slice). */
export function putSlice(x: Tensor, starts: readonly number[], update: Tensor): Tensor {
  checkTensor(x, "putSlice");
  checkTensor(update, "putSlice");
  const st = checkInts("putSlice", "starts", starts, x.rank);
  if (
    update.rank !== x.rank ||
    update.shape.some((n, d) => st[d]! < 0 || st[d]! + n > x.shape[d]!)
  ) {
    throw new RangeError(
      `putSlice: ${formatType(update.shape, update.dtype)} at [${st.join(", ")}] does not fit in ${formatType(x.shape, x.dtype)}`,
    );
  }
  const dtype = promoteTypes(x.dtype, update.dtype);
  return bind(p.updateSlice, [cast(x, dtype), cast(update, dtype)], { starts: st });
}

/** @internal Pads with non-negative [low, high, interior] per axis. */
export function padPrim(
  x: Tensor,
  value: number,
  config: readonly (readonly [number, number, number])[],
): Tensor {
  if (config.every(([lo, hi, mid]) => lo === 0 && hi === 0 && mid === 0)) return x;
  return bind(p.pad, [x], { value, config });
}

/**
 * Pads with `value`: per axis `[low, high, interior]` (interior optional). Negative low/high crop,
 * as in Nx.
 */
export function pad(x: Tensor, value: number, config: readonly (readonly number[])[]): Tensor {
  checkTensor(x, "pad");
  checkNumber("pad", "value", value);
  if (!Array.isArray(config) || config.length !== x.rank) {
    throw new RangeError(
      `pad: expected ${x.rank} [low, high, interior] entries, one per axis, got ${show(config)}`,
    );
  }
  const full = config.map((c: unknown, d) => {
    const ok = Array.isArray(c) && c.length <= 3;
    const [lo = 0, hi = 0, mid = 0] = ok ? (c as unknown[]) : [];
    if (
      !ok ||
      ![lo, hi, mid].every((v) => typeof v === "number" && Number.isInteger(v)) ||
      (mid as number) < 0
    )
      throw new RangeError(`pad: bad padding ${show(c)} for axis ${d}`);
    return [lo, hi, mid] as [number, number, number];
  });
  const grown = padPrim(
    x,
    value,
    full.map(([lo, hi, mid]) => [Math.max(lo, 0), Math.max(hi, 0), mid] as const),
  );
  const starts = full.map(([lo]) => Math.max(-lo, 0));
  const lengths = grown.shape.map((n, d) => n - starts[d]! - Math.max(-full[d]![1], 0));
  if (lengths.some((n) => n < 0))
    throw new RangeError(
      `pad: the negative padding crops more than ${formatType(x.shape, x.dtype)} has`,
    );
  return slice(grown, starts, lengths);
}

/** Reverses the order of elements along `axes` (all by default). */
export function reverse(x: Tensor, options: { axes?: number | readonly number[] } = {}): Tensor {
  checkTensor(x, "reverse");
  const axes = normalizeAxes("reverse", checkOptions("reverse", options).axes, x.rank).filter(
    (a) => x.shape[a]! > 1,
  );
  if (axes.length === 0) return x;
  return bind(p.reverse, [x], { axes });
}

/** Repeats `x` `reps[d]` times along each axis (as Nx's tile; shorter reps are left-padded with 1s). */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  checkTensor(x, "tile");
  checkShape(reps, "tile");
  const rank = Math.max(x.rank, reps.length);
  const xs = [...Array(rank - x.rank).fill(1), ...x.shape];
  const rs = [...Array(rank - reps.length).fill(1), ...reps];
  const interleaved = xs.flatMap((n) => [1, n]);
  const target = xs.flatMap((n, d) => [rs[d]!, n]);
  return reshape(
    broadcastTo(reshape(x, interleaved), target),
    xs.map((n, d) => n * rs[d]!),
  );
}

/** Marks a value as constant for differentiation: gradients do not flow through it. */
export function stopGradient(x: Tensor): Tensor {
  checkTensor(x, "stopGradient");
  return bind(p.stopGradient, [x]);
}

/**
 * Splits axis 0 into batches of `batchSize` (as Nx's to_batched). A short last batch is dropped
 * (`leftover: "discard"`, the default) or filled up with rows from the start (`"repeat"`).
 * Batches of a concrete tensor share its memory: each costs its own size, not the tensor's.
 */
export function* toBatched(
  x: Tensor,
  batchSize: number,
  options: { leftover?: "repeat" | "discard" } = {},
): Generator<Tensor> {
  checkTensor(x, "toBatched");
  if (x.rank === 0) throw new RangeError("toBatched: a scalar has no axis to batch");
  checkInteger("toBatched", "batchSize", batchSize, 1);
  const leftover = checkChoice(
    "toBatched",
    "leftover",
    checkOptions("toBatched", options).leftover ?? "discard",
    ["repeat", "discard"],
  );
  const n = x.shape[0]!;
  // Numbers a row takes in the data (a complex element is two).
  const row = stridesOf(x.shape)[0]! * (isComplex(x.dtype) ? 2 : 1);
  const direct = x._data !== undefined && !anyTracked([x]);
  // Batches are views of the data: a result in the Wasm memory is pinned, so that `dispose` can
  // never give it back under them.
  if (direct) pin(x._data!);
  for (let start = 0; start < n; start += batchSize) {
    const len = Math.min(batchSize, n - start);
    if (len < batchSize && leftover === "discard") return;
    let batch: Tensor = direct
      ? new Tensor(
          [len, ...x.shape.slice(1)],
          x.dtype,
          x._data!.subarray(start * row, (start + len) * row),
        )
      : sliceAlong(x, start, len);
    if (len < batchSize) {
      const extra = [...Array(batchSize - len).keys()].map((k) => k % n);
      batch = concatenate([batch, take(x, extra)]);
    }
    yield batch;
  }
}
