import { describe, it } from "node:test";
import assert from "node:assert/strict";

// The JavaScript kernel (f64 sums, rounded once); the Wasm GEMM has its own tests (wasm-*.test.ts).
import { matmulJs as matmul, type MatmulArray } from "../src/kernels/matmul.js";

type ArrayConstructor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Uint8ArrayConstructor;

/** Tiny deterministic linear congruential generator: uniform floats in [0, 1). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Random floats in [-1, 1), or small integers in [0, 10) for integer arrays. */
function randomArray(Ctor: ArrayConstructor, length: number, seed: number): MatmulArray {
  const next = lcg(seed);
  const x = new Ctor(length);
  const isFloat = Ctor === Float32Array || Ctor === Float64Array;
  for (let i = 0; i < length; i++) x[i] = isFloat ? 2 * next() - 1 : Math.floor(10 * next());
  return x;
}

/** Reference: naive triple loop in doubles, returned unrounded. */
function naiveMatmul(
  a: MatmulArray,
  b: MatmulArray,
  batch: number,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): Float64Array {
  const out = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = transA ? a[t * m * k + p * m + i] : a[t * m * k + i * k + p];
          const bv = transB ? b[t * k * n + j * k + p] : b[t * k * n + p * n + j];
          s += av * bv;
        }
        out[t * m * n + i * n + j] = s;
      }
    }
  }
  return out;
}

/** Sum of |a_ip · b_pj| over p: the scale that rounding errors of out[i, j] are relative to. */
function absoluteScale(
  a: MatmulArray,
  b: MatmulArray,
  batch: number,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): Float64Array {
  const abs = (x: MatmulArray) => Float64Array.from(x, Math.abs);
  return naiveMatmul(abs(a), abs(b), batch, m, n, k, transA, transB);
}

interface Case {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

const TRANS_COMBOS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

function checkCase(Ctor: ArrayConstructor, c: Case, seed: number): void {
  const { batch, m, n, k, transA, transB } = c;
  const a = randomArray(Ctor, batch * m * k, seed);
  const b = randomArray(Ctor, batch * k * n, seed + 1);
  // Pre-fill the output with garbage: it must be overwritten, never accumulated into.
  const out = new Ctor(batch * m * n).fill(7);
  matmul(out, a, b, batch, m, n, k, transA, transB);
  const expected = naiveMatmul(a, b, batch, m, n, k, transA, transB);
  const label = `${Ctor.name} batch=${batch} m=${m} n=${n} k=${k} transA=${transA} transB=${transB}`;
  if (Ctor === Float32Array || Ctor === Float64Array) {
    const scale = absoluteScale(a, b, batch, m, n, k, transA, transB);
    // f32: inputs are exact in doubles, so the only error is the final rounding (plus the
    // different summation order, which is at the 1e-16 level).
    const tolerance = Ctor === Float32Array ? 2 ** -23 : 1e-13;
    for (let i = 0; i < expected.length; i++) {
      const error = Math.abs(out[i] - expected[i]);
      if (!(error <= tolerance * scale[i] + 1e-300)) {
        assert.fail(`${label}: out[${i}] = ${out[i]}, expected ${expected[i]}`);
      }
    }
  } else {
    // Small integers keep the sums exact; storing into the array wraps them like the kernel must.
    assert.deepEqual(Array.from(out), Array.from(Ctor.from(expected)), label);
  }
}

/** Every trans combination for each (m, n, k) and batch size. */
function* cases(shapes: [number, number, number][], batches: number[]): Generator<Case> {
  for (const [m, n, k] of shapes) {
    for (const batch of batches) {
      for (const [transA, transB] of TRANS_COMBOS) yield { batch, m, n, k, transA, transB };
    }
  }
}

const SMALL_SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 32],
  [1, 32, 8],
  [1, 8, 1],
  [7, 32, 1],
  [1, 7, 32],
  [32, 8, 1],
  [3, 5, 7],
  [7, 3, 17],
  [17, 33, 7],
  [4, 3, 2],
  [8, 8, 8],
];

// Large enough for the blocked path, with sizes that are not multiples of any tile or block size.
const BLOCKED_SHAPES: [number, number, number][] = [
  [32, 32, 32],
  [33, 65, 17],
  [65, 33, 130],
  [130, 17, 65],
  [17, 130, 33],
  [64, 256, 48],
  [70, 260, 40],
  [9, 300, 20],
  [300, 9, 20],
  [129, 257, 31],
];

describe("matmul kernel", () => {
  for (const Ctor of [Float32Array, Float64Array]) {
    it(`${Ctor.name}: small shapes, all trans combos, several batch sizes`, () => {
      let seed = 1;
      for (const c of cases(SMALL_SHAPES, [1, 2, 5])) checkCase(Ctor, c, seed++);
    });

    it(`${Ctor.name}: blocked shapes, all trans combos`, () => {
      let seed = 100;
      for (const c of cases(BLOCKED_SHAPES, [1, 3])) checkCase(Ctor, c, seed++);
    });

    it(`${Ctor.name}: k longer than one packed chunk`, () => {
      let seed = 200;
      const shapes: [number, number, number][] = [
        [20, 18, 2100],
        [70, 10, 1030],
      ];
      for (const c of cases(shapes, [1, 2])) checkCase(Ctor, c, seed++);
    });
  }

  it("Int32Array: small and blocked-size shapes, all trans combos", () => {
    let seed = 300;
    for (const c of cases([...SMALL_SHAPES, [33, 65, 17], [65, 33, 130]], [1, 2])) {
      checkCase(Int32Array, c, seed++);
    }
  });

  it("Uint32Array and Uint8Array: small shapes", () => {
    let seed = 400;
    for (const c of cases(
      [
        [3, 5, 7],
        [1, 7, 32],
        [17, 9, 4],
      ],
      [1, 2],
    )) {
      checkCase(Uint32Array, c, seed++);
      checkCase(Uint8Array, c, seed++);
    }
  });

  it("integer products wrap modulo 2^32 like Int32 arithmetic", () => {
    const a = Int32Array.of(0x40000000, 3);
    const b = Int32Array.of(4, -5);
    const out = new Int32Array(1);
    matmul(out, a, b, 1, 1, 1, 2, false, false);
    assert.equal(out[0], (Math.imul(0x40000000, 4) - 15) | 0);
  });

  it("mixed array types are accumulated in doubles", () => {
    const combos: [ArrayConstructor, ArrayConstructor, ArrayConstructor][] = [
      [Float64Array, Float32Array, Float64Array],
      [Float32Array, Float64Array, Float32Array],
      [Float64Array, Int32Array, Int32Array],
      [Float64Array, Float32Array, Uint8Array],
      [Int32Array, Float64Array, Float64Array],
    ];
    let seed = 600;
    for (const [OutCtor, ACtor, BCtor] of combos) {
      for (const [m, n, k] of [
        [3, 5, 7],
        [40, 33, 20],
      ]) {
        for (const [transA, transB] of TRANS_COMBOS) {
          const a = randomArray(ACtor, m * k, seed++);
          const b = randomArray(BCtor, k * n, seed++);
          const out = new OutCtor(m * n);
          matmul(out, a, b, 1, m, n, k, transA, transB);
          const expected = OutCtor.from(naiveMatmul(a, b, 1, m, n, k, transA, transB));
          const label = `${OutCtor.name} = ${ACtor.name} · ${BCtor.name} ${m}x${n}x${k}`;
          for (let i = 0; i < expected.length; i++) {
            assert.ok(Math.abs(out[i] - expected[i]) <= 1e-6 * (1 + Math.abs(expected[i])), label);
          }
        }
      }
    }
  });

  it("k = 0 fills the output with zeros", () => {
    for (const Ctor of [Float32Array, Float64Array, Int32Array]) {
      for (const [m, n] of [
        [1, 1],
        [3, 5],
        [40, 50],
      ]) {
        const out = new Ctor(2 * m * n).fill(9);
        matmul(out, new Ctor(0), new Ctor(0), 2, m, n, 0, false, false);
        assert.ok(
          out.every((x) => x === 0),
          `${Ctor.name} ${m}x${n}`,
        );
      }
    }
  });

  it("empty outputs (m, n or batch = 0) are a no-op", () => {
    const a = new Float32Array(12).fill(1);
    const b = new Float32Array(12).fill(1);
    for (const [batch, m, n, k] of [
      [0, 3, 4, 3],
      [1, 0, 4, 3],
      [1, 3, 0, 3],
    ]) {
      const out = new Float32Array(12).fill(5);
      matmul(out, a, b, batch, m, n, k, false, false);
      assert.ok(out.every((x) => x === 5));
    }
  });

  it("only the first batch·m·n output elements are written", () => {
    const a = randomArray(Float64Array, 40 * 40, 9);
    const b = randomArray(Float64Array, 40 * 40, 10);
    const out = new Float64Array(40 * 40 + 3).fill(5);
    matmul(out, a, b, 1, 40, 40, 40, false, false);
    assert.deepEqual(Array.from(out.subarray(1600)), [5, 5, 5]);
  });

  it("f32 output is the once-rounded double result", () => {
    // Every product is exact in doubles, and the double sum differs from f32 running sums.
    const k = 64;
    const a = new Float32Array(40 * k);
    const b = new Float32Array(k * 40);
    for (let i = 0; i < a.length; i++) a[i] = 1 + (i % 7) * 2 ** -20;
    for (let i = 0; i < b.length; i++) b[i] = 1 - (i % 5) * 2 ** -21;
    const out = new Float32Array(40 * 40);
    matmul(out, a, b, 1, 40, 40, k, false, false);
    const expected = naiveMatmul(a, b, 1, 40, 40, k, false, false);
    assert.deepEqual(Array.from(out), Array.from(Float32Array.from(expected)));
  });

  it("scratch buffers are reused safely across calls of different sizes", () => {
    let seed = 500;
    for (const c of cases(
      [
        [200, 150, 90],
        [40, 40, 40],
        [300, 20, 70],
      ],
      [1],
    )) {
      checkCase(Float64Array, c, seed++);
    }
  });

  it("rejects invalid sizes and short arrays", () => {
    const x = new Float32Array(4);
    assert.throws(() => matmul(x, x, x, 1, 2, 2, -1, false, false), RangeError);
    assert.throws(() => matmul(x, x, x, 1, 2, 2.5, 2, false, false), RangeError);
    assert.throws(() => matmul(x, x, x, 1, 3, 2, 2, false, false), RangeError);
    assert.throws(() => matmul(x, x, x, 2, 2, 2, 2, false, false), RangeError);
  });
});
