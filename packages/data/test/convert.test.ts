import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as nx from "@dendrite/tensor";
import { fromTensor, pl, toTensor } from "@dendrite/data";

const frame = () =>
  pl.DataFrame({
    a: [1, 2, 3],
    b: [0.5, -1.5, 2.25],
    n: [10, 20, 30], // Int64 in Polars
    flag: [true, false, true],
    kind: ["x", "y", "x"],
  });

describe("toTensor", () => {
  it("stacks columns row-major into n × k (Nx.stack(df[cols], axis: -1))", () => {
    const t = toTensor(frame(), ["a", "b", "n"]);
    assert.equal(t.dtype, "f32");
    assert.deepEqual(t.shape, [3, 3]);
    assert.deepEqual(t.toArray(), [
      [1, 0.5, 10],
      [2, -1.5, 20],
      [3, 2.25, 30],
    ]);
  });

  it("gives n for one column, n × 1 with keepDims, and honours dtype", () => {
    assert.deepEqual(toTensor(frame(), "b").shape, [3]);
    assert.deepEqual(toTensor(frame(), ["b"]).shape, [3]);
    const k = toTensor(frame(), "b", { keepDims: true, dtype: "f64" });
    assert.deepEqual(k.shape, [3, 1]);
    assert.equal(k.dtype, "f64");
    assert.deepEqual(k.toArray(), [[0.5], [-1.5], [2.25]]);
    const s = toTensor(frame(), ["n", "flag"], { dtype: "s32" });
    assert.equal(s.dtype, "s32");
    assert.deepEqual(s.toArray(), [
      [10, 1],
      [20, 0],
      [30, 1],
    ]);
  });

  it("keeps f64 values exactly", () => {
    const df = pl.DataFrame({ v: [0.1, 1 / 3, -1.0840606189132322] });
    assert.deepEqual(Array.from(toTensor(df, "v", { dtype: "f64" }).data()), [
      0.1,
      1 / 3,
      -1.0840606189132322,
    ]);
  });

  it("uses every column when none are named", () => {
    const df = pl.DataFrame({ p: [1, 2], q: [3, 4] });
    assert.deepEqual(toTensor(df).toArray(), [
      [1, 3],
      [2, 4],
    ]);
  });

  it("codes categories by sorted rank, whatever strings the process saw before", () => {
    // Polars' own codes are process-wide, in order of first appearance: "z" and "m" seen first.
    pl.Series("warmup", ["z", "m", "q"]).cast(pl.Categorical);
    const df = pl
      .DataFrame({ c: ["q", "z", "m", "z", null] })
      .withColumns(pl.col("c").cast(pl.Categorical));
    assert.deepEqual(Array.from(toTensor(df, "c", { fillNull: 9 }).data()), [1, 2, 0, 2, 9]);
    assert.throws(() => toTensor(df, "c"), /column "c" has 1 null value \(of 5\)/);
  });

  it("uses a given category list, also for string columns", () => {
    const df = pl.DataFrame({ label: ["cat", "dog", "cat", "bird"] });
    const y = toTensor(df, "label", { categories: { label: ["dog", "cat", "bird"] } });
    assert.equal(y.dtype, "u32");
    assert.deepEqual(Array.from(y.data()), [1, 0, 1, 2]);
    assert.throws(
      () => toTensor(df, "label", { categories: { label: ["dog", "cat"] } }),
      /column "label" has the value "bird", which is not in its categories \("dog", "cat"\)/,
    );
  });

  it("turns categorical columns into u32 codes", () => {
    const df = frame().withColumns(pl.col("kind").cast(pl.Categorical));
    const y = toTensor(df, "kind");
    assert.equal(y.dtype, "u32");
    assert.deepEqual(y.toArray(), [0, 1, 0]);
    // Mixed with numbers, the codes take the requested (default f32) dtype.
    assert.deepEqual(toTensor(df, ["a", "kind"]).toArray(), [
      [1, 0],
      [2, 1],
      [3, 0],
    ]);
  });

  it("refuses a string column and suggests a category", () => {
    assert.throws(
      () => toTensor(frame(), ["a", "kind"]),
      /column "kind" holds strings; cast it to a category first.*pl\.Categorical/,
    );
  });

  it("refuses nulls naming the column and count, or fills them when asked", () => {
    const df = pl.DataFrame({ a: [1, null, 3, null], b: [1, 2, 3, 4] });
    assert.throws(() => toTensor(df), /column "a" has 2 null values \(of 4\)/);
    assert.deepEqual(Array.from(toTensor(df, "a", { fillNull: -1 }).data()), [1, -1, 3, -1]);
    assert.deepEqual(Array.from(toTensor(df, "a", { fillNull: "mean" }).data()), [1, 2, 3, 2]);
    assert.deepEqual(Array.from(toTensor(df, "a", { fillNull: "forward" }).data()), [1, 1, 3, 3]);
  });

  it("names a missing column and lists the ones there are", () => {
    assert.throws(
      () => toTensor(frame(), ["a", "nope"]),
      /no column "nope"; it has a, b, n, flag, kind/,
    );
    assert.throws(() => toTensor(frame(), []), /no columns to convert/);
  });

  it("refuses an unknown dtype and other column types", () => {
    assert.throws(() => toTensor(frame(), "a", { dtype: "f8" as nx.DType }), /unknown dtype "f8"/);
    const dates = pl.DataFrame({ d: [new Date(0), new Date(1000)] });
    assert.throws(() => toTensor(dates, "d"), /column "d" has type Datetime/);
  });

  it("handles a frame with no rows", () => {
    const df = pl.DataFrame({ a: [1.5] }).head(0);
    assert.deepEqual(toTensor(df, ["a"], { keepDims: true }).shape, [0, 1]);
  });
});

describe("fromTensor", () => {
  it("goes back from n × k to a DataFrame with the matching types", () => {
    const t = nx.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const df = fromTensor(t, ["x", "y"]);
    assert.deepEqual(df.columns, ["x", "y"]);
    assert.equal(df.getColumn("x").dtype.variant, "Float32");
    assert.deepEqual(df.getColumn("y").toArray(), [2, 4, 6]);
    assert.deepEqual(toTensor(df).toArray(), t.toArray());
  });

  it("round-trips every dtype and names columns by default", () => {
    const real = nx.DTYPES.filter((d) => d !== "c64" && d !== "c128");
    for (const dtype of real) {
      const t = nx.tensor([[1, 2, 3]], { dtype });
      const df = fromTensor(t);
      assert.deepEqual(df.columns, ["column_0", "column_1", "column_2"]);
      const back = toTensor(df, undefined, { dtype });
      assert.equal(back.dtype, dtype);
      assert.deepEqual(back.toArray(), [[1, 2, 3]]);
    }
    assert.throws(
      () => fromTensor(nx.complex([1], [2])),
      /^TypeError: c64 tensors have no Polars type/,
    );
    const v = fromTensor(nx.tensor([7, 8], { dtype: "u32" }), "label");
    assert.equal(v.getColumn("label").dtype.variant, "UInt32");
    assert.deepEqual(v.getColumn("label").toArray(), [7, 8]);
  });

  it("writes f16 and bf16 as Float32 columns and reads them back rounded", () => {
    const t = nx.tensor([0.1, 65504], { dtype: "f16" });
    const df = fromTensor(t, "h");
    assert.equal(df.getColumn("h").dtype.variant, "Float32");
    assert.deepEqual(df.getColumn("h").toArray(), t.toArray());
    const b = toTensor(pl.DataFrame({ v: [0.1, 1 / 3] }), "v", { dtype: "bf16" });
    assert.equal(b.dtype, "bf16");
    // torch.tensor([0.1, 1/3], dtype=torch.float32).to(torch.bfloat16).view(torch.int16)
    assert.deepEqual([...new Uint16Array(b.toBytes().buffer)], [15821, 16043]);
  });

  it("checks names against the shape", () => {
    assert.throws(
      () => fromTensor(nx.zeros([2, 3]), ["a", "b"]),
      /f32\[2\]\[3\] has 3 columns but 2 names/,
    );
    assert.throws(() => fromTensor(nx.zeros([2, 2]), ["a", "a"]), /unique/);
    assert.throws(() => fromTensor(nx.zeros([2, 2, 2])), /rank-1 or rank-2/);
  });
});
