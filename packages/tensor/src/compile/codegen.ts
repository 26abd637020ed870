/** Small pieces of JavaScript code generation shared by the compiler and the kernel emitters. */
import type { DType } from "../dtype.js";
import type { Shape } from "../shape.js";
import { stridesOf } from "../shape.js";
import { describeValue } from "../describe.js";
import { CodegenError, int } from "./literal.js";
import { HALF_CODECS, isHalf } from "../half.js";

export { CodegenError, bool, int, lit, literal } from "./literal.js";

const CTOR: Record<DType, string> = {
  f32: "Float32Array",
  f64: "Float64Array",
  s32: "Int32Array",
  u32: "Uint32Array",
  u8: "Uint8Array",
  f16: "Uint16Array",
  bf16: "Uint16Array",
  s64: "BigInt64Array",
  // Complex buffers hold interleaved (re, im) pairs; programs only see them through views.
  c64: "Float32Array",
  c128: "Float64Array",
};

/** The typed-array constructor name for a dtype (an unknown dtype is refused, not written). */
export function ctorName(dtype: DType): string {
  if (!Object.prototype.hasOwnProperty.call(CTOR, dtype))
    throw new CodegenError(`codegen: refusing unknown dtype ${describeValue(dtype)}`);
  return CTOR[dtype];
}

/** Makes a function callable from generated code; returns its name there. */
export type Helper = (fn: (...args: any[]) => any) => string;

/**
 * The value of `element` (an element read from a `dtype` array): f16 and bf16 elements are bits,
 * decoded here; others are their value.
 */
export function load(element: string, dtype: DType, helper: Helper): string {
  return isHalf(dtype) ? `${helper(HALF_CODECS[dtype].decode)}(${element})` : element;
}

/**
 * What to write into a `dtype` array for the value `expr`: f16 and bf16 are encoded to their bits
 * (rounded to nearest even); other arrays round a number themselves.
 */
export function store(expr: string, dtype: DType, helper: Helper): string {
  return isHalf(dtype) ? `${helper(HALF_CODECS[dtype].encode)}(${expr})` : expr;
}

/** Wraps an expression so its value is exactly what storing into a `dtype` array would keep. */
export function coerce(expr: string, dtype: DType, helper: Helper): string {
  if (isHalf(dtype)) return load(store(expr, dtype, helper), dtype, helper);
  switch (dtype) {
    case "f32":
      return `Math.fround(${expr})`;
    case "f64":
    case "s64": // s64 trees compute bigints already wrapped to 64 bits
      return expr;
    case "s32":
      return `((${expr}) | 0)`;
    case "u32":
      return `((${expr}) >>> 0)`;
    case "u8":
      return `((${expr}) & 255)`;
    default:
      throw new CodegenError(`codegen: refusing unknown dtype ${describeValue(dtype)}`);
  }
}

/**
 * Nested loops over `shape` that run `body` with `vars[d]` as the index of axis d. Axes of size 1
 * get no loop (their index is the literal 0).
 */
export function loopNest(
  shape: Shape,
  prefix: string,
  body: (vars: readonly string[]) => string,
): string {
  const vars = shape.map((d, i) => (d === 1 ? "0" : `${prefix}${i}`));
  const sizes = shape.map((d) => int(d, "loop size"));
  let code = body(vars);
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    const v = vars[d]!;
    code = `for (let ${v} = 0; ${v} < ${sizes[d]}; ${v}++) {\n${code}\n}`;
  }
  return code;
}

/** `offset + Σ vars[d] * strides[d]` as compact code. */
export function indexExpr(vars: readonly string[], strides: readonly number[], offset = 0): string {
  const terms: string[] = [];
  for (let d = 0; d < vars.length; d++) {
    const s = strides[d]!;
    const v = vars[d]!;
    if (s === 0 || v === "0") continue;
    terms.push(s === 1 ? v : `${v} * ${int(s, "stride")}`);
  }
  if (offset !== 0 || terms.length === 0) terms.unshift(int(offset, "offset"));
  return terms.join(" + ");
}

/** Strides for reading a tensor of `shape` broadcast (right-aligned) to `target`: 0 on broadcast axes. */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] !== 1 || target[lead + d] === 1) out[lead + d] = shape[d] === 1 ? 0 : own[d]!;
  }
  return out;
}

/**
 * Copies `src` viewed through (offset, strides over `shape`) into `dst` at (offset, strides).
 * The common affine copy behind transpose, slice, reverse, pad, concatenate and broadcast.
 */
export function stridedCopy(
  dst: string,
  dstOffset: number,
  dstStrides: readonly number[],
  src: string,
  srcOffset: number,
  srcStrides: readonly number[],
  shape: Shape,
): string {
  if (shape.some((d) => d === 0)) return "";
  return loopNest(
    shape,
    "i",
    (v) =>
      `${dst}[${indexExpr(v, dstStrides, dstOffset)}] = ${src}[${indexExpr(v, srcStrides, srcOffset)}];`,
  );
}
