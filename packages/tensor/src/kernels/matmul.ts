// Batched matrix multiplication kernel in plain JavaScript.
//
// Two float strategies, chosen by shape:
// - Tiny or skinny products (the per-sample layers of a small MLP, matrix-vector products) use a
//   direct loop over the operands: no packing, no allocation, four output columns at a time.
// - Everything else uses a cache-blocked product: panels of B and blocks of A are copied into
//   contiguous Float64Array scratch buffers (reused across calls) and a 4×4 register-tiled
//   micro-kernel runs over them with its sixteen sums in local variables. The scratch buffers are
//   always Float64Array, so the hot loop sees a single array type whatever the caller passes.
// All float sums are accumulated in doubles and rounded once when stored into the output.
// Integer arrays take a simple exact path with 32-bit wrap-around arithmetic.

/** Floating-point typed arrays: the arrays the fast paths are written for. */
export type FloatArray = Float32Array | Float64Array;

/** Integer typed arrays {@link matmul} also accepts (computed exactly, wrapping modulo 2³²). */
export type IntegerArray = Int32Array | Uint32Array | Uint8Array;

/** Any typed array {@link matmul} accepts. */
export type MatmulArray = FloatArray | IntegerArray;

/** Rows of A (and of the output) handled by one micro-kernel call. */
const MR = 4;
/** Columns of B (and of the output) handled by one micro-kernel call. */
const NR = 4;
/** Rows of A packed at a time; MR × KC_MAX doubles of each A strip stay close to the core. */
const MC = 64;
/** Columns of B packed at a time. */
const NC = 256;
/** Longest run of the k dimension packed at once; longer products are split into chunks. */
const KC_MAX = 1024;

/** Below this many multiply-adds (m·n·k) the direct loop beats packing. */
const BLOCKED_MIN_WORK = 32 * 32 * 32;
/** Operands thinner than this in m or n are left to the direct loop (packing would be wasted). */
const BLOCKED_MIN_DIM = 8;

/**
 * Batched matrix product: `out[b] = op(a[b]) · op(b[b])` for `b` in `0..batch-1`, where `op`
 * transposes its operand when `transA` / `transB` is set. All arrays are row-major and contiguous:
 * `a` is `[batch, m, k]` (or `[batch, k, m]` when `transA`), `b` is `[batch, k, n]` (or
 * `[batch, n, k]` when `transB`) and `out` is `[batch, m, n]`.
 *
 * `out` is fully overwritten, never accumulated into, and must not overlap `a` or `b`. With
 * `k = 0` it is filled with zeros. Float sums are accumulated in doubles and rounded once on
 * store; when every array is an integer array the product is computed exactly modulo 2³².
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
  checkArguments(out, a, b, batch, m, n, k);
  if (batch === 0 || m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, 0, batch * m * n);
    return;
  }
  // Element (i, p) of op(a) sits at i * aRowStride + p * aColStride within one batch entry, and
  // element (p, j) of op(b) at p * bRowStride + j * bColStride.
  const aRowStride = transA ? 1 : k;
  const aColStride = transA ? m : 1;
  const bRowStride = transB ? 1 : n;
  const bColStride = transB ? k : 1;
  if (isFloatArray(out) && isFloatArray(a) && isFloatArray(b)) {
    if (m >= BLOCKED_MIN_DIM && n >= BLOCKED_MIN_DIM && m * n * k >= BLOCKED_MIN_WORK) {
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
  } else if (!isFloatArray(a) && !isFloatArray(b)) {
    integerMatmul(out, a, b, batch, m, n, k, aRowStride, aColStride, bRowStride, bColStride);
  } else {
    mixedMatmul(out, a, b, batch, m, n, k, aRowStride, aColStride, bRowStride, bColStride);
  }
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
 * Computes every output element as a dot product over k, four columns at a time so each element
 * of A is loaded once per four outputs. Sums live in local doubles; nothing is allocated.
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
  const n4 = n - (n % 4);
  for (let batchIndex = 0; batchIndex < batch; batchIndex++) {
    const aBase = batchIndex * m * k;
    const bBase = batchIndex * k * n;
    let o = batchIndex * m * n;
    for (let i = 0; i < m; i++) {
      const aRow = aBase + i * aRowStride;
      let j = 0;
      for (; j < n4; j += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let ia = aRow;
        let ib = bBase + j * bColStride;
        for (let p = 0; p < k; p++) {
          const av = a[ia];
          s0 += av * b[ib];
          s1 += av * b[ib + bColStride];
          s2 += av * b[ib + 2 * bColStride];
          s3 += av * b[ib + 3 * bColStride];
          ia += aColStride;
          ib += bRowStride;
        }
        out[o] = s0;
        out[o + 1] = s1;
        out[o + 2] = s2;
        out[o + 3] = s3;
        o += 4;
      }
      for (; j < n; j++) {
        let s = 0;
        let ia = aRow;
        let ib = bBase + j * bColStride;
        for (let p = 0; p < k; p++) {
          s += a[ia] * b[ib];
          ia += aColStride;
          ib += bRowStride;
        }
        out[o++] = s;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Cache-blocked product.

/** Packed strips of A: MR rows interleaved, one group of MR values per step of k. */
let packedA = new Float64Array(0);
/** Packed strips of B: NR columns interleaved, one group of NR values per step of k. */
let packedB = new Float64Array(0);
/** Double-precision running sums of one MC × NC output block when k is split into chunks. */
let blockSums = new Float64Array(0);
/** Landing place for micro-kernel results on ragged output edges. */
const edgeTile = new Float64Array(MR * NR);

/** Returns `buffer` if it holds at least `length` doubles, else a larger replacement. */
function ensureLength(buffer: Float64Array, length: number): Float64Array {
  return buffer.length >= length ? buffer : new Float64Array(Math.max(length, 2 * buffer.length));
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/**
 * One (non-batched) product, blocked GotoBLAS-style: the output is walked in NC-wide column
 * panels and MC-tall row blocks; each block of A and panel of B is packed once per k chunk and
 * the micro-kernel computes MR × NR tiles from the packed copies.
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
  packedA = ensureLength(packedA, roundUp(Math.min(m, MC), MR) * kc);
  packedB = ensureLength(packedB, roundUp(Math.min(n, NC), NR) * kc);
  if (chunkCount > 1) {
    blockSums = ensureLength(blockSums, roundUp(Math.min(m, MC), MR) * roundUp(Math.min(n, NC), NR));
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let ic = 0; ic < m; ic += MC) {
      const mc = Math.min(MC, m - ic);
      for (let pc = 0; pc < k; pc += kc) {
        const kcHere = Math.min(kc, k - pc);
        // With a single chunk the packed panel of B is reused by every row block.
        if (chunkCount > 1 || ic === 0) {
          packB(b, bBase + pc * bRowStride + jc * bColStride, bRowStride, bColStride, kcHere, nc);
        }
        packA(a, aBase + ic * aRowStride + pc * aColStride, aRowStride, aColStride, mc, kcHere);
        const outBlock = outBase + ic * n + jc;
        if (chunkCount === 1) {
          storeBlock(out, outBlock, n, mc, nc, kcHere);
        } else {
          accumulateBlock(mc, nc, kcHere, pc > 0);
          if (pc + kcHere === k) copyBlockSums(out, outBlock, n, mc, nc);
        }
      }
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
    const r0 = base + i0 * rowStride;
    if (mc - i0 >= MR) {
      const r1 = r0 + rowStride;
      const r2 = r1 + rowStride;
      const r3 = r2 + rowStride;
      for (let p = 0, s = 0; p < kc; p++, s += colStride) {
        dst[d] = a[r0 + s];
        dst[d + 1] = a[r1 + s];
        dst[d + 2] = a[r2 + s];
        dst[d + 3] = a[r3 + s];
        d += MR;
      }
    } else {
      const rows = mc - i0;
      for (let p = 0, s = 0; p < kc; p++, s += colStride) {
        for (let r = 0; r < MR; r++) dst[d + r] = r < rows ? a[r0 + r * rowStride + s] : 0;
        d += MR;
      }
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
    const c0 = base + j0 * colStride;
    if (nc - j0 >= NR) {
      const c1 = c0 + colStride;
      const c2 = c1 + colStride;
      const c3 = c2 + colStride;
      for (let p = 0, s = 0; p < kc; p++, s += rowStride) {
        dst[d] = b[c0 + s];
        dst[d + 1] = b[c1 + s];
        dst[d + 2] = b[c2 + s];
        dst[d + 3] = b[c3 + s];
        d += NR;
      }
    } else {
      const cols = nc - j0;
      for (let p = 0, s = 0; p < kc; p++, s += rowStride) {
        for (let c = 0; c < NR; c++) dst[d + c] = c < cols ? b[c0 + c * colStride + s] : 0;
        d += NR;
      }
    }
  }
}

/** Computes an mc × nc output block from the packed operands and stores it straight into `out`. */
function storeBlock(
  out: FloatArray,
  outBlock: number,
  ldOut: number,
  mc: number,
  nc: number,
  kc: number,
): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = Math.min(NR, nc - j0);
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const rows = Math.min(MR, mc - i0);
      const target = outBlock + i0 * ldOut + j0;
      if (rows === MR && cols === NR) {
        microKernel(kc, i0 * kc, j0 * kc, out, target, ldOut, false);
      } else {
        microKernel(kc, i0 * kc, j0 * kc, edgeTile, 0, NR, false);
        copyTile(out, target, ldOut, rows, cols);
      }
    }
  }
}

/** Adds (or, for the first chunk of k, stores) an mc × nc block of sums into `blockSums`. */
function accumulateBlock(mc: number, nc: number, kc: number, accumulate: boolean): void {
  const ldSums = roundUp(nc, NR);
  for (let j0 = 0; j0 < nc; j0 += NR) {
    for (let i0 = 0; i0 < mc; i0 += MR) {
      microKernel(kc, i0 * kc, j0 * kc, blockSums, i0 * ldSums + j0, ldSums, accumulate);
    }
  }
}

/** Rounds the finished block of double sums into `out`. */
function copyBlockSums(out: FloatArray, outBlock: number, ldOut: number, mc: number, nc: number) {
  const ldSums = roundUp(nc, NR);
  for (let i = 0; i < mc; i++) {
    const src = i * ldSums;
    const dst = outBlock + i * ldOut;
    for (let j = 0; j < nc; j++) out[dst + j] = blockSums[src + j];
  }
}

/** Copies the valid `rows` × `cols` corner of `edgeTile` into `out`. */
function copyTile(out: FloatArray, target: number, ldOut: number, rows: number, cols: number) {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[target + r * ldOut + c] = edgeTile[r * NR + c];
  }
}

/**
 * The hot loop: a 4 × 4 tile of sums over `kc` steps, from the A strip at `packedA[ia..]` and the
 * B strip at `packedB[ib..]`, kept in sixteen local doubles and written to `dst` (row stride
 * `ldDst`) at the end, added to what is there when `accumulate` is set.
 */
function microKernel(
  kc: number,
  ia: number,
  ib: number,
  dst: FloatArray,
  d: number,
  ldDst: number,
  accumulate: boolean,
): void {
  const pa = packedA;
  const pb = packedB;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ia];
    const a1 = pa[ia + 1];
    const a2 = pa[ia + 2];
    const a3 = pa[ia + 3];
    let bj = pb[ib];
    c00 += a0 * bj;
    c10 += a1 * bj;
    c20 += a2 * bj;
    c30 += a3 * bj;
    bj = pb[ib + 1];
    c01 += a0 * bj;
    c11 += a1 * bj;
    c21 += a2 * bj;
    c31 += a3 * bj;
    bj = pb[ib + 2];
    c02 += a0 * bj;
    c12 += a1 * bj;
    c22 += a2 * bj;
    c32 += a3 * bj;
    bj = pb[ib + 3];
    c03 += a0 * bj;
    c13 += a1 * bj;
    c23 += a2 * bj;
    c33 += a3 * bj;
    ia += MR;
    ib += NR;
  }
  const d1 = d + ldDst;
  const d2 = d1 + ldDst;
  const d3 = d2 + ldDst;
  if (accumulate) {
    c00 += dst[d];
    c01 += dst[d + 1];
    c02 += dst[d + 2];
    c03 += dst[d + 3];
    c10 += dst[d1];
    c11 += dst[d1 + 1];
    c12 += dst[d1 + 2];
    c13 += dst[d1 + 3];
    c20 += dst[d2];
    c21 += dst[d2 + 1];
    c22 += dst[d2 + 2];
    c23 += dst[d2 + 3];
    c30 += dst[d3];
    c31 += dst[d3 + 1];
    c32 += dst[d3 + 2];
    c33 += dst[d3 + 3];
  }
  dst[d] = c00;
  dst[d + 1] = c01;
  dst[d + 2] = c02;
  dst[d + 3] = c03;
  dst[d1] = c10;
  dst[d1 + 1] = c11;
  dst[d1 + 2] = c12;
  dst[d1 + 3] = c13;
  dst[d2] = c20;
  dst[d2 + 1] = c21;
  dst[d2 + 2] = c22;
  dst[d2 + 3] = c23;
  dst[d3] = c30;
  dst[d3 + 1] = c31;
  dst[d3 + 2] = c32;
  dst[d3 + 3] = c33;
}

// ---------------------------------------------------------------------------------------------
// Simple paths for integer and mixed-type operands.

/** Exact integer product modulo 2³² (what storing into any of the integer arrays keeps). */
function integerMatmul(
  out: MatmulArray,
  a: IntegerArray,
  b: IntegerArray,
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
    const outBase = batchIndex * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let ia = aBase + i * aRowStride;
        let ib = bBase + j * bColStride;
        for (let p = 0; p < k; p++) {
          s = (s + Math.imul(a[ia], b[ib])) | 0;
          ia += aColStride;
          ib += bRowStride;
        }
        out[outBase + i * n + j] = s;
      }
    }
  }
}

/** Product of a float operand with an integer one (or into an integer output), in doubles. */
function mixedMatmul(
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
): void {
  for (let batchIndex = 0; batchIndex < batch; batchIndex++) {
    const aBase = batchIndex * m * k;
    const bBase = batchIndex * k * n;
    const outBase = batchIndex * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let ia = aBase + i * aRowStride;
        let ib = bBase + j * bColStride;
        for (let p = 0; p < k; p++) {
          s += a[ia] * b[ib];
          ia += aColStride;
          ib += bRowStride;
        }
        out[outBase + i * n + j] = s;
      }
    }
  }
}
