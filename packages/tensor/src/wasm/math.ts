/**
 * The transcendental functions of the fused Wasm loops (elementwise.ts), computed as the JavaScript
 * loops compute them: each f32 lane widened to a double, the function evaluated in f64x2 lanes to a
 * few units in the last place (exp.ts, log.ts, atan.ts, trig.ts and the hyperbolic functions below,
 * built on those), then rounded once to f32. `Math.*` is within an ulp of the exact value too, so
 * the two f32 results differ only where the exact value lies within a few double ulps (~1e-15
 * relative) of a midpoint between two floats — about one input in 10⁸ — and then by one f32 ulp.
 * NaN, ±0, ±∞ and the domain edges (log(−1), atanh(±1), acosh(x < 1), …) give exactly `Math`'s
 * answers.
 *
 * Lowered: exp, expm1, log, log1p, log2, log10, sigmoid, tanh, sinh, cosh, asinh, acosh, atanh,
 * atan, asin, acos, atan2, cbrt, sin, cos and tan (trig.ts: an exact reduction for every f32). They
 * stay in JavaScript:
 * - pow: ln and exp to a few double ulps are not enough for x^y with large |y · ln x|, and its
 *   special cases are many;
 * - erf, erfc, erfInv: not written yet (they are our own kernels in kernels/special.ts, accurate to
 *   ~1e-15 relative; a Wasm version would need its own series and continued fractions);
 * - sign, round, rem, rsqrt and the other non-transcendental operations not lowered in
 *   elementwise.ts.
 */
import type { BinaryOp, UnaryOp } from "../compile/expr.js";
import type { FunctionBuilder, Local } from "./encoder.js";
import { acos, asin, atan, atan2 } from "./atan.js";
import { exp, expm1 } from "./exp.js";
import { Lanes, type Lane } from "./f64x2.js";
import { log, log10, log1p, log2 } from "./log.js";
import { cos, sin, tan } from "./trig.js";

/** tanh x = (e^2|x| − 1) / (e^2|x| − 1 + 2), with x's sign. */
function tanh(v: Lanes, x: Lane): Lane {
  const xl = v.let(x);
  const t = v.let(expm1(v, v.add(v.abs(xl), v.abs(xl))));
  return v.copySign(v.div(t, v.add(t, v.k(2))), xl);
}

/** sinh x = (t + t / (t + 1)) / 2 for t = e^|x| − 1, with x's sign. */
function sinh(v: Lanes, x: Lane): Lane {
  const xl = v.let(x);
  const t = v.let(expm1(v, v.abs(xl)));
  return v.copySign(v.mul(v.k(0.5), v.add(t, v.div(t, v.add(t, v.k(1))))), xl);
}

/** cosh x = t/2 + 1/(2t) for t = e^|x|. */
function cosh(v: Lanes, x: Lane): Lane {
  const t = v.let(exp(v, v.abs(x)));
  return v.add(v.mul(v.k(0.5), t), v.div(v.k(0.5), t));
}

/** asinh x = ln(1 + a + a² / (1 + √(1 + a²))) for a = |x| (no overflow: a² < 1.2e77), x's sign. */
function asinh(v: Lanes, x: Lane): Lane {
  const xl = v.let(x);
  const a = v.let(v.abs(xl));
  const a2 = v.let(v.mul(a, a));
  const u = v.add(a, v.div(a2, v.add(v.k(1), v.sqrt(v.add(v.k(1), a2)))));
  // ∞ / ∞ would be NaN: asinh(±∞) = ±∞.
  const arg = v.select(v.eq(a, v.k(Infinity)), a, u);
  return v.copySign(log1p(v, arg), xl);
}

/** acosh x = ln(1 + t + √(t (t + 2))) for t = x − 1; NaN below 1. */
function acosh(v: Lanes, x: Lane): Lane {
  const xl = v.let(x);
  const t = v.let(v.sub(xl, v.k(1)));
  const y = log1p(v, v.add(t, v.sqrt(v.mul(t, v.add(t, v.k(2))))));
  return v.select(v.ge(xl, v.k(1)), y, v.k(NaN));
}

/** atanh x = ln(1 + 2a / (1 − a)) / 2 for a = |x|, with x's sign (±∞ at ±1, NaN past them). */
function atanh(v: Lanes, x: Lane): Lane {
  const xl = v.let(x);
  const a = v.let(v.abs(xl));
  const y = v.mul(v.k(0.5), log1p(v, v.div(v.add(a, a), v.sub(v.k(1), a))));
  return v.copySign(y, xl);
}

/**
 * ∛x: y₀ = e^(ln|x| / 3) (relative error ~1e-15), then one Newton step y₀ + (|x|/y₀² − y₀)/3,
 * with x's sign; ±0 and ±∞ are themselves.
 */
function cbrt(v: Lanes, x: Lane): Lane {
  const xl = v.let(x);
  const a = v.let(v.abs(xl));
  const y0 = v.let(exp(v, v.div(log(v, a), v.k(3))));
  const y = v.add(y0, v.div(v.sub(v.div(a, v.mul(y0, y0)), y0), v.k(3)));
  const ends = v.or(v.eq(a, v.k(0)), v.eq(a, v.k(Infinity)));
  return v.copySign(v.select(ends, a, y), xl);
}

/** 1 / (1 + e^−x). */
function sigmoid(v: Lanes, x: Lane): Lane {
  return v.div(v.k(1), v.add(v.k(1), exp(v, v.mul(x, v.k(-1)))));
}

type Unary = (v: Lanes, x: Lane) => Lane;
type Binary = (v: Lanes, y: Lane, x: Lane) => Lane;

const UNARY: Partial<Record<UnaryOp, Unary>> = {
  exp,
  expm1,
  log,
  log1p,
  log2,
  log10,
  sigmoid,
  tanh,
  sinh,
  cosh,
  asinh,
  acosh,
  atanh,
  atan,
  asin,
  acos,
  cbrt,
  sin,
  cos,
  tan,
};
const BINARY: Partial<Record<BinaryOp, Binary>> = { atan2 };

/** Whether `op` is one of the functions lowered here. */
export function isMathOp(op: UnaryOp | BinaryOp): boolean {
  return (
    Object.prototype.hasOwnProperty.call(UNARY, op) ||
    Object.prototype.hasOwnProperty.call(BINARY, op)
  );
}

const PROMOTE_LOW = 0x5f; // f64x2.promote_low_f32x4
const DEMOTE_ZERO = 0x5e; // f32x4.demote_f64x2_zero
const HIGH_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const JOIN_LOW = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

/** `op` of f64x2 operands (one per operand of `op`), as f64x2. */
export function mathLanes(v: Lanes, op: UnaryOp | BinaryOp, args: readonly Lane[]): Lane {
  const unary = UNARY[op as UnaryOp];
  const binary = BINARY[op as BinaryOp];
  if (unary !== undefined && args.length === 1) return unary(v, args[0]!);
  if (binary !== undefined && args.length === 2) return binary(v, args[0]!, args[1]!);
  throw new Error(`internal: ${op} of ${args.length} operands has no Wasm lowering`);
}

/**
 * Pushes `op` of the f32x4 operands in `args`, as f32x4: {@link mathLanes} on the low and on the
 * high two lanes, each widened, then each result rounded once to f32. The code is emitted inline
 * (a call per four lanes costs as much as the function itself in V8).
 */
export function emitMath(f: FunctionBuilder, op: UnaryOp | BinaryOp, args: readonly Local[]): void {
  const v = new Lanes(f);
  for (const high of [false, true]) {
    const widened = args.map((a) => () => {
      f.localGet(a);
      if (high) f.i8x16Shuffle(HIGH_LANES, a);
      f.simd(PROMOTE_LOW);
    });
    // Each half's operands are widened into locals first: the functions may read them twice.
    const locals = widened.map((w) => v.let(w));
    f.push(mathLanes(v, op, locals)).simd(DEMOTE_ZERO);
  }
  f.i8x16Shuffle(JOIN_LOW);
}
