// Benchmark for the WebAssembly SIMD GEMM behind the matmul kernel: GFLOP/s of square f32
// products on 1 and 2 threads, plain and with a transposed operand, tall-skinny weight-gradient
// shapes, and the crossover against the plain-JS kernel for small products (which sets
// WASM_MIN_WORK in kernels/matmul.ts). Wall-clock time, best of several rounds (the machine may
// be shared), through the kernel's public entry point (copies in and out included).
// Run: node --import tsx bench/wasm-gemm.ts [--quick]
import os from "node:os";

import { matmulJs, matmulWasm } from "../packages/tensor/src/kernels/matmul.js";

type MatmulEngine = "js" | "wasm";
const FORMS = { js: matmulJs, wasm: matmulWasm };
import { relaxedSimdSupported } from "../packages/tensor/src/wasm/features.js";
import { setThreads } from "../packages/tensor/src/wasm/threads.js";

const quick = process.argv.includes("--quick");

/** Deterministic pseudo-random floats in [-1, 1). */
function fillRandom(x: Float32Array, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
}

interface Shape {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

/** Best seconds per call over `rounds` rounds, each repeating the call for at least `ms`. */
function secondsPerCall(shape: Shape, engine: MatmulEngine, rounds: number, ms: number): number {
  const { batch, m, n, k, transA, transB } = shape;
  const a = new Float32Array(batch * m * k);
  const b = new Float32Array(batch * k * n);
  const out = new Float32Array(batch * m * n);
  fillRandom(a, 1);
  fillRandom(b, 2);
  const mm = FORMS[engine];
  const call = () => mm(out, a, b, batch, m, n, k, transA, transB);
  const warm = performance.now();
  do call();
  while (performance.now() - warm < Math.min(200, 2 * ms));
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      call();
      calls++;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    best = Math.min(best, elapsed / 1e3 / calls);
  }
  return best;
}

function gflops(shape: Shape, seconds: number): string {
  const flops = 2 * shape.batch * shape.m * shape.n * shape.k;
  return (flops / seconds / 1e9).toFixed(1).padStart(6);
}

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(
  `Wasm GEMM benchmark: ${cpu}, ${os.availableParallelism()} cores, Node ${process.version}`,
);
console.log(
  `relaxed SIMD: ${relaxedSimdSupported() ? "yes (f32x4.relaxed_madd)" : "no (mul + add)"}`,
);

const rounds = quick ? 2 : 5;
const layouts: [string, boolean, boolean][] = [
  ["A·B  ", false, false],
  ["Aᵀ·B ", true, false],
  ["A·Bᵀ ", false, true],
];
console.log("\nsquare f32 products, GFLOP/s (best of rounds)");
console.log("size  layout  1 thread  2 threads");
for (const size of quick ? [256, 1024] : [256, 512, 1024, 2048]) {
  for (const [label, transA, transB] of layouts) {
    const shape = { batch: 1, m: size, n: size, k: size, transA, transB };
    const ms = size >= 2048 ? 800 : 200;
    setThreads(1);
    const one = gflops(shape, secondsPerCall(shape, "wasm", rounds, ms));
    setThreads(2);
    const two = gflops(shape, secondsPerCall(shape, "wasm", rounds, ms));
    console.log(`${String(size).padEnd(5)} ${label}  ${one}    ${two}`);
  }
}

console.log("\ntall-skinny weight gradients xᵀ·dY (transA), GFLOP/s");
const skinny: Shape[] = [
  { batch: 1, m: 288, n: 64, k: 25088, transA: true, transB: false },
  { batch: 1, m: 64, n: 64, k: 65536, transA: true, transB: false },
  { batch: 1, m: 16, n: 16, k: 262144, transA: true, transB: false },
];
for (const shape of skinny) {
  setThreads(1);
  const one = gflops(shape, secondsPerCall(shape, "wasm", rounds, 200));
  setThreads(2);
  const two = gflops(shape, secondsPerCall(shape, "wasm", rounds, 200));
  const js = gflops(shape, secondsPerCall(shape, "js", 2, 200));
  console.log(
    `  ${shape.m}×${shape.k}ᵀ · ${shape.k}×${shape.n}: 1 thread ${one}, 2 threads ${two}, JS ${js}`,
  );
}

console.log("\nsmall products: JS kernel vs Wasm GEMM, ns per call (1 thread)");
setThreads(1);
const small: [string, Shape][] = [
  ["1×7 · 7×32 (MLP W1)", { batch: 1, m: 1, n: 32, k: 7, transA: false, transB: false }],
  ["7×1 · 1×32 ᵀ (grad W1)", { batch: 1, m: 7, n: 32, k: 1, transA: true, transB: false }],
  ["32×314 · 314×8", { batch: 1, m: 32, n: 8, k: 314, transA: true, transB: false }],
  ...[8, 12, 16, 20, 24, 32, 40, 48, 64].map((s): [string, Shape] => [
    `${s}³`,
    { batch: 1, m: s, n: s, k: s, transA: false, transB: false },
  ]),
  ["1×256 · 256×256", { batch: 1, m: 1, n: 256, k: 256, transA: false, transB: false }],
  ["256×256 · 256×1", { batch: 1, m: 256, n: 1, k: 256, transA: false, transB: false }],
];
for (const [label, shape] of small) {
  const js = secondsPerCall(shape, "js", rounds, 50) * 1e9;
  const wasm = secondsPerCall(shape, "wasm", rounds, 50) * 1e9;
  const work = shape.batch * shape.m * shape.n * shape.k;
  console.log(
    `  ${label.padEnd(24)} work ${String(work).padStart(7)}  JS ${js.toFixed(0).padStart(7)}  Wasm ${wasm.toFixed(0).padStart(7)}`,
  );
}
