/** Principal component analysis through a singular value decomposition of the centred data. */
import * as nx from "@dendrite/tensor";
import { checkNumber, matrixInput, resultDType, type Data } from "../input.js";

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
  /** The components, the means and the divisor of whitened projections, f64. */
  private readonly comps: nx.Tensor;
  private readonly means: nx.Tensor;
  private readonly scale: nx.Tensor;
  private readonly dtype: "f32" | "f64";

  private constructor(fit: PCAFit, whiten: boolean, dtype: "f32" | "f64") {
    this.comps = fit.components;
    this.means = fit.means;
    this.scale = whiten ? fit.whitenScale : nx.ones(fit.variances.shape, { dtype: "f64" });
    this.numComponents = fit.components.shape[0]!;
    this.numFeatures = fit.components.shape[1]!;
    this.whiten = whiten;
    this.dtype = dtype;
    const forms = publicJit(fit, dtype);
    this.components = forms.components;
    this.explainedVariance = forms.variances;
    this.explainedVarianceRatio = forms.ratio;
    this.singularValues = forms.singular;
    this.mean = forms.means;
  }

  /** Finds the principal axes of `x` (rows × features). */
  static fit(x: Data, options: PCAOptions = {}): PCA {
    const where = "PCA.fit";
    const m = matrixInput(x, where, { minRows: 2 });
    const [rows, cols] = m.shape as [number, number];
    const maxK = Math.min(rows, cols);
    const k = checkNumber(options.numComponents ?? maxK, "numComponents", where, {
      integer: true,
      min: 1,
      max: maxK,
    });
    return new PCA(principalAxesJit(m, k), options.whiten ?? false, resultDType(x));
  }

  /** Fits and projects in one step. */
  static fitTransform(x: Data, options: PCAOptions = {}): nx.Tensor {
    return PCA.fit(x, options).transform(x);
  }

  /** Projects `x` onto the components: `[rows, numComponents]`. Runs inside `nx.jit`. */
  transform(x: Data): nx.Tensor {
    const m = matrixInput(x, "PCA.transform", { cols: this.numFeatures });
    return projectJit(m, this.means, this.comps, this.scale, this.dtype);
  }

  /** Maps projections back to feature space (exact when all components are kept). */
  inverseTransform(z: Data): nx.Tensor {
    const m = matrixInput(z, "PCA.inverseTransform", { cols: this.numComponents });
    return unprojectJit(m, this.means, this.comps, this.scale, this.dtype);
  }
}

/** What PCA.fit computes, f64. */
interface PCAFit {
  readonly components: nx.Tensor;
  readonly means: nx.Tensor;
  readonly variances: nx.Tensor;
  readonly ratio: nx.Tensor;
  readonly singular: nx.Tensor;
  /** √variances, the divisor of whitened projections. */
  readonly whitenScale: nx.Tensor;
}

/**
 * The first `k` principal axes of the f64 matrix `x`: the SVD of the centred data (of its R from a
 * QR first when there are more rows than features, which has the same singular values and right
 * vectors), with scikit-learn's signs (the largest |entry| of each left singular vector positive).
 */
function principalAxes(x: nx.Tensor, k: number): PCAFit {
  const [rows, cols] = x.shape as [number, number];
  const means = nx.mean(x, { axes: 0 });
  const centred = nx.subtract(x, means);
  const { s, vt } = nx.svd(rows > cols ? nx.qr(centred).r : centred);
  const top = nx.sliceAlong(vt, 0, k);
  // u_q ∝ X v_q: flip each axis so that its largest |entry| is positive.
  const u = nx.matmul(centred, nx.matrixTranspose(top));
  const at = nx.argmax(nx.abs(u), { axis: 0, keepAxis: true });
  const sign = nx.select(nx.less(nx.takeAlongAxis(u, at, 0), 0), -1, 1);
  const variance = nx.divide(nx.multiply(s, s), rows - 1);
  const total = nx.sum(variance);
  const variances = nx.sliceAlong(variance, 0, k);
  return {
    components: nx.multiply(top, nx.reshape(sign, [k, 1])),
    means,
    variances,
    ratio: nx.select(nx.greater(total, 0), nx.divide(variances, total), 0),
    singular: nx.sliceAlong(s, 0, k),
    whitenScale: nx.sqrt(variances),
  };
}

/** {@link principalAxes} compiled once per shape and k. */
const principalAxesJit = nx.jit(principalAxes);

/** The fitted attributes in the model's dtype. */
const publicJit = nx.jit((fit: PCAFit, dtype: "f32" | "f64") => ({
  components: nx.asType(fit.components, dtype),
  variances: nx.asType(fit.variances, dtype),
  ratio: nx.asType(fit.ratio, dtype),
  singular: nx.asType(fit.singular, dtype),
  means: nx.asType(fit.means, dtype),
}));

/** (x − mean) · componentsᵀ / scale, in `dtype`. */
const projectJit = nx.jit(
  (x: nx.Tensor, means: nx.Tensor, comps: nx.Tensor, scale: nx.Tensor, dtype: "f32" | "f64") => {
    const z = nx.matmul(nx.subtract(x, means), nx.matrixTranspose(comps));
    return nx.asType(nx.divide(z, scale), dtype);
  },
);

/** (z · scale) · components + mean, in `dtype`. */
const unprojectJit = nx.jit(
  (z: nx.Tensor, means: nx.Tensor, comps: nx.Tensor, scale: nx.Tensor, dtype: "f32" | "f64") =>
    nx.asType(nx.add(nx.matmul(nx.multiply(z, scale), comps), means), dtype),
);
