/**
 * Inputs that programs keep reading move into the WebAssembly memory (src/placement.ts): the
 * second time a program with Wasm kernels reads a large f32 tensor held in an ordinary array, the
 * tensor's elements move into a result block, so later calls read them in place instead of
 * copying them in. A tensor read once, a small one, another dtype and the js backend's inputs
 * stay where they are; the values never change. Tensors over one array (reshapes) share its block.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { isOutputBlock } from "../src/wasm/outputs.js";
import { simdSupported } from "../src/wasm/features.js";

const wasm = { skip: !simdSupported() && "no WebAssembly SIMD here" };
const ramp = (n: number, dtype: "f32" | "f64" = "f32") => {
  const values = Array.from({ length: n }, (_, i) => (i % 97) - 48);
  return nx.fromBuffer(
    dtype === "f32" ? new Float32Array(values) : new Float64Array(values),
    dtype,
    [n],
  );
};
const moved = (t: nx.Tensor) => isOutputBlock(t._data!);

describe("inputs that programs keep reading", () => {
  it("move into the Wasm memory on their second read, eagerly and under jit", wasm, () => {
    const x = ramp(4096);
    const expected = x.data().map((v) => v * 2);
    nx.multiply(x, 2);
    assert.ok(!moved(x), "read once: stays in its ordinary array");
    const y = nx.multiply(x, 2);
    assert.ok(moved(x), "read twice: moved");
    assert.deepEqual(Array.from(x.data()), Array.from(ramp(4096).data()));
    assert.deepEqual(Array.from(y.data()), Array.from(expected));
    const f = nx.jit((a: nx.Tensor, b: nx.Tensor) => nx.add(a, b));
    const w = ramp(8192);
    f(w, w);
    f(w, w);
    assert.ok(moved(w));
    assert.deepEqual(
      Array.from(f(w, w).data()),
      Array.from(
        ramp(8192)
          .data()
          .map((v) => 2 * v),
      ),
    );
  });

  it("reads through reshapes count: matrix products move their operands' arrays", wasm, () => {
    // nx.dot reads a and b through reshaped views (new tensors over the same arrays).
    const a = nx.reshape(ramp(256 * 256), [256, 256]);
    const b = nx.fromBuffer(new Float32Array(a.data().reverse()), "f32", [256, 256]);
    const first = nx.dot(a, b).data();
    assert.ok(!moved(a) && !moved(b));
    assert.deepEqual(nx.dot(a, b).data(), first);
    // Read twice: the next program reading the arrays, through any tensor over them, reads blocks.
    const flat = nx.reshape(a, [256 * 256]);
    nx.add(flat, 0);
    assert.ok(moved(flat));
    assert.deepEqual(nx.dot(a, b).data(), first);
    assert.ok(moved(a) === false, "a itself switches when a program reads it directly");
    nx.add(a, 0);
    assert.ok(moved(a) && a._data === flat._data, "one block for every tensor over the array");
  });

  it("small tensors, other dtypes and the js backend's inputs stay put", wasm, () => {
    const small = ramp(64);
    const f64 = ramp(4096, "f64");
    const js = ramp(4096);
    const add = nx.jit((t: nx.Tensor) => nx.add(t, 1), { backend: "js" });
    for (let i = 0; i < 3; i++) {
      nx.add(small, 1);
      nx.add(f64, 1);
      add(js);
    }
    assert.ok(!moved(small) && !moved(f64) && !moved(js));
  });

  it("a moved tensor disposes like a result and its block stays for the others", wasm, () => {
    const x = ramp(4096);
    const y = nx.reshape(x, [64, 64]);
    nx.add(x, 1);
    nx.add(x, 1);
    nx.add(y, 1);
    assert.ok(moved(x) && moved(y) && x._data === y._data);
    assert.equal(nx.dispose(x), 1);
    assert.throws(() => nx.add(x, 1), /disposed/);
    // y shares the block (pinned: given back when collected, not on dispose).
    assert.deepEqual(Array.from(nx.add(y, 0).data()), Array.from(ramp(4096).data()));
    assert.notEqual(nx.add(ramp(4096), 0)._data!.byteOffset, y._data!.byteOffset);
  });
});
