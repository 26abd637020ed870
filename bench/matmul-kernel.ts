// Benchmark for the plain-JS matmul kernel: GFLOP/s for square f32 products and ns/call for the
// tiny shapes of a batch-1 MLP training step.
// Run: node --import tsx bench/matmul-kernel.ts
import { matmul } from "../packages/tensor/src/kernels/matmul.js";

/** Deterministic pseudo-random floats in [-1, 1). */
function fillRandom(x: Float32Array | Float64Array, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((p, q) => p - q);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median GFLOP/s of `runs` timed calls of a square f32 product (after warm-up). */
function benchSquare(size: number, runs: number): number {
  const a = new Float32Array(size * size);
  const b = new Float32Array(size * size);
  const out = new Float32Array(size * size);
  fillRandom(a, 1);
  fillRandom(b, 2);
  const flops = 2 * size * size * size;
  // Warm up until the optimizing compiler has seen the hot loops (at least ~0.3 s of work).
  const warmStart = performance.now();
  do matmul(out, a, b, 1, size, size, size, false, false);
  while (performance.now() - warmStart < 300);
  // Each sample repeats the call enough times to last at least ~50 ms.
  const t0 = performance.now();
  matmul(out, a, b, 1, size, size, size, false, false);
  const repeats = Math.max(1, Math.ceil(50 / (performance.now() - t0)));
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    for (let i = 0; i < repeats; i++) matmul(out, a, b, 1, size, size, size, false, false);
    const seconds = (performance.now() - start) / 1e3;
    rates.push((flops * repeats) / seconds / 1e9);
  }
  return median(rates);
}

interface TinyShape {
  label: string;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}

/** Median ns/call over `runs` samples of a tight loop of calls on one tiny f32 shape. */
function benchTiny(shape: TinyShape, runs: number): number {
  const { m, k, n, transA, transB } = shape;
  const a = new Float32Array(m * k);
  const b = new Float32Array(k * n);
  const out = new Float32Array(m * n);
  fillRandom(a, 3);
  fillRandom(b, 4);
  const calls = 200_000;
  for (let i = 0; i < calls; i++) matmul(out, a, b, 1, m, n, k, transA, transB);
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) matmul(out, a, b, 1, m, n, k, transA, transB);
    samples.push(Number(process.hrtime.bigint() - start) / calls);
  }
  return median(samples);
}

const RUNS = 7;
console.log(`matmul kernel benchmark (f32, single thread, median of ${RUNS} runs)`);
for (const size of [256, 1024]) {
  const runs = size >= 1024 ? 5 : RUNS;
  console.log(`  ${size}x${size}x${size}: ${benchSquare(size, runs).toFixed(2)} GFLOP/s`);
}

// Shapes of a batch-1 MLP step (7 -> 32 -> 8 -> 1): forward products and their gradients.
const tinyShapes: TinyShape[] = [
  { label: "forward  x·W1  (1,7,32)", m: 1, k: 7, n: 32, transA: false, transB: false },
  { label: "forward  h·W2  (1,32,8)", m: 1, k: 32, n: 8, transA: false, transB: false },
  { label: "forward  h·W3  (1,8,1)", m: 1, k: 8, n: 1, transA: false, transB: false },
  { label: "grad W1  xᵀ·g  (7,1,32) transA", m: 7, k: 1, n: 32, transA: true, transB: false },
  { label: "grad x   g·W1ᵀ (1,32,7) transB", m: 1, k: 32, n: 7, transA: false, transB: true },
  { label: "grad W2  hᵀ·g  (32,1,8) transA", m: 32, k: 1, n: 8, transA: true, transB: false },
  { label: "grad h   g·W2ᵀ (1,8,32) transB", m: 1, k: 8, n: 32, transA: false, transB: true },
];
for (const shape of tinyShapes) {
  console.log(`  ${shape.label.padEnd(32)} ${benchTiny(shape, RUNS).toFixed(1)} ns/call`);
}
