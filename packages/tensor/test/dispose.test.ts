/**
 * Results in the WebAssembly memory and `dispose`: large f32 results of programs that may use Wasm
 * kernels are blocks of the shared memory; disposing the last tensor over a block gives it back at
 * once (the next result of its size reuses it), never while another tensor, a batch view or a
 * compiled program still reads it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { isOutputBlock } from "../src/wasm/outputs.js";
import { simdSupported } from "../src/wasm/features.js";

const N = 4096;
const ramp = (offset: number) =>
  nx.fromBuffer(
    Float32Array.from({ length: N }, (_, i) => i + offset),
    "f32",
    [N],
  );
/** A fresh result of N floats from the default ("auto") backend: ramp(offset) + 0. */
const result = (offset: number) => nx.add(ramp(offset), 0);
const address = (t: nx.Tensor) => t._data!.byteOffset;
const wasm = { skip: !simdSupported() && "no WebAssembly SIMD here" };

describe("results in the Wasm memory", () => {
  it(
    "large f32 results are blocks of the shared memory; small ones and the js backend's are not",
    wasm,
    () => {
      assert.ok(isOutputBlock(result(0)._data!));
      assert.ok(result(0)._data!.buffer instanceof SharedArrayBuffer);
      assert.ok(!isOutputBlock(nx.add(nx.ones([8]), 1)._data!));
      const js = nx.jit((x: nx.Tensor) => nx.add(x, 0), { backend: "js" })(ramp(0));
      assert.ok(!isOutputBlock(js._data!));
      // data() is a copy in an ordinary buffer: nothing outside sees the shared memory.
      assert.ok(!(result(0).data().buffer instanceof SharedArrayBuffer));
    },
  );

  it("dispose gives the block back at once: the next result of that size reuses it", wasm, () => {
    const a = result(0);
    const at = address(a);
    // It says how many of the tensors lived in the Wasm memory.
    assert.equal(nx.dispose([a, nx.ones([3])]), 1);
    assert.equal(nx.dispose(a), 0);
    const b = result(7);
    assert.equal(address(b), at);
    assert.equal(b.data()[3], 10);
  });

  it("a disposed tensor throws when read or used, eagerly and in jit", () => {
    const a = result(0);
    nx.dispose({ a: [a] });
    nx.dispose(a); // twice is harmless
    assert.throws(() => a.data(), /data: this tensor was disposed/);
    assert.throws(() => a.toNumber(), /disposed/);
    assert.throws(() => nx.add(a, 1), /add: this tensor was disposed/);
    assert.throws(() => nx.jit((x: nx.Tensor) => nx.add(x, 1))(a), /disposed/);
    assert.equal(a.isTemplate, false);
  });

  it("a reshape keeps the block until it is disposed too", wasm, () => {
    const a = result(0);
    const b = nx.reshape(a, [64, 64]);
    const at = address(a);
    nx.dispose(a);
    const c = result(100);
    assert.notEqual(address(c), at);
    assert.equal(b.toArray()[1][2], 66);
    nx.dispose(b);
    assert.equal(address(result(5)), at);
  });

  it("a program that captured a result keeps it (dispose cannot give it back)", wasm, () => {
    const w = result(1);
    const f = nx.jit((x: nx.Tensor) => nx.multiply(x, w));
    const x = nx.full([N], 2);
    assert.equal(f(x).data()[9], 20);
    nx.dispose(w);
    const other = result(1000); // would take w's block, were it not pinned
    assert.equal(other.data()[9], 1009);
    assert.equal(f(x).data()[9], 20);
  });

  it("batches are views of a result, which disposing it leaves intact", wasm, () => {
    const a = nx.add(nx.reshape(ramp(0), [64, 64]), 0);
    const batches = [...nx.toBatched(a, 16)];
    nx.dispose(a);
    result(500); // would take a's block, were it not pinned
    assert.deepEqual(
      batches.map((t) => t.toArray()[1][0]),
      [64, 1088, 2112, 3136],
    );
  });

  it("traced tensors and templates are left alone", () => {
    const f = nx.jit((x: nx.Tensor) => {
      nx.dispose(x);
      return nx.add(x, 1);
    });
    assert.equal(f(nx.tensor(1)).toNumber(), 2);
    const t = nx.template([2], "f32");
    nx.dispose(t);
    assert.ok(t.isTemplate);
  });
});
