/** The discrete Fourier transform and its inverse along the last axis (Nx.fft, Nx.ifft). */
import { bind } from "../core.js";
import { complexType } from "../dtype.js";
import { describeValue } from "../describe.js";
import * as c from "../primitives/complex.js";
import { fftPairs } from "../primitives/fft.js";
import { Tensor } from "../tensor.js";
import { checkInteger, checkOptions } from "./check.js";
import { cast } from "./elementwise.js";

/** Options of {@link fft} and {@link ifft}. */
export interface FftOptions {
  /**
   * The transform length: the last axis is padded with zeros or truncated to it first (default
   * its own length).
   */
  length?: number;
}

function transform(op: string, x: Tensor, options: FftOptions | undefined, inverse: boolean) {
  if (!(x instanceof Tensor))
    throw new TypeError(`${op}: expected a Tensor, got ${describeValue(x)}`);
  if (x.rank === 0)
    throw new RangeError(
      `${op}: expected a tensor with at least one axis, got ${describeValue(x)}`,
    );
  const o = checkOptions(op, options);
  const length =
    o.length === undefined ? x.shape[x.rank - 1]! : checkInteger(op, "length", o.length, 1);
  if (length === 0)
    throw new RangeError(`${op}: the last axis of ${describeValue(x)} is empty; give a length`);
  const z = cast(x, complexType(x.dtype));
  const pairs = bind(fftPairs, [bind(c.viewAsReal, [z])], { length, inverse });
  return bind(c.viewAsComplex, [pairs]);
}

/**
 * The discrete Fourier transform along the last axis, batched over the others (Nx.fft,
 * numpy.fft.fft): X_k = Σ_j x_j e^{−2πi jk/n}. A real input becomes complex first (c128 from
 * f64, c64 otherwise); the result is complex. Computed in f64 for any length (radix-2, or
 * Bluestein's algorithm for other lengths).
 * @example fft(tensor([1, 0, 0, 0])) // c64[4] [1.0+0.0i, 1.0+0.0i, 1.0+0.0i, 1.0+0.0i]
 */
export function fft(x: Tensor, options?: FftOptions): Tensor {
  return transform("fft", x, options, false);
}

/**
 * The inverse discrete Fourier transform along the last axis, batched over the others (Nx.ifft,
 * numpy.fft.ifft): x_k = (1/n) Σ_j X_j e^{2πi jk/n}, so `ifft(fft(x))` is `x` (as complex).
 */
export function ifft(x: Tensor, options?: FftOptions): Tensor {
  return transform("ifft", x, options, true);
}
