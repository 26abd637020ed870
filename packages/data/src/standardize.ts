/**
 * Standardising columns: the seed post's `across` normalisation, `(col - mean(col)) / variance(col)`,
 * in one call. Means and variances are summed pairwise, in the same order as the Polars float sum
 * that Explorer 0.8 used (blocks of 128 values in 16 lanes, the leftover values first), so the
 * post's printed values come out bit for bit.
 */
import { pl } from "./polars.js";

const LANES = 16;
const BLOCK = 128;

/** The sum of one 128-value block: 16 running lane sums, folded in halves, then (0+2)+(1+3). */
function blockSum(x: Float64Array, start: number): number {
  const lanes = new Float64Array(LANES);
  for (let i = start; i < start + BLOCK; i += LANES) {
    for (let j = 0; j < LANES; j++) lanes[j]! += x[i + j]!;
  }
  for (let width = LANES; width > 4; width /= 2) {
    for (let j = 0; j < width / 2; j++) lanes[j]! += lanes[width / 2 + j]!;
  }
  return lanes[0]! + lanes[2]! + (lanes[1]! + lanes[3]!);
}

/** Pairwise sum of `blocks` whole blocks starting at `start`: split in halves down to one block. */
function blocksSum(x: Float64Array, start: number, blocks: number): number {
  if (blocks === 1) return blockSum(x, start);
  const left = blocks >> 1;
  return blocksSum(x, start, left) + blocksSum(x, start + left * BLOCK, blocks - left);
}

/** An accurate (pairwise) float sum: error O(log n) rather than the O(n) of a running sum. */
export function pairwiseSum(x: Float64Array): number {
  const rest = x.length % BLOCK;
  let restSum = 0;
  for (let i = 0; i < rest; i++) restSum += x[i]!;
  const mainSum = x.length > rest ? blocksSum(x, rest, (x.length - rest) / BLOCK) : 0;
  return mainSum + restSum;
}

/** Mean and sample variance (n − 1 in the denominator) of the non-null values of a column. */
export function columnMoments(s: pl.Series): { mean: number; variance: number; count: number } {
  const x = s.dropNulls().cast(pl.Float64).toTypedArray() as Float64Array;
  const n = x.length;
  const mean = pairwiseSum(x) / n;
  const squares = new Float64Array(n);
  for (let i = 0; i < n; i++) squares[i] = (x[i]! - mean) * (x[i]! - mean);
  return { mean, variance: pairwiseSum(squares) / (n - 1), count: n };
}

/** Options of {@link standardize}. */
export interface StandardizeOptions {
  /**
   * What to divide by after subtracting the mean: `"std"` (the sample standard deviation, the
   * usual z-score; default) or `"variance"` (the sample variance, as the seed post does).
   */
  scale?: "std" | "variance";
}

/**
 * `df` with each of `columns` centred on its mean and divided by its sample standard deviation
 * (or variance, `{ scale: "variance" }`). Nulls stay null and are left out of the statistics.
 *
 * @example
 * const cols = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
 * const normalized = standardize(iris, cols, { scale: "variance" }); // the seed post's `across`
 */
export function standardize(
  df: pl.DataFrame,
  columns: readonly string[],
  options: StandardizeOptions = {},
): pl.DataFrame {
  const scale = options.scale ?? "std";
  if (scale !== "std" && scale !== "variance") {
    throw new RangeError(
      `standardize: scale must be "std" or "variance", got ${JSON.stringify(scale)}`,
    );
  }
  const exprs = columns.map((name) => {
    if (!df.columns.includes(name)) {
      throw new RangeError(
        `standardize: no column ${JSON.stringify(name)}; it has ${df.columns.join(", ")}`,
      );
    }
    const s = df.getColumn(name);
    if (!s.isNumeric()) {
      throw new TypeError(
        `standardize: column "${name}" has type ${s.dtype.variant}; it must be numeric`,
      );
    }
    const { mean, variance, count } = columnMoments(s);
    if (count < 2) {
      throw new RangeError(
        `standardize: column "${name}" has ${count} non-null value(s); need at least 2`,
      );
    }
    const divisor = scale === "variance" ? variance : Math.sqrt(variance);
    if (divisor === 0)
      throw new RangeError(`standardize: column "${name}" is constant (variance 0)`);
    return pl.col(name).cast(pl.Float64).sub(pl.lit(mean)).div(pl.lit(divisor));
  });
  return df.withColumns(...exprs);
}
