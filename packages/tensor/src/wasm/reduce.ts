/**
 * Reductions of f32 arrays in WebAssembly, bit-identical to the JavaScript reductions:
 *
 * - sums over leading axes, `out[c] = Σ_r x[r · C + c]` (a bias gradient summed over a batch and
 *   positions), in doubles, two columns per f64x2 lane pair, each column adding its rows in order,
 *   then rounded once to f32;
 * - sums, maxima and minima over trailing axes, `out[r] = ⊕_c x[r · C + c]` (softmax's per-row
 *   maximum and sum), one row at a time in order: sums in doubles, maxima and minima keeping the
 *   first of equal values and any NaN, as the JavaScript loop does.
 */
import { ValType } from "./encoder.js";
import { simdSupported } from "./features.js";
import {
  alignUp,
  heapF32,
  instantiateShared,
  isHeapView,
  scratch,
  sharedModule,
} from "./memory.js";
import { webAssembly } from "./webassembly.js";

const V128_LOAD64_ZERO = 0x5d;
const F64X2_ADD = 0xf0;
const F64X2_PROMOTE_LOW_F32X4 = 0x5f;
const F64_LOAD = 0x2b;
const F64_STORE = 0x39;
const F64_ADD = 0xa0;
const F64_PROMOTE_F32 = 0xbb;
const F32_DEMOTE_F64 = 0xb6;

/** `sum(rows, columns, x, out, acc)`: byte addresses of x (f32), out (f32) and acc (f64 scratch). */
function sumModule(): Uint8Array {
  const mod = sharedModule();
  const I = ValType.i32;
  const f = mod.addFunction([I, I, I, I, I], [], "sum");
  const [rows, cols, x, out, acc] = [0, 1, 2, 3, 4].map((k) => f.param(k)) as [
    ReturnType<typeof f.param>,
    ReturnType<typeof f.param>,
    ReturnType<typeof f.param>,
    ReturnType<typeof f.param>,
    ReturnType<typeof f.param>,
  ];
  const r = f.local(I);
  const c = f.local(I);
  const row = f.local(I); // byte address of x's row r
  const pairs = f.local(I); // columns handled two at a time
  f.localSet(pairs, () => f.i32And(cols, -2));
  // acc = 0
  f.forRange(
    c,
    0,
    () => f.i32Shl(cols, 3),
    4,
    () => f.i32Store(() => f.i32Add(acc, c), 0),
  );
  f.forRange(r, 0, rows, 1, () => {
    f.localSet(row, () => f.i32Add(x, () => f.i32Shl(() => f.i32Mul(r, cols), 2)));
    f.forRange(c, 0, pairs, 2, () => {
      const at = () => f.i32Add(acc, () => f.i32Shl(c, 3));
      f.push(at);
      f.v128Load(at);
      f.push(() => f.i32Add(row, () => f.i32Shl(c, 2)));
      f.simd(V128_LOAD64_ZERO).emit(3, 0);
      f.simd(F64X2_PROMOTE_LOW_F32X4);
      f.simd(F64X2_ADD);
      f.v128Store();
    });
    f.forRange(c, pairs, cols, 1, () => {
      const at = () => f.i32Add(acc, () => f.i32Shl(c, 3));
      f.push(at);
      f.push(at).emit(F64_LOAD, 3, 0);
      f.f32Load(() => f.i32Add(row, () => f.i32Shl(c, 2)));
      f.emit(F64_PROMOTE_F32, F64_ADD, F64_STORE, 3, 0);
    });
  });
  f.forRange(c, 0, cols, 1, () => {
    f.push(() => f.i32Add(out, () => f.i32Shl(c, 2)));
    f.push(() => f.i32Add(acc, () => f.i32Shl(c, 3))).emit(F64_LOAD, 3, 0);
    f.emit(F32_DEMOTE_F64);
    f.f32Store();
  });
  f.end();
  return mod.encode();
}

/** Trailing-axis reductions `op(rows, columns, x, out)`, one export per monoid. */
const ROW_MONOIDS = ["sum", "max", "min"] as const;
/** A reduction over trailing axes that {@link rowReduce} runs. */
export type RowMonoid = (typeof ROW_MONOIDS)[number];

const F32_GT = 0x5e;
const F32_LT = 0x5d;
const F32_NE = 0x5c;
const I32_OR = 0x72;
const SELECT = 0x1b;

function rowsModule(): Uint8Array {
  const mod = sharedModule();
  const I = ValType.i32;
  for (const monoid of ROW_MONOIDS) {
    const f = mod.addFunction([I, I, I, I], [], monoid);
    const [rows, cols, x, out] = [0, 1, 2, 3].map((k) => f.param(k)) as [
      ReturnType<typeof f.param>,
      ReturnType<typeof f.param>,
      ReturnType<typeof f.param>,
      ReturnType<typeof f.param>,
    ];
    const r = f.local(I);
    const at = f.local(I); // byte address of the next element
    const end = f.local(I);
    const acc = f.local(monoid === "sum" ? ValType.f64 : ValType.f32);
    const v = f.local(ValType.f32);
    f.localSet(at, x);
    f.forRange(r, 0, rows, 1, () => {
      if (monoid === "sum")
        f.emit(0x44, ...new Uint8Array(8)); // f64.const 0
      else f.f32Const(monoid === "max" ? -Infinity : Infinity);
      f.localSet(acc);
      f.localSet(end, () => f.i32Add(at, () => f.i32Shl(cols, 2)));
      f.forRange(at, at, end, 4, () => {
        if (monoid === "sum") {
          f.localGet(acc);
          f.f32Load(at).emit(F64_PROMOTE_F32, F64_ADD);
          f.localSet(acc);
          return;
        }
        // acc = (v > acc || v !== v) ? v : acc  (v < acc for the minimum)
        f.localSet(v, () => f.f32Load(at));
        f.localGet(v).localGet(acc);
        f.localGet(v)
          .localGet(acc)
          .emit(monoid === "max" ? F32_GT : F32_LT);
        f.localGet(v).localGet(v).emit(F32_NE, I32_OR, SELECT);
        f.localSet(acc);
      });
      f.push(() => f.i32Add(out, () => f.i32Shl(r, 2)));
      f.localGet(acc);
      if (monoid === "sum") f.emit(F32_DEMOTE_F64);
      f.f32Store();
    });
    f.end();
  }
  return mod.encode();
}

let rowExports: Record<RowMonoid, (...args: number[]) => void> | undefined;

/**
 * `out[r] = ⊕_c x[r · columns + c]` for f32 `x` of `rows × columns`, with ⊕ the monoid's sum,
 * maximum or minimum, bit-identical to the JavaScript reduction over trailing axes.
 */
export const rowReducers = Object.fromEntries(
  ROW_MONOIDS.map((monoid) => [
    monoid,
    (out: Float32Array, x: Float32Array, rows: number, columns: number): void => {
      rowExports ??= instantiate(rowsModule()) as typeof rowExports & object;
      const run = rowExports[monoid];
      staged(x, rows * columns, out, rows, 0, (xAt, outAt) => run(rows, columns, xAt, outAt));
    },
  ]),
) as Record<RowMonoid, (out: Float32Array, x: Float32Array, rows: number, columns: number) => void>;

/** The exports of `bytes` instantiated over the shared memory. */
const instantiate = (bytes: Uint8Array) =>
  instantiateShared(bytes) as Record<string, (...args: number[]) => void>;

/**
 * Runs `run(xAt, outAt, workAt)` with the byte addresses of `x` (`n` floats), `out` (`m` floats)
 * and `workBytes` of workspace, copying `x` in and `out` back where they are not already in the
 * Wasm memory.
 */
function staged(
  x: Float32Array,
  n: number,
  out: Float32Array,
  m: number,
  workBytes: number,
  run: (xAt: number, outAt: number, workAt: number) => void,
): void {
  const xInPlace = isHeapView(x);
  const outInPlace = isHeapView(out);
  const xBytes = xInPlace ? 0 : alignUp(4 * n);
  const outBytes = outInPlace ? 0 : alignUp(4 * m);
  const base = scratch(xBytes + alignUp(workBytes) + outBytes);
  if (base < 0)
    throw new RangeError(`wasm reduction: ${n} elements do not fit in the 4 GiB Wasm memory`);
  if (!xInPlace) heapF32().set(x.length === n ? x : x.subarray(0, n), base >>> 2);
  const xAt = xInPlace ? x.byteOffset : base;
  const workAt = base + xBytes;
  const outAt = outInPlace ? out.byteOffset : workAt + alignUp(workBytes);
  run(xAt, outAt, workAt);
  if (!outInPlace) out.set(heapF32().subarray(outAt >>> 2, (outAt >>> 2) + m));
}

let sum: ((...args: number[]) => void) | undefined;

/** Whether the Wasm reductions (column sums and row reductions) can run here. */
export function wasmReduceAvailable(): boolean {
  return webAssembly !== undefined && simdSupported();
}

/**
 * `out[c] = Σ_r x[r · columns + c]` for f32 `x` of `rows × columns`, bit-identical to the
 * JavaScript reduction over leading axes (doubles, rows in order, one rounding).
 */
export function columnSum(out: Float32Array, x: Float32Array, rows: number, columns: number): void {
  sum ??= instantiate(sumModule()).sum!;
  staged(x, rows * columns, out, columns, 8 * columns, (xAt, outAt, accAt) =>
    sum!(rows, columns, xAt, outAt, accAt),
  );
}
