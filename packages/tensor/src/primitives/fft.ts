/** The discrete Fourier transform along the last complex axis, on pair views (see complex.ts). */
import { formatType } from "../format.js";
import { definePrimitive } from "../primitive.js";
import { sizeOf } from "../shape.js";
import { flag } from "../compile/literal.js";
import { fftKernel } from "../kernels/fft.js";

/** Parameters: the transform length (the input's axis is padded with zeros or truncated to it). */
export interface FftParams {
  readonly length: number;
  readonly inverse: boolean;
}

/**
 * f32[..., n, 2] → f32[..., length, 2] (f64 likewise): the DFT (or with `inverse` the inverse DFT,
 * scaled by 1/length) of the complex values, as pairs (re, im), along the axis before the pairs.
 */
export const fftPairs = definePrimitive<FftParams>({
  name: "fftPairs",
  infer: ([x], { length }) => {
    const { shape, dtype } = x!;
    if ((dtype !== "f32" && dtype !== "f64") || shape.length < 2 || shape[shape.length - 1] !== 2)
      throw new TypeError(
        `internal: fftPairs expects pairs [..., n, 2] of f32 or f64, got ${formatType(shape, dtype)}`,
      );
    return { shape: [...shape.slice(0, -2), length, 2], dtype };
  },
  lowering: {
    kind: "call",
    call: ({ inputs: [x], params: { length, inverse } }) => {
      const n = x!.shape[x!.shape.length - 2]!;
      return {
        kernel: fftKernel,
        args: [
          { output: true },
          { input: 0 },
          sizeOf(x!.shape.slice(0, -2)),
          n,
          length,
          flag(inverse, "fft inverse"),
        ],
      };
    },
  },
  // The transform is linear: y = F·resize(x). With gradients of complex values taken as
  // ∂L/∂re + i·∂L/∂im, the adjoint is resizeᵀ(Fᴴ·g): for the forward F, Fᴴ = length · ifft; for
  // the inverse F = ifft, Fᴴ = fft / length; resizeᵀ truncates what was padded and pads what was
  // truncated.
  vjp: (g, [x], _out, { length, inverse }, nx) => {
    const n = x!.shape[x!.shape.length - 2]!;
    const z = nx.viewAsComplex(g);
    const back = inverse
      ? nx.divide(nx.viewAsReal(nx.fft(z)), length)
      : nx.multiply(nx.viewAsReal(nx.ifft(z)), length);
    if (n === length) return [back];
    if (n < length) return [nx.sliceAlong(back, 0, n, { axis: -2 })];
    const config = back.shape.map((_, d) => [0, d === back.rank - 2 ? n - length : 0, 0] as const);
    return [nx.padPrim(back, 0, config)];
  },
});
