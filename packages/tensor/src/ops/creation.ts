/** Creating tensors: from JS values, typed arrays and bytes, and the usual constant patterns. */
import { formatShape } from "../format.js";
import type { Complex, DType, NumberArray, TypedArray } from "../dtype.js";
import {
  allocate,
  arrayOf,
  byteSize,
  checkDType,
  dtypeOfArray,
  isComplex,
  numbersOf,
  promoteWithNumber,
} from "../dtype.js";
import { isHalf } from "../half.js";
import type { Shape } from "../shape.js";
import { checkShape, normalizeAxis, sizeOf, stridesOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { describeValue } from "../describe.js";
import { checkBoolean, checkNumber, checkOptions } from "./check.js";

/**
 * A zero-filled array to write the values of a new `dtype` tensor into as numbers: the tensor's
 * own array, or for f16, bf16, s64 and the complex types (real parts) a Float64Array that
 * `stored` then converts.
 */
function staging(dtype: DType, size: number): NumberArray {
  return isHalf(dtype) || dtype === "s64" || isComplex(dtype)
    ? new Float64Array(size)
    : (allocate(dtype, size) as NumberArray);
}

/** The array of a `dtype` tensor whose values `staging` gave were written into. */
function stored(dtype: DType, data: NumberArray): TypedArray {
  return isHalf(dtype) || dtype === "s64" || isComplex(dtype) ? fromNumbers(dtype, data) : data;
}

/** A new array of a `dtype` tensor holding `values` (the real parts of a complex one). */
function fromNumbers(dtype: DType, values: ArrayLike<number>): TypedArray {
  if (!isComplex(dtype)) return arrayOf(dtype, values);
  const out = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) out[2 * i] = values[i]!;
  return out;
}

/** Nested arrays of numbers (or booleans), any depth. */
export type NestedArray = number | boolean | readonly NestedArray[];

/** Nested arrays of complex values `{ re, im }` (what `toArray` gives for a complex tensor). */
export type NestedComplex = Complex | readonly NestedComplex[];

/** Options for creating a tensor. */
export interface DTypeOptions {
  /** Element type; JS numbers default to "f32", typed arrays to their own type. */
  dtype?: DType;
}

/**
 * A tensor from a number, nested arrays, a typed array (1-D) or another tensor. Nested arrays of
 * `{ re, im }` objects make a complex tensor (c64 unless `dtype` says c128); numbers given a
 * complex `dtype` are real parts. A typed array or tensor converts to a complex `dtype` as real
 * parts; a complex tensor converts only to complex types (`nx.real` gives its real part).
 * @example tensor([[1, 2], [3, 4]]) // f32[2][2]
 * @example tensor([{ re: 1, im: 2 }]) // c64[1] [1.0+2.0i]
 */
export function tensor(
  value: NestedArray | NestedComplex | TypedArray | Tensor,
  options: DTypeOptions = {},
): Tensor {
  const o = checkOptions("tensor", options);
  const dtype = o.dtype === undefined ? undefined : checkDType(o.dtype, "tensor");
  if (value instanceof Tensor) {
    const data = value._concrete("tensor");
    if (!dtype || dtype === value.dtype) return value;
    if (isComplex(value.dtype) && !isComplex(dtype))
      throw new TypeError(
        `tensor: cannot make ${dtype} values of a ${value.dtype} tensor; take nx.real(x) or nx.abs(x) first`,
      );
    // Between complex types the interleaved parts convert as they are.
    if (isComplex(value.dtype))
      return new Tensor(value.shape, dtype, arrayOf(dtype, data as NumberArray));
    return new Tensor(value.shape, dtype, fromNumbers(dtype, numbersOf(value.dtype, data)));
  }
  if (ArrayBuffer.isView(value)) {
    // A Uint16Array is taken as the bits of f16 or bf16 (its dtype must say which).
    if (value instanceof Uint16Array && dtype !== undefined && isHalf(dtype))
      return new Tensor([value.length], dtype, value.slice());
    const dt = dtype ?? dtypeOfArray(value as TypedArray);
    // A BigInt64Array is s64 values, kept exactly as s64 (converted through numbers otherwise).
    if (value instanceof BigInt64Array)
      return new Tensor(
        [value.length],
        dt,
        dt === "s64" ? value.slice() : fromNumbers(dt, numbersOf("s64", value)),
      );
    return new Tensor([value.length], dt, fromNumbers(dt, value as NumberArray));
  }
  const shape = inferShape(value);
  const leaf = leafOf(value);
  const givenComplex = typeof leaf === "object" && leaf !== null;
  const dt = dtype ?? (givenComplex ? "c64" : "f32");
  if (givenComplex && !isComplex(dt))
    throw new TypeError(`tensor: complex values { re, im } need a complex dtype, not ${dt}`);
  // { re, im } values are written as pairs into the tensor's array; numbers into `staging`
  // (real parts, for a complex dtype).
  const data = givenComplex
    ? (allocate(dt, sizeOf(shape)) as NumberArray)
    : staging(dt, sizeOf(shape));
  const width = givenComplex ? 2 : 1;
  let k = 0;
  const fill = (v: NestedArray | NestedComplex, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (givenComplex && isComplexValue(v)) {
        data[k] = v.re;
        data[k + 1] = v.im;
      } else if (!givenComplex && typeof v === "boolean") data[k] = v ? 1 : 0;
      else if (!givenComplex && typeof v === "number") data[k] = v;
      else
        throw new TypeError(
          `tensor: expected ${givenComplex ? "a complex value { re, im }" : "a number"} at [${path.join("][")}], got ${describeValue(v)}`,
        );
      k += width;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new RangeError(
        `tensor: ragged nested array: the entry at [${path.join("][")}] has ${Array.isArray(v) ? `length ${v.length}` : describeValue(v)}, expected length ${shape[depth]}`,
      );
    }
    for (let i = 0; i < v.length; i++) fill(v[i] as NestedArray, depth + 1, [...path, i]);
  };
  fill(value, 0, []);
  return new Tensor(shape, dt, givenComplex ? data : stored(dt, data));
}

function isComplexValue(v: unknown): v is Complex {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const { re, im } = v as { re?: unknown; im?: unknown };
  return typeof re === "number" && typeof im === "number";
}

/** The first leaf of nested arrays (undefined when one of them is empty). */
function leafOf(value: unknown): unknown {
  let v = value;
  while (Array.isArray(v)) v = v[0];
  return v;
}

function inferShape(value: NestedArray | NestedComplex): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  if (v !== undefined && typeof v !== "number" && typeof v !== "boolean" && !isComplexValue(v)) {
    throw new TypeError(
      `tensor: expected numbers, booleans, complex values { re, im } or nested arrays of them, got ${describeValue(v)}`,
    );
  }
  return shape;
}

/** A tensor of `shape` with every element equal to `value`. */
export function full(shape: Shape, value: number, options: DTypeOptions = {}): Tensor {
  return filled("full", shape, value, options);
}

function filled(op: string, shape: Shape, value: number, options: DTypeOptions): Tensor {
  const s = checkShape(shape, op);
  checkNumber(op, "value", value);
  const dtype = checkDType(checkOptions(op, options).dtype ?? "f32", op);
  const data = staging(dtype, sizeOf(s));
  if (value !== 0) data.fill(value);
  return new Tensor(s, dtype, stored(dtype, data));
}

/** A tensor of zeros. */
export function zeros(shape: Shape, options: DTypeOptions = {}): Tensor {
  return filled("zeros", shape, 0, options);
}

/** A tensor of ones. */
export function ones(shape: Shape, options: DTypeOptions = {}): Tensor {
  return filled("ones", shape, 1, options);
}

/** Zeros with the shape and dtype of `x`. */
export function zerosLike(x: Tensor): Tensor {
  return full(x.shape, 0, { dtype: x.dtype });
}

/**
 * A tensor of `x`'s shape with every element `value` (Nx's fill), in `x`'s type combined with the
 * number's (an integer tensor filled with 0.5 is f32), or `options.dtype`.
 */
export function fill(x: Tensor, value: number, options: DTypeOptions = {}): Tensor {
  if (!(x instanceof Tensor))
    throw new TypeError(`fill: expected a Tensor, got ${describeValue(x)}`);
  checkNumber("fill", "value", value);
  const given = checkOptions("fill", options).dtype;
  const dtype = given === undefined ? promoteWithNumber(x.dtype, value) : checkDType(given, "fill");
  return full(x.shape, value, { dtype });
}

/** Ones with the shape and dtype of `x`. */
export function onesLike(x: Tensor): Tensor {
  return full(x.shape, 1, { dtype: x.dtype });
}

/**
 * Counts up along `axis` (0, 1, 2, …), or across all elements in row-major order when no axis is
 * given. Default dtype "s32". `iota([1, 3], { axis: -1 })` is `[[0, 1, 2]]`.
 */
export function iota(shape: Shape, options: DTypeOptions & { axis?: number } = {}): Tensor {
  const s = checkShape(shape, "iota");
  options = checkOptions("iota", options);
  const dtype = checkDType(options.dtype ?? "s32", "iota");
  const data = staging(dtype, sizeOf(s));
  if (options.axis === undefined) {
    for (let i = 0; i < data.length; i++) data[i] = i;
  } else {
    const axis = normalizeAxis("iota", options.axis, s.length);
    const stride = stridesOf(s)[axis]!;
    const n = s[axis]!;
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(i / stride) % n;
  }
  return new Tensor(s, dtype, stored(dtype, data));
}

/** The identity matrix n×n (or n×m). */
export function eye(n: number, options: DTypeOptions & { m?: number } = {}): Tensor {
  options = checkOptions("eye", options);
  const m = options.m ?? n;
  const s = checkShape([n, m], "eye");
  const dtype = checkDType(options.dtype ?? "f32", "eye");
  const d = staging(dtype, sizeOf(s));
  for (let i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1;
  return new Tensor(s, dtype, stored(dtype, d));
}

/** `n` evenly spaced values from `start` to `stop` (inclusive unless `endpoint: false`). */
export function linspace(
  start: number,
  stop: number,
  options: DTypeOptions & { n?: number; endpoint?: boolean } = {},
): Tensor {
  checkNumber("linspace", "start", start);
  checkNumber("linspace", "stop", stop);
  options = checkOptions("linspace", options);
  const n = options.n ?? 50;
  checkShape([n], "linspace");
  const endpoint = checkBoolean("linspace", "endpoint", options.endpoint, true);
  const dtype = checkDType(options.dtype ?? "f32", "linspace");
  const data = staging(dtype, n);
  const div = endpoint ? n - 1 : n;
  const step = div > 0 ? (stop - start) / div : 0;
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  if (endpoint && n > 1) data[n - 1] = stop;
  return new Tensor([n], dtype, stored(dtype, data));
}

/**
 * Values from `start` (inclusive) to `stop` (exclusive) by `step`, like NumPy's arange;
 * `arange(5)` is `[0, 1, 2, 3, 4]`. Default dtype: "s32" when all arguments are integers, else "f32".
 */
export function arange(start: number, stop?: number, step = 1, options: DTypeOptions = {}): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  checkNumber("arange", "start", start);
  checkNumber("arange", "stop", stop);
  checkNumber("arange", "step", step);
  if (![start, stop, step].every(Number.isFinite))
    throw new RangeError(
      `arange: start, stop and step must be finite, got ${start}, ${stop}, ${step}`,
    );
  if (step === 0) throw new RangeError("arange: step must not be zero");
  const allInt = [start, stop, step].every(Number.isInteger);
  const dtype = checkDType(
    checkOptions("arange", options).dtype ?? (allInt ? "s32" : "f32"),
    "arange",
  );
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = staging(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor([n], dtype, stored(dtype, data));
}

/** A tensor with only a shape and a dtype (no data): describes an input, as `Nx.template`. */
export function template(shape: Shape, dtype: DType = "f32"): Tensor {
  return new Tensor(checkShape(shape, "template"), checkDType(dtype, "template"));
}

/**
 * A tensor from raw little-endian bytes (as `Nx.from_binary`): `shape` defaults to 1-D.
 * The bytes are copied.
 */
export function fromBuffer(
  bytes: ArrayBuffer | ArrayBufferView,
  dtype: DType,
  shape?: Shape,
): Tensor {
  checkDType(dtype, "fromBuffer");
  const buffer = bytes instanceof ArrayBuffer || bytes instanceof SharedArrayBuffer;
  if (!buffer && !ArrayBuffer.isView(bytes))
    throw new TypeError(
      `fromBuffer: bytes must be an ArrayBuffer or a typed array, got ${describeValue(bytes)}`,
    );
  const view = ArrayBuffer.isView(bytes)
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : new Uint8Array(bytes);
  const width = byteSize(dtype);
  if (view.byteLength % width !== 0) {
    throw new RangeError(
      `fromBuffer: ${view.byteLength} bytes is not a whole number of ${dtype} elements (${width} bytes each)`,
    );
  }
  const n = view.byteLength / width;
  const s = shape ? checkShape(shape, "fromBuffer") : [n];
  if (sizeOf(s) !== n)
    throw new RangeError(
      `fromBuffer: shape ${formatShape(s)} needs ${sizeOf(s)} elements, the bytes hold ${n}`,
    );
  const data = allocate(dtype, n);
  new Uint8Array(data.buffer).set(view);
  return new Tensor(s, dtype, data);
}

/** @internal A scalar tensor. */
export function scalar(x: number, dtype: DType): Tensor {
  return new Tensor([], dtype, fromNumbers(dtype, [x]));
}
