/** takeAlongAxis (NumPy's take_along_axis) and the internal ops its derivative uses. */
import { bind } from "../core.js";
import { isFloat } from "../dtype.js";
import { formatType } from "../format.js";
import * as p from "../primitives/gather.js";
import { normalizeAxis, type Shape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { checkTensorArg } from "./check.js";
import { broadcastTo } from "./shape.js";

/**
 * Gathers `x` along `axis` with integer `indices` of the same rank (NumPy's take_along_axis): the
 * result has the shape of the indices along `axis`, and the other axes of `x` and `indices`
 * broadcast. Indices in [-n, n) are valid, negative ones counting from the end; others throw a
 * RangeError naming the axis and the index. Differentiable with respect to `x`.
 */
export function takeAlongAxis(x: Tensor, indices: Tensor, axis: number): Tensor {
  checkTensorArg("takeAlongAxis", x, "x");
  checkTensorArg("takeAlongAxis", indices, "indices");
  if (isFloat(indices.dtype))
    throw new TypeError(
      `takeAlongAxis: indices must be integers, got ${formatType(indices.shape, indices.dtype)}`,
    );
  const a = normalizeAxis("takeAlongAxis", axis, x.rank);
  if (indices.rank !== x.rank)
    throw new RangeError(
      `takeAlongAxis: indices ${formatType(indices.shape, indices.dtype)} must have the rank of ${formatType(x.shape, x.dtype)}`,
    );
  const common = x.shape.map((n, d) => {
    const m = indices.shape[d]!;
    if (d === a || n === m || m === 1) return n;
    if (n === 1) return m;
    throw new RangeError(
      `takeAlongAxis: cannot broadcast indices ${formatType(indices.shape, indices.dtype)} with ${formatType(x.shape, x.dtype)} on axis ${d}`,
    );
  });
  const idxShape = common.map((n, d) => (d === a ? indices.shape[a]! : n));
  return takeAlong(broadcastTo(x, common), broadcastTo(indices, idxShape), a);
}

/** @internal takeAlong on operands that agree except along `axis` (already normalised). */
export function takeAlong(x: Tensor, indices: Tensor, axis: number): Tensor {
  return bind(p.takeAlong, [x, indices], { axis });
}

/** @internal Adds `updates` into zeros of `shape` where `indices` point along `axis`. */
export function scatterAlong(updates: Tensor, indices: Tensor, shape: Shape, axis: number): Tensor {
  return bind(p.scatterAlong, [updates, indices], { axis, shape });
}
