// Runs the f64x2 functions of wasm/math.ts on doubles, for wasm-math.test.ts: the double each
// computes, before its rounding to f32, is compared with Math's.
import type { BinaryOp, UnaryOp } from "../src/compile/expr.js";
import { ValType } from "../src/wasm/encoder.js";
import { Lanes } from "../src/wasm/f64x2.js";
import { mathLanes } from "../src/wasm/math.js";
import { heapF32, instantiateShared, scratch, sharedModule } from "../src/wasm/memory.js";

/** `op` of each element (and of `ys`' element for atan2), computed by the Wasm f64x2 function. */
export function wasmF64(op: UnaryOp | BinaryOp, xs: Float64Array, ys?: Float64Array): Float64Array {
  const mod = sharedModule();
  const run = mod.addFunction([ValType.i32, ValType.i32, ValType.i32, ValType.i32], [], "run");
  const [a, b, out, bytes] = [0, 1, 2, 3].map((i) => run.param(i));
  const i = run.local(ValType.i32);
  const fn = mod.addFunction(ys ? [ValType.v128, ValType.v128] : [ValType.v128], [ValType.v128]);
  const params = (ys ? [0, 1] : [0]).map((k) => fn.param(k));
  fn.push(mathLanes(new Lanes(fn), op, params)).end();
  run.forRange(i, 0, bytes!, 16, () => {
    const args = [() => run.v128Load(() => run.i32Add(a!, i))];
    if (ys) args.push(() => run.v128Load(() => run.i32Add(b!, i)));
    run.v128Store(
      () => run.i32Add(out!, i),
      () => run.call(fn, ...args),
    );
  });
  run.end();
  const n = xs.length + (xs.length % 2);
  const at = scratch(3 * 8 * n);
  const view = (k: number) => new Float64Array(heapF32().buffer, at + k * 8 * n, n);
  view(0).set(xs);
  if (ys) view(1).set(ys);
  (instantiateShared(mod.encode()).run as (...args: number[]) => void)(
    at,
    at + 8 * n,
    at + 16 * n,
    8 * n,
  );
  return view(2).slice(0, xs.length);
}

const pair = new Float64Array(2);
const words = new Uint32Array(pair.buffer);

/** The distance in units of the last place between two doubles of the same sign (0 if equal). */
export function ulpsApart(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (Math.sign(a) !== Math.sign(b) || !Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  pair[0] = Math.abs(a);
  pair[1] = Math.abs(b);
  // Little-endian words: the bit patterns' difference, exact while it is below 2⁵³.
  return Math.abs((words[1]! - words[3]!) * 2 ** 32 + (words[0]! - words[2]!));
}
