// LogisticRegression, PCA, KMeans and the KNN estimators against scikit-learn 1.2.1
// (reference/make_refs.py; the datasets are the bundled Iris and Auto MPG CSVs).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as learn from "@dendrite/learn";
import { logistic as G, pca as P, kmeans as K, knn as N } from "./reference/sklearn.js";
import { assertClose, autoMpg, iris } from "./helpers.js";

const { x: ix, y: iy } = iris();

test("LogisticRegression on Iris: multinomial, scikit-learn's C = 1 optimum, good predictions", () => {
  const m = learn.LogisticRegression.fit(ix, iy);
  assert.ok(m.converged, "L-BFGS converged");
  assert.ok(m.iterations > 0 && m.iterations < 200, `iterations ${m.iterations}`);
  assert.deepEqual(m.coefficients.shape, [3, 4]);
  // scikit-learn's newton-cg with tol 1e-12; the objective is flat, so coefficients agree to 1e-6.
  assertClose(m.coefficients, G.irisCoef, 1e-6, "coef");
  assertClose(m.intercept, G.irisIntercept, 1e-6, "intercept");
  const rows = nx.take(ix, [0, 50, 100, 70, 120], { axis: 0 });
  assertClose(m.predictProbability(rows), G.irisProba, 1e-6, "predict_proba");
  const pred = m.predict(ix);
  assert.equal(pred.dtype, "s32");
  assert.equal(learn.metrics.accuracy(iy, pred).toNumber(), G.irisAccuracy);
  // Every class is predicted (scholar#88/#300 predicted all zeros).
  assert.deepEqual(new Set(pred.data()), new Set([0, 1, 2]));
  const rowSums = nx.sum(m.predictProbability(ix), { axes: [1] }).data();
  for (const s of rowSums) assert.ok(Math.abs(s - 1) < 1e-12);
});

test("LogisticRegression with two classes is binomial, as scikit-learn (coef [1, features])", () => {
  const idx = Array.from({ length: 100 }, (_, i) => 50 + i);
  const bx = nx.slice(nx.take(ix, idx), [0, 0], [100, 2]);
  const by = nx.subtract(nx.take(iy, idx), 1);
  // scikit-learn's C = 0.5 is alpha = 1 / (C · rows).
  const m = learn.LogisticRegression.fit(bx, by, { alpha: 1 / (0.5 * 100) });
  assert.ok(m.converged);
  assert.deepEqual(m.coefficients.shape, [1, 2]);
  assertClose(m.coefficients, G.binaryCoef, 1e-6, "binary coef");
  assertClose(m.intercept, G.binaryIntercept, 1e-6, "binary intercept");
  assert.deepEqual(m.predictProbability(bx).shape, [100, 2]);
  assert.deepEqual(m.decisionFunction(bx).shape, [100]);
});

test("LogisticRegression on imbalanced, unscaled data (Auto MPG: is it from Japan?) does not predict all zeros", () => {
  const { x } = autoMpg();
  const raw = nx.slice(x, [0, 0], [392, 6]); // weight in pounds next to cylinders: unscaled
  const japan = nx.equal(nx.sliceAlong(x, 6, 1, { axis: 1 }).reshape([-1]), 3);
  assert.equal(nx.sum(japan).toNumber(), G.japanPositives); // 79 of 392: imbalanced
  const m = learn.LogisticRegression.fit(raw, japan);
  assert.ok(m.converged, `converged after ${m.iterations} iterations`);
  assertClose(m.coefficients, G.japanCoef, 1e-4, "coef");
  assertClose(m.intercept, G.japanIntercept, 1e-4, "intercept");
  const pred = m.predict(raw);
  assert.equal(nx.sum(pred).toNumber(), G.japanPredictedPositives);
  assert.equal(learn.metrics.accuracy(japan, pred).toNumber(), G.japanAccuracy);
});

test("LogisticRegression refuses one class, bad labels and wrong shapes", () => {
  assert.throws(
    () => learn.LogisticRegression.fit(ix, nx.zeros([150], { dtype: "s32" })),
    /y has only one class \(0\); logistic regression needs at least two/,
  );
  assert.throws(
    () => learn.LogisticRegression.fit(ix, nx.full([150], 0.5)),
    /y must hold class labels 0, 1, 2, …; row 0 is 0.5/,
  );
  assert.throws(
    () => learn.LogisticRegression.fit(ix, iy, { numClasses: 2 }),
    /label 2 but numClasses is 2/,
  );
  assert.throws(
    () => learn.LogisticRegression.fit(ix, nx.take(iy, [0, 1])),
    /y has 2 rows but x has 150/,
  );
});

test("PCA on Iris matches scikit-learn (components with its signs, variances, projections)", () => {
  const p = learn.PCA.fit(ix, { numComponents: 3 });
  assertClose(p.components, P.components, 1e-10, "components");
  assertClose(p.explainedVariance, P.explainedVariance, 1e-10, "explained variance");
  assertClose(p.explainedVarianceRatio, P.explainedVarianceRatio, 1e-10, "ratio");
  assertClose(p.singularValues, P.singularValues, 1e-10, "singular values");
  assertClose(p.mean, P.mean, 1e-12, "mean");
  const first = nx.slice(ix, [0, 0], [3, 4]);
  assertClose(p.transform(first), P.transform, 1e-10, "transform");
  const w = learn.PCA.fit(ix, { numComponents: 2, whiten: true });
  assertClose(w.transform(first), P.whitened, 1e-10, "whitened");
  // All components: inverseTransform undoes transform.
  const full = learn.PCA.fit(ix);
  assertClose(full.inverseTransform(full.transform(ix)), ix, 1e-10, "round trip");
  assert.throws(
    () => learn.PCA.fit(ix, { numComponents: 5 }),
    /numComponents must be an integer, ≥ 1, ≤ 4/,
  );
});

test("KMeans from given centres matches scikit-learn's Lloyd run exactly", () => {
  const km = learn.KMeans.fit(ix, { numClusters: 3, init: nx.tensor(K.init, { dtype: "f64" }) });
  assertClose(km.centers, K.centers, 1e-12, "centers");
  assertClose(km.inertia, K.inertia, 1e-12, "inertia");
  assert.deepEqual(Array.from(km.labels.data()), K.labels);
  assert.equal(km.iterations, K.iterations);
  assert.deepEqual(Array.from(km.predict(ix).data()), K.labels);
});

test("KMeans with k-means++ is seeded: same seed, same clusters; Iris inertia as scikit-learn's best", () => {
  const a = learn.KMeans.fit(ix, { numClusters: 3, seed: 7 });
  const b = learn.KMeans.fit(ix, { numClusters: 3, seed: 7 });
  assert.deepEqual(a.labels.data(), b.labels.data());
  assert.equal(a.inertia, b.inertia);
  // The well-known optimum for k = 3 on Iris (scikit-learn: 78.85…; also reached from setosa/versicolor/virginica seeds).
  const best = learn.KMeans.fit(ix, { numClusters: 3, seed: 0, numInit: 10 });
  assert.ok(Math.abs(best.inertia - K.inertia) < 1e-9, `inertia ${best.inertia}`);
  assert.deepEqual(best.transform(ix).shape, [150, 3]);
  assert.throws(
    () => learn.KMeans.fit(nx.ones([2, 2]), { numClusters: 3 }),
    /numClusters = 3 is more than the 2 rows/,
  );
  assert.throws(
    () => learn.KMeans.fit(ix, { numClusters: 3, init: nx.ones([2, 4]) }),
    /init must be \[3, 4\]/,
  );
});

test("KNNClassifier and KNNRegressor match scikit-learn's KNeighbors estimators", () => {
  const train = Array.from({ length: 75 }, (_, i) => 2 * i);
  const testRows = Array.from({ length: 75 }, (_, i) => 2 * i + 1);
  const xTr = nx.take(ix, train);
  const yTr = nx.take(iy, train);
  const xTe = nx.take(ix, testRows);
  const knn = learn.KNNClassifier.fit(xTr, yTr, { k: 5 });
  assert.deepEqual(Array.from(knn.predict(xTe).data()), N.predict);
  assertClose(knn.predictProbability(nx.take(xTe, [0, 1, 2, 3, 4])), N.proba, 1e-12, "proba");
  const knnd = learn.KNNClassifier.fit(xTr, yTr, { k: 7, weights: "distance" });
  assert.deepEqual(Array.from(knnd.predict(xTe).data()), N.predictDistance);
  const { x: ax, y: ay } = autoMpg();
  const r = learn.KNNRegressor.fit(nx.slice(ax, [0, 0], [300, 7]), nx.slice(ay, [0], [300]), {
    k: 4,
  });
  assertClose(r.predict(nx.slice(ax, [300, 0], [10, 7])), N.regPredict, 1e-12, "regressor");
  const rd = learn.KNNRegressor.fit(nx.slice(ax, [0, 0], [300, 7]), nx.slice(ay, [0], [300]), {
    k: 4,
    weights: "distance",
  });
  assertClose(
    rd.predict(nx.slice(ax, [300, 0], [10, 7])),
    N.regPredictDistance,
    1e-12,
    "regressor (distance)",
  );
  assert.throws(
    () => learn.KNNClassifier.fit(nx.ones([3, 2]), [0, 1, 0], { k: 4 }),
    /k = 4 neighbours but x has only 3 rows/,
  );
});
