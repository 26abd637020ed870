/**
 * The one way a value enters generated code. Everything a kernel emitter or the compiler writes
 * into source text that is not its own fixed text or a name it made up goes through `literal` (or
 * `lit`, `int`, `bool`, which narrow it): numbers and booleans become literals, anything else —
 * strings, objects whose `toString` says something else, `undefined` — is refused.
 */

import { describeValue } from "../describe.js";

/** A value was about to be written into generated code and is not a number or a boolean. */
export class CodegenError extends TypeError {
  override name = "CodegenError";
}

function refuse(what: string, x: unknown, where: string): never {
  throw new CodegenError(
    `${where}: refusing to write ${describeValue(x)} into generated code; expected ${what}`,
  );
}

/**
 * The JavaScript literal for a number (any, NaN and ±Infinity included) or a boolean; negative
 * numbers are parenthesised. Throws a `CodegenError` naming `where` for anything else.
 */
export function literal(x: number | boolean, where = "codegen"): string {
  if (typeof x === "boolean") return x ? "true" : "false";
  if (typeof x !== "number") refuse("a number or a boolean", x, where);
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "(-Infinity)";
  if (Object.is(x, -0)) return "(-0)";
  return x < 0 ? `(${x})` : String(x);
}

/** `literal` for a number (a constant such as a fill value: NaN and ±Infinity allowed). */
export function lit(x: number, where = "codegen"): string {
  if (typeof x !== "number") refuse("a number", x, where);
  return literal(x, where);
}

/** The JavaScript literal of a bigint (an s64 constant): `5n`, or `(-5n)`. */
export function bigLit(x: bigint, where = "codegen"): string {
  if (typeof x !== "bigint") refuse("a bigint", x, where);
  return x < 0n ? `(${x}n)` : `${x}n`;
}

/** The literal of an element of a constant array: a bigint of s64, else a number. */
export function elementLit(x: number | bigint, where = "codegen"): string {
  return typeof x === "bigint" ? bigLit(x, where) : lit(x, where);
}

/** `literal` for an integer (a size, stride, offset, axis or index: finite and whole). */
export function int(x: number, where = "codegen"): string {
  if (typeof x !== "number" || !Number.isInteger(x)) refuse("an integer", x, where);
  return literal(x, where);
}

/** `literal` for a boolean (a flag). */
export function bool(x: boolean, where = "codegen"): string {
  if (typeof x !== "boolean") refuse("a boolean", x, where);
  return literal(x, where);
}

/** `x` itself when it is a boolean (a flag passed to a kernel call); refused as `bool` refuses. */
export function flag(x: boolean, where = "codegen"): boolean {
  bool(x, where);
  return x;
}

/** `x` itself when it is an integer (a size passed to a kernel call); refused as `int` refuses. */
export function whole(x: number, where = "codegen"): number {
  int(x, where);
  return x;
}
