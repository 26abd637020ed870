/**
 * ONNX's backend node tests (1,802 single-op models with inputs and expected outputs, copied from
 * onnx/onnx, see onnx-node-tests/SOURCES.md) through nn.onnx.importModel, eagerly and under jit.
 * Prints the pass count per family and op and every failing test with its reason.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { report, runNodeTests } from "./onnx-node-runner.js";

/** The number of node tests that pass today; raise it as ops are mapped. */
const FLOOR = 1346;

test(`ONNX node tests: at least ${FLOOR} of 1,802 pass`, () => {
  const results = runNodeTests();
  console.log(report(results));
  const passing = results.filter((r) => r.status === "pass").length;
  assert.equal(results.length, 1802);
  assert.ok(passing >= FLOOR, `${passing} node tests pass, fewer than the floor ${FLOOR}`);
});
