/**
 * The safetensors format (https://github.com/huggingface/safetensors), written from its spec: an
 * 8-byte little-endian header length N, N bytes of JSON header — per tensor `{ dtype, shape,
 * data_offsets: [begin, end] }` relative to the data section, plus an optional `__metadata__`
 * string map — then the tensors' little-endian bytes, row-major, packed without gaps.
 *
 * Files written here also carry a checksum in `__metadata__` (see `CHECKSUM_KEY`); it is checked
 * when present, so a corrupted file is refused, while files from other tools (without it) load.
 */
import * as nx from "@dendrite/tensor";
import { crc32, crc32Hex } from "./crc32.js";
import { isJsonObject } from "./safe-json.js";
import { nullObject } from "./tree.js";

const TO_FILE: Readonly<Partial<Record<nx.DType, string>>> = {
  f32: "F32",
  f64: "F64",
  s32: "I32",
  u32: "U32",
  u8: "U8",
  f16: "F16",
  bf16: "BF16",
  s64: "I64",
};
const FROM_FILE: ReadonlyMap<string, nx.DType> = new Map([
  ["F32", "f32"],
  ["F64", "f64"],
  ["I32", "s32"],
  ["U32", "u32"],
  ["U8", "u8"],
  ["F16", "f16"],
  ["BF16", "bf16"],
  ["I64", "s64"],
]);

/** The largest dimension accepted in a file (the largest JavaScript array length). */
const MAX_DIM = 2 ** 32 - 1;

/**
 * The `__metadata__` key of the checksum: `"crc32:"` and 8 hex digits, a CRC-32 of the tensors'
 * names, dtypes, shapes and bytes (in name order) and of the other `dendrite.*` metadata. Other
 * tools may re-lay out the file or add their own metadata without invalidating it.
 */
export const CHECKSUM_KEY = "dendrite.checksum";

/** How errors name bytes that did not come from a file. */
export const IN_MEMORY = "(bytes in memory)";

/** Tensors by name, as stored in a safetensors file. */
export type TensorMap = { readonly [name: string]: nx.Tensor };

/** One tensor as stored: its name, file dtype, shape and little-endian bytes. */
interface Stored {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

/** The checksum of the tensors (sorted by name) and the `dendrite.*` metadata. */
function checksum(stored: readonly Stored[], metadata: { readonly [k: string]: string }): string {
  const meta = Object.keys(metadata)
    .filter((k) => k.startsWith("dendrite.") && k !== CHECKSUM_KEY)
    .sort()
    .map((k) => [k, metadata[k]]);
  const described = JSON.stringify({
    tensors: stored.map((s) => [s.name, s.dtype, s.shape]),
    metadata: meta,
  });
  let crc = crc32(new TextEncoder().encode(described));
  for (const s of stored) crc = crc32(s.bytes, crc);
  return `crc32:${crc32Hex(crc)}`;
}

/**
 * Encodes tensors (and string metadata) as a safetensors file, with a checksum in its metadata.
 * Tensors are stored in name order.
 */
export function encodeSafetensors(
  tensors: TensorMap,
  metadata: { readonly [k: string]: string } = {},
): Uint8Array {
  if (!isJsonObject(tensors))
    throw new TypeError("safetensors: the tensors must be an object of tensors by name");
  if (!isJsonObject(metadata))
    throw new TypeError("safetensors: the metadata must be an object of strings");
  const meta = nullObject<string>();
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== "string") throw new TypeError(`safetensors: metadata "${k}" must be a string`);
    if (k === CHECKSUM_KEY)
      throw new Error(
        `safetensors: metadata "${k}" is reserved for the checksum written on encode`,
      );
    meta[k] = v;
  }
  const stored: Stored[] = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    if (name === "__metadata__")
      throw new Error(`safetensors: "__metadata__" cannot name a tensor`);
    const t = tensors[name];
    if (!(t instanceof nx.Tensor)) throw new TypeError(`safetensors: "${name}" is not a tensor`);
    const dtype = TO_FILE[t.dtype];
    if (dtype === undefined)
      throw new TypeError(
        `safetensors: "${name}" is ${nx.formatType(t.shape, t.dtype)}; the format has no complex types`,
      );
    const bytes = t.toBytes();
    stored.push({
      name,
      dtype,
      shape: [...t.shape],
      bytes: littleEndian(bytes, nx.byteSize(t.dtype)),
    });
  }
  meta[CHECKSUM_KEY] = checksum(stored, meta);
  // A null-prototype header, so a tensor named "__proto__" is an own key like any other.
  const header = nullObject<unknown>();
  header.__metadata__ = meta;
  for (const s of stored) {
    header[s.name] = {
      dtype: s.dtype,
      shape: s.shape,
      data_offsets: [offset, offset + s.bytes.length],
    };
    offset += s.bytes.length;
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
  for (const s of stored) {
    out.set(s.bytes, at);
    at += s.bytes.length;
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

/** A decoded file: tensors and metadata, both null-prototype objects (any name is an own key). */
export interface Decoded {
  readonly tensors: Record<string, nx.Tensor>;
  /** The string metadata, without the checksum (which was checked). */
  readonly metadata: Record<string, string>;
}

/**
 * Decodes a safetensors file, checking the header against the spec and the checksum when the file
 * has one. Errors start with `safetensors:` and `file` (what to call the bytes), and name the
 * tensor at fault.
 */
export function decodeSafetensors(bytes: Uint8Array, file: string = IN_MEMORY): Decoded {
  const fail = (message: string): never => {
    throw new Error(`safetensors: ${file}: ${message}`);
  };
  if (!(bytes instanceof Uint8Array)) fail("expected the file's bytes as a Uint8Array");
  if (bytes.length < 8) fail(`the file has ${bytes.length} bytes, too few for a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8))
    fail(`the header length ${n} is larger than the file (${bytes.length} bytes)`);
  const headerEnd = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, headerEnd)),
    );
  } catch (err) {
    fail(`the header is not valid UTF-8 JSON (${(err as Error).message})`);
  }
  if (!isJsonObject(header)) return fail("the header must be a JSON object");
  const dataLength = bytes.length - headerEnd;
  const metadata = nullObject<string>();
  let recorded: string | undefined;
  const stored: (Stored & { readonly begin: number })[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (!isJsonObject(entry)) fail(`"__metadata__" must be an object of strings`);
      for (const [k, v] of Object.entries(entry as object)) {
        if (typeof v !== "string") fail(`metadata "${k}" is not a string`);
        if (k === CHECKSUM_KEY) recorded = v as string;
        else metadata[k] = v as string;
      }
      continue;
    }
    stored.push(describeEntry(name, entry, bytes.subarray(headerEnd), fail));
  }
  checkPacked(stored, dataLength, fail);
  stored.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (recorded !== undefined) {
    if (!/^crc32:[0-9a-f]{8}$/.test(recorded))
      fail(`the checksum ${nx.show(recorded)} is not of the form "crc32:" and 8 hex digits`);
    const actual = checksum(stored, metadata);
    if (actual !== recorded)
      fail(
        `the file is corrupt: its contents have the checksum ${actual}, the file records ${recorded}`,
      );
  }
  const tensors = nullObject<nx.Tensor>();
  for (const s of stored) {
    const dtype = FROM_FILE.get(s.dtype)!;
    const raw = HOST_LITTLE_ENDIAN ? s.bytes : littleEndian(s.bytes, nx.byteSize(dtype));
    tensors[s.name] = nx.fromBuffer(raw, dtype, s.shape);
  }
  return { tensors, metadata };
}

/** Checks one header entry against the spec and returns what it describes. */
function describeEntry(
  name: string,
  entry: unknown,
  data: Uint8Array,
  fail: (message: string) => never,
): Stored & { readonly begin: number } {
  if (!isJsonObject(entry))
    fail(`tensor "${name}" is described by ${nx.show(entry)}, not an object`);
  const e = entry as Record<string, unknown>;
  const dtype = typeof e.dtype === "string" ? FROM_FILE.get(e.dtype) : undefined;
  if (!dtype) fail(`tensor "${name}" has unsupported dtype ${nx.show(e.dtype)}`);
  const shape = e.shape;
  if (
    !Array.isArray(shape) ||
    !shape.every(
      (d: unknown) => Number.isSafeInteger(d) && (d as number) >= 0 && (d as number) <= MAX_DIM,
    )
  )
    fail(`tensor "${name}" has a bad shape ${nx.show(shape)}`);
  const dims = shape as number[];
  const offsets = e.data_offsets;
  const [begin, end] = Array.isArray(offsets) ? (offsets as unknown[]) : [];
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !Number.isSafeInteger(begin) ||
    !Number.isSafeInteger(end) ||
    (begin as number) < 0 ||
    (end as number) < (begin as number) ||
    (end as number) > data.length
  )
    fail(
      `tensor "${name}" has data_offsets ${nx.show(offsets)} outside the ${data.length} data bytes`,
    );
  const b = begin as number;
  const span = (end as number) - b;
  // The element count, stopping early once it exceeds what the span could hold.
  const width = nx.byteSize(dtype!);
  let count = 1;
  for (const d of dims) {
    count *= d;
    if (count === 0 || count * width > span) break;
  }
  const size = dims.includes(0) ? 0 : count * width;
  if (size !== span)
    fail(
      `tensor "${name}" is ${nx.formatType(dims, dtype!)} (${size > span ? "more than " + span : size} bytes) but its data_offsets span ${span} bytes`,
    );
  return {
    name,
    dtype: e.dtype as string,
    shape: dims,
    bytes: data.subarray(b, b + span),
    begin: b,
  };
}

/** Checks that the tensors' bytes cover the data section exactly, without gaps or overlaps. */
function checkPacked(
  stored: readonly (Stored & { readonly begin: number })[],
  dataLength: number,
  fail: (message: string) => never,
): void {
  const spans = [...stored].sort((a, b) => a.begin - b.begin);
  let at = 0;
  for (const s of spans) {
    if (s.begin !== at)
      fail(
        `tensor "${s.name}" starts at byte ${s.begin}; the data must be packed without gaps or overlaps (expected ${at})`,
      );
    at = s.begin + s.bytes.length;
  }
  if (at !== dataLength)
    fail(`${dataLength - at} bytes after the last tensor are not described by the header`);
}
