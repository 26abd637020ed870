/**
 * The backward pass of reverse-mode autodiff: record a function's primitives on a tape, then walk
 * the tape backwards with each primitive's derivative rule. `grad` is built on it, and so is the
 * derivative rule of `cond` (the gradients of its branches), which is why the ops the rules use
 * are a parameter here rather than an import.
 */
import { Tape, bind, withTape, withoutTape } from "./core.js";
import { isComplex, isFloat } from "./dtype.js";
import { derivativeOf, type DerivativeOps } from "./primitive.js";
import { full, zeros } from "./ops/creation.js";
import { add, cast } from "./ops/elementwise.js";
import { unbroadcast } from "./ops/reduce.js";
import { identity } from "./primitives/shape.js";
import { shapesEqual } from "./shape.js";
import type { Tensor } from "./tensor.js";

/**
 * The gradient of the scalar `f(xs)` with respect to each of `xs` (float tensors), the derivative
 * rules given the ops `nx`.
 */
export function gradient(
  f: (xs: Tensor[]) => Tensor,
  xs: readonly Tensor[],
  nx: DerivativeOps,
): Tensor[] {
  const inputs = xs.map((leaf) => bind(identity, [leaf]));
  const tape = new Tape();
  for (const t of inputs) tape.tracked.add(t);
  const value = withTape(tape, () => f(inputs));
  return withoutTape(tape, () => backward(tape, value, inputs, nx));
}

/** Walks the tape backwards from `out`, returning the cotangent of each input. */
function backward(tape: Tape, out: Tensor, inputs: readonly Tensor[], nx: DerivativeOps): Tensor[] {
  const cotangents = new Map<Tensor, Tensor>();
  cotangents.set(out, full(out.shape, 1, { dtype: out.dtype }));
  for (let i = tape.records.length - 1; i >= 0; i--) {
    const r = tape.records[i]!;
    const g = cotangents.get(r.out);
    if (!g) continue;
    cotangents.delete(r.out);
    // Only primitives with a derivative rule are recorded (see core.ts).
    const gs = derivativeOf(r.prim)!(g, r.inputs, r.out, r.params, nx);
    r.inputs.forEach((x, k) => {
      const gk = gs[k];
      // Complex intermediates carry cotangents too (∂L/∂re + i·∂L/∂im, see primitives/fft.ts).
      if (!gk || !tape.tracked.has(x) || !(isFloat(x.dtype) || isComplex(x.dtype))) return;
      const fitted = cast(shapesEqual(gk.shape, x.shape) ? gk : unbroadcast(gk, x.shape), x.dtype);
      const prev = cotangents.get(x);
      cotangents.set(x, prev ? add(prev, fitted) : fitted);
    });
  }
  return inputs.map((x) => cotangents.get(x) ?? zeros(x.shape, { dtype: x.dtype }));
}
