// The training loop as a user drives it: trainer / evaluator / loop, metrics, events, handlers,
// filters, data sources, reproducibility, checkpoints and resuming, and the errors.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

/** A small regression problem: y = x·w + 0.5 with 3 features, 32 rows. */
function regression(rows = 32) {
  const x = nx.random.normal(nx.random.key(7), [rows, 3]);
  const y = nx.add(nx.dot(x, nx.tensor([[1.5], [-2], [0.5]])), 0.5);
  return { x, y };
}

const mlp = () => nn.input("x", [null, 3]).dense(8, { activation: "relu" }).dense(1);

function silentTrainer(
  model = mlp(),
  loss: nn.LossSpec = "meanSquaredError",
  opt: string | nn.Optimizer = "adam",
  seed = 0,
) {
  return nn.trainer(model, loss, opt, { log: 0, seed });
}

/** The parameters of a model state as plain arrays, for bit-exact comparisons. */
function weights(ms: nn.ModelState): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [layer, ts] of Object.entries(ms.parameters))
    for (const [name, t] of Object.entries(ts)) out[`${layer}.${name}`] = [...t.data()];
  return out;
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "dendrite-loop-"));
}

test("the whole step is compiled once and reused by every epoch and every later run", async () => {
  const { x, y } = regression();
  let traces = 0;
  const loss = (yTrue: nx.Tensor, yPred: nx.Tensor) => {
    traces++; // runs only while the step is being traced
    return nn.losses.meanSquaredError(yTrue, yPred);
  };
  const loop = silentTrainer(mlp(), loss).metric("meanAbsoluteError");
  const data = nn.batches(x, y, { batchSize: 8 });
  const first = await loop.run(data, { epochs: 5 });
  assert.equal(traces, 1);
  assert.equal(first.history.length, 5);
  await loop.run(data, first.modelState, { epochs: 3 });
  assert.equal(traces, 1, "a second run reuses the compiled step");
  // A batch of another size is another signature: one more compile, then reused.
  await loop.run(nn.batches(x, y, { batchSize: 5 }), { epochs: 2 }); // 6 × 5 rows + 1 × 2 rows
  assert.equal(traces, 3);
});

test("training lowers the loss; history, metrics and the result's fields", async () => {
  const { x, y } = regression();
  const result = await silentTrainer(
    mlp(),
    "meanSquaredError",
    nn.optimizers.adam({ learningRate: 0.01 }),
  )
    .metric("mean_absolute_error")
    .metric("meanSquaredError", "mse")
    .run(nn.batches(x, y, { batchSize: 4 }), { epochs: 30 });
  const { modelState, history, metrics, state } = result;
  assert.ok(modelState instanceof nn.ModelState);
  assert.equal(history.length, 30);
  assert.deepEqual(Object.keys(history[0]!).sort(), [
    "epoch",
    "iterations",
    "loss",
    "mean_absolute_error",
    "mse",
    "timeMs",
  ]);
  assert.equal(history[0]!.iterations, 8);
  assert.ok(history[29]!.loss < history[0]!.loss / 5, `${history[0]!.loss} → ${history[29]!.loss}`);
  // With MSE as the loss, the "mse" metric is the same running mean as the loss.
  for (const h of history) assert.ok(Math.abs(h.loss - h.mse!) <= 1e-6 * Math.max(1, h.loss));
  assert.deepEqual(
    metrics,
    Object.fromEntries(
      Object.entries(history[29]!).filter(([k]) => !["epoch", "iterations", "timeMs"].includes(k)),
    ),
  );
  assert.equal(state.status, "completed");
  assert.equal(state.epoch, 30);
  assert.equal(Object.keys(state.times).length, 30);
  // The final running loss is the mean of the epoch's batch losses (checked against a direct
  // evaluation of the last epoch with the weights of each step is not possible after the fact;
  // instead: the evaluator over the same data gives a loss of the same size).
  const check = await nn
    .evaluator(mlp(), { log: 0 })
    .metric("meanSquaredError")
    .run([[x, y]], modelState);
  assert.ok(check.metrics.mean_squared_error! < history[0]!.loss / 5);
});

test("one seed gives bit-identical weights; another seed gives others", async () => {
  const { x, y } = regression();
  const run = async (seed: number) =>
    (
      await silentTrainer(mlp(), "meanSquaredError", "adam", seed).run(
        nn.batches(x, y, { batchSize: 4, shuffle: true, seed }),
        { epochs: 3 },
      )
    ).modelState;
  const a = await run(3);
  const b = await run(3);
  const c = await run(4);
  assert.deepEqual(weights(a), weights(b));
  assert.notDeepEqual(weights(a), weights(c));
});

test("events fire in Axon's order; handlers see Axon's state fields", async () => {
  const { x, y } = regression(8);
  const seen: string[] = [];
  let snapshot: Record<string, unknown> = {};
  await silentTrainer()
    .handleEvent("all", (s) => {
      seen.push(`${s.event}:${s.epoch}:${s.iteration}`);
    })
    .handleEvent("iteration_completed", (s) => {
      const st = s.stepState;
      snapshot = {
        epoch: s.epoch,
        maxEpoch: s.maxEpoch,
        iteration: s.iteration,
        maxIteration: s.maxIteration,
        loss: st.loss.toNumber(),
        metricsLoss: s.metrics.loss,
        yTrue: st.yTrue.shape,
        yPred: st.yPred.shape,
        modelState: st.modelState instanceof nn.ModelState,
        optimizerState: Array.isArray(st.optimizerState),
        status: s.status,
        handlerMetadata: s.handlerMetadata,
        times: Object.keys(s.times),
      };
    })
    .run(nn.batches(x, y, { batchSize: 4 }), { epochs: 2 });
  assert.deepEqual(seen, [
    "started:0:0",
    "epochStarted:0:0",
    "iterationStarted:0:0",
    "iterationCompleted:0:0",
    "iterationStarted:0:1",
    "iterationCompleted:0:1",
    "epochCompleted:0:2",
    "epochStarted:1:0",
    "iterationStarted:1:0",
    "iterationCompleted:1:0",
    "iterationStarted:1:1",
    "iterationCompleted:1:1",
    "epochCompleted:1:2",
  ]);
  assert.equal(snapshot.loss, snapshot.metricsLoss);
  assert.deepEqual(
    { ...snapshot, loss: 0, metricsLoss: 0 },
    {
      epoch: 1,
      maxEpoch: 2,
      iteration: 1,
      maxIteration: -1,
      loss: 0,
      metricsLoss: 0,
      yTrue: [4, 1],
      yPred: [4, 1],
      modelState: true,
      optimizerState: true,
      status: "running",
      handlerMetadata: {},
      times: ["0"],
    },
  );
});

test("haltEpoch ends the epoch (epochHalted fires), haltLoop ends the run; async handlers are awaited", async () => {
  const { x, y } = regression(16);
  const events: string[] = [];
  const result = await silentTrainer()
    .handleEvent("iterationCompleted", async (s) => {
      await new Promise((r) => setTimeout(r, 1));
      return s.epoch === 0 && s.iteration === 1 ? "haltEpoch" : "continue";
    })
    .handleEvent(["epochHalted", "epochCompleted"], (s) => {
      events.push(`${s.event}:${s.epoch}:${s.iteration}`);
    })
    .handleEvent("iterationCompleted", (s) =>
      s.epoch === 2 && s.iteration === 2 ? "haltLoop" : undefined,
    )
    .run(nn.batches(x, y, { batchSize: 4 }), { epochs: 5 });
  assert.deepEqual(events, ["epochHalted:0:2", "epochCompleted:1:4"]);
  assert.equal(result.state.status, "halted");
  assert.match(result.state.haltReason!, /haltLoop/);
  assert.deepEqual(
    result.history.map((h) => [h.epoch, h.iterations]),
    [
      [0, 2],
      [1, 4],
    ],
  );
});

test("a handler returning anything else is a clear error", async () => {
  const { x, y } = regression(8);
  await assert.rejects(
    silentTrainer()
      .handleEvent("epochCompleted", () => "stop" as never)
      .run([[x, y]]),
    /handler #0 on epochCompleted returned "stop"; a handler must return "continue" \(or nothing\), "haltEpoch" or "haltLoop"/,
  );
  await assert.rejects(
    silentTrainer()
      .handleEvent("started", () => ({ status: "continue" }) as never)
      .run([[x, y]]),
    /handler #0 on started returned \{"status":"continue"\}/,
  );
  assert.throws(
    () => silentTrainer().handleEvent("epochEnded" as never, () => {}),
    /unknown event "epochEnded"; the events are started, epochStarted/,
  );
  assert.throws(
    () => silentTrainer().handleEvent("started", "log" as never),
    /the handler must be a function/,
  );
  assert.throws(
    () => silentTrainer().handleEvent("started", () => {}, { every: 0 }),
    /every must be an integer ≥ 1/,
  );
  assert.throws(
    () => silentTrainer().handleEvent("started", () => {}, { evry: 2 } as never),
    /unknown filter option "evry"/,
  );
});

test("filters: first, every, once, before, after — in total or per epoch — and functions", async () => {
  const { x, y } = regression(12);
  const fired: Record<string, string[]> = {};
  const record = (key: string) => (s: nn.LoopState<nn.TrainStepState>) => {
    (fired[key] ??= []).push(`${s.epoch}.${s.iteration}`);
  };
  await silentTrainer()
    .handleEvent("iterationCompleted", record("first"), "first")
    .handleEvent("iterationCompleted", record("every4"), { every: 4 })
    .handleEvent("iterationCompleted", record("every2PerEpoch"), { every: 2, per: "epoch" })
    .handleEvent("iterationCompleted", record("once5"), { once: 5 })
    .handleEvent("iterationCompleted", record("before2"), { before: 2 })
    .handleEvent("iterationCompleted", record("after7"), { after: 7 })
    .handleEvent("iterationCompleted", record("fn"), (s) => s.epoch === 1 && s.iteration === 0)
    .handleEvent("epochCompleted", record("epochEvery2"), { every: 2 })
    .run(nn.batches(x, y, { batchSize: 4 }), { epochs: 3 }); // 3 iterations per epoch, 9 in all
  assert.deepEqual(fired, {
    first: ["0.0"],
    every4: ["0.0", "1.1", "2.2"],
    every2PerEpoch: ["0.0", "0.2", "1.0", "1.2", "2.0", "2.2"],
    once5: ["1.2"],
    before2: ["0.0", "0.1"],
    after7: ["2.2"],
    fn: ["1.0"],
    epochEvery2: ["0.3", "2.3"],
  });
});

test("data: arrays, async iterables, endless generators bounded by iterations", async () => {
  const { x, y } = regression(8);
  const byArray = await silentTrainer().run([[x, y]], { epochs: 2 });
  assert.deepEqual(
    byArray.history.map((h) => h.iterations),
    [1, 1],
  );

  async function* stream() {
    for (const b of nn.batches(x, y, { batchSize: 2 })) {
      await Promise.resolve();
      yield b;
    }
  }
  const byAsync = await silentTrainer().run({ [Symbol.asyncIterator]: stream }, { epochs: 2 });
  assert.deepEqual(
    byAsync.history.map((h) => h.iterations),
    [4, 4],
  );

  function* endless() {
    for (;;) yield [x, y] as const;
  }
  const byGenerator = await silentTrainer().run(
    { [Symbol.iterator]: endless },
    { epochs: 3, iterations: 5 },
  );
  assert.deepEqual(
    byGenerator.history.map((h) => h.iterations),
    [5, 5, 5],
  );
  const byRepeat = await silentTrainer().run(nn.repeat([x, y]), { epochs: 2, iterations: 7 });
  assert.deepEqual(
    byRepeat.history.map((h) => h.iterations),
    [7, 7],
  );
  // The same batches through repeat and through the generator train the same weights.
  const byRepeat3 = await silentTrainer().run(nn.repeat([x, y]), { epochs: 3, iterations: 5 });
  assert.deepEqual(weights(byRepeat3.modelState), weights(byGenerator.modelState));
});

test("data errors: empty data, a one-shot generator, repeat without iterations, not iterable, bad batches", async () => {
  const { x, y } = regression(8);
  await assert.rejects(
    silentTrainer().run([], { epochs: 1 }),
    /trainer.run: the data gave no batches \(an empty dataset/,
  );
  function* once() {
    yield [x, y] as const;
  }
  await assert.rejects(
    silentTrainer().run(once(), { epochs: 2 }),
    /epoch 1 got no batches: the data can only be read once/,
  );
  await assert.rejects(
    silentTrainer().run(nn.repeat([x, y]), { epochs: 1 }),
    /the data never ends \(repeat\(\.\.\.\)\); pass \{ iterations \}/,
  );
  await assert.rejects(
    silentTrainer().run(42 as never),
    /data must be an iterable or async iterable of batches/,
  );
  await assert.rejects(
    silentTrainer().run([x] as never),
    /batch 0: each batch must be \[x, y\] \(inputs and targets\), got a tensor f32\[8\]\[3\]/,
  );
  await assert.rejects(
    silentTrainer().run([[x, y]], { epochs: -1 }),
    /epochs must be a non-negative integer, got -1/,
  );
  await assert.rejects(
    silentTrainer().run([[x, y]], { epocs: 2 } as never),
    /the initial state must be a ModelState/,
  );
  await assert.rejects(
    silentTrainer().run([[x, y]], {}, { epocs: 2 } as never),
    /unknown option "epocs"; use epochs, iterations/,
  );
});

test("a wrong input shape names the input and both shapes, at the first batch and later", async () => {
  const { x, y } = regression(8);
  const wide = nx.ones([8, 4]);
  await assert.rejects(
    silentTrainer().run([[wide, y]]),
    /trainer.run: batch 0: .*input "x" expects shape \[null, 3\], got \[8, 4\]/,
  );
  await assert.rejects(
    silentTrainer().run([
      [x, y],
      [wide, y],
    ]),
    /trainer.run: epoch 0, batch 1: .*input "x" expects shape \[null, 3\], got \[8, 4\]/,
  );
  await assert.rejects(
    nn
      .evaluator(mlp(), { log: 0 })
      .run([[wide, y]], (await silentTrainer().run([[x, y]])).modelState),
    /evaluator.run: batch 0: .*expects shape \[null, 3\], got \[8, 4\]/,
  );
});

test("unknown loss and optimizer names are clear errors; weighted losses need matching outputs", () => {
  assert.throws(
    () => nn.trainer(mlp(), "meanSquareError", "adam"),
    /unknown loss "meanSquareError"; did you mean "meanSquaredError"\?/,
  );
  assert.throws(
    () => nn.trainer(mlp(), "mean_squared_error", "adamm"),
    /unknown optimizer "adamm"; did you mean "adam"\?/,
  );
  assert.throws(() => nn.trainer(mlp(), 42 as never, "adam"), /the loss must be a name .* got 42/);
  assert.throws(
    () => nn.trainer("model" as never, "meanSquaredError", "adam"),
    /trainer: expected a model/,
  );
  assert.throws(
    () => nn.trainer(mlp(), "meanSquaredError", "adam", { log: -1 }),
    /log must be a non-negative integer/,
  );
  assert.throws(
    () => silentTrainer().metric("accuracyy"),
    /unknown metric "accuracyy"; did you mean "accuracy"\?/,
  );
  assert.throws(
    () => silentTrainer().metric("accuracy").metric("accuracy"),
    /already has a metric named "accuracy"/,
  );
});

test("weighted losses for a model with two outputs", async () => {
  const { x, y } = regression(16);
  const base = nn.input("x", [null, 3]).dense(8, { activation: "relu" });
  const model = nn.container([base.dense(1), base.dense(1)]);
  const result = await nn
    .trainer(
      model as never,
      [
        ["meanSquaredError", 0.5],
        ["meanAbsoluteError", 2],
      ],
      "adam",
      { log: 0 },
    )
    .run(nn.repeat([x, [y, y]]), { epochs: 2, iterations: 20 });
  assert.ok(result.history[1]!.loss < result.history[0]!.loss);
  await assert.rejects(
    nn.trainer(model as never, [["meanSquaredError", 0.5]], "adam", { log: 0 }).run([[x, [y, y]]]),
    /1 weighted losses need a model with 1 outputs/,
  );
});

test("a custom loss must return a scalar", async () => {
  const { x, y } = regression(8);
  const perSample = (a: nx.Tensor, b: nx.Tensor) =>
    nn.losses.meanSquaredError(a, b, { reduction: "none" });
  await assert.rejects(
    silentTrainer(mlp(), perSample).run([[x, y]]),
    /the loss returned f32\[8\]; it must be a scalar/,
  );
});

test("a NaN loss halts training with a clear message and never overwrites a good checkpoint", async () => {
  const { x, y } = regression(8);
  const dir = tmpDir();
  const file = path.join(dir, "latest.ckpt");
  const bad = nx.tensor([[Number.NaN], ...Array(7).fill([0])]);
  // Epochs 0 and 1 see good data and are checkpointed; epoch 2's batch has a NaN target.
  const data = { forEpoch: (e: number) => [[x, e < 2 ? y : nx.add(y, bad)]] };
  const result = await nn
    .trainer(mlp(), "meanSquaredError", "adam", { log: 0 })
    .checkpoint({ path: file })
    .run(data as never, { epochs: 4 });
  assert.equal(result.state.status, "halted");
  assert.match(
    result.state.haltReason!,
    /the loss became NaN at epoch 2, batch 0; training halted/,
  );
  // The result holds the last finite state, the one the checkpoint holds too.
  const ckpt = await nn.loadCheckpoint(file);
  assert.equal(ckpt.epoch, 2);
  assert.deepEqual(weights(ckpt.modelState!), weights(result.modelState));
  for (const w of Object.values(weights(result.modelState))) assert.ok(w.every(Number.isFinite));
  assert.deepEqual(fs.readdirSync(dir), ["latest.ckpt"], "no temporary file left behind");
});

test("the loop reuses the memory of the state a step replaces, never of state handlers were given", async () => {
  // Kernels of 16·64 and 64·32 floats: large enough to live in the Wasm memory.
  const model = nn.input("x", [null, 16]).dense(64, { activation: "relu" }).dense(32).dense(1);
  const x = nx.random.normal(nx.random.key(3), [40, 16]);
  const y = nx.sum(x, { axes: [1], keepAxes: true });
  const bad = nx.concatenate([nx.full([1, 1], Number.NaN), nx.zeros([39, 1])]);
  const data = {
    forEpoch: (e: number) => nn.batches(x, e < 3 ? y : nx.add(y, bad), { batchSize: 4 }),
  };
  const addresses = new Set<number>();
  const kept: { state: nn.ModelState; copy: Record<string, number[]>; opt: nx.Tensor[] }[] = [];
  const values = (ts: nx.Tensor[]) => ts.map((t) => [...t.data()]);
  const optCopies: number[][][] = [];
  const result = await nn
    .trainer(model, "meanSquaredError", "adam", { log: 0 })
    .handleEvent("iterationCompleted", (s) => {
      // The loop's own leaves (not handed out): the 64×32 kernel's and its Adam moments' blocks.
      for (const t of s._leaves) if (t.size === 64 * 32) addresses.add(t._data!.byteOffset);
    })
    .handleEvent("epochCompleted", (s) => {
      const step = s.stepState as nn.TrainStepState;
      const opt = nx.flattenTree(step.optimizerState as never).leaves;
      kept.push({ state: step.modelState, copy: weights(step.modelState), opt });
      optCopies.push(values(opt));
    })
    .run(data as never, { epochs: 5 });
  // Each of the 30 steps made new arrays of that size (150 in all, 5 per step); they sat in two
  // blocks per array taking turns, plus those a handler kept at the end of each epoch.
  assert.ok(addresses.size <= 5 * 2 + 5 * 3, `${addresses.size} blocks`);
  // What handlers were given still holds what it held; a NaN step still leaves the state before it.
  assert.equal(result.state.status, "halted");
  assert.equal(kept.length, 3);
  kept.forEach((k, i) => {
    assert.deepEqual(weights(k.state), k.copy);
    assert.deepEqual(values(k.opt), optCopies[i]);
  });
  assert.deepEqual(weights(result.modelState), kept[2]!.copy);
});

test("resuming from a checkpoint gives bit-identical weights to an uninterrupted run", async () => {
  const { x, y } = regression(20);
  const dir = tmpDir();
  const file = path.join(dir, "run.ckpt");
  const data = () => nn.batches(x, y, { batchSize: 3, shuffle: true, seed: 11 }); // 7 batches, the last of 2
  const make = () =>
    nn
      .trainer(mlp(), "meanSquaredError", nn.optimizers.adam({ learningRate: 0.01 }), {
        log: 0,
        seed: 5,
      })
      .metric("meanAbsoluteError")
      .handleEvent("epochCompleted", (s) => {
        s.handlerMetadata.seen = [...(s.handlerMetadata.seen ?? []), s.epoch];
      });
  const full = await make().run(data(), { epochs: 4 });

  // The same run, checkpointed every 5 iterations, "crashes" at epoch 2, batch 3 (iteration 17).
  const crashed = await make()
    .checkpoint({ path: file, event: "iterationCompleted", filter: { every: 5 } })
    .handleEvent("iterationCompleted", (s) => (s.totalIterations === 17 ? "haltLoop" : "continue"))
    .run(data(), { epochs: 4 });
  assert.equal(crashed.state.status, "halted");
  assert.notDeepEqual(weights(crashed.modelState), weights(full.modelState));
  const ckpt = await nn.loadCheckpoint(file);
  // Written after iteration 15 (0-based, 7 per epoch) = epoch 2, batch 1: resumes at batch 2.
  assert.deepEqual([ckpt.epoch, ckpt.iteration], [2, 2]);
  assert.deepEqual(ckpt.handlerMetadata, { seen: [0, 1] });

  // A fresh process would do just this: build the trainer again and run from the checkpoint.
  const resumed = await make().run(data(), ckpt, { epochs: 4 });
  assert.deepEqual(weights(resumed.modelState), weights(full.modelState));
  assert.deepEqual(
    resumed.history.map((h) => [h.epoch, h.loss, h.mean_absolute_error]),
    full.history.map((h) => [h.epoch, h.loss, h.mean_absolute_error]),
  );
  assert.deepEqual(resumed.state.handlerMetadata, { seen: [0, 1, 2, 3] });
  assert.equal(resumed.state.totalIterations, full.state.totalIterations);

  // Resuming in memory from a halted run's state works the same way.
  const halted = await make()
    .handleEvent("iterationCompleted", (s) => (s.totalIterations === 9 ? "haltLoop" : "continue"))
    .run(data(), { epochs: 4 });
  const again = await make().run(data(), halted.state, { epochs: 4 });
  assert.deepEqual(weights(again.modelState), weights(full.modelState));

  // An epoch-end checkpoint resumes at the next epoch.
  await make().checkpoint({ path: file }).run(data(), { epochs: 2 });
  const atEpoch = await nn.loadCheckpoint(file);
  assert.deepEqual([atEpoch.epoch, atEpoch.iteration], [2, 0]);
  const fromEpoch = await make().run(data(), atEpoch, { epochs: 4 });
  assert.deepEqual(weights(fromEpoch.modelState), weights(full.modelState));
});

test("checkpoint errors: a missing metric for criteria, a model file that is no checkpoint", async () => {
  const { x, y } = regression(8);
  const dir = tmpDir();
  await assert.rejects(
    silentTrainer()
      .checkpoint({ path: path.join(dir, "c.ckpt"), criteria: "validation_loss" })
      .run([[x, y]]),
    /checkpoint: no metric "validation_loss" to monitor; the metrics are loss \(add loop.validate\(data\) before this handler\)/,
  );
  const model = mlp();
  const { modelState } = await silentTrainer(model).run([[x, y]]);
  await nn.save(path.join(dir, "model.safetensors"), model, modelState);
  await assert.rejects(
    nn.loadCheckpoint(path.join(dir, "model.safetensors")),
    /is not a loop checkpoint/,
  );
  // With criteria, only improvements are written: a score of 3, 1, 2 over three epochs is
  // saved after epochs 0 and 1, not after epoch 2.
  const best = path.join(dir, "best.ckpt");
  const scores = [3, 1, 2];
  await silentTrainer()
    .handleEvent("epochCompleted", (s) => {
      s.metrics.score = scores[s.epoch]!;
    })
    .checkpoint({ path: best, criteria: "score" })
    .run(nn.batches(x, y, { batchSize: 2 }), { epochs: 3 });
  const saved = await nn.loadCheckpoint(best);
  assert.equal(saved.epoch, 2, "the checkpoint of epoch 1 (resuming at epoch 2)");
  assert.deepEqual(saved.handlerMetadata, { checkpoint: { score: 1 } });
  assert.deepEqual(
    saved.history.map((h) => h.score),
    [3, 1],
  );
});

test("validate adds validation_* metrics; earlyStop halts; reduceLrOnPlateau lowers the learning rate", async () => {
  const { x, y } = regression(24);
  const xVal = nx.slice(x, [16, 0], [8, 3]);
  const yVal = nx.slice(y, [16, 0], [8, 1]);
  const model = mlp();
  const result = await nn
    .trainer(model, "meanSquaredError", "adam", { log: 0 })
    .metric("meanAbsoluteError")
    .validate(model, [[xVal, yVal]])
    .run(nn.batches(x, y, { batchSize: 8 }), { epochs: 3 });
  const last = result.history[2]!;
  assert.deepEqual(
    Object.keys(last)
      .filter((k) => k.startsWith("validation_"))
      .sort(),
    ["validation_loss", "validation_mean_absolute_error"],
  );
  // validation_loss is the loss of the model after epoch 2 on the validation rows.
  const pred = nn.predict(model, result.modelState, xVal);
  const direct = nn.losses.meanSquaredError(yVal, pred).toNumber();
  assert.ok(
    Math.abs(direct - last.validation_loss!) < 1e-5,
    `${direct} vs ${last.validation_loss}`,
  );

  // earlyStop on a metric that never improves (a loss pinned by a learning rate of 0).
  const frozenLr = nn.optimizers.sgd({ learningRate: 0 });
  const stopped = await nn
    .trainer(mlp(), "meanSquaredError", frozenLr, { log: 0 })
    .validate([[xVal, yVal]])
    .earlyStop("validation_loss", { patience: 2 })
    .run([[x, y]], { epochs: 10 });
  assert.equal(stopped.state.status, "halted");
  assert.equal(stopped.history.length, 3, "epoch 0 sets the best, epochs 1 and 2 do not improve");
  assert.match(
    stopped.state.haltReason!,
    /earlyStop: validation_loss did not improve for 2 epochs/,
  );

  const scales: number[] = [];
  await nn
    .trainer(mlp(), "meanSquaredError", nn.optimizers.sgd({ learningRate: 0.1 }), { log: 0 })
    .handleEvent("epochCompleted", (s) => {
      s.metrics.pinned = 1; // a metric that never improves
    })
    .reduceLrOnPlateau("pinned", { patience: 1, factor: 0.5 })
    .handleEvent("epochCompleted", (s) => {
      // sgd is chain(scaleByLearningRate): its state is [{ scale: −learningRate }].
      scales.push((s.stepState.optimizerState as [{ scale: nx.Tensor }])[0].scale.toNumber());
    })
    .run([[x, y]], { epochs: 4 });
  assert.deepEqual(
    scales.map((v) => Math.fround(v)),
    [-0.1, -0.05, -0.025, -0.0125].map(Math.fround),
  );
  assert.throws(
    () => silentTrainer().reduceLrOnPlateau("loss", { factor: 2 }),
    /factor must be between 0 and 1/,
  );
  await assert.rejects(
    nn
      .trainer(
        mlp(),
        "meanSquaredError",
        nn.optimizers.adam({ learningRate: nn.schedules.constant(1e-3) }),
        { log: 0 },
      )
      .reduceLrOnPlateau("loss")
      .run([[x, y]]),
    /reduceLrOnPlateau: the optimizer keeps no learning rate in its state/,
  );
});

test("plot pushes points to anything with push(); it must have one", async () => {
  const { x, y } = regression(8);
  const chart = {
    points: [] as Record<string, number>[],
    push(p: Record<string, number>) {
      this.points.push(p);
    },
  };
  await silentTrainer()
    .metric("meanAbsoluteError")
    .plot(chart, "mean_absolute_error")
    .run(nn.batches(x, y, { batchSize: 4 }), { epochs: 2 });
  assert.deepEqual(
    chart.points.map((p) => [p.step, p.epoch]),
    [
      [1, 0],
      [2, 0],
      [3, 1],
      [4, 1],
    ],
  );
  assert.ok(chart.points.every((p) => Number.isFinite(p.mean_absolute_error)));
  assert.throws(
    () => silentTrainer().plot({} as never),
    /plot: expected something with a push\(point\) method/,
  );
});

test("outputTransform can be replaced, as the first post does", async () => {
  const { x, y } = regression(8);
  const loop = silentTrainer().handleEvent("epochCompleted", (s) => {
    s.handlerMetadata.losses = [...(s.handlerMetadata.losses ?? []), s.stepState.loss.toNumber()];
  });
  const custom = loop as unknown as nn.Loop<
    nn.TrainStepState,
    { trainedState: nn.ModelState; metadata: Record<string, any> }
  >;
  custom.outputTransform = (state) => ({
    trainedState: state.stepState.modelState,
    metadata: state.handlerMetadata,
  });
  const out = await custom.run([[x, y]], { epochs: 3 });
  assert.ok(out.trainedState instanceof nn.ModelState);
  assert.equal(out.metadata.losses.length, 3);
});

test("frozen parameters stay as they were; handlers may replace the model state", async () => {
  const { x, y } = regression(8);
  const model = mlp();
  const start = (await silentTrainer(model).run([[x, y]], { epochs: 1 })).modelState.freeze([
    "dense_0",
  ]);
  const { modelState } = await silentTrainer(model).run([[x, y]], start, { epochs: 3 });
  assert.deepEqual(weights(modelState)["dense_0.kernel"], weights(start)["dense_0.kernel"]);
  assert.notDeepEqual(weights(modelState)["dense_1.kernel"], weights(start)["dense_1.kernel"]);
  assert.deepEqual([...modelState.frozen].sort(), ["dense_0.bias", "dense_0.kernel"]);

  // A handler resets the model at the start of epoch 1: the run ends as a one-epoch run would.
  const initial = nn.build(model, { seed: 0 }).init(nx.template([1, 3], "f32"));
  const reset = await silentTrainer(model)
    .handleEvent("epochStarted", (s) => {
      if (s.epoch === 1) s.stepState.modelState = initial;
    })
    .run([[x, y]], { epochs: 2 });
  const once = await silentTrainer(model).run([[x, y]], { epochs: 1 });
  const twice = await silentTrainer(model).run([[x, y]], { epochs: 2 });
  assert.notDeepEqual(weights(reset.modelState), weights(twice.modelState));
  assert.notDeepEqual(
    weights(reset.modelState),
    weights(once.modelState),
    "the optimizer state moved on",
  );
  assert.notDeepEqual(weights(reset.modelState), weights(initial));
});

test("a loop over any step function (Axon's Axon.Loop.loop), with metrics", async () => {
  // Running mean and maximum of a stream of numbers.
  const data = [1, 5, 3, 7].map((v) => [nx.tensor([v]), nx.tensor([v])] as const);
  const result = await nn
    .loop(
      (
        [xb]: readonly [nx.Tensor, nx.Tensor],
        s: { max: nx.Tensor; yTrue: nx.Tensor; yPred: nx.Tensor },
      ) => ({
        max: nx.maximum(s.max, nx.reduceMax(xb)),
        yTrue: xb,
        yPred: nx.multiply(xb, 2),
      }),
      () => ({ max: nx.tensor(-Infinity), yTrue: nx.zeros([1]), yPred: nx.zeros([1]) }),
    )
    .metric((yTrue: nx.Tensor) => nx.sum(yTrue), "total", "runningSum")
    .metric((yTrue: nx.Tensor, yPred: nx.Tensor) => nx.mean(nx.subtract(yPred, yTrue)), "mean_gap")
    .run(data, { epochs: 2 });
  assert.equal(result.state.stepState.max.toNumber(), 7);
  assert.deepEqual(
    result.history.map((h) => [h.total, h.mean_gap]),
    [
      [16, 4],
      [16, 4],
    ],
  );
  assert.throws(() => nn.loop("step" as never), /loop: step must be a function/);
  assert.throws(
    () => nn.loop((b: unknown) => b).metric((a: nx.Tensor) => a),
    /give a name for a custom metric function/,
  );
});

test("console: Axon's line once per epoch off a terminal; redrawn with a progress bar on one; log 0 is silent", async () => {
  const { x, y } = regression(16);
  const pipe = {
    text: "",
    write(s: string) {
      this.text += s;
    },
  };
  await nn
    .trainer(mlp(), "meanSquaredError", "adam", { logTo: pipe })
    .metric("meanAbsoluteError")
    .run(nn.batches(x, y, { batchSize: 4 }), { epochs: 2 });
  assert.match(
    pipe.text,
    /^Epoch: 0, Batch: 3, loss: \d+\.\d{7} mean_absolute_error: \d+\.\d{7}\nEpoch: 1, Batch: 3, loss: \d+\.\d{7} mean_absolute_error: \d+\.\d{7}\n$/,
  );

  const tty = {
    text: "",
    isTTY: true,
    columns: 200,
    write(s: string) {
      this.text += s;
    },
  };
  await nn
    .trainer(mlp(), "meanSquaredError", "adam", { logTo: tty, log: 1 })
    .run(nn.batches(x, y, { batchSize: 4 }), { epochs: 1 });
  // Each redraw clears the line (carriage return, ESC [2K) and writes the line with a bar.
  const shown = tty.text.replaceAll("\r\u001b[2K", "<clear>");
  assert.match(
    shown,
    /^<clear>Epoch: 0, Batch: 0, loss: \d+\.\d{7} \[=====>\s{14}\] 1\/4 [\d.k]+ it\/s ETA \d+s/,
  );
  assert.match(shown, /<clear>Epoch: 0, Batch: 3, loss: \d+\.\d{7}\n$/);

  const quiet = {
    text: "",
    write(s: string) {
      this.text += s;
    },
  };
  await nn.trainer(mlp(), "meanSquaredError", "adam", { logTo: quiet, log: 0 }).run([[x, y]]);
  await nn
    .evaluator(mlp(), { logTo: quiet, log: 0 })
    .run([[x, y]], (await silentTrainer().run([[x, y]])).modelState);
  assert.equal(quiet.text, "");
});

test("in Deno (whose Jupyter kernel shows only console output) the trainer's lines go to console.log", async () => {
  const { x, y } = regression(16);
  const g = globalThis as { Deno?: unknown };
  const logged: unknown[][] = [];
  const original = console.log;
  g.Deno = {};
  console.log = (...args: unknown[]) => void logged.push(args);
  try {
    await nn
      .trainer(mlp(), "meanSquaredError", "adam")
      .run(nn.batches(x, y, { batchSize: 4 }), { epochs: 2 });
  } finally {
    console.log = original;
    delete g.Deno;
  }
  assert.equal(logged.length, 2);
  assert.match(String(logged[0]), /^Epoch: 0, Batch: 3, loss: \d+\.\d{7}$/);
  assert.match(String(logged[1]), /^Epoch: 1, Batch: 3, loss: \d+\.\d{7}$/);
});

test("in Deno's Jupyter kernel the progress line is one output per epoch, updated in place", async () => {
  const { x, y } = regression(16);
  const g = globalThis as { Deno?: unknown };
  const sent: { msgType: string; id: string; text: string }[] = [];
  g.Deno = {
    jupyter: {
      broadcast: (
        msgType: string,
        content: { data: { "text/plain": string }; transient: { display_id: string } },
      ) =>
        void sent.push({
          msgType,
          id: content.transient.display_id,
          text: content.data["text/plain"],
        }),
    },
  };
  try {
    await nn
      .trainer(mlp(), "meanSquaredError", "adam", { log: 1 })
      .run(nn.batches(x, y, { batchSize: 4 }), { epochs: 2 });
  } finally {
    delete g.Deno;
  }
  const ids = [...new Set(sent.map((m) => m.id))];
  assert.equal(ids.length, 2, "one output per epoch");
  for (const [epoch, id] of ids.entries()) {
    const mine = sent.filter((m) => m.id === id);
    assert.deepEqual(
      mine.map((m) => m.msgType),
      ["display_data", ...mine.slice(1).map(() => "update_display_data")],
    );
    assert.match(mine[0]!.text, new RegExp(`^Epoch: ${epoch}, Batch: 0, loss: \\d+\\.\\d{7} \\[`));
    assert.match(mine.at(-1)!.text, new RegExp(`^Epoch: ${epoch}, Batch: 3, loss: \\d+\\.\\d{7}$`));
  }
});

test("in tslab the progress line is redrawn with carriage returns (a notebook's stream collapses them)", async () => {
  const { x, y } = regression(16);
  const g = globalThis as { __tslab__?: unknown };
  let text = "";
  const write = process.stdout.write;
  g.__tslab__ = {};
  process.stdout.write = ((chunk: string) => ((text += chunk), true)) as typeof write;
  try {
    await nn
      .trainer(mlp(), "meanSquaredError", "adam", { log: 1 })
      .run(nn.batches(x, y, { batchSize: 4 }), { epochs: 1 });
  } finally {
    process.stdout.write = write;
    delete g.__tslab__;
  }
  assert.ok(!text.includes("\u001b"), "no terminal escape codes");
  assert.match(text, /^\rEpoch: 0, Batch: 0, loss: \d+\.\d{7} \[/);
  assert.match(text, /\rEpoch: 0, Batch: 3, loss: \d+\.\d{7}\n$/);
});

test("loop.log writes a message of the state on an event", async () => {
  const { x, y } = regression(8);
  const out = {
    text: "",
    write(s: string) {
      this.text += s;
    },
  };
  await silentTrainer()
    .log((s) => `epoch ${s.epoch} done\n`, { event: "epochCompleted", writer: out })
    .log(undefined, { filter: { every: 2 }, writer: out })
    .run(nn.batches(x, y, { batchSize: 4 }), { epochs: 2 });
  assert.match(
    out.text,
    /^Epoch: 0, Batch: 0, loss: \d+\.\d{7}\nepoch 0 done\nEpoch: 1, Batch: 0, loss: \d+\.\d{7}\nepoch 1 done\n$/,
  );
});

test('batches: sizes, remainder, leftover "discard", seeded shuffles that change every epoch', () => {
  const x = nx.iota([10, 2]);
  const y = nx.iota([10]);
  const sizes = (d: Iterable<readonly [nx.Tensor, nx.Tensor]>) =>
    [...d].map(([a, b]) => [a.shape[0], b.shape[0]]);
  assert.deepEqual(sizes(nn.batches(x, y, { batchSize: 4 })), [
    [4, 4],
    [4, 4],
    [2, 2],
  ]);
  assert.deepEqual(sizes(nn.batches(x, y, { batchSize: 4, leftover: "discard" })), [
    [4, 4],
    [4, 4],
  ]);
  assert.equal(nn.batches(x, y, { batchSize: 4 }).length, 3);
  assert.equal(nn.batches(x, y, { batchSize: 4, leftover: "discard" }).length, 2);
  const rowsOf = (d: Iterable<readonly [nx.Tensor, nx.Tensor]>) =>
    [...d].flatMap(([, b]) => b.toArray() as number[]);
  assert.deepEqual(rowsOf(nn.batches(x, y, { batchSize: 3 })), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const shuffled = nn.batches(x, y, { batchSize: 3, shuffle: true, seed: 1 });
  const e0 = rowsOf(shuffled.forEpoch(0));
  const e1 = rowsOf(shuffled.forEpoch(1));
  assert.deepEqual(
    [...e0].sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.notDeepEqual(e0, e1);
  assert.deepEqual(
    rowsOf(nn.batches(x, y, { batchSize: 3, shuffle: true, seed: 1 })),
    e0,
    "iterating again = the next epoch: first pass is epoch 0",
  );
  assert.deepEqual(rowsOf(shuffled), e0);
  assert.deepEqual(rowsOf(shuffled), e1);
  // x rows follow y rows.
  for (const [a, b] of shuffled.forEpoch(3))
    assert.deepEqual(
      (a.toArray() as number[][]).map((r) => r[0]! / 2),
      b.toArray(),
    );
  assert.throws(
    () => nn.batches(x, nx.iota([9]), { batchSize: 2 }),
    /batches: x has 10 rows \(s32\[10\]\[2\]\) but y has 9 \(s32\[9\]\)/,
  );
  assert.throws(
    () => nn.batches(x, y, { batchSize: 0 }),
    /batchSize must be a positive integer, got 0/,
  );
});
