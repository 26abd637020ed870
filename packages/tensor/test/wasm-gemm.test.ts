import { after, describe, it } from "node:test";
import assert from "node:assert/strict";

import { matmul as jsMatmul } from "../src/kernels/matmul.js";
import { relaxedSimdSupported, simdSupported } from "../src/wasm/features.js";
import {
  DEFAULT_GEMM_OPTIONS,
  PACK_A,
  PACK_B,
  PREPACKED_B,
  TRANS_A,
  TRANS_B,
  gemmModuleBytes,
  gemmWorkspaceBytes,
  packedBBytes,
  type GemmExport,
  type PackBExport,
  type GemmOptions,
} from "../src/wasm/gemm.js";
import { setRelaxedSimd } from "../src/wasm/instance.js";
import { allocateF32 } from "../src/wasm/memory.js";
import { wasmMatmul } from "../src/wasm/runtime.js";
import { setThreads } from "../src/wasm/threads.js";
import { webAssembly } from "../src/wasm/webassembly.js";
import { assertClose, describeShape, randomF32, shapes, type Shape } from "./wasm-helpers.js";

const AWKWARD: [number, number, number][] = [
  [1, 1, 1],
  [3, 17, 5],
  [17, 3, 129],
  [129, 17, 3],
  [1, 257, 17],
  [257, 1, 3],
  [33, 65, 257],
];

/** A generated module instantiated over a memory of its own, with a tiny bump allocator. */
class Harness {
  readonly gemm: GemmExport;
  readonly packB: PackBExport;
  private readonly heap: Float32Array;
  private top = 64;

  constructor(readonly options: GemmOptions) {
    const wasm = webAssembly!;
    const memory = new wasm.Memory({ initial: 256, maximum: 256, shared: true });
    const module = new wasm.Module(gemmModuleBytes(options, 256));
    const exports = new wasm.Instance(module, { env: { memory } }).exports;
    this.gemm = exports.gemm as GemmExport;
    this.packB = exports.packB as PackBExport;
    this.heap = new Float32Array(memory.buffer);
  }

  /** Copies `x` (or zeros) into the memory and returns its byte address. */
  put(x: Float32Array | number): number {
    const length = typeof x === "number" ? x : x.length;
    const at = this.top;
    this.top += Math.ceil((4 * length + 64) / 64) * 64;
    if (typeof x === "number") this.heap.fill(Number.NaN, at / 4, at / 4 + length);
    else this.heap.set(x, at / 4);
    return at;
  }

  get(at: number, length: number): Float32Array {
    return this.heap.slice(at / 4, at / 4 + length);
  }

  /**
   * C = op(A)·op(B) on `shape` with extra `flags`; the output is pre-filled with NaN. With
   * `packSplit`, B is first packed whole by `packB` in column ranges cut at that many columns,
   * and `gemm` reads it prepacked.
   */
  run(a: Float32Array, b: Float32Array, s: Shape, flags: number, packSplit?: number): Float32Array {
    this.top = 64;
    const { batch, m, n, k } = s;
    const pa = this.put(a);
    let pb = this.put(b);
    const pc = this.put(batch * m * n);
    const work = this.put(gemmWorkspaceBytes(this.options, n) / 4);
    let f = flags | (s.transA ? TRANS_A : 0) | (s.transB ? TRANS_B : 0);
    const lda = (s.transA ? m : k) * 4;
    let ldb = (s.transB ? k : n) * 4;
    let strideB = k * n * 4;
    if (packSplit !== undefined) {
      const packedBytes = packedBBytes(this.options, n, k);
      const packed = this.put((batch * packedBytes) / 4);
      const bFlags = s.transB ? TRANS_B : 0;
      for (let j0 = 0; j0 < n; j0 += packSplit) {
        this.packB(batch, pb, ldb, strideB, k, n, bFlags, packed, j0, Math.min(n, j0 + packSplit));
      }
      pb = packed;
      ldb = 0;
      strideB = packedBytes;
      f |= PREPACKED_B;
    }
    const [sa, sc] = [m * k * 4, m * n * 4];
    this.gemm(batch, m, n, k, pa, lda, sa, pb, ldb, strideB, pc, n * 4, sc, f, work);
    return this.get(pc, batch * m * n);
  }
}

const variants: [string, boolean][] = [["mul + add", false]];
if (relaxedSimdSupported()) variants.push(["relaxed_madd", true]);

describe("wasm gemm module", { skip: !simdSupported() && "no WebAssembly SIMD here" }, () => {
  for (const [name, relaxed] of variants) {
    it(`${name}: awkward sizes, all transposes, batch 1 and 3, packed and in place`, () => {
      const h = new Harness({ ...DEFAULT_GEMM_OPTIONS, relaxed });
      let seed = 1;
      for (const s of shapes(AWKWARD, [1, 3])) {
        const a = randomF32(s.batch * s.m * s.k, seed++);
        const b = randomF32(s.batch * s.k * s.n, seed++);
        for (const flags of [0, PACK_A | PACK_B]) {
          assertClose(h.run(a, b, s, flags), a, b, s, `${name} ${describeShape(s)} flags=${flags}`);
        }
      }
    });

    it(`${name}: tiny blocks cross every panel, chunk and block boundary`, () => {
      // KC 7, MC 8, NC 16: many chunks of k, blocks of rows and panels of columns, all cut short.
      const h = new Harness({ ...DEFAULT_GEMM_OPTIONS, relaxed, kc: 7, mc: 8, nc: 16 });
      let seed = 100;
      for (const s of shapes(
        [
          [19, 37, 30],
          [9, 17, 15],
        ],
        [2],
      )) {
        const a = randomF32(s.batch * s.m * s.k, seed++);
        const b = randomF32(s.batch * s.k * s.n, seed++);
        for (const flags of [0, PACK_A | PACK_B]) {
          assertClose(h.run(a, b, s, flags), a, b, s, `${name} small blocks ${describeShape(s)}`);
        }
      }
    });
  }

  it("B packed whole beforehand (in column ranges) gives the same bits as B packed per panel", () => {
    // KC 7 and NC 16 put several chunks and panels into the packed B.
    for (const options of [DEFAULT_GEMM_OPTIONS, { ...DEFAULT_GEMM_OPTIONS, kc: 7, nc: 16 }]) {
      const h = new Harness({ ...options, relaxed: relaxedSimdSupported() });
      let seed = 200;
      for (const s of shapes(
        [
          [19, 37, 30],
          [5, 3, 300],
        ],
        [1, 2],
      )) {
        const a = randomF32(s.batch * s.m * s.k, seed++);
        const b = randomF32(s.batch * s.k * s.n, seed++);
        const plain = h.run(a, b, s, PACK_B);
        assertClose(plain, a, b, s, `plain ${describeShape(s)}`);
        for (const split of [8, 16, 1000]) {
          assert.deepEqual(h.run(a, b, s, 0, split), plain, `${describeShape(s)} split ${split}`);
        }
      }
    }
  });

  it("every element is computed alike: row and column slices and packing are bit-identical", () => {
    const h = new Harness({ ...DEFAULT_GEMM_OPTIONS, relaxed: relaxedSimdSupported() });
    const s: Shape = { batch: 1, m: 37, n: 45, k: 600, transA: true, transB: false };
    const a = randomF32(s.m * s.k, 7);
    const b = randomF32(s.k * s.n, 8);
    const whole = h.run(a, b, s, 0);
    assert.deepEqual(h.run(a, b, s, PACK_A | PACK_B), whole, "packed vs in place");
    // Rows 13.. of op(A) are columns 13.. of Aᵀ: a k × (m - 13) matrix cut from Aᵀ.
    const rows = 13;
    const tail = new Float32Array(s.k * (s.m - rows));
    for (let p = 0; p < s.k; p++)
      tail.set(a.subarray(p * s.m + rows, (p + 1) * s.m), p * (s.m - rows));
    const part = h.run(tail, b, { ...s, m: s.m - rows }, 0);
    assert.deepEqual(part, whole.subarray(rows * s.n), "rows 13.. alone");
  });
});

describe("wasm matmul runtime", { skip: !simdSupported() && "no WebAssembly SIMD here" }, () => {
  after(() => {
    setRelaxedSimd("auto");
    setThreads(1);
  });
  setThreads(1);

  for (const mode of ["off", "on"] as const) {
    it(`relaxed SIMD ${mode}: agrees with the JS kernel within f32 rounding`, (t) => {
      if (mode === "on" && !relaxedSimdSupported()) return t.skip("no relaxed SIMD here");
      setRelaxedSimd(mode);
      let seed = 300;
      for (const s of shapes([...AWKWARD, [64, 48, 40]], [1, 2])) {
        const a = randomF32(s.batch * s.m * s.k, seed++);
        const b = randomF32(s.batch * s.k * s.n, seed++);
        const out = new Float32Array(s.batch * s.m * s.n).fill(Number.NaN);
        assert.ok(wasmMatmul(out, a, b, s.batch, s.m, s.n, s.k, s.transA, s.transB));
        assertClose(out, a, b, s, `relaxed ${mode} ${describeShape(s)}`);
        const js = new Float32Array(out.length);
        jsMatmul(js, a, b, s.batch, s.m, s.n, s.k, s.transA, s.transB);
        for (let i = 0; i < js.length; i++) {
          assert.ok(Math.abs(js[i] - out[i]) <= (s.k + 4) * 2 ** -24 * s.k, describeShape(s));
        }
      }
      setRelaxedSimd("auto");
    });
  }

  it("k = 0 gives zeros and the output is fully overwritten", () => {
    const out = new Float32Array(6).fill(Number.NaN);
    assert.ok(wasmMatmul(out, new Float32Array(0), new Float32Array(0), 1, 2, 3, 0, false, false));
    assert.deepEqual([...out], [0, 0, 0, 0, 0, 0]);
  });

  it("operands longer than needed, and arrays living in the Wasm memory, are used as given", () => {
    const s: Shape = { batch: 2, m: 17, n: 9, k: 33, transA: false, transB: true };
    const a = randomF32(s.batch * s.m * s.k, 11);
    const b = randomF32(s.batch * s.k * s.n, 12);
    const expected = new Float32Array(s.batch * s.m * s.n);
    wasmMatmul(expected, a, b, s.batch, s.m, s.n, s.k, s.transA, s.transB);

    const longA = new Float32Array(a.length + 5).fill(99);
    longA.set(a);
    const longOut = new Float32Array(expected.length + 3).fill(-1);
    wasmMatmul(longOut, longA, b, s.batch, s.m, s.n, s.k, s.transA, s.transB);
    assert.deepEqual(longOut.subarray(0, expected.length), expected);
    assert.deepEqual([...longOut.subarray(expected.length)], [-1, -1, -1]);

    const heapA = allocateF32(a.length);
    const heapB = allocateF32(b.length);
    const heapOut = allocateF32(expected.length).fill(Number.NaN);
    heapA.set(a);
    heapB.set(b);
    wasmMatmul(heapOut, heapA, heapB, s.batch, s.m, s.n, s.k, s.transA, s.transB);
    assert.deepEqual(heapOut, expected);
    // A larger product afterwards grows the memory; the old views still see their data.
    const big = 300;
    const x = randomF32(big * big, 13);
    const y = new Float32Array(big * big);
    wasmMatmul(y, x, x, 1, big, big, big, false, false);
    assert.deepEqual(heapA, a);
    assert.deepEqual(heapOut, expected);
  });

  it("allocateF32 rejects bad lengths", () => {
    assert.throws(() => allocateF32(-1), /allocateF32: length must be a non-negative integer/);
    assert.throws(() => allocateF32(1.5), RangeError);
  });

  it("setRelaxedSimd rejects unknown modes", () => {
    assert.throws(() => setRelaxedSimd("yes" as never), /setRelaxedSimd: mode must be/);
  });
});
