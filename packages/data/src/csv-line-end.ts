/**
 * Which byte ends the lines of a CSV file. Polars splits lines on LF (a CRLF's CR is dropped), so a
 * file whose lines end in CR alone (classic Mac OS, some spreadsheet exports) would be read as one
 * line: no rows, and the header swallowing the data. Such a file is recognised by its first line
 * break outside a quoted field, reading only as much of the file as it takes to find it.
 */
import fs from "node:fs";

const LF = 0x0a;
const CR = 0x0d;

/** The single ASCII byte of a separator or quote option, or -1 when it is not one. */
function asciiByte(s: string | undefined): number {
  return typeof s === "string" && s.length === 1 && s.charCodeAt(0) < 0x80 ? s.charCodeAt(0) : -1;
}

/**
 * The line end of `bytes` — `"\n"` (LF or CRLF) or `"\r"` (CR alone) — judged by the first line
 * break outside quotes, or undefined when the bytes end before it can be told (more are needed).
 * A quote opens a field only at the field's start and `""` inside it is an escaped quote, as Polars reads it.
 */
export function lineEndOf(
  bytes: Uint8Array,
  sep: string,
  quote: string,
  atEnd: boolean,
): "\n" | "\r" | undefined {
  const sepByte = asciiByte(sep);
  const quoteByte = asciiByte(quote);
  let fieldStart = true;
  let quoted = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (quoted) {
      if (b !== quoteByte) continue;
      if (i + 1 === bytes.length) return atEnd ? "\n" : undefined;
      if (bytes[i + 1] === quoteByte) i++;
      else quoted = false;
    } else if (b === LF) return "\n";
    else if (b === CR) {
      if (i + 1 === bytes.length) return atEnd ? "\r" : undefined;
      return bytes[i + 1] === LF ? "\n" : "\r";
    } else if (fieldStart && b === quoteByte) {
      quoted = true;
      fieldStart = false;
    } else fieldStart = b === sepByte;
  }
  return atEnd ? "\n" : undefined;
}

/**
 * The line end of the CSV file at `path`: `"\r"` when its lines end in CR alone, else `"\n"`.
 * Reads 64 KiB, then twice as much each time the first line break is not yet found.
 */
export function csvLineEnd(path: string, sep: string, quote: string): "\n" | "\r" {
  const fd = fs.openSync(path, "r");
  try {
    let size = 1 << 16;
    for (;;) {
      const buf = Buffer.alloc(size);
      const read = fs.readSync(fd, buf, 0, size, 0);
      const end = lineEndOf(buf.subarray(0, read), sep, quote, read < size);
      if (end !== undefined) return end;
      size *= 2;
    }
  } finally {
    fs.closeSync(fd);
  }
}
