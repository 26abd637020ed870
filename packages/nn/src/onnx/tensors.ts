/**
 * ONNX element types and `TensorProto` values as Dendrite tensors. int64 and the narrow integer
 * types are carried as s32, bool as u8 (what Dendrite's comparisons return); an int64 value that
 * does not fit in 32 bits is an error naming the tensor, except ONNX's "to the end" sentinels
 * INT64_MAX and INT64_MIN (Slice's ends), which saturate to the s32 limits. float16 and bfloat16
 * are Dendrite's f16 and bf16 (stored as 16 bits, computed in f32).
 */
import * as nx from "@dendrite/tensor";
import { OnnxImportError } from "./errors.js";
import { longToNumber, type TensorProto } from "./proto.js";

/** ONNX `TensorProto.DataType` numbers → their names (for messages). */
export const ONNX_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, "undefined"],
  [1, "float"],
  [2, "uint8"],
  [3, "int8"],
  [4, "uint16"],
  [5, "int16"],
  [6, "int32"],
  [7, "int64"],
  [8, "string"],
  [9, "bool"],
  [10, "float16"],
  [11, "double"],
  [12, "uint32"],
  [13, "uint64"],
  [14, "complex64"],
  [15, "complex128"],
  [16, "bfloat16"],
  [17, "float8e4m3fn"],
  [18, "float8e4m3fnuz"],
  [19, "float8e5m2"],
  [20, "float8e5m2fnuz"],
  [21, "uint4"],
  [22, "int4"],
  [23, "float4e2m1"],
  [24, "float8e8m0"],
  [25, "uint2"],
  [26, "int2"],
]);

const DTYPE_OF: ReadonlyMap<number, nx.DType> = new Map<number, nx.DType>([
  [1, "f32"],
  [2, "u8"],
  [3, "s32"],
  [4, "s32"],
  [5, "s32"],
  [6, "s32"],
  [7, "s32"],
  [9, "u8"],
  [11, "f64"],
  [12, "u32"],
  [13, "u32"],
  [10, "f16"],
  [16, "bf16"],
]);

/** The ONNX element type written for each Dendrite dtype (export). */
export const ONNX_TYPES: Readonly<Record<nx.DType, number>> = {
  f32: 1,
  u8: 2,
  s32: 6,
  f64: 11,
  u32: 12,
  f16: 10,
  bf16: 16,
  s64: 7,
  c64: 14,
  c128: 15,
};

/** The name of an ONNX element type. */
export function onnxTypeName(t: number): string {
  return ONNX_TYPE_NAMES.get(t) ?? `type ${t}`;
}

/** The Dendrite dtype carrying ONNX element type `t`, or undefined when there is none. */
export function dtypeOf(t: number): nx.DType | undefined {
  return DTYPE_OF.get(t);
}

/** The Dendrite dtype of ONNX type `t`; an error naming `what` when Dendrite has none. */
export function requireDType(t: number, what: string): nx.DType {
  const d = DTYPE_OF.get(t);
  if (d === undefined)
    throw new OnnxImportError(`${what} has element type ${onnxTypeName(t)}, which Dendrite lacks`);
  return d;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_LIMIT = 2 ** 63;

/** An int64 (as a number, possibly rounded) as an int32; the sentinels saturate. */
function toInt32(v: number, what: string, type: number): number {
  if (v >= INT32_MIN && v <= INT32_MAX) return v;
  if (v >= INT64_LIMIT - 1024) return INT32_MAX; // INT64_MAX (rounded in a double)
  if (v <= -INT64_LIMIT) return INT32_MIN; // INT64_MIN
  if (type === 13 && v >= 2 ** 64 - 2048) return INT32_MAX; // UINT64_MAX
  throw new OnnxImportError(
    `${what} holds the ${onnxTypeName(type)} value ${v}, which does not fit in Dendrite's 32-bit integers`,
  );
}

function readRaw(raw: Uint8Array, type: number, count: number, what: string): number[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const size: Record<number, number> = {
    1: 4,
    2: 1,
    3: 1,
    4: 2,
    5: 2,
    6: 4,
    7: 8,
    9: 1,
    11: 8,
    12: 4,
    13: 8,
    10: 2,
    16: 2,
  };
  const s = size[type]!;
  if (raw.byteLength !== s * count)
    throw new OnnxImportError(
      `${what}: raw_data has ${raw.byteLength} bytes, expected ${s * count} for ${count} ${onnxTypeName(type)} values`,
    );
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const o = i * s;
    switch (type) {
      case 1:
        out[i] = view.getFloat32(o, true);
        break;
      case 2:
      case 9:
        out[i] = view.getUint8(o);
        break;
      case 3:
        out[i] = view.getInt8(o);
        break;
      case 4:
        out[i] = view.getUint16(o, true);
        break;
      case 5:
        out[i] = view.getInt16(o, true);
        break;
      case 6:
        out[i] = view.getInt32(o, true);
        break;
      case 7:
        out[i] = Number(view.getBigInt64(o, true));
        break;
      case 11:
        out[i] = view.getFloat64(o, true);
        break;
      case 12:
        out[i] = view.getUint32(o, true);
        break;
      case 13:
        out[i] = Number(view.getBigUint64(o, true));
        break;
      case 10:
        out[i] = nx.fromFloat16Bits(view.getUint16(o, true));
        break;
      case 16:
        out[i] = nx.fromBFloat16Bits(view.getUint16(o, true));
        break;
    }
  }
  return out;
}

/**
 * A `TensorProto` as a concrete Dendrite tensor. `what` names it in errors ("initializer
 * \"fc.weight\""): unsupported element types, external data, a wrong number of values and int64
 * values beyond 32 bits are errors.
 */
export function tensorFromProto(t: TensorProto, what: string): nx.Tensor {
  const type = t.dataType ?? 0;
  const dtype = requireDType(type, what);
  if (t.dataLocation === 1)
    throw new OnnxImportError(`${what} keeps its data in an external file, which is not supported`);
  if (t.segment) throw new OnnxImportError(`${what} is segmented, which is not supported`);
  const shape = (t.dims ?? []).map((d) => longToNumber(d));
  for (const d of shape)
    if (!Number.isSafeInteger(d) || d < 0 || d > INT32_MAX)
      throw new OnnxImportError(`${what} has an invalid dimension ${d}`);
  const count = shape.reduce((a, b) => a * b, 1);
  let values: number[];
  const raw = t.rawData;
  if (raw && raw.length > 0) values = readRaw(raw, type, count, what);
  else {
    const field =
      type === 1
        ? t.floatData
        : type === 11
          ? t.doubleData
          : type === 7
            ? t.int64Data
            : type === 12 || type === 13
              ? t.uint64Data
              : t.int32Data;
    values = (field ?? []).map((v) => longToNumber(v));
    if (values.length !== count)
      throw new OnnxImportError(
        `${what} has ${values.length} values for shape [${shape.join(", ")}] (${count} expected)`,
      );
  }
  if (type === 7 || type === 13) values = values.map((v) => toInt32(v, what, type));
  if (type === 9) values = values.map((v) => (v ? 1 : 0));
  // Without raw_data, 16-bit floats are their bit patterns in int32_data.
  if (!(raw && raw.length > 0) && type === 10) values = values.map(nx.fromFloat16Bits);
  if (!(raw && raw.length > 0) && type === 16) values = values.map(nx.fromBFloat16Bits);
  return nx.tensor(values, { dtype }).reshape(shape);
}

/** The values of a concrete tensor as numbers (for static inputs: shapes, axes, pads). */
export function hostValues(t: nx.Tensor): number[] {
  return Array.from(t.data(), Number);
}
