// Scalers, encoders, polynomial features and splits; known answers from scikit-learn 1.2.1
// (reference/make_refs.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as data from "@dendrite/data";
import { preprocessing as pp } from "@dendrite/learn";
import { preprocessing as P, linear as L } from "./reference/sklearn.js";
import { assertClose, iris } from "./helpers.js";

const px = nx.tensor(P.x, { dtype: "f64" });

test("StandardScaler, MinMaxScaler and RobustScaler equal scikit-learn's, and invert", () => {
  const s = pp.StandardScaler.fit(px);
  assertClose(s.mean, P.standardMean, 1e-14, "mean");
  assertClose(s.scale, P.standardScale, 1e-14, "scale (constant column → 1)");
  assertClose(s.transform(px), P.standard, 1e-14, "standard");
  assertClose(s.inverseTransform(s.transform(px)), P.x, 1e-13, "standard round trip");
  assertClose(pp.StandardScaler.fitTransform(px), P.standard, 1e-14);
  assertClose(
    pp.MinMaxScaler.fitTransform(px, { featureRange: [-1, 1] }),
    P.minMax,
    1e-14,
    "min-max",
  );
  const r = pp.RobustScaler.fit(px);
  assertClose(r.center, P.robustCenter, 1e-14, "robust center");
  assertClose(r.scale, P.robustScale, 1e-14, "robust scale");
  assertClose(r.transform(px), P.robust, 1e-14, "robust");
  assertClose(r.inverseTransform(r.transform(px)), P.x, 1e-13, "robust round trip");
  assert.throws(
    () => s.transform(nx.ones([2, 2])),
    /StandardScaler.transform: x has 2 features but the model was fitted with 3/,
  );
});

test("OneHotEncoder and OrdinalEncoder map categories both ways", () => {
  const cats = nx.tensor([
    [3, 10],
    [1, 20],
    [3, 20],
    [2, 10],
  ]);
  const oh = pp.OneHotEncoder.fit(cats);
  assert.equal(oh.numOutputs, 5);
  assert.deepEqual(oh.transform(cats).toArray(), [
    [0, 0, 1, 1, 0],
    [1, 0, 0, 0, 1],
    [0, 0, 1, 0, 1],
    [0, 1, 0, 1, 0],
  ]);
  assert.deepEqual(oh.inverseTransform(oh.transform(cats)).toArray(), cats.toArray());
  assert.throws(
    () => oh.transform([[4, 10]]),
    /unknown category 4 in feature 0, row 0; fit saw \[1, 2, 3\]/,
  );
  assert.deepEqual(
    pp.OneHotEncoder.fit(cats, { handleUnknown: "ignore" })
      .transform([[4, 10]])
      .toArray(),
    [[0, 0, 0, 1, 0]],
  );
  assert.deepEqual(pp.OneHotEncoder.fitTransform(cats, { drop: "first" }).toArray(), [
    [0, 1, 0],
    [0, 0, 1],
    [0, 1, 1],
    [1, 0, 0],
  ]);
  const ord = pp.OrdinalEncoder.fit(cats);
  assert.deepEqual(ord.transform(cats).toArray(), [
    [2, 0],
    [0, 1],
    [2, 1],
    [1, 0],
  ]);
  assert.deepEqual(ord.inverseTransform(ord.transform(cats)).toArray(), cats.toArray());
});

test("PolynomialFeatures gives scikit-learn's columns and names", () => {
  const x = nx.slice(nx.tensor(L.x, { dtype: "f64" }), [0, 0], [3, 2]);
  const pf = pp.PolynomialFeatures.fit(x, { degree: 2 });
  assertClose(pf.transform(x), L.polyFeatures, 1e-15);
  assert.deepEqual(
    pf.featureNames(["a", "b"]),
    L.polyNames.map((n) => n.replace("^", "^")),
  );
  assert.deepEqual(
    pp.PolynomialFeatures.fit(nx.ones([1, 3]), {
      degree: 2,
      interactionOnly: true,
      includeBias: false,
    }).featureNames(),
    ["x0", "x1", "x2", "x0 x1", "x0 x2", "x1 x2"],
  );
});

test("trainTestSplit: seeded, disjoint, ceil(testSize · n) test rows, stratified proportions", () => {
  const { x, y } = iris();
  const a = pp.trainTestSplit(x, y, { testSize: 0.2, seed: 42 });
  const b = pp.trainTestSplit(x, y, { testSize: 0.2, seed: 42 });
  const c = pp.trainTestSplit(x, y, { testSize: 0.2, seed: 43 });
  assert.deepEqual(a.xTrain.shape, [120, 4]);
  assert.deepEqual(a.yTest.shape, [30]);
  assert.deepEqual(a.testIndices, b.testIndices);
  assert.notDeepEqual(a.testIndices, c.testIndices);
  const all = new Set([...a.trainIndices, ...a.testIndices]);
  assert.equal(all.size, 150);
  assert.deepEqual(a.xTest.toArray()[0], x.toArray()[a.testIndices[0]!]);
  assert.equal(pp.trainTestSplit(x, y, { testSize: 0.33 }).testIndices.length, 50); // ceil(49.5)
  const noShuffle = pp.trainTestSplit(x, y, { testSize: 10, shuffle: false });
  assert.deepEqual(
    Array.from(noShuffle.testIndices),
    Array.from({ length: 10 }, (_, i) => 140 + i),
  );
  const s = pp.trainTestSplit(x, y, { testSize: 0.2, seed: 3, stratify: y });
  const perClass = [0, 0, 0];
  for (const v of s.yTest.data()) perClass[v]!++;
  assert.deepEqual(perClass, [10, 10, 10]);
  assert.throws(() => pp.trainTestSplit(x, nx.ones([10]), {}), /x has 150 rows but y has 10/);
  assert.throws(
    () => pp.trainTestSplit(x, y, { testSize: 150 }),
    /testSize must be an integer, ≥ 1, ≤ 149/,
  );
});

test("trainTestSplit keeps DataFrames as DataFrames", () => {
  const df = data.datasets.iris();
  const { xTrain, xTest, yTest } = pp.trainTestSplit(
    df.select("sepal_length", "petal_width"),
    df.select("species"),
    {
      testSize: 0.2,
      seed: 1,
    },
  );
  assert.ok(data.isDataFrame(xTrain));
  assert.equal(xTrain.height, 120);
  assert.equal(xTest.height, 30);
  assert.deepEqual(yTest.columns, ["species"]);
});

test("kFold and stratifiedKFold give scikit-learn's folds", () => {
  const folds = pp.kFold(10, { k: 3 });
  assert.deepEqual(
    folds.map((f) => Array.from(f.test)),
    P.kFolds,
  );
  for (const f of folds) assert.equal(f.train.length + f.test.length, 10);
  const sf = pp.stratifiedKFold(P.labels, { k: 3 });
  assert.deepEqual(
    sf.map((f) => Array.from(f.test)),
    P.stratifiedFolds,
  );
  const shuffled = pp.stratifiedKFold(P.labels, { k: 3, shuffle: true, seed: 5 });
  assert.deepEqual(new Set(shuffled.flatMap((f) => Array.from(f.test))).size, P.labels.length);
  assert.throws(() => pp.kFold(2, { k: 3 }), /k = 3 folds need at least 3 rows, got 2/);
  assert.throws(() => pp.stratifiedKFold([0, 0, 0, 0], { k: 2 }), /only one class/);
});
