// Loop checkpoints written by earlier code keep loading and resume bit for bit. The fixtures were
// written by commit 9942992 (see fixtures/make-loop-checkpoints.ts), before the trainer's step
// state became `{ modelState: ModelState, optimizerState }` and the evaluator's a `ModelState`.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { loopFixture } from "./fixtures/loop-fixture.js";

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), "fixtures");
const expected = JSON.parse(fs.readFileSync(path.join(dir, "loop-9942992.json"), "utf8"));

function weights(ms: nn.ModelState): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [layer, ts] of Object.entries(ms.parameters))
    for (const [name, t] of Object.entries(ts)) out[`${layer}.${name}`] = [...t.data()];
  return out;
}

test("a trainer checkpoint of commit 9942992 loads and resumes bit for bit", async () => {
  const fx = loopFixture(nx, nn);
  const ckpt = await nn.loadCheckpoint(path.join(dir, "loop-trainer-9942992.ckpt"));
  assert.deepEqual([ckpt.epoch, ckpt.iteration], [1, 3]);
  assert.deepEqual([...ckpt.modelState!.frozen], ["dense_0.bias"]);
  const resumed = await fx.trainer().run(fx.data(), ckpt, { epochs: 3 });
  assert.deepEqual(weights(resumed.modelState), expected.trainer.weights);
  assert.deepEqual([...resumed.modelState.frozen], expected.trainer.frozen);
  assert.deepEqual(
    resumed.history.map((h) => [h.epoch, h.loss, h.mean_absolute_error]),
    expected.trainer.history,
  );
  // The same run from the start gives the same figures as that commit's.
  const full = await fx.trainer().run(fx.data(), fx.initState(), { epochs: 3 });
  assert.deepEqual(weights(full.modelState), expected.trainer.weights);
});

/** The loop metadata of a checkpoint file and its tensors' bytes (the header's offsets). */
function fileParts(file: string): { meta: any; data: Buffer } {
  const bytes = fs.readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString("utf8"));
  return { meta: JSON.parse(header.__metadata__["dendrite.loop"]), data: bytes.subarray(8 + n) };
}

test("checkpoints are still written in the layout of commit 9942992", async () => {
  const fx = loopFixture(nx, nn);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dendrite-compat-")), "t.ckpt");
  await fx
    .trainer()
    .checkpoint({ path: file, event: "iterationCompleted", filter: { once: 6 } })
    .run(fx.data(), fx.initState(), { epochs: 3 });
  const now = fileParts(file);
  const then = fileParts(path.join(dir, "loop-trainer-9942992.ckpt"));
  for (const key of ["format", "position", "maxEpoch", "maxIteration", "metricNames", "tree"])
    assert.deepEqual(now.meta[key], then.meta[key], key);
  assert.deepEqual(now.data, then.data);
});

test("an evaluator checkpoint of commit 9942992 loads and resumes", async () => {
  const fx = loopFixture(nx, nn);
  const ckpt = await nn.loadCheckpoint(path.join(dir, "loop-evaluator-9942992.ckpt"));
  assert.deepEqual([ckpt.epoch, ckpt.iteration], [0, 3]);
  const resumed = await fx.evaluator().run(fx.data(), ckpt);
  assert.deepEqual({ ...resumed.metrics }, expected.evaluator.metrics);
  assert.deepEqual(weights(resumed.modelState), expected.trainer.weights);
});
