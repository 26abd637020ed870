/** K-nearest-neighbour classification and regression (brute force, Euclidean distance). */
import * as nx from "@dendrite/tensor";
import {
  checkNumber,
  matrixInput,
  matrixTensor,
  resultDType,
  toLabels,
  toMatrix,
  vectorInput,
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

/** Query rows handled at once: the `[rows, train rows]` score matrix stays small. */
const CHUNK_ELEMENTS = 1 << 22;

/**
 * Indices `[q, k]` (s32) and distances `[q, k]` of the k nearest training rows of each query row
 * (ties: lower index first). Rows are ranked by ‖t‖² − 2 x·t (one product, as scikit-learn's brute
 * force); the distances of the k chosen are then computed exactly, as √Σ(x − t)², so an exact
 * match is 0.
 */
const neighboursJit = nx.jit((train: nx.Tensor, query: nx.Tensor, k: number) => {
  const d = train.shape[1]!;
  // The largest of 2 x·t − ‖t‖² are the nearest (topK keeps the lower index among equals).
  const scores = nx.subtract(
    nx.multiply(nx.matmul(query, nx.matrixTranspose(train)), 2),
    nx.sum(nx.multiply(train, train), { axes: 1 }),
  );
  const index = nx.topK(scores, k).indices;
  const diff = nx.subtract(nx.take(train, index), nx.reshape(query, [-1, 1, d]));
  return { index, dist: nx.sqrt(nx.sum(nx.multiply(diff, diff), { axes: 2 })) };
});

/**
 * Each neighbour's weight `[q, k]`: 1, or 1 / distance; where a query has an exact match, the
 * matches share all the weight (as scikit-learn).
 */
function weightsOf(dist: nx.Tensor, mode: "uniform" | "distance"): nx.Tensor {
  if (mode === "uniform") return nx.onesLike(dist);
  const exact = nx.equal(dist, 0);
  const anyExact = nx.any(exact, { axes: 1, keepAxes: true });
  return nx.select(anyExact, nx.asType(exact, "f64"), nx.divide(1, nx.select(exact, 1, dist)));
}

/**
 * `combine(values of the neighbours [q, k], weights [q, k])` for each query row, over chunks of
 * rows so memory stays bounded; the chunks' results are concatenated.
 */
function overNeighbours(
  train: nx.Tensor,
  query: nx.Tensor,
  k: number,
  mode: "uniform" | "distance",
  combine: (index: nx.Tensor, weights: nx.Tensor) => nx.Tensor,
): nx.Tensor {
  const rows = query.shape[0]!;
  const chunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / Math.max(1, train.shape[0]!)));
  const parts: nx.Tensor[] = [];
  for (let start = 0; start < rows; start += chunk) {
    const q = rows <= chunk ? query : nx.sliceAlong(query, start, Math.min(chunk, rows - start));
    const { index, dist } = neighboursJit(train, q, k) as { index: nx.Tensor; dist: nx.Tensor };
    parts.push(combine(index, weightsOf(dist, mode)));
  }
  return parts.length === 1 ? parts[0]! : nx.concatenate(parts);
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
  private readonly x: nx.Tensor;
  private readonly y: nx.Tensor;
  private readonly weights: "uniform" | "distance";

  private constructor(
    x: nx.Tensor,
    y: nx.Tensor,
    k: number,
    numClasses: number,
    weights: "uniform" | "distance",
  ) {
    this.x = x;
    this.y = y;
    this.k = k;
    this.numClasses = numClasses;
    this.numFeatures = x.shape[1]!;
    this.weights = weights;
  }

  /** Stores the training rows and labels. */
  static fit(x: Data, y: Data, options: KNNOptions & { numClasses?: number } = {}): KNNClassifier {
    const where = "KNNClassifier.fit";
    const { m, k, weights } = setup(x, options, where);
    const labels = toLabels(y, where, { length: m.rows, numClasses: options.numClasses });
    const train = matrixTensor(m);
    return new KNNClassifier(train, nx.tensor(labels.values), k, labels.numClasses, weights);
  }

  /** The weighted votes `[rows, numClasses]` of each row's neighbours. */
  private votes(x: Data, where: string): nx.Tensor {
    const q = matrixInput(x, where, { cols: this.numFeatures });
    return overNeighbours(this.x, q, this.k, this.weights, (index, w) =>
      nx.sum(
        nx.multiply(
          nx.oneHot(nx.take(this.y, index), this.numClasses, { dtype: "f64" }),
          nx.newAxis(w, 2),
        ),
        { axes: 1 },
      ),
    );
  }

  /** The winning class of each row, `[rows]` (s32). */
  predict(x: Data): nx.Tensor {
    return nx.argmax(this.votes(x, "KNNClassifier.predict"), { axis: 1 });
  }

  /** The vote shares, `[rows, numClasses]`. */
  predictProbability(x: Data): nx.Tensor {
    const votes = this.votes(x, "KNNClassifier.predictProbability");
    return nx.asType(nx.divide(votes, nx.sum(votes, { axes: 1, keepAxes: true })), resultDType(x));
  }
}

/** Predicts the (weighted) mean target of the k nearest training rows (scikit-learn's KNeighborsRegressor). */
export class KNNRegressor {
  readonly k: number;
  readonly numFeatures: number;
  private readonly x: nx.Tensor;
  private readonly y: nx.Tensor;
  private readonly weights: "uniform" | "distance";
  private readonly dtype: "f32" | "f64";

  private constructor(
    x: nx.Tensor,
    y: nx.Tensor,
    k: number,
    weights: "uniform" | "distance",
    dtype: "f32" | "f64",
  ) {
    this.x = x;
    this.y = y;
    this.k = k;
    this.numFeatures = x.shape[1]!;
    this.weights = weights;
    this.dtype = dtype;
  }

  /** Stores the training rows and targets. */
  static fit(x: Data, y: Data, options: KNNOptions = {}): KNNRegressor {
    const where = "KNNRegressor.fit";
    const { m, k, weights } = setup(x, options, where);
    const yv = vectorInput(y, where, { length: m.rows });
    return new KNNRegressor(matrixTensor(m), yv, k, weights, resultDType(x));
  }

  /** The prediction for each row, `[rows]`. */
  predict(x: Data): nx.Tensor {
    const q = matrixInput(x, "KNNRegressor.predict", { cols: this.numFeatures });
    const mean = overNeighbours(this.x, q, this.k, this.weights, (index, w) =>
      nx.divide(
        nx.sum(nx.multiply(nx.take(this.y, index), w), { axes: 1 }),
        nx.sum(w, { axes: 1 }),
      ),
    );
    return nx.asType(mean, this.dtype);
  }
}
