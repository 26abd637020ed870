// One batching protocol: nn's loops take nn.batches, nn.repeat and data.batches (a DataFrame or a
// CSV file) alike; each epoch of a shuffled source has its own order, and an epoch's order depends
// only on the seed and the epoch (what a resumed run relies on).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import * as data from "@dendrite/data";

const features = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
const iris = data.datasets.iris();

/** The first feature of every row of an epoch, in the order the epoch gives them. */
async function firstColumn(source: nx.BatchSource<readonly [nx.Tensor, nx.Tensor]>, epoch: number) {
  const out: number[] = [];
  for await (const [x] of source.forEpoch(epoch) as AsyncIterable<readonly [nx.Tensor, nx.Tensor]>)
    out.push(...(x.toArray() as number[][]).map((r) => r[0]!));
  return out;
}

test("data.batches and nn.batches implement the protocol: own order per epoch, same order per epoch", async () => {
  const frame = data.batches(iris, {
    features,
    target: "species",
    batchSize: 32,
    shuffle: true,
    seed: 5,
  });
  const [x, y] = [data.toTensor(iris, features), data.toTensor(iris, "species")];
  const tensors = nn.batches(x, y, { batchSize: 32, shuffle: true, seed: 5 });
  for (const source of [frame, tensors]) {
    assert.ok(nx.isBatchSource(source));
    const e0 = await firstColumn(source, 0);
    assert.equal(e0.length, 150);
    assert.deepEqual(await firstColumn(source, 0), e0);
    assert.notDeepEqual(await firstColumn(source, 1), e0);
    assert.deepEqual([...e0].sort(), [...(x.toArray() as number[][]).map((r) => r[0]!)].sort());
  }
});

test("a trainer runs over nn.batches, nn.repeat and data.batches from a DataFrame and a CSV file", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "batching-"));
  try {
    const csv = path.join(dir, "iris.csv");
    iris.writeCSV(csv);
    const model = nn.input("x", [null, 4]).dense(3, { activation: "softmax" });
    const loss = (y: nx.Tensor, p: nx.Tensor) =>
      nn.losses.categoricalCrossEntropy(nx.oneHot(y, 3), p);
    const x = data.toTensor(iris, features);
    const y = data.toTensor(iris, "species");
    const species = [...new Set(iris.getColumn("species").cast(data.pl.String).toArray())].sort();
    const sources: [string, unknown, number][] = [
      ["nn.batches", nn.batches(x, y, { batchSize: 50, shuffle: true }), 3],
      ["nn.repeat", nn.repeat([x, y]), 2],
      [
        "data.batches(frame)",
        data.batches(iris, { features, target: "species", batchSize: 50 }),
        3,
      ],
      [
        "data.batches(csv)",
        data.batches(csv, { features, target: "species", batchSize: 50, categories: { species } }),
        3,
      ],
    ];
    for (const [name, source, iterations] of sources) {
      const trainer = nn.trainer(model, loss, nn.optimizers.adam({ learningRate: 0.05 }), {
        log: 0,
      });
      const run = await trainer.run(source as nn.LoopData<never>, {
        epochs: 3,
        ...(name === "nn.repeat" && { iterations: 2 }),
      });
      assert.equal(run.history.length, 3, name);
      assert.deepEqual(
        run.history.map((h) => h.iterations),
        [iterations, iterations, iterations],
        name,
      );
      assert.ok(run.history[2]!.loss < run.history[0]!.loss, `${name}: the loss falls`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
