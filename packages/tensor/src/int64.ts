/**
 * The 64-bit signed integer dtype s64, stored in a `BigInt64Array`. Generated code computes s64
 * values exactly as bigints wrapped to 64 bits (add, subtract, multiply, divide, remainder, pow,
 * min, max, comparisons, bitwise operations, shifts, negate, abs, sign); conversions to floats go
 * through `Number`, from floats truncate toward zero (NaN and ±Infinity give 0, as storing them
 * into an Int32Array does) and wrap. Reads (`toArray`, `toNumber`) give numbers, exact up to
 * 2^53 in magnitude; `data()` gives the exact `BigInt64Array`.
 */

/** The s64 value of a number: truncated toward zero and wrapped to 64 bits; NaN and ±Infinity are 0. */
export function toS64(x: number): bigint {
  if (!Number.isFinite(x)) return 0n;
  return BigInt.asIntN(64, BigInt(Math.trunc(x)));
}

/** The number nearest an s64 value. */
export function fromS64(x: bigint): number {
  return Number(x);
}

/** A `BigInt64Array` of the s64 values of `values`. */
export function s64Array(values: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toS64(values[i]!);
  return out;
}

/** The values of an s64 array as numbers (exact up to 2^53 in magnitude). */
export function numbersOfS64(data: BigInt64Array): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]!);
  return out;
}

/** `into[i]` = the number nearest `from[i]` (a kernel's s64 input widened to f64). */
export function s64IntoNumbers(into: Float64Array, from: BigInt64Array): void {
  for (let i = 0; i < from.length; i++) into[i] = Number(from[i]!);
}

/** `into[i]` = the s64 value of `from[i]` (a kernel's f64 output stored as s64). */
export function numbersIntoS64(into: BigInt64Array, from: Float64Array): void {
  for (let i = 0; i < from.length; i++) into[i] = toS64(from[i]!);
}

/** `a` to the power `b`, wrapped to 64 bits: negative powers of integers other than ±1 are 0. */
export function powS64(a: bigint, b: bigint): bigint {
  if (b < 0n) return a === 1n ? 1n : a === -1n ? (b % 2n === 0n ? 1n : -1n) : 0n;
  let result = 1n;
  let base = a;
  // Square and multiply, wrapping each product (so a huge exponent takes at most 64 steps).
  for (let e = b; e > 0n; e >>= 1n) {
    if (e & 1n) result = BigInt.asIntN(64, result * base);
    base = BigInt.asIntN(64, base * base);
  }
  return result;
}
