/**
 * Window reductions with Nx's names, options and semantics: `windowSum`, `windowMean`,
 * `windowMax`, `windowMin`, `windowProduct`.
 */
import { bind } from "../core.js";
import { floatType } from "../dtype.js";
import { formatType } from "../format.js";
import * as p from "../primitives/window.js";
import { dilated } from "../primitives/conv.js";
import type { Shape } from "../shape.js";
import { sizeOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { checkInteger, checkOptions, checkTensorArg } from "./check.js";
import { show } from "../describe.js";
import { zeros } from "./creation.js";
import * as e from "./elementwise.js";
import { padPairs, perAxis, samePadding } from "./conv.js";
import { pad } from "./shape.js";

/** Options of the window reductions (Nx's, camelCased); per-axis options take one number for all. */
export interface WindowOptions {
  /** Step of the window per axis (default 1). */
  strides?: number | readonly number[];
  /**
   * `"valid"` (default): none. `"same"`: (k − 1) positions split low ⌊·/2⌋, high ⌈·/2⌉ for the
   * dilated window size k, as Nx (the output keeps the input's size only with unit strides). Or
   * non-negative `[low, high]` per axis. Padding holds the reduction's identity: 0 for sums (and
   * means, which count it), 1 for products, the dtype's lowest value for max (−∞ for floats) and
   * highest for min.
   */
  padding?: "valid" | "same" | readonly (readonly [number, number])[];
  /** Spacing of the window's taps per axis (default 1). */
  windowDilations?: number | readonly number[];
}

/** Checks a window op's arguments against `x`; every error names `op`. */
function windowParams(
  op: string,
  x: unknown,
  windowDimensions: unknown,
  options: WindowOptions | undefined,
): [Tensor, p.WindowParams] {
  checkTensorArg(op, x, "input");
  const o = checkOptions(op, options);
  const r = x.rank;
  if (!Array.isArray(windowDimensions) || windowDimensions.length !== r)
    throw new RangeError(
      `${op}: windowDimensions must list ${r} sizes (one per axis of ${formatType(x.shape, x.dtype)}), got ${show(windowDimensions)}`,
    );
  const window = windowDimensions.map((k: unknown) => checkInteger(op, "windowDimensions", k, 1));
  const strides = perAxis(op, "strides", o.strides, r);
  const dilations = perAxis(op, "windowDilations", o.windowDilations, r);
  const spans = window.map((k, d) => dilated(k, dilations[d]!));
  const padding =
    o.padding === undefined || o.padding === "valid"
      ? spans.map((): [number, number] => [0, 0])
      : o.padding === "same"
        ? samePadding(spans)
        : padPairs(op, o.padding, r, false);
  x.shape.forEach((n, d) => {
    const padded = n + padding[d]![0] + padding[d]![1];
    if (padded < spans[d]!)
      throw new RangeError(
        `${op}: axis ${d} of ${formatType(x.shape, x.dtype)} has ${padded} positions with padding, fewer than the window's ${spans[d]}`,
      );
  });
  return [x, { window, strides, padding, dilations }];
}

/**
 * Sum over each window of size `windowDimensions` (one size per axis), sliding by `strides`
 * (Nx.window_sum). The dtype is kept, except that u8 sums as u32 (as `sum`). Its gradient is a
 * transposed window sum (the cotangent spread back over each window).
 */
export function windowSum(
  x: Tensor,
  windowDimensions: readonly number[],
  options: WindowOptions = {},
): Tensor {
  const [t, params] = windowParams("windowSum", x, windowDimensions, options);
  return bind(p.windowSum, [t.dtype === "u8" ? e.cast(t, "u32") : t], params);
}

/**
 * Mean over each window (Nx.window_mean): the window sum divided by the window's size, padding
 * included. Always a float (integers are summed as f32).
 */
export function windowMean(
  x: Tensor,
  windowDimensions: readonly number[],
  options: WindowOptions = {},
): Tensor {
  const [t, params] = windowParams("windowMean", x, windowDimensions, options);
  const total = bind(p.windowSum, [e.cast(t, floatType(t.dtype))], params);
  return e.divide(total, sizeOf(params.window));
}

/**
 * Largest element of each window (Nx.window_max); NaN propagates, padding holds the dtype's
 * lowest value. The gradient goes, for each window, to its first maximal element in row-major
 * window order (XLA's select-and-scatter with `>=`; a NaN counts as the maximum), so ties are not
 * shared.
 */
export function windowMax(
  x: Tensor,
  windowDimensions: readonly number[],
  options: WindowOptions = {},
): Tensor {
  const [t, params] = windowParams("windowMax", x, windowDimensions, options);
  return bind(p.windowMax, [t], params);
}

/**
 * Smallest element of each window (Nx.window_min); NaN propagates, padding holds the dtype's
 * highest value. The gradient goes to each window's first minimal element (select-and-scatter
 * with `<=`).
 */
export function windowMin(
  x: Tensor,
  windowDimensions: readonly number[],
  options: WindowOptions = {},
): Tensor {
  const [t, params] = windowParams("windowMin", x, windowDimensions, options);
  return bind(p.windowMin, [t], params);
}

/**
 * Product over each window (Nx.window_product); padding holds 1. Integers wrap at 32 bits; u8
 * multiplies as u32 (as `product`). The gradient is the product of the window's other elements,
 * computed without dividing by zero.
 */
export function windowProduct(
  x: Tensor,
  windowDimensions: readonly number[],
  options: WindowOptions = {},
): Tensor {
  const [t, params] = windowParams("windowProduct", x, windowDimensions, options);
  return bind(p.windowProduct, [t.dtype === "u8" ? e.cast(t, "u32") : t], params);
}

/**
 * @internal The transpose of a window sum over an input of `shape`: each element receives the sum
 * of `g` over the windows that contain it. Written as a pad (interior zeros for the strides, edges
 * so every window of the input lines up) and a window sum with unit strides and the same dilations.
 */
export function windowSumTranspose(g: Tensor, shape: Shape, params: p.WindowParams): Tensor {
  if (sizeOf(shape) === 0) return zeros(shape, { dtype: g.dtype });
  const { window, strides, dilations } = params;
  const config = shape.map((n, d) => {
    const reach = (window[d]! - 1) * dilations[d]!;
    const lo = params.padding[d]![0];
    return [reach - lo, n + lo - (g.shape[d]! - 1) * strides[d]! - 1, strides[d]! - 1];
  });
  return bind(p.windowSum, [pad(g, 0, config)], {
    window,
    strides: shape.map(() => 1),
    padding: shape.map((): [number, number] => [0, 0]),
    dilations,
  });
}

/**
 * @internal The cotangent of `windowProduct` at `x`: Σ over the windows containing xᵢ of
 * g · Π (the window's other elements). With no zero in a window that is g · out / xᵢ; with one
 * zero only that element gets g · (product of the rest); with more, nothing.
 */
export function windowProductGrad(g: Tensor, x: Tensor, params: p.WindowParams): Tensor {
  const spread = (v: Tensor) => windowSumTranspose(v, x.shape, params);
  const isZero = e.equal(x, 0);
  const nonZero = e.select(isZero, 1, x);
  const others = e.multiply(g, bind(p.windowProduct, [nonZero], params));
  const zerosIn = bind(p.windowSum, [e.cast(isZero, x.dtype)], params);
  const noZero = spread(e.select(e.equal(zerosIn, 0), others, 0));
  const oneZero = spread(e.select(e.equal(zerosIn, 1), others, 0));
  return e.add(e.divide(noZero, nonZero), e.select(isZero, oneZero, 0));
}

/**
 * @internal Binds select-and-scatter: `g` added at each window's first element of `x` equal to
 * `y`, the window max (or min) of `x`.
 */
export function windowSelectScatterPrim(
  x: Tensor,
  y: Tensor,
  g: Tensor,
  params: p.WindowParams,
): Tensor {
  const { window, strides, padding, dilations } = params;
  return bind(p.windowSelectScatter, [x, y, g], { window, strides, padding, dilations });
}

/** @internal Binds select-and-gather: `h` at each window's first element of `x` equal to `y`. */
export function windowSelectGatherPrim(
  x: Tensor,
  y: Tensor,
  h: Tensor,
  params: p.WindowParams,
): Tensor {
  const { window, strides, padding, dilations } = params;
  return bind(p.windowSelectGather, [x, y, h], { window, strides, padding, dilations });
}
