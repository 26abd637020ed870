/**
 * Sums of f32 arrays over their leading axes in WebAssembly SIMD: `out[c] = Σ_r x[r · C + c]`
 * (a bias gradient summed over a batch and positions). The sums run in doubles, two columns per
 * f64x2 lane pair, each column adding its rows in order, then round once to f32: the same
 * operations in the same order as the JavaScript reduction, so the results are bit-identical.
 */
import { ModuleBuilder, ValType } from "./encoder.js";
import { simdSupported } from "./features.js";
import { alignUp, heapF32, isHeapView, MAXIMUM_PAGES, scratch, wasmMemory } from "./memory.js";
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
  const mod = new ModuleBuilder().importMemory("env", "memory", {
    initial: 1,
    maximum: MAXIMUM_PAGES,
    shared: true,
  });
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

let sum: ((...args: number[]) => void) | undefined;

/** Whether the Wasm column sums can run here. */
export function columnSumAvailable(): boolean {
  return webAssembly !== undefined && simdSupported();
}

/**
 * `out[c] = Σ_r x[r · columns + c]` for f32 `x` of `rows × columns`, bit-identical to the
 * JavaScript reduction over leading axes (doubles, rows in order, one rounding).
 */
export function columnSum(out: Float32Array, x: Float32Array, rows: number, columns: number): void {
  if (sum === undefined) {
    const module = new webAssembly!.Module(sumModule());
    const instance = new webAssembly!.Instance(module, { env: { memory: wasmMemory() } });
    sum = instance.exports.sum as (...args: number[]) => void;
  }
  const n = rows * columns;
  const xInPlace = isHeapView(x);
  const xBytes = xInPlace ? 0 : alignUp(4 * n);
  const base = scratch(xBytes + alignUp(8 * columns) + alignUp(4 * columns));
  if (base < 0) throw new RangeError(`wasm sum: ${n} elements do not fit in the 4 GiB Wasm memory`);
  const heap = heapF32();
  if (!xInPlace) heap.set(x.length === n ? x : x.subarray(0, n), base >>> 2);
  const xAt = xInPlace ? x.byteOffset : base;
  const accAt = base + xBytes;
  const outAt = accAt + alignUp(8 * columns);
  sum(rows, columns, xAt, outAt, accAt);
  out.set(heapF32().subarray(outAt >>> 2, (outAt >>> 2) + columns));
}
