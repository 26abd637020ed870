import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { describe, it } from "node:test";
import { datasets, standardize, toTensor } from "@dendrite/data";

const FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

function sha256(file: string): string {
  return createHash("sha256")
    .update(fs.readFileSync(datasets.datasetPath(file)))
    .digest("hex");
}

describe("bundled datasets", () => {
  it("ship the files pinned in datasets/SOURCES.md", () => {
    assert.equal(
      sha256("iris.csv"),
      "20f7ef9ad6e85c0752a0cda4c9d1edfcad39c04114a822496a15c20eb1df2cda",
    );
    assert.equal(
      sha256("auto-mpg.csv"),
      "f10d84c12959dcae60de9c786afe95f3ddf19b425348b535bbe0a68ef5a5e314",
    );
  });

  it("iris: 150 rows, species as a category with codes 0, 1, 2 in blocks of 50", () => {
    const iris = datasets.iris();
    assert.deepEqual(iris.shape, { height: 150, width: 5 });
    assert.deepEqual(iris.columns, [...FEATURES, "species"]);
    assert.equal(iris.getColumn("species").dtype.variant, "Categorical");
    const codes = Array.from(toTensor(iris, "species").data());
    assert.deepEqual(codes, [...Array(50).fill(0), ...Array(50).fill(1), ...Array(50).fill(2)]);
    assert.deepEqual(iris.getColumn("species").unique().sort().toArray(), [
      "Iris-setosa",
      "Iris-versicolor",
      "Iris-virginica",
    ]);
    // UCI iris.data rows 35 and 38 (SOURCES.md), the version Explorer ships.
    assert.deepEqual(toTensor(iris.slice(34, 1), FEATURES, { dtype: "f64" }).toArray(), [
      [4.9, 3.1, 1.5, 0.1],
    ]);
    assert.deepEqual(toTensor(iris.slice(37, 1), FEATURES, { dtype: "f64" }).toArray(), [
      [4.9, 3.1, 1.5, 0.1],
    ]);
    assert.equal(
      datasets.iris({ categorical: false }).getColumn("species").dtype.variant,
      "String",
    );
  });

  it("iris normalised as the seed post does reproduces its printed values", () => {
    const normalized = standardize(datasets.iris(), FEATURES, { scale: "variance" });
    const row0 = normalized.row(0);
    // Printed in the first seed post (Explorer 0.8): `(col - mean(col)) / variance(col)`, row 0.
    assert.equal(row0[0], -1.0840606189132322);
    assert.equal(row0[1], 2.3722896125315045);
    const second = normalized.row(1);
    assert.equal(second[0], -1.3757361217598405);
    assert.equal(second[1], -0.28722789030650403);
    // The petal columns agree to the last bit or one ulp (printed -0.7576391687443839, -1.7147014356654708).
    assert.ok(Math.abs((row0[2] as number) - -0.7576391687443839) <= 2.3e-16);
    assert.ok(Math.abs((row0[3] as number) - -1.7147014356654708) <= 4.5e-16);
    assert.equal(normalized.getColumn("species").dtype.variant, "Categorical");
  });

  it("autoMpg: 398 cars, the six `?` horsepower values are nulls", () => {
    const cars = datasets.autoMpg();
    assert.deepEqual(cars.shape, { height: 398, width: 9 });
    const hp = cars.getColumn("horsepower");
    assert.equal(hp.nullCount(), 6);
    assert.ok(hp.isNumeric());
    // SOURCES.md: missing at rows 33, 127, 331, 337, 355, 375 (1-based).
    const missing = hp
      .isNull()
      .toArray()
      .flatMap((isNull, i) => (isNull ? [i + 1] : []));
    assert.deepEqual(missing, [33, 127, 331, 337, 355, 375]);
    assert.deepEqual(cars.row(0), [18, 8, 307, 130, 3504, 12, 70, 1, "chevrolet chevelle malibu"]);
    assert.throws(
      () => toTensor(cars, ["weight", "horsepower"]),
      /column "horsepower" has 6 null values \(of 398\)/,
    );
    assert.deepEqual(toTensor(cars.dropNulls(), ["weight", "horsepower"]).shape, [392, 2]);
  });
});

describe("standardize", () => {
  it("gives z-scores by default (mean 0, sample std 1)", async () => {
    const { pl } = await import("@dendrite/data");
    const df = pl.DataFrame({ a: [1, 2, 3, 4], b: [10, 10, 20, 20] });
    const z = standardize(df, ["a", "b"]);
    // mean 2.5, sample std sqrt(5/3): (1 - 2.5)/1.2909944487358056
    assert.ok(Math.abs((z.getColumn("a").toArray()[0] as number) - -1.161895003862225) < 1e-15);
    assert.deepEqual(
      z
        .getColumn("b")
        .toArray()
        .map((v) => Math.round((v as number) * 1e12) / 1e12),
      [-0.866025403784, -0.866025403784, 0.866025403784, 0.866025403784],
    );
  });

  it("leaves nulls null and explains bad columns", async () => {
    const { pl } = await import("@dendrite/data");
    const df = pl.DataFrame({ a: [1, null, 3], s: ["x", "y", "z"], c: [5, 5, 5] });
    assert.deepEqual(standardize(df, ["a"]).getColumn("a").toArray(), [
      -1 / Math.SQRT2,
      null,
      1 / Math.SQRT2,
    ]);
    assert.throws(() => standardize(df, ["s"]), /column "s" has type String; it must be numeric/);
    assert.throws(() => standardize(df, ["c"]), /column "c" is constant/);
    assert.throws(() => standardize(df, ["zz"]), /no column "zz"/);
    assert.throws(() => standardize(df, ["a"], { scale: "range" as "std" }), /scale must be/);
  });
});
