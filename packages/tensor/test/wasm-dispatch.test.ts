import { after, describe, it } from "node:test";
import assert from "node:assert/strict";

import { WASM_MIN_WORK, matmul, matmulJs, matmulWasm } from "../src/kernels/matmul.js";
import { kernelForEngine } from "../src/compile/engines.js";
import { simdSupported } from "../src/wasm/features.js";
import { wasmMatmul } from "../src/wasm/runtime.js";
import { getThreads, setThreads } from "../src/wasm/threads.js";
import { assertClose, randomF32, type Shape } from "./wasm-helpers.js";

/** The JS kernel's f32 result: its sums are doubles, so it equals the f64 product rounded once. */
function jsViaF64(a: Float32Array, b: Float32Array, s: Shape): Float32Array {
  const out = new Float64Array(s.batch * s.m * s.n);
  matmul(
    out,
    Float64Array.from(a),
    Float64Array.from(b),
    s.batch,
    s.m,
    s.n,
    s.k,
    s.transA,
    s.transB,
  );
  return Float32Array.from(out);
}

function run(a: Float32Array, b: Float32Array, s: Shape, mm = matmul): Float32Array {
  const out = new Float32Array(s.batch * s.m * s.n).fill(Number.NaN);
  mm(out, a, b, s.batch, s.m, s.n, s.k, s.transA, s.transB);
  return out;
}

describe(
  "matmul kernel: choice of engine",
  { skip: !simdSupported() && "no WebAssembly SIMD here" },
  () => {
    const threads = getThreads();
    setThreads(1);
    after(() => setThreads(threads));

    const large: Shape = { batch: 2, m: 40, n: 36, k: 50, transA: true, transB: false };
    const small: Shape = { batch: 1, m: 1, n: 32, k: 7, transA: false, transB: false };
    assert.ok(large.batch * large.m * large.n * large.k >= WASM_MIN_WORK);
    assert.ok(small.m * small.n * small.k < WASM_MIN_WORK);
    const la = randomF32(large.batch * large.m * large.k, 1);
    const lb = randomF32(large.batch * large.k * large.n, 2);
    const sa = randomF32(small.m * small.k, 3);
    const sb = randomF32(small.k * small.n, 4);

    it("the js and wasm backends call the js and wasm forms; auto calls matmul itself", () => {
      assert.equal(kernelForEngine(matmul, "js"), matmulJs);
      assert.equal(kernelForEngine(matmul, "wasm"), matmulWasm);
      assert.equal(kernelForEngine(matmul, "auto"), matmul);
    });

    it('"js" keeps every f32 product on the JS kernel (f64 sums, rounded once)', () => {
      assert.deepEqual(run(la, lb, large, matmulJs), jsViaF64(la, lb, large));
    });

    it('"auto" sends large f32 products to the Wasm GEMM and keeps small ones on the JS kernel', () => {
      const big = run(la, lb, large);
      const viaWasm = new Float32Array(big.length);
      wasmMatmul(
        viaWasm,
        la,
        lb,
        large.batch,
        large.m,
        large.n,
        large.k,
        large.transA,
        large.transB,
      );
      assert.deepEqual(big, viaWasm);
      assertClose(big, la, lb, large, "auto, large");
      assert.deepEqual(run(sa, sb, small), jsViaF64(sa, sb, small));
    });

    it('"wasm" sends even small f32 products to the Wasm GEMM', () => {
      const out = run(sa, sb, small, matmulWasm);
      const viaWasm = new Float32Array(out.length);
      wasmMatmul(viaWasm, sa, sb, 1, small.m, small.n, small.k, false, false);
      assert.deepEqual(out, viaWasm);
    });

    it("f64, integer and mixed products ignore the engine", () => {
      const a64 = Float64Array.from(la);
      const b64 = Float64Array.from(lb);
      const results = [matmulJs, matmulWasm, matmul].map((mm) => {
        const out = new Float64Array(large.batch * large.m * large.n);
        mm(out, a64, b64, large.batch, large.m, large.n, large.k, large.transA, large.transB);
        const mixed = new Float32Array(out.length);
        mm(mixed, la, b64, large.batch, large.m, large.n, large.k, large.transA, large.transB);
        const ints = new Int32Array(4);
        mm(ints, Int32Array.of(1, 2, 3, 4), Int32Array.of(5, 6, 7, 8), 1, 2, 2, 2, false, false);
        return { out, mixed, ints };
      });
      assert.deepEqual(results[1], results[0]);
      assert.deepEqual(results[2], results[0]);
      assert.deepEqual([...results[0].ints], [19, 22, 43, 50]); // [[1,2],[3,4]]·[[5,6],[7,8]]
    });

    it("keeps the kernel's contract on the Wasm path: k = 0 gives zeros, sizes are checked", () => {
      const out = new Float32Array(6).fill(Number.NaN);
      matmulWasm(out, new Float32Array(0), new Float32Array(0), 1, 2, 3, 0, false, false);
      assert.deepEqual([...out], [0, 0, 0, 0, 0, 0]);
      assert.throws(
        () =>
          matmulWasm(
            new Float32Array(4),
            new Float32Array(3),
            new Float32Array(4),
            1,
            2,
            2,
            2,
            false,
            false,
          ),
        /matmul: arrays too short/,
      );
    });
  },
);
