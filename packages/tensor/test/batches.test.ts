// The batching protocol: epochsOf opens every kind of data a loop accepts, and epochKey gives
// each epoch of a seeded source its own, reproducible key.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nx from "../src/index.js";

async function drain(it: Iterator<unknown> | AsyncIterator<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let r = await it.next(); !r.done; r = await it.next()) out.push(r.value);
  return out;
}

describe("batching protocol", () => {
  it("opens a BatchSource per epoch, with its length and endless flag", async () => {
    const source: nx.BatchSource<number> = { forEpoch: (e) => [e, e + 1], length: 2 };
    assert.ok(nx.isBatchSource(source));
    const epochs = nx.epochsOf<number>(source, "test");
    assert.deepEqual(await drain(epochs.open(0)), [0, 1]);
    assert.deepEqual(await drain(epochs.open(3)), [3, 4]);
    assert.equal(epochs.length, 2);
    assert.equal(epochs.endless, false);
    const endless = nx.epochsOf({ forEpoch: () => [1], endless: true }, "test");
    assert.equal(endless.endless, true);
  });

  it("opens async passes of a BatchSource", async () => {
    const source = {
      forEpoch: (e: number) => ({
        async *[Symbol.asyncIterator]() {
          yield e * 10;
        },
      }),
    };
    assert.deepEqual(await drain(nx.epochsOf(source, "test").open(2)), [20]);
  });

  it("reads arrays and iterables again each epoch, and async iterables", async () => {
    const arrays = nx.epochsOf([1, 2, 3], "test");
    assert.deepEqual(await drain(arrays.open(0)), [1, 2, 3]);
    assert.deepEqual(await drain(arrays.open(1)), [1, 2, 3]);
    assert.equal(arrays.length, 3);
    const stream = {
      async *[Symbol.asyncIterator]() {
        yield "a";
      },
    };
    assert.deepEqual(await drain(nx.epochsOf(stream, "test").open(0)), ["a"]);
  });

  it("refuses anything else, naming the caller and the value", () => {
    for (const bad of [42, "batches", null, { forEpoch: 1 }])
      assert.throws(
        () => nx.epochsOf(bad, "trainer.run"),
        /^TypeError: trainer\.run: data must be an iterable or async iterable of batches/,
      );
    const broken = nx.epochsOf({ forEpoch: () => 7 }, "loop");
    assert.throws(() => broken.open(0), /loop: forEpoch\(0\) returned 7, not batches/);
  });

  it("gives each epoch of a seed its own key, the same every time", () => {
    const k = (seed: number, epoch: number) => nx.epochKey(seed, epoch).toArray();
    assert.deepEqual(k(3, 0), k(3, 0));
    assert.deepEqual(k(3, 5), k(3, 5));
    assert.notDeepEqual(k(3, 0), k(3, 1));
    assert.notDeepEqual(k(3, 1), k(4, 1));
    assert.equal(nx.epochKey(3, 2).dtype, "u32");
  });
});
