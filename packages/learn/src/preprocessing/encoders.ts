/**
 * Encoders for categorical features given as numbers (for example the integer codes a
 * categorical DataFrame column becomes): OneHotEncoder and OrdinalEncoder.
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

function learnCategories(m: Matrix): Float64Array[] {
  const out: Float64Array[] = [];
  for (let j = 0; j < m.cols; j++) {
    const seen = new Set<number>();
    for (let i = 0; i < m.rows; i++) seen.add(m.data[i * m.cols + j]!);
    out.push(Float64Array.from(seen).sort());
  }
  return out;
}

function categoryIndex(categories: Float64Array[]): Map<number, number>[] {
  return categories.map((c) => new Map(Array.from(c, (v, k) => [v, k] as [number, number])));
}

function categoriesTensors(categories: Float64Array[], dtype: "f32" | "f64"): nx.Tensor[] {
  return categories.map((c) => fromValues(c, [c.length], dtype));
}

/** Options of OneHotEncoder. */
export interface OneHotEncoderOptions {
  /** What to do with a category not seen in fit: "error" (default) or "ignore" (all zeros). */
  handleUnknown?: "error" | "ignore";
  /** "first" drops each feature's first category (avoids collinear columns); default none. */
  drop?: "first";
}

/**
 * Turns each categorical feature into one 0/1 column per category (sorted), as scikit-learn's
 * OneHotEncoder. Categories are learned by `fit`.
 */
export class OneHotEncoder {
  /** The categories of each input feature, sorted. */
  readonly categories: nx.Tensor[];
  readonly numFeatures: number;
  /** Number of output columns. */
  readonly numOutputs: number;
  private readonly cats: Float64Array[];
  private readonly index: Map<number, number>[];
  private readonly offsets: number[];
  private readonly handleUnknown: "error" | "ignore";
  private readonly dropFirst: boolean;

  private constructor(cats: Float64Array[], options: OneHotEncoderOptions, dtype: "f32" | "f64") {
    this.cats = cats;
    this.index = categoryIndex(cats);
    this.categories = categoriesTensors(cats, dtype);
    this.numFeatures = cats.length;
    this.handleUnknown = options.handleUnknown ?? "error";
    this.dropFirst = options.drop === "first";
    this.offsets = [];
    let total = 0;
    for (const c of cats) {
      this.offsets.push(total);
      total += this.dropFirst ? c.length - 1 : c.length;
    }
    this.numOutputs = total;
  }

  /** Learns the categories of each column of `x` (rows × features, or a vector: one feature). */
  static fit(x: Data, options: OneHotEncoderOptions = {}): OneHotEncoder {
    const m = toMatrix(x, "OneHotEncoder.fit");
    return new OneHotEncoder(learnCategories(m), options, resultDType(x));
  }

  /** Fits and encodes in one step. */
  static fitTransform(x: Data, options: OneHotEncoderOptions = {}): nx.Tensor {
    return OneHotEncoder.fit(x, options).transform(x);
  }

  /** The one-hot columns, `[rows, numOutputs]`. */
  transform(x: Data): nx.Tensor {
    const where = "OneHotEncoder.transform";
    const m = toMatrix(x, where);
    checkColumns(m, this.numFeatures, where);
    const out = new Float64Array(m.rows * this.numOutputs);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.cols; j++) {
        const v = m.data[i * m.cols + j]!;
        const k = this.index[j]!.get(v);
        if (k === undefined) {
          if (this.handleUnknown === "ignore") continue;
          throw new RangeError(
            `${where}: unknown category ${v} in feature ${j}, row ${i}; fit saw [${Array.from(this.cats[j]!).join(", ")}] (use handleUnknown: "ignore" to encode it as zeros)`,
          );
        }
        if (this.dropFirst && k === 0) continue;
        out[i * this.numOutputs + this.offsets[j]! + k - (this.dropFirst ? 1 : 0)] = 1;
      }
    }
    return fromValues(out, [m.rows, this.numOutputs], resultDType(x));
  }

  /** Back from one-hot columns to category values (the largest column of each block wins). */
  inverseTransform(x: Data): nx.Tensor {
    const where = "OneHotEncoder.inverseTransform";
    const m = toMatrix(x, where);
    checkColumns(m, this.numOutputs, where);
    const out = new Float64Array(m.rows * this.numFeatures);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < this.numFeatures; j++) {
        const cats = this.cats[j]!;
        const width = this.dropFirst ? cats.length - 1 : cats.length;
        let best = this.dropFirst ? 0 : -1;
        let bestValue = this.dropFirst ? 0 : -Infinity;
        for (let k = 0; k < width; k++) {
          const v = m.data[i * m.cols + this.offsets[j]! + k]!;
          if (v > bestValue) {
            bestValue = v;
            best = this.dropFirst ? k + 1 : k;
          }
        }
        if (!this.dropFirst && bestValue <= 0 && this.handleUnknown === "ignore") {
          throw new RangeError(`${where}: row ${i} has no category set for feature ${j}`);
        }
        out[i * this.numFeatures + j] = cats[best]!;
      }
    }
    return fromValues(out, [m.rows, this.numFeatures], resultDType(x));
  }
}

/** Maps each feature's categories to 0, 1, 2, … in sorted order (scikit-learn's OrdinalEncoder). */
export class OrdinalEncoder {
  /** The categories of each input feature, sorted; category k encodes as k. */
  readonly categories: nx.Tensor[];
  readonly numFeatures: number;
  private readonly cats: Float64Array[];
  private readonly index: Map<number, number>[];

  private constructor(cats: Float64Array[], dtype: "f32" | "f64") {
    this.cats = cats;
    this.index = categoryIndex(cats);
    this.categories = categoriesTensors(cats, dtype);
    this.numFeatures = cats.length;
  }

  /** Learns the categories of each column. */
  static fit(x: Data): OrdinalEncoder {
    const m = toMatrix(x, "OrdinalEncoder.fit");
    return new OrdinalEncoder(learnCategories(m), resultDType(x));
  }

  /** Fits and encodes in one step. */
  static fitTransform(x: Data): nx.Tensor {
    return OrdinalEncoder.fit(x).transform(x);
  }

  /** Category codes, `[rows, features]`. */
  transform(x: Data): nx.Tensor {
    const where = "OrdinalEncoder.transform";
    const m = toMatrix(x, where);
    checkColumns(m, this.numFeatures, where);
    const out = new Float64Array(m.data.length);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.cols; j++) {
        const v = m.data[i * m.cols + j]!;
        const k = this.index[j]!.get(v);
        if (k === undefined)
          throw new RangeError(
            `${where}: unknown category ${v} in feature ${j}, row ${i}; fit saw [${Array.from(this.cats[j]!).join(", ")}]`,
          );
        out[i * m.cols + j] = k;
      }
    }
    return fromValues(out, [m.rows, m.cols], resultDType(x));
  }

  /** Category values back from codes. */
  inverseTransform(x: Data): nx.Tensor {
    const where = "OrdinalEncoder.inverseTransform";
    const m = toMatrix(x, where);
    checkColumns(m, this.numFeatures, where);
    const out = new Float64Array(m.data.length);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.cols; j++) {
        const k = m.data[i * m.cols + j]!;
        const cats = this.cats[j]!;
        if (!Number.isInteger(k) || k < 0 || k >= cats.length)
          throw new RangeError(
            `${where}: code ${k} in feature ${j}, row ${i} is not in 0…${cats.length - 1}`,
          );
        out[i * m.cols + j] = cats[k]!;
      }
    }
    return fromValues(out, [m.rows, m.cols], resultDType(x));
  }
}
