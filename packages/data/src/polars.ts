/**
 * The DataFrame engine: nodejs-polars, re-exported whole as `pl`. Dendrite writes no DataFrame of its
 * own; it adds what machine learning needs around Polars (datasets, tensors, batches). Loading it
 * fixes a boolean Series' `sum()` (see `polars-patches.ts`).
 */
import pl from "nodejs-polars";
import { patchBooleanSum } from "./polars-patches.js";

patchBooleanSum();

export { pl };
export type { DataFrame, LazyDataFrame, Series, Expr, DataType } from "nodejs-polars";

/** True when `x` is a Polars DataFrame (eager). */
export function isDataFrame(x: unknown): x is pl.DataFrame {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as { getColumn?: unknown }).getColumn === "function" &&
    typeof (x as { height?: unknown }).height === "number"
  );
}

/** True when `x` is a Polars LazyDataFrame (a query, e.g. from `pl.scanCSV`). */
export function isLazyFrame(x: unknown): x is pl.LazyDataFrame {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as { collectSync?: unknown }).collectSync === "function"
  );
}
