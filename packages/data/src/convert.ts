/**
 * DataFrame ↔ tensor. `toTensor` turns columns into one row-major `n × k` tensor, going column by
 * column through typed arrays (Polars converts and casts each column natively; JavaScript then
 * writes each value once into the tensor's buffer), so the cost is one pass over the data, never
 * one object per row.
 */
import * as nx from "@dendrite/tensor";
import { pl } from "./polars.js";

/** How nulls are handled: refused (the default), or filled with a number or a Polars strategy. */
export type FillNull = number | "mean" | "min" | "max" | "zero" | "one" | "forward" | "backward";

/** Options of {@link toTensor}. */
export interface ToTensorOptions {
  /** The tensor's dtype. Default `"u32"` when every column is categorical, else `"f32"`. */
  dtype?: nx.DType;
  /** With a single column, return `n × 1` instead of `n`. */
  keepDims?: boolean;
  /** Fill nulls instead of refusing them: a number, or a Polars strategy such as `"mean"`. */
  fillNull?: FillNull;
  /**
   * The category list of a column, whose codes are then the indices in it (a value not in the list
   * is an error). Given for a string column, it is read as categorical. Without a list, the codes
   * are the ranks of the column's categories in sorted order (as scikit-learn's LabelEncoder).
   */
  categories?: Record<string, readonly string[]>;
}

// f16 and bf16 go through f32 (Polars has no 16-bit floats): see `toTensor` and `fromTensor`.
// Complex tensors have no Polars type (polarsType refuses them before these tables are read).
const ARRAY: Record<
  Exclude<nx.DType, nx.HalfDType | nx.ComplexDType>,
  new (n: number) => nx.TypedArray
> = {
  f32: Float32Array,
  f64: Float64Array,
  s32: Int32Array,
  u32: Uint32Array,
  u8: Uint8Array,
  s64: BigInt64Array,
};

const POLARS_TYPE: Partial<Record<nx.DType, pl.DataType>> = {
  f32: pl.Float32,
  f64: pl.Float64,
  s32: pl.Int32,
  u32: pl.UInt32,
  u8: pl.UInt8,
  f16: pl.Float32,
  bf16: pl.Float32,
  s64: pl.Int64,
};

const NUMERIC = new Set([
  "Bool",
  "Int8",
  "Int16",
  "Int32",
  "Int64",
  "UInt8",
  "UInt16",
  "UInt32",
  "UInt64",
  "Float32",
  "Float64",
]);

/** The Polars type a tensor of `dtype` is read from and written to. */
export function polarsType(dtype: nx.DType): pl.DataType {
  const t = POLARS_TYPE[dtype];
  if (dtype === "c64" || dtype === "c128")
    throw new TypeError(
      `${dtype} tensors have no Polars type; convert nx.real(x) and nx.imag(x) instead`,
    );
  if (!t) {
    throw new TypeError(
      `unknown dtype ${JSON.stringify(dtype)}; expected one of ${nx.DTYPES.join(", ")}`,
    );
  }
  return t;
}

function describeColumns(df: pl.DataFrame): string {
  return df.columns.length === 0 ? "it has no columns" : `it has ${df.columns.join(", ")}`;
}

/** Checks that `name` can become tensor values and says why not, naming the column. */
function checkColumn(s: pl.Series, name: string, options: ToTensorOptions): void {
  const fill = options.fillNull;
  const variant = s.dtype.variant;
  if ((variant === "String" || variant === "Utf8") && !options.categories?.[name]) {
    throw new TypeError(
      `toTensor: column "${name}" holds strings; cast it to a category first, e.g. ` +
        `df.withColumns(pl.col("${name}").cast(pl.Categorical)), and its integer codes are used`,
    );
  }
  if (!isCategorical(s, options) && !NUMERIC.has(variant)) {
    throw new TypeError(
      `toTensor: column "${name}" has type ${variant}; only numeric, boolean and categorical ` +
        `columns become tensors (cast it first)`,
    );
  }
  const nulls = s.nullCount();
  if (nulls > 0 && fill === undefined) {
    throw new RangeError(
      `toTensor: column "${name}" has ${nulls} null value${nulls === 1 ? "" : "s"} (of ${s.length}); ` +
        `drop them (df.dropNulls()) or pass { fillNull: 0 | "mean" | ... }`,
    );
  }
}

/** True when the column is read as categories: a categorical column, or one given a list. */
function isCategorical(s: pl.Series, options: ToTensorOptions): boolean {
  return s.dtype.variant === "Categorical" || options.categories?.[s.name] !== undefined;
}

/**
 * The codes of a categorical column: the index of each value in `categories` (default: the column's
 * own categories, sorted). Polars' own codes depend on every string the process has seen, so they are
 * mapped through a small table from Polars' code to ours.
 */
function categoryCodes(s: pl.Series, categories: readonly string[] | undefined): pl.Series {
  const col = s.cast(pl.Categorical);
  const seen = col.unique().dropNulls();
  const names = seen.cast(pl.String).toArray() as string[];
  const physical = seen.cast(pl.UInt32).toArray() as number[];
  const list = categories ?? [...names].sort();
  const rank = new Map(list.map((c, i) => [c, i]));
  const table = new Uint32Array(Math.max(0, ...physical) + 1);
  names.forEach((value, i) => {
    const code = rank.get(value);
    if (code === undefined) {
      throw new RangeError(
        `toTensor: column "${s.name}" has the value ${JSON.stringify(value)}, which is not in its ` +
          `categories (${list.map((c) => JSON.stringify(c)).join(", ")})`,
      );
    }
    table[physical[i]!] = code;
  });
  const codes = col.cast(pl.UInt32);
  if (codes.nullCount() > 0) {
    // Keep the nulls where they are (they are refused or filled afterwards).
    const values = codes.toArray() as (number | null)[];
    return pl.Series(
      s.name,
      values.map((v) => (v === null ? null : table[v]!)),
      pl.UInt32,
    );
  }
  const raw = codes.toTypedArray() as Uint32Array;
  for (let i = 0; i < raw.length; i++) raw[i] = table[raw[i]!]!;
  return pl.Series(s.name, raw);
}

/** One column as a typed array of `dtype`: categories become codes, nulls are filled if asked. */
function columnArray(s: pl.Series, dtype: nx.DType, options: ToTensorOptions): nx.TypedArray {
  const fill = options.fillNull;
  let col = isCategorical(s, options) ? categoryCodes(s, options.categories?.[s.name]) : s;
  if (fill !== undefined && col.nullCount() > 0) {
    col =
      typeof fill === "number"
        ? pl.DataFrame([col]).select(pl.col(col.name).fillNull(fill)).getColumn(col.name)
        : col.fillNull(fill);
  }
  col = col.cast(polarsType(dtype), true);
  return col.toTypedArray() as nx.TypedArray;
}

/** The selected column names, checked against the frame. */
function selectColumns(
  df: pl.DataFrame,
  columns: string | readonly string[] | undefined,
): string[] {
  const names =
    columns === undefined ? df.columns : typeof columns === "string" ? [columns] : [...columns];
  if (names.length === 0)
    throw new RangeError(`toTensor: no columns to convert (${describeColumns(df)})`);
  const have = new Set(df.columns);
  for (const name of names) {
    if (typeof name !== "string" || !have.has(name)) {
      throw new RangeError(`toTensor: no column ${JSON.stringify(name)}; ${describeColumns(df)}`);
    }
  }
  return names;
}

/**
 * Columns of a DataFrame as one row-major tensor: `n × k` for k columns, `n` for one column (or
 * `n × 1` with `keepDims`). Categorical columns become integer codes — the rank of each value among
 * the column's sorted categories, or its index in `categories` — so the codes do not depend on what
 * else the process has read. String columns and nulls are refused with an error naming the column
 * (unless `categories` or `fillNull` is given).
 *
 * @example
 * const x = toTensor(iris, ["sepal_length", "sepal_width"]); // f32[150][2]
 * const y = toTensor(iris, "species"); // u32[150], the category codes
 */
export function toTensor(
  df: pl.DataFrame,
  columns?: string | readonly string[],
  options: ToTensorOptions = {},
): nx.Tensor {
  // Polars has no 16-bit floats: the columns are read as f32 and rounded.
  if (options.dtype === "f16" || options.dtype === "bf16")
    return nx.asType(toTensor(df, columns, { ...options, dtype: "f32" }), options.dtype);
  const names = selectColumns(df, columns);
  const series = names.map((name) => df.getColumn(name));
  series.forEach((s, i) => checkColumn(s, names[i]!, options));
  const allCategorical = series.every((s) => isCategorical(s, options));
  const dtype = options.dtype ?? (allCategorical ? "u32" : "f32");
  polarsType(dtype);
  const n = df.height;
  const k = names.length;
  const shape = k === 1 && !options.keepDims ? [n] : [n, k];
  if (k === 1) return nx.fromBuffer(columnArray(series[0]!, dtype, options), dtype, shape);
  const out = new ARRAY[dtype as keyof typeof ARRAY](n * k);
  for (let j = 0; j < k; j++) {
    const col = columnArray(series[j]!, dtype, options);
    for (let i = 0, o = j; i < n; i++, o += k) out[o] = col[i]!;
  }
  return nx.fromBuffer(out, dtype, shape);
}

/**
 * A DataFrame from a rank-1 or rank-2 tensor: one column per tensor column, named by `names`
 * (default `column_0`, `column_1`, …), with the matching Polars type (f32 → Float32, u32 → UInt32, …).
 *
 * @example
 * const df = fromTensor(nx.tensor([[1, 2], [3, 4]]), ["a", "b"]);
 */
export function fromTensor(t: nx.Tensor, names?: string | readonly string[]): pl.DataFrame {
  if (!nx.isTensor(t)) throw new TypeError("fromTensor: expected a tensor");
  // Polars has no 16-bit floats: f16 and bf16 columns are written as Float32.
  if (t.dtype === "f16" || t.dtype === "bf16") return fromTensor(nx.asType(t, "f32"), names);
  if (t.rank !== 1 && t.rank !== 2) {
    throw new RangeError(
      `fromTensor: expected a rank-1 or rank-2 tensor, got ${nx.formatType(t.shape, t.dtype)}`,
    );
  }
  polarsType(t.dtype);
  const [n, k] = t.rank === 1 ? [t.shape[0]!, 1] : [t.shape[0]!, t.shape[1]!];
  const given = names === undefined ? undefined : typeof names === "string" ? [names] : [...names];
  const cols = given ?? Array.from({ length: k }, (_, j) => `column_${j}`);
  if (cols.length !== k) {
    throw new RangeError(
      `fromTensor: ${nx.formatType(t.shape, t.dtype)} has ${k} column${k === 1 ? "" : "s"} but ${cols.length} name${cols.length === 1 ? "" : "s"} were given`,
    );
  }
  if (new Set(cols).size !== cols.length) {
    throw new RangeError(`fromTensor: column names must be unique, got ${cols.join(", ")}`);
  }
  // s64 keeps its exact integers: a BigInt64Array, which becomes an Int64 column.
  const data: nx.TypedArray = t.dtype === "s64" ? new BigInt64Array(t.toBytes().buffer) : t.data();
  const series = cols.map((name, j) => {
    const col = k === 1 ? data : new ARRAY[t.dtype as keyof typeof ARRAY](n);
    // (Typed as Int32Array only to copy elements between two arrays of one kind.)
    if (k !== 1)
      for (let i = 0, o = j; i < n; i++, o += k) (col as Int32Array)[i] = (data as Int32Array)[o]!;
    return pl.Series(name, col as ArrayLike<number>);
  });
  return pl.DataFrame(series);
}
