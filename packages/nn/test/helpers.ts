/** Test helpers for the model tests: f64 models, gradient checks of whole layers, closeness. */
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { assertGradient, rand, weightedSum } from "../../tensor/test/gradcheck.js";

export { rand, weightedSum };

/** Asserts that two nested arrays of numbers agree within `tol` (absolute + relative). */
export function assertClose(actual: unknown, expected: unknown, tol = 1e-6, path = "x"): void {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${path}: expected a number`);
    const a = actual as number;
    assert.ok(
      Math.abs(a - expected) <= tol * (1 + Math.abs(expected)) ||
        (Number.isNaN(a) && Number.isNaN(expected)),
      `${path}: ${a} is not close to ${expected}`,
    );
    return;
  }
  assert.ok(Array.isArray(actual) && Array.isArray(expected), `${path}: expected arrays`);
  assert.equal(
    (actual as unknown[]).length,
    (expected as unknown[]).length,
    `${path}: lengths differ`,
  );
  (expected as unknown[]).forEach((e, i) =>
    assertClose((actual as unknown[])[i], e, tol, `${path}[${i}]`),
  );
}

/**
 * Checks the gradients of a model's output (through a fixed weighted sum) with respect to its
 * parameters and its input, against central finite differences in f64.
 */
export function checkModelGradients(
  model: nn.Model,
  x: nx.Tensor,
  options: { mode?: nn.Mode; seed?: number; rtol?: number; atol?: number; wrtInput?: boolean } = {},
): void {
  const built = nn.build(model, {
    mode: options.mode ?? "inference",
    seed: options.seed ?? 1,
    dtype: "f64",
  });
  const state = built.init(x);
  const tol = { rtol: options.rtol ?? 1e-4, atol: options.atol ?? 1e-6 };
  if (Object.keys(state.parameters).length > 0) {
    assertGradient(
      (p: nn.ParameterTree) => weightedSum(built.forward(p, state.state, x).prediction),
      state.parameters as never,
      tol,
    );
  }
  if (options.wrtInput ?? true)
    assertGradient(
      (xi: nx.Tensor) => weightedSum(built.forward(state.parameters, state.state, xi).prediction),
      x,
      tol,
    );
}
