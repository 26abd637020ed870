/** ONNX's window functions: HannWindow, HammingWindow and BlackmanWindow (periodic or symmetric). */
import * as nx from "@dendrite/tensor";
import { defineOp } from "../context.js";
import { requireDType } from "../tensors.js";

/** Cosine-sum windows Σ (−1)ᵏ aₖ cos(2πkn / N), N = size (periodic) or size − 1 (symmetric). */
function cosineWindow(opType: string, coefficients: readonly number[]) {
  defineOp(opType, (ctx) => {
    const [size] = ctx.static(0, "size");
    const periodic = ctx.int("periodic", 1) === 1;
    const dtype = requireDType(ctx.int("output_datatype", 1)!, "output_datatype");
    return () => {
      const n = size!;
      const denominator = periodic ? n : n - 1;
      const values = Array.from({ length: n }, (_, i) =>
        coefficients.reduce(
          (sum, a, k) =>
            sum + (k % 2 === 0 ? a : -a) * Math.cos((2 * Math.PI * k * i) / denominator),
          0,
        ),
      );
      return nx.tensor(values, { dtype });
    };
  });
}

cosineWindow("HannWindow", [0.5, 0.5]);
cosineWindow("HammingWindow", [25 / 46, 21 / 46]);
cosineWindow("BlackmanWindow", [0.42, 0.5, 0.08]);

/**
 * DFT (opsets 17 and 20). ONNX writes a complex value as a trailing axis of 2 (re, im) and a real
 * one as a trailing axis of 1; the transform runs along `axis` (an attribute, default 1, before
 * opset 20; an input, default −2, from 20), padded or truncated to `dft_length`. `onesided` keeps
 * the first ⌊n/2⌋ + 1 values of a real input's spectrum, or with `inverse` takes them as such a
 * half spectrum and returns the real signal of length n (default 2·(m − 1), NumPy's irfft).
 */
defineOp("DFT", (ctx) => {
  const inverse = ctx.int("inverse", 0) === 1;
  const onesided = ctx.int("onesided", 0) === 1;
  const length = ctx.optionalStatic(1, "dft_length")?.[0];
  const axisGiven =
    ctx.opset >= 20 ? (ctx.optionalStatic(2, "axis")?.[0] ?? -2) : ctx.int("axis", 1);
  if (length !== undefined && !(Number.isInteger(length) && length >= 1))
    throw ctx.error(`dft_length must be a positive integer, got ${length}`);
  return ([x]) => {
    const rank = x!.rank;
    const parts = x!.shape[rank - 1];
    if (rank < 2 || (parts !== 1 && parts !== 2))
      throw ctx.error(
        `the input's last axis holds the parts of each value (1 real, 2 complex), got ${nx.formatType(x!.shape, x!.dtype)}`,
      );
    if (x!.dtype !== "f32" && x!.dtype !== "f64")
      throw ctx.error(`the input must be f32 or f64, got ${nx.formatType(x!.shape, x!.dtype)}`);
    const axis = axisGiven < 0 ? axisGiven + rank : axisGiven;
    if (axis < 0 || axis > rank - 2)
      throw ctx.error(
        `axis ${axisGiven} is not a signal axis of ${nx.formatType(x!.shape, x!.dtype)}`,
      );
    if (onesided && !inverse && parts === 2)
      throw ctx.error("onesided needs a real input (a last axis of 1)");
    const complexType = x!.dtype === "f64" ? "c128" : "c64";
    const values =
      parts === 2
        ? nx.viewAsComplex(x!)
        : nx.asType(nx.reshape(x!, x!.shape.slice(0, -1)), complexType);
    // The transform axis goes last, and back at the end.
    const perm = [...Array(rank - 1).keys()].filter((d) => d !== axis).concat(axis);
    const back = perm.map((_, d) => perm.indexOf(d));
    const z = nx.transpose(values, perm);
    const m = z.shape[rank - 2]!;
    if (inverse && onesided) {
      const n = length ?? 2 * (m - 1);
      if (n < 1) throw ctx.error(`a half spectrum of ${m} values needs a dft_length`);
      const kept = Math.floor(n / 2) + 1;
      const half =
        m >= kept
          ? nx.sliceAlong(z, 0, kept, { axis: -1 })
          : nx.pad(z, 0, [...z.shape.slice(0, -1).map(() => [0, 0, 0]), [0, kept - m, 0]]);
      // X[n − k] = conj(X[k]): the values past the half come from those before it, reversed.
      const tail = nx.conjugate(
        nx.reverse(nx.sliceAlong(half, 1, n - kept, { axis: -1 }), { axes: [-1] }),
      );
      const signal = nx.real(nx.ifft(nx.concatenate([half, tail], { axis: -1 })));
      return nx.newAxis(nx.transpose(signal, back), rank - 1);
    }
    const n = length ?? m;
    let y = inverse ? nx.ifft(z, { length: n }) : nx.fft(z, { length: n });
    if (onesided) y = nx.sliceAlong(y, 0, Math.floor(n / 2) + 1, { axis: -1 });
    return nx.viewAsReal(nx.transpose(y, back));
  };
});
