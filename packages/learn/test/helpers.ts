// Shared test helpers: closeness checks and the bundled datasets as tensors.
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as data from "@dendrite/data";

/** Flattens a tensor, number, or nested array into plain numbers. */
export function flat(v: nx.Tensor | number | readonly unknown[]): number[] {
  if (typeof v === "number") return [v];
  if (nx.isTensor(v)) return Array.from(v.data(), Number);
  return (v as unknown[]).flat(Infinity as 1) as number[];
}

/** Asserts |a − e| ≤ tol · max(1, |e|) elementwise, with the first offending index in the message. */
export function assertClose(
  actual: nx.Tensor | number | readonly unknown[],
  expected: nx.Tensor | number | readonly unknown[],
  tol = 1e-6,
  what = "value",
): void {
  const a = flat(actual);
  const e = flat(expected);
  assert.equal(a.length, e.length, `${what}: length ${a.length} vs expected ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i]! - e[i]!) <= tol * Math.max(1, Math.abs(e[i]!));
    assert.ok(ok, `${what}[${i}]: got ${a[i]}, expected ${e[i]} (tol ${tol})`);
  }
}

export const IRIS_FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
export const AUTO_FEATURES = [
  "cylinders",
  "displacement",
  "horsepower",
  "weight",
  "acceleration",
  "model_year",
  "origin",
];

/** Iris as f64 features and s32 species codes 0, 1, 2. */
export function iris(): { x: nx.Tensor; y: nx.Tensor } {
  const df = data.datasets.iris();
  return {
    x: data.toTensor(df, IRIS_FEATURES, { dtype: "f64" }),
    y: data.toTensor(df, "species", { dtype: "s32" }),
  };
}

/** Auto MPG without the rows missing horsepower: f64 features (in AUTO_FEATURES order) and mpg. */
export function autoMpg(): { df: data.DataFrame; x: nx.Tensor; y: nx.Tensor } {
  const df = data.datasets.autoMpg().dropNulls("horsepower");
  return {
    df,
    x: data.toTensor(df, AUTO_FEATURES, { dtype: "f64" }),
    y: data.toTensor(df, "mpg", { dtype: "f64" }),
  };
}
