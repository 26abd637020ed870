// A CNN large enough that its products, loops, sums and pooling run in WebAssembly (and its
// products on two threads): the same seed and thread count give bit-identical weights run after
// run, a resumed checkpoint ends bit-identical to an uninterrupted run, and the JavaScript-only
// backend agrees to f32 rounding.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

const threads = nx.getThreads();
before(() => nx.setThreads(2));
after(() => nx.setThreads(threads));

const cnn = () =>
  nn
    .input("x", [null, 12, 12, 1])
    .conv(32, { kernelSize: 3, activation: "relu" })
    .maxPool({ kernelSize: 2 })
    .flatten()
    .dense(32, { activation: "relu" })
    .dense(4);

function data() {
  const x = nx.random.uniform(nx.random.key(1), [144, 12, 12, 1]);
  const y = nx.oneHot(nx.random.randint(nx.random.key(2), [144], { min: 0, max: 4 }), 4);
  return () => nn.batches(x, nx.asType(y, "f32"), { batchSize: 48, shuffle: true, seed: 3 });
}

const trainer = () =>
  nn.trainer(cnn(), nn.losses.categoricalCrossEntropy, nn.optimizers.adam({ learningRate: 0.01 }), {
    log: 0,
    seed: 4,
  });

function weights(ms: nn.ModelState): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [layer, ts] of Object.entries(ms.parameters))
    for (const [name, t] of Object.entries(ts)) out[`${layer}.${name}`] = [...t.data()];
  return out;
}

test("the engine's kernels run here (else this file would test the JavaScript kernels only)", () => {
  const step = nx.jit((x: nx.Tensor, w: nx.Tensor) =>
    nx.windowMax(
      nx.maximum(
        nx.conv(x, w, {
          inputPermutation: [0, 3, 1, 2],
          kernelPermutation: [3, 2, 0, 1],
          outputPermutation: [0, 3, 1, 2],
        }),
        0,
      ),
      [1, 2, 2, 1],
      { strides: [1, 2, 2, 1] },
    ),
  );
  const src = step.source(nx.ones([48, 12, 12, 1]), nx.ones([3, 3, 1, 32]));
  assert.match(src, /\(wasm\)/, "the relu loop runs in WebAssembly");
  // The convolution's product, [48·10·10, 9]·[9, 32], is large enough to be split across threads.
  assert.ok(48 * 10 * 10 * 9 * 32 >= 2 ** 20);
});

test("same seed, same threads: bit-identical weights; a resumed checkpoint ends the same", async () => {
  const batches = data();
  const a = await trainer().run(batches(), { epochs: 3 });
  const b = await trainer().run(batches(), { epochs: 3 });
  assert.deepEqual(weights(a.modelState), weights(b.modelState));

  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dendrite-engine-")), "run.ckpt");
  await trainer()
    .checkpoint({ path: file, event: "iterationCompleted", filter: { every: 4 } })
    // Halts in the middle of epoch 2 (3 batches an epoch); the checkpoint is from iteration 4.
    .handleEvent("iterationCompleted", (s) => (s.totalIterations === 5 ? "haltLoop" : "continue"))
    .run(batches(), { epochs: 3 });
  const resumed = await trainer().run(batches(), await nn.loadCheckpoint(file), { epochs: 3 });
  assert.deepEqual(weights(resumed.modelState), weights(a.modelState));
});

test("the JavaScript-only backend trains to the same weights within f32 rounding", async () => {
  const batches = data();
  const wasm = await trainer().run(batches(), { epochs: 1 });
  nx.setDefaultBackend("js");
  try {
    const js = await trainer().run(batches(), { epochs: 1 });
    const [w, j] = [weights(wasm.modelState), weights(js.modelState)];
    for (const name of Object.keys(w)) {
      const worst = Math.max(...w[name]!.map((v, i) => Math.abs(v - j[name]![i]!)));
      assert.ok(worst < 1e-4, `${name}: the backends differ by ${worst}`);
    }
  } finally {
    nx.setDefaultBackend("auto");
  }
});
