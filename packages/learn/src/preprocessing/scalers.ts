/**
 * Per-feature affine scalers: StandardScaler, MinMaxScaler, RobustScaler. Each maps a feature x to
 * (x − offset) / divisor, learned on training data and reused on test data.
 */
import type * as nx from "@dendrite/tensor";
import {
  checkColumns,
  fromValues,
  resultDType,
  toMatrix,
  type Data,
  type Matrix,
} from "../input.js";

/** A constant feature would divide by zero; scikit-learn leaves it unscaled (divisor 1). */
function safeDivisor(d: number): number {
  return d === 0 || !Number.isFinite(d) || Math.abs(d) < 10 * Number.EPSILON ? 1 : d;
}

/** The shared machinery: (x − offset) / divisor per column, and back. */
abstract class AffineScaler {
  readonly numFeatures: number;
  protected readonly offset: Float64Array;
  protected readonly divisor: Float64Array;

  protected constructor(offset: Float64Array, divisor: Float64Array) {
    this.offset = offset;
    this.divisor = divisor;
    this.numFeatures = offset.length;
  }

  private map(x: Data, where: string, forward: boolean): nx.Tensor {
    const m = toMatrix(x, where);
    checkColumns(m, this.numFeatures, where);
    const out = new Float64Array(m.data.length);
    const n = m.cols;
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < n; j++) {
        const v = m.data[i * n + j]!;
        out[i * n + j] = forward
          ? (v - this.offset[j]!) / this.divisor[j]!
          : v * this.divisor[j]! + this.offset[j]!;
      }
    }
    const shape = nxShape(x, m);
    return fromValues(out, shape, resultDType(x));
  }

  /** Scales `x` (rows × features) with the statistics learned by `fit`. */
  transform(x: Data): nx.Tensor {
    return this.map(x, `${this.constructor.name}.transform`, true);
  }

  /** Undoes `transform`. */
  inverseTransform(x: Data): nx.Tensor {
    return this.map(x, `${this.constructor.name}.inverseTransform`, false);
  }
}

/** The output shape: a vector stays a vector (one feature), a matrix stays a matrix. */
function nxShape(x: Data, m: Matrix): number[] {
  const isVector =
    (typeof x === "object" && x !== null && "rank" in x && (x as nx.Tensor).rank === 1) ||
    (Array.isArray(x) && !Array.isArray(x[0]));
  return isVector ? [m.rows] : [m.rows, m.cols];
}

function columnMeans(m: Matrix): Float64Array {
  const mean = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.cols; j++) mean[j] = mean[j]! + m.data[i * m.cols + j]!;
  for (let j = 0; j < m.cols; j++) mean[j] = mean[j]! / m.rows;
  return mean;
}

/** Options of StandardScaler. */
export interface StandardScalerOptions {
  /** Subtract the mean (default true). */
  withMean?: boolean;
  /** Divide by the standard deviation (default true). */
  withStd?: boolean;
  /** Delta degrees of freedom of the standard deviation (default 0, as scikit-learn; 1 for the sample std). */
  ddof?: number;
}

/**
 * Standardises each feature to mean 0 and standard deviation 1 (scikit-learn's StandardScaler:
 * population std, constant features left unscaled).
 *
 * @example
 * const scaler = StandardScaler.fit(xTrain);
 * const xs = scaler.transform(xTest);
 */
export class StandardScaler extends AffineScaler {
  /** Per-feature means (zeros with withMean false). */
  readonly mean: nx.Tensor;
  /** Per-feature variances. */
  readonly variance: nx.Tensor;
  /** Per-feature divisors (the std; 1 for constant features or withStd false). */
  readonly scale: nx.Tensor;

  private constructor(
    mean: Float64Array,
    variance: Float64Array,
    scale: Float64Array,
    withMean: boolean,
    dtype: "f32" | "f64",
  ) {
    super(withMean ? mean : new Float64Array(mean.length), scale);
    this.mean = fromValues(withMean ? mean : new Float64Array(mean.length), [mean.length], dtype);
    this.variance = fromValues(variance, [mean.length], dtype);
    this.scale = fromValues(scale, [mean.length], dtype);
  }

  /** Learns each feature's mean and standard deviation. */
  static fit(x: Data, options: StandardScalerOptions = {}): StandardScaler {
    const ddof = options.ddof ?? 0;
    const m = toMatrix(x, "StandardScaler.fit", { minRows: ddof + 1 });
    const mean = columnMeans(m);
    const variance = new Float64Array(m.cols);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.cols; j++) {
        const d = m.data[i * m.cols + j]! - mean[j]!;
        variance[j] = variance[j]! + d * d;
      }
    }
    const scale = new Float64Array(m.cols);
    for (let j = 0; j < m.cols; j++) {
      variance[j] = variance[j]! / (m.rows - ddof);
      scale[j] = options.withStd === false ? 1 : safeDivisor(Math.sqrt(variance[j]!));
    }
    return new StandardScaler(mean, variance, scale, options.withMean ?? true, resultDType(x));
  }

  /** Fits on `x` and returns `x` standardised. */
  static fitTransform(x: Data, options: StandardScalerOptions = {}): nx.Tensor {
    return StandardScaler.fit(x, options).transform(x);
  }
}

/** Options of MinMaxScaler. */
export interface MinMaxScalerOptions {
  /** The target range (default [0, 1]). */
  featureRange?: [number, number];
}

/** Rescales each feature linearly onto a range, [0, 1] by default (scikit-learn's MinMaxScaler). */
export class MinMaxScaler extends AffineScaler {
  /** Per-feature minimum seen in fit. */
  readonly dataMin: nx.Tensor;
  /** Per-feature maximum seen in fit. */
  readonly dataMax: nx.Tensor;

  private constructor(
    offset: Float64Array,
    divisor: Float64Array,
    min: Float64Array,
    max: Float64Array,
    dtype: "f32" | "f64",
  ) {
    super(offset, divisor);
    this.dataMin = fromValues(min, [min.length], dtype);
    this.dataMax = fromValues(max, [max.length], dtype);
  }

  /** Learns each feature's minimum and maximum. */
  static fit(x: Data, options: MinMaxScalerOptions = {}): MinMaxScaler {
    const [lo, hi] = options.featureRange ?? [0, 1];
    if (!(lo < hi))
      throw new RangeError(
        `MinMaxScaler.fit: featureRange must be [low, high] with low < high, got [${lo}, ${hi}]`,
      );
    const m = toMatrix(x, "MinMaxScaler.fit");
    const min = new Float64Array(m.cols).fill(Infinity);
    const max = new Float64Array(m.cols).fill(-Infinity);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.cols; j++) {
        const v = m.data[i * m.cols + j]!;
        if (v < min[j]!) min[j] = v;
        if (v > max[j]!) max[j] = v;
      }
    }
    const offset = new Float64Array(m.cols);
    const divisor = new Float64Array(m.cols);
    for (let j = 0; j < m.cols; j++) {
      const d = safeDivisor(max[j]! - min[j]!) / (hi - lo);
      divisor[j] = d;
      offset[j] = min[j]! - lo * d;
    }
    return new MinMaxScaler(offset, divisor, min, max, resultDType(x));
  }

  /** Fits on `x` and returns `x` rescaled. */
  static fitTransform(x: Data, options: MinMaxScalerOptions = {}): nx.Tensor {
    return MinMaxScaler.fit(x, options).transform(x);
  }
}

/** The q-th percentile (0–100) of sorted values, interpolating linearly (NumPy's default). */
export function percentileSorted(sorted: Float64Array, q: number): number {
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Options of RobustScaler. */
export interface RobustScalerOptions {
  /** Subtract the median (default true). */
  withCentering?: boolean;
  /** Divide by the interquartile range (default true). */
  withScaling?: boolean;
  /** Percentiles of the range (default [25, 75]). */
  quantileRange?: [number, number];
}

/** Centres on the median and divides by the interquartile range: robust to outliers (scikit-learn's RobustScaler). */
export class RobustScaler extends AffineScaler {
  /** Per-feature medians. */
  readonly center: nx.Tensor;
  /** Per-feature interquartile ranges (1 where zero). */
  readonly scale: nx.Tensor;

  private constructor(center: Float64Array, scale: Float64Array, dtype: "f32" | "f64") {
    super(center, scale);
    this.center = fromValues(center, [center.length], dtype);
    this.scale = fromValues(scale, [scale.length], dtype);
  }

  /** Learns each feature's median and interquartile range. */
  static fit(x: Data, options: RobustScalerOptions = {}): RobustScaler {
    const [qLo, qHi] = options.quantileRange ?? [25, 75];
    if (!(0 <= qLo && qLo < qHi && qHi <= 100))
      throw new RangeError(
        `RobustScaler.fit: quantileRange must satisfy 0 ≤ low < high ≤ 100, got [${qLo}, ${qHi}]`,
      );
    const m = toMatrix(x, "RobustScaler.fit");
    const center = new Float64Array(m.cols);
    const scale = new Float64Array(m.cols).fill(1);
    const col = new Float64Array(m.rows);
    for (let j = 0; j < m.cols; j++) {
      for (let i = 0; i < m.rows; i++) col[i] = m.data[i * m.cols + j]!;
      col.sort();
      if (options.withCentering ?? true) center[j] = percentileSorted(col, 50);
      if (options.withScaling ?? true)
        scale[j] = safeDivisor(percentileSorted(col, qHi) - percentileSorted(col, qLo));
    }
    return new RobustScaler(center, scale, resultDType(x));
  }

  /** Fits on `x` and returns `x` scaled. */
  static fitTransform(x: Data, options: RobustScalerOptions = {}): nx.Tensor {
    return RobustScaler.fit(x, options).transform(x);
  }
}
