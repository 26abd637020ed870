// The transformer example: one block (causal multi-head attention, RMS norm, MLP) learns to name
// each position's previous token, which needs attention; scored on sequences it never saw.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runTransformer } from "../examples/transformer.js";

test("transformer example: the block learns the previous-token task (≥ 0.99 on new sequences)", async () => {
  const r = await runTransformer({ seed: 0, log: false });
  assert.ok(r.testAccuracy >= 0.99, `test accuracy ${r.testAccuracy}`);
  assert.ok(r.lastLoss < r.firstLoss / 100, `loss ${r.firstLoss} → ${r.lastLoss}`);
});
