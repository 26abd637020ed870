/** Prints the expression IR (`expr.ts`) as JavaScript for the JavaScript backend's fused loops. */
import {
  erf as erfKernel,
  erfc as erfcKernel,
  erfInv as erfInvKernel,
} from "../kernels/special.js";
import type { BinaryOp, Expr, UnaryOp } from "./expr.js";
import { CodegenError } from "./literal.js";

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
function printUnary(
  op: UnaryOp,
  a: string,
  helper: (fn: (x: number) => number) => string,
  dtype: Expr["dtype"],
): string {
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
 * JavaScript for `e`: `leaf(ref)` gives each leaf's text (a variable, an array read or a literal),
 * `helper` makes a function callable from the generated code. The value is a JS number; storing
 * it into the result's typed array (or the compiler's coercion) rounds it to the dtype.
 */
export function printJs(
  e: Expr,
  leaf: (ref: number) => string,
  helper: (fn: (x: number) => number) => string,
): string {
  // Operands are leaves or parenthesised, so no precedence can change what a tree means.
  const arg = (x: Expr): string => (x.k === "leaf" ? leaf(x.ref) : `(${go(x)})`);
  const go = (x: Expr): string => {
    switch (x.k) {
      case "leaf":
        return leaf(x.ref);
      case "unary":
        return printUnary(x.op, arg(x.a), helper, x.a.dtype);
      case "binary":
        return printBinary(x.op, arg(x.a), arg(x.b), x.a.dtype);
      case "select":
        return `(${arg(x.p)} !== 0 ? ${arg(x.t)} : ${arg(x.f)})`;
      case "convert":
        return go(x.a);
    }
  };
  return go(e);
}
