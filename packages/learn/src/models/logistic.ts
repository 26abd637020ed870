/**
 * Logistic regression: multinomial (softmax) for three or more classes, binomial (sigmoid) for two,
 * with an L2 penalty, fitted by L-BFGS with a strong-Wolfe line search.
 */
import * as nx from "@dendrite/tensor";
import {
  checkNumber,
  fromValues,
  matrixInput,
  resultDType,
  toLabels,
  toMatrix,
  type Data,
} from "../input.js";
import { minimizeLBFGS } from "../optimize.js";

/** Options of LogisticRegression.fit. */
export interface LogisticRegressionOptions {
  /** Number of classes (default: the largest label + 1). */
  numClasses?: number;
  /**
   * L2 penalty in mean cross-entropy + (alpha / 2) ‖W‖² (the intercept is not penalised). The
   * default 1 / rows is scikit-learn's default C = 1; scikit-learn's C is 1 / (alpha · rows).
   */
  alpha?: number;
  /** Stop when every gradient component (in standardised units) is below this (default 1e-8). */
  tol?: number;
  /** Most L-BFGS iterations (default 1000). */
  maxIterations?: number;
  /** Fit intercepts (default true). */
  fitIntercept?: boolean;
}

/**
 * Multinomial logistic regression (binomial for two classes, as scikit-learn), fitted by L-BFGS.
 * Features are standardised internally for the optimiser only: the objective, and so the solution,
 * is that of the raw features, so unscaled data works.
 *
 * @example
 * const model = LogisticRegression.fit(x, y);   // y: labels 0 … K − 1
 * model.predict(x); model.predictProbability(x); model.converged;
 */
export class LogisticRegression {
  /** `[K, features]` (`[1, features]` for two classes, the weights of class 1). */
  readonly coefficients: nx.Tensor;
  /** `[K]` (`[1]` for two classes). */
  readonly intercept: nx.Tensor;
  readonly numClasses: number;
  readonly numFeatures: number;
  /** L-BFGS iterations run. */
  readonly iterations: number;
  /** True when the gradient fell below `tol`. */
  readonly converged: boolean;
  /** The final objective value (mean cross-entropy plus penalty). */
  readonly loss: number;
  readonly alpha: number;
  /** The weights `[g, features]` and intercepts `[g]` in f64 (g = 1 for two classes). */
  private readonly w: nx.Tensor;
  private readonly b: nx.Tensor;
  private readonly dtype: "f32" | "f64";

  private constructor(
    w: Float64Array,
    b: Float64Array,
    numClasses: number,
    features: number,
    state: { iterations: number; converged: boolean; loss: number; alpha: number },
    dtype: "f32" | "f64",
  ) {
    this.w = fromValues(w, [b.length, features]);
    this.b = fromValues(b, [b.length]);
    this.numClasses = numClasses;
    this.numFeatures = features;
    this.iterations = state.iterations;
    this.converged = state.converged;
    this.loss = state.loss;
    this.alpha = state.alpha;
    this.dtype = dtype;
    const g = b.length;
    this.coefficients = fromValues(w, [g, features], dtype);
    this.intercept = fromValues(b, [g], dtype);
  }

  /** Fits the model to features `x` (rows × features) and labels `y` (0 … K − 1). */
  static fit(x: Data, y: Data, options: LogisticRegressionOptions = {}): LogisticRegression {
    const where = "LogisticRegression.fit";
    const xm = toMatrix(x, where, { minRows: 2 });
    const labels = toLabels(y, where, { length: xm.rows, numClasses: options.numClasses });
    const k = labels.numClasses;
    const seen = new Set(labels.values);
    if (seen.size < 2)
      throw new RangeError(
        `${where}: y has only one class (${[...seen][0]}); logistic regression needs at least two`,
      );
    const alpha = checkNumber(options.alpha ?? 1 / xm.rows, "alpha", where, { min: 0 });
    const tol = checkNumber(options.tol ?? 1e-8, "tol", where, { min: 0, exclusiveMin: true });
    const maxIterations = checkNumber(options.maxIterations ?? 1000, "maxIterations", where, {
      min: 1,
      integer: true,
    });
    const fitIntercept = options.fitIntercept ?? true;
    const { rows: n, cols: p } = xm;
    const g = k === 2 ? 1 : k;

    // Standardise for the optimiser: z = (x − μ) / σ, weights w' = w σ, penalty kept on w.
    const mu = new Float64Array(p);
    const sigma = new Float64Array(p).fill(1);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < p; j++) mu[j] = mu[j]! + xm.data[i * p + j]! / n;
    for (let j = 0; j < p; j++) {
      let v = 0;
      for (let i = 0; i < n; i++) v += (xm.data[i * p + j]! - mu[j]!) ** 2;
      const sd = Math.sqrt(v / n);
      sigma[j] = sd > 0 ? sd : 1;
      if (!fitIntercept) mu[j] = 0;
    }
    const z = new Float64Array(n * p);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < p; j++) z[i * p + j] = (xm.data[i * p + j]! - mu[j]!) / sigma[j]!;
    const penalty = new Float64Array(p);
    for (let j = 0; j < p; j++) penalty[j] = alpha / (sigma[j]! * sigma[j]!);

    const yv = labels.values;
    const logits = new Float64Array(g);
    // Parameters: W' as p × g (row-major), then g intercepts.
    const objective = (theta: Float64Array, grad: Float64Array): number => {
      grad.fill(0);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const row = i * p;
        for (let c = 0; c < g; c++) logits[c] = fitIntercept ? theta[p * g + c]! : 0;
        for (let j = 0; j < p; j++) {
          const zij = z[row + j]!;
          if (zij === 0) continue;
          const wr = j * g;
          for (let c = 0; c < g; c++) logits[c] = logits[c]! + zij * theta[wr + c]!;
        }
        if (g === 1) {
          const t = logits[0]!;
          const yi = yv[i]!;
          // log(1 + e^t) − y t, computed stably.
          loss += (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))) - yi * t;
          logits[0] = 1 / (1 + Math.exp(-t)) - yi;
        } else {
          let max = -Infinity;
          for (let c = 0; c < g; c++) if (logits[c]! > max) max = logits[c]!;
          let sum = 0;
          for (let c = 0; c < g; c++) {
            const e = Math.exp(logits[c]! - max);
            logits[c] = e;
            sum += e;
          }
          const yi = yv[i]!;
          loss -= Math.log(logits[yi]! / sum);
          for (let c = 0; c < g; c++) logits[c] = logits[c]! / sum - (c === yi ? 1 : 0);
        }
        for (let j = 0; j < p; j++) {
          const zij = z[row + j]!;
          if (zij === 0) continue;
          const wr = j * g;
          for (let c = 0; c < g; c++) grad[wr + c] = grad[wr + c]! + zij * logits[c]!;
        }
        if (fitIntercept)
          for (let c = 0; c < g; c++) grad[p * g + c] = grad[p * g + c]! + logits[c]!;
      }
      for (let q = 0; q < grad.length; q++) grad[q] = grad[q]! / n;
      loss /= n;
      for (let j = 0; j < p; j++) {
        const wr = j * g;
        for (let c = 0; c < g; c++) {
          const v = theta[wr + c]!;
          loss += 0.5 * penalty[j]! * v * v;
          grad[wr + c] = grad[wr + c]! + penalty[j]! * v;
        }
      }
      return loss;
    };
    const result = minimizeLBFGS(objective, new Float64Array(p * g + g), { tol, maxIterations });

    // Back to raw features: w = w' / σ, b = b' − Σ μ w.
    const w = new Float64Array(g * p);
    const b = new Float64Array(g);
    for (let c = 0; c < g; c++) {
      let shift = 0;
      for (let j = 0; j < p; j++) {
        const v = result.w[j * g + c]! / sigma[j]!;
        w[c * p + j] = v;
        shift += mu[j]! * v;
      }
      b[c] = fitIntercept ? result.w[p * g + c]! - shift : 0;
    }
    return new LogisticRegression(
      w,
      b,
      k,
      p,
      { iterations: result.iterations, converged: result.converged, loss: result.value, alpha },
      resultDType(x),
    );
  }

  private input(x: Data, where: string): nx.Tensor {
    return matrixInput(x, where, { cols: this.numFeatures });
  }

  /**
   * The linear scores x · Wᵀ + b: `[rows, K]` (`[rows]` for two classes: the log-odds of class 1).
   * Runs inside `nx.jit`.
   */
  decisionFunction(x: Data): nx.Tensor {
    const m = this.input(x, "LogisticRegression.decisionFunction");
    return logisticJit(m, this.w, this.b, "scores", this.dtype);
  }

  /** Class probabilities, `[rows, K]`; each row sums to 1. Runs inside `nx.jit`. */
  predictProbability(x: Data): nx.Tensor {
    const m = this.input(x, "LogisticRegression.predictProbability");
    return logisticJit(m, this.w, this.b, "probabilities", this.dtype);
  }

  /** The most probable class of each row, `[rows]` (s32). Runs inside `nx.jit`. */
  predict(x: Data): nx.Tensor {
    const m = this.input(x, "LogisticRegression.predict");
    return logisticJit(m, this.w, this.b, "labels", this.dtype);
  }
}

/** Scores, class probabilities (sigmoid or softmax) or the most probable class (first on ties). */
const logisticJit = nx.jit(
  (
    x: nx.Tensor,
    w: nx.Tensor,
    b: nx.Tensor,
    what: "scores" | "probabilities" | "labels",
    dtype: "f32" | "f64",
  ): nx.Tensor => {
    const scores = nx.add(nx.matmul(x, nx.matrixTranspose(w)), b);
    const binary = b.shape[0] === 1;
    if (what === "scores") return nx.asType(binary ? nx.reshape(scores, [-1]) : scores, dtype);
    let prob: nx.Tensor;
    if (binary) {
      const p1 = nx.divide(1, nx.add(1, nx.exp(nx.negate(scores))));
      prob = nx.concatenate([nx.subtract(1, p1), p1], { axis: 1 });
    } else {
      const e = nx.exp(nx.subtract(scores, nx.reduceMax(scores, { axes: 1, keepAxes: true })));
      prob = nx.divide(e, nx.sum(e, { axes: 1, keepAxes: true }));
    }
    return what === "labels" ? nx.argmax(prob, { axis: 1 }) : nx.asType(prob, dtype);
  },
);
