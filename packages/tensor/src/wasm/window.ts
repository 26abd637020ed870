/**
 * Window kernels for f32 in WebAssembly SIMD: the max, min and sum over each window, and
 * select-and-scatter / -gather (through each window's first element equal to its max or min).
 * They take the windows as the tables `kernels/window.ts` plans (rows of windows, the taps of all
 * axes but the last per row, the taps of the last axis per window) and vectorize along the block
 * of trailing axes the window does not move over (the channels of a channels-last pooling), four
 * lanes at a time, then one at a time.
 *
 * Every result is bit-identical to the JavaScript kernels': taps are visited in the same
 * row-major window order; max and min keep the first extreme by comparison and `bitselect` (so
 * of −0 and +0 the first wins, and the first NaN wins over everything); sums add in doubles in
 * tap order and round once; the selection picks the first tap equal to the extreme (or the first
 * NaN when it is NaN), and the first tap when none is; scatters add in the same order.
 */
import { simdSupported } from "./features.js";
import { alignUp, heapF32, instantiateShared, isHeapView, scratch } from "./memory.js";
import { windowModule } from "./window-module.js";
import { webAssembly } from "./webassembly.js";

/**
 * The windows of one window op, as flat tables. Window positions come in `rows` rows of
 * `lastOut` windows (the last window axis varies fastest); each position covers `block`
 * consecutive elements of input and output. Input offsets are in elements.
 */
export interface WindowTables {
  readonly rows: number;
  readonly lastOut: number;
  readonly block: number;
  /** Row r's taps over all axes but the last: `prefix[rowStart[r] .. rowStart[r + 1] − 1]`. */
  readonly rowStart: Int32Array;
  /** Input offsets of those taps, in row-major window order. */
  readonly prefix: Int32Array;
  /** Window w's taps on the last axis: `lastIndex[lastStart[w] .. lastStart[w + 1] − 1]`. */
  readonly lastStart: Int32Array;
  /** Input offsets of those taps, in order. */
  readonly lastIndex: Int32Array;
  /** Most taps a window can have. */
  readonly maxTaps: number;
  /** Elements of the input. */
  readonly inputSize: number;
}

/** The reductions {@link wasmWindowReduce} computes. */
export type WasmWindowReduction = "max" | "min" | "sum";

/**
 * How many times the Wasm window kernels have run: reductions, and select-and-scatter or -gather
 * (tests check that the Wasm forms ran).
 */
export const wasmWindowRuns = { reduce: 0, select: 0 };

type Run = (...args: number[]) => void;
type KernelName = WasmWindowReduction | "scatter" | "gather";
let kernels: Record<KernelName, Run> | undefined;

function instance(): Record<KernelName, Run> {
  if (kernels === undefined) {
    const exports = instantiateShared(windowModule());
    kernels = {
      max: exports.max as Run,
      min: exports.min as Run,
      sum: exports.sum as Run,
      scatter: exports.scatter as Run,
      gather: exports.gather as Run,
    };
  }
  return kernels;
}

/** Largest input or output (in elements) whose byte offsets stay below 2³¹. */
const MAX_ELEMENTS = 2 ** 29 - 1;

/** Whether the Wasm window kernels can run here, on tables of this size. */
export function windowWasmAvailable(t: WindowTables): boolean {
  const outputSize = t.rows * t.lastOut * t.block;
  return (
    webAssembly !== undefined &&
    simdSupported() &&
    t.inputSize <= MAX_ELEMENTS &&
    outputSize <= MAX_ELEMENTS &&
    t.prefix.length <= MAX_ELEMENTS
  );
}

/**
 * Lays out, in the scratch region, copies of the arrays that are not heap views, the tables and
 * the taps scratch; returns the arguments every kernel starts with and the arrays' addresses.
 */
function layout(
  op: string,
  t: WindowTables,
  arrays: readonly { readonly data: Float32Array | null; readonly length: number }[],
): { readonly head: number[]; readonly at: number[] } {
  const tables = [t.rowStart, t.prefix, t.lastStart, t.lastIndex];
  let need = alignUp(4 * Math.max(t.maxTaps, 1));
  for (const table of tables) need += alignUp(4 * table.length);
  for (const a of arrays) if (a.data === null || !isHeapView(a.data)) need += alignUp(4 * a.length);
  let next = scratch(need);
  if (next < 0)
    throw new RangeError(`${op}: ${t.inputSize} elements do not fit in the 4 GiB Wasm memory`);
  const buffer = heapF32().buffer;
  const take = (bytes: number) => {
    const here = next;
    next += alignUp(bytes);
    return here;
  };
  const tableAt = tables.map((table) => {
    const here = take(4 * table.length);
    new Int32Array(buffer, here, table.length).set(table);
    return here;
  });
  const tapsAt = take(4 * Math.max(t.maxTaps, 1));
  const at = arrays.map(({ data, length }) => {
    if (data !== null && isHeapView(data)) return data.byteOffset;
    const here = take(4 * length);
    if (data !== null)
      new Float32Array(buffer, here, length).set(
        data.length === length ? data : data.subarray(0, length),
      );
    return here;
  });
  return { head: [t.rows, t.lastOut, t.block, ...tableAt, tapsAt], at };
}

/**
 * `out` = the max, min or sum of f32 `x` over each window of `t`, bit-identical to the
 * JavaScript kernel; `init` fills windows without a valid tap.
 */
export function wasmWindowReduce(
  out: Float32Array,
  x: Float32Array,
  t: WindowTables,
  op: WasmWindowReduction,
  init: number,
): void {
  const run = instance()[op];
  const n = t.rows * t.lastOut * t.block;
  const outInPlace = isHeapView(out);
  const { head, at } = layout("windowReduce (wasm)", t, [
    { data: x, length: t.inputSize },
    { data: outInPlace ? out : null, length: n },
  ]);
  run(...head, at[0]!, at[1]!, init);
  wasmWindowRuns.reduce++;
  if (!outInPlace) out.set(new Float32Array(heapF32().buffer, at[1]!, n));
}

/**
 * Select and scatter over f32 arrays: `out` (the input's shape) = zeros plus, for each window,
 * `g` added at its first element equal to the window's extreme `y` (bit-identical to the
 * JavaScript kernel).
 */
export function wasmWindowSelectScatter(
  out: Float32Array,
  x: Float32Array,
  y: Float32Array,
  g: Float32Array,
  t: WindowTables,
): void {
  const run = instance().scatter;
  const n = t.rows * t.lastOut * t.block;
  const outInPlace = isHeapView(out);
  const { head, at } = layout("windowSelectScatter (wasm)", t, [
    { data: x, length: t.inputSize },
    { data: y, length: n },
    { data: g, length: n },
    { data: outInPlace ? out : null, length: t.inputSize },
  ]);
  run(...head, at[0]!, at[1]!, at[2]!, at[3]!, 4 * t.inputSize);
  wasmWindowRuns.select++;
  if (!outInPlace) out.set(new Float32Array(heapF32().buffer, at[3]!, t.inputSize));
}

/**
 * Select and gather over f32 arrays: `out` (the windows' shape) = `h` at each window's first
 * element equal to its extreme `y`, 0 for a window without a valid tap (bit-identical to the
 * JavaScript kernel).
 */
export function wasmWindowSelectGather(
  out: Float32Array,
  x: Float32Array,
  y: Float32Array,
  h: Float32Array,
  t: WindowTables,
): void {
  const run = instance().gather;
  const n = t.rows * t.lastOut * t.block;
  const outInPlace = isHeapView(out);
  const { head, at } = layout("windowSelectGather (wasm)", t, [
    { data: x, length: t.inputSize },
    { data: y, length: n },
    { data: h, length: t.inputSize },
    { data: outInPlace ? out : null, length: n },
  ]);
  run(...head, at[0]!, at[1]!, at[2]!, at[3]!);
  wasmWindowRuns.select++;
  if (!outInPlace) out.set(new Float32Array(heapF32().buffer, at[3]!, n));
}
