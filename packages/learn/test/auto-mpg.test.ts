// Section 3 of issue 5: the second seed post's linear-regression side on Auto MPG. The post gets
// R² ≈ 0.68 with standardised features and ≈ 0.87 with feature engineering; scikit-learn gets
// 0.79–0.84 and 0.86–0.88 over five seeded 80/20 splits.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as data from "@dendrite/data";
import * as learn from "@dendrite/learn";
import { AUTO_FEATURES } from "./helpers.js";

const { pl } = data;

/** The post's data: Auto MPG without the six cars whose horsepower is missing. */
function cars(): data.DataFrame {
  return data.datasets.autoMpg().dropNulls("horsepower");
}

/**
 * Engineered features: all degree-2 terms of log weight, log horsepower, acceleration and model
 * year (PolynomialFeatures), beside origin one-hot encoded (Europe, Japan; USA is the baseline).
 */
function engineer(df: data.DataFrame): nx.Tensor {
  const numeric = data.toTensor(
    df.select(
      pl.col("weight").log().alias("log_weight"),
      pl.col("horsepower").log().alias("log_horsepower"),
      pl.col("acceleration"),
      pl.col("model_year"),
    ),
    undefined,
    { dtype: "f64" },
  );
  const squares = learn.preprocessing.PolynomialFeatures.fitTransform(numeric, {
    degree: 2,
    includeBias: false,
  });
  const origin = learn.preprocessing.OneHotEncoder.fitTransform(df.select("origin"), {
    drop: "first",
  });
  return nx.concatenate([squares, nx.asType(origin, "f64")], { axis: 1 });
}

/** Test R² of a linear regression on standardised features, trained on `train` rows, tested on `test` rows. */
function linearBaseline(x: learn.Data, y: learn.Data, train: Int32Array, test: Int32Array): number {
  const { takeRows, StandardScaler } = learn.preprocessing;
  const scaler = StandardScaler.fit(takeRows(x, train));
  const model = learn.LinearRegression.fit(
    scaler.transform(takeRows(x, train)),
    takeRows(y, train),
  );
  return learn.metrics.r2Score(
    takeRows(y, test),
    model.predict(scaler.transform(takeRows(x, test))),
  );
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

test("Auto MPG: standardised linear regression, then feature engineering reaching mean test R² ≥ 0.86", () => {
  const df = cars();
  assert.equal(df.height, 392);
  const y = df.select("mpg");
  // Five seeded 80/20 splits: the folds of a shuffled 5-fold split (each test set is 20 %, and
  // together they cover every car once, which keeps the average from hanging on a lucky draw).
  const splits = learn.preprocessing.kFold(df, { k: 5, shuffle: true, seed: 0 });
  const plain = splits.map((f) => linearBaseline(df.select(...AUTO_FEATURES), y, f.train, f.test));
  const engineered = splits.map((f) => linearBaseline(engineer(df), y, f.train, f.test));
  console.log(
    `  plain R² ${plain.map((r) => r.toFixed(3)).join(" ")} (mean ${mean(plain).toFixed(3)})`,
  );
  console.log(
    `  engineered R² ${engineered.map((r) => r.toFixed(3)).join(" ")} (mean ${mean(engineered).toFixed(3)})`,
  );
  assert.ok(mean(plain) > 0.75 && mean(plain) < 0.86, `plain mean R² ${mean(plain)}`);
  assert.ok(mean(engineered) >= 0.86, `engineered mean R² ${mean(engineered)}`);
  for (let i = 0; i < splits.length; i++)
    assert.ok(engineered[i]! > plain[i]!, `split ${i}: engineering helps`);
});

test("Auto MPG: the same split from a DataFrame and from tensors gives the same model", () => {
  const df = cars();
  const x = data.toTensor(df, AUTO_FEATURES, { dtype: "f64" });
  const y = data.toTensor(df, "mpg", { dtype: "f64" });
  const split = learn.preprocessing.trainTestSplit(x, y, { testSize: 0.2, seed: 7 });
  const fromFrame = linearBaseline(
    df.select(...AUTO_FEATURES),
    df.select("mpg"),
    split.trainIndices,
    split.testIndices,
  );
  const scaler = learn.preprocessing.StandardScaler.fit(split.xTrain);
  const model = learn.LinearRegression.fit(scaler.transform(split.xTrain), split.yTrain);
  const fromTensors = learn.metrics.r2Score(
    split.yTest,
    model.predict(scaler.transform(split.xTest)),
  );
  assert.ok(Math.abs(fromFrame - fromTensors) < 1e-12);
  assert.ok(nx.isTensor(model.coefficients));
});

test("DataFrame input: a string column or nulls are refused with the column named", () => {
  const raw = data.datasets.autoMpg();
  assert.throws(
    () => learn.LinearRegression.fit(raw.select("horsepower", "weight"), raw.select("mpg")),
    /horsepower/,
  );
  assert.throws(
    () => learn.LinearRegression.fit(raw.select("car_name", "weight"), raw.select("mpg")),
    /car_name.*strings/,
  );
  const iris = data.datasets.iris();
  const model = learn.LogisticRegression.fit(iris.drop("species"), iris.select("species"));
  assert.ok(
    learn.metrics.accuracy(iris.select("species"), model.predict(iris.drop("species"))) > 0.95,
  );
});
