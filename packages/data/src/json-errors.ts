/**
 * Messages of `readJson`: for what the pre-scan refuses (see `json-scan.ts`), and the line and column
 * of a Polars parse error, which gives only a byte offset ("Syntax at character 26") — from the start
 * of the file for a JSON document, from the start of an unnamed line for JSON lines.
 */
import type { JsonProblem } from "./json-scan.js";

const LF = 0x0a;

function clip(text: string): string {
  return text.length > 40
    ? `${text.slice(0, 20)}…${text.slice(-8)} (${text.length} characters)`
    : text;
}

/** The error message for a problem found by `scanJson`. */
export function jsonProblemMessage(path: string, problem: JsonProblem, maxDepth: number): string {
  if (problem.kind === "depth") {
    return (
      `readJson: ${path} nests ${problem.depth} levels deep at byte ${problem.byte} ` +
      `(line ${problem.line}); the limit is ${maxDepth} (option maxDepth; Polars' time and memory ` +
      `grow steeply with depth, and thousands of levels crash it)`
    );
  }
  const field =
    problem.field.length > 0 ? ` (field ${JSON.stringify(problem.field.join("."))})` : "";
  return (
    `readJson: ${path}, line ${problem.line}, column ${problem.column}${field}: the integer ` +
    `${clip(problem.text)} is outside the 64-bit range Polars reads (-9223372036854775808 to ` +
    `9223372036854775807); store it as a string, or with a decimal point (${clip(problem.text)}.0) ` +
    `to read it as a float`
  );
}

/** `line L, column C` (1-based; the column counts bytes) of a byte offset in a JSON document. */
function placeOfByte(bytes: Uint8Array, byte: number): string {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(byte, bytes.length);
  for (let i = 0; i < end; i++) {
    if (bytes[i] === LF) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${end - lineStart + 1}`;
}

/**
 * The first of the JSON lines that does not parse as JSON (blank lines are skipped, as Polars does):
 * its number and its length in bytes.
 */
function firstBadLine(bytes: Uint8Array): { line: number; length: number } | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8");
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === "") continue;
    try {
      JSON.parse(lines[i]!);
    } catch {
      return { line: i + 1, length: Buffer.byteLength(lines[i]!) };
    }
  }
  return undefined;
}

/**
 * Where in the file a Polars JSON error points, as `line L, column C`, or undefined when the error
 * gives no offset (or, for JSON lines, no line fails to parse on its own).
 */
export function jsonErrorPlace(
  bytes: Uint8Array,
  message: string,
  lines: boolean,
): string | undefined {
  const at = /\bat character (\d+)/.exec(message);
  if (!at) return undefined;
  const offset = Number(at[1]);
  if (!lines) return placeOfByte(bytes, offset);
  const bad = firstBadLine(bytes);
  if (bad === undefined) return undefined;
  return offset <= bad.length ? `line ${bad.line}, column ${offset + 1}` : `line ${bad.line}`;
}
