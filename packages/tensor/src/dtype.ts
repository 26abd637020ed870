/**
 * Element types and the rules for combining them.
 *
 * Promotion (as in Nx):
 * - same type → that type;
 * - any float with any integer → the float type (f16, bf16, f32 or f64);
 * - two floats → the wider one (f16, bf16 < f32 < f64); f16 with bf16 → f32 (neither holds the other);
 * - two integer types → the wider one (u8 < s32, u8 < u32, everything < s64); s32 with u32 → s32;
 * - a JS number is "weak": it takes the tensor's type, except that a non-integer number with an
 *   integer tensor gives f32.
 *
 * Complex types (c64: pairs of f32, c128: pairs of f64, as Nx's {:c, 64} and {:c, 128}) are
 * stored interleaved (re, im) in a typed array of their part type, twice as long as the element
 * count. Anything with a complex type is complex, of the wider part: c64 with f64 (or with c128)
 * is c128, otherwise c64.
 */
import { describeValue } from "./describe.js";
import { decodeHalves, encodeHalves, isHalf } from "./half.js";
import { numbersOfS64, s64Array } from "./int64.js";

/** The element types a tensor can hold. */
export type DType = "f32" | "f64" | "s32" | "u32" | "u8" | "f16" | "bf16" | "s64" | ComplexDType;

/** The complex element types. */
export type ComplexDType = "c64" | "c128";

/** One complex value, as `toArray` returns the elements of a complex tensor. */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

/** The typed array that backs a tensor. */
export type TypedArray =
  Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array | Uint16Array | BigInt64Array;

/** The typed arrays that hold numbers (all but s64's): what kernel functions take. */
export type NumberArray = Exclude<TypedArray, BigInt64Array>;

/** Every dtype, in a stable order. */
export const DTYPES: readonly DType[] = [
  "f32",
  "f64",
  "s32",
  "u32",
  "u8",
  "f16",
  "bf16",
  "s64",
  "c64",
  "c128",
];

const ARRAYS = {
  f32: Float32Array,
  f64: Float64Array,
  s32: Int32Array,
  u32: Uint32Array,
  u8: Uint8Array,
  // f16 and bf16 store their bits (half.ts converts them).
  f16: Uint16Array,
  bf16: Uint16Array,
  // s64 holds bigints (int64.ts converts numbers to them).
  s64: BigInt64Array,
  c64: Float32Array,
  c128: Float64Array,
} as const;

/** Each complex type's part type. */
const COMPLEX_PART = { c64: "f32", c128: "f64" } as const;

/** Bytes per element of a dtype. */
export function byteSize(dtype: DType): number {
  return ARRAYS[checkDType(dtype, "byteSize")].BYTES_PER_ELEMENT * (isComplex(dtype) ? 2 : 1);
}

/** True when the string names a dtype. */
export function isDType(x: unknown): x is DType {
  return typeof x === "string" && Object.prototype.hasOwnProperty.call(ARRAYS, x);
}

/** Throws a clear error when `x` is not a dtype; returns it typed otherwise. */
export function checkDType(x: unknown, where: string): DType {
  if (!isDType(x)) {
    throw new TypeError(
      `${where}: unknown dtype ${describeValue(x)}; expected one of ${DTYPES.join(", ")}`,
    );
  }
  return x;
}

/** A new zero-filled typed array of `dtype` with `size` elements. */
export function allocate(dtype: DType, size: number): TypedArray {
  return new ARRAYS[dtype](isComplex(dtype) ? 2 * size : size);
}

/**
 * A typed array of `dtype` holding `values`, each rounded as storing it rounds (f16 and bf16
 * encoded to their bits).
 */
export function arrayOf(dtype: DType, values: ArrayLike<number>): TypedArray {
  if (dtype === "s64") return s64Array(values);
  return isHalf(dtype) ? encodeHalves(values, dtype) : ARRAYS[dtype].from(values);
}

/** The elements of `data`, an array of `dtype`, as numbers (f16 and bf16 decoded). */
export function numbersOf(dtype: DType, data: TypedArray): NumberArray {
  if (data instanceof BigInt64Array) return numbersOfS64(data);
  return isHalf(dtype) ? decodeHalves(data, dtype) : data;
}

/** The constructor of the typed array for `dtype` (a complex type's holds two numbers an element). */
export function arrayConstructor(dtype: DType) {
  return ARRAYS[dtype];
}

/**
 * The dtype a typed array stores. A `Uint16Array` has none of its own (it holds the bits of f16
 * or bf16, and which is not said).
 */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return "f32";
  if (a instanceof Float64Array) return "f64";
  if (a instanceof Int32Array) return "s32";
  if (a instanceof Uint32Array) return "u32";
  if (a instanceof Uint8Array) return "u8";
  if (a instanceof BigInt64Array) return "s64";
  if (a instanceof Uint16Array)
    throw new TypeError(
      'a Uint16Array holds the bits of f16 or bf16: pass { dtype: "f16" } or { dtype: "bf16" }',
    );
  throw new TypeError(`unsupported typed array ${(a as object).constructor.name}`);
}

/** True for the float dtypes: f32, f64, f16 and bf16 (Nx's `Nx.Type.float?`). */
export function isFloat(dtype: DType): boolean {
  return dtype === "f32" || dtype === "f64" || dtype === "f16" || dtype === "bf16";
}

/** True for s32, u32, u8 and s64. */
export function isInteger(dtype: DType): boolean {
  return !isFloat(dtype) && !isComplex(dtype);
}

/** True for c64 and c128. */
export function isComplex(dtype: DType): dtype is ComplexDType {
  return dtype === "c64" || dtype === "c128";
}

/** The type of a complex type's real and imaginary parts (f32 for c64); other types themselves. */
export function complexPart(dtype: DType): DType {
  return isComplex(dtype) ? COMPLEX_PART[dtype] : dtype;
}

/** The complex type a value of `dtype` converts to: c128 for f64 and c128, c64 otherwise. */
export function complexType(dtype: DType): ComplexDType {
  return dtype === "f64" || dtype === "c128" ? "c128" : "c64";
}

const INT_RANK: Record<string, number> = { u8: 0, u32: 1, s32: 2, s64: 3 };

/** The type two tensors combine to (see the module comment). */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (isComplex(a) || isComplex(b))
    return complexType(promoteTypes(complexPart(a), complexPart(b)));
  if (isFloat(a) || isFloat(b)) {
    if (a === "f64" || b === "f64") return "f64";
    if (!isFloat(a)) return b;
    if (!isFloat(b)) return a;
    // Two different floats of which neither is f64: f32 holds either half type.
    return "f32";
  }
  return INT_RANK[a]! >= INT_RANK[b]! ? a : b;
}

/** The type a tensor of `dtype` combines with a JS number to. */
export function promoteWithNumber(dtype: DType, x: number): DType {
  if (isInteger(dtype) && !Number.isInteger(x)) return "f32";
  return dtype;
}

/** The float type an op like `exp` returns for an input of `dtype` (integers become f32). */
export function floatType(dtype: DType): DType {
  return isFloat(dtype) || isComplex(dtype) ? dtype : "f32";
}
