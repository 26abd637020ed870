// Batched matrix multiplication kernel in plain JavaScript.
//
// Two float strategies, chosen by shape:
// - Tiny or skinny products (the per-sample layers of a small MLP, matrix-vector products) use a
//   direct loop over the operands: no packing, no allocation, eight output columns at a time.
// - Everything else uses a cache-blocked product: blocks of A and panels of B are copied into
//   contiguous Float64Array scratch buffers (reused across calls) and a 4 × 3 register-tiled
//   micro-kernel runs over them with its twelve sums in local variables. Scratch and sums are
//   always Float64Array, so the hot loop sees a single array type whatever the caller passes.
// All float sums are accumulated in doubles and rounded once when stored into the output.
// Integer arrays take a simple exact path with 32-bit wrap-around arithmetic.
//
// Large f32 products (all three arrays Float32Array, work m·n·k at least WASM_MIN_WORK) go to the
// WebAssembly SIMD GEMM in src/wasm/ (on several threads when large enough), which accumulates in
// f32: its results agree with this kernel's to within f32 rounding of k terms. Eager and jitted
// programs both call this function, so they stay bit-identical either way. `matmulJs` and
// `matmulWasm` force one engine (the `js` and `wasm` backends call them).
//
// Tile shape note: in V8 a 4 × 3 tile (12 accumulators) measured slightly faster than 4 × 4,
// which spills more of its accumulators to the stack; both reach roughly 1 multiply-add per cycle.

import { gemmAvailable } from "../wasm/instance.js";
import { wasmMatmul } from "../wasm/runtime.js";
import { registerKernelForms } from "../compile/engines.js";

/** Floating-point typed arrays: the arrays the fast paths are written for. */
export type FloatArray = Float32Array | Float64Array;

/** Integer typed arrays {@link matmul} also accepts (computed exactly, wrapping modulo 2³²). */
export type IntegerArray = Int32Array | Uint32Array | Uint8Array;

/** Any typed array {@link matmul} accepts. */
export type MatmulArray = FloatArray | IntegerArray;

/** Rows of A (and of the output) handled by one micro-kernel call. */
const MR = 4;
/** Columns of B (and of the output) handled by one micro-kernel call. */
const NR = 3;
/** Rows of A packed at a time (the packed block of A stays in L2). */
const MC = 64;
/** Columns of B packed at a time. */
const NC = 256;
/** Longest run of the k dimension packed at once; longer products are split into chunks. */
const KC_MAX = 1024;

// Shapes at least this large in every dimension (and in total work m·n·k) go to the blocked
// path; below that, packing costs more than it saves and the direct loop wins.
const BLOCKED_MIN_M = 4;
const BLOCKED_MIN_N = 8;
const BLOCKED_MIN_K = 4;
const BLOCKED_MIN_WORK = 16 * 16 * 16;

/**
 * f32 products with at least this much work (batch · m · n · k multiply-adds) go to the Wasm GEMM
 * under the "auto" engine; below it the fixed cost of a Wasm call (about 0.7 µs: copies in and
 * out, planning) outweighs the SIMD kernel. Measured (bench/wasm-gemm.ts, ns per call, JS vs
 * Wasm): 1×7·7×32 304 vs 729, 8³ 570 vs 693, 12³ 2719 vs 882, 16³ 4886 vs 1036, 32³ 26264 vs
 * 2955; the crossover is near 1000, and this threshold leaves a factor of two of margin.
 */
export const WASM_MIN_WORK = 2048;

/**
 * Which engine runs f32 products: `"auto"` (the Wasm GEMM for large ones, this file's kernel for
 * the rest), `"js"` (always this file's kernel) or `"wasm"` (the Wasm GEMM for every non-empty f32
 * product, where WebAssembly SIMD is available). f64 and integer products always run here.
 */
type MatmulEngine = "auto" | "js" | "wasm";

/**
 * Whether a product of `work` multiply-adds on these arrays goes to the Wasm GEMM under `engine`
 * (the cheap tests first: small products leave after one comparison).
 */
function useWasm(
  engine: MatmulEngine,
  work: number,
  out: MatmulArray,
  a: MatmulArray,
  b: MatmulArray,
): boolean {
  return (
    (engine === "auto" ? work >= WASM_MIN_WORK : engine === "wasm") &&
    out instanceof Float32Array &&
    a instanceof Float32Array &&
    b instanceof Float32Array &&
    gemmAvailable()
  );
}

/**
 * Batched matrix product: `out[b] = op(a[b]) · op(b[b])` for `b` in `0..batch-1`, where `op`
 * transposes its operand when `transA` / `transB` is set. All arrays are row-major and contiguous:
 * `a` is `[batch, m, k]` (or `[batch, k, m]` when `transA`), `b` is `[batch, k, n]` (or
 * `[batch, n, k]` when `transB`) and `out` is `[batch, m, n]`.
 *
 * `out` is fully overwritten, never accumulated into, and must not overlap `a` or `b`. With
 * `k = 0` it is filled with zeros. Float sums are accumulated in doubles and rounded once on
 * store, except for large f32 products, which the Wasm GEMM accumulates in f32 (this is the
 * `auto` form; {@link matmulJs} and {@link matmulWasm} force one engine); when every array is an
 * integer array the product is computed exactly modulo 2³².
 *
 * @throws RangeError when a size is not a non-negative integer or an array is too short.
 */
export function matmul(
  out: MatmulArray,
  a: MatmulArray,
  b: MatmulArray,
  batch: number,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): void {
  product("auto", out, a, b, batch, m, n, k, transA, transB);
}

/** {@link matmul} on this file's JavaScript kernel only (float sums in doubles, rounded once). */
export function matmulJs(...args: Parameters<typeof matmul>): void {
  product("js", ...args);
}

/** {@link matmul} with every non-empty f32 product on the Wasm GEMM (where SIMD is available). */
export function matmulWasm(...args: Parameters<typeof matmul>): void {
  product("wasm", ...args);
}

registerKernelForms(matmul, matmulJs, matmulWasm);

function product(
  engine: MatmulEngine,
  out: MatmulArray,
  a: MatmulArray,
  b: MatmulArray,
  batch: number,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): void {
  checkArguments(out, a, b, batch, m, n, k);
  if (batch === 0 || m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, 0, batch * m * n);
    return;
  }
  if (
    useWasm(engine, batch * m * n * k, out, a, b) &&
    wasmMatmul(
      out as Float32Array,
      a as Float32Array,
      b as Float32Array,
      batch,
      m,
      n,
      k,
      transA,
      transB,
    )
  ) {
    return;
  }
  // Element (i, p) of op(a) sits at i * aRowStride + p * aColStride within one batch entry, and
  // element (p, j) of op(b) at p * bRowStride + j * bColStride.
  const aRowStride = transA ? 1 : k;
  const aColStride = transA ? m : 1;
  const bRowStride = transB ? 1 : n;
  const bColStride = transB ? k : 1;
  if (isFloatArray(out) && isFloatArray(a) && isFloatArray(b)) {
    if (useBlocked(m, n, k)) {
      for (let i = 0; i < batch; i++) {
        blockedMatmul(
          out,
          i * m * n,
          a,
          i * m * k,
          aRowStride,
          aColStride,
          b,
          i * k * n,
          bRowStride,
          bColStride,
          m,
          n,
          k,
        );
      }
    } else {
      directMatmul(out, a, b, batch, m, n, k, aRowStride, aColStride, bRowStride, bColStride);
    }
  } else {
    const wrapInt32 = !isFloatArray(out) && !isFloatArray(a) && !isFloatArray(b);
    simpleMatmul(
      out,
      a,
      b,
      batch,
      m,
      n,
      k,
      aRowStride,
      aColStride,
      bRowStride,
      bColStride,
      wrapInt32,
    );
  }
}

function useBlocked(m: number, n: number, k: number): boolean {
  return (
    m >= BLOCKED_MIN_M && n >= BLOCKED_MIN_N && k >= BLOCKED_MIN_K && m * n * k >= BLOCKED_MIN_WORK
  );
}

function isFloatArray(x: MatmulArray): x is FloatArray {
  return x instanceof Float32Array || x instanceof Float64Array;
}

function checkArguments(
  out: MatmulArray,
  a: MatmulArray,
  b: MatmulArray,
  batch: number,
  m: number,
  n: number,
  k: number,
): void {
  if (!isSize(batch) || !isSize(m) || !isSize(n) || !isSize(k)) {
    throw new RangeError(`matmul: invalid sizes batch=${batch} m=${m} n=${n} k=${k}`);
  }
  if (out.length < batch * m * n || a.length < batch * m * k || b.length < batch * k * n) {
    throw new RangeError(
      `matmul: arrays too short for batch=${batch} m=${m} n=${n} k=${k} ` +
        `(out ${out.length}, a ${a.length}, b ${b.length})`,
    );
  }
}

function isSize(x: number): boolean {
  return Number.isInteger(x) && x >= 0;
}

// ---------------------------------------------------------------------------------------------
// Direct loop for tiny and skinny products.

/**
 * Computes every output element as a dot product over k, eight (then four, then one) columns at a
 * time so each element of A is loaded once per group of outputs. Sums live in local doubles and
 * nothing is allocated.
 */
function directMatmul(
  out: FloatArray,
  a: FloatArray,
  b: FloatArray,
  batch: number,
  m: number,
  n: number,
  k: number,
  aRowStride: number,
  aColStride: number,
  bRowStride: number,
  bColStride: number,
): void {
  for (let batchIndex = 0; batchIndex < batch; batchIndex++) {
    const aBase = batchIndex * m * k;
    const bBase = batchIndex * k * n;
    for (let i = 0; i < m; i++) {
      const ia = aBase + i * aRowStride;
      const o = (batchIndex * m + i) * n;
      let j = 0;
      for (; j + 8 <= n; j += 8) {
        dotColumns8(
          out,
          o + j,
          a,
          ia,
          aColStride,
          b,
          bBase + j * bColStride,
          bRowStride,
          bColStride,
          k,
        );
      }
      for (; j + 4 <= n; j += 4) {
        dotColumns4(
          out,
          o + j,
          a,
          ia,
          aColStride,
          b,
          bBase + j * bColStride,
          bRowStride,
          bColStride,
          k,
        );
      }
      for (; j < n; j++) {
        out[o + j] = dot(a, ia, aColStride, b, bBase + j * bColStride, bRowStride, k);
      }
    }
  }
}

/** `out[o..o+7]` = one row of op(A) (at `ia`) times eight columns of op(B) (the first at `ib`). */
function dotColumns8(
  out: FloatArray,
  o: number,
  a: FloatArray,
  ia: number,
  aStep: number,
  b: FloatArray,
  ib: number,
  bStep: number,
  bColStride: number,
  k: number,
): void {
  const c1 = bColStride;
  const c2 = 2 * bColStride;
  const c3 = 3 * bColStride;
  const c4 = 4 * bColStride;
  const c5 = 5 * bColStride;
  const c6 = 6 * bColStride;
  const c7 = 7 * bColStride;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    s4 = 0,
    s5 = 0,
    s6 = 0,
    s7 = 0;
  for (let p = 0; p < k; p++, ia += aStep, ib += bStep) {
    const av = a[ia];
    s0 += av * b[ib];
    s1 += av * b[ib + c1];
    s2 += av * b[ib + c2];
    s3 += av * b[ib + c3];
    s4 += av * b[ib + c4];
    s5 += av * b[ib + c5];
    s6 += av * b[ib + c6];
    s7 += av * b[ib + c7];
  }
  out[o] = s0;
  out[o + 1] = s1;
  out[o + 2] = s2;
  out[o + 3] = s3;
  out[o + 4] = s4;
  out[o + 5] = s5;
  out[o + 6] = s6;
  out[o + 7] = s7;
}

/** `out[o..o+3]` = one row of op(A) (at `ia`) times four columns of op(B) (the first at `ib`). */
function dotColumns4(
  out: FloatArray,
  o: number,
  a: FloatArray,
  ia: number,
  aStep: number,
  b: FloatArray,
  ib: number,
  bStep: number,
  bColStride: number,
  k: number,
): void {
  const c1 = bColStride;
  const c2 = 2 * bColStride;
  const c3 = 3 * bColStride;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  for (let p = 0; p < k; p++, ia += aStep, ib += bStep) {
    const av = a[ia];
    s0 += av * b[ib];
    s1 += av * b[ib + c1];
    s2 += av * b[ib + c2];
    s3 += av * b[ib + c3];
  }
  out[o] = s0;
  out[o + 1] = s1;
  out[o + 2] = s2;
  out[o + 3] = s3;
}

/** Dot product of `k` elements of `a` (from `ia`, step `aStep`) and `b` (from `ib`, step `bStep`). */
function dot(
  a: FloatArray,
  ia: number,
  aStep: number,
  b: FloatArray,
  ib: number,
  bStep: number,
  k: number,
): number {
  let s = 0;
  for (let p = 0; p < k; p++, ia += aStep, ib += bStep) s += a[ia] * b[ib];
  return s;
}

// ---------------------------------------------------------------------------------------------
// Cache-blocked product.

/** Packed strips of A: MR rows interleaved, one group of MR values per step of k. */
let packedA: Float64Array = new Float64Array(0);
/** Packed strips of B: NR columns interleaved, one group of NR values per step of k. */
let packedB: Float64Array = new Float64Array(0);
/**
 * Double-precision sums of the output block being computed, padded to whole MR × NR tiles. The
 * micro-kernel only ever writes here, so its stores always see the same array type.
 */
let blockSums: Float64Array = new Float64Array(0);

/** Returns `buffer` if it holds at least `length` doubles, else a larger replacement. */
function ensureLength(buffer: Float64Array, length: number): Float64Array {
  return buffer.length >= length ? buffer : new Float64Array(Math.max(length, 2 * buffer.length));
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/**
 * One (non-batched) product, blocked GotoBLAS-style: the output is walked in NC-wide column
 * panels and MC-tall row blocks. For each block, A and B are packed once per chunk of k, the
 * micro-kernel sums MR × NR tiles into `blockSums`, and the finished block is rounded into `out`.
 */
function blockedMatmul(
  out: FloatArray,
  outBase: number,
  a: FloatArray,
  aBase: number,
  aRowStride: number,
  aColStride: number,
  b: FloatArray,
  bBase: number,
  bRowStride: number,
  bColStride: number,
  m: number,
  n: number,
  k: number,
): void {
  const chunkCount = Math.ceil(k / KC_MAX);
  const kc = Math.ceil(k / chunkCount);
  const mcMax = roundUp(Math.min(m, MC), MR);
  const ncMax = roundUp(Math.min(n, NC), NR);
  packedA = ensureLength(packedA, mcMax * kc);
  packedB = ensureLength(packedB, ncMax * kc);
  blockSums = ensureLength(blockSums, mcMax * ncMax);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let ic = 0; ic < m; ic += MC) {
      const mc = Math.min(MC, m - ic);
      for (let pc = 0; pc < k; pc += kc) {
        const kcHere = Math.min(kc, k - pc);
        // With a single chunk of k the packed panel of B serves every row block.
        if (chunkCount > 1 || ic === 0) {
          packB(b, bBase + pc * bRowStride + jc * bColStride, bRowStride, bColStride, kcHere, nc);
        }
        packA(a, aBase + ic * aRowStride + pc * aColStride, aRowStride, aColStride, mc, kcHere);
        computeBlock(mc, nc, kcHere, pc > 0);
      }
      storeBlock(out, outBase + ic * n + jc, n, mc, nc);
    }
  }
}

/**
 * Copies rows `0..mc-1`, columns `0..kc-1` of op(a) (starting at `base`) into `packedA` as
 * MR-row strips; rows past `mc` in the last strip are zero.
 */
function packA(
  a: FloatArray,
  base: number,
  rowStride: number,
  colStride: number,
  mc: number,
  kc: number,
): void {
  const dst = packedA;
  let d = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const rows = Math.min(MR, mc - i0);
    for (let p = 0, s = base + i0 * rowStride; p < kc; p++, s += colStride) {
      for (let r = 0; r < MR; r++) dst[d + r] = r < rows ? a[s + r * rowStride] : 0;
      d += MR;
    }
  }
}

/**
 * Copies rows `0..kc-1`, columns `0..nc-1` of op(b) (starting at `base`) into `packedB` as
 * NR-column strips; columns past `nc` in the last strip are zero.
 */
function packB(
  b: FloatArray,
  base: number,
  rowStride: number,
  colStride: number,
  kc: number,
  nc: number,
): void {
  const dst = packedB;
  let d = 0;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = Math.min(NR, nc - j0);
    for (let p = 0, s = base + j0 * colStride; p < kc; p++, s += rowStride) {
      for (let c = 0; c < NR; c++) dst[d + c] = c < cols ? b[s + c * colStride] : 0;
      d += NR;
    }
  }
}

/**
 * Runs the micro-kernel over every tile of an mc × nc block. The B strip stays hot in L1 while
 * the loop walks down the packed A block.
 */
function computeBlock(mc: number, nc: number, kc: number, accumulate: boolean): void {
  const ldSums = roundUp(nc, NR);
  for (let j0 = 0; j0 < nc; j0 += NR) {
    for (let i0 = 0; i0 < mc; i0 += MR) {
      microKernel(kc, i0 * kc, j0 * kc, i0 * ldSums + j0, ldSums, accumulate);
    }
  }
}

/** Rounds the finished mc × nc block of `blockSums` into `out` (row stride `ldOut`). */
function storeBlock(out: FloatArray, outBlock: number, ldOut: number, mc: number, nc: number) {
  const sums = blockSums;
  const ldSums = roundUp(nc, NR);
  for (let i = 0; i < mc; i++) {
    const src = i * ldSums;
    const dst = outBlock + i * ldOut;
    for (let j = 0; j < nc; j++) out[dst + j] = sums[src + j];
  }
}

/**
 * The hot loop: a 4 × 3 tile of sums over `kc` steps of k, from the A strip at `packedA[ia..]`
 * and the B strip at `packedB[ib..]`. The sums live in local doubles until the end, when they are
 * stored into `blockSums` at `d` (row stride `ldSums`), or added to what is there if `accumulate`.
 */
function microKernel(
  kc: number,
  ia: number,
  ib: number,
  d: number,
  ldSums: number,
  accumulate: boolean,
): void {
  const pa = packedA;
  const pb = packedB;
  const sums = blockSums;
  let c00 = 0,
    c01 = 0,
    c02 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ia];
    const a1 = pa[ia + 1];
    const a2 = pa[ia + 2];
    const a3 = pa[ia + 3];
    const b0 = pb[ib];
    c00 += a0 * b0;
    c10 += a1 * b0;
    c20 += a2 * b0;
    c30 += a3 * b0;
    const b1 = pb[ib + 1];
    c01 += a0 * b1;
    c11 += a1 * b1;
    c21 += a2 * b1;
    c31 += a3 * b1;
    const b2 = pb[ib + 2];
    c02 += a0 * b2;
    c12 += a1 * b2;
    c22 += a2 * b2;
    c32 += a3 * b2;
    ia += MR;
    ib += NR;
  }
  const d1 = d + ldSums;
  const d2 = d1 + ldSums;
  const d3 = d2 + ldSums;
  if (accumulate) {
    c00 += sums[d];
    c01 += sums[d + 1];
    c02 += sums[d + 2];
    c10 += sums[d1];
    c11 += sums[d1 + 1];
    c12 += sums[d1 + 2];
    c20 += sums[d2];
    c21 += sums[d2 + 1];
    c22 += sums[d2 + 2];
    c30 += sums[d3];
    c31 += sums[d3 + 1];
    c32 += sums[d3 + 2];
  }
  sums[d] = c00;
  sums[d + 1] = c01;
  sums[d + 2] = c02;
  sums[d1] = c10;
  sums[d1 + 1] = c11;
  sums[d1 + 2] = c12;
  sums[d2] = c20;
  sums[d2 + 1] = c21;
  sums[d2 + 2] = c22;
  sums[d3] = c30;
  sums[d3 + 1] = c31;
  sums[d3 + 2] = c32;
}

// ---------------------------------------------------------------------------------------------
// Simple path for integer and mixed-type operands.

/**
 * Plain triple loop. With `wrapInt32` (integer arrays only) the sum is computed exactly modulo 2³²
 * with `Math.imul`, which is what storing into any of the integer arrays keeps; otherwise the sum
 * is accumulated in doubles.
 */
function simpleMatmul(
  out: MatmulArray,
  a: MatmulArray,
  b: MatmulArray,
  batch: number,
  m: number,
  n: number,
  k: number,
  aRowStride: number,
  aColStride: number,
  bRowStride: number,
  bColStride: number,
  wrapInt32: boolean,
): void {
  let o = 0;
  for (let batchIndex = 0; batchIndex < batch; batchIndex++) {
    const aBase = batchIndex * m * k;
    const bBase = batchIndex * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let ia = aBase + i * aRowStride;
        let ib = bBase + j * bColStride;
        for (let p = 0; p < k; p++, ia += aColStride, ib += bRowStride) {
          s = wrapInt32 ? (s + Math.imul(a[ia], b[ib])) | 0 : s + a[ia] * b[ib];
        }
        out[o++] = s;
      }
    }
  }
}
