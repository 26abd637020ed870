// Convolution kernels in the channels-last layout: input [batch, ...spatial, channels], kernel
// [...spatial, inChannels / groups, outChannels], output [batch / batchGroups, ...spatial,
// outChannels]. Every product goes through the one matmul kernel; the work here is copying:
//
// - im2col: the input under every kernel tap of every output position, as a matrix with one row
//   per output position and one column per (tap, channel), in a scratch buffer;
// - col2im: the transpose, adding such a matrix back into an input-shaped buffer.
//
// The im2col copies run in WebAssembly for the engines that may use it (wasm/im2col.ts).
// The forward pass is im2col then cols · W; the kernel gradient colsᵀ · Ḡ; the input gradient
// col2im(Ḡ · Wᵀ). Groups (feature or batch groups) run one product per group on packed copies of
// their slice of W and of the output. Large batches are cut into chunks so the im2col matrix stays
// below COLS_LIMIT elements; scratch buffers are allocated once by the compiled program.

import { matmul, matmulJs, matmulWasm, type FloatArray } from "./matmul.js";
import { registerKernelForms } from "../compile/engines.js";
import { wasmIm2col } from "../wasm/im2col.js";

/** The matrix product a convolution kernel calls (one of matmul's engine forms). */
type Product = typeof matmul;

/** Most elements an im2col chunk holds (a batch larger than this is processed in chunks). */
export const COLS_LIMIT = 1 << 22;

/**
 * A convolution's geometry with the spatial axes made exactly three (missing leading ones have
 * size 1, kernel 1, stride 1, no padding, dilation 1). Sizes are of the input before padding and
 * dilation.
 */
export interface ConvGeometry {
  /** Input batch size. */
  readonly batch: number;
  /** Input channels. */
  readonly inChannels: number;
  /** Output channels. */
  readonly outChannels: number;
  /** Number of groups (feature groups, or batch groups when `batchGroups`). */
  readonly groups: number;
  /** The groups split the batch (XLA's batch_group_count) rather than the channels. */
  readonly batchGroups: boolean;
  readonly inSize: readonly number[];
  readonly kernelSize: readonly number[];
  readonly outSize: readonly number[];
  readonly strides: readonly number[];
  /** Low padding per spatial axis (negative crops). */
  readonly padLow: readonly number[];
  readonly inputDilation: readonly number[];
  readonly kernelDilation: readonly number[];
}

/** Derived sizes and the scratch each kernel needs (elements of the input's dtype). */
export interface ConvPlan {
  /** Output batch size. */
  readonly outBatch: number;
  /** Channels per group read by one product. */
  readonly groupChannels: number;
  /** Output channels per group. */
  readonly groupOut: number;
  /** Kernel taps (product of the kernel's spatial sizes). */
  readonly taps: number;
  /** Output positions per batch element. */
  readonly positions: number;
  /** Columns of the im2col matrix: taps × groupChannels. */
  readonly patch: number;
  /** Batch elements per chunk. */
  readonly chunk: number;
  /** A 1×1 convolution with unit strides, no padding or dilation and one group: no im2col. */
  readonly direct: boolean;
  /** Scratch sizes (see `ConvScratch`). */
  readonly runsSize: number;
  readonly colsSize: number;
  readonly packedKernelSize: number;
  readonly packedOutSize: number;
}

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** Sizes derived from a geometry, shared by the emitters (scratch) and the kernels. */
export function convPlan(geo: ConvGeometry): ConvPlan {
  const g = geo.groups;
  const outBatch = geo.batchGroups ? geo.batch / g : geo.batch;
  const groupChannels = geo.batchGroups ? geo.inChannels : geo.inChannels / g;
  const groupOut = geo.outChannels / g;
  const taps = prod(geo.kernelSize);
  const positions = prod(geo.outSize);
  const patch = taps * groupChannels;
  const direct =
    g === 1 &&
    taps === 1 &&
    [geo.strides, geo.inputDilation].every((xs) => xs.every((x) => x === 1)) &&
    geo.padLow.every((x) => x === 0) &&
    geo.outSize.every((n, d) => n === geo.inSize[d]);
  const perItem = Math.max(positions * patch, 1);
  const chunk = Math.max(1, Math.min(outBatch, Math.floor(COLS_LIMIT / perItem)));
  return {
    outBatch,
    groupChannels,
    groupOut,
    taps,
    positions,
    patch,
    chunk,
    direct,
    runsSize: direct ? 0 : 3 * positions * taps,
    colsSize: direct ? 0 : chunk * positions * patch,
    packedKernelSize: g > 1 || chunk < outBatch ? patch * groupOut : 0,
    packedOutSize: g > 1 ? chunk * positions * groupOut : 0,
  };
}

/**
 * For one spatial axis: the input index under tap `j` of output position `y` at `[y * k + j]`, or
 * −1 where the tap falls on padding or between dilated input elements.
 */
function axisTable(geo: ConvGeometry, d: number): Int32Array {
  const [out, k, inSize] = [geo.outSize[d]!, geo.kernelSize[d]!, geo.inSize[d]!];
  const [s, lo, a, b] = [
    geo.strides[d]!,
    geo.padLow[d]!,
    geo.inputDilation[d]!,
    geo.kernelDilation[d]!,
  ];
  const table = new Int32Array(out * k);
  for (let y = 0; y < out; y++) {
    for (let j = 0; j < k; j++) {
      const u = y * s + j * b - lo;
      table[y * k + j] = u >= 0 && u % a === 0 && u / a < inSize ? u / a : -1;
    }
  }
  return table;
}

/**
 * Fills `runs` with the im2col matrix of one batch element as copies: triples (index in the
 * matrix, index in the input element, length), where the input index is −1 for zeros (padding).
 * Taps whose channels lie next to each other in the input (consecutive taps along the last axis,
 * with no dilation, when one group reads all channels) merge into one run, and so do neighbouring
 * zeros. The same for every batch element and group. Returns the number of runs.
 */
function patchRuns(runs: Int32Array, geo: ConvGeometry, plan: ConvPlan): number {
  const [t0, t1, t2] = [axisTable(geo, 0), axisTable(geo, 1), axisTable(geo, 2)];
  const [Y0, Y1, Y2] = geo.outSize as [number, number, number];
  const [K0, K1, K2] = geo.kernelSize as [number, number, number];
  const [, X1, X2] = geo.inSize as [number, number, number];
  const c = geo.inChannels;
  const cg = plan.groupChannels;
  const adjacent = cg === c;
  let count = 0;
  let dst = 0;
  const add = (src: number) => {
    const last = 3 * (count - 1);
    if (count > 0) {
      const prev = runs[last + 1]!;
      if (src < 0 ? prev < 0 : adjacent && prev >= 0 && prev + runs[last + 2]! === src) {
        runs[last + 2] += cg;
        dst += cg;
        return;
      }
    }
    runs[last + 3] = dst;
    runs[last + 4] = src;
    runs[last + 5] = cg;
    count++;
    dst += cg;
  };
  for (let y0 = 0; y0 < Y0; y0++) {
    for (let y1 = 0; y1 < Y1; y1++) {
      for (let y2 = 0; y2 < Y2; y2++) {
        for (let k0 = 0; k0 < K0; k0++) {
          const i0 = t0[y0 * K0 + k0]!;
          for (let k1 = 0; k1 < K1; k1++) {
            const i1 = t1[y1 * K1 + k1]!;
            const row = i0 < 0 || i1 < 0 ? -1 : (i0 * X1 + i1) * X2;
            for (let k2 = 0; k2 < K2; k2++) {
              const i2 = t2[y2 * K2 + k2]!;
              add(row < 0 || i2 < 0 ? -1 : (row + i2) * c);
            }
          }
        }
      }
    }
  }
  return count;
}

/** Index of the first value group `g` reads for output batch element `n` (add a run's offset). */
function itemBase(geo: ConvGeometry, plan: ConvPlan, g: number, n: number): number {
  const item = prod(geo.inSize) * geo.inChannels;
  return geo.batchGroups ? (g * plan.outBatch + n) * item : n * item + g * plan.groupChannels;
}

/**
 * Fills `cols` with the im2col matrix of group `g` for output batch elements `n0 .. n0+count-1`
 * (in WebAssembly when `mm` may use it and both arrays are in its memory).
 */
function im2col(
  mm: Product,
  cols: FloatArray,
  x: FloatArray,
  runs: Int32Array,
  nRuns: number,
  geo: ConvGeometry,
  plan: ConvPlan,
  g: number,
  n0: number,
  count: number,
): void {
  const item = plan.positions * plan.patch;
  if (
    mm !== matmulJs &&
    cols instanceof Float32Array &&
    x instanceof Float32Array &&
    wasmIm2col(
      cols,
      item,
      x,
      itemBase(geo, plan, g, n0),
      prod(geo.inSize) * geo.inChannels,
      runs,
      nRuns,
      count,
    )
  )
    return;
  for (let n = n0; n < n0 + count; n++) {
    const base = itemBase(geo, plan, g, n);
    const c0 = (n - n0) * item;
    for (let r = 0; r < 3 * nRuns; r += 3) {
      const d = c0 + runs[r]!;
      const s = runs[r + 1]!;
      const len = runs[r + 2]!;
      if (s < 0) for (let i = 0; i < len; i++) cols[d + i] = 0;
      else for (let i = 0, xi = base + s; i < len; i++) cols[d + i] = x[xi + i]!;
    }
  }
}

/** Adds the im2col-shaped `cols` of group `g` back into the input-shaped `dx` (col2im). */
function col2im(
  dx: FloatArray,
  cols: FloatArray,
  runs: Int32Array,
  nRuns: number,
  geo: ConvGeometry,
  plan: ConvPlan,
  g: number,
  n0: number,
  count: number,
): void {
  const item = plan.positions * plan.patch;
  for (let n = n0; n < n0 + count; n++) {
    const base = itemBase(geo, plan, g, n);
    const c0 = (n - n0) * item;
    for (let r = 0; r < 3 * nRuns; r += 3) {
      const d = c0 + runs[r]!;
      const s = runs[r + 1]!;
      const len = runs[r + 2]!;
      if (s >= 0) for (let i = 0, xi = base + s; i < len; i++) dx[xi + i] += cols[d + i]!;
    }
  }
}

/** Copies columns `g·groupOut ..` of a `[rows, outChannels]` matrix into a packed `[rows, groupOut]` one. */
function packColumns(
  dst: FloatArray,
  src: FloatArray,
  srcRow0: number,
  rows: number,
  width: number,
  from: number,
  count: number,
): void {
  for (let r = 0; r < rows; r++) {
    const s = (srcRow0 + r) * width + from;
    const d = r * count;
    for (let j = 0; j < count; j++) dst[d + j] = src[s + j]!;
  }
}

/** Writes (or adds, with `add`) a packed `[rows, count]` matrix into columns `from ..` of `dst`. */
function unpackColumns(
  dst: FloatArray,
  dstRow0: number,
  width: number,
  from: number,
  src: FloatArray,
  rows: number,
  count: number,
  add: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const d = (dstRow0 + r) * width + from;
    const s = r * count;
    if (add) for (let j = 0; j < count; j++) dst[d + j] += src[s + j]!;
    else for (let j = 0; j < count; j++) dst[d + j] = src[s + j]!;
  }
}

/** The group's slice of the kernel `[patch, outChannels]` as a contiguous `[patch, groupOut]` matrix. */
function groupKernel(
  w: FloatArray,
  packed: FloatArray,
  geo: ConvGeometry,
  plan: ConvPlan,
  g: number,
): FloatArray {
  if (geo.groups === 1) return w;
  packColumns(packed, w, 0, plan.patch, geo.outChannels, g * plan.groupOut, plan.groupOut);
  return packed;
}

/** Scratch buffers of a convolution kernel, of at least the sizes `convPlan` gives. */
export interface ConvScratch {
  /** The copies that make the im2col matrix (`runsSize` entries). */
  readonly runs: Int32Array;
  /** The im2col matrix of one chunk (`colsSize`). */
  readonly cols: FloatArray;
  /** One group's slice of the kernel (`packedKernelSize`). */
  readonly packedKernel: FloatArray;
  /** One group's slice of a chunk of the output, or a partial kernel (`packedOutSize`). */
  readonly packedOut: FloatArray;
}

/** Output batch elements `n0 .. n0 + count − 1` of each chunk, in order. */
function forChunks(plan: ConvPlan, body: (n0: number, count: number) => void): void {
  for (let n0 = 0; n0 < plan.outBatch; n0 += plan.chunk)
    body(n0, Math.min(plan.chunk, plan.outBatch - n0));
}

/** Forward convolution: `y = conv(x, w)` (layouts in the module comment). */
function convForwardWith(
  mm: Product,
  y: FloatArray,
  x: FloatArray,
  w: FloatArray,
  geo: ConvGeometry,
  scratch: ConvScratch,
): void {
  const plan = convPlan(geo);
  const { outBatch, positions, patch, groupOut } = plan;
  const o = geo.outChannels;
  if (plan.direct) {
    mm(y, x, w, 1, outBatch * positions, o, patch, false, false);
    return;
  }
  const { runs, cols, packedKernel, packedOut } = scratch;
  const nRuns = patchRuns(runs, geo, plan);
  for (let g = 0; g < geo.groups; g++) {
    const wg = groupKernel(w, packedKernel, geo, plan, g);
    forChunks(plan, (n0, count) => {
      const rows = count * positions;
      im2col(mm, cols, x, runs, nRuns, geo, plan, g, n0, count);
      if (geo.groups === 1) {
        mm(y.subarray(n0 * positions * o), cols, wg, 1, rows, o, patch, false, false);
      } else {
        mm(packedOut, cols, wg, 1, rows, groupOut, patch, false, false);
        unpackColumns(y, n0 * positions, o, g * groupOut, packedOut, rows, groupOut, false);
      }
    });
  }
}

/** Rows `n0 · positions ..` of the output-shaped `dy`, as a contiguous matrix of group `g`'s columns. */
function groupRows(
  dy: FloatArray,
  packed: FloatArray,
  geo: ConvGeometry,
  plan: ConvPlan,
  g: number,
  n0: number,
  rows: number,
): FloatArray {
  const o = geo.outChannels;
  if (geo.groups === 1) return dy.subarray(n0 * plan.positions * o);
  packColumns(packed, dy, n0 * plan.positions, rows, o, g * plan.groupOut, plan.groupOut);
  return packed;
}

/**
 * Gradient of the input: `dx = col2im(ȳ · Wᵀ)`, the transpose of `convForward` in `x` (so also
 * the transposed convolution of `ȳ`).
 */
function convInputGradWith(
  mm: Product,
  dx: FloatArray,
  dy: FloatArray,
  w: FloatArray,
  geo: ConvGeometry,
  scratch: ConvScratch,
): void {
  const plan = convPlan(geo);
  const { outBatch, positions, patch, groupOut } = plan;
  if (plan.direct) {
    mm(dx, dy, w, 1, outBatch * positions, patch, geo.outChannels, false, true);
    return;
  }
  const { runs, cols, packedKernel, packedOut } = scratch;
  const nRuns = patchRuns(runs, geo, plan);
  dx.fill(0);
  for (let g = 0; g < geo.groups; g++) {
    const wg = groupKernel(w, packedKernel, geo, plan, g);
    forChunks(plan, (n0, count) => {
      const rows = count * positions;
      const dyg = groupRows(dy, packedOut, geo, plan, g, n0, rows);
      mm(cols, dyg, wg, 1, rows, patch, groupOut, false, true);
      col2im(dx, cols, runs, nRuns, geo, plan, g, n0, count);
    });
  }
}

/**
 * Gradient of the kernel: `dw = colsᵀ · ȳ` summed over chunks, the transpose of `convForward` in
 * `w`. With several groups or chunks, each product goes to `partial` (`packedKernelSize`
 * elements, or `patch × outChannels` with one group) and is added into `dw`.
 */
function convKernelGradWith(
  mm: Product,
  dw: FloatArray,
  x: FloatArray,
  dy: FloatArray,
  geo: ConvGeometry,
  scratch: ConvScratch,
): void {
  const plan = convPlan(geo);
  const { outBatch, positions, patch, groupOut } = plan;
  const o = geo.outChannels;
  if (plan.direct) {
    mm(dw, x, dy, 1, patch, o, outBatch * positions, true, false);
    return;
  }
  const { runs, cols, packedKernel: partial, packedOut } = scratch;
  const nRuns = patchRuns(runs, geo, plan);
  if (outBatch === 0) dw.fill(0);
  for (let g = 0; g < geo.groups; g++) {
    forChunks(plan, (n0, count) => {
      const rows = count * positions;
      im2col(mm, cols, x, runs, nRuns, geo, plan, g, n0, count);
      const dyg = groupRows(dy, packedOut, geo, plan, g, n0, rows);
      if (geo.groups === 1 && n0 === 0) {
        mm(dw, cols, dyg, 1, patch, o, rows, true, false);
      } else {
        mm(partial, cols, dyg, 1, patch, groupOut, rows, true, false);
        unpackColumns(dw, 0, o, g * groupOut, partial, patch, groupOut, n0 > 0);
      }
    });
  }
}

/** One form per engine of each convolution kernel (`auto` dispatches each product by size). */
function forms<A extends unknown[]>(kernel: (mm: Product, ...args: A) => void) {
  return [matmul, matmulJs, matmulWasm].map(
    (mm) =>
      (...args: A) =>
        kernel(mm, ...args),
  ) as [(...args: A) => void, (...args: A) => void, (...args: A) => void];
}

const forward = forms(convForwardWith);
const inputGrad = forms(convInputGradWith);
const kernelGrad = forms(convKernelGradWith);
/** The convolution `y = conv(x, w)` (see {@link ConvGeometry} for the layouts). */
export const convForward = forward[0];
/** The input gradient (a transposed convolution) `dx` from `dy` and `w`. */
export const convInputGrad = inputGrad[0];
/** The kernel gradient `dw` from `x` and `dy`. */
export const convKernelGrad = kernelGrad[0];
registerKernelForms(convForward, forward[1], forward[2]);
registerKernelForms(convInputGrad, inputGrad[1], inputGrad[2]);
registerKernelForms(convKernelGrad, kernelGrad[1], kernelGrad[2]);
