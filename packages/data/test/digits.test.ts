// datasets.digits(): the bundled 8×8 handwritten digits (datasets/SOURCES.md).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { describe, it } from "node:test";
import * as nx from "@dendrite/tensor";
import { datasets, toTensor } from "@dendrite/data";

const PIXELS = Array.from({ length: 64 }, (_, i) => `pixel_${Math.floor(i / 8)}_${i % 8}`);

describe("datasets.digits", () => {
  it("ships the file pinned in datasets/SOURCES.md", () => {
    const bytes = fs.readFileSync(datasets.datasetPath("digits.csv"));
    assert.equal(
      createHash("sha256").update(bytes).digest("hex"),
      "592cc047d0a1cc7fdef9fd724514209dcb45a80aa147dc3ab375e3e1a9a380f4",
    );
  });

  it("has 1,797 rows of 64 pixel columns (row-major) and the digit", () => {
    const df = datasets.digits();
    assert.deepEqual(df.shape, { height: 1797, width: 65 });
    assert.deepEqual(df.columns, [...PIXELS, "digit"]);
    assert.equal(PIXELS[9], "pixel_1_1");
    for (const dtype of df.dtypes) assert.equal(dtype.variant, "Int64");
  });

  it("pixels are 0–16 and digits 0–9 with scikit-learn's class counts", () => {
    const df = datasets.digits();
    // toTensor refuses null values, so this also says that none is missing.
    const pixels = toTensor(df, PIXELS, { dtype: "f64" });
    assert.deepEqual(pixels.shape, [1797, 64]);
    assert.equal(nx.reduceMin(pixels).toNumber(), 0);
    assert.equal(nx.reduceMax(pixels).toNumber(), 16);
    const values = pixels.data();
    assert.ok(
      values.every((v) => Number.isInteger(v)),
      "every pixel is a whole number",
    );
    const counts = new Array<number>(10).fill(0);
    for (const d of df.getColumn("digit").toArray() as number[]) counts[d]!++;
    // numpy.bincount(sklearn.datasets.load_digits().target), scikit-learn 1.2.1.
    assert.deepEqual(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
  });

  it("the first row matches the file's second line, and reshapes to an 8×8×1 image", () => {
    const lines = fs.readFileSync(datasets.datasetPath("digits.csv"), "utf8").split("\n");
    const first = lines[1]!.split(",").map(Number);
    const df = datasets.digits();
    assert.deepEqual(df.row(0), first);
    assert.equal(first.at(-1), 0); // load_digits().target[0]
    const image = toTensor(df.head(1), PIXELS).reshape([1, 8, 8, 1]);
    // Row 0 of the first image, as scikit-learn's load_digits().images[0][0].
    assert.deepEqual(
      (image.toArray() as number[][][][])[0]![0]!.map((p) => p[0]),
      [0, 0, 5, 13, 9, 1, 0, 0],
    );
  });
});
