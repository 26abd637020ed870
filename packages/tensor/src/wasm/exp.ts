/**
 * `exp` for the fused Wasm loops, computed as the JavaScript loops compute it: in doubles, rounded
 * once to f32. Each f32 lane is widened to f64, and e^x = 2^k · e^r with k = round(x / ln 2) and
 * r = x − k · ln 2 (ln 2 in two parts, so r is exact), |r| ≤ ln 2 / 2; e^r is its Taylor series to
 * r¹² (remainder below 2.3e-16 relative), 2^k is built from its exponent bits. x is first clamped to
 * [−708, 709], where 2^k stays a normal double; past either end the f32 result (or, for the
 * sigmoid, 1 / (1 + e^x)) is already 0, 1 or ∞. NaN passes through.
 *
 * The double differs from `Math.exp`'s by a few units in its last place at most, so the f32 result
 * is the same unless the exact value lies within ~1e-15 (relative) of a midpoint between two
 * floats: about one input in 10⁸.
 */
import type { FunctionBuilder, Local } from "./encoder.js";
import { ValType } from "./encoder.js";

const F64X2_SPLAT = 0x14;
const F64X2_ADD = 0xf0;
const F64X2_SUB = 0xf1;
const F64X2_MUL = 0xf2;
const F64X2_DIV = 0xf3;
const F64X2_MIN = 0xf4;
const F64X2_MAX = 0xf5;
const F64X2_NEAREST = 0x94;
const F64X2_PROMOTE_LOW_F32X4 = 0x5f;
const F32X4_DEMOTE_F64X2_ZERO = 0x5e;
const I32X4_TRUNC_SAT_F64X2_S_ZERO = 0xfc;
const I64X2_EXTEND_LOW_I32X4_S = 0xc7;
const I64X2_ADD = 0xce;
const I64X2_SHL = 0xcb;
const I64X2_SPLAT = 0x12;

const LOG2E = 1.4426950408889634;
/** ln 2 with its low 32 bits of mantissa zero (k · LN2_HI is exact), and the rest. */
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
/** 1/n! for n = 12 … 0, Horner's order. */
const TAYLOR = Array.from({ length: 13 }, (_, i) => 12 - i).map((n) => {
  let f = 1;
  for (let j = 2; j <= n; j++) f *= j;
  return 1 / f;
});

/** What the exp code needs per function: its v128 locals. */
export interface ExpLocals {
  readonly x: Local;
  readonly k: Local;
  readonly r: Local;
  readonly lo: Local;
}

/** Allocates the locals {@link emitExp} uses (once per function). */
export function expLocals(f: FunctionBuilder): ExpLocals {
  return {
    x: f.local(ValType.v128),
    k: f.local(ValType.v128),
    r: f.local(ValType.v128),
    lo: f.local(ValType.v128),
  };
}

/** Pushes an f64x2 of `v` in both lanes. */
function splat64(f: FunctionBuilder, v: number): void {
  f.emit(0x44, ...new Uint8Array(new Float64Array([v]).buffer)); // f64.const
  f.simd(F64X2_SPLAT);
}

/** Replaces the f64x2 on the stack by e^x lane-wise, or `1 / (1 + e^x)` when `sigmoidOfNeg`. */
function exp64(f: FunctionBuilder, l: ExpLocals, reciprocal: boolean): void {
  // x = clamp(x); k = nearest(x · log2 e); r = (x − k · LN2_HI) − k · LN2_LO
  splat64(f, 709);
  f.simd(F64X2_MIN);
  splat64(f, -708);
  f.simd(F64X2_MAX);
  f.localSet(l.x);
  f.localGet(l.x);
  splat64(f, LOG2E);
  f.simd(F64X2_MUL).simd(F64X2_NEAREST);
  f.localSet(l.k);
  f.localGet(l.x).localGet(l.k);
  splat64(f, LN2_HI);
  f.simd(F64X2_MUL).simd(F64X2_SUB);
  f.localGet(l.k);
  splat64(f, LN2_LO);
  f.simd(F64X2_MUL).simd(F64X2_SUB);
  f.localSet(l.r);
  // p = Σ rⁿ / n!, by Horner
  splat64(f, TAYLOR[0]!);
  for (const c of TAYLOR.slice(1)) {
    f.localGet(l.r).simd(F64X2_MUL);
    splat64(f, c);
    f.simd(F64X2_ADD);
  }
  // · 2^k: the bits (k + 1023) << 52
  f.localGet(l.k).simd(I32X4_TRUNC_SAT_F64X2_S_ZERO).simd(I64X2_EXTEND_LOW_I32X4_S);
  f.emit(0x42, 0xff, 0x07); // i64.const 1023
  f.simd(I64X2_SPLAT).simd(I64X2_ADD);
  f.emit(0x41, 52); // i32.const 52
  f.simd(I64X2_SHL);
  f.simd(F64X2_MUL);
  if (reciprocal) {
    // 1 / (1 + e^x)
    f.localSet(l.x);
    splat64(f, 1);
    splat64(f, 1);
    f.localGet(l.x).simd(F64X2_ADD).simd(F64X2_DIV);
  }
}

/**
 * Replaces the f32x4 on the stack by `exp` of each lane (or, `sigmoid`, by 1 / (1 + e^−x)), each
 * computed in doubles and rounded once to f32.
 */
export function emitExp(f: FunctionBuilder, l: ExpLocals, sigmoid = false): void {
  if (sigmoid) {
    f.simd(0xe1); // f32x4.neg: exact
  }
  f.localSet(l.lo);
  // Low lanes 0, 1 and high lanes 2, 3, each widened, computed and narrowed into lanes 0, 1.
  f.localGet(l.lo).simd(F64X2_PROMOTE_LOW_F32X4);
  exp64(f, l, sigmoid);
  f.simd(F32X4_DEMOTE_F64X2_ZERO);
  f.localGet(l.lo);
  f.localGet(l.lo);
  f.i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
  f.simd(F64X2_PROMOTE_LOW_F32X4);
  exp64(f, l, sigmoid);
  f.simd(F32X4_DEMOTE_F64X2_ZERO);
  f.i8x16Shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
}
