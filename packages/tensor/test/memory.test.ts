// Users need not dispose tensors: memory must stay flat across long loops of eager ops and jitted
// calls, and results kept in the Wasm memory stay within its limit.
import { test } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import * as nx from "../src/index.js";
import { wasmMemory } from "../src/wasm/memory.js";
import { OUTPUT_LIMIT_BYTES } from "../src/wasm/outputs.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

function used(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const MB = 1024 * 1024;

test("100k eager ops keep memory flat", () => {
  let x = nx.ones([64]);
  const y = nx.full([64], 0.5);
  const run = (n: number) => {
    for (let i = 0; i < n; i++) x = nx.multiply(nx.add(x, y), 0.5);
  };
  run(2_000); // warm the compiled-kernel cache
  const before = used();
  run(100_000);
  const after = used();
  assert.ok(after - before < 4 * MB, `memory grew by ${((after - before) / MB).toFixed(1)} MB`);
  // (x + 0.5) / 2 converges to the fixed point 0.5.
  assert.ok(Math.abs(x.toArray()[0] - 0.5) < 1e-6);
});

test("10k jitted calls keep memory flat", () => {
  const step = nx.jit((w: nx.Tensor, x: nx.Tensor) => {
    const [loss, g] = nx.valueAndGrad((v: nx.Tensor) => nx.mean(nx.tanh(nx.dot(x, v))))(w);
    return { w: nx.subtract(w, nx.multiply(g, 0.1)), loss };
  });
  let w = nx.random.normal(nx.random.key(0), [16, 4]);
  const x = nx.random.normal(nx.random.key(1), [8, 16]);
  const run = (n: number) => {
    for (let i = 0; i < n; i++) w = step(w, x).w;
  };
  run(200);
  const before = used();
  run(10_000);
  const after = used();
  assert.ok(after - before < 4 * MB, `memory grew by ${((after - before) / MB).toFixed(1)} MB`);
});

test("large results in the Wasm memory: one block each when disposed, bounded when not", () => {
  const bytes = () => wasmMemory().buffer.byteLength;
  const big = nx.full([65536], 1); // 256 KiB results
  let x = nx.add(big, 0);
  // Disposed as it is replaced: each result takes the block its predecessor gave back.
  const addresses = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const next = nx.add(x, big);
    nx.dispose(x);
    x = next;
    addresses.add(x._data!.byteOffset);
  }
  assert.equal(x.data()[0], 2001);
  assert.ok(addresses.size <= 2, `${addresses.size} blocks`);
  // Never disposed and never collected (a synchronous loop runs no finalizers): past the limit,
  // results go to ordinary arrays instead of growing the memory further.
  for (let i = 0; i < 2000; i++) x = nx.add(x, big);
  assert.equal(x.data()[0], 4001);
  assert.ok(bytes() <= OUTPUT_LIMIT_BYTES + 64 * MB, `${bytes() / MB} MiB`);
});
