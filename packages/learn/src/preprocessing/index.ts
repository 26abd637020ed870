/** Scalers, encoders, polynomial features and data splits. */
export * from "./scalers.js";
export * from "./encoders.js";
export { PolynomialFeatures, type PolynomialFeaturesOptions } from "./polynomial.js";
export * from "./split.js";
