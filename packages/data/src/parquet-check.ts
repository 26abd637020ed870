/**
 * A look at a Parquet file's counts and sizes before Polars reads it. Polars 0.24.1 trusts them: a
 * page header declaring -5 values (one flipped byte) makes it allocate 2^61 bytes, and a failed
 * allocation aborts the whole process, beyond any try/catch. The footer and every page header are
 * decoded (they are small; the data is not read), and what no valid file has is refused: a negative
 * count or size, a data page with more values than its column chunk. Anything else — what cannot be
 * decoded, a page running past its chunk — is left for Polars, which reports it as an ordinary error.
 */
import fs from "node:fs";
import {
  CompactReader,
  ThriftError,
  type ThriftStruct,
  type ThriftValue,
} from "./thrift-compact.js";

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
type ReadAt = (offset: number, length: number) => Uint8Array;

const MAGIC = "PAR1";
const MAX_HEADER = 1 << 20;

function num(s: ThriftStruct | undefined, id: number): number | undefined {
  const v = s?.get(id);
  return typeof v === "number" ? v : undefined;
}

function sub(s: ThriftStruct | undefined, id: number): ThriftStruct | undefined {
  const v = s?.get(id);
  return v instanceof Map ? v : undefined;
}

function list(s: ThriftStruct | undefined, id: number): ThriftValue[] {
  const v = s?.get(id);
  return Array.isArray(v) ? v : [];
}

/** The dotted path of a column chunk (`a.list.element`), for messages. */
function columnName(meta: ThriftStruct): string {
  return list(meta, 3)
    .map((p) => (p instanceof Uint8Array ? Buffer.from(p).toString("utf8") : "?"))
    .join(".");
}

/** The page header at `offset`, and where its data starts; undefined when it does not decode. */
function pageHeader(
  readAt: ReadAt,
  offset: number,
): { header: ThriftStruct; end: number } | undefined {
  for (let size = 256; size <= MAX_HEADER; size *= 4) {
    const bytes = readAt(offset, size);
    try {
      const reader = new CompactReader(bytes);
      const header = reader.struct();
      return { header, end: offset + reader.pos };
    } catch (err) {
      if (!(err instanceof ThriftError) || bytes.length < size) return undefined;
    }
  }
  return undefined;
}

/** Why one page header is impossible, or undefined. */
function pageProblem(header: ThriftStruct, chunkValues: number): string | undefined {
  for (const id of [2, 3]) {
    const size = num(header, id);
    if (size !== undefined && size < 0) return `declares a size of ${size} bytes`;
  }
  for (const [id, what] of [
    [5, "data page"],
    [7, "dictionary page"],
    [8, "data page"],
  ] as const) {
    const values = num(sub(header, id), 1);
    if (values === undefined) continue;
    if (values < 0) return `declares ${values} values`;
    if (what === "data page" && values > chunkValues) {
      return `declares ${values} values, more than the ${chunkValues} of its column chunk`;
    }
  }
  const v2 = sub(header, 8);
  for (const id of [2, 3, 5, 6]) {
    const n = num(v2, id);
    if (n !== undefined && n < 0) return `declares a count of ${n}`;
  }
  return undefined;
}

/** Why a column chunk is impossible, walking its pages, or undefined. */
function chunkProblem(meta: ThriftStruct, readAt: ReadAt, dataEnd: number): string | undefined {
  const values = num(meta, 5) ?? 0;
  const size = num(meta, 7) ?? 0;
  const dataOffset = num(meta, 9);
  const dictOffset = num(meta, 11);
  if (values < 0) return `declares ${values} values`;
  if (size < 0 || (num(meta, 6) ?? 0) < 0) return `declares a negative size`;
  const start = dictOffset !== undefined && dictOffset > 0 ? dictOffset : dataOffset;
  if (start === undefined || start < MAGIC.length || start + size > dataEnd) return undefined;
  for (let at = start; at < start + size;) {
    const page = pageHeader(readAt, at);
    if (!page) return undefined;
    const problem = pageProblem(page.header, values);
    if (problem) return `has a page at byte ${at} that ${problem}`;
    at = page.end + (num(page.header, 3) ?? 0);
  }
  return undefined;
}

/**
 * Why the Parquet bytes cannot be read safely — `column "a" has a page at byte 142 that declares -5
 * values` — or undefined when nothing impossible was seen (or the footer does not decode).
 */
export function parquetProblem(readAt: ReadAt, fileSize: number): string | undefined {
  if (fileSize < 12) return undefined;
  const tail = readAt(fileSize - 8, 8);
  if (Buffer.from(tail.subarray(4)).toString("latin1") !== MAGIC) return undefined;
  const footerLength = Buffer.from(tail).readUInt32LE(0);
  const dataEnd = fileSize - 8 - footerLength;
  if (dataEnd < MAGIC.length) return undefined;
  let footer: ThriftStruct;
  try {
    footer = new CompactReader(readAt(dataEnd, footerLength)).struct();
  } catch {
    return undefined;
  }
  if ((num(footer, 3) ?? 0) < 0) return `the footer declares ${num(footer, 3)} rows`;
  for (const group of list(footer, 4)) {
    if (!(group instanceof Map)) continue;
    if ((num(group, 3) ?? 0) < 0) return `a row group declares ${num(group, 3)} rows`;
    for (const chunk of list(group, 1)) {
      const meta = sub(chunk instanceof Map ? chunk : undefined, 3);
      if (!meta) continue;
      const problem = chunkProblem(meta, readAt, dataEnd);
      if (problem) return `column ${JSON.stringify(columnName(meta))} ${problem}`;
    }
  }
  return undefined;
}

/**
 * {@link parquetProblem} of what Polars is handed: the file's bytes, or its path (then only the
 * footer and the page headers are read from disk).
 */
export function parquetSourceProblem(source: string | Uint8Array): string | undefined {
  if (typeof source !== "string") {
    return parquetProblem(
      (offset, length) => source.subarray(offset, offset + length),
      source.length,
    );
  }
  return parquetFileProblem(source);
}

function parquetFileProblem(path: string): string | undefined {
  const fd = fs.openSync(path, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const readAt: ReadAt = (offset, length) => {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const read = fs.readSync(fd, buf, 0, buf.length, offset);
      return buf.subarray(0, read);
    };
    return parquetProblem(readAt, size);
  } finally {
    fs.closeSync(fd);
  }
}
