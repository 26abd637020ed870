/**
 * The safetensors format (https://github.com/huggingface/safetensors), written from its spec: an
 * 8-byte little-endian header length N, N bytes of JSON header — per tensor `{ dtype, shape,
 * data_offsets: [begin, end] }` relative to the data section, plus an optional `__metadata__`
 * string map — then the tensors' little-endian bytes, row-major, packed without gaps.
 */
import * as nx from "@dendrite/tensor";

const TO_FILE: Readonly<Record<nx.DType, string>> = {
  f32: "F32",
  f64: "F64",
  s32: "I32",
  u32: "U32",
  u8: "U8",
};
const FROM_FILE: Readonly<Record<string, nx.DType>> = {
  F32: "f32",
  F64: "f64",
  I32: "s32",
  U32: "u32",
  U8: "u8",
};
const BYTES: Readonly<Record<nx.DType, number>> = { f32: 4, f64: 8, s32: 4, u32: 4, u8: 1 };

/** Tensors by name, as stored in a safetensors file. */
export type TensorMap = { readonly [name: string]: nx.Tensor };

/** Encodes tensors (and string metadata) as a safetensors file. Tensors are stored in name order. */
export function encodeSafetensors(
  tensors: TensorMap,
  metadata: { readonly [k: string]: string } = {},
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata))
      if (typeof v !== "string")
        throw new TypeError(`safetensors: metadata "${k}" must be a string`);
    header.__metadata__ = metadata;
  }
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const name of names) {
    if (name === "__metadata__")
      throw new Error(`safetensors: "__metadata__" cannot name a tensor`);
    const t = tensors[name]!;
    if (!(t instanceof nx.Tensor)) throw new TypeError(`safetensors: "${name}" is not a tensor`);
    const data = t.data();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = {
      dtype: TO_FILE[t.dtype],
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(littleEndian(bytes, BYTES[t.dtype]));
    offset += bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces so the data starts 8-byte aligned (allowed by the spec).
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes in little-endian order (a copy; byte-swapped on a big-endian host). */
function littleEndian(bytes: Uint8Array, width: number): Uint8Array {
  const out = bytes.slice();
  if (!HOST_LITTLE_ENDIAN && width > 1)
    for (let i = 0; i < out.length; i += width) out.subarray(i, i + width).reverse();
  return out;
}

/** Decodes a safetensors file, checking the header against the spec; errors name the tensor. */
export function decodeSafetensors(bytes: Uint8Array): {
  tensors: Record<string, nx.Tensor>;
  metadata: Record<string, string>;
} {
  if (bytes.length < 8)
    throw new Error(`safetensors: the file has ${bytes.length} bytes, too few for a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8))
    throw new Error(
      `safetensors: the header length ${n} is larger than the file (${bytes.length} bytes)`,
    );
  const headerEnd = 8 + Number(n);
  let header: Record<string, any>;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, headerEnd)),
    );
  } catch (err) {
    throw new Error(`safetensors: the header is not valid UTF-8 JSON (${(err as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    throw new Error("safetensors: the header must be a JSON object");
  const dataLength = bytes.length - headerEnd;
  const metadata: Record<string, string> = {};
  const tensors: Record<string, nx.Tensor> = {};
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      for (const [k, v] of Object.entries(entry ?? {})) {
        if (typeof v !== "string") throw new Error(`safetensors: metadata "${k}" is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const dtype = FROM_FILE[entry?.dtype];
    if (!dtype)
      throw new Error(
        `safetensors: tensor "${name}" has unsupported dtype ${JSON.stringify(entry?.dtype)}`,
      );
    const shape = entry.shape;
    if (
      !Array.isArray(shape) ||
      !shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0)
    )
      throw new Error(`safetensors: tensor "${name}" has a bad shape ${JSON.stringify(shape)}`);
    const [begin, end] = entry.data_offsets ?? [];
    const size = shape.reduce((a: number, b: number) => a * b, 1) * BYTES[dtype];
    if (
      !Number.isInteger(begin) ||
      !Number.isInteger(end) ||
      begin < 0 ||
      end < begin ||
      end > dataLength
    )
      throw new Error(
        `safetensors: tensor "${name}" has data_offsets ${JSON.stringify(entry.data_offsets)} outside the ${dataLength} data bytes`,
      );
    if (end - begin !== size)
      throw new Error(
        `safetensors: tensor "${name}" is ${dtype}[${shape.join("][")}] (${size} bytes) but its data_offsets span ${end - begin} bytes`,
      );
    spans.push([begin, end, name]);
    const raw = bytes.subarray(headerEnd + begin, headerEnd + end);
    tensors[name] = nx.fromBuffer(
      HOST_LITTLE_ENDIAN ? raw : littleEndian(raw, BYTES[dtype]),
      dtype,
      shape,
    );
  }
  spans.sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== at)
      throw new Error(
        `safetensors: tensor "${name}" starts at byte ${begin}; the data must be packed without gaps or overlaps (expected ${at})`,
      );
    at = end;
  }
  if (at !== dataLength)
    throw new Error(
      `safetensors: ${dataLength - at} bytes after the last tensor are not described by the header`,
    );
  return { tensors, metadata };
}
