/** Prints the expression IR (`expr.ts`) as JavaScript for the JavaScript backend's fused loops. */
import { erf as erfKernel } from "../kernels/special.js";
import type { BinaryOp, Expr, UnaryOp } from "./expr.js";
import { CodegenError } from "./literal.js";

const int32 = (e: Expr) => e.dtype === "s32" || e.dtype === "u32";

/** JavaScript for `op(a)`, with `a` already printed. */
function printUnary(op: UnaryOp, a: string, helper: (fn: (x: number) => number) => string): string {
  switch (op) {
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

/** JavaScript for `op(a, b)`, with both printed; `int` when they are 32-bit integers. */
function printBinary(op: BinaryOp, a: string, b: string, int: boolean): string {
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
        return printUnary(x.op, arg(x.a), helper);
      case "binary":
        return printBinary(x.op, arg(x.a), arg(x.b), int32(x.a));
      case "select":
        return `(${arg(x.p)} !== 0 ? ${arg(x.t)} : ${arg(x.f)})`;
      case "convert":
        return go(x.a);
    }
  };
  return go(e);
}
