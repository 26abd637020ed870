/**
 * Building f64x2 code as expressions, for the elementwise math functions (exp.ts, log.ts,
 * atan.ts, math.ts). Each method returns a {@link Lane} — a callback that pushes one v128 — so a
 * formula reads as nested calls, `v.div(f, v.add(v.k(2), f))`, and is emitted when pushed.
 * Values used twice are stored in locals ({@link Lanes.let}); nothing is computed twice unless
 * written twice.
 *
 * Opcodes are the fixed-width SIMD proposal's (BinarySIMD.md; prefix 0xfd).
 */
import type { FunctionBuilder, Local } from "./encoder.js";
import { ValType } from "./encoder.js";

/** Pushes one v128 (f64x2 or i64x2 lanes, or a lane mask). */
export type Lane = Local | (() => void);

const OP = {
  v128Const: 0x0c,
  f64x2Eq: 0x47,
  f64x2Lt: 0x49,
  f64x2Gt: 0x4a,
  f64x2Le: 0x4b,
  f64x2Ge: 0x4c,
  v128And: 0x4e,
  v128Or: 0x50,
  v128Bitselect: 0x52,
  f64x2Floor: 0x75,
  f64x2Nearest: 0x94,
  i64x2Shl: 0xcb,
  i64x2ShrS: 0xcc,
  i64x2Add: 0xce,
  i64x2Sub: 0xd1,
  i64x2LtS: 0xd8,
  f64x2Abs: 0xec,
  f64x2Sqrt: 0xef,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
  f64x2Div: 0xf3,
  f64x2Min: 0xf4,
  f64x2Max: 0xf5,
} as const;

/** The sign bit of a double. */
const SIGN = -(2n ** 63n);

/** f64x2 and i64x2 expressions in one function body. */
export class Lanes {
  constructor(readonly f: FunctionBuilder) {}

  private op(code: number, ...xs: Lane[]): () => void {
    return () => {
      for (const x of xs) this.f.push(x);
      this.f.simd(code);
    };
  }

  /** A new v128 local set to `x` (emitted now). */
  let(x: Lane): Local {
    const l = this.f.local(ValType.v128);
    this.f.localSet(l, x);
    return l;
  }

  /** `v` in both f64 lanes. */
  k(v: number): Lane {
    const bytes = new Uint8Array(new Float64Array([v, v]).buffer);
    return () => this.f.simd(OP.v128Const).emit(...bytes);
  }
  /** The 64-bit integer `v` (two's complement) in both lanes. */
  bits(v: bigint): Lane {
    const bytes = new Uint8Array(new BigInt64Array([v, v]).buffer);
    return () => this.f.simd(OP.v128Const).emit(...bytes);
  }

  add(a: Lane, b: Lane): Lane {
    return this.op(OP.f64x2Add, a, b);
  }
  sub(a: Lane, b: Lane): Lane {
    return this.op(OP.f64x2Sub, a, b);
  }
  mul(a: Lane, b: Lane): Lane {
    return this.op(OP.f64x2Mul, a, b);
  }
  div(a: Lane, b: Lane): Lane {
    return this.op(OP.f64x2Div, a, b);
  }
  /** Lane-wise minimum (NaN if either is NaN). */
  min(a: Lane, b: Lane): Lane {
    return this.op(OP.f64x2Min, a, b);
  }
  /** Lane-wise maximum (NaN if either is NaN). */
  max(a: Lane, b: Lane): Lane {
    return this.op(OP.f64x2Max, a, b);
  }
  abs(a: Lane): Lane {
    return this.op(OP.f64x2Abs, a);
  }
  sqrt(a: Lane): Lane {
    return this.op(OP.f64x2Sqrt, a);
  }
  /** Round down to an integer. */
  floor(a: Lane): Lane {
    return this.op(OP.f64x2Floor, a);
  }
  /** Round to the nearest integer, ties to even. */
  nearest(a: Lane): Lane {
    return this.op(OP.f64x2Nearest, a);
  }
  /** `a + b · c`, rounded twice. */
  fma(a: Lane, b: Lane, c: Lane): Lane {
    return this.add(a, this.mul(b, c));
  }
  /** `Σ coefficients[i] · xⁱ` by Horner's rule (highest power last in the list). */
  poly(x: Lane, coefficients: readonly number[]): Lane {
    let acc = this.k(coefficients.at(-1)!);
    for (let i = coefficients.length - 2; i >= 0; i--)
      acc = this.fma(this.k(coefficients[i]!), acc, x);
    return acc;
  }

  /** Lane masks: all ones where the comparison holds (false for NaN, as in IEEE 754). */
  eq(a: Lane, b: Lane): Lane {
    return this.op(OP.f64x2Eq, a, b);
  }
  lt(a: Lane, b: Lane): Lane {
    return this.op(OP.f64x2Lt, a, b);
  }
  gt(a: Lane, b: Lane): Lane {
    return this.op(OP.f64x2Gt, a, b);
  }
  le(a: Lane, b: Lane): Lane {
    return this.op(OP.f64x2Le, a, b);
  }
  ge(a: Lane, b: Lane): Lane {
    return this.op(OP.f64x2Ge, a, b);
  }
  /** Where the sign bit is set (negative numbers, −0, NaNs with the sign set). */
  signSet(a: Lane): Lane {
    return this.op(OP.i64x2LtS, a, this.bits(0n));
  }
  and(a: Lane, b: Lane): Lane {
    return this.op(OP.v128And, a, b);
  }
  or(a: Lane, b: Lane): Lane {
    return this.op(OP.v128Or, a, b);
  }
  /** `t` where `mask` is set, else `f` (bit by bit). */
  select(mask: Lane, t: Lane, f: Lane): Lane {
    return this.op(OP.v128Bitselect, t, f, mask);
  }
  /** `magnitude` (non-negative, or NaN) with the sign of `sign`. */
  copySign(magnitude: Lane, sign: Lane): Lane {
    return this.or(magnitude, this.and(sign, this.bits(SIGN)));
  }

  /** 64-bit integer lanes. */
  i64Add(a: Lane, b: Lane): Lane {
    return this.op(OP.i64x2Add, a, b);
  }
  i64Sub(a: Lane, b: Lane): Lane {
    return this.op(OP.i64x2Sub, a, b);
  }
  i64Shl(a: Lane, count: number): Lane {
    return () => {
      this.f.push(a).push(count).simd(OP.i64x2Shl);
    };
  }
  i64ShrS(a: Lane, count: number): Lane {
    return () => {
      this.f.push(a).push(count).simd(OP.i64x2ShrS);
    };
  }
  /** A call of `callee` (v128 parameters, one v128 result). */
  call(callee: FunctionBuilder, ...args: Lane[]): Lane {
    return () => this.f.call(callee, ...args);
  }
}
