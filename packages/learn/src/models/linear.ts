/**
 * Linear models fitted by least squares: LinearRegression, RidgeRegression (both through a QR
 * solve, never the normal equations), LassoRegression (coordinate descent) and PolynomialRegression.
 */
import * as nx from "@dendrite/tensor";
import {
  checkNumber,
  matrixInput,
  matrixTensor,
  resultDType,
  checkColumns,
  toMatrix,
  toVector,
  vectorInput,
  type Data,
} from "../input.js";
import { polynomialExpand, polynomialPowers } from "../preprocessing/polynomial.js";

/** Targets: one column per output. */
interface Targets {
  /** rows × outputs, f64. */
  readonly y: nx.Tensor;
  /** True when y was a vector (results are then vectors too). */
  readonly vector: boolean;
}

function toTargets(y: Data, rows: number, where: string): Targets {
  const t = matrixInput(y, where, { name: "y" });
  if (t.shape[0] !== rows)
    throw new RangeError(`${where}: y has ${t.shape[0]} rows but x has ${rows}; they must match`);
  const vector = !(Array.isArray(y)
    ? Array.isArray(y[0])
    : "shape" in (y as object) && (y as nx.Tensor).rank === 2);
  return { y: t, vector: vector && t.shape[1] === 1 };
}

function toWeights(w: Data | undefined, rows: number, where: string): nx.Tensor | undefined {
  if (w === undefined) return undefined;
  const v = vectorInput(w, where, { name: "sampleWeights", length: rows });
  if (nx.any(nx.less(v, 0)).toNumber() === 0) return v;
  const values = v.data();
  for (let i = 0; i < values.length; i++) {
    if (values[i]! < 0)
      throw new RangeError(`${where}: sampleWeights must be ≥ 0; row ${i} is ${values[i]}`);
  }
  return v;
}

/** Options shared by least-squares fits. */
export interface LeastSquaresOptions {
  /** Fit an intercept (default true); otherwise the line goes through the origin. */
  fitIntercept?: boolean;
  /** Non-negative weight per row (default all 1). */
  sampleWeights?: Data;
}

/** The fitted parameters of a linear model with `outputs` targets and `features` inputs. */
interface LinearFit {
  /** outputs × features, f64. */
  readonly coef: nx.Tensor;
  /** outputs, f64. */
  readonly intercept: nx.Tensor;
  readonly rank: number;
}

/**
 * Weighted least squares with an optional ridge penalty `alpha‖w‖²`, through tensor's
 * least-squares solver (a pivoted QR) on the centred (and, for ridge, stacked on √alpha · I)
 * problem, as one compiled tensor program. The intercept is not penalised.
 */
function fitLinear(
  x: nx.Tensor,
  y: nx.Tensor,
  options: { fitIntercept: boolean; weights: nx.Tensor | undefined; alpha: number },
): LinearFit {
  const w = options.weights;
  if (options.fitIntercept && w && !(nx.sum(w).toNumber() > 0))
    throw new RangeError("fit: sampleWeights sum to zero");
  const fit = fitLinearJit(x, y, options.weights ?? null, options.fitIntercept, options.alpha);
  return { coef: fit.coef, intercept: fit.intercept, rank: fit.rank.toNumber() };
}

const fitLinearJit = nx.jit(
  (x: nx.Tensor, y: nx.Tensor, weights: nx.Tensor | null, fitIntercept: boolean, alpha: number) => {
    const [m, n] = x.shape as [number, number];
    const k = y.shape[1]!;
    const w = weights && nx.reshape(weights, [m, 1]);
    let xMean = nx.zeros([n], { dtype: "f64" });
    let yMean = nx.zeros([k], { dtype: "f64" });
    if (fitIntercept) {
      const total = w ? nx.sum(w) : m;
      const weighted = (t: nx.Tensor) => nx.sum(w ? nx.multiply(t, w) : t, { axes: 0 });
      xMean = nx.divide(weighted(x), total);
      yMean = nx.divide(weighted(y), total);
    }
    let a = nx.subtract(x, xMean);
    let b = nx.subtract(y, yMean);
    if (w) [a, b] = [nx.multiply(a, nx.sqrt(w)), nx.multiply(b, nx.sqrt(w))];
    if (alpha > 0) {
      const penalty = nx.multiply(nx.eye(n, { dtype: "f64" }), Math.sqrt(alpha));
      a = nx.concatenate([a, penalty], { axis: 0 });
      b = nx.concatenate([b, nx.zeros([n, k], { dtype: "f64" })], { axis: 0 });
    }
    const { solution, rank } = nx.leastSquares(a, b);
    const intercept = fitIntercept
      ? nx.subtract(yMean, nx.matmul(xMean, solution))
      : nx.zeros([k], { dtype: "f64" });
    return { coef: nx.matrixTranspose(solution), intercept, rank };
  },
);

/** The public coefficients and intercept (vectors or matrices, in the model's dtype). */
const publicFormsJit = nx.jit(
  (coef: nx.Tensor, intercept: nx.Tensor, vector: boolean, dtype: "f32" | "f64") => {
    const [k, n] = coef.shape as [number, number];
    return {
      coefficients: nx.asType(nx.reshape(coef, vector ? [n] : [k, n]), dtype),
      intercept: nx.asType(nx.reshape(intercept, vector ? [] : [k]), dtype),
    };
  },
);

/** Predictions x · coefᵀ + intercept, a vector for a single target, in `dtype`. */
const predictJit = nx.jit(
  (x: nx.Tensor, coef: nx.Tensor, bias: nx.Tensor, vector: boolean, dtype: "f32" | "f64") => {
    const out = nx.add(nx.matmul(x, nx.matrixTranspose(coef)), bias);
    return nx.asType(vector ? nx.reshape(out, [x.shape[0]!]) : out, dtype);
  },
);

/** Shared state and prediction of fitted linear models. */
abstract class LinearModel {
  /** Coefficients: `[features]` for one target, `[targets, features]` for several. */
  readonly coefficients: nx.Tensor;
  /** The intercept: a scalar for one target, `[targets]` for several (0 without fitIntercept). */
  readonly intercept: nx.Tensor;
  /** Number of input features. */
  readonly numFeatures: number;
  /** targets × features and targets, f64. */
  protected readonly coef: nx.Tensor;
  protected readonly bias: nx.Tensor;
  protected readonly vector: boolean;
  protected readonly dtype: "f32" | "f64";

  protected constructor(fit: LinearFit, features: number, vector: boolean, dtype: "f32" | "f64") {
    this.coef = fit.coef;
    this.bias = fit.intercept;
    this.vector = vector;
    this.dtype = dtype;
    this.numFeatures = features;
    const forms = publicFormsJit(fit.coef, fit.intercept, vector, dtype);
    this.coefficients = forms.coefficients;
    this.intercept = forms.intercept;
  }

  /**
   * Predictions `x · coefficientsᵀ + intercept`: `[rows]` for one target, `[rows, targets]`
   * otherwise. Runs inside `nx.jit`.
   */
  predict(x: Data): nx.Tensor {
    const where = `${this.constructor.name}.predict`;
    return this.predictFeatures(matrixInput(x, where, { cols: this.numFeatures }));
  }

  /** Predictions for the f64 feature matrix `x`. */
  protected predictFeatures(x: nx.Tensor): nx.Tensor {
    return predictJit(x, this.coef, this.bias, this.vector, this.dtype);
  }
}

/**
 * Ordinary least squares, solved through a column-pivoted Householder QR of the centred data (the
 * minimum-norm solution when features are collinear, as scikit-learn's `LinearRegression`).
 *
 * @example
 * const model = LinearRegression.fit(xTrain, yTrain);
 * metrics.r2Score(yTest, model.predict(xTest));
 */
export class LinearRegression extends LinearModel {
  /** Numerical rank of the (centred) feature matrix. */
  readonly rank: number;

  private constructor(fit: LinearFit, features: number, vector: boolean, dtype: "f32" | "f64") {
    super(fit, features, vector, dtype);
    this.rank = fit.rank;
  }

  /** Fits `y ≈ x · w + b`. `x` is rows × features (or a vector: one feature), `y` a vector or rows × targets. */
  static fit(x: Data, y: Data, options: LeastSquaresOptions = {}): LinearRegression {
    const where = "LinearRegression.fit";
    const m = matrixInput(x, where, { minRows: 1 });
    const rows = m.shape[0]!;
    const t = toTargets(y, rows, where);
    const fit = fitLinear(m, t.y, {
      fitIntercept: options.fitIntercept ?? true,
      weights: toWeights(options.sampleWeights, rows, where),
      alpha: 0,
    });
    return new LinearRegression(fit, m.shape[1]!, t.vector, resultDType(x));
  }
}

/** Options of RidgeRegression. */
export interface RidgeOptions extends LeastSquaresOptions {
  /** Penalty strength in ‖y − Xw‖² + alpha ‖w‖² (default 1, as scikit-learn). */
  alpha?: number;
}

/**
 * Least squares with an L2 penalty, minimising ‖y − Xw − b‖² + alpha ‖w‖² (scikit-learn's `Ridge`),
 * solved by QR of the data stacked on √alpha · I.
 */
export class RidgeRegression extends LinearModel {
  /** The penalty the model was fitted with. */
  readonly alpha: number;

  private constructor(
    fit: LinearFit,
    features: number,
    vector: boolean,
    dtype: "f32" | "f64",
    alpha: number,
  ) {
    super(fit, features, vector, dtype);
    this.alpha = alpha;
  }

  /** Fits the ridge model. */
  static fit(x: Data, y: Data, options: RidgeOptions = {}): RidgeRegression {
    const where = "RidgeRegression.fit";
    const alpha = checkNumber(options.alpha ?? 1, "alpha", where, { min: 0 });
    const m = matrixInput(x, where);
    const rows = m.shape[0]!;
    const t = toTargets(y, rows, where);
    const fit = fitLinear(m, t.y, {
      fitIntercept: options.fitIntercept ?? true,
      weights: toWeights(options.sampleWeights, rows, where),
      alpha,
    });
    return new RidgeRegression(fit, m.shape[1]!, t.vector, resultDType(x), alpha);
  }
}

/** Options of LassoRegression. */
export interface LassoOptions {
  /** Penalty strength in (1 / 2n) ‖y − Xw − b‖² + alpha ‖w‖₁ (default 1, as scikit-learn). */
  alpha?: number;
  fitIntercept?: boolean;
  /** Stop when the duality gap is below tol · ‖y‖² / n (default 1e-4, as scikit-learn). */
  tol?: number;
  /** Most coordinate-descent sweeps (default 1000). */
  maxIterations?: number;
}

/**
 * L1-penalised least squares by cyclic coordinate descent (scikit-learn's `Lasso`), stopping on the
 * duality gap. Many coefficients come out exactly zero.
 */
export class LassoRegression extends LinearModel {
  /** Sweeps run. */
  readonly iterations: number;
  /** True when the duality gap fell below the tolerance. */
  readonly converged: boolean;
  /** The final duality gap. */
  readonly dualGap: number;

  private constructor(
    fit: LinearFit,
    features: number,
    dtype: "f32" | "f64",
    state: { iterations: number; converged: boolean; dualGap: number },
  ) {
    super(fit, features, true, dtype);
    this.iterations = state.iterations;
    this.converged = state.converged;
    this.dualGap = state.dualGap;
  }

  /** Fits the lasso model for a vector target. */
  static fit(x: Data, y: Data, options: LassoOptions = {}): LassoRegression {
    const where = "LassoRegression.fit";
    const alpha = checkNumber(options.alpha ?? 1, "alpha", where, { min: 0 });
    const tol = checkNumber(options.tol ?? 1e-4, "tol", where, { min: 0 });
    const maxIter = checkNumber(options.maxIterations ?? 1000, "maxIterations", where, {
      min: 1,
      integer: true,
    });
    const fitIntercept = options.fitIntercept ?? true;
    const xm = toMatrix(x, where);
    const yv = toVector(y, where, { length: xm.rows });
    const { rows: m, cols: n } = xm;
    const xMean = new Float64Array(n);
    let yMean = 0;
    if (fitIntercept) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) xMean[j] = xMean[j]! + xm.data[i * n + j]! / m;
        yMean += yv[i]! / m;
      }
    }
    const cols = new Float64Array(m * n);
    const colNorm = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) {
        const v = xm.data[i * n + j]! - xMean[j]!;
        cols[j * m + i] = v;
        s += v * v;
      }
      colNorm[j] = s;
    }
    const r = new Float64Array(m);
    let yNorm = 0;
    for (let i = 0; i < m; i++) {
      r[i] = yv[i]! - yMean;
      yNorm += r[i]! * r[i]!;
    }
    const w = new Float64Array(n);
    const l1 = alpha * m;
    let iterations = 0;
    let converged = false;
    let gap = Infinity;
    const gapTol = tol * yNorm;
    for (let it = 0; it < maxIter; it++) {
      iterations = it + 1;
      let maxChange = 0;
      let maxW = 0;
      for (let j = 0; j < n; j++) {
        if (colNorm[j] === 0) continue;
        const old = w[j]!;
        const c = j * m;
        let rho = 0;
        for (let i = 0; i < m; i++) rho += cols[c + i]! * r[i]!;
        rho += old * colNorm[j]!;
        const next = (Math.sign(rho) * Math.max(Math.abs(rho) - l1, 0)) / colNorm[j]!;
        if (next !== old) {
          const d = next - old;
          for (let i = 0; i < m; i++) r[i] = r[i]! - d * cols[c + i]!;
          w[j] = next;
        }
        maxChange = Math.max(maxChange, Math.abs(next - old));
        maxW = Math.max(maxW, Math.abs(next));
      }
      if (maxW === 0 || maxChange / maxW < tol || it === maxIter - 1) {
        gap = lassoDualGap(cols, r, w, m, n, l1, yv, yMean);
        if (gap < gapTol) {
          converged = true;
          break;
        }
      }
    }
    let dot = 0;
    for (let j = 0; j < n; j++) dot += xMean[j]! * w[j]!;
    const fit: LinearFit = {
      coef: nx.reshape(nx.tensor(w, { dtype: "f64" }), [1, n]),
      intercept: nx.tensor([fitIntercept ? yMean - dot : 0], { dtype: "f64" }),
      rank: n,
    };
    return new LassoRegression(fit, n, resultDType(x), { iterations, converged, dualGap: gap / m });
  }
}

/** The duality gap of the lasso problem in scikit-learn's unnormalised form (objective × n). */
function lassoDualGap(
  cols: Float64Array,
  r: Float64Array,
  w: Float64Array,
  m: number,
  n: number,
  l1: number,
  y: Float64Array,
  yMean: number,
): number {
  let dualNormXtR = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += cols[j * m + i]! * r[i]!;
    dualNormXtR = Math.max(dualNormXtR, Math.abs(s));
  }
  let rNorm = 0;
  let ry = 0;
  for (let i = 0; i < m; i++) {
    rNorm += r[i]! * r[i]!;
    ry += r[i]! * (y[i]! - yMean);
  }
  let wNorm1 = 0;
  for (let j = 0; j < n; j++) wNorm1 += Math.abs(w[j]!);
  let gap: number;
  if (dualNormXtR > l1) {
    const c = l1 / dualNormXtR;
    gap = 0.5 * (rNorm + c * c * rNorm);
  } else {
    gap = rNorm;
  }
  const c = dualNormXtR > l1 ? l1 / dualNormXtR : 1;
  return gap + l1 * wNorm1 - c * ry;
}

/** Options of PolynomialRegression. */
export interface PolynomialRegressionOptions extends LeastSquaresOptions {
  /** Degree of the polynomial features (default 2). */
  degree?: number;
}

/**
 * Linear regression on all monomials of the features up to `degree` (scikit-learn's
 * `PolynomialFeatures` followed by `LinearRegression`); `predict` expands its input the same way.
 */
export class PolynomialRegression extends LinearModel {
  /** The degree of the expansion. */
  readonly degree: number;
  private readonly powers: Int32Array[];

  private constructor(
    fit: LinearFit,
    vector: boolean,
    dtype: "f32" | "f64",
    degree: number,
    powers: Int32Array[],
    inputs: number,
  ) {
    super(fit, powers.length, vector, dtype);
    this.degree = degree;
    this.powers = powers;
    this.inputFeatures = inputs;
  }

  /** Number of raw input features (before expansion). */
  readonly inputFeatures: number;

  /** Fits the polynomial model. */
  static fit(x: Data, y: Data, options: PolynomialRegressionOptions = {}): PolynomialRegression {
    const where = "PolynomialRegression.fit";
    const degree = checkNumber(options.degree ?? 2, "degree", where, { min: 1, integer: true });
    const m = toMatrix(x, where);
    const powers = polynomialPowers(m.cols, degree, { includeBias: false, interactionOnly: false });
    const expanded = matrixTensor(polynomialExpand(m, powers));
    const t = toTargets(y, m.rows, where);
    const fit = fitLinear(expanded, t.y, {
      fitIntercept: options.fitIntercept ?? true,
      weights: toWeights(options.sampleWeights, m.rows, where),
      alpha: 0,
    });
    return new PolynomialRegression(fit, t.vector, resultDType(x), degree, powers, m.cols);
  }

  override predict(x: Data): nx.Tensor {
    const where = "PolynomialRegression.predict";
    const m = toMatrix(x, where);
    checkColumns(m, this.inputFeatures, where);
    return this.predictFeatures(matrixTensor(polynomialExpand(m, this.powers)));
  }
}
