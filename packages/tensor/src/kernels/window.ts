// Window kernels: reductions over sliding windows (sum, product, max, min) and the
// select-and-scatter pair behind the gradients of window max and min.
//
// A window has a size, stride, dilation and low padding on every axis. Trailing axes where the
// window is trivial (size 1, stride 1, no padding) are treated as one contiguous block, so for a
// channels-last pooling `[batch, h, w, c]` with window `[1, 2, 2, 1]` each window reads runs of c
// values and the per-window bookkeeping is paid once per c elements. For the other axes, per-axis
// tables list the input index of every valid tap of every output position (taps on padding are
// left out: padding holds the reduction's identity), and each window's taps are their product.
//
// Each kernel has three forms (compile/engines.ts): the exported kernel the lowerings call is the
// `auto` form, which sends f32 max, min and sum and select-and-scatter/-gather of inputs of at
// least WASM_WINDOW_MIN elements to the WebAssembly SIMD kernels of wasm/window.ts (given the
// same windows as flat tables, bit-identical results) and keeps the rest here; `…Js` always runs
// here, `…Wasm` runs in WebAssembly whatever the size, where the dtype allows.

import type { NumberArray as TypedArray } from "../dtype.js";
import { sizeOf } from "../shape.js";
import { withForms } from "../compile/engines.js";
import {
  wasmWindowReduce,
  wasmWindowSelectGather,
  wasmWindowSelectScatter,
  windowWasmAvailable,
  type WasmWindowReduction,
  type WindowTables,
} from "../wasm/window.js";

/** A window over every axis of an input of `shape`, giving an output of `outShape`. */
export interface WindowGeometry {
  readonly shape: readonly number[];
  readonly window: readonly number[];
  readonly strides: readonly number[];
  /** Low padding per axis (≥ 0). */
  readonly padLow: readonly number[];
  readonly dilations: readonly number[];
  readonly outShape: readonly number[];
}

/** The reductions, as the numbers the kernel takes. */
export const WINDOW_SUM = 0;
export const WINDOW_PRODUCT = 1;
export const WINDOW_MAX = 2;
export const WINDOW_MIN = 3;

interface AxisTaps {
  /** Taps of output position o: `index[start[o] .. start[o + 1] − 1]`. */
  readonly start: Int32Array;
  /** Input index (times the axis' stride in elements) of each valid tap, in tap order. */
  readonly index: Int32Array;
}

interface WindowPlan {
  /** Elements per window position that are reduced independently (the trailing trivial axes). */
  readonly block: number;
  /** Output sizes of the other axes. */
  readonly outer: readonly number[];
  readonly axes: readonly AxisTaps[];
  /** Most taps a window can have. */
  readonly maxTaps: number;
}

/** The number of trailing axes where the window is trivial (size 1, stride 1, no padding). */
function trivialTail(geo: WindowGeometry): number {
  const r = geo.shape.length;
  let m = r;
  while (
    m > 0 &&
    geo.window[m - 1] === 1 &&
    geo.strides[m - 1] === 1 &&
    geo.padLow[m - 1] === 0 &&
    geo.outShape[m - 1] === geo.shape[m - 1]
  )
    m--;
  return r - m;
}

/** Elements reduced side by side at each window position: the size of the trivial trailing axes. */
function windowBlock(geo: WindowGeometry): number {
  return geo.shape.slice(geo.shape.length - trivialTail(geo)).reduce((a, b) => a * b, 1);
}

function plan(geo: WindowGeometry): WindowPlan {
  const m = geo.shape.length - trivialTail(geo);
  const block = windowBlock(geo);
  const axes: AxisTaps[] = [];
  let stride = block;
  for (let d = m - 1; d >= 0; d--) {
    const [n, k, out] = [geo.shape[d]!, geo.window[d]!, geo.outShape[d]!];
    const start = new Int32Array(out + 1);
    const index: number[] = [];
    for (let o = 0; o < out; o++) {
      for (let t = 0; t < k; t++) {
        const i = o * geo.strides[d]! + t * geo.dilations[d]! - geo.padLow[d]!;
        if (i >= 0 && i < n) index.push(i * stride);
      }
      start[o + 1] = index.length;
    }
    axes.unshift({ start, index: Int32Array.from(index) });
    stride *= n;
  }
  const maxTaps = geo.window.slice(0, m).reduce((a, b) => a * b, 1);
  return { block, outer: geo.outShape.slice(0, m), axes, maxTaps };
}

/**
 * Calls `visit(prefix, count)` for every row of window positions (all output axes but the last;
 * at least one window axis), in row-major order: `prefix[0 .. count − 1]` are the input offsets of
 * the row's taps on those axes, in row-major window order. The buffer is reused between rows.
 */
function forEachRow(p: WindowPlan, visit: (prefix: Int32Array, count: number) => void): void {
  const { outer, axes } = p;
  const m = outer.length;
  const prefix = new Int32Array(Math.max(p.maxTaps, 1));
  const rows = outer.slice(0, m - 1).reduce((a, b) => a * b, 1);
  const at = new Int32Array(m - 1);
  for (let row = 0; row < rows; row++) {
    let count = 1;
    prefix[0] = 0;
    for (let d = 0; d < m - 1 && count > 0; d++) {
      const { start, index } = axes[d]!;
      const s = start[at[d]!]!;
      const n = start[at[d]! + 1]! - s;
      // Expand in place from the back so earlier axes stay the slower ones.
      for (let a = count - 1; a >= 0; a--) {
        const base = prefix[a]!;
        for (let b = n - 1; b >= 0; b--) prefix[a * n + b] = base + index[s + b]!;
      }
      count *= n;
    }
    visit(prefix, count);
    for (let d = m - 2; d >= 0; d--) {
      if (++at[d]! < outer[d]!) break;
      at[d] = 0;
    }
  }
}

/**
 * Calls `visit(o, taps, count)` for every window position, in row-major order: `o` is the index
 * of the position's first output element, `taps[0 .. count − 1]` the input offsets of its valid
 * taps in row-major window order. The taps of all axes but the last are combined once per row of
 * windows; each window then only crosses them with its last axis' taps.
 */
function forEachWindow(
  p: WindowPlan,
  visit: (o: number, taps: Int32Array, count: number) => void,
): void {
  const { outer, axes, block } = p;
  const m = outer.length;
  const taps = new Int32Array(Math.max(p.maxTaps, 1));
  if (m === 0) {
    visit(0, taps, 1);
    return;
  }
  const last = axes[m - 1]!;
  let o = 0;
  forEachRow(p, (prefix, count) => {
    for (let w = 0; w < outer[m - 1]!; w++, o += block) {
      const s = last.start[w]!;
      const n = last.start[w + 1]! - s;
      let c = 0;
      for (let a = 0; a < count; a++) {
        const base = prefix[a]!;
        for (let b = 0; b < n; b++) taps[c++] = base + last.index[s + b]!;
      }
      visit(o, taps, c);
    }
  });
}

/** The windows as the flat tables of the Wasm kernels: the same taps in the same order. */
function tablesOf(p: WindowPlan, inputSize: number): WindowTables {
  const m = p.outer.length;
  const one = Int32Array.of(0, 1);
  if (m === 0) {
    const zero = Int32Array.of(0);
    const base = { rows: 1, lastOut: 1, block: p.block, maxTaps: 1, inputSize };
    return { ...base, rowStart: one, prefix: zero, lastStart: one, lastIndex: zero };
  }
  const rows = p.outer.slice(0, m - 1).reduce((a, b) => a * b, 1);
  const rowStart = new Int32Array(rows + 1);
  const prefixes: number[] = [];
  let r = 0;
  forEachRow(p, (prefix, count) => {
    for (let a = 0; a < count; a++) prefixes.push(prefix[a]!);
    rowStart[++r] = prefixes.length;
  });
  const last = p.axes[m - 1]!;
  return {
    rows,
    lastOut: p.outer[m - 1]!,
    block: p.block,
    rowStart,
    prefix: Int32Array.from(prefixes),
    lastStart: last.start,
    lastIndex: last.index,
    maxTaps: p.maxTaps,
    inputSize,
  };
}

// Each window position is computed for its whole block, four elements at a time with the running
// values in locals (independent chains the processor overlaps), then one at a time. Max, min and
// selection track an index updated by arithmetic on a comparison (0 or 1) instead of a branch:
// windows of noisy data make branches unpredictable, and a mispredicted branch per element costs
// more than the rest of the loop.

/** Sums of the `count ≥ 1` taps (input offsets in `taps`) into `out[o + j]`, j < B, in doubles. */
function sumWindow(
  out: TypedArray,
  o: number,
  x: TypedArray,
  taps: Int32Array,
  count: number,
  B: number,
): void {
  let j = 0;
  for (; j + 4 <= B; j += 4) {
    let q = taps[0]! + j;
    let s0 = x[q]!;
    let s1 = x[q + 1]!;
    let s2 = x[q + 2]!;
    let s3 = x[q + 3]!;
    for (let t = 1; t < count; t++) {
      q = taps[t]! + j;
      s0 += x[q]!;
      s1 += x[q + 1]!;
      s2 += x[q + 2]!;
      s3 += x[q + 3]!;
    }
    out[o + j] = s0;
    out[o + j + 1] = s1;
    out[o + j + 2] = s2;
    out[o + j + 3] = s3;
  }
  for (; j < B; j++) {
    let acc = x[taps[0]! + j]!;
    for (let t = 1; t < count; t++) acc += x[taps[t]! + j]!;
    out[o + j] = acc;
  }
}

/** Products of the taps into `out[o + j]`; with `int32` wrapped to 32 bits as integer arrays keep them. */
function productWindow(
  out: TypedArray,
  o: number,
  x: TypedArray,
  taps: Int32Array,
  count: number,
  B: number,
  int32: boolean,
): void {
  for (let j = 0; j < B; j++) {
    let acc = x[taps[0]! + j]!;
    for (let t = 1; t < count; t++)
      acc = int32 ? Math.imul(acc, x[taps[t]! + j]!) : acc * x[taps[t]! + j]!;
    out[o + j] = acc;
  }
}

/**
 * `out[o + j]` = the largest tap (with `sign` −1: the smallest), j < B; a NaN propagates. The
 * index of the best tap so far is updated by arithmetic on the comparison, and comparing
 * `sign · value` makes one loop serve both (multiplying by ±1 is exact).
 */
function extremeWindow(
  out: TypedArray,
  o: number,
  x: TypedArray,
  taps: Int32Array,
  count: number,
  B: number,
  sign: number,
): void {
  let j = 0;
  for (; j + 4 <= B; j += 4) {
    let a0 = taps[0]! + j;
    let a1 = a0 + 1;
    let a2 = a0 + 2;
    let a3 = a0 + 3;
    let m0 = sign * x[a0]!;
    let m1 = sign * x[a1]!;
    let m2 = sign * x[a2]!;
    let m3 = sign * x[a3]!;
    for (let t = 1; t < count; t++) {
      const q = taps[t]! + j;
      const v0 = sign * x[q]!;
      const v1 = sign * x[q + 1]!;
      const v2 = sign * x[q + 2]!;
      const v3 = sign * x[q + 3]!;
      a0 += (+(v0 > m0) | (+(v0 !== v0) & +(m0 === m0))) * (q - a0);
      a1 += (+(v1 > m1) | (+(v1 !== v1) & +(m1 === m1))) * (q + 1 - a1);
      a2 += (+(v2 > m2) | (+(v2 !== v2) & +(m2 === m2))) * (q + 2 - a2);
      a3 += (+(v3 > m3) | (+(v3 !== v3) & +(m3 === m3))) * (q + 3 - a3);
      m0 = sign * x[a0]!;
      m1 = sign * x[a1]!;
      m2 = sign * x[a2]!;
      m3 = sign * x[a3]!;
    }
    out[o + j] = x[a0]!;
    out[o + j + 1] = x[a1]!;
    out[o + j + 2] = x[a2]!;
    out[o + j + 3] = x[a3]!;
  }
  for (; j < B; j++) {
    let at = taps[0]! + j;
    let m = sign * x[at]!;
    for (let t = 1; t < count; t++) {
      const q = taps[t]! + j;
      const v = sign * x[q]!;
      at += (+(v > m) | (+(v !== v) & +(m === m))) * (q - at);
      m = sign * x[at]!;
    }
    out[o + j] = x[at]!;
  }
}

/**
 * `sel[o + j]` = the input index of the first tap equal to `y[o + j]` (a window's max or min, so
 * its first extreme; a NaN matches the first NaN), j < B. Found by arithmetic on comparisons, as
 * `extremeWindow`, without a dependent load per tap.
 */
function firstEqualWindow(
  sel: Int32Array,
  o: number,
  x: TypedArray,
  y: TypedArray,
  taps: Int32Array,
  count: number,
  B: number,
): void {
  let j = 0;
  for (; j + 4 <= B; j += 4) {
    const m0 = y[o + j]!;
    const m1 = y[o + j + 1]!;
    const m2 = y[o + j + 2]!;
    const m3 = y[o + j + 3]!;
    const n0 = +(m0 !== m0);
    const n1 = +(m1 !== m1);
    const n2 = +(m2 !== m2);
    const n3 = +(m3 !== m3);
    let a0 = taps[0]! + j;
    let a1 = a0 + 1;
    let a2 = a0 + 2;
    let a3 = a0 + 3;
    let v = x[a0]!;
    let f0 = +(v === m0) | (+(v !== v) & n0);
    v = x[a1]!;
    let f1 = +(v === m1) | (+(v !== v) & n1);
    v = x[a2]!;
    let f2 = +(v === m2) | (+(v !== v) & n2);
    v = x[a3]!;
    let f3 = +(v === m3) | (+(v !== v) & n3);
    for (let t = 1; t < count; t++) {
      const q = taps[t]! + j;
      const v0 = x[q]!;
      const v1 = x[q + 1]!;
      const v2 = x[q + 2]!;
      const v3 = x[q + 3]!;
      const e0 = (+(v0 === m0) | (+(v0 !== v0) & n0)) & (1 - f0);
      const e1 = (+(v1 === m1) | (+(v1 !== v1) & n1)) & (1 - f1);
      const e2 = (+(v2 === m2) | (+(v2 !== v2) & n2)) & (1 - f2);
      const e3 = (+(v3 === m3) | (+(v3 !== v3) & n3)) & (1 - f3);
      a0 += e0 * (q - a0);
      a1 += e1 * (q + 1 - a1);
      a2 += e2 * (q + 2 - a2);
      a3 += e3 * (q + 3 - a3);
      f0 |= e0;
      f1 |= e1;
      f2 |= e2;
      f3 |= e3;
    }
    sel[o + j] = a0;
    sel[o + j + 1] = a1;
    sel[o + j + 2] = a2;
    sel[o + j + 3] = a3;
  }
  for (; j < B; j++) {
    const m = y[o + j]!;
    const nan = +(m !== m);
    let at = taps[0]! + j;
    let v = x[at]!;
    let found = +(v === m) | (+(v !== v) & nan);
    for (let t = 1; t < count; t++) {
      const q = taps[t]! + j;
      v = x[q]!;
      const e = (+(v === m) | (+(v !== v) & nan)) & (1 - found);
      at += e * (q - at);
      found |= e;
    }
    sel[o + j] = at;
  }
}

/**
 * Inputs with at least this many elements go to the Wasm kernels under the `auto` engine (f32
 * max, min and sum, select-and-scatter and -gather); smaller ones stay here, where copying into
 * the Wasm memory and the call cost more than the kernel saves. Measured on channels-last 2 × 2
 * pooling with stride 2 (µs per call, JS vs Wasm, window max | select-and-scatter): 64 elements
 * 1.6 vs 3.5 | 1.6 vs 3.7; 256: 2.8 vs 3.9 | 3.1 vs 4.2; 1024: 5.1 vs 4.3 | 6.3 vs 5.1; 4096:
 * 15 vs 6.1 | 19 vs 8.9; 32768: 112 vs 23 | 145 vs 50; [64, 26, 26, 32]: 4700 vs 810 | 6200 vs
 * 2200. One channel ([8, 28, 28, 1], no vectors) still gains: 108 vs 38 | 101 vs 42.
 */
export const WASM_WINDOW_MIN = 1024;

/** The Wasm reductions, by kernel op. */
const WASM_REDUCTION: Partial<Record<number, WasmWindowReduction>> = {
  [WINDOW_SUM]: "sum",
  [WINDOW_MAX]: "max",
  [WINDOW_MIN]: "min",
};

/**
 * `out` = the reduction `op` (WINDOW_SUM, …) of `x` over each window; `init` is the value of a
 * window with no valid tap (the identity: 0, 1, the dtype's lowest or highest value). Sums and
 * products accumulate in doubles (`int32`: products wrap like 32-bit integers); max and min
 * propagate NaN. This is the `auto` form: f32 max, min and sum of inputs of at least
 * {@link WASM_WINDOW_MIN} elements run in WebAssembly (bit-identical), the rest here.
 */
export const windowReduce = withForms(
  windowReduceJs,
  windowReduceWasm,
  (...args) => args[1].length >= WASM_WINDOW_MIN,
);

/** {@link windowReduce} in JavaScript only. */
export function windowReduceJs(
  out: TypedArray,
  x: TypedArray,
  geo: WindowGeometry,
  op: number,
  init: number,
  int32: boolean,
): void {
  const p = plan(geo);
  const B = p.block;
  const sign = op === WINDOW_MIN ? -1 : 1;
  forEachWindow(p, (o, taps, count) => {
    if (count === 0) out.fill(init, o, o + B);
    else if (op === WINDOW_SUM) sumWindow(out, o, x, taps, count, B);
    else if (op === WINDOW_PRODUCT) productWindow(out, o, x, taps, count, B, int32);
    else extremeWindow(out, o, x, taps, count, B, sign);
  });
}

/**
 * {@link windowReduce} in WebAssembly for f32 max, min and sum (bit-identical to the JavaScript
 * kernel); products, other dtypes and runtimes without Wasm SIMD run in JavaScript.
 */
export function windowReduceWasm(
  out: TypedArray,
  x: TypedArray,
  geo: WindowGeometry,
  op: number,
  init: number,
  int32: boolean,
): void {
  const reduction = WASM_REDUCTION[op];
  if (reduction !== undefined && out instanceof Float32Array && x instanceof Float32Array) {
    const tables = tablesOf(plan(geo), sizeOf(geo.shape));
    if (windowWasmAvailable(tables)) return wasmWindowReduce(out, x, tables, reduction, init);
  }
  windowReduceJs(out, x, geo, op, init, int32);
}

/**
 * Fills `selected[o]` with the input index chosen in the window of output element `o`: its first
 * element (in row-major window order) equal to `y[o]`, the window's max (or min) — so the first
 * largest (smallest) element, as XLA's select-and-scatter with `>=` (`<=`); a NaN counts as the
 * extreme and the first NaN is chosen. −1 for a window with no valid tap.
 */
function select(selected: Int32Array, x: TypedArray, y: TypedArray, geo: WindowGeometry): void {
  const p = plan(geo);
  const B = p.block;
  forEachWindow(p, (o, taps, count) => {
    if (count === 0) selected.fill(-1, o, o + B);
    else firstEqualWindow(selected, o, x, y, taps, count, B);
  });
}

/** The windows' tables when select-and-scatter/-gather can run in Wasm on these arrays. */
function wasmSelectTables(
  arrays: readonly TypedArray[],
  geo: WindowGeometry,
): WindowTables | undefined {
  if (!arrays.every((a) => a instanceof Float32Array)) return undefined;
  const tables = tablesOf(plan(geo), sizeOf(geo.shape));
  return windowWasmAvailable(tables) ? tables : undefined;
}

/** `out` = zeros plus `g[o]` added at `selected[o]` (where ≥ 0), in increasing o. */
function scatterSelected(out: TypedArray, g: TypedArray, selected: Int32Array): void {
  out.fill(0);
  for (let o = 0; o < g.length; o++) {
    const i = selected[o]!;
    if (i >= 0) out[i] += g[o]!;
  }
}

/** `out[o]` = `h[selected[o]]`, or 0 where the window had no valid tap. */
function gatherSelected(out: TypedArray, h: TypedArray, selected: Int32Array): void {
  for (let o = 0; o < out.length; o++) {
    const i = selected[o]!;
    out[o] = i >= 0 ? h[i]! : 0;
  }
}

/**
 * The three forms of a select-and-scatter or -gather kernel: `select` picks each window's element
 * of x (given the windows' extremes y), then `apply(out, v, selected)` scatters or gathers `v`
 * through it; the Wasm form runs `wasm` where every array is f32.
 */
function selectForms(
  apply: (out: TypedArray, v: TypedArray, selected: Int32Array) => void,
  wasm: (
    out: Float32Array,
    x: Float32Array,
    y: Float32Array,
    v: Float32Array,
    t: WindowTables,
  ) => void,
) {
  const js = (
    out: TypedArray,
    x: TypedArray,
    y: TypedArray,
    v: TypedArray,
    geo: WindowGeometry,
    selected: Int32Array,
  ): void => {
    select(selected, x, y, geo);
    apply(out, v, selected);
  };
  const inWasm: typeof js = (out, x, y, v, geo, selected) => {
    const tables = wasmSelectTables([out, x, y, v], geo);
    if (tables === undefined) js(out, x, y, v, geo, selected);
    else wasm(out as Float32Array, x as Float32Array, y as Float32Array, v as Float32Array, tables);
  };
  const auto = withForms(js, inWasm, (_out, x) => x.length >= WASM_WINDOW_MIN);
  return [auto, js, inWasm] as const;
}

const scatterForms = selectForms(scatterSelected, wasmWindowSelectScatter);
const gatherForms = selectForms(gatherSelected, wasmWindowSelectGather);

/**
 * Select and scatter: `out` (x's shape) = zeros plus, for each window, its cotangent `g[o]` added
 * at the element `select` chooses, given the windows' extremes `y` (the gradient of window max or
 * min). Arguments `(out, x, y, g, geo, selected)`; `selected` (output size) is scratch. The `auto`
 * form: f32 inputs of at least {@link WASM_WINDOW_MIN} elements run in WebAssembly
 * (bit-identical), the rest here.
 */
export const windowSelectScatter = scatterForms[0];
/** {@link windowSelectScatter} in JavaScript only. */
export const windowSelectScatterJs = scatterForms[1];
/** {@link windowSelectScatter} in WebAssembly where every array is f32, else in JavaScript. */
export const windowSelectScatterWasm = scatterForms[2];

/**
 * The transpose of `windowSelectScatter` in `g`: `out[o]` (output shape) = `h` at the element
 * `select` chooses in window `o` (0 for a window with no valid tap); arguments and dispatch as
 * the scatter's.
 */
export const windowSelectGather = gatherForms[0];
/** {@link windowSelectGather} in JavaScript only. */
export const windowSelectGatherJs = gatherForms[1];
/** {@link windowSelectGather} in WebAssembly where every array is f32, else in JavaScript. */
export const windowSelectGatherWasm = gatherForms[2];
