/**
 * The 16-bit float formats, f16 (IEEE 754 binary16) and bf16 (bfloat16): the one pair of
 * conversions per format between a JS number and the format's bits. Tensors of these dtypes store
 * the bits in a `Uint16Array` and compute in f32 or wider: generated code decodes on load and
 * rounds on store with these functions, and nn's safetensors and ONNX readers and writers use them.
 *
 * Encoding rounds the number (a double) to the nearest value of the format, ties to even, in one
 * step: subnormals are kept, values past the largest finite one by half an ulp or more become
 * ±Infinity, NaN becomes the canonical quiet NaN (0x7e00 for f16, 0x7fc0 for bf16).
 */
import { describeValue } from "./describe.js";

/** A binary float format of 16 bits: 1 sign bit, `exponentBits`, `mantissaBits`. */
interface Format {
  readonly mantissaBits: number;
  readonly bias: number;
  /** The bits of +Infinity. */
  readonly infinity: number;
  /** The bits of the canonical NaN. */
  readonly nan: number;
  /** The smallest normal value, 2^(1 − bias). */
  readonly minNormal: number;
  /** The smallest magnitude that rounds to Infinity: (2 − 2^−(mantissaBits+1)) · 2^bias. */
  readonly overflow: number;
}

function format(exponentBits: number, mantissaBits: number): Format {
  const bias = 2 ** (exponentBits - 1) - 1;
  return {
    mantissaBits,
    bias,
    infinity: (2 ** exponentBits - 1) * 2 ** mantissaBits,
    nan: (2 ** exponentBits - 1) * 2 ** mantissaBits + 2 ** (mantissaBits - 1),
    minNormal: 2 ** (1 - bias),
    overflow: (2 - 2 ** -(mantissaBits + 1)) * 2 ** bias,
  };
}

const F16 = format(5, 10);
const BF16 = format(8, 7);

/** `v` (≥ 0) rounded to an integer, ties to even. */
function roundEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

function encode(x: number, fmt: Format): number {
  if (x !== x) return fmt.nan;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= fmt.overflow) return sign | fmt.infinity;
  const scale = 2 ** fmt.mantissaBits;
  // Below the smallest normal the bits are the value in units of the smallest subnormal (a result
  // of `scale` is the smallest normal, whose bits continue the count).
  if (a < fmt.minNormal) return sign | roundEven((a / fmt.minNormal) * scale);
  let e = Math.floor(Math.log2(a));
  // log2 may be off by one next to a power of two; fix the exponent so 1 ≤ a / 2^e < 2.
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  // a / 2^e and its product with `scale` are exact in a double; a carry out of the mantissa moves
  // into the exponent field, which is the correctly rounded result (up to Infinity).
  const m = roundEven((a / 2 ** e - 1) * scale);
  return sign | ((e + fmt.bias) * scale + m);
}

function decode(h: number, fmt: Format): number {
  const scale = 2 ** fmt.mantissaBits;
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h & 0x7fff) >>> fmt.mantissaBits;
  const m = h & (scale - 1);
  if (e === 0) return sign * (m / scale) * fmt.minNormal;
  if (h === (h & 0x8000) + fmt.infinity) return sign * Infinity;
  if ((h & 0x7fff) > fmt.infinity) return NaN;
  return sign * (1 + m / scale) * 2 ** (e - fmt.bias);
}

/** Every f16 value by its bits (built once: decoding is one array read). */
let f16Table: Float32Array | undefined;
let bf16Table: Float32Array | undefined;

function table(fmt: Format): Float32Array {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) t[h] = decode(h, fmt);
  return t;
}

const encodeF16 = (x: number): number => encode(x, F16);
const decodeF16 = (h: number): number => (f16Table ??= table(F16))[h]!;
const encodeBF16 = (x: number): number => encode(x, BF16);
const decodeBF16 = (h: number): number => (bf16Table ??= table(BF16))[h]!;

function checkValue(op: string, x: unknown): number {
  if (typeof x !== "number")
    throw new TypeError(`${op}: expected a number, got ${describeValue(x)}`);
  return x;
}

function checkBits(op: string, h: unknown): number {
  if (typeof h !== "number" || !Number.isInteger(h) || h < 0 || h > 0xffff)
    throw new RangeError(`${op}: expected bits from 0 to 65535, got ${describeValue(h)}`);
  return h;
}

/** The f16 (IEEE binary16) bits of `x`, rounded to nearest, ties to even. */
export function toFloat16Bits(x: number): number {
  return encodeF16(checkValue("toFloat16Bits", x));
}

/** The value of the f16 bits `h` (0 to 65535). */
export function fromFloat16Bits(h: number): number {
  return decodeF16(checkBits("fromFloat16Bits", h));
}

/** The bf16 (bfloat16) bits of `x`, rounded to nearest, ties to even. */
export function toBFloat16Bits(x: number): number {
  return encodeBF16(checkValue("toBFloat16Bits", x));
}

/** The value of the bf16 bits `h` (0 to 65535). */
export function fromBFloat16Bits(h: number): number {
  return decodeBF16(checkBits("fromBFloat16Bits", h));
}

/** The 16-bit float dtypes. */
export type HalfDType = "f16" | "bf16";

/** True for f16 and bf16 (stored as 16-bit bits, computed in f32). */
export function isHalf(dtype: string): dtype is HalfDType {
  return dtype === "f16" || dtype === "bf16";
}

/** The conversions of one 16-bit float dtype, as the generated code calls them. */
export interface HalfCodec {
  /** The bits of a number. */
  readonly encode: (x: number) => number;
  /** The value of bits. */
  readonly decode: (h: number) => number;
  /** `into[i]` = the value of `from[i]` (a kernel's input widened to f32). */
  readonly decodeInto: (into: Float32Array, from: Uint16Array) => void;
  /** `into[i]` = the bits of `from[i]` (a kernel's f32 output stored). */
  readonly encodeInto: (into: Uint16Array, from: Float32Array) => void;
}

function codec(encode: (x: number) => number, decode: (h: number) => number): HalfCodec {
  return {
    encode,
    decode,
    decodeInto: (into, from) => {
      for (let i = 0; i < from.length; i++) into[i] = decode(from[i]!);
    },
    encodeInto: (into, from) => {
      for (let i = 0; i < from.length; i++) into[i] = encode(from[i]!);
    },
  };
}

/** The codec of each 16-bit float dtype. */
export const HALF_CODECS: Readonly<Record<HalfDType, HalfCodec>> = {
  f16: codec(encodeF16, decodeF16),
  bf16: codec(encodeBF16, decodeBF16),
};

/** The bits of every value of `values`, in `dtype`. */
export function encodeHalves(values: ArrayLike<number>, dtype: HalfDType): Uint16Array {
  const enc = HALF_CODECS[dtype].encode;
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = enc(values[i]!);
  return out;
}

/** The values of `bits` (f16 or bf16) as f32. */
export function decodeHalves(bits: ArrayLike<number>, dtype: HalfDType): Float32Array {
  const out = new Float32Array(bits.length);
  HALF_CODECS[dtype].decodeInto(out, bits as Uint16Array);
  return out;
}
