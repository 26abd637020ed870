/**
 * Reading and writing files: thin wrappers over Polars with defaults suited to machine learning
 * (a malformed CSV is an error, never silently patched) and errors that name the file — and, for
 * CSV and JSON, the line. What nodejs-polars 0.24.1 cannot survive is refused before it sees the
 * file (JSON nested too deep, integers past 64 bits), and a Rust panic becomes a plain error.
 */
import fs from "node:fs";
import { describeValue, show } from "@dendrite/tensor";
import type {
  ReadCsvOptions,
  ReadIPCOptions,
  ReadJsonOptions,
  ReadParquetOptions,
  ScanCsvOptions,
} from "nodejs-polars";
import { checkColumnTypes } from "./column-types.js";
import { csvLineEnd } from "./csv-line-end.js";
import { locateCsvError } from "./csv-lines.js";
import { jsonErrorPlace, jsonProblemMessage } from "./json-errors.js";
import { scanJson } from "./json-scan.js";
import { parquetSourceProblem } from "./parquet-check.js";
import { pl } from "./polars.js";
import { firstLine, isPanic, readerError } from "./reader-errors.js";

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

/** The way around a column whose type nodejs-polars cannot pass to JavaScript (Parquet, IPC). */
const COLUMNS_HINT = "read the other columns with { columns: [...] }";

/** Throws `op: cannot read "path": ...` when the path is not a readable file. */
function checkFile(op: string, path: string): void {
  if (typeof path !== "string")
    throw new TypeError(`${op}: expected a file path, got ${describeValue(path)}`);
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

/**
 * Runs a Polars reader on a file: its errors are prefixed with the op and the path (a panic's text
 * replaced), and a column whose type nodejs-polars cannot pass to JavaScript is refused.
 */
function readFile(op: string, path: string, read: () => pl.DataFrame): pl.DataFrame {
  checkFile(op, path);
  let df: pl.DataFrame;
  try {
    df = read();
  } catch (err) {
    throw readerError(op, path, err);
  }
  checkColumnTypes(op, path, df, COLUMNS_HINT);
  return df;
}

/**
 * A CSV file as a DataFrame. Unlike Polars' defaults, a value that does not fit its column and a
 * line with too many fields are errors; the error names the file, the line and the column. Lines
 * may end in LF, CRLF or CR alone (classic Mac OS), told from the file's first line break.
 *
 * @example
 * const cars = readCsv("auto-mpg.csv", { nullValues: "?", dtypes: { horsepower: pl.Float64 } });
 */
export function readCsv(path: string, options: CsvOptions = {}): pl.DataFrame {
  checkFile("readCsv", path);
  const sep = options.sep ?? ",";
  const quote = options.quoteChar ?? '"';
  const eolChar = options.eolChar ?? csvLineEnd(path, sep, quote);
  const opts = { ...CSV_DEFAULTS, ...options, eolChar };
  try {
    return pl.readCSV(source(path, [".csv", ".tsv"]), opts);
  } catch (err) {
    const text = message(err);
    if (isPanic(firstLine(err))) throw readerError("readCsv", path, err);
    const where = locateCsvError(path, text, {
      sep,
      quote,
      hasHeader: opts.hasHeader ?? true,
      skipRows: opts.skipRows ?? 0,
      eol: eolChar === "\r" ? "\r" : "\n",
    });
    const at = where
      ? `${path}, line ${where.line}: ${where.reason}`
      : `${path}: ${text.split("\n")[0]}`;
    throw new Error(`readCsv: ${at}`, { cause: err });
  }
}

/**
 * A lazy scan of a CSV file (`pl.scanCSV`) with the same strict defaults as {@link readCsv}, line
 * endings included: nothing is read until the query is collected, so it suits files larger than
 * memory (see `batches`).
 */
export function scanCsv(path: string, options: Partial<ScanCsvOptions> = {}): pl.LazyDataFrame {
  checkFile("scanCsv", path);
  const eolChar = options.eolChar ?? csvLineEnd(path, options.sep ?? ",", options.quoteChar ?? '"');
  return pl.scanCSV(path, {
    ignoreErrors: false,
    truncateRaggedLines: false,
    inferSchemaLength: 10_000,
    ...options,
    eolChar,
  });
}

/**
 * A Parquet file as a DataFrame (`columns`, `numRows`, … as in Polars). Its page headers are checked
 * first: a damaged count that would make Polars abort the process is refused with an error.
 */
export function readParquet(path: string, options: Partial<ReadParquetOptions> = {}): pl.DataFrame {
  return readFile("readParquet", path, () => {
    const src = source(path, [".parquet"]);
    const problem = parquetSourceProblem(src);
    if (problem) throw new Error(`the file is damaged: ${problem}`);
    return pl.readParquet(src, options);
  });
}

/** Options of {@link readJson}: Polars' own (`format`, `inferSchemaLength`, `batchSize`) and `maxDepth`. */
export interface JsonOptions extends Partial<ReadJsonOptions> {
  /**
   * The deepest nesting of arrays and objects read (default 64, at most 256): a record `{"a": 1}`
   * in an array is 2 levels. Polars' time and memory grow with about the cube of the depth (500
   * levels take 1.7 GB) and thousands of levels crash the process, so deeper files are refused.
   */
  maxDepth?: number;
}

const MAX_DEPTH = 256;

/**
 * A JSON file as a DataFrame: an array of records, or one record per line (`{ format: "lines" }`,
 * the default for `.ndjson` and `.jsonl` files). Refused before Polars parses it, with the line:
 * nesting deeper than `maxDepth`, and integers outside the signed 64-bit range (Polars would read
 * them as 128-bit integers that nodejs-polars cannot use; write them as strings or with a `.0`).
 * A syntax error names the line and column.
 */
export function readJson(path: string, options: JsonOptions = {}): pl.DataFrame {
  checkFile("readJson", path);
  const { maxDepth = 64, ...polarsOptions } = options;
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_DEPTH) {
    throw new RangeError(
      `readJson: maxDepth must be an integer from 1 to ${MAX_DEPTH}, got ${show(maxDepth)}`,
    );
  }
  const format = polarsOptions.format ?? (/\.(ndjson|jsonl)$/i.test(path) ? "lines" : "json");
  // Read the bytes here: nodejs-polars 0.24.1 cannot read JSON lines from a path.
  const bytes = fs.readFileSync(path);
  const problem = scanJson(bytes, { maxDepth, lines: format === "lines" });
  if (problem) throw new Error(jsonProblemMessage(path, problem, maxDepth));
  let df: pl.DataFrame;
  try {
    df = pl.readJSON(bytes, { ...polarsOptions, format });
  } catch (err) {
    throw readerError(
      "readJson",
      path,
      err,
      jsonErrorPlace(bytes, firstLine(err), format === "lines"),
    );
  }
  checkColumnTypes("readJson", path, df, "store its values as strings or numbers");
  return df;
}

/** An Arrow IPC (Feather v2) file as a DataFrame. */
export function readIpc(path: string, options: Partial<ReadIPCOptions> = {}): pl.DataFrame {
  return readFile("readIpc", path, () => pl.readIPC(source(path, [".ipc"]), options));
}

/** Runs a Polars writer, prefixing its errors with the op and the path. */
function writeFile(op: string, df: pl.DataFrame, path: string, write: () => void): void {
  if (typeof path !== "string")
    throw new TypeError(`${op}: expected a file path, got ${describeValue(path)}`);
  if (df === null || typeof df !== "object" || typeof df.writeIPC !== "function") {
    throw new TypeError(`${op}: expected a DataFrame to write to ${path}`);
  }
  try {
    write();
  } catch (err) {
    const text = firstLine(err);
    const reason = isPanic(text)
      ? "Polars failed inside (a Rust panic, not a message about the data)"
      : text;
    throw new Error(`${op}: ${path}: ${reason}`, { cause: err });
  }
}

/**
 * Writes a DataFrame as an Arrow IPC (Feather v2) file, read back by {@link readIpc} or apache-arrow.
 * The frame is written as one record batch (`rechunk`): an IPC file holds one dictionary per
 * categorical column, and Polars refuses to write a column whose chunks carry different ones
 * ("Dictionary replacement detected"), as after `vstack` or a CSV read in parallel.
 */
export function writeIpc(
  df: pl.DataFrame,
  path: string,
  options: { compression?: "uncompressed" | "lz4" | "zstd" } = {},
): void {
  const compression = options.compression ?? "uncompressed";
  writeFile("writeIpc", df, path, () => df.rechunk().writeIPC(path, { compression }));
}

/** Writes a DataFrame as a Parquet file. */
export function writeParquet(df: pl.DataFrame, path: string): void {
  writeFile("writeParquet", df, path, () => df.writeParquet(path));
}

/** Writes a DataFrame as a CSV file (a header line, then one line per row). */
export function writeCsv(df: pl.DataFrame, path: string): void {
  writeFile("writeCsv", df, path, () => df.writeCSV(path));
}
