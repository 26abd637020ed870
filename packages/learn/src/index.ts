/**
 * `@dendrite/learn`: classical machine learning — metrics, preprocessing and estimators — the
 * TypeScript counterpart of Elixir's Scholar. Every estimator has a static `fit` that returns a
 * fitted model; inputs may be tensors, DataFrames (through `@dendrite/data`'s `toTensor`) or nested
 * number arrays.
 *
 * @example
 * import * as learn from "@dendrite/learn";
 * const { xTrain, xTest, yTrain, yTest } = learn.preprocessing.trainTestSplit(x, y, { testSize: 0.2, seed: 1 });
 * const model = learn.LinearRegression.fit(xTrain, yTrain);
 * learn.metrics.r2Score(yTest, model.predict(xTest));
 */
export * as metrics from "./metrics/index.js";
export * as preprocessing from "./preprocessing/index.js";
export type { Data, DataFrameLike } from "./input.js";
export {
  LinearRegression,
  RidgeRegression,
  LassoRegression,
  PolynomialRegression,
  type LeastSquaresOptions,
  type RidgeOptions,
  type LassoOptions,
  type PolynomialRegressionOptions,
} from "./models/linear.js";
export { LogisticRegression, type LogisticRegressionOptions } from "./models/logistic.js";
export { PCA, type PCAOptions } from "./models/pca.js";
export { KMeans, type KMeansOptions } from "./models/kmeans.js";
export { KNNClassifier, KNNRegressor, type KNNOptions } from "./models/knn.js";
