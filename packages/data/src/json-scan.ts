/**
 * A byte-level pass over a JSON (or JSON lines) file before Polars parses it, for the two things
 * nodejs-polars 0.24.1 cannot survive: deep nesting (its cost grows about with the cube of the depth,
 * and 10,000 levels overflow the native stack and kill the process) and integers outside the 64-bit
 * signed range (read as Int128, a type whose every later use panics). Strings and their escapes are
 * skipped, so brackets and digits inside them do not count.
 */

/** What {@link scanJson} found wrong, with 0-based byte offsets and 1-based lines and columns. */
export type JsonProblem =
  | { kind: "depth"; depth: number; byte: number; line: number }
  | {
      kind: "integer";
      text: string;
      byte: number;
      line: number;
      column: number;
      /** The keys leading to the value, outermost first (`["a", "b"]` for `{"a": {"b": …}}`). */
      field: string[];
    };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const COLON = 0x3a;
const MINUS = 0x2d;

/** Bytes that continue a number literal: digits, `.`, `e`, `E`, `+`, `-`. */
function isNumberByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) || b === 0x2e || b === 0x65 || b === 0x45 || b === 0x2b || b === MINUS
  );
}

const I64_MAX = "9223372036854775807";
const I64_MIN_ABS = "9223372036854775808";

/** True when `bytes[start, end)` is an integer literal outside [-2^63, 2^63 - 1]. */
function outOfI64(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  const negative = bytes[i] === MINUS;
  if (negative) i++;
  for (let k = i; k < end; k++) {
    const b = bytes[k]!;
    if (b < 0x30 || b > 0x39) return false; // a fraction or exponent: Polars reads it as f64
  }
  while (i < end - 1 && bytes[i] === 0x30) i++;
  const digits = end - i;
  if (digits !== 19) return digits > 19;
  const limit = negative ? I64_MIN_ABS : I64_MAX;
  for (let k = 0; k < 19; k++) {
    const d = bytes[i + k]! - limit.charCodeAt(k);
    if (d !== 0) return d > 0;
  }
  return false;
}

function decode(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("utf8");
}

/** A key's text with its escapes resolved (as written, when they do not parse). */
function decodeKey(bytes: Uint8Array, start: number, end: number): string {
  const raw = decode(bytes, start, end);
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/**
 * Scans JSON bytes and returns the first problem, or undefined: nesting deeper than `maxDepth`
 * (reported with the deepest level the file reaches and where it first gets there), else the first
 * integer literal outside the signed 64-bit range. With `lines`, each line is a separate document
 * (depth restarts at every line break outside a string).
 */
export function scanJson(
  bytes: Uint8Array,
  options: { maxDepth: number; lines: boolean },
): JsonProblem | undefined {
  const { maxDepth, lines } = options;
  let depth = 0;
  let deepest = 0;
  let deepestAt = -1;
  let deepestLine = 0;
  let line = 1;
  let lineStart = 0;
  let integer: JsonProblem | undefined;
  // Per level (up to maxDepth): whether it is an object, and the span of its current key.
  const isObject: boolean[] = [];
  const keyStart: number[] = [];
  const keyEnd: number[] = [];
  let stringStart = -1;
  let stringEnd = -1;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b === QUOTE) {
      const start = i + 1;
      i++;
      while (i < n && bytes[i] !== QUOTE) {
        if (bytes[i] === BACKSLASH) i++;
        else if (bytes[i] === NEWLINE) {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      stringStart = start;
      stringEnd = Math.min(i, n);
      i++;
      continue;
    }
    if (b === 0x7b || b === 0x5b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        deepestAt = i;
        deepestLine = line;
      }
      if (depth <= maxDepth) {
        isObject[depth] = b === 0x7b;
        keyStart[depth] = keyEnd[depth] = -1;
      }
    } else if (b === 0x7d || b === 0x5d) {
      if (depth > 0) depth--;
    } else if (b === COLON) {
      if (depth > 0 && depth <= maxDepth) {
        keyStart[depth] = stringStart;
        keyEnd[depth] = stringEnd;
      }
    } else if (b === NEWLINE) {
      line++;
      lineStart = i + 1;
      if (lines) depth = 0;
    } else if (b === MINUS || (b >= 0x30 && b <= 0x39)) {
      const start = i;
      while (i + 1 < n && isNumberByte(bytes[i + 1]!)) i++;
      if (integer === undefined && depth <= maxDepth && outOfI64(bytes, start, i + 1)) {
        const field: string[] = [];
        for (let d = 1; d <= depth; d++) {
          if (isObject[d] && keyStart[d]! >= 0)
            field.push(decodeKey(bytes, keyStart[d]!, keyEnd[d]!));
        }
        integer = {
          kind: "integer",
          text: decode(bytes, start, i + 1),
          byte: start,
          line,
          column: start - lineStart + 1,
          field,
        };
      }
    }
    i++;
  }
  if (deepest > maxDepth)
    return { kind: "depth", depth: deepest, byte: deepestAt, line: deepestLine };
  return integer;
}
