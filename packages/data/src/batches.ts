/**
 * Streaming mini-batches: `[x, y]` tensor pairs read a window of rows at a time, so neither the
 * frame nor a file larger than memory is ever turned into one tensor.
 *
 * How rows are read: an eager DataFrame is cut into windows in memory; a LazyDataFrame (e.g.
 * `pl.scanCSV`) or a CSV path is collected one window at a time with `slice`, which Polars pushes
 * down into the scan. Each window becomes two tensors (through `toTensor`), which batches then slice.
 *
 * How rows are shuffled (always from an explicit seed, through `@dendrite/tensor`'s random keys,
 * a new order every epoch): an eager DataFrame gets one permutation of all its rows; a lazy source
 * gets its windows in a random order and each window's rows permuted (a two-level shuffle, like a
 * shuffle buffer of `windowRows` rows).
 *
 * The result implements tensor's batching protocol (`nx.BatchSource`), so nn's loops take it as
 * they take `nn.batches(x, y)`.
 */
import { setImmediate as nextTick } from "node:timers/promises";
import * as nx from "@dendrite/tensor";
import { toTensor, type FillNull } from "./convert.js";
import type { ScanCsvOptions } from "nodejs-polars";
import { scanCsv } from "./io.js";
import { isDataFrame, isLazyFrame, pl } from "./polars.js";

/** Options of {@link batches}. */
export interface BatchOptions {
  /** The input columns, in order: x is `batch × features.length` (2-D even for one feature). */
  features: readonly string[];
  /** The target column as a string (y is `batch`), or a list of columns (y is `batch × k`). */
  target: string | readonly string[];
  /** Rows per batch (default 32). */
  batchSize?: number;
  /** Visit the rows in a random order (needs `seed`). */
  shuffle?: boolean;
  /** The seed of the shuffle (each epoch gets its own order from it). */
  seed?: number;
  /** Whether a last, smaller batch is kept (default) or dropped. */
  leftover?: "keep" | "discard";
  /** dtype of x (default f32). */
  dtype?: nx.DType;
  /** dtype of y (default u32 for a categorical target, else f32). */
  targetDtype?: nx.DType;
  /** Nulls in the selected columns are refused unless this fills them (see `toTensor`). */
  fillNull?: FillNull;
  /**
   * Category lists of categorical or string columns (see `toTensor`). Categorical columns without a
   * list get their sorted categories, read once from the whole source before the first batch.
   */
  categories?: Record<string, readonly string[]>;
  /** Rows read and converted at a time (default 16,384; rounded up to whole batches). */
  windowRows?: number;
  /** Options for scanning a CSV path (`nullValues`, `schema`, `sep`, …; see `scanCsv`). */
  csv?: Partial<ScanCsvOptions>;
}

/** What batches read from: an eager DataFrame, a lazy query, or the path of a CSV file. */
export type BatchInput = pl.DataFrame | pl.LazyDataFrame | string;

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`batches: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** Reads windows of rows: `height` rows in all, `read(offset, length)` gives one window. */
interface Windows {
  height: number;
  schema: Record<string, pl.DataType>;
  read(offset: number, length: number): Promise<pl.DataFrame>;
  /** Rows by index (eager frames only: a full shuffle). */
  gather?(indices: Int32Array): pl.DataFrame;
  /** The distinct non-null values of a column, sorted. */
  categories(column: string): Promise<string[]>;
}

function sortedStrings(s: pl.Series): string[] {
  return (s.dropNulls().cast(pl.String).toArray() as string[]).sort();
}

function eagerWindows(df: pl.DataFrame, columns: string[]): Windows {
  const frame = df.select(...columns);
  return {
    height: frame.height,
    schema: frame.schema,
    read: async (offset, length) => frame.slice(offset, length),
    gather: (indices) => frame.select(pl.all().gather(Array.from(indices))),
    categories: async (column) => sortedStrings(frame.getColumn(column).unique()),
  };
}

async function lazyWindows(
  lf: pl.LazyDataFrame,
  columns: string[],
  where: string,
): Promise<Windows> {
  const empty = await lf.limit(0).collect();
  checkColumns(empty.columns, columns, where);
  const query = lf.select(...columns);
  const schema = empty.select(...columns).schema;
  const height = (await query.select(pl.len().alias("rows")).collect()).getColumn("rows").get(0);
  return {
    height: Number(height),
    schema,
    read: (offset, length) => query.slice(offset, length).collect(),
    categories: async (column) =>
      sortedStrings((await query.select(pl.col(column).unique()).collect()).getColumn(column)),
  };
}

function checkColumns(available: string[], wanted: string[], where: string): void {
  const have = new Set(available);
  for (const name of wanted) {
    if (typeof name !== "string" || !have.has(name)) {
      throw new RangeError(
        `batches: no column ${JSON.stringify(name)} in ${where}; it has ${available.join(", ")}`,
      );
    }
  }
}

/** Windows over any source, after checking that it has the columns. */
async function openWindows(
  source: BatchInput,
  columns: string[],
  csv: Partial<ScanCsvOptions> | undefined,
): Promise<Windows> {
  if (typeof source === "string") return lazyWindows(scanCsv(source, csv), columns, source);
  if (isDataFrame(source)) {
    checkColumns(source.columns, columns, "the DataFrame");
    return eagerWindows(source, columns);
  }
  if (isLazyFrame(source)) return lazyWindows(source, columns, "the LazyDataFrame");
  throw new TypeError("batches: expected a DataFrame, a LazyDataFrame or the path of a CSV file");
}

/** The row order of one window, permuted when shuffling. */
function permutationOf(key: nx.Tensor, n: number): Int32Array {
  return nx.random.permutation(key, n).data() as Int32Array;
}

/**
 * Mini-batches `[x, y]` from a DataFrame, a LazyDataFrame (e.g. `pl.scanCSV(...)`) or the path of
 * a CSV file, read `windowRows` rows at a time so that memory stays bounded whatever the size of the
 * source. x is `batch × features.length`; y is `batch` for one target column. Pass it to a
 * training loop (`trainer.run(batches(...), { epochs })`: each epoch reads the source again, in a
 * new order when shuffling), or iterate one pass with `for await` (each `for await` over the same
 * object is the next epoch).
 *
 * @example
 * for await (const [x, y] of batches(iris, { features, target: "species", batchSize: 16, shuffle: true, seed: 1 })) {
 *   // x: f32[16][4], y: u32[16]
 * }
 */
export function batches(
  source: BatchInput,
  options: BatchOptions,
): nx.BatchSource<[nx.Tensor, nx.Tensor]> & AsyncIterable<[nx.Tensor, nx.Tensor]> {
  if (options === null || typeof options !== "object") {
    throw new TypeError("batches: options { features, target, ... } are required");
  }
  const features = [...(options.features ?? [])];
  if (features.length === 0)
    throw new RangeError("batches: `features` must name at least one column");
  const targets =
    typeof options.target === "string" ? [options.target] : [...(options.target ?? [])];
  if (targets.length === 0) throw new RangeError("batches: `target` must name a column");
  const batchSize = positiveInteger(options.batchSize ?? 32, "batchSize");
  const windowRows =
    Math.ceil(positiveInteger(options.windowRows ?? 16_384, "windowRows") / batchSize) * batchSize;
  const shuffle = options.shuffle ?? false;
  if (shuffle && !Number.isSafeInteger(options.seed)) {
    throw new TypeError("batches: shuffle needs an integer `seed`");
  }
  const leftover = options.leftover ?? "keep";
  if (leftover !== "keep" && leftover !== "discard") {
    throw new RangeError(`batches: leftover must be "keep" or "discard", got ${nx.show(leftover)}`);
  }
  const plan: Plan = { features, targets, batchSize, windowRows, shuffle, leftover };
  const forEpoch = (epoch: number) => ({
    [Symbol.asyncIterator]: () => pass(source, options, plan, epoch),
  });
  let passes = 0;
  return { forEpoch, [Symbol.asyncIterator]: () => pass(source, options, plan, passes++) };
}

/** The checked options of a `batches` call. */
interface Plan {
  features: string[];
  targets: string[];
  batchSize: number;
  windowRows: number;
  shuffle: boolean;
  leftover: "keep" | "discard";
}

/** One epoch's pass over the source. */
async function* pass(
  source: BatchInput,
  options: BatchOptions,
  plan: Plan,
  epoch: number,
): AsyncGenerator<[nx.Tensor, nx.Tensor], void, undefined> {
  const { features, targets, batchSize, windowRows, shuffle, leftover } = plan;
  const columns = [...new Set([...features, ...targets])];
  const windows = await openWindows(source, columns, options.csv);

  // Categories are fixed once for the whole source, so codes agree across windows.
  const categories: Record<string, readonly string[]> = { ...options.categories };
  for (const name of columns) {
    if (categories[name] === undefined && windows.schema[name]?.variant === "Categorical") {
      categories[name] = await windows.categories(name);
    }
  }
  const convert = (
    frame: pl.DataFrame,
    names: string[],
    dtype: nx.DType | undefined,
    keepDims: boolean,
  ) =>
    toTensor(frame, names, {
      keepDims,
      ...(dtype !== undefined && { dtype }),
      ...(options.fillNull !== undefined && { fillNull: options.fillNull }),
      categories,
    });

  const n = windows.height;
  let key = shuffle ? nx.epochKey(options.seed!, epoch) : undefined;
  const nextKey = (): nx.Tensor => {
    const [a, b] = nx.random.split(key!);
    key = a!;
    return b!;
  };
  const windowCount = Math.ceil(n / windowRows);
  // A full permutation of the rows for an eager frame; else a random order of windows.
  const rowOrder = shuffle && windows.gather ? permutationOf(nextKey(), n) : undefined;
  const windowOrder =
    shuffle && !rowOrder
      ? permutationOf(nextKey(), windowCount)
      : Int32Array.from({ length: windowCount }, (_, i) => i);

  for (const w of windowOrder) {
    const offset = w * windowRows;
    const length = Math.min(windowRows, n - offset);
    let frame = rowOrder
      ? windows.gather!(rowOrder.subarray(offset, offset + length))
      : await windows.read(offset, length);
    if (shuffle && !rowOrder) {
      const order = permutationOf(nextKey(), frame.height);
      frame = frame.select(pl.all().gather(Array.from(order)));
    }
    const x = convert(frame, features, options.dtype ?? "f32", true);
    const y = convert(frame, targets, options.targetDtype, typeof options.target !== "string");
    const rows = frame.height;
    for (let start = 0; start < rows; start += batchSize) {
      const size = Math.min(batchSize, rows - start);
      if (size < batchSize && leftover === "discard") break;
      yield [
        nx.sliceAlong(x, start, size, { axis: 0 }),
        nx.sliceAlong(y, start, size, { axis: 0 }),
      ];
    }
    // Let Polars' finalizers run: nodejs-polars frees a frame's memory on a later turn of the event loop.
    await nextTick();
  }
}
