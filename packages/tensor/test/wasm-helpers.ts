// Shared helpers of the wasm-*.test.ts files: random operands, an f64 reference product and the
// f32 error bound.
import assert from "node:assert/strict";

/** Deterministic uniform floats in [-1, 1) (a linear congruential generator). */
export function randomF32(length: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    x[i] = state / 2 ** 31 - 1;
  }
  return x;
}

/** A batched product's shape: `op(A)` is m × k, `op(B)` is k × n, as in kernels/matmul.ts. */
export interface Shape {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

/**
 * The exact product in doubles (f32 inputs multiply exactly in f64; the sums' own rounding is far
 * below f32's) and, beside it, Σ|a·b| per element: the scale f32 rounding errors are relative to.
 */
export function reference(
  a: Float32Array,
  b: Float32Array,
  s: Shape,
): { value: Float64Array; scale: Float64Array } {
  const { batch, m, n, k, transA, transB } = s;
  const value = new Float64Array(batch * m * n);
  const scale = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let abs = 0;
        for (let p = 0; p < k; p++) {
          const av = transA ? a[t * m * k + p * m + i] : a[t * m * k + i * k + p];
          const bv = transB ? b[t * k * n + j * k + p] : b[t * k * n + p * n + j];
          sum += av * bv;
          abs += Math.abs(av * bv);
        }
        value[t * m * n + i * n + j] = sum;
        scale[t * m * n + i * n + j] = abs;
      }
    }
  }
  return { value, scale };
}

/**
 * Asserts that an f32 product accumulated in f32 is within the forward error bound of k-term
 * recursive summation, (k + 4) · 2⁻²⁴ · Σ|a·b| per element (Higham, "Accuracy and Stability of
 * Numerical Algorithms", §3.1; the 4 covers the chunk additions and the final rounding).
 */
export function assertClose(
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  s: Shape,
  label: string,
): void {
  const { value, scale } = reference(a, b, s);
  const bound = (s.k + 4) * 2 ** -24;
  for (let i = 0; i < value.length; i++) {
    const error = Math.abs(out[i] - value[i]);
    if (!(error <= bound * scale[i] + 1e-30)) {
      assert.fail(
        `${label}: out[${i}] = ${out[i]}, expected ${value[i]} (error ${error}, bound ${bound * scale[i]})`,
      );
    }
  }
}

/** Every transpose combination of each (m, n, k) for each batch size. */
export function* shapes(sizes: [number, number, number][], batches: number[]): Generator<Shape> {
  for (const [m, n, k] of sizes) {
    for (const batch of batches) {
      for (const [transA, transB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]) {
        yield { batch, m, n, k, transA, transB };
      }
    }
  }
}

/** A short description of a shape for assertion messages. */
export function describeShape(s: Shape): string {
  return `batch=${s.batch} m=${s.m} n=${s.n} k=${s.k} transA=${s.transA} transB=${s.transB}`;
}
