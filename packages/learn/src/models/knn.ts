/** K-nearest-neighbour classification and regression (brute force, Euclidean distance). */
import type * as nx from "@dendrite/tensor";
import {
  checkColumns,
  checkNumber,
  fromValues,
  resultDType,
  toLabels,
  toMatrix,
  toVector,
  type Data,
  type Matrix,
} from "../input.js";

/** Options of the KNN estimators. */
export interface KNNOptions {
  /** Number of neighbours (default 5). */
  k?: number;
  /** "uniform" (default): each neighbour counts the same; "distance": by 1 / distance. */
  weights?: "uniform" | "distance";
}

/** Indices and distances of the k nearest training rows of each query row (ties: lower index first). */
function neighbours(
  train: Matrix,
  query: Matrix,
  k: number,
): { index: Int32Array; dist: Float64Array } {
  const d = train.cols;
  const index = new Int32Array(query.rows * k);
  const dist = new Float64Array(query.rows * k);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let q = 0; q < query.rows; q++) {
    bestD.fill(Infinity);
    bestI.fill(-1);
    for (let i = 0; i < train.rows; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = query.data[q * d + j]! - train.data[i * d + j]!;
        s += t * t;
      }
      if (s >= bestD[k - 1]!) continue;
      // Insert into the sorted list of the k best.
      let p = k - 1;
      while (p > 0 && bestD[p - 1]! > s) {
        bestD[p] = bestD[p - 1]!;
        bestI[p] = bestI[p - 1]!;
        p--;
      }
      bestD[p] = s;
      bestI[p] = i;
    }
    for (let r = 0; r < k; r++) {
      index[q * k + r] = bestI[r]!;
      dist[q * k + r] = Math.sqrt(bestD[r]!);
    }
  }
  return { index, dist };
}

/** Neighbour weights: 1, or 1 / distance (an exact match takes all the weight, as scikit-learn). */
function weightsOf(
  dist: Float64Array,
  q: number,
  k: number,
  mode: "uniform" | "distance",
): Float64Array {
  const w = new Float64Array(k).fill(1);
  if (mode === "uniform") return w;
  let exact = false;
  for (let r = 0; r < k; r++) if (dist[q * k + r] === 0) exact = true;
  for (let r = 0; r < k; r++) {
    const dd = dist[q * k + r]!;
    w[r] = exact ? (dd === 0 ? 1 : 0) : 1 / dd;
  }
  return w;
}

function setup(
  x: Data,
  options: KNNOptions,
  where: string,
): { m: Matrix; k: number; weights: "uniform" | "distance" } {
  const m = toMatrix(x, where);
  const k = checkNumber(options.k ?? 5, "k", where, { integer: true, min: 1 });
  if (k > m.rows)
    throw new RangeError(`${where}: k = ${k} neighbours but x has only ${m.rows} rows`);
  const weights = options.weights ?? "uniform";
  if (weights !== "uniform" && weights !== "distance")
    throw new RangeError(
      `${where}: weights must be "uniform" or "distance", got ${JSON.stringify(weights)}`,
    );
  return { m, k, weights };
}

/**
 * Classifies each row by a vote of its k nearest training rows (scikit-learn's
 * KNeighborsClassifier, brute force). Ties go to the lowest label.
 */
export class KNNClassifier {
  readonly k: number;
  readonly numClasses: number;
  readonly numFeatures: number;
  private readonly x: Matrix;
  private readonly y: Int32Array;
  private readonly weights: "uniform" | "distance";

  private constructor(
    x: Matrix,
    y: Int32Array,
    k: number,
    numClasses: number,
    weights: "uniform" | "distance",
  ) {
    this.x = x;
    this.y = y;
    this.k = k;
    this.numClasses = numClasses;
    this.numFeatures = x.cols;
    this.weights = weights;
  }

  /** Stores the training rows and labels. */
  static fit(x: Data, y: Data, options: KNNOptions & { numClasses?: number } = {}): KNNClassifier {
    const where = "KNNClassifier.fit";
    const { m, k, weights } = setup(x, options, where);
    const labels = toLabels(y, where, { length: m.rows, numClasses: options.numClasses });
    return new KNNClassifier(m, labels.values, k, labels.numClasses, weights);
  }

  private votes(x: Data, where: string): { rows: number; votes: Float64Array } {
    const q = toMatrix(x, where);
    checkColumns(q, this.numFeatures, where);
    const { index, dist } = neighbours(this.x, q, this.k);
    const c = this.numClasses;
    const votes = new Float64Array(q.rows * c);
    for (let i = 0; i < q.rows; i++) {
      const w = weightsOf(dist, i, this.k, this.weights);
      for (let r = 0; r < this.k; r++) votes[i * c + this.y[index[i * this.k + r]!]!] += w[r]!;
    }
    return { rows: q.rows, votes };
  }

  /** The winning class of each row, `[rows]` (s32). */
  predict(x: Data): nx.Tensor {
    const { rows, votes } = this.votes(x, "KNNClassifier.predict");
    const c = this.numClasses;
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      let best = 0;
      for (let j = 1; j < c; j++) if (votes[i * c + j]! > votes[i * c + best]!) best = j;
      out[i] = best;
    }
    return fromValues(out, [rows], "s32");
  }

  /** The vote shares, `[rows, numClasses]`. */
  predictProbability(x: Data): nx.Tensor {
    const { rows, votes } = this.votes(x, "KNNClassifier.predictProbability");
    const c = this.numClasses;
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < c; j++) s += votes[i * c + j]!;
      for (let j = 0; j < c; j++) votes[i * c + j] = votes[i * c + j]! / s;
    }
    return fromValues(votes, [rows, c], resultDType(x));
  }
}

/** Predicts the (weighted) mean target of the k nearest training rows (scikit-learn's KNeighborsRegressor). */
export class KNNRegressor {
  readonly k: number;
  readonly numFeatures: number;
  private readonly x: Matrix;
  private readonly y: Float64Array;
  private readonly weights: "uniform" | "distance";
  private readonly dtype: "f32" | "f64";

  private constructor(
    x: Matrix,
    y: Float64Array,
    k: number,
    weights: "uniform" | "distance",
    dtype: "f32" | "f64",
  ) {
    this.x = x;
    this.y = y;
    this.k = k;
    this.numFeatures = x.cols;
    this.weights = weights;
    this.dtype = dtype;
  }

  /** Stores the training rows and targets. */
  static fit(x: Data, y: Data, options: KNNOptions = {}): KNNRegressor {
    const where = "KNNRegressor.fit";
    const { m, k, weights } = setup(x, options, where);
    const yv = toVector(y, where, { length: m.rows });
    return new KNNRegressor(m, yv, k, weights, resultDType(x));
  }

  /** The prediction for each row, `[rows]`. */
  predict(x: Data): nx.Tensor {
    const where = "KNNRegressor.predict";
    const q = toMatrix(x, where);
    checkColumns(q, this.numFeatures, where);
    const { index, dist } = neighbours(this.x, q, this.k);
    const out = new Float64Array(q.rows);
    for (let i = 0; i < q.rows; i++) {
      const w = weightsOf(dist, i, this.k, this.weights);
      let s = 0;
      let ws = 0;
      for (let r = 0; r < this.k; r++) {
        s += w[r]! * this.y[index[i * this.k + r]!]!;
        ws += w[r]!;
      }
      out[i] = s / ws;
    }
    return fromValues(out, [q.rows], this.dtype);
  }
}
