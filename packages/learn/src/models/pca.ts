/** Principal component analysis through a singular value decomposition of the centred data. */
import type * as nx from "@dendrite/tensor";
import {
  checkColumns,
  checkNumber,
  fromValues,
  resultDType,
  toMatrix,
  type Data,
  type Matrix,
} from "../input.js";
import { singularValuesAndVectors } from "../linalg.js";

/** Options of PCA.fit. */
export interface PCAOptions {
  /** Number of components to keep (default min(rows, features)). */
  numComponents?: number;
  /** Scale the projections to unit variance (default false). */
  whiten?: boolean;
}

/**
 * Principal component analysis (scikit-learn's PCA with the full SVD solver, including its sign
 * convention: the largest entry of each left singular vector is positive).
 *
 * @example
 * const pca = PCA.fit(x, { numComponents: 2 });
 * pca.explainedVarianceRatio; pca.transform(x); // [rows, 2]
 */
export class PCA {
  /** The principal axes, `[numComponents, features]`, by decreasing variance. */
  readonly components: nx.Tensor;
  /** Variance along each component (sample variance, divisor rows − 1). */
  readonly explainedVariance: nx.Tensor;
  /** Each component's share of the total variance. */
  readonly explainedVarianceRatio: nx.Tensor;
  readonly singularValues: nx.Tensor;
  /** Per-feature means subtracted before projecting. */
  readonly mean: nx.Tensor;
  readonly numComponents: number;
  readonly numFeatures: number;
  readonly whiten: boolean;
  private readonly comps: Float64Array;
  private readonly means: Float64Array;
  private readonly variances: Float64Array;
  private readonly dtype: "f32" | "f64";

  private constructor(
    comps: Float64Array,
    means: Float64Array,
    variances: Float64Array,
    ratio: Float64Array,
    singular: Float64Array,
    whiten: boolean,
    dtype: "f32" | "f64",
  ) {
    const k = variances.length;
    const n = means.length;
    this.comps = comps;
    this.means = means;
    this.variances = variances;
    this.numComponents = k;
    this.numFeatures = n;
    this.whiten = whiten;
    this.dtype = dtype;
    this.components = fromValues(comps, [k, n], dtype);
    this.explainedVariance = fromValues(variances, [k], dtype);
    this.explainedVarianceRatio = fromValues(ratio, [k], dtype);
    this.singularValues = fromValues(singular, [k], dtype);
    this.mean = fromValues(means, [n], dtype);
  }

  /** Finds the principal axes of `x` (rows × features). */
  static fit(x: Data, options: PCAOptions = {}): PCA {
    const where = "PCA.fit";
    const m = toMatrix(x, where, { minRows: 2 });
    const { rows, cols } = m;
    const maxK = Math.min(rows, cols);
    const k = checkNumber(options.numComponents ?? maxK, "numComponents", where, {
      integer: true,
      min: 1,
      max: maxK,
    });
    const means = new Float64Array(cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) means[j] = means[j]! + m.data[i * cols + j]! / rows;
    const centred = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) centred[i * cols + j] = m.data[i * cols + j]! - means[j]!;
    const colMajor = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) colMajor[j * rows + i] = centred[i * cols + j]!;
    const { s, v } = singularValuesAndVectors(colMajor, rows, cols);
    let total = 0;
    for (let q = 0; q < s.length; q++) total += (s[q]! * s[q]!) / (rows - 1);
    const comps = new Float64Array(k * cols);
    const variances = new Float64Array(k);
    const ratio = new Float64Array(k);
    const singular = new Float64Array(k);
    for (let q = 0; q < k; q++) {
      // Sign: make the largest |entry| of u_q = X v_q / s_q positive.
      let best = 0;
      let bestAbs = -1;
      for (let i = 0; i < rows; i++) {
        let u = 0;
        for (let j = 0; j < cols; j++) u += centred[i * cols + j]! * v[q * cols + j]!;
        if (Math.abs(u) > bestAbs) {
          bestAbs = Math.abs(u);
          best = u;
        }
      }
      const sign = best < 0 ? -1 : 1;
      for (let j = 0; j < cols; j++) comps[q * cols + j] = sign * v[q * cols + j]!;
      singular[q] = s[q]!;
      variances[q] = (s[q]! * s[q]!) / (rows - 1);
      ratio[q] = total > 0 ? variances[q]! / total : 0;
    }
    return new PCA(
      comps,
      means,
      variances,
      ratio,
      singular,
      options.whiten ?? false,
      resultDType(x),
    );
  }

  /** Fits and projects in one step. */
  static fitTransform(x: Data, options: PCAOptions = {}): nx.Tensor {
    return PCA.fit(x, options).transform(x);
  }

  /** Projects `x` onto the components: `[rows, numComponents]`. */
  transform(x: Data): nx.Tensor {
    const where = "PCA.transform";
    const m = toMatrix(x, where);
    checkColumns(m, this.numFeatures, where);
    return fromValues(this.project(m), [m.rows, this.numComponents], this.dtype);
  }

  private project(m: Matrix): Float64Array {
    const k = this.numComponents;
    const n = this.numFeatures;
    const out = new Float64Array(m.rows * k);
    for (let i = 0; i < m.rows; i++) {
      for (let q = 0; q < k; q++) {
        let s = 0;
        for (let j = 0; j < n; j++)
          s += (m.data[i * n + j]! - this.means[j]!) * this.comps[q * n + j]!;
        out[i * k + q] = this.whiten ? s / Math.sqrt(this.variances[q]!) : s;
      }
    }
    return out;
  }

  /** Maps projections back to feature space (exact when all components are kept). */
  inverseTransform(z: Data): nx.Tensor {
    const where = "PCA.inverseTransform";
    const m = toMatrix(z, where);
    checkColumns(m, this.numComponents, where);
    const k = this.numComponents;
    const n = this.numFeatures;
    const out = new Float64Array(m.rows * n);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < n; j++) {
        let s = this.means[j]!;
        for (let q = 0; q < k; q++) {
          const zq = m.data[i * k + q]! * (this.whiten ? Math.sqrt(this.variances[q]!) : 1);
          s += zq * this.comps[q * n + j]!;
        }
        out[i * n + j] = s;
      }
    }
    return fromValues(out, [m.rows, n], this.dtype);
  }
}
