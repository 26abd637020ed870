// `nn.fit`, Keras' one-call training, as a Keras user calls it: it runs on the same trainer (the
// same weights as a hand-built trainer), holds out validation rows as Keras does, stops early and
// restores the best weights, reports a halt at the top of its result, and says what is wrong.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

/** y = x·w + 0.5 with 3 features. */
function regression(rows = 40) {
  const x = nx.random.normal(nx.random.key(7), [rows, 3]);
  const y = nx.add(nx.dot(x, nx.tensor([[1.5], [-2], [0.5]])), 0.5);
  return { x, y };
}

const mlp = () => nn.input("x", [null, 3]).dense(8, { activation: "relu" }).dense(1);

function weights(ms: nn.ModelState): number[] {
  return Object.values(ms.parameters).flatMap((ts) =>
    Object.values(ts).flatMap((t) => [...t.data()]),
  );
}

test("fit trains, keeps a history per epoch and is the trainer's path (same weights)", async () => {
  const { x, y } = regression();
  const model = mlp();
  const fitted = await nn.fit(model, x, y, {
    loss: "meanSquaredError",
    optimizer: nn.optimizers.adam({ learningRate: 0.01 }),
    epochs: 5,
    batchSize: 8,
    seed: 3,
    log: 0,
  });
  assert.equal(fitted.status, "completed");
  assert.equal(fitted.haltReason, undefined);
  assert.equal(fitted.history.length, 5);
  assert.ok(fitted.history[4]!.loss! < fitted.history[0]!.loss!);

  const byHand = await nn
    .trainer(model, "meanSquaredError", nn.optimizers.adam({ learningRate: 0.01 }), {
      log: 0,
      seed: 3,
    })
    .run(nn.batches(x, y, { batchSize: 8, shuffle: true, seed: 3 }), { epochs: 5 });
  assert.deepEqual(weights(fitted.modelState), weights(byHand.modelState));
});

test("validationSplit holds out the last rows, as Keras does", async () => {
  const { x, y } = regression();
  const common = { loss: "meanSquaredError", epochs: 3, batchSize: 8, metrics: ["mae"], log: 0 };
  const split = await nn.fit(mlp(), x, y, { ...common, validationSplit: 0.25 });
  const given = await nn.fit(mlp(), nx.sliceAlong(x, 0, 30), nx.sliceAlong(y, 0, 30), {
    ...common,
    validationData: [nx.sliceAlong(x, 30, 10), nx.sliceAlong(y, 30, 10)],
  });
  assert.ok("validation_loss" in split.history[0]!);
  assert.ok("validation_mean_absolute_error" in split.history[0]!);
  assert.deepEqual(
    split.history.map(({ timeMs: _, ...r }) => r),
    given.history.map(({ timeMs: _, ...r }) => r),
  );
});

test("earlyStop stops on val_loss and restores the best epoch's weights", async () => {
  const { x, y } = regression();
  // Validation targets of the opposite sign: the validation loss gets worse as training goes on.
  const yVal = nx.negate(y);
  const seen: number[][] = [];
  const result = await nn.fit(mlp(), x, y, {
    loss: "mse",
    optimizer: nn.optimizers.adam({ learningRate: 0.05 }),
    epochs: 30,
    batchSize: 8,
    validationData: [x, yVal],
    log: 0,
    callbacks: {
      earlyStop: { monitor: "val_loss", patience: 2, restoreBestWeights: true },
      on: { epochCompleted: (s) => void seen.push(weights(s.stepState.modelState)) },
    },
  });
  assert.equal(result.status, "halted");
  assert.ok(result.history.length < 30);
  const losses = result.history.map((r) => r.validation_loss!);
  const best = losses.indexOf(Math.min(...losses));
  assert.match(result.haltReason!, new RegExp(`restored the model state of epoch ${best}`));
  assert.deepEqual(weights(result.modelState), seen[best]);
  assert.notDeepEqual(weights(result.modelState), seen.at(-1));
});

test("a diverging loss halts, says so at the top of the result and once on stderr with log 0", async () => {
  const { x, y } = regression();
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof write;
  let result;
  try {
    result = await nn.fit(mlp(), x, nx.multiply(y, 1e30), {
      loss: "mse",
      optimizer: nn.optimizers.sgd({ learningRate: 1e10 }),
      epochs: 3,
      log: 0,
    });
  } finally {
    process.stderr.write = write;
  }
  assert.equal(result.status, "halted");
  assert.match(result.haltReason!, /the loss became (NaN|Infinity)/);
  assert.equal(written.filter((w) => w.includes("the loss became")).length, 1);
});

test("fit's errors say what to do", async () => {
  const { x, y } = regression();
  await assert.rejects(
    nn.fit(mlp(), x, y, {} as nn.FitOptions),
    /fit: give the loss, e.g. nn.fit\(model, x, y, \{ loss: "mse" \}\)/,
  );
  await assert.rejects(
    nn.fit(mlp(), { columns: ["a"] } as unknown as nx.Tensor, y, { loss: "mse" }),
    /fit: x must be a tensor, got .*data\.toTensor/,
  );
  await assert.rejects(
    nn.fit(mlp(), x, nx.sliceAlong(y, 0, 5), { loss: "mse" }),
    /fit: x f32\[40\]\[3\] and y f32\[5\]\[1\] must have the same number of rows/,
  );
  await assert.rejects(
    nn.fit(mlp(), x, y, { loss: "mse", validationSplit: 0.2, validationData: [x, y] }),
    /give validationSplit or validationData, not both/,
  );
  await assert.rejects(
    nn.fit(mlp(), x, y, { loss: "mse", validationSplit: 1.5 }),
    /validationSplit must be a fraction between 0 and 1, got 1.5/,
  );
  await assert.rejects(
    nn.fit(mlp(), x, y, { loss: "mse", epochs: 0 }),
    /epochs must be a positive integer, got 0/,
  );
});
