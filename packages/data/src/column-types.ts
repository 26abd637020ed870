/**
 * Column types a reader can produce but nodejs-polars 0.24.1 cannot hand to JavaScript: binary,
 * 16-bit floats and 128-bit integers (from Parquet or Arrow files). The frame reads, but every later
 * look at the column's `dtype` (printing the schema, `toTensor`, casting by type) is a Rust panic. The
 * readers check each column once, so the error comes at once and names the file and the column.
 */
import { pl } from "./polars.js";

/** Polars' display names of the types whose conversion to JavaScript panics. */
const UNUSABLE = /(?:^|[^a-z0-9_])(?:binary|i128|u128|f16)(?:$|[^a-z0-9_])/;

/** A column's type as Polars prints it (`i64`, `list[str]`, `binary`), read without touching `dtype`. */
function shownType(s: pl.Series): string {
  const text = s.slice(0, 0).toString();
  const head = `Series: '${s.name}' [`;
  const start = text.indexOf(head);
  const end = text.lastIndexOf("]\n[");
  return start >= 0 && end > start ? text.slice(start + head.length, end) : "?";
}

/** True when the column's `dtype` can be read without a panic. */
function usable(s: pl.Series, shown: string): boolean {
  if (UNUSABLE.test(shown)) return false;
  try {
    void s.dtype;
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws `op: path: column "c" has type binary, …` for the first column whose type nodejs-polars
 * cannot use from JavaScript; `hint` says how to read the file without it.
 */
export function checkColumnTypes(op: string, path: string, df: pl.DataFrame, hint: string): void {
  for (const name of df.columns) {
    const s = df.getColumn(name);
    const shown = shownType(s);
    if (!usable(s, shown)) {
      throw new Error(
        `${op}: ${path}: column ${JSON.stringify(name)} has type ${shown}, which nodejs-polars ` +
          `0.24.1 cannot pass to JavaScript (binary, 16-bit float and 128-bit integer columns); ${hint}`,
      );
    }
  }
}
