/**
 * Reading and writing files: thin wrappers over Polars with defaults suited to machine learning
 * (a malformed CSV is an error, never silently patched) and errors that name the file — and, for
 * CSV, the line.
 */
import fs from "node:fs";
import type {
  ReadCsvOptions,
  ReadIPCOptions,
  ReadJsonOptions,
  ReadParquetOptions,
  ScanCsvOptions,
} from "nodejs-polars";
import { locateCsvError } from "./csv-lines.js";
import { pl } from "./polars.js";

/** Options of {@link readCsv}: Polars' own, e.g. `nullValues: "?"`, `dtypes: { a: pl.Float64 }`, `sep`. */
export type CsvOptions = Partial<ReadCsvOptions>;

/** Strict parsing, and column types inferred from the first 10,000 rows (Polars reads 100). */
const CSV_DEFAULTS: CsvOptions = {
  ignoreErrors: false,
  truncateRaggedLines: false,
  inferSchemaLength: 10_000,
};

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Throws `op: cannot read "path": ...` when the path is not a readable file. */
function checkFile(op: string, path: string): void {
  if (typeof path !== "string")
    throw new TypeError(`${op}: expected a file path, got ${typeof path}`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch {
    throw new Error(`${op}: cannot read ${JSON.stringify(path)}: no such file`);
  }
  if (!stat.isFile()) throw new Error(`${op}: cannot read ${JSON.stringify(path)}: not a file`);
}

/**
 * What to hand a Polars reader: the path itself when its extension is one Polars recognises as a
 * path (it then reads the file natively), else the file's bytes — nodejs-polars 0.24.1 takes any
 * other string for inline data (a CSV named `cars.data` would be parsed as the text "cars.data").
 */
function source(path: string, extensions: readonly string[]): string | Buffer {
  const lower = path.toLowerCase();
  return extensions.some((ext) => lower.endsWith(ext)) ? path : fs.readFileSync(path);
}

/** Runs a Polars reader on a file, prefixing its errors with the op and the path. */
function readFile<T>(op: string, path: string, read: () => T): T {
  checkFile(op, path);
  try {
    return read();
  } catch (err) {
    throw new Error(`${op}: ${path}: ${message(err).split("\n")[0]}`, { cause: err });
  }
}

/**
 * A CSV file as a DataFrame. Unlike Polars' defaults, a value that does not fit its column and a
 * line with too many fields are errors; the error names the file, the line and the column.
 *
 * @example
 * const cars = readCsv("auto-mpg.csv", { nullValues: "?", dtypes: { horsepower: pl.Float64 } });
 */
export function readCsv(path: string, options: CsvOptions = {}): pl.DataFrame {
  checkFile("readCsv", path);
  const opts = { ...CSV_DEFAULTS, ...options };
  try {
    return pl.readCSV(source(path, [".csv", ".tsv"]), opts);
  } catch (err) {
    const text = message(err);
    const where = locateCsvError(path, text, {
      sep: opts.sep ?? ",",
      quote: opts.quoteChar ?? '"',
      hasHeader: opts.hasHeader ?? true,
      skipRows: opts.skipRows ?? 0,
    });
    const at = where
      ? `${path}, line ${where.line}: ${where.reason}`
      : `${path}: ${text.split("\n")[0]}`;
    throw new Error(`readCsv: ${at}`, { cause: err });
  }
}

/**
 * A lazy scan of a CSV file (`pl.scanCSV`) with the same strict defaults as {@link readCsv}: nothing is
 * read until the query is collected, so it suits files larger than memory (see `batches`).
 */
export function scanCsv(path: string, options: Partial<ScanCsvOptions> = {}): pl.LazyDataFrame {
  checkFile("scanCsv", path);
  return pl.scanCSV(path, {
    ignoreErrors: false,
    truncateRaggedLines: false,
    inferSchemaLength: 10_000,
    ...options,
  });
}

/** A Parquet file as a DataFrame (`columns`, `numRows`, … as in Polars). */
export function readParquet(path: string, options: Partial<ReadParquetOptions> = {}): pl.DataFrame {
  return readFile("readParquet", path, () => pl.readParquet(source(path, [".parquet"]), options));
}

/**
 * A JSON file as a DataFrame: an array of records, or one record per line (`{ format: "lines" }`,
 * the default for `.ndjson` and `.jsonl` files).
 */
export function readJson(path: string, options: Partial<ReadJsonOptions> = {}): pl.DataFrame {
  const format = options.format ?? (/\.(ndjson|jsonl)$/i.test(path) ? "lines" : "json");
  // Read the bytes here: nodejs-polars 0.24.1 cannot read JSON lines from a path.
  return readFile("readJson", path, () =>
    pl.readJSON(fs.readFileSync(path), { ...options, format }),
  );
}

/** An Arrow IPC (Feather v2) file as a DataFrame. */
export function readIpc(path: string, options: Partial<ReadIPCOptions> = {}): pl.DataFrame {
  return readFile("readIpc", path, () => pl.readIPC(source(path, [".ipc"]), options));
}

/** Runs a Polars writer, prefixing its errors with the op and the path. */
function writeFile(op: string, df: pl.DataFrame, path: string, write: () => void): void {
  if (typeof path !== "string")
    throw new TypeError(`${op}: expected a file path, got ${typeof path}`);
  if (df === null || typeof df !== "object" || typeof df.writeIPC !== "function") {
    throw new TypeError(`${op}: expected a DataFrame to write to ${path}`);
  }
  try {
    write();
  } catch (err) {
    throw new Error(`${op}: ${path}: ${message(err).split("\n")[0]}`, { cause: err });
  }
}

/** Writes a DataFrame as an Arrow IPC (Feather v2) file, read back by {@link readIpc} or apache-arrow. */
export function writeIpc(
  df: pl.DataFrame,
  path: string,
  options: { compression?: "uncompressed" | "lz4" | "zstd" } = {},
): void {
  const compression = options.compression ?? "uncompressed";
  writeFile("writeIpc", df, path, () => df.writeIPC(path, { compression }));
}

/** Writes a DataFrame as a Parquet file. */
export function writeParquet(df: pl.DataFrame, path: string): void {
  writeFile("writeParquet", df, path, () => df.writeParquet(path));
}

/** Writes a DataFrame as a CSV file (a header line, then one line per row). */
export function writeCsv(df: pl.DataFrame, path: string): void {
  writeFile("writeCsv", df, path, () => df.writeCSV(path));
}
