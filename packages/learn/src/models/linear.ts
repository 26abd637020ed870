/**
 * Linear models fitted by least squares: LinearRegression, RidgeRegression (both through a QR
 * solve, never the normal equations), LassoRegression (coordinate descent) and PolynomialRegression.
 */
import type * as nx from "@dendrite/tensor";
import {
  checkColumns,
  checkNumber,
  fromValues,
  resultDType,
  toMatrix,
  toVector,
  type Data,
  type Matrix,
} from "../input.js";
import { leastSquares } from "../linalg.js";
import { polynomialExpand, polynomialPowers } from "../preprocessing/polynomial.js";

/** Targets: one column per output. */
interface Targets {
  readonly rows: number;
  readonly outputs: number;
  /** Column-major rows × outputs. */
  readonly data: Float64Array;
  /** True when y was a vector (results are then vectors too). */
  readonly vector: boolean;
}

function toTargets(y: Data, rows: number, where: string): Targets {
  const m = toMatrix(y, where, { name: "y" });
  if (m.rows !== rows)
    throw new RangeError(`${where}: y has ${m.rows} rows but x has ${rows}; they must match`);
  const vector = !(Array.isArray(y)
    ? Array.isArray(y[0])
    : "shape" in (y as object) && (y as nx.Tensor).rank === 2);
  const data = new Float64Array(rows * m.cols);
  for (let i = 0; i < rows; i++)
    for (let c = 0; c < m.cols; c++) data[c * rows + i] = m.data[i * m.cols + c]!;
  return { rows, outputs: m.cols, data, vector: vector && m.cols === 1 };
}

function toWeights(w: Data | undefined, rows: number, where: string): Float64Array | undefined {
  if (w === undefined) return undefined;
  const v = toVector(w, where, { name: "sampleWeights", length: rows });
  for (let i = 0; i < v.length; i++) {
    if (v[i]! < 0) throw new RangeError(`${where}: sampleWeights must be ≥ 0; row ${i} is ${v[i]}`);
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
  /** outputs × features, row-major. */
  readonly coef: Float64Array;
  readonly intercept: Float64Array;
  readonly rank: number;
}

/**
 * Weighted least squares with an optional ridge penalty `alpha‖w‖²`, through a pivoted-QR solve of
 * the centred (and, for ridge, augmented) problem. The intercept is not penalised.
 */
function fitLinear(
  x: Matrix,
  y: Targets,
  options: { fitIntercept: boolean; weights: Float64Array | undefined; alpha: number },
): LinearFit {
  const { rows: m, cols: n } = x;
  const k = y.outputs;
  const w = options.weights;
  const xMean = new Float64Array(n);
  const yMean = new Float64Array(k);
  if (options.fitIntercept) {
    let total = 0;
    for (let i = 0; i < m; i++) {
      const wi = w ? w[i]! : 1;
      total += wi;
      const row = i * n;
      for (let j = 0; j < n; j++) xMean[j] = xMean[j]! + wi * x.data[row + j]!;
      for (let c = 0; c < k; c++) yMean[c] = yMean[c]! + wi * y.data[c * m + i]!;
    }
    if (total <= 0) throw new RangeError("fit: sampleWeights sum to zero");
    for (let j = 0; j < n; j++) xMean[j] = xMean[j]! / total;
    for (let c = 0; c < k; c++) yMean[c] = yMean[c]! / total;
  }
  const ridge = options.alpha > 0;
  const rowsA = ridge ? m + n : m;
  const a = new Float64Array(rowsA * n);
  const b = new Float64Array(rowsA * k);
  for (let i = 0; i < m; i++) {
    const s = w ? Math.sqrt(w[i]!) : 1;
    const row = i * n;
    for (let j = 0; j < n; j++) a[j * rowsA + i] = (x.data[row + j]! - xMean[j]!) * s;
    for (let c = 0; c < k; c++) b[c * rowsA + i] = (y.data[c * m + i]! - yMean[c]!) * s;
  }
  if (ridge) {
    const root = Math.sqrt(options.alpha);
    for (let j = 0; j < n; j++) a[j * rowsA + m + j] = root;
  }
  const { solution, rank } = leastSquares(a, rowsA, n, b, k);
  const coef = new Float64Array(k * n);
  const intercept = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let dot = 0;
    for (let j = 0; j < n; j++) {
      coef[c * n + j] = solution[c * n + j]!;
      dot += xMean[j]! * solution[c * n + j]!;
    }
    intercept[c] = options.fitIntercept ? yMean[c]! - dot : 0;
  }
  return { coef, intercept, rank };
}

/** Shared state and prediction of fitted linear models. */
abstract class LinearModel {
  /** Coefficients: `[features]` for one target, `[targets, features]` for several. */
  readonly coefficients: nx.Tensor;
  /** The intercept: a scalar for one target, `[targets]` for several (0 without fitIntercept). */
  readonly intercept: nx.Tensor;
  /** Number of input features. */
  readonly numFeatures: number;
  protected readonly coef: Float64Array;
  protected readonly bias: Float64Array;
  protected readonly vector: boolean;
  protected readonly dtype: "f32" | "f64";

  protected constructor(fit: LinearFit, features: number, vector: boolean, dtype: "f32" | "f64") {
    const k = fit.intercept.length;
    this.coef = fit.coef;
    this.bias = fit.intercept;
    this.vector = vector;
    this.dtype = dtype;
    this.numFeatures = features;
    this.coefficients = fromValues(fit.coef, vector ? [features] : [k, features], dtype);
    this.intercept = fromValues(fit.intercept, vector ? [] : [k], dtype);
  }

  /** Predictions `x · coefficientsᵀ + intercept`: `[rows]` for one target, `[rows, targets]` otherwise. */
  predict(x: Data): nx.Tensor {
    const where = `${this.constructor.name}.predict`;
    const m = toMatrix(x, where);
    checkColumns(m, this.coef.length / this.bias.length, where);
    return fromValues(
      this.predictValues(m),
      this.vector ? [m.rows] : [m.rows, this.bias.length],
      this.dtype,
    );
  }

  protected predictValues(x: Matrix): Float64Array {
    const k = this.bias.length;
    const n = x.cols;
    const out = new Float64Array(x.rows * k);
    for (let i = 0; i < x.rows; i++) {
      const row = i * n;
      for (let c = 0; c < k; c++) {
        let s = this.bias[c]!;
        const cr = c * n;
        for (let j = 0; j < n; j++) s += x.data[row + j]! * this.coef[cr + j]!;
        out[i * k + c] = s;
      }
    }
    return out;
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
    const m = toMatrix(x, where, { minRows: 1 });
    const t = toTargets(y, m.rows, where);
    const fit = fitLinear(m, t, {
      fitIntercept: options.fitIntercept ?? true,
      weights: toWeights(options.sampleWeights, m.rows, where),
      alpha: 0,
    });
    return new LinearRegression(fit, m.cols, t.vector, resultDType(x));
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
    const m = toMatrix(x, where);
    const t = toTargets(y, m.rows, where);
    const fit = fitLinear(m, t, {
      fitIntercept: options.fitIntercept ?? true,
      weights: toWeights(options.sampleWeights, m.rows, where),
      alpha,
    });
    return new RidgeRegression(fit, m.cols, t.vector, resultDType(x), alpha);
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
      coef: w,
      intercept: Float64Array.of(fitIntercept ? yMean - dot : 0),
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
    const expanded = polynomialExpand(m, powers);
    const t = toTargets(y, m.rows, where);
    const fit = fitLinear(expanded, t, {
      fitIntercept: options.fitIntercept ?? true,
      weights: toWeights(options.sampleWeights, m.rows, where),
      alpha: 0,
    });
    return new PolynomialRegression(fit, t.vector, resultDType(x), degree, powers, m.cols);
  }

  override predict(x: Data): nx.Tensor {
    const m = toMatrix(x, "PolynomialRegression.predict");
    checkColumns(m, this.inputFeatures, "PolynomialRegression.predict");
    const e = polynomialExpand(m, this.powers);
    return fromValues(
      this.predictValues(e),
      this.vector ? [m.rows] : [m.rows, this.bias.length],
      this.dtype,
    );
  }
}
