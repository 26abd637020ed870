// learn's tensor programs run inside nx.jit and give the eager results, bit for bit.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as learn from "@dendrite/learn";
import { autoMpg, iris } from "./helpers.js";

/** `f` jitted and eager on the same arguments: equal shapes, dtypes and values. */
function sameUnderJit(f: (...xs: nx.Tensor[]) => nx.Tensor, ...xs: nx.Tensor[]): void {
  const eager = f(...xs);
  const jitted = nx.jit(f)(...xs);
  assert.deepEqual([jitted.shape, jitted.dtype], [eager.shape, eager.dtype]);
  assert.deepEqual(jitted.data(), eager.data());
}

const { x, y } = autoMpg();

test("r2Score and the regression metrics run inside jit", () => {
  const p = nx.add(y, nx.sin(y));
  const m = learn.metrics;
  for (const metric of [
    m.r2Score,
    m.meanAbsoluteError,
    m.meanSquaredError,
    m.rootMeanSquaredError,
    m.meanAbsolutePercentageError,
    m.explainedVarianceScore,
    m.maxResidualError,
  ]) {
    sameUnderJit((t, q) => metric(t, q), y, p);
  }
  sameUnderJit((t, q) => m.r2Score(t, q, { forceFinite: false }), y, y);
  const r2 = nx.jit((t: nx.Tensor, q: nx.Tensor) => m.r2Score(t, q))(y, p);
  assert.deepEqual(r2.shape, []);
  assert.equal(typeof r2.toNumber(), "number");
});

test("the scalers' transform and inverseTransform run inside jit", () => {
  const { StandardScaler, MinMaxScaler, RobustScaler } = learn.preprocessing;
  for (const scaler of [StandardScaler.fit(x), MinMaxScaler.fit(x), RobustScaler.fit(x)]) {
    sameUnderJit((t) => scaler.transform(t), x);
    sameUnderJit((t) => scaler.inverseTransform(t), x);
  }
  const f32 = nx.asType(x, "f32");
  const s32 = StandardScaler.fit(f32);
  sameUnderJit((t) => s32.transform(t), f32);
});

test("LinearRegression, RidgeRegression, PCA and KMeans predict inside jit", () => {
  const linear = learn.LinearRegression.fit(x, y);
  sameUnderJit((t) => linear.predict(t), x);
  const ridge = learn.RidgeRegression.fit(x, nx.stack([y, nx.sqrt(y)], { axis: 1 }), { alpha: 2 });
  sameUnderJit((t) => ridge.predict(t), x);
  const flowers = iris().x;
  const pca = learn.PCA.fit(flowers, { numComponents: 2, whiten: true });
  sameUnderJit((t) => pca.transform(t), flowers);
  sameUnderJit((z) => pca.inverseTransform(z), pca.transform(flowers));
  const km = learn.KMeans.fit(flowers, { numClusters: 3, seed: 0 });
  sameUnderJit((t) => km.predict(t), flowers);
  sameUnderJit((t) => km.transform(t), flowers);
  assert.deepEqual(km.predict(flowers).data(), km.labels.data());
});

test("LogisticRegression's predict, predictProbability and decisionFunction run inside jit", () => {
  const { x: flowers, y: species } = iris();
  const multi = learn.LogisticRegression.fit(flowers, species);
  const binary = learn.LogisticRegression.fit(flowers, nx.asType(nx.equal(species, 2), "s32"));
  for (const model of [multi, binary]) {
    sameUnderJit((t) => model.predict(t), flowers);
    sameUnderJit((t) => model.predictProbability(t), flowers);
    sameUnderJit((t) => model.decisionFunction(t), flowers);
  }
  assert.equal(multi.predict(flowers).dtype, "s32");
});

test("inside jit a traced input is checked for shape, not values", () => {
  const linear = learn.LinearRegression.fit(x, y);
  assert.throws(
    () => nx.jit((t: nx.Tensor) => linear.predict(t))(nx.zeros([3, 2], { dtype: "f64" })),
    /LinearRegression.predict: x has 2 features but the model was fitted with 7/,
  );
});

test("the KNN estimators predict inside jit, and in chunks of rows as in one piece", () => {
  const { x: flowers, y: species } = iris();
  for (const weights of ["uniform", "distance"] as const) {
    const knn = learn.KNNClassifier.fit(flowers, species, { k: 5, weights });
    sameUnderJit((t) => knn.predict(t), flowers);
    sameUnderJit((t) => knn.predictProbability(t), flowers);
    const reg = learn.KNNRegressor.fit(x, y, { k: 3, weights });
    sameUnderJit((t) => reg.predict(t), x);
  }
  // 6,272 query rows against 392 × 7 training values: five chunks of rows.
  const reg = learn.KNNRegressor.fit(x, y, { k: 4 });
  const many = nx.tile(x, [16, 1]);
  const whole = reg.predict(many).data();
  assert.deepEqual(whole.subarray(0, 392), reg.predict(x).data());
  assert.deepEqual(whole.subarray(392 * 15), reg.predict(x).data());
});
