import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import type * as nx from "@dendrite/tensor";
import {
  batches,
  datasets,
  pl,
  toTensor,
  type BatchOptions,
  type BatchInput,
} from "@dendrite/data";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dendrite-data-batches-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

async function collect(
  source: BatchInput,
  options: BatchOptions,
): Promise<[nx.Tensor, nx.Tensor][]> {
  const out: [nx.Tensor, nx.Tensor][] = [];
  for await (const pair of batches(source, options)) out.push(pair);
  return out;
}

/** A frame whose row i has id = i in every feature, so rows can be recognised in any order. */
function numbered(n: number): pl.DataFrame {
  const id = Float64Array.from({ length: n }, (_, i) => i);
  return pl.DataFrame({ id, twice: id.map((v) => 2 * v), label: id.map((v) => v % 3) });
}

describe("batches", () => {
  it("yields [x, y] in order, the last batch smaller", async () => {
    const iris = datasets.iris();
    const got = await collect(iris, { features: FEATURES, target: "species", batchSize: 64 });
    assert.deepEqual(
      got.map(([x, y]) => [x.shape, y.shape, x.dtype, y.dtype]),
      [
        [[64, 4], [64], "f32", "u32"],
        [[64, 4], [64], "f32", "u32"],
        [[22, 4], [22], "f32", "u32"],
      ],
    );
    assert.deepEqual(got[1]![0].toArray(), toTensor(iris.slice(64, 64), FEATURES).toArray());
    assert.deepEqual(Array.from(got[2]![1].data()), Array(22).fill(2));
  });

  it("drops the leftover when asked; windows do not change the batches", async () => {
    const df = numbered(1000);
    const opts = { features: ["id"], target: "label", batchSize: 64 } as const;
    const a = await collect(df, { ...opts, leftover: "discard" });
    assert.equal(a.length, 15);
    const b = await collect(df, { ...opts, leftover: "discard", windowRows: 100 });
    assert.deepEqual(
      b.map(([x]) => x.toArray()),
      a.map(([x]) => x.toArray()),
    );
  });

  it("shuffles every row exactly once, the same way for the same seed", async () => {
    const df = numbered(1000);
    const opts: BatchOptions = {
      features: ["id", "twice"],
      target: "label",
      batchSize: 100,
      shuffle: true,
      seed: 7,
    };
    const first = await collect(df, opts);
    const ids = first.flatMap(([x]) => (x.toArray() as number[][]).map((r) => r[0]!));
    assert.deepEqual(
      [...ids].sort((p, q) => p - q),
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.notDeepEqual(
      ids.slice(0, 20),
      Array.from({ length: 20 }, (_, i) => i),
    );
    // x and y stay paired.
    for (const [x, y] of first) {
      (x.toArray() as number[][]).forEach((r, i) => {
        assert.equal(r[1], 2 * r[0]!);
        assert.equal(y.toArray()[i], r[0]! % 3);
      });
    }
    const again = await collect(df, opts);
    assert.deepEqual(
      again.map(([x]) => x.toArray()),
      first.map(([x]) => x.toArray()),
    );
    const other = await collect(df, { ...opts, seed: 8 });
    assert.notDeepEqual(other[0]![0].toArray(), first[0]![0].toArray());
  });

  it("reads a lazy scan and a CSV path window by window, with the same rows as the frame", async () => {
    const df = numbered(500);
    const file = path.join(dir, "numbered.csv");
    df.writeCSV(file);
    const opts = {
      features: ["id", "twice"],
      target: ["label"],
      batchSize: 64,
      windowRows: 128,
    } as const;
    const eager = await collect(df, opts);
    const lazy = await collect(pl.scanCSV(file), opts);
    const csv = await collect(file, opts);
    for (const got of [lazy, csv]) {
      assert.deepEqual(
        got.map(([x]) => x.toArray()),
        eager.map(([x]) => x.toArray()),
      );
      assert.deepEqual(got[0]![1].shape, [64, 1]);
    }
    // Shuffled lazily: windows in a random order, rows permuted within each window.
    const shuffled = await collect(file, { ...opts, shuffle: true, seed: 1 });
    const ids = shuffled.flatMap(([x]) => (x.toArray() as number[][]).map((r) => r[0]!));
    assert.deepEqual(
      [...ids].sort((p, q) => p - q),
      Array.from({ length: 500 }, (_, i) => i),
    );
    assert.notDeepEqual(
      ids.slice(0, 20),
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  it("keeps category codes the same in every window of a lazy source", async () => {
    const file = path.join(dir, "animals.csv");
    const names = ["zebra", "ant", "moose"];
    fs.writeFileSync(
      file,
      "w,animal\n" +
        Array.from({ length: 90 }, (_, i) => `${i},${names[Math.floor(i / 30)]}`).join("\n") +
        "\n",
    );
    const lf = pl.scanCSV(file).withColumns(pl.col("animal").cast(pl.Categorical));
    const got = await collect(lf, {
      features: ["w"],
      target: "animal",
      batchSize: 30,
      windowRows: 30,
    });
    // Sorted categories: ant 0, moose 1, zebra 2 — although each window holds only one of them.
    assert.deepEqual(
      got.map(([, y]) => y.data()[0]),
      [2, 0, 1],
    );
    const given = await collect(file, {
      features: ["w"],
      target: "animal",
      batchSize: 90,
      categories: { animal: names },
    });
    assert.deepEqual(Array.from(new Set(given[0]![1].data())), [0, 1, 2]);
  });

  it("passes CSV options and fills or refuses nulls", async () => {
    const file = path.join(dir, "holes.csv");
    fs.writeFileSync(file, "a,b,y\n1,?,0\n2,5,1\n3,?,0\n");
    const opts = {
      features: ["a", "b"],
      target: "y",
      batchSize: 8,
      csv: { nullValues: "?" },
    } as const;
    await assert.rejects(collect(file, opts), /column "b" has 2 null values \(of 3\)/);
    const [[x]] = (await collect(file, { ...opts, fillNull: 0 })) as [[nx.Tensor, nx.Tensor]];
    assert.deepEqual(x.toArray(), [
      [1, 0],
      [2, 5],
      [3, 0],
    ]);
  });

  it("explains bad options and sources", async () => {
    const iris = datasets.iris();
    await assert.rejects(
      collect(iris, { features: ["sepal_length", "nope"], target: "species" }),
      /no column "nope" in the DataFrame/,
    );
    await assert.rejects(
      collect(iris, { features: FEATURES, target: "species", shuffle: true }),
      /shuffle needs an integer `seed`/,
    );
    await assert.rejects(
      collect(iris, { features: FEATURES, target: "species", batchSize: 0 }),
      /batchSize must be a positive integer, got 0/,
    );
    await assert.rejects(collect(iris, { features: [], target: "species" }), /at least one column/);
    const strings = datasets.iris({ categorical: false });
    await assert.rejects(
      collect(strings, { features: FEATURES, target: "species" }),
      /column "species" holds strings; cast it to a category/,
    );
    await assert.rejects(
      collect(path.join(dir, "none.csv"), { features: ["a"], target: "b" }),
      /scanCsv: cannot read/,
    );
    await assert.rejects(
      collect(42 as unknown as string, { features: ["a"], target: "b" }),
      /expected a DataFrame, a LazyDataFrame or the path/,
    );
  });
});
