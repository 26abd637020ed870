/**
 * Turning what users pass (tensors, DataFrames, nested arrays) into dense f64 matrices and vectors,
 * with the checks every estimator shares: shapes, NaN and infinities, too few rows, labels.
 */
import * as nx from "@dendrite/tensor";

/**
 * A table of named columns: a DataFrame from `@dendrite/data` (which registers DataFrames with
 * `nx.registerTableType` when it is loaded), or any other registered kind of table.
 */
export type DataFrameLike = nx.TableLike;

/** What estimators and metrics accept as data: a tensor, a DataFrame, or nested number arrays. */
export type Data = nx.Tensor | DataFrameLike | nx.NestedArray;

/** A dense row-major f64 matrix. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** True when `x` is a registered kind of table (a DataFrame once `@dendrite/data` is loaded). */
export function isDataFrame(x: unknown): x is DataFrameLike {
  return !nx.isTensor(x) && nx.tableTypeOf(x) !== undefined;
}

/** Any accepted input as a tensor (DataFrames through `@dendrite/data`'s `toTensor`). */
export function asTensor(x: Data, where: string): nx.Tensor {
  if (nx.isTensor(x)) {
    if (x.isTemplate) throw new TypeError(`${where}: got a template tensor, which has no data`);
    return x;
  }
  const table = nx.isTensor(x) ? undefined : nx.tableTypeOf(x);
  if (table) return table.toTensor(x as DataFrameLike, "f64");
  if (typeof x === "number" || Array.isArray(x)) return nx.tensor(x, { dtype: "f64" });
  throw new TypeError(
    `${where}: expected a tensor, a DataFrame or nested number arrays, got ${nx.describeValue(x)}` +
      (typeof x === "object" && x !== null
        ? " (DataFrames are read once @dendrite/data is loaded)"
        : ""),
  );
}

/**
 * The float dtype for results computed from `x`: f64 for an f64 tensor or a DataFrame (whose
 * columns are 64-bit), f32 otherwise (Dendrite's default).
 */
export function resultDType(x: Data): "f32" | "f64" {
  return (nx.isTensor(x) && x.dtype === "f64") || isDataFrame(x) ? "f64" : "f32";
}

function checkFinite(values: ArrayLike<number>, cols: number, where: string, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      const what = Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
      const at = cols > 1 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `row ${i}`;
      throw new RangeError(
        `${where}: ${name} contains ${what} at ${at}; drop or fill missing values first`,
      );
    }
  }
}

/**
 * `x` as an n × k f64 matrix: a rank-2 input as it is, a rank-1 input as one column (n × 1).
 * Checks for NaN / infinities and at least `minRows` rows.
 */
export function toMatrix(
  x: Data,
  where: string,
  options: { name?: string; minRows?: number; allowNonFinite?: boolean } = {},
): Matrix {
  const t = matrixInput(x, where, options);
  return { rows: t.shape[0]!, cols: t.shape[1]!, data: t.data() as Float64Array };
}

/**
 * Refuses NaN and infinities in a float tensor (one compiled pass; the values are read only to
 * name the first bad one).
 */
function checkFiniteTensor(t: nx.Tensor, cols: number, where: string, name: string): void {
  if (t.dtype !== "f32" && t.dtype !== "f64") return;
  if (anyNonFinite(t).toNumber() !== 0) checkFinite(t.data(), cols, where, name);
}

/** Whether a float tensor holds a NaN or an infinity, as one compiled program. */
const anyNonFinite = nx.jit((t: nx.Tensor) => nx.any(nx.logicalOr(nx.isNan(t), nx.isInfinite(t))));

/**
 * `x` as an f64 tensor `[rows, cols]` (a vector as one column) with {@link toMatrix}'s checks, and
 * `cols` features when given (as the model was fitted with). A tensor traced inside `jit` is
 * checked for shape only.
 */
export function matrixInput(
  x: Data,
  where: string,
  options: { name?: string; minRows?: number; allowNonFinite?: boolean; cols?: number } = {},
): nx.Tensor {
  const name = options.name ?? "x";
  const t = asTensor(x, `${where}: ${name}`);
  if (t.rank !== 1 && t.rank !== 2) {
    throw new RangeError(
      `${where}: ${name} must be a matrix (rows × features) or a vector, got shape [${t.shape.join(", ")}]`,
    );
  }
  const rows = t.shape[0]!;
  const cols = t.rank === 2 ? t.shape[1]! : 1;
  if (!options.allowNonFinite && !t.isTraced) checkFiniteTensor(t, cols, where, name);
  const minRows = options.minRows ?? 1;
  if (rows < minRows) {
    throw new RangeError(
      `${where}: ${name} needs at least ${minRows} row${minRows === 1 ? "" : "s"}, got ${rows}`,
    );
  }
  if (cols < 1) throw new RangeError(`${where}: ${name} has no columns (shape [${t.shape}])`);
  if (options.cols !== undefined) checkColumns({ cols }, options.cols, where);
  const matrix = t.rank === 2 ? t : nx.reshape(t, [rows, cols]);
  return t.dtype === "f64" ? matrix : nx.asType(matrix, "f64");
}

/**
 * `y` as an f64 tensor `[rows]` (rank 1, or rank 2 with one column) with {@link toVector}'s checks;
 * a tensor traced inside `jit` is checked for shape only.
 */
export function vectorInput(
  y: Data,
  where: string,
  options: { name?: string; length?: number; allowNonFinite?: boolean } = {},
): nx.Tensor {
  const name = options.name ?? "y";
  const t = asTensor(y, `${where}: ${name}`);
  if (!(t.rank === 1 || (t.rank === 2 && t.shape[1] === 1))) {
    throw new RangeError(
      `${where}: ${name} must be a vector (or one column), got shape [${t.shape.join(", ")}]`,
    );
  }
  if (!options.allowNonFinite && !t.isTraced) checkFiniteTensor(t, 1, where, name);
  const rows = t.shape[0]!;
  if (options.length !== undefined && rows !== options.length) {
    throw new RangeError(
      `${where}: ${name} has ${rows} rows but x has ${options.length}; they must match`,
    );
  }
  const vector = t.rank === 1 ? t : nx.reshape(t, [rows]);
  return t.dtype === "f64" ? vector : nx.asType(vector, "f64");
}

/** `y` as an f64 vector: rank 1, or rank 2 with one column. */
export function toVector(
  y: Data,
  where: string,
  options: { name?: string; length?: number; allowNonFinite?: boolean } = {},
): Float64Array {
  return vectorInput(y, where, options).data() as Float64Array;
}

/** Class labels: non-negative integers 0 … numClasses − 1. */
export interface Labels {
  readonly values: Int32Array;
  readonly numClasses: number;
}

/**
 * `y` as integer class labels. Labels must be whole numbers in [0, numClasses); `numClasses`
 * defaults to the largest label + 1.
 */
export function toLabels(
  y: Data,
  where: string,
  options: { name?: string; length?: number; numClasses?: number } = {},
): Labels {
  const name = options.name ?? "y";
  const v = toVector(y, where, options);
  const out = new Int32Array(v.length);
  let max = -1;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (!Number.isInteger(c) || c < 0) {
      throw new RangeError(
        `${where}: ${name} must hold class labels 0, 1, 2, …; row ${i} is ${c}` +
          (isDataFrame(y) ? "" : " (cast a string column to a category to get integer codes)"),
      );
    }
    out[i] = c;
    if (c > max) max = c;
  }
  const numClasses = options.numClasses ?? max + 1;
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new RangeError(`${where}: numClasses must be a positive integer, got ${numClasses}`);
  if (max >= numClasses) {
    throw new RangeError(
      `${where}: ${name} has label ${max} but numClasses is ${numClasses}; labels must be below numClasses`,
    );
  }
  return { values: out, numClasses };
}

/** Checks that `x` has `cols` columns, as the model was fitted with. */
export function checkColumns(x: { readonly cols: number }, cols: number, where: string): void {
  if (x.cols !== cols) {
    throw new RangeError(
      `${where}: x has ${x.cols} feature${x.cols === 1 ? "" : "s"} but the model was fitted with ${cols}`,
    );
  }
}

/** A tensor from f64 values with the given shape and dtype. */
export function fromValues(
  values: Float64Array | ArrayLike<number>,
  shape: number[],
  dtype: nx.DType = "f64",
): nx.Tensor {
  const arr = values instanceof Float64Array ? values : Float64Array.from(values);
  return nx.reshape(nx.tensor(arr, { dtype }), shape);
}

/** A matrix as a tensor. */
export function matrixTensor(m: Matrix, dtype: nx.DType = "f64"): nx.Tensor {
  return fromValues(m.data, [m.rows, m.cols], dtype);
}

/** Checks that an option is a number in a range. */
export function checkNumber(
  value: number,
  name: string,
  where: string,
  range: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {},
): number {
  const bad =
    typeof value !== "number" ||
    Number.isNaN(value) ||
    (range.integer && !Number.isInteger(value)) ||
    (range.min !== undefined && (range.exclusiveMin ? value <= range.min : value < range.min)) ||
    (range.max !== undefined && value > range.max);
  if (bad) {
    const parts: string[] = [];
    if (range.integer) parts.push("an integer");
    if (range.min !== undefined) parts.push(`${range.exclusiveMin ? ">" : "≥"} ${range.min}`);
    if (range.max !== undefined) parts.push(`≤ ${range.max}`);
    throw new RangeError(`${where}: ${name} must be ${parts.join(", ")}; got ${String(value)}`);
  }
  return value;
}
