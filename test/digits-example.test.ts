// The digits CNN example, run exactly as `npm start` runs it (seed 0, its default 10 epochs): it
// must reach a test accuracy of at least 0.97 on the held-out 20% of the bundled 8×8 digits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeDigitsCnn, runDigitsCnn } from "../examples/digits-cnn.js";

test("digits CNN example: ≥ 0.97 test accuracy with the report's seed", async () => {
  const r = await runDigitsCnn({ seed: 0, log: false });
  // A stratified 20% of 1,797 images, rounded up: 360 test images, 36 of each digit (or 35).
  assert.equal(r.testImages, 360);
  assert.equal(r.trainImages, 1797 - 360);
  assert.equal(r.epochs, 10);
  assert.ok(r.testAccuracy >= 0.97, `test accuracy ${r.testAccuracy} (target ≥ 0.97)`);
  assert.ok(r.trainAccuracy > 0.95, `training accuracy ${r.trainAccuracy}`);
  assert.equal(r.epochMs.length, 10);
  assert.ok(r.epochMs.every((ms) => ms > 0) && r.trainMs >= r.epochMs.reduce((a, b) => a + b, 0));
  assert.match(r.table, /conv_1.*f32\[3\]\[3\]\[16\]\[32\]/);
  assert.match(describeDigitsCnn(r), /test accuracy 0\.9[7-9]\d\d; training \d+\.\d s/);
});
