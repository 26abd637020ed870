/** Prints the expression IR (`expr.ts`) as JavaScript for the JavaScript backend's fused loops. */
import {
  erf as erfKernel,
  erfc as erfcKernel,
  erfInv as erfInvKernel,
} from "../kernels/special.js";
import type { BinaryOp, Expr, UnaryOp } from "./expr.js";
import { CodegenError } from "./literal.js";
import { powS64, toS64 } from "../int64.js";
import type { Helper } from "./codegen.js";

/**
 * `code` (a 32-bit signed result of a bitwise operator) wrapped to `dtype`, so a value inside a
 * printed tree is already what storing it would keep.
 */
function wrapBits(code: string, dtype: Expr["dtype"]): string {
  if (dtype === "s32") return code;
  if (dtype === "u32") return `((${code}) >>> 0)`;
  if (dtype === "u8") return `((${code}) & 255)`;
  throw new CodegenError(`codegen: bitwise operations take integers, got ${String(dtype)}`);
}

/** JavaScript for `op(a)`, with `a` already printed; `dtype` is the operand's. */
function printUnary(op: UnaryOp, a: string, helper: Helper, dtype: Expr["dtype"]): string {
  switch (op) {
    case "erfc":
      return `${helper(erfcKernel)}(${a})`;
    case "erfInv":
      return `${helper(erfInvKernel)}(${a})`;
    case "bitNot":
      return wrapBits(`~${a}`, dtype);
    case "neg":
      return `-${a}`;
    case "rsqrt":
      return `1 / Math.sqrt(${a})`;
    case "sigmoid":
      return `1 / (1 + Math.exp(-${a}))`;
    case "erf":
      return `${helper(erfKernel)}(${a})`;
    case "round": // half away from zero, as Nx
      return `Math.sign(${a}) * Math.round(Math.abs(${a}))`;
    case "isNan":
      return `(${a} !== ${a} ? 1 : 0)`;
    case "isInfinite":
      return `(${a} === Infinity || ${a} === -Infinity ? 1 : 0)`;
    case "not":
      return `(${a} === 0 ? 1 : 0)`;
    case "abs":
    case "sign":
    case "exp":
    case "expm1":
    case "log":
    case "log1p":
    case "sqrt":
    case "sin":
    case "cos":
    case "tan":
    case "tanh":
    case "floor":
    case "ceil":
    case "trunc":
    case "asin":
    case "acos":
    case "atan":
    case "sinh":
    case "cosh":
    case "asinh":
    case "acosh":
    case "atanh":
    case "log2":
    case "log10":
    case "cbrt":
      return `Math.${op}(${a})`;
  }
}

const INFIX: Partial<Record<BinaryOp, string>> = { add: "+", sub: "-", div: "/", rem: "%" };
const COMPARE: Partial<Record<BinaryOp, string>> = {
  eq: "===",
  ne: "!==",
  lt: "<",
  le: "<=",
  gt: ">",
  ge: ">=",
};

const BITWISE: Partial<Record<BinaryOp, string>> = { bitAnd: "&", bitOr: "|", bitXor: "^" };

/** JavaScript for `op(a, b)`, with both printed; `dtype` is theirs. */
function printBinary(op: BinaryOp, a: string, b: string, dtype: Expr["dtype"]): string {
  const int = dtype === "s32" || dtype === "u32";
  const bits = BITWISE[op];
  if (bits) return wrapBits(`${a} ${bits} ${b}`, dtype);
  const infix = INFIX[op];
  if (infix) return `${a} ${infix} ${b}`;
  const cmp = COMPARE[op];
  if (cmp) return `(${a} ${cmp} ${b} ? 1 : 0)`;
  switch (op) {
    case "mul":
      return int ? `Math.imul(${a}, ${b})` : `${a} * ${b}`;
    case "pow":
      return `Math.pow(${a}, ${b})`;
    case "max":
      return `Math.max(${a}, ${b})`;
    case "min":
      return `Math.min(${a}, ${b})`;
    case "and":
      return `(${a} !== 0 && ${b} !== 0 ? 1 : 0)`;
    case "or":
      return `(${a} !== 0 || ${b} !== 0 ? 1 : 0)`;
    case "atan2":
      return `Math.atan2(${a}, ${b})`;
    // Counts are read as unsigned: 32 or more (or negative) shift every bit out. Narrower
    // dtypes need no other test: their wrap drops what was shifted past their width.
    case "shl":
      return wrapBits(`(${b} >>> 0) < 32 ? ${a} << ${b} : 0`, dtype);
    case "shr":
      return dtype === "s32"
        ? `${a} >> ((${b} >>> 0) < 32 ? ${b} : 31)`
        : wrapBits(`(${b} >>> 0) < 32 ? ${a} >>> ${b} : 0`, dtype);
    default:
      throw new CodegenError(`codegen: unknown binary operation ${String(op)}`);
  }
}

/**
 * JavaScript for `op(a)` of an s64 `a` (a bigint): exact, wrapped to 64 bits. Float operations
 * never reach here (the ops convert integers to f32 first).
 */
function printS64Unary(op: UnaryOp, a: string): string {
  switch (op) {
    case "neg":
      return `BigInt.asIntN(64, -${a})`;
    case "abs":
      return `(${a} < 0n ? BigInt.asIntN(64, -${a}) : ${a})`;
    case "sign":
      return `(${a} > 0n ? 1n : ${a} < 0n ? -1n : 0n)`;
    case "bitNot":
      return `~${a}`;
    case "not":
      return `(${a} === 0n ? 1 : 0)`;
    case "isNan":
    case "isInfinite":
      return "0";
    case "floor":
    case "ceil":
    case "round":
    case "trunc":
      return a;
    default:
      throw new CodegenError(`codegen: ${String(op)} takes floats, got s64`);
  }
}

/** JavaScript for `op(a, b)` of s64 operands (bigints); division and remainder by 0 give 0. */
function printS64Binary(op: BinaryOp, a: string, b: string, helper: Helper): string {
  const cmp = COMPARE[op];
  if (cmp) return `(${a} ${cmp} ${b} ? 1 : 0)`;
  const bits = BITWISE[op];
  // Bitwise operations of two 64-bit values stay within 64 bits.
  if (bits) return `${a} ${bits} ${b}`;
  switch (op) {
    case "add":
      return `BigInt.asIntN(64, ${a} + ${b})`;
    case "sub":
      return `BigInt.asIntN(64, ${a} - ${b})`;
    case "mul":
      return `BigInt.asIntN(64, ${a} * ${b})`;
    case "div":
      return `(${b} === 0n ? 0n : BigInt.asIntN(64, ${a} / ${b}))`;
    case "rem":
      return `(${b} === 0n ? 0n : ${a} % ${b})`;
    case "pow":
      return `${helper(powS64)}(${a}, ${b})`;
    case "max":
      return `(${a} > ${b} ? ${a} : ${b})`;
    case "min":
      return `(${a} < ${b} ? ${a} : ${b})`;
    case "and":
      return `(${a} !== 0n && ${b} !== 0n ? 1 : 0)`;
    case "or":
      return `(${a} !== 0n || ${b} !== 0n ? 1 : 0)`;
    case "shl":
      return `(BigInt.asUintN(64, ${b}) < 64n ? BigInt.asIntN(64, ${a} << ${b}) : 0n)`;
    case "shr":
      return `${a} >> (BigInt.asUintN(64, ${b}) < 64n ? ${b} : 63n)`;
    default:
      throw new CodegenError(`codegen: ${String(op)} takes floats, got s64`);
  }
}

/**
 * A conversion across the s64 boundary: numbers become bigints (truncated, wrapped; NaN and
 * ±Infinity give 0) and bigints numbers (wrapped to a narrower integer type first). Undefined
 * where neither side is s64 (storing converts those).
 */
function printS64Convert(
  a: string,
  from: Expr["dtype"],
  to: Expr["dtype"],
  helper: Helper,
): string | undefined {
  if ((from === "s64") === (to === "s64")) return undefined;
  if (to === "s64") return `${helper(toS64)}(${a})`;
  if (to === "s32") return `Number(BigInt.asIntN(32, ${a}))`;
  if (to === "u32") return `Number(BigInt.asUintN(32, ${a}))`;
  if (to === "u8") return `Number(BigInt.asUintN(8, ${a}))`;
  return `Number(${a})`;
}

/**
 * JavaScript for `e`: `leaf(ref)` gives each leaf's text (a variable, an array read or a literal),
 * `helper` makes a function callable from the generated code. The value is a JS number (a bigint
 * for an s64 tree); storing it into the result's typed array (or the compiler's coercion) rounds
 * it to the dtype.
 */
export function printJs(e: Expr, leaf: (ref: number) => string, helper: Helper): string {
  // Operands are leaves or parenthesised, so no precedence can change what a tree means.
  const arg = (x: Expr): string => (x.k === "leaf" ? leaf(x.ref) : `(${go(x)})`);
  const go = (x: Expr): string => {
    switch (x.k) {
      case "leaf":
        return leaf(x.ref);
      case "unary":
        return x.a.dtype === "s64"
          ? printS64Unary(x.op, arg(x.a))
          : printUnary(x.op, arg(x.a), helper, x.a.dtype);
      case "binary":
        return x.a.dtype === "s64"
          ? printS64Binary(x.op, arg(x.a), arg(x.b), helper)
          : printBinary(x.op, arg(x.a), arg(x.b), x.a.dtype);
      case "select":
        return `(${arg(x.p)} !== ${x.p.dtype === "s64" ? "0n" : "0"} ? ${arg(x.t)} : ${arg(x.f)})`;
      case "convert":
        return printS64Convert(arg(x.a), x.a.dtype, x.dtype, helper) ?? go(x.a);
    }
  };
  return go(e);
}
