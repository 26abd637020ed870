/**
 * `@dendrite/data`: DataFrames (nodejs-polars, re-exported as `pl`), bundled datasets, file IO,
 * DataFrame ↔ tensor and streaming batches — Dendrite's counterpart of Elixir's Explorer.
 *
 * @example
 * import * as data from "@dendrite/data";
 * const iris = data.datasets.iris();
 * const x = data.toTensor(iris, ["sepal_length", "sepal_width", "petal_length", "petal_width"]);
 */
import "./table-type.js";

export { pl, isDataFrame, isLazyFrame } from "./polars.js";
export type { DataFrame, LazyDataFrame, Series, Expr, DataType } from "./polars.js";
export { toTensor, fromTensor, type ToTensorOptions, type FillNull } from "./convert.js";
export { standardize, pairwiseSum, type StandardizeOptions } from "./standardize.js";
export * as datasets from "./datasets.js";
export {
  readCsv,
  scanCsv,
  readParquet,
  readJson,
  readIpc,
  writeIpc,
  writeParquet,
  writeCsv,
  type CsvOptions,
  type JsonOptions,
} from "./io.js";
export { batches, type BatchOptions, type BatchInput } from "./batches.js";
export { table, DataTable, type TableOptions } from "./data-table.js";
