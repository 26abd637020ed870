// learn reads tables through tensor's table registry (nx.registerTableType), not by importing
// @dendrite/data: any registered kind of table works as an estimator's input and splits into
// tables of its own kind; an unregistered object is refused with a hint.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as learn from "@dendrite/learn";

/** A minimal table kind: rows of numbers under column names. */
class RowTable {
  constructor(
    readonly columns: readonly string[],
    readonly values: readonly (readonly number[])[],
  ) {}
  get height(): number {
    return this.values.length;
  }
}

nx.registerTableType<RowTable>({
  name: "RowTable",
  is: (x): x is RowTable => x instanceof RowTable,
  toTensor: (t, dtype) =>
    nx.tensor(
      t.values.map((r) => [...r]),
      { dtype },
    ),
  takeRows: (t, indices) =>
    new RowTable(
      t.columns,
      indices.map((i) => t.values[i]!),
    ),
});

test("a registered table kind is an estimator input and splits into tables of its kind", () => {
  // y = 2·a − b + 1 exactly, so least squares recovers the coefficients.
  const rows = [
    [0, 1],
    [1, 0],
    [2, 3],
    [3, 1],
    [4, 4],
    [5, 2],
  ];
  const x = new RowTable(["a", "b"], rows);
  const y = nx.tensor(
    rows.map(([a, b]) => 2 * a! - b! + 1),
    { dtype: "f64" },
  );
  const model = learn.LinearRegression.fit(x, y);
  const [w1, w2] = model.coefficients.toArray() as number[];
  assert.ok(Math.abs(w1! - 2) < 1e-12 && Math.abs(w2! + 1) < 1e-12);
  assert.ok(Math.abs(model.intercept.toNumber() - 1) < 1e-12);
  const split = learn.preprocessing.trainTestSplit(x, y, { testSize: 2, seed: 1 });
  assert.ok(split.xTrain instanceof RowTable && split.xTest instanceof RowTable);
  assert.equal(split.xTrain.height + split.xTest.height, 6);
});

test("an object that is no registered table is refused, with a hint about DataFrames", () => {
  assert.throws(
    () => learn.LinearRegression.fit({ height: 2 } as never, [1, 2]),
    /expected a tensor, a DataFrame or nested number arrays, got an object with keys height \(DataFrames are read once @dendrite\/data is loaded\)/,
  );
  assert.throws(() => nx.registerTableType({ name: "x" } as never), /registerTableType: expected/);
});
