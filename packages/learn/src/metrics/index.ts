/** Regression and classification metrics (Scholar.Metrics; scikit-learn's definitions). */
export * from "./regression.js";
export * from "./classification.js";
