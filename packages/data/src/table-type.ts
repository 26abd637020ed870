/**
 * Registers DataFrames as tensor tables (`nx.registerTableType`) when `@dendrite/data` is loaded,
 * so code built on tensor alone — learn's estimators, metrics and splits — takes DataFrames.
 */
import * as nx from "@dendrite/tensor";
import { toTensor } from "./convert.js";
import { isDataFrame, pl } from "./polars.js";

nx.registerTableType<pl.DataFrame>({
  name: "DataFrame",
  is: (x): x is pl.DataFrame => !nx.isTensor(x) && isDataFrame(x),
  toTensor: (df, dtype) => toTensor(df, undefined, { dtype }),
  takeRows: (df, indices) => df.select(pl.all().gather([...indices])),
});
