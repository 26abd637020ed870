/** Ops that cut along one axis: `diff` (discrete differences) and `split` (two parts). */
import { formatType } from "../format.js";
import { show } from "../describe.js";
import { normalizeAxis } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkInteger, checkOptions, checkTensorArg } from "./check.js";
import { subtract } from "./elementwise.js";
import { sliceAlong } from "./shape.js";

/**
 * The `order`-th discrete difference along `axis` (default: first, last axis), as Nx.diff and
 * `numpy.diff`: `out[i] = x[i + 1] − x[i]`, applied `order` times; each application shortens the
 * axis by one (to no fewer than 0 elements).
 */
export function diff(x: Tensor, options: { order?: number; axis?: number } = {}): Tensor {
  checkTensorArg("diff", x);
  const o = checkOptions("diff", options);
  const order = checkInteger("diff", "order", o.order ?? 1, 0);
  const axis = normalizeAxis("diff", o.axis ?? -1, x.rank);
  let y = x;
  for (let k = 0; k < order && y.shape[axis]! > 0; k++) {
    const n = y.shape[axis]! - 1;
    y = subtract(sliceAlong(y, 1, n, { axis }), sliceAlong(y, 0, n, { axis }));
  }
  return y;
}

/**
 * Splits `x` along `axis` (default 0) into two non-empty parts, as Nx.split: the first gets
 * `split` elements (an integer), or ⌈split · size⌉ (a fraction between 0 and 1).
 */
export function split(x: Tensor, split: number, options: { axis?: number } = {}): [Tensor, Tensor] {
  checkTensorArg("split", x);
  const axis = normalizeAxis("split", checkOptions("split", options).axis ?? 0, x.rank);
  const n = x.shape[axis]!;
  if (typeof split !== "number" || !Number.isFinite(split))
    throw new TypeError(`split: split must be a number, got ${show(split)}`);
  const first = Number.isInteger(split) ? split : Math.ceil(split * n);
  if ((!Number.isInteger(split) && (split <= 0 || split >= 1)) || first <= 0 || first >= n)
    throw new RangeError(
      `split: ${split} does not leave two non-empty parts of axis ${axis} of ${formatType(x.shape, x.dtype)}`,
    );
  return [sliceAlong(x, 0, first, { axis }), sliceAlong(x, first, n - first, { axis })];
}
