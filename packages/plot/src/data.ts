// Turns the data users hold into Vega-Lite's inline rows, by duck typing: arrays of records,
// columnar objects, nodejs-polars DataFrames and Series, Apache Arrow tables, and tensor-likes
// (anything with `shape` and `toArray()`). No DataFrame or tensor library is imported here.
import { describeValue } from "./describe.js";

/** One row of inline data. */
export type Row = Record<string, unknown>;

/** Anything `dataFromValues` accepts (checked at run time, see {@link toRows}). */
export type DataInput =
  | readonly Row[]
  | readonly (readonly unknown[])[]
  | Readonly<Record<string, ArrayLike<unknown>>>
  | ColumnarTable
  | ArrowLikeTable
  | TensorLike
  | SeriesLike;

/** A DataFrame with named columns, as nodejs-polars' `DataFrame`. */
export interface ColumnarTable {
  readonly columns: readonly string[];
  getColumn(name: string): { toArray(): ArrayLike<unknown> };
}

/** A table with a schema and child vectors, as Apache Arrow's `Table`. */
export interface ArrowLikeTable {
  readonly schema: { readonly fields: readonly { readonly name: string }[] };
  getChild(name: string): { toArray(): ArrayLike<unknown> } | null;
}

/** A tensor of rank 1 or 2, as `@dendrite/tensor`'s `Tensor` (rows become records). */
export interface TensorLike {
  readonly shape: readonly number[];
  toArray(): unknown;
}

/** One named column, as nodejs-polars' `Series`. */
export interface SeriesLike {
  readonly name: string;
  toArray(): ArrayLike<unknown>;
}

/** Options of `dataFromValues`. */
export interface ValuesOptions {
  /**
   * Keep only these columns (in this order). For tensors and arrays of arrays, which have no
   * column names, these name the columns (default `col0`, `col1`, ...).
   */
  only?: readonly string[];
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;
const isFn = (x: unknown): boolean => typeof x === "function";

/** A plain JSON-friendly value: bigints become numbers, dates ISO strings, NaN null. */
function plain(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return Number.isNaN(v) ? null : v;
  if (v instanceof Date) return v.toISOString();
  if (v === undefined) return null;
  return v;
}

function fromColumns(names: readonly string[], columns: ArrayLike<unknown>[]): Row[] {
  const n = columns[0]?.length ?? 0;
  columns.forEach((col, c) => {
    if (col.length !== n) {
      throw new RangeError(
        `dataFromValues: column "${names[c]}" has ${col.length} values but column "${names[0]}" has ${n}`,
      );
    }
  });
  const rows: Row[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row: Row = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = plain(columns[c]![i]);
    rows[i] = row;
  }
  return rows;
}

function selectNames(
  all: readonly string[],
  only: readonly string[] | undefined,
): readonly string[] {
  if (!only) return all;
  for (const name of only) {
    if (!all.includes(name)) {
      throw new RangeError(
        `dataFromValues: only names the column "${name}", which the data lacks; columns: ${all.join(", ")}`,
      );
    }
  }
  return only;
}

function fromMatrix(rows: readonly unknown[], only: readonly string[] | undefined): Row[] {
  const width = rows.length === 0 ? (only?.length ?? 0) : (rows[0] as unknown[]).length;
  const names = only ?? Array.from({ length: width }, (_, j) => `col${j}`);
  if (names.length !== width) {
    throw new RangeError(
      `dataFromValues: the rows have ${width} values but only names ${names.length} columns (${names.join(", ")})`,
    );
  }
  return rows.map((r, i) => {
    const values = r as unknown[];
    if (!Array.isArray(values) || values.length !== width) {
      throw new RangeError(
        `dataFromValues: row ${i} has ${Array.isArray(values) ? values.length : describeValue(values)} values, expected ${width}`,
      );
    }
    const row: Row = {};
    names.forEach((name, j) => (row[name] = plain(values[j])));
    return row;
  });
}

function fromRecords(records: readonly unknown[], only: readonly string[] | undefined): Row[] {
  return records.map((r, i) => {
    if (!isObject(r)) {
      throw new TypeError(`dataFromValues: row ${i} is ${describeValue(r)}, expected an object`);
    }
    const row: Row = {};
    if (only) {
      for (const name of only) {
        if (!(name in r)) {
          throw new RangeError(
            `dataFromValues: row ${i} has no column "${name}" (named in only); it has: ${Object.keys(r).join(", ")}`,
          );
        }
        row[name] = plain(r[name]);
      }
    } else {
      for (const key of Object.keys(r)) row[key] = plain(r[key]);
    }
    return row;
  });
}

/** Converts any accepted input to an array of fresh records (see {@link DataInput}). */
export function toRows(data: unknown, opts: ValuesOptions = {}): Row[] {
  const { only } = opts;
  if (Array.isArray(data)) {
    if (data.length > 0 && Array.isArray(data[0])) return fromMatrix(data, only);
    return fromRecords(data, only);
  }
  if (!isObject(data)) {
    throw new TypeError(
      `dataFromValues: expected rows, columns, a DataFrame, an Arrow table or a tensor, got ${describeValue(data)}`,
    );
  }
  // Apache Arrow Table: schema.fields + getChild(name).toArray().
  if (isObject(data.schema) && Array.isArray(data.schema.fields) && isFn(data.getChild)) {
    const table = data as unknown as ArrowLikeTable;
    const names = selectNames(
      table.schema.fields.map((f) => f.name),
      only,
    );
    return fromColumns(
      names,
      names.map((n) => table.getChild(n)!.toArray()),
    );
  }
  // nodejs-polars DataFrame: columns + getColumn(name).toArray().
  if (Array.isArray(data.columns) && isFn(data.getColumn)) {
    const df = data as unknown as ColumnarTable;
    const names = selectNames(df.columns, only);
    return fromColumns(
      names,
      names.map((n) => df.getColumn(n).toArray()),
    );
  }
  // Tensor-like: shape + toArray(); rank 1 is one column, rank 2 is rows × columns.
  if (Array.isArray(data.shape) && isFn(data.toArray)) {
    const t = data as unknown as TensorLike;
    const values = t.toArray();
    if (t.shape.length === 1)
      return fromMatrix(
        (values as unknown[]).map((v) => [v]),
        only,
      );
    if (t.shape.length === 2) return fromMatrix(values as unknown[][], only);
    throw new RangeError(
      `dataFromValues: a tensor of shape [${t.shape.join(", ")}] cannot be rows; give a rank-1 or rank-2 tensor`,
    );
  }
  // Series-like: name + toArray().
  if (typeof data.name === "string" && isFn(data.toArray)) {
    const s = data as unknown as SeriesLike;
    return fromColumns([only?.[0] ?? s.name], [s.toArray()]);
  }
  // Columnar object: { column: values[] }.
  const entries = Object.entries(data);
  const notColumn = entries.find(([, v]) => !(Array.isArray(v) || ArrayBuffer.isView(v)));
  if (notColumn) {
    throw new TypeError(
      `dataFromValues: column "${notColumn[0]}" is ${describeValue(notColumn[1])}; a columnar object maps each column name to an array of values`,
    );
  }
  const names = selectNames(
    entries.map(([k]) => k),
    only,
  );
  return fromColumns(
    names,
    names.map((n) => data[n] as ArrayLike<unknown>),
  );
}

/** Column names of rows: the keys of all rows, in first-seen order. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const k in row) seen.add(k);
  return [...seen];
}
