/**
 * Per-feature affine scalers: StandardScaler, MinMaxScaler, RobustScaler. Each maps a feature x to
 * (x − offset) / divisor, learned on training data and reused on test data.
 */
import * as nx from "@dendrite/tensor";
import { matrixInput, resultDType, type Data } from "../input.js";

/**
 * A constant feature would divide by zero; scikit-learn leaves it unscaled (divisor 1): 1 where
 * `d` is 0, not finite or below 10 · eps in magnitude.
 */
function safeDivisor(d: nx.Tensor): nx.Tensor {
  const bad = nx.logicalOr(
    nx.logicalOr(nx.isNan(d), nx.isInfinite(d)),
    nx.less(nx.abs(d), 10 * Number.EPSILON),
  );
  return nx.select(bad, 1, d);
}

/** (x − offset) / divisor per column (or back), as a vector for one-feature vector input. */
const affineJit = nx.jit(
  (
    m: nx.Tensor,
    offset: nx.Tensor,
    divisor: nx.Tensor,
    forward: boolean,
    isVector: boolean,
    dtype: "f32" | "f64",
  ): nx.Tensor => {
    const out = forward
      ? nx.divide(nx.subtract(m, offset), divisor)
      : nx.add(nx.multiply(m, divisor), offset);
    return nx.asType(isVector ? nx.reshape(out, [m.shape[0]!]) : out, dtype);
  },
);

/**
 * The shared machinery: (x − offset) / divisor per column, and back, as tensor programs that run
 * inside `nx.jit`.
 */
abstract class AffineScaler {
  readonly numFeatures: number;
  /** Per-feature f64 offset and divisor. */
  protected readonly offset: nx.Tensor;
  protected readonly divisor: nx.Tensor;

  protected constructor(offset: nx.Tensor, divisor: nx.Tensor) {
    this.offset = offset;
    this.divisor = divisor;
    this.numFeatures = offset.shape[0]!;
  }

  private map(x: Data, where: string, forward: boolean): nx.Tensor {
    const m = matrixInput(x, where, { cols: this.numFeatures });
    const isVector = (nx.isTensor(x) && x.rank === 1) || (Array.isArray(x) && !Array.isArray(x[0]));
    return affineJit(m, this.offset, this.divisor, forward, isVector, resultDType(x));
  }

  /** Scales `x` (rows × features) with the statistics learned by `fit`. Runs inside `nx.jit`. */
  transform(x: Data): nx.Tensor {
    return this.map(x, `${this.constructor.name}.transform`, true);
  }

  /** Undoes `transform`. Runs inside `nx.jit`. */
  inverseTransform(x: Data): nx.Tensor {
    return this.map(x, `${this.constructor.name}.inverseTransform`, false);
  }
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
    offset: nx.Tensor,
    divisor: nx.Tensor,
    mean: nx.Tensor,
    variance: nx.Tensor,
    scale: nx.Tensor,
  ) {
    super(offset, divisor);
    this.mean = mean;
    this.variance = variance;
    this.scale = scale;
  }

  /** Learns each feature's mean and standard deviation. */
  static fit(x: Data, options: StandardScalerOptions = {}): StandardScaler {
    const ddof = options.ddof ?? 0;
    const m = matrixInput(x, "StandardScaler.fit", { minRows: ddof + 1 });
    const withMean = options.withMean ?? true;
    const f = standardJit(m, ddof, options.withStd ?? true, withMean, resultDType(x));
    return new StandardScaler(f.offset, f.scale, f.mean, f.variance, f.publicScale);
  }

  /** Fits on `x` and returns `x` standardised. */
  static fitTransform(x: Data, options: StandardScalerOptions = {}): nx.Tensor {
    return StandardScaler.fit(x, options).transform(x);
  }
}

/** StandardScaler's statistics: f64 offset and divisor, and the public forms in `dtype`. */
const standardJit = nx.jit(
  (m: nx.Tensor, ddof: number, withStd: boolean, withMean: boolean, dtype: "f32" | "f64") => {
    const mean = nx.mean(m, { axes: 0 });
    const d = nx.subtract(m, mean);
    const variance = nx.divide(nx.sum(nx.multiply(d, d), { axes: 0 }), m.shape[0]! - ddof);
    const scale = withStd ? safeDivisor(nx.sqrt(variance)) : nx.onesLike(mean);
    const offset = withMean ? mean : nx.zerosLike(mean);
    return {
      offset,
      scale,
      mean: nx.asType(offset, dtype),
      variance: nx.asType(variance, dtype),
      publicScale: nx.asType(scale, dtype),
    };
  },
);

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
    offset: nx.Tensor,
    divisor: nx.Tensor,
    min: nx.Tensor,
    max: nx.Tensor,
    dtype: "f32" | "f64",
  ) {
    super(offset, divisor);
    this.dataMin = nx.asType(min, dtype);
    this.dataMax = nx.asType(max, dtype);
  }

  /** Learns each feature's minimum and maximum. */
  static fit(x: Data, options: MinMaxScalerOptions = {}): MinMaxScaler {
    const [lo, hi] = options.featureRange ?? [0, 1];
    if (!(lo < hi))
      throw new RangeError(
        `MinMaxScaler.fit: featureRange must be [low, high] with low < high, got [${lo}, ${hi}]`,
      );
    const m = matrixInput(x, "MinMaxScaler.fit");
    const min = nx.reduceMin(m, { axes: 0 });
    const max = nx.reduceMax(m, { axes: 0 });
    const divisor = nx.divide(safeDivisor(nx.subtract(max, min)), hi - lo);
    const offset = nx.subtract(min, nx.multiply(divisor, lo));
    return new MinMaxScaler(offset, divisor, min, max, resultDType(x));
  }

  /** Fits on `x` and returns `x` rescaled. */
  static fitTransform(x: Data, options: MinMaxScalerOptions = {}): nx.Tensor {
    return MinMaxScaler.fit(x, options).transform(x);
  }
}

/**
 * The q-th percentile (0–100) of each column of `sorted` (columns sorted ascending), interpolating
 * linearly (NumPy's default).
 */
function percentileSorted(sorted: nx.Tensor, q: number): nx.Tensor {
  const rows = sorted.shape[0]!;
  const pos = (q / 100) * (rows - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, rows - 1);
  const at = (i: number) => nx.reshape(nx.sliceAlong(sorted, i, 1), [sorted.shape[1]!]);
  return nx.add(at(lo), nx.multiply(nx.subtract(at(hi), at(lo)), pos - lo));
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

  private constructor(center: nx.Tensor, scale: nx.Tensor, dtype: "f32" | "f64") {
    super(center, scale);
    this.center = nx.asType(center, dtype);
    this.scale = nx.asType(scale, dtype);
  }

  /** Learns each feature's median and interquartile range. */
  static fit(x: Data, options: RobustScalerOptions = {}): RobustScaler {
    const [qLo, qHi] = options.quantileRange ?? [25, 75];
    if (!(0 <= qLo && qLo < qHi && qHi <= 100))
      throw new RangeError(
        `RobustScaler.fit: quantileRange must satisfy 0 ≤ low < high ≤ 100, got [${qLo}, ${qHi}]`,
      );
    const m = matrixInput(x, "RobustScaler.fit");
    const sorted = nx.sort(m, { axis: 0 });
    const zeros = nx.zeros([m.shape[1]!], { dtype: "f64" });
    const center = (options.withCentering ?? true) ? percentileSorted(sorted, 50) : zeros;
    const scale =
      (options.withScaling ?? true)
        ? safeDivisor(nx.subtract(percentileSorted(sorted, qHi), percentileSorted(sorted, qLo)))
        : nx.onesLike(zeros);
    return new RobustScaler(center, scale, resultDType(x));
  }

  /** Fits on `x` and returns `x` scaled. */
  static fitTransform(x: Data, options: RobustScalerOptions = {}): nx.Tensor {
    return RobustScaler.fit(x, options).transform(x);
  }
}
