/**
 * Finding the line of a CSV file that Polars failed on. Polars' parse errors name the column and the
 * value but not the line, so after a failure the file is scanned once more, line by line in fixed-size
 * chunks (never loaded whole), for the first line that matches the error.
 */
import fs from "node:fs";
import { StringDecoder } from "node:string_decoder";

/** The fields of one CSV line (quotes honoured within the line; `""` is an escaped quote). */
export function splitCsvLine(line: string, sep: string, quote: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === quote && line[i + 1] === quote) {
        field += quote;
        i++;
      } else if (ch === quote) quoted = false;
      else field += ch;
    } else if (ch === quote && field === "") quoted = true;
    else if (ch === sep) {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/**
 * Calls `visit(line, lineNumber)` (1-based) for each line until it returns true; gives that number.
 * Lines end in `eol`: LF (a CRLF's CR is dropped) or, for classic Mac OS files, CR alone.
 */
export function findLine(
  path: string,
  visit: (line: string, lineNumber: number) => boolean,
  eol: "\n" | "\r" = "\n",
): number | undefined {
  const fd = fs.openSync(path, "r");
  try {
    const chunk = Buffer.alloc(1 << 20);
    const decoder = new StringDecoder("utf8");
    let rest = "";
    let lineNumber = 0;
    for (;;) {
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      const text = rest + (read === 0 ? decoder.end() : decoder.write(chunk.subarray(0, read)));
      const lines = text.split(eol);
      rest = read === 0 ? "" : lines.pop()!;
      for (const raw of lines) {
        lineNumber++;
        const line = eol === "\n" && raw.endsWith("\r") ? raw.slice(0, -1) : raw;
        if (visit(line, lineNumber)) return lineNumber;
      }
      if (read === 0) return undefined;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** How the file is laid out, as far as finding a line needs. */
export interface CsvLayout {
  sep: string;
  quote: string;
  hasHeader: boolean;
  /** Lines skipped before the header. */
  skipRows: number;
  /** What ends a line: LF (or CRLF), the default, or CR alone. */
  eol?: "\n" | "\r";
}

/** The index of `column` among the fields (from the header, or from `column_N` without one). */
function columnIndex(path: string, column: string, layout: CsvLayout): number {
  if (!layout.hasHeader) return Number(/^column_(\d+)$/.exec(column)?.[1] ?? 0) - 1;
  let header: string[] = [];
  findLine(
    path,
    (text, n) => {
      if (n === layout.skipRows + 1) header = splitCsvLine(text, layout.sep, layout.quote);
      return n > layout.skipRows;
    },
    layout.eol,
  );
  return header.indexOf(column);
}

/** A line-and-reason for a Polars CSV error, or undefined when the line cannot be found. */
export function locateCsvError(
  path: string,
  message: string,
  layout: CsvLayout,
): { line: number; reason: string } | undefined {
  const { sep, quote, hasHeader, skipRows, eol } = layout;
  const firstData = skipRows + (hasHeader ? 2 : 1);
  const dataFields = (text: string, n: number) =>
    n < firstData ? undefined : splitCsvLine(text, sep, quote);

  if (/not properly escaped|unterminated quote/i.test(message)) {
    const line = findLine(
      path,
      (text, n) => n > skipRows && (text.split(quote).length - 1) % 2 === 1,
      eol,
    );
    if (line === undefined) return undefined;
    return { line, reason: `a quoted field (${quote}) is not closed on this line` };
  }
  const parse = /could not parse `([\s\S]*?)` as dtype `([^`]+)` at column '([^']*)'/.exec(message);
  if (parse) {
    const [, value, dtype, column] = parse as unknown as [string, string, string, string];
    const index = columnIndex(path, column, layout);
    if (index < 0) return undefined;
    const line = findLine(path, (text, n) => dataFields(text, n)?.[index] === value, eol);
    if (line === undefined) return undefined;
    return {
      line,
      reason:
        `could not parse ${JSON.stringify(value)} as ${dtype} in column "${column}" ` +
        `(if it marks a missing value, pass { nullValues: ${JSON.stringify(value)} }; ` +
        (dtype.startsWith("f")
          ? `otherwise read the column as text, { dtypes: { ${column}: pl.String } }, to inspect it)`
          : `otherwise set its type, e.g. { dtypes: { ${column}: pl.Float64 } }, or raise inferSchemaLength)`),
    };
  }
  if (/more fields than/.test(message)) {
    let width = -1;
    const line = findLine(
      path,
      (text, n) => {
        if (n <= skipRows) return false;
        const count = splitCsvLine(text, sep, quote).length;
        if (width < 0) width = count;
        return count > width;
      },
      eol,
    );
    if (line === undefined) return undefined;
    return { line, reason: `the line has more fields than the ${width} of the first line` };
  }
  return undefined;
}
