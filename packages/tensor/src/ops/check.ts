/**
 * Checks of op arguments that arrive untyped (from JSON, a CLI, a request): each names the op and
 * the option, and none coerces (a string is never taken for the number or flag it spells).
 */
import { describeValue, show } from "../describe.js";
import { Tensor } from "../tensor.js";

/** `options` as an object to read (undefined gives `{}`); anything else is a TypeError. */
export function checkOptions<T extends object>(op: string, options: T | undefined): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw new TypeError(`${op}: options must be an object, got ${describeValue(options)}`);
  return options;
}

/** A boolean option (`fallback` when undefined). */
export function checkBoolean(op: string, name: string, x: unknown, fallback: boolean): boolean {
  if (x === undefined) return fallback;
  if (typeof x !== "boolean")
    throw new TypeError(`${op}: ${name} must be a boolean, got ${describeValue(x)}`);
  return x;
}

/** A number (NaN and ±Infinity allowed: fill values, bounds). */
export function checkNumber(op: string, name: string, x: unknown): number {
  if (typeof x !== "number")
    throw new TypeError(`${op}: ${name} must be a number, got ${describeValue(x)}`);
  return x;
}

/** An integer no smaller than `min` (a size, count, offset or diagonal). */
export function checkInteger(op: string, name: string, x: unknown, min = -Infinity): number {
  if (typeof x !== "number" || !Number.isInteger(x) || x < min) {
    const what =
      min === 0 ? "a non-negative integer" : min === 1 ? "a positive integer" : "an integer";
    throw new RangeError(`${op}: ${name} must be ${what}, got ${show(x)}`);
  }
  return x;
}

/** One of a few strings. */
export function checkChoice<T extends string>(
  op: string,
  name: string,
  x: unknown,
  choices: readonly T[],
): T {
  if (!choices.includes(x as T))
    throw new RangeError(
      `${op}: ${name} must be ${choices.map((c) => JSON.stringify(c)).join(" or ")}, got ${show(x)}`,
    );
  return x as T;
}

/** A Tensor argument. */
export function checkTensorArg(op: string, x: unknown, what = "argument"): asserts x is Tensor {
  if (!(x instanceof Tensor))
    throw new TypeError(`${op}: ${what} must be a Tensor, got ${describeValue(x)}`);
}
