/**
 * Test helpers for the numeric parts of @dendrite/nn: nested-array maths in plain f64 JavaScript
 * (the independent references), closeness checks and central finite differences.
 */
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";

/** A matrix as rows of numbers. */
export type Rows = number[][];

/** Asserts |a − b| ≤ atol + rtol·|b| elementwise (flattening nested arrays). */
export function assertClose(
  actual: unknown,
  expected: unknown,
  rtol = 1e-6,
  atol = 1e-9,
  what = "",
) {
  const a = [actual].flat(Infinity) as number[];
  const e = [expected].flat(Infinity) as number[];
  assert.equal(a.length, e.length, `${what}: length ${a.length} vs ${e.length}`);
  a.forEach((x, i) => {
    const y = e[i]!;
    const ok = Number.isFinite(y)
      ? Math.abs(x - y) <= atol + rtol * Math.abs(y)
      : Object.is(x, y) || x === y;
    assert.ok(ok, `${what}[${i}]: got ${x}, expected ${y} (rtol ${rtol}, atol ${atol})`);
  });
}

/** The values of a tensor as (nested) numbers. */
export function values(t: nx.Tensor): unknown {
  return t.toArray();
}

/** f64 tensor from nested numbers. */
export function f64(x: number | number[] | Rows): nx.Tensor {
  return nx.tensor(x, { dtype: "f64" });
}

/**
 * Central finite differences of a scalar function of one f64 tensor, element by element:
 * (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h.
 */
export function numericGrad(f: (x: nx.Tensor) => nx.Tensor, x: nx.Tensor, h = 1e-6): number[] {
  const base = Array.from(x.data() as Float64Array);
  return base.map((_, i) => {
    const plus = base.slice();
    const minus = base.slice();
    plus[i]! += h;
    minus[i]! -= h;
    const fp = f(nx.reshape(nx.tensor(Float64Array.from(plus)), x.shape)).toNumber();
    const fm = f(nx.reshape(nx.tensor(Float64Array.from(minus)), x.shape)).toNumber();
    return (fp - fm) / (2 * h);
  });
}

/** Checks nx.grad(f) at x against central finite differences. */
export function checkGrad(
  f: (x: nx.Tensor) => nx.Tensor,
  x: nx.Tensor,
  what: string,
  rtol = 1e-5,
  atol = 1e-7,
): void {
  const analytic = Array.from(nx.grad(f)(x).data() as Float64Array);
  assertClose(analytic, numericGrad(f, x), rtol, atol, `${what} gradient`);
}

/** Mean of numbers. */
export function meanOf(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sum of numbers. */
export function sumOf(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/**
 * The f64 tensor `(arange(size).reshape(shape) * step) % mod - shift`: varied, signed, reproducible
 * values that NumPy and PyTorch make the same way for known answers.
 */
export function pattern(shape: number[], step: number, mod: number, shift: number): nx.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const ramp = nx.reshape(nx.iota([size], { dtype: "f64" }), shape);
  return nx.subtract(nx.remainder(nx.multiply(ramp, step), mod), shift);
}
