/** Test helpers shared by the linear-algebra tests: the float types checked and their tolerances. */
import assert from "node:assert/strict";

/** Each float type with the relative tolerance its results are held to. */
export const DTYPES: ["f32" | "f64", number][] = [
  ["f64", 1e-12],
  ["f32", 2e-5],
];

/** Every element within `tol` relative (absolute below 1) of the expected one. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
): void {
  assert.equal(actual.length, expected.length, "length");
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i]! - expected[i]!) <= tol * Math.max(1, Math.abs(expected[i]!));
    assert.ok(ok, `index ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}
