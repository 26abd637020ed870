/**
 * Nx's `gather`, `indexed_add` and `indexed_put`: `indices` of shape `[..., k]` hold coordinates
 * into `k` axes of a tensor (its first `k`, or `axes`). Each coordinate becomes one position along
 * the indexed axes taken together, so the three are `take` and its scatter-add on a reshaped
 * view, and differentiate through them.
 */
import { bind } from "../core.js";
import { isFloat } from "../dtype.js";
import { formatShape, formatType } from "../format.js";
import * as gp from "../primitives/gather.js";
import { sizeOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { show } from "../describe.js";
import { checkOptions, checkTensorArg } from "./check.js";
import { onesLike } from "./creation.js";
import { add, cast, greater, less, multiply, select } from "./elementwise.js";
import { reshape, sliceAlong, take, transpose } from "./shape.js";

/** Options of `gather`, `indexedAdd` and `indexedPut`. */
export interface IndexedOptions {
  /** The axes the coordinates index, in order (default: the first `k`). */
  axes?: readonly number[];
}

interface Coordinates {
  /** The positions along the indexed axes taken together, shape `indices.shape[:-1]`. */
  readonly flat: Tensor;
  /** `x`'s axes with the indexed ones first. */
  readonly perm: number[];
  /** The sizes of the other axes, in order. */
  readonly rest: number[];
  /** The number of positions of the indexed axes. */
  readonly count: number;
}

function coordinates(op: string, x: Tensor, indices: Tensor, options: IndexedOptions): Coordinates {
  checkTensorArg(op, x, "tensor");
  checkTensorArg(op, indices, "indices");
  if (isFloat(indices.dtype) || indices.rank < 1)
    throw new TypeError(
      `${op}: indices must be integers of shape [..., k], got ${formatType(indices.shape, indices.dtype)}`,
    );
  const k = indices.shape.at(-1)!;
  const o = checkOptions(op, options);
  if (o.axes !== undefined && !Array.isArray(o.axes))
    throw new TypeError(`${op}: axes must be an array of axes, got ${show(o.axes)}`);
  const axes: unknown[] =
    o.axes === undefined ? Array.from({ length: k }, (_, i) => i) : [...o.axes];
  if (
    axes.length !== k ||
    axes.some((a) => typeof a !== "number" || !Number.isInteger(a) || a < 0 || a >= x.rank) ||
    new Set(axes).size !== axes.length
  )
    throw new RangeError(
      `${op}: indices of shape ${formatShape(indices.shape)} need ${k} distinct axes of a tensor of rank ${x.rank}, got axes ${show(axes)}`,
    );
  const picked = axes as number[];
  const sizes = picked.map((a) => x.shape[a]!);
  const others = x.shape.map((_, i) => i).filter((i) => !picked.includes(i));
  // Row-major position within the indexed axes; negative coordinates count from the end.
  let flat: Tensor | undefined;
  let stride = 1;
  for (let j = k - 1; j >= 0; j--) {
    const c = reshape(
      sliceAlong(cast(indices, "s32"), j, 1, { axis: -1 }),
      indices.shape.slice(0, -1),
    );
    const wrapped = select(less(c, 0), add(c, sizes[j]!), c);
    const term = stride === 1 ? wrapped : multiply(wrapped, stride);
    flat = flat === undefined ? term : add(flat, term);
    stride *= sizes[j]!;
  }
  return {
    flat: flat ?? reshape(cast(indices, "s32"), indices.shape.slice(0, -1)),
    perm: [...picked, ...others],
    rest: others.map((i) => x.shape[i]!),
    count: sizeOf(sizes),
  };
}

/** `x` with the indexed axes first, merged: `[count, ...rest]`. */
function view(x: Tensor, c: Coordinates): Tensor {
  return reshape(transpose(x, c.perm), [c.count, ...c.rest]);
}

/** The inverse of `view` for a tensor of `x`'s shape. */
function unview(v: Tensor, x: Tensor, c: Coordinates): Tensor {
  const moved = reshape(
    v,
    c.perm.map((a) => x.shape[a]!),
  );
  const inverse = c.perm.map((_, i) => c.perm.indexOf(i));
  return transpose(moved, inverse);
}

/** `updates` added into zeros of `x`'s shape at the coordinates (repeated ones add up). */
function scattered(op: string, x: Tensor, updates: Tensor, c: Coordinates): Tensor {
  checkTensorArg(op, updates, "updates");
  const want = [...c.flat.shape, ...c.rest];
  if (updates.rank !== want.length || updates.shape.some((d, i) => d !== want[i]))
    throw new RangeError(
      `${op}: updates must have shape ${formatShape(want)} (the indices' leading axes, then x's other axes), got ${formatShape(updates.shape)}`,
    );
  const sum = bind(gp.scatterAdd, [cast(updates, x.dtype), c.flat], {
    axis: 0,
    shape: [c.count, ...c.rest],
  });
  return unview(sum, x, c);
}

/**
 * The entries of `x` at the coordinates in `indices` (Nx's `gather`): indices `[..., k]` index `x`'s
 * first `k` axes (or `axes`); the result is `indices.shape[:-1]` followed by `x`'s other axes.
 * Negative coordinates count from the end. Differentiable with respect to `x`.
 *
 * @example
 * nx.gather(nx.tensor([[1, 2], [3, 4]]), nx.tensor([[1, 1], [0, 1]])) // [4, 2]
 */
export function gather(x: Tensor, indices: Tensor, options: IndexedOptions = {}): Tensor {
  const c = coordinates("gather", x, indices, options);
  return take(view(x, c), c.flat, { axis: 0 });
}

/**
 * `x` with `updates` added at the coordinates in `indices` (Nx's `indexed_add`); repeated
 * coordinates add all their updates. `updates` has shape `indices.shape[:-1]` followed by `x`'s
 * other axes. Differentiable with respect to `x` and `updates`.
 */
export function indexedAdd(
  x: Tensor,
  indices: Tensor,
  updates: Tensor,
  options: IndexedOptions = {},
): Tensor {
  const c = coordinates("indexedAdd", x, indices, options);
  return add(x, scattered("indexedAdd", x, updates, c));
}

/**
 * `x` with the entries at the coordinates in `indices` replaced by `updates` (Nx's
 * `indexed_put`). Where a coordinate repeats, its updates add up (Nx leaves that case undefined).
 * Differentiable with respect to `x` (zero where replaced) and `updates`.
 */
export function indexedPut(
  x: Tensor,
  indices: Tensor,
  updates: Tensor,
  options: IndexedOptions = {},
): Tensor {
  const c = coordinates("indexedPut", x, indices, options);
  const values = scattered("indexedPut", x, updates, c);
  const hit = greater(scattered("indexedPut", x, onesLike(cast(updates, x.dtype)), c), 0);
  return select(hit, values, x);
}
