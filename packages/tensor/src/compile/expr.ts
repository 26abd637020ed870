/**
 * The target-neutral expression IR of elementwise primitives. An elementwise primitive's lowering
 * builds one small typed tree per element from its operands' trees; each backend prints or encodes
 * the trees itself (JavaScript source in `js-expr.ts`; WebAssembly, WGSL or ONNX nodes can read the
 * same trees). A tree holds no code text: leaves are references a backend resolves, and constants
 * are numbers.
 */
import type { DType } from "../dtype.js";

/** Operations of one operand. `isNan`, `isInfinite` and `not` give u8 0/1. */
export type UnaryOp =
  | "neg"
  | "abs"
  | "sign"
  | "exp"
  | "expm1"
  | "log"
  | "log1p"
  | "sqrt"
  | "rsqrt"
  | "sin"
  | "cos"
  | "tan"
  | "tanh"
  | "sigmoid"
  | "erf"
  | "erfc"
  | "erfInv"
  | "asin"
  | "acos"
  | "atan"
  | "sinh"
  | "cosh"
  | "asinh"
  | "acosh"
  | "atanh"
  | "log2"
  | "log10"
  | "cbrt"
  | "floor"
  | "ceil"
  | "round"
  | "trunc"
  | "isNan"
  | "isInfinite"
  | "not"
  /** Bitwise complement of an integer (s32, u32, u8), wrapped to its dtype. */
  | "bitNot";

/** Operations of two operands of one dtype. Comparisons and `and`/`or` give u8 0/1. `atan2(a, b)` is the angle of the point (b, a). */
export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "rem"
  | "max"
  | "min"
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "and"
  | "or"
  | "atan2"
  /** Bitwise operations of integers (s32, u32, u8), wrapped to their dtype. */
  | "bitAnd"
  | "bitOr"
  | "bitXor"
  /**
   * Shifts of integers by a count read as unsigned (XLA's rule): a count of at least the bit
   * width (or negative, for s32) gives 0, or the sign for an arithmetic (s32) right shift.
   */
  | "shl"
  | "shr";

/**
 * A typed expression: `dtype` is the type the value is computed in (a backend computes floats
 * of f32 trees in f32 or wider and rounds where values are stored; integer trees wrap as their dtype).
 */
export type Expr =
  /** An operand the backend supplies: the `ref`-th input read of the fused loop, or a constant it inlines. */
  | { readonly k: "leaf"; readonly ref: number; readonly dtype: DType }
  | { readonly k: "unary"; readonly op: UnaryOp; readonly a: Expr; readonly dtype: DType }
  | {
      readonly k: "binary";
      readonly op: BinaryOp;
      readonly a: Expr;
      readonly b: Expr;
      readonly dtype: DType;
    }
  /** `t` where `p` ≠ 0, else `f`. */
  | {
      readonly k: "select";
      readonly p: Expr;
      readonly t: Expr;
      readonly f: Expr;
      readonly dtype: DType;
    }
  /** `a` converted to `dtype` (floats to integers truncate toward zero; integers wrap). */
  | { readonly k: "convert"; readonly a: Expr; readonly dtype: DType };

const PREDICATES: ReadonlySet<UnaryOp | BinaryOp> = new Set([
  "isNan",
  "isInfinite",
  "not",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "and",
  "or",
]);

/** A leaf: the backend's operand number `ref`, of `dtype`. */
export const leaf = (ref: number, dtype: DType): Expr => ({ k: "leaf", ref, dtype });

/** `op(a)`. */
export const unary = (op: UnaryOp, a: Expr): Expr => ({
  k: "unary",
  op,
  a,
  dtype: PREDICATES.has(op) ? "u8" : a.dtype,
});

/** `op(a, b)`; both operands have one dtype (the ops layer promotes before binding). */
export const binary = (op: BinaryOp, a: Expr, b: Expr): Expr => ({
  k: "binary",
  op,
  a,
  b,
  dtype: PREDICATES.has(op) ? "u8" : a.dtype,
});

/** `t` where `p` ≠ 0, else `f`. */
export const select = (p: Expr, t: Expr, f: Expr): Expr => ({
  k: "select",
  p,
  t,
  f,
  dtype: t.dtype,
});

/** `a` as `dtype`; the identity when it already is. */
export const convert = (a: Expr, dtype: DType): Expr =>
  a.dtype === dtype ? a : { k: "convert", a, dtype };
