/**
 * K-means clustering: seeded k-means++ initialisation and Lloyd's iterations (a tuned host loop
 * over the rows: the fused nearest-centre pass is several times faster than the same step as
 * tensor ops today), with `predict` and `transform` as tensor programs that run inside `nx.jit`.
 */
import * as nx from "@dendrite/tensor";
import {
  checkNumber,
  fromValues,
  matrixInput,
  resultDType,
  toMatrix,
  type Data,
  type Matrix,
} from "../input.js";

/** Options of KMeans.fit. */
export interface KMeansOptions {
  /** Number of clusters (default 8, as scikit-learn). */
  numClusters?: number;
  /** Seed of the initialisation (default 0). */
  seed?: number;
  /** "k-means++" (default) or explicit initial centres `[numClusters, features]`. */
  init?: "k-means++" | Data;
  /** Independent runs from different seeds; the lowest inertia wins (default 1). */
  numInit?: number;
  /** Most Lloyd iterations per run (default 300). */
  maxIterations?: number;
  /** Stop when the centres move less than tol × the mean feature variance (default 1e-4). */
  tol?: number;
}

interface Run {
  centers: Float64Array;
  labels: Int32Array;
  inertia: number;
  iterations: number;
}

function sqDist(x: Float64Array, i: number, c: Float64Array, k: number, d: number): number {
  let s = 0;
  const a = i * d;
  const b = k * d;
  for (let j = 0; j < d; j++) {
    const t = x[a + j]! - c[b + j]!;
    s += t * t;
  }
  return s;
}

/**
 * Nearest centre of each row and the squared distance to it. The nearest centre minimises
 * ‖c‖²/2 − x·c (‖x‖² is the same for every centre), computed for four centres per pass over a row
 * so each value of x is loaded once per four products; the distance to the chosen centre is then
 * computed exactly, as (x − c)², so the inertia does not suffer from cancellation.
 */
function assign(
  x: Matrix,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  dist: Float64Array,
): number {
  const { rows, cols: d, data: xs } = x;
  const half = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += centers[c * d + j]! * centers[c * d + j]!;
    half[c] = 0.5 * s;
  }
  let inertia = 0;
  for (let i = 0; i < rows; i++) {
    const a = i * d;
    let best = 0;
    let bestScore = Infinity;
    let c = 0;
    for (; c + 4 <= k; c += 4) {
      const b0 = c * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < d; j++) {
        const v = xs[a + j]!;
        s0 += v * centers[b0 + j]!;
        s1 += v * centers[b1 + j]!;
        s2 += v * centers[b2 + j]!;
        s3 += v * centers[b3 + j]!;
      }
      const t0 = half[c]! - s0;
      const t1 = half[c + 1]! - s1;
      const t2 = half[c + 2]! - s2;
      const t3 = half[c + 3]! - s3;
      if (t0 < bestScore) {
        bestScore = t0;
        best = c;
      }
      if (t1 < bestScore) {
        bestScore = t1;
        best = c + 1;
      }
      if (t2 < bestScore) {
        bestScore = t2;
        best = c + 2;
      }
      if (t3 < bestScore) {
        bestScore = t3;
        best = c + 3;
      }
    }
    for (; c < k; c++) {
      const b = c * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += xs[a + j]! * centers[b + j]!;
      const t = half[c]! - s;
      if (t < bestScore) {
        bestScore = t;
        best = c;
      }
    }
    labels[i] = best;
    const e = sqDist(xs, i, centers, best, d);
    dist[i] = e;
    inertia += e;
  }
  return inertia;
}

/** scikit-learn's greedy k-means++: each new centre is the best of 2 + ⌊ln k⌋ candidates drawn ∝ D². */
function kMeansPlusPlus(x: Matrix, k: number, key: nx.Tensor): Float64Array {
  const { rows, cols, data: xs } = x;
  const trials = 2 + Math.floor(Math.log(k));
  const u = nx.random.uniform(key, [1 + (k - 1) * trials], { dtype: "f64" }).data() as Float64Array;
  const centers = new Float64Array(k * cols);
  const first = Math.min(rows - 1, Math.floor(u[0]! * rows));
  centers.set(xs.subarray(first * cols, first * cols + cols), 0);
  let closest = new Float64Array(rows);
  for (let i = 0; i < rows; i++) closest[i] = sqDist(xs, i, centers, 0, cols);
  const cumulative = new Float64Array(rows);
  const candidates = new Int32Array(trials);
  const candidateRows = new Float64Array(trials * cols);
  // D² to the nearest chosen centre, were each candidate added: one array per candidate.
  let tried = Array.from({ length: trials }, () => new Float64Array(rows));
  const potentials = new Float64Array(trials);
  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < rows; i++) cumulative[i] = acc += closest[i]!;
    for (let t = 0; t < trials; t++) {
      const r = u[1 + (c - 1) * trials + t]! * acc;
      // First index whose cumulative sum exceeds r.
      let lo = 0;
      let hi = rows - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! <= r) lo = mid + 1;
        else hi = mid;
      }
      candidates[t] = lo;
      candidateRows.set(xs.subarray(lo * cols, lo * cols + cols), t * cols);
    }
    distancesWithCandidates(x, candidateRows, trials, closest, tried, potentials);
    let best = 0;
    for (let t = 1; t < trials; t++) if (potentials[t]! < potentials[best]!) best = t;
    const cand = candidates[best]!;
    centers.set(xs.subarray(cand * cols, cand * cols + cols), c * cols);
    // The winner's distances become the new D²; its array is reused for the next round's trials.
    const next = tried[best]!;
    tried = tried.map((d, t) => (t === best ? closest : d));
    closest = next;
  }
  return centers;
}

/**
 * For each candidate t (rows of `cand`, trials × cols): `out[t][i]` = min(closest[i], ‖x_i − cand_t‖²)
 * and `potentials[t]` its sum. Rows of x are read once per four candidates.
 */
function distancesWithCandidates(
  x: Matrix,
  cand: Float64Array,
  trials: number,
  closest: Float64Array,
  out: Float64Array[],
  potentials: Float64Array,
): void {
  const { rows, cols: d, data: xs } = x;
  potentials.fill(0);
  let t = 0;
  for (; t + 4 <= trials; t += 4) {
    const o0 = out[t]!;
    const o1 = out[t + 1]!;
    const o2 = out[t + 2]!;
    const o3 = out[t + 3]!;
    const b0 = t * d;
    const b1 = b0 + d;
    const b2 = b1 + d;
    const b3 = b2 + d;
    let p0 = 0;
    let p1 = 0;
    let p2 = 0;
    let p3 = 0;
    for (let i = 0; i < rows; i++) {
      const a = i * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < d; j++) {
        const v = xs[a + j]!;
        const e0 = v - cand[b0 + j]!;
        const e1 = v - cand[b1 + j]!;
        const e2 = v - cand[b2 + j]!;
        const e3 = v - cand[b3 + j]!;
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      const ci = closest[i]!;
      p0 += o0[i] = Math.min(ci, s0);
      p1 += o1[i] = Math.min(ci, s1);
      p2 += o2[i] = Math.min(ci, s2);
      p3 += o3[i] = Math.min(ci, s3);
    }
    potentials[t] = p0;
    potentials[t + 1] = p1;
    potentials[t + 2] = p2;
    potentials[t + 3] = p3;
  }
  for (; t < trials; t++) {
    const o = out[t]!;
    const b = t * d;
    let p = 0;
    for (let i = 0; i < rows; i++) {
      const a = i * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const e = xs[a + j]! - cand[b + j]!;
        s += e * e;
      }
      p += o[i] = Math.min(closest[i]!, s);
    }
    potentials[t] = p;
  }
}

/** Lloyd's algorithm from `init` (scikit-learn's "lloyd"): stops when labels settle or centres barely move. */
function lloyd(x: Matrix, init: Float64Array, k: number, maxIterations: number, tol: number): Run {
  const { rows, cols } = x;
  let centers = init.slice();
  const labels = new Int32Array(rows).fill(-1);
  const prev = new Int32Array(rows);
  const dist = new Float64Array(rows);
  let iterations = 0;
  let strict = false;
  for (let it = 0; it < maxIterations; it++) {
    prev.set(labels);
    assign(x, centers, k, labels, dist);
    const next = new Float64Array(k * cols);
    const counts = new Float64Array(k);
    for (let i = 0; i < rows; i++) {
      const c = labels[i]!;
      counts[c]!++;
      for (let j = 0; j < cols; j++)
        next[c * cols + j] = next[c * cols + j]! + x.data[i * cols + j]!;
    }
    // An empty cluster takes the row farthest from its centre.
    for (let c = 0; c < k; c++) {
      if (counts[c]! > 0) continue;
      let far = 0;
      for (let i = 1; i < rows; i++) if (dist[i]! > dist[far]!) far = i;
      dist[far] = 0;
      const old = labels[far]!;
      counts[old]!--;
      for (let j = 0; j < cols; j++)
        next[old * cols + j] = next[old * cols + j]! - x.data[far * cols + j]!;
      labels[far] = c;
      counts[c] = 1;
      for (let j = 0; j < cols; j++) next[c * cols + j] = x.data[far * cols + j]!;
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < cols; j++) {
        const v = next[c * cols + j]! / counts[c]!;
        next[c * cols + j] = v;
        shift += (v - centers[c * cols + j]!) ** 2;
      }
    }
    centers = next;
    iterations = it + 1;
    let same = it > 0;
    for (let i = 0; same && i < rows; i++) if (labels[i] !== prev[i]) same = false;
    if (same) {
      strict = true;
      break;
    }
    if (shift <= tol) break;
  }
  const inertia = assign(x, centers, k, labels, dist);
  void strict;
  return { centers, labels, inertia, iterations };
}

/**
 * K-means clustering (scikit-learn's KMeans with the Lloyd algorithm): k-means++ initialisation from
 * a seed, `numInit` runs, the lowest inertia kept.
 *
 * @example
 * const km = KMeans.fit(x, { numClusters: 3, seed: 0 });
 * km.labels; km.inertia; km.predict(xNew);
 */
export class KMeans {
  /** Cluster centres, `[numClusters, features]`. */
  readonly centers: nx.Tensor;
  /** The cluster of each training row, `[rows]` (s32). */
  readonly labels: nx.Tensor;
  /** Sum of squared distances of rows to their centre. */
  readonly inertia: number;
  /** Lloyd iterations of the kept run. */
  readonly iterations: number;
  readonly numClusters: number;
  readonly numFeatures: number;
  private readonly centersF64: nx.Tensor;

  private constructor(run: Run, k: number, d: number, dtype: "f32" | "f64") {
    this.centersF64 = fromValues(run.centers, [k, d]);
    this.numClusters = k;
    this.numFeatures = d;
    this.inertia = run.inertia;
    this.iterations = run.iterations;
    this.centers = fromValues(run.centers, [k, d], dtype);
    this.labels = fromValues(run.labels, [run.labels.length], "s32");
  }

  /** Clusters the rows of `x`. */
  static fit(x: Data, options: KMeansOptions = {}): KMeans {
    const where = "KMeans.fit";
    const m = toMatrix(x, where);
    const k = checkNumber(options.numClusters ?? 8, "numClusters", where, {
      integer: true,
      min: 1,
    });
    if (k > m.rows)
      throw new RangeError(`${where}: numClusters = ${k} is more than the ${m.rows} rows of x`);
    const maxIterations = checkNumber(options.maxIterations ?? 300, "maxIterations", where, {
      integer: true,
      min: 1,
    });
    const numInit = checkNumber(options.numInit ?? 1, "numInit", where, { integer: true, min: 1 });
    // scikit-learn's tolerance is relative to the data: tol × mean per-feature variance.
    let meanVar = 0;
    for (let j = 0; j < m.cols; j++) {
      let mu = 0;
      for (let i = 0; i < m.rows; i++) mu += m.data[i * m.cols + j]!;
      mu /= m.rows;
      let v = 0;
      for (let i = 0; i < m.rows; i++) v += (m.data[i * m.cols + j]! - mu) ** 2;
      meanVar += v / m.rows / m.cols;
    }
    const tol = checkNumber(options.tol ?? 1e-4, "tol", where, { min: 0 }) * meanVar;
    let best: Run | undefined;
    if (options.init !== undefined && options.init !== "k-means++") {
      const init = toMatrix(options.init, where, { name: "init" });
      if (init.rows !== k || init.cols !== m.cols)
        throw new RangeError(
          `${where}: init must be [${k}, ${m.cols}] (numClusters × features), got [${init.rows}, ${init.cols}]`,
        );
      best = lloyd(m, init.data, k, maxIterations, tol);
    } else {
      const keys = nx.random.split(nx.random.key(options.seed ?? 0), numInit);
      for (let r = 0; r < numInit; r++) {
        const key = nx.reshape(nx.take(keys, [r], { axis: 0 }), [2]);
        const run = lloyd(m, kMeansPlusPlus(m, k, key), k, maxIterations, tol);
        if (!best || run.inertia < best.inertia) best = run;
      }
    }
    return new KMeans(best!, k, m.cols, resultDType(x));
  }

  /**
   * The nearest centre of each row, `[rows]` (s32): the centre minimising ‖c‖²/2 − x·c (‖x‖² is
   * the same for every centre; ties go to the first), as in `fit`. Runs inside `nx.jit`.
   */
  predict(x: Data): nx.Tensor {
    const m = matrixInput(x, "KMeans.predict", { cols: this.numFeatures });
    return nearestCenterJit(m, this.centersF64);
  }

  /** Euclidean distance of each row to each centre, `[rows, numClusters]`. Runs inside `nx.jit`. */
  transform(x: Data): nx.Tensor {
    const m = matrixInput(x, "KMeans.transform", { cols: this.numFeatures });
    return nx.asType(centerDistancesJit(m, this.centersF64), resultDType(x));
  }
}

/** The nearest centre of each row of `x` (both f64), as s32 labels. */
const nearestCenterJit = nx.jit((x: nx.Tensor, centers: nx.Tensor): nx.Tensor => {
  const half = nx.multiply(nx.sum(nx.multiply(centers, centers), { axes: 1 }), 0.5);
  return nx.argmin(nx.subtract(half, nx.matmul(x, nx.matrixTranspose(centers))), { axis: 1 });
});

/** ‖x_i − c_k‖ for every row and centre, computed as √Σ(x − c)² (no cancellation). */
const centerDistancesJit = nx.jit((x: nx.Tensor, centers: nx.Tensor): nx.Tensor => {
  const [rows, d] = x.shape as [number, number];
  const diff = nx.subtract(nx.reshape(x, [rows, 1, d]), nx.reshape(centers, [1, -1, d]));
  return nx.sqrt(nx.sum(nx.multiply(diff, diff), { axes: 2 }));
});
