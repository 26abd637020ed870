/**
 * Elementwise ops: the public functions over the elementwise primitives, with dtype promotion
 * (see dtype.ts) and JS numbers accepted wherever a scalar is.
 */
import type { DType } from "../dtype.js";
import {
  checkDType,
  floatType,
  isComplex,
  isFloat,
  promoteTypes,
  promoteWithNumber,
} from "../dtype.js";
import { bind } from "../core.js";
import { broadcastShapes } from "../shape.js";
import type { Primitive } from "../primitive.js";
import * as p from "../primitives/elementwise.js";
import { Tensor } from "../tensor.js";
import { scalar } from "./creation.js";
import { describeValue } from "../describe.js";
import { formatType } from "../format.js";
import { castComplex, complexAbs, complexDivide, complexExp, complexMultiply } from "./complex.js";

/** A tensor or a JS number (a scalar whose type adapts to the other operand). */
export type TensorLike = Tensor | number;

/** @internal Checks that `x` is a tensor or a number. */
export function checkOperand(x: unknown, op: string, what = "argument"): asserts x is TensorLike {
  if (!(x instanceof Tensor) && typeof x !== "number") {
    throw new TypeError(`${op}: ${what} must be a Tensor or a number, got ${describeValue(x)}`);
  }
}

/** @internal The common dtype of operands under promotion. */
export function resultType(xs: readonly TensorLike[]): DType {
  let dtype: DType | undefined;
  for (const x of xs)
    if (x instanceof Tensor) dtype = dtype ? promoteTypes(dtype, x.dtype) : x.dtype;
  if (!dtype) return "f32";
  for (const x of xs) if (typeof x === "number") dtype = promoteWithNumber(dtype, x);
  return dtype;
}

/** @internal `x` as a tensor of `dtype`. */
export function cast(x: TensorLike, dtype: DType): Tensor {
  if (typeof x === "number") return scalar(x, dtype);
  if (x.dtype === dtype) return x;
  if (isComplex(dtype) || isComplex(x.dtype)) return castComplex(x, dtype);
  return bind(p.convert, [x], { dtype });
}

/** Complex forms of the binary primitives that are not pairwise (see primitives/elementwise.ts). */
const COMPLEX_ARITH = new Map<Primitive, (a: Tensor, b: Tensor) => Tensor>([
  [p.multiply, complexMultiply],
  [p.divide, complexDivide],
]);

function arith(prim: Primitive, a: TensorLike, b: TensorLike, float = false): Tensor {
  checkOperand(a, prim.name, "first argument");
  checkOperand(b, prim.name, "second argument");
  // Check shapes before converting, so that the error shows the operands' own dtypes.
  if (a instanceof Tensor && b instanceof Tensor)
    broadcastShapes(prim.name, a.shape, a.dtype, b.shape, b.dtype);
  let dtype = resultType([a, b]);
  if (float) dtype = floatType(dtype);
  const complexForm = isComplex(dtype) ? COMPLEX_ARITH.get(prim) : undefined;
  if (complexForm) return complexForm(cast(a, dtype), cast(b, dtype));
  return bind(prim, [cast(a, dtype), cast(b, dtype)]);
}

function floatUnary(prim: Primitive, x: TensorLike): Tensor {
  checkOperand(x, prim.name);
  const t = typeof x === "number" ? scalar(x, "f32") : x;
  return bind(prim, [cast(t, floatType(t.dtype))]);
}

function sameUnary(prim: Primitive, x: TensorLike): Tensor {
  checkOperand(x, prim.name);
  return bind(prim, [typeof x === "number" ? scalar(x, "f32") : x]);
}

/**
 * Converts to `dtype` (floats to integers truncate toward zero). Returns `x` when already that
 * type. A real tensor becomes complex with imaginary part 0; a complex one becomes real by keeping
 * its real part (as NumPy does).
 */
export function asType(x: TensorLike, dtype: DType): Tensor {
  checkOperand(x, "asType");
  return cast(x, checkDType(dtype, "asType"));
}

/** a + b */
export const add = (a: TensorLike, b: TensorLike): Tensor => arith(p.add, a, b);
/** a − b */
export const subtract = (a: TensorLike, b: TensorLike): Tensor => arith(p.subtract, a, b);
/** a · b (complex: (ac − bd) + i(ad + bc)) */
export const multiply = (a: TensorLike, b: TensorLike): Tensor => arith(p.multiply, a, b);
/** a / b, always a float (integers divide as f32, as in Nx); complex operands divide as complex. */
export const divide = (a: TensorLike, b: TensorLike): Tensor => arith(p.divide, a, b, true);
/** a raised to b. */
export const pow = (a: TensorLike, b: TensorLike): Tensor => arith(p.pow, a, b);
/** Remainder of a / b with the sign of a (truncated division, like JS `%` and Elixir `rem`). */
export const remainder = (a: TensorLike, b: TensorLike): Tensor => arith(p.remainder, a, b);
/** The larger of a and b (NaN if either is NaN). */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => arith(p.maximum, a, b);
/** The smaller of a and b (NaN if either is NaN). */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => arith(p.minimum, a, b);

/** −x */
export const negate = (x: TensorLike): Tensor => sameUnary(p.negate, x);
/** |x|; of a complex tensor, the modulus √(re² + im²) in its part type (f32 for c64). */
export const abs = (x: TensorLike): Tensor =>
  x instanceof Tensor && isComplex(x.dtype) ? complexAbs(x) : sameUnary(p.abs, x);
/** −1, 0 or 1 (NaN for NaN). */
export const sign = (x: TensorLike): Tensor => sameUnary(p.sign, x);
/** eˣ; of a complex tensor, e^re · (cos im + i sin im). */
export const exp = (x: TensorLike): Tensor =>
  x instanceof Tensor && isComplex(x.dtype) ? complexExp(x) : floatUnary(p.exp, x);
/** eˣ − 1, accurate near 0. */
export const expm1 = (x: TensorLike): Tensor => floatUnary(p.expm1, x);
/**
 * Natural logarithm; `log(x, base)` is the logarithm to `base`, ln x / ln base (Nx.log/2). Use
 * `log2` and `log10` for those bases: they are exact at powers of the base.
 */
export function log(x: TensorLike, base?: TensorLike): Tensor {
  if (base === undefined) return floatUnary(p.log, x);
  checkOperand(x, "log");
  checkOperand(base, "log", "base");
  if (x instanceof Tensor && base instanceof Tensor)
    broadcastShapes("log", x.shape, x.dtype, base.shape, base.dtype);
  const dtype = floatType(resultType([x, base]));
  return divide(floatUnary(p.log, cast(x, dtype)), floatUnary(p.log, cast(base, dtype)));
}
/** Base-2 logarithm (exact at powers of 2). */
export const log2 = (x: TensorLike): Tensor => floatUnary(p.log2, x);
/** Base-10 logarithm (exact at powers of 10). */
export const log10 = (x: TensorLike): Tensor => floatUnary(p.log10, x);
/** Real cube root (negative for negative x). */
export const cbrt = (x: TensorLike): Tensor => floatUnary(p.cbrt, x);
/** log(1 + x), accurate near 0. */
export const log1p = (x: TensorLike): Tensor => floatUnary(p.log1p, x);
/** Square root. */
export const sqrt = (x: TensorLike): Tensor => floatUnary(p.sqrt, x);
/** 1 / √x */
export const rsqrt = (x: TensorLike): Tensor => floatUnary(p.rsqrt, x);
/** Sine. */
export const sin = (x: TensorLike): Tensor => floatUnary(p.sin, x);
/** Cosine. */
export const cos = (x: TensorLike): Tensor => floatUnary(p.cos, x);
/** Tangent. */
export const tan = (x: TensorLike): Tensor => floatUnary(p.tan, x);
/** Hyperbolic tangent. */
export const tanh = (x: TensorLike): Tensor => floatUnary(p.tanh, x);
/** The logistic function 1 / (1 + e⁻ˣ). */
export const sigmoid = (x: TensorLike): Tensor => floatUnary(p.sigmoid, x);
/** The error function. */
export const erf = (x: TensorLike): Tensor => floatUnary(p.erf, x);
/** The complementary error function 1 − erf(x), accurate where it is tiny (large x). */
export const erfc = (x: TensorLike): Tensor => floatUnary(p.erfc, x);
/** The inverse error function: ±Infinity at ±1, NaN outside [−1, 1]. */
export const erfInv = (x: TensorLike): Tensor => floatUnary(p.erfInv, x);
/** Inverse sine, in [−π/2, π/2] (NaN outside [−1, 1]). */
export const asin = (x: TensorLike): Tensor => floatUnary(p.asin, x);
/** Inverse cosine, in [0, π] (NaN outside [−1, 1]). */
export const acos = (x: TensorLike): Tensor => floatUnary(p.acos, x);
/** Inverse tangent, in (−π/2, π/2). */
export const atan = (x: TensorLike): Tensor => floatUnary(p.atan, x);
/** Hyperbolic sine. */
export const sinh = (x: TensorLike): Tensor => floatUnary(p.sinh, x);
/** Hyperbolic cosine. */
export const cosh = (x: TensorLike): Tensor => floatUnary(p.cosh, x);
/** Inverse hyperbolic sine. */
export const asinh = (x: TensorLike): Tensor => floatUnary(p.asinh, x);
/** Inverse hyperbolic cosine (NaN below 1). */
export const acosh = (x: TensorLike): Tensor => floatUnary(p.acosh, x);
/** Inverse hyperbolic tangent (±Infinity at ±1, NaN beyond). */
export const atanh = (x: TensorLike): Tensor => floatUnary(p.atanh, x);
/** atan2(y, x): the angle of the point (x, y) from the positive x axis, in [−π, π] (a float). */
export const atan2 = (y: TensorLike, x: TensorLike): Tensor => arith(p.atan2, y, x, true);

const INTEGER_DTYPES: readonly DType[] = ["s32", "u32", "u8", "s64"];

/** The common integer dtype of bitwise operands; floats are refused naming the op and dtype. */
function integerType(op: string, xs: readonly TensorLike[]): DType {
  for (const [i, x] of xs.entries()) {
    checkOperand(
      x,
      op,
      xs.length === 1 ? "argument" : i === 0 ? "first argument" : "second argument",
    );
    if (x instanceof Tensor && !INTEGER_DTYPES.includes(x.dtype))
      throw new TypeError(
        `${op}: expected an integer tensor (s32, u32, u8 or s64), got ${formatType(x.shape, x.dtype)}`,
      );
    if (typeof x === "number" && !Number.isInteger(x))
      throw new TypeError(`${op}: expected an integer, got the number ${x}`);
  }
  // Numbers alone are s32 (Nx's default integer type).
  const dtype = xs.some((x) => x instanceof Tensor) ? resultType(xs) : "s32";
  if (!INTEGER_DTYPES.includes(dtype))
    throw new TypeError(
      `${op}: the operands ${xs.map((x) => (x instanceof Tensor ? x.dtype : String(x))).join(" and ")} have no common integer type (they promote to ${dtype})`,
    );
  return dtype;
}

function bitwise(prim: Primitive, a: TensorLike, b: TensorLike): Tensor {
  const dtype = integerType(prim.name, [a, b]);
  if (a instanceof Tensor && b instanceof Tensor)
    broadcastShapes(prim.name, a.shape, a.dtype, b.shape, b.dtype);
  return bind(prim, [cast(a, dtype), cast(b, dtype)]);
}
/** Bitwise and of integers (s32, u32, u8, s64). */
export const bitwiseAnd = (a: TensorLike, b: TensorLike): Tensor => bitwise(p.bitwiseAnd, a, b);
/** Bitwise or of integers (s32, u32, u8, s64). */
export const bitwiseOr = (a: TensorLike, b: TensorLike): Tensor => bitwise(p.bitwiseOr, a, b);
/** Bitwise exclusive or of integers (s32, u32, u8, s64). */
export const bitwiseXor = (a: TensorLike, b: TensorLike): Tensor => bitwise(p.bitwiseXor, a, b);
/** Bitwise complement of integers (s32, u32, u8, s64), in the same dtype. */
export function bitwiseNot(x: TensorLike): Tensor {
  const dtype = integerType("bitwiseNot", [x]);
  return bind(p.bitwiseNot, [cast(x, dtype)]);
}
/**
 * a shifted left by b bits (integers). Counts of the bit width or more, or negative ones, give
 * 0 (XLA's rule; the count is read as unsigned).
 */
export const leftShift = (a: TensorLike, b: TensorLike): Tensor => bitwise(p.leftShift, a, b);
/**
 * a shifted right by b bits (integers): arithmetic (copies of the sign bit come in) for s32,
 * logical for u32 and u8. Counts of the bit width or more, or negative ones, shift every bit
 * out: 0, or −1 for a negative s32.
 */
export const rightShift = (a: TensorLike, b: TensorLike): Tensor => bitwise(p.rightShift, a, b);

function integral(prim: Primitive, x: TensorLike): Tensor {
  checkOperand(x, prim.name);
  // Integers are whole already; complex tensors go on to the primitive, which refuses them.
  if (x instanceof Tensor && !isFloat(x.dtype) && !isComplex(x.dtype)) return x;
  return sameUnary(prim, x);
}
/** Largest integer ≤ x. */
export const floor = (x: TensorLike): Tensor => integral(p.floor, x);
/** Smallest integer ≥ x. */
export const ceil = (x: TensorLike): Tensor => integral(p.ceil, x);
/** Nearest integer, halves away from zero (as Nx). */
export const round = (x: TensorLike): Tensor => integral(p.round, x);
/** Integer part (toward zero). */
export const trunc = (x: TensorLike): Tensor => integral(p.trunc, x);

/** x clipped into [min, max]. */
export function clip(x: TensorLike, min: TensorLike, max: TensorLike): Tensor {
  checkOperand(x, "clip");
  checkOperand(min, "clip", "min");
  checkOperand(max, "clip", "max");
  // Check the three shapes first, so that an error names clip rather than maximum or minimum.
  let acc: { shape: readonly number[]; dtype: DType } | undefined;
  for (const v of [x, min, max]) {
    if (v instanceof Tensor)
      acc = acc
        ? { shape: broadcastShapes("clip", acc.shape, acc.dtype, v.shape, v.dtype), dtype: v.dtype }
        : v;
  }
  return minimum(maximum(x, min), max);
}

function compare(prim: Primitive, a: TensorLike, b: TensorLike): Tensor {
  return arith(prim, a, b);
}
/** 1 where a = b, else 0 (u8). */
export const equal = (a: TensorLike, b: TensorLike): Tensor => compare(p.equal, a, b);
/** 1 where a ≠ b (u8). */
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => compare(p.notEqual, a, b);
/** 1 where a < b (u8). */
export const less = (a: TensorLike, b: TensorLike): Tensor => compare(p.less, a, b);
/** 1 where a ≤ b (u8). */
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => compare(p.lessEqual, a, b);
/** 1 where a > b (u8). */
export const greater = (a: TensorLike, b: TensorLike): Tensor => compare(p.greater, a, b);
/** 1 where a ≥ b (u8). */
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => compare(p.greaterEqual, a, b);
/** 1 where both are non-zero (u8). */
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => compare(p.logicalAnd, a, b);
/** 1 where either is non-zero (u8). */
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => compare(p.logicalOr, a, b);
/** 1 where x is zero (u8). */
export const logicalNot = (x: TensorLike): Tensor => sameUnary(p.logicalNot, x);
/** 1 (u8) where exactly one of a and b is non-zero (Nx's logical_xor). */
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor =>
  notEqual(notEqual(a, 0), notEqual(b, 0));

/**
 * Integer division rounding toward zero (Nx's quotient) of integer tensors, in their promoted
 * integer type; a zero divisor gives 0 (s64 values beyond ±2^53 lose their low bits). Floats are an
 * error: use `floor(divide(a, b))`.
 */
export function quotient(a: TensorLike, b: TensorLike): Tensor {
  checkOperand(a, "quotient");
  checkOperand(b, "quotient");
  const dtype = resultType([a, b]);
  for (const x of [a, b])
    if (isFloat(x instanceof Tensor ? x.dtype : Number.isInteger(x) ? "s32" : "f32"))
      throw new TypeError(
        `quotient: expected integers, got ${x instanceof Tensor ? formatType(x.shape, x.dtype) : describeValue(x)}; use floor(divide(a, b)) for floats`,
      );
  // Doubles hold every 32-bit integer and their quotients exactly enough to truncate.
  const q = trunc(divide(cast(a, "f64"), cast(b, "f64")));
  return cast(select(equal(b, 0), 0, q), dtype);
}
/** 1 where x is NaN (u8). */
export const isNan = (x: TensorLike): Tensor => sameUnary(p.isNan, x);
/** 1 where x is ±Infinity (u8). */
export const isInfinite = (x: TensorLike): Tensor => sameUnary(p.isInfinite, x);

/** `onTrue` where `pred` is non-zero, else `onFalse`; all three broadcast together (Nx.select, NumPy where). */
export function select(pred: TensorLike, onTrue: TensorLike, onFalse: TensorLike): Tensor {
  checkOperand(pred, "select", "predicate");
  checkOperand(onTrue, "select", "onTrue");
  checkOperand(onFalse, "select", "onFalse");
  const dtype = resultType([onTrue, onFalse]);
  const pt = typeof pred === "number" ? scalar(pred, "u8") : pred;
  return bind(p.select, [pt, cast(onTrue, dtype), cast(onFalse, dtype)]);
}
