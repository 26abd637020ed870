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
