import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pl } from "@dendrite/data";
import { patchBooleanSum } from "../src/polars-patches.js";

describe("Series.sum() of booleans", () => {
  it("counts the true values, as Polars does in Python and Rust", () => {
    assert.equal(pl.Series([true, false, true]).sum(), 2);
    assert.equal(pl.Series([true, null, true, false]).sum(), 2);
    assert.equal(pl.Series([false, false]).sum(), 0);
    assert.equal(pl.Series("b", [], pl.Bool).sum(), 0);
    assert.equal(pl.Series("nulls", [null, null], pl.Bool).sum(), 0);
  });

  it("agrees with df.sum(), the expression and describe()", () => {
    const df = pl.DataFrame({ b: [true, false, true, true], n: [1, 2, 3, 4] });
    assert.deepEqual(df.sum().toRecords(), [{ b: 3, n: 10 }]);
    assert.deepEqual(df.select(pl.col("b").sum()).toRecords(), [{ b: 3 }]);
    assert.equal(df.getColumn("b").sum(), 3);
    const stats = df.getColumn("b").describe().toRecords();
    assert.deepEqual(stats[0], { statistic: "sum", value: 3 });
  });

  it("leaves other types alone, and patching twice changes nothing", () => {
    patchBooleanSum();
    assert.equal(pl.Series([true, true]).sum(), 2);
    assert.equal(pl.Series([1, 2, 3]).sum(), 6);
    assert.equal(pl.Series([1.5, 2.25]).sum(), 3.75);
    assert.equal(pl.Series("i", [1, 2], pl.Int32).sum(), 3);
  });
});
