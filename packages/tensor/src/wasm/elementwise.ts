/**
 * Fused f32 elementwise loops in WebAssembly SIMD, from the same expression trees the JavaScript
 * backend prints (`compile/expr.ts`). A loop reads full-size f32 arrays and f32 scalars, computes
 * its members in order (four lanes at a time, then a scalar tail) and stores those needed outside.
 *
 * Only operations whose f32 result is the JavaScript loop's are lowered here. The correctly rounded
 * ones (add, subtract, multiply, divide, square root, min, max, abs, negate, floor, ceil, trunc,
 * comparisons, select) give bit for bit what the JavaScript loop gives (which computes in doubles
 * and rounds once per operation). The transcendental functions of math.ts (exp, expm1, log, log1p,
 * log2, log10, sigmoid, tanh, sinh, cosh, asinh, acosh, atanh, atan, asin, acos, atan2, cbrt, sin,
 * cos, tan) are computed in doubles to a few units in the last place and rounded once, as `Math.*`
 * is, so they match it but for about one input in 10⁸ (and then by one f32 ulp). Anything else —
 * pow, erf and the other operations math.ts explains, integer dtypes, strided reads — returns
 * `undefined` and stays in JavaScript.
 */
import type { BinaryOp, Expr, UnaryOp } from "../compile/expr.js";
import { Local, ValType, type FunctionBuilder } from "./encoder.js";
import {
  alignUp,
  heapF32,
  instantiateShared,
  isHeapView,
  scratch,
  sharedModule,
} from "./memory.js";
import { simdSupported } from "./features.js";
import { emitMath, isMathOp } from "./math.js";
import { webAssembly } from "./webassembly.js";
import { gemmKernel } from "./instance.js";
import { getThreads, MAX_LOOP_ARGS, registerLoop, runLoopParts, type LoopRun } from "./threads.js";

/**
 * An operand of a fused loop over `[outer, inner]` elements: a full-size f32 array, a `row`
 * (`inner` floats repeated for every outer index: a bias over a batch), a `column` (`outer`
 * floats, each repeated along the inner axis: a per-row maximum), an f32 scalar passed by value,
 * or a constant.
 */
export type LoopRead =
  | { readonly kind: "row" | "column" | "scalar" }
  /** A full-size array: f32, or u8 (a predicate stored by an earlier loop, read as non-zero or not). */
  | { readonly kind: "array"; readonly dtype: "f32" | "u8" }
  | { readonly kind: "const"; readonly value: number };

/**
 * A fused loop: `members[j].expr` computes member j; its leaves with `ref < reads.length` are
 * reads, the others are earlier members (`ref - reads.length`). Stored members are written to
 * outputs, in member order.
 */
export interface FusedLoop {
  readonly reads: readonly LoopRead[];
  readonly members: readonly { readonly expr: Expr; readonly stored: boolean }[];
}

/**
 * Runs a compiled loop over `outer × inner` elements: the reads (arrays, or numbers for scalars
 * and constants, in order) and the outputs (full-size arrays).
 */
export type LoopRunner = (
  outer: number,
  inner: number,
  reads: readonly (Float32Array | Uint8Array | number)[],
  outs: readonly (Float32Array | Uint8Array)[],
) => void;

const SIMD_OPS: Partial<Record<UnaryOp | BinaryOp, number>> = {
  abs: 0xe0,
  neg: 0xe1,
  sqrt: 0xe3,
  ceil: 0x67,
  floor: 0x68,
  trunc: 0x69,
  add: 0xe4,
  sub: 0xe5,
  mul: 0xe6,
  div: 0xe7,
  min: 0xe8,
  max: 0xe9,
  eq: 0x41,
  ne: 0x42,
  lt: 0x43,
  gt: 0x44,
  le: 0x45,
  ge: 0x46,
};
const SCALAR_OPS: Partial<Record<UnaryOp | BinaryOp, number>> = {
  abs: 0x8b,
  neg: 0x8c,
  ceil: 0x8d,
  floor: 0x8e,
  trunc: 0x8f,
  sqrt: 0x91,
  add: 0x92,
  sub: 0x93,
  mul: 0x94,
  div: 0x95,
  min: 0x96,
  max: 0x97,
  eq: 0x5b,
  ne: 0x5c,
  lt: 0x5d,
  gt: 0x5e,
  le: 0x5f,
  ge: 0x60,
};
const V128_NOT = 0x4d;
const V128_LOAD32_ZERO = 0x5c;
const I16X8_EXTEND_LOW_U8 = 0x89;
const I32X4_EXTEND_LOW_U16 = 0xa9;
const I32X4_NE = 0x38;
const I32X4_EXTRACT_LANE = 0x1b;
const I32_LOAD8_U = 0x2d;
const I32_STORE = 0x36;
const I32_STORE8 = 0x3a;
/** The f32 whose bits are the integer 1 (a subnormal): `and` with a lane mask gives 1 or 0. */
const ONE_BITS = new Float32Array(new Int32Array([1]).buffer)[0]!;
const V128_AND = 0x4e;
const V128_OR = 0x50;
const V128_BITSELECT = 0x52;

/**
 * Whether `e` can be lowered: f32 arithmetic of the exact operations, and u8 predicates (kept as
 * lane masks) that feed a select, a logical operation or a conversion to f32. A u8 array read
 * (any byte values) may only be tested for non-zero: in a select, `not`, `and` or `or`.
 */
function supported(e: Expr, predicateOk: boolean, reads: readonly LoopRead[]): boolean {
  const ok = (x: Expr, pred: boolean) => supported(x, pred, reads);
  const isRead = (x: Expr) => x.k === "leaf" && x.ref < reads.length;
  const mask = (x: Expr, readOk = true) =>
    x.dtype === "u8" && (readOk || !isRead(x)) && ok(x, true);
  const f32 = (x: Expr) => x.dtype === "f32" && ok(x, false);
  switch (e.k) {
    case "leaf": {
      const r = reads[e.ref];
      if (r === undefined) return e.dtype === "f32" || (predicateOk && e.dtype === "u8");
      if (r.kind === "array") return r.dtype === e.dtype && (e.dtype === "f32" || predicateOk);
      return e.dtype === "f32";
    }
    case "unary":
      if (e.op === "not") return predicateOk && mask(e.a);
      if (e.op === "isNan") return predicateOk && f32(e.a);
      if (isMathOp(e.op)) return e.dtype === "f32" && f32(e.a);
      return e.dtype === "f32" && SIMD_OPS[e.op] !== undefined && f32(e.a);
    case "binary":
      if (e.op === "and" || e.op === "or") return predicateOk && mask(e.a) && mask(e.b);
      if (isMathOp(e.op)) return e.dtype === "f32" && f32(e.a) && f32(e.b);
      if (e.dtype === "u8")
        return predicateOk && SIMD_OPS[e.op] !== undefined && f32(e.a) && f32(e.b);
      return e.dtype === "f32" && SIMD_OPS[e.op] !== undefined && f32(e.a) && f32(e.b);
    case "select":
      return e.dtype === "f32" && mask(e.p) && f32(e.t) && f32(e.f);
    case "convert":
      return e.dtype === "f32" && (f32(e.a) || mask(e.a, false));
  }
}

/** Whether a loop can run in Wasm: every member an f32 value or a u8 predicate, supported. */
export function loopSupported(loop: FusedLoop): boolean {
  if (!simdSupported()) return false;
  return loop.members.every(
    (m) => (m.expr.dtype === "f32" || m.expr.dtype === "u8") && supported(m.expr, true, loop.reads),
  );
}

/** A SIMD memory instruction with alignment exponent `align` and offset 0. */
const SIMD_MEM = (f: FunctionBuilder, code: number, align: number) => f.simd(code).emit(align, 0);

/** Emits `e` lane-wise (v128) or as one scalar (f32, or i32 0/1 for predicates). */
function emitExpr(
  f: FunctionBuilder,
  e: Expr,
  vector: boolean,
  leaf: (ref: number) => void,
  locals: { readonly one: Local },
): void {
  const go = (x: Expr) => emitExpr(f, x, vector, leaf, locals);
  const one = locals.one;
  switch (e.k) {
    case "leaf":
      return leaf(e.ref);
    case "unary": {
      if (e.op === "not") {
        go(e.a);
        if (vector) f.simd(V128_NOT);
        else f.i32Eqz();
        return;
      }
      if (isMathOp(e.op)) return math(f, e.op, [e.a], vector, go);
      if (e.op === "isNan") {
        go(e.a);
        go(e.a);
        if (vector) f.simd(SIMD_OPS.ne!);
        else f.emit(SCALAR_OPS.ne!);
        return;
      }
      go(e.a);
      if (vector) f.simd(SIMD_OPS[e.op]!);
      else f.emit(SCALAR_OPS[e.op]!);
      return;
    }
    case "binary":
      if (isMathOp(e.op)) return math(f, e.op, [e.a, e.b], vector, go);
      go(e.a);
      go(e.b);
      if (e.op === "and" || e.op === "or") {
        if (vector) f.simd(e.op === "and" ? V128_AND : V128_OR);
        else f.emit(e.op === "and" ? 0x71 : 0x72);
        return;
      }
      if (vector) f.simd(SIMD_OPS[e.op]!);
      else f.emit(SCALAR_OPS[e.op]!);
      return;
    case "select":
      go(e.t);
      go(e.f);
      go(e.p);
      if (vector) f.simd(V128_BITSELECT);
      else f.emit(0x1b);
      return;
    case "convert":
      go(e.a);
      if (e.a.dtype === "u8") {
        // A predicate: a lane mask becomes 1.0 or 0.0; an i32 0/1 becomes the same float.
        if (vector) f.localGet(one).simd(V128_AND);
        else f.emit(0xb3);
      }
      return;
  }
}

/**
 * The Wasm math function `op` (math.ts) of `args`, emitted inline; the scalar tail computes it on
 * splats and keeps lane 0.
 */
function math(
  f: FunctionBuilder,
  op: UnaryOp | BinaryOp,
  args: readonly Expr[],
  vector: boolean,
  go: (x: Expr) => void,
): void {
  const operands = args.map((a) => {
    const l = f.local(ValType.v128);
    go(a);
    if (!vector) f.f32x4Splat();
    f.localSet(l);
    return l;
  });
  emitMath(f, op, operands);
  if (!vector) f.f32x4ExtractLane(0);
}

/**
 * The module of one loop: `run(first, last, inner, the reads' addresses or scalar values, the
 * outputs' addresses)` computes outer indices `first … last - 1`. For each outer index, column
 * reads are splat once, then the inner axis runs four lanes at a time and ends with a scalar tail.
 */
function loopModule(loop: FusedLoop): Uint8Array {
  const mod = sharedModule();
  const R = loop.reads.length;
  const stored = loop.members.filter((m) => m.stored).length;
  const params: ValType[] = [ValType.i32, ValType.i32, ValType.i32];
  for (const r of loop.reads) params.push(r.kind === "scalar" ? ValType.f32 : ValType.i32);
  for (let s = 0; s < stored; s++) params.push(ValType.i32);
  const f = mod.addFunction(params, [], "run");
  const [first, last, inner] = [f.param(0), f.param(1), f.param(2)];
  const readParam = (r: number) => f.param(3 + r);
  const outParam = (s: number) => f.param(3 + R + s);
  const o = f.local(ValType.i32); // outer index
  const rowStart = f.local(ValType.i32); // byte offset of element (o, 0)
  const i = f.local(ValType.i32); // byte offset of the inner index
  const end = f.local(ValType.i32);
  const one = f.local(ValType.v128);
  f.localSet(one, () => f.f32x4Const([1, 1, 1, 1]));
  // Lane-splat values of scalars, constants and (per outer index) columns; columns' f32 values.
  const splat = loop.reads.map((r) =>
    r.kind === "array" || r.kind === "row" ? undefined : f.local(ValType.v128),
  );
  const colValue = loop.reads.map((r) => (r.kind === "column" ? f.local(ValType.f32) : undefined));
  loop.reads.forEach((r, k) => {
    if (r.kind === "scalar") f.localSet(splat[k]!, () => f.f32x4Splat(readParam(k)));
    if (r.kind === "const")
      f.localSet(splat[k]!, () => f.f32x4Const([r.value, r.value, r.value, r.value]));
  });
  const vTemps = loop.members.map(() => f.local(ValType.v128));
  const sTemps = loop.members.map((m) =>
    f.local(m.expr.dtype === "u8" ? ValType.i32 : ValType.f32),
  );

  const body = (vector: boolean) => {
    let s = 0;
    loop.members.forEach((m, j) => {
      const leaf = (ref: number) => {
        if (ref >= R) return void f.localGet(vector ? vTemps[ref - R]! : sTemps[ref - R]!);
        const r = loop.reads[ref]!;
        if (r.kind === "array" && r.dtype === "u8") {
          // Four bytes widened to i32 lanes, then compared with 0: a lane mask (or 0/1).
          const at = () =>
            f.i32Add(readParam(ref), () => f.i32ShrU(() => f.i32Add(rowStart, i), 2));
          if (vector) {
            f.push(at);
            SIMD_MEM(f, V128_LOAD32_ZERO, 2);
            f.simd(I16X8_EXTEND_LOW_U8);
            f.simd(I32X4_EXTEND_LOW_U16);
            f.f32x4Const([0, 0, 0, 0]);
            f.simd(I32X4_NE);
          } else {
            f.push(at);
            f.emit(I32_LOAD8_U, 0, 0);
            f.i32Ne(undefined, 0);
          }
        } else if (r.kind === "array" || r.kind === "row") {
          const offset = () => (r.kind === "row" ? f.localGet(i) : f.i32Add(rowStart, i));
          const at = () => f.i32Add(readParam(ref), offset);
          if (vector) f.v128Load(at);
          else f.f32Load(at);
        } else if (vector) f.localGet(splat[ref]!);
        else if (r.kind === "scalar") f.localGet(readParam(ref));
        else if (r.kind === "column") f.localGet(colValue[ref]!);
        else if (r.kind === "const") f.f32Const(r.value);
      };
      emitExpr(f, m.expr, vector, leaf, { one });
      const temp = vector ? vTemps[j]! : sTemps[j]!;
      f.localSet(temp);
      if (m.stored && m.expr.dtype === "u8") {
        // A predicate stored as bytes 0/1: the low byte of each lane, four at a time.
        const out = outParam(s++);
        f.push(() => f.i32Add(out, () => f.i32ShrU(() => f.i32Add(rowStart, i), 2)));
        if (vector) {
          f.localGet(temp);
          f.f32x4Const([ONE_BITS, ONE_BITS, ONE_BITS, ONE_BITS]);
          f.simd(V128_AND);
          f.localGet(temp);
          f.i8x16Shuffle([0, 4, 8, 12, 0, 4, 8, 12, 0, 4, 8, 12, 0, 4, 8, 12]);
          f.simd(I32X4_EXTRACT_LANE).emit(0);
          f.emit(I32_STORE, 0, 0);
        } else f.localGet(temp).emit(I32_STORE8, 0, 0);
      } else if (m.stored) {
        const out = outParam(s++);
        const at = () => f.i32Add(out, () => f.i32Add(rowStart, i));
        if (vector) f.v128Store(at, temp);
        else f.f32Store(at, temp);
      }
    });
  };
  f.forRange(o, first, last, 1, () => {
    f.localSet(rowStart, () => f.i32Shl(() => f.i32Mul(o, inner), 2));
    loop.reads.forEach((r, k) => {
      if (r.kind !== "column") return;
      f.localSet(colValue[k]!, () => f.f32Load(() => f.i32Add(readParam(k), () => f.i32Shl(o, 2))));
      f.localSet(splat[k]!, () => f.f32x4Splat(colValue[k]!));
    });
    f.localSet(end, () => f.i32Shl(() => f.i32And(inner, -4), 2));
    f.forRange(i, 0, end, 16, () => body(true));
    f.localSet(end, () => f.i32Shl(inner, 2));
    f.forRange(i, i, end, 4, () => body(false));
  });
  f.end();
  return mod.encode();
}

/**
 * Loops over at least this many elements run on all threads (see threads.ts), in
 * {@link LOOP_PARTS_PER_THREAD} row ranges per thread. Measured, jitted calls back to back, 1 vs
 * 2 threads: Adam's update (3 outputs) of 32k elements 57 vs 70 µs, 64k 89 vs 69, 100k 132 vs
 * 78, 1M 1315 vs 683; relu·y of 64k 25 vs 20, 1M 320 vs 172.
 */
export const LOOP_THREAD_MIN = 65536;
const LOOP_PARTS_PER_THREAD = 2;

/**
 * Compiles `loop` to a runner, or returns `undefined` when it has an operation, a dtype or an
 * operand that the Wasm loops do not lower (the caller keeps the JavaScript loop).
 */
export function compileLoop(loop: FusedLoop): LoopRunner | undefined {
  if (webAssembly === undefined || !loopSupported(loop)) return undefined;
  const module = new webAssembly.Module(loopModule(loop));
  const run = instantiateShared(module).run as LoopRun;
  let slot = -1;
  const args: number[] = [];
  return (outer, inner, reads, outs) => {
    const n = outer * inner;
    const lengthOf = (kind: LoopRead["kind"]) =>
      kind === "row" ? inner : kind === "column" ? outer : n;
    let need = 0;
    reads.forEach((r, k) => {
      if (typeof r !== "number" && !isHeapView(r))
        need += alignUp(r.BYTES_PER_ELEMENT * lengthOf(loop.reads[k]!.kind));
    });
    for (const out of outs) if (!isHeapView(out)) need += alignUp(out.BYTES_PER_ELEMENT * n);
    let at = scratch(need);
    if (at < 0)
      throw new RangeError(`wasm loop: ${n} elements do not fit in the 4 GiB Wasm memory`);
    const buffer = heapF32().buffer;
    args.length = 0;
    args.push(inner);
    reads.forEach((r, k) => {
      if (typeof r === "number") args.push(r);
      else if (isHeapView(r)) args.push(r.byteOffset);
      else {
        const length = lengthOf(loop.reads[k]!.kind);
        const view =
          r instanceof Uint8Array
            ? new Uint8Array(buffer, at, length)
            : new Float32Array(buffer, at, length);
        view.set(r.length === length ? r : r.subarray(0, length));
        args.push(at);
        at += alignUp(r.BYTES_PER_ELEMENT * length);
      }
    });
    const copies: [Float32Array | Uint8Array, number][] = [];
    for (const out of outs) {
      if (isHeapView(out)) args.push(out.byteOffset);
      else {
        copies.push([out, at]);
        args.push(at);
        at += alignUp(out.BYTES_PER_ELEMENT * n);
      }
    }
    const threads = n >= LOOP_THREAD_MIN && outer > 1 ? getThreads() : 1;
    if (threads > 1 && args.length <= MAX_LOOP_ARGS) {
      if (slot < 0) slot = registerLoop(module, run);
      const parts = Math.min(outer, threads * LOOP_PARTS_PER_THREAD);
      runLoopParts(gemmKernel(), slot, outer, args, parts, threads);
    } else run(0, outer, ...args);
    const after = heapF32().buffer;
    for (const [out, address] of copies)
      out.set(
        out instanceof Uint8Array
          ? new Uint8Array(after, address, n)
          : new Float32Array(after, address, n),
      );
  };
}
