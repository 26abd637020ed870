/** Polynomial feature expansion (scikit-learn's PolynomialFeatures). */
import type * as nx from "@dendrite/tensor";
import {
  checkColumns,
  checkNumber,
  fromValues,
  resultDType,
  toMatrix,
  type Data,
  type Matrix,
} from "../input.js";

/**
 * The exponent vectors of every monomial of `features` variables with total degree 1 … `degree`
 * (and degree 0 first when `includeBias`), in scikit-learn's order: by degree, then
 * lexicographically by the features involved (x0², x0·x1, x1², …).
 */
export function polynomialPowers(
  features: number,
  degree: number,
  options: { includeBias: boolean; interactionOnly: boolean },
): Int32Array[] {
  const out: Int32Array[] = [];
  if (options.includeBias) out.push(new Int32Array(features));
  const combo: number[] = [];
  const visit = (start: number, remaining: number): void => {
    if (remaining === 0) {
      const p = new Int32Array(features);
      for (const f of combo) p[f] = p[f]! + 1;
      out.push(p);
      return;
    }
    for (let f = start; f < features; f++) {
      combo.push(f);
      visit(options.interactionOnly ? f + 1 : f, remaining - 1);
      combo.pop();
    }
  };
  for (let d = 1; d <= degree; d++) visit(0, d);
  return out;
}

/** Each row of `x` expanded into the monomials `powers`. */
export function polynomialExpand(x: Matrix, powers: Int32Array[]): Matrix {
  const { rows, cols } = x;
  const k = powers.length;
  const data = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    for (let t = 0; t < k; t++) {
      const p = powers[t]!;
      let v = 1;
      for (let j = 0; j < cols; j++) {
        const e = p[j]!;
        if (e === 0) continue;
        const xv = x.data[i * cols + j]!;
        v *= e === 1 ? xv : e === 2 ? xv * xv : xv ** e;
      }
      data[i * k + t] = v;
    }
  }
  return { rows, cols: k, data };
}

/** Options of PolynomialFeatures. */
export interface PolynomialFeaturesOptions {
  /** Largest total degree (default 2). */
  degree?: number;
  /** Keep only products of distinct features (default false). */
  interactionOnly?: boolean;
  /** Start with a column of ones (default true, as scikit-learn). */
  includeBias?: boolean;
}

/**
 * Expands features into all their monomials up to a degree: [a, b] at degree 2 gives
 * [1, a, b, a², ab, b²] (scikit-learn's PolynomialFeatures, same column order).
 */
export class PolynomialFeatures {
  /** Exponents of each output column: `[outputs, inputs]`. */
  readonly powers: nx.Tensor;
  readonly numInputs: number;
  readonly numOutputs: number;
  private readonly table: Int32Array[];

  private constructor(table: Int32Array[], inputs: number) {
    this.table = table;
    this.numInputs = inputs;
    this.numOutputs = table.length;
    const flat = new Float64Array(table.length * inputs);
    table.forEach((p, t) => flat.set(p, t * inputs));
    this.powers = fromValues(flat, [table.length, inputs], "s32");
  }

  /** Learns the number of input features. */
  static fit(x: Data, options: PolynomialFeaturesOptions = {}): PolynomialFeatures {
    const where = "PolynomialFeatures.fit";
    const degree = checkNumber(options.degree ?? 2, "degree", where, { min: 1, integer: true });
    const m = toMatrix(x, where, { allowNonFinite: true });
    return new PolynomialFeatures(
      polynomialPowers(m.cols, degree, {
        includeBias: options.includeBias ?? true,
        interactionOnly: options.interactionOnly ?? false,
      }),
      m.cols,
    );
  }

  /** Fits and expands `x` in one step. */
  static fitTransform(x: Data, options: PolynomialFeaturesOptions = {}): nx.Tensor {
    return PolynomialFeatures.fit(x, options).transform(x);
  }

  /** The expanded features, `[rows, numOutputs]`. */
  transform(x: Data): nx.Tensor {
    const m = toMatrix(x, "PolynomialFeatures.transform");
    checkColumns(m, this.numInputs, "PolynomialFeatures.transform");
    const e = polynomialExpand(m, this.table);
    return fromValues(e.data, [e.rows, e.cols], resultDType(x));
  }

  /** Readable names of the output columns, e.g. `["1", "x0", "x1", "x0^2", "x0 x1", "x1^2"]`. */
  featureNames(inputNames?: string[]): string[] {
    const names = inputNames ?? Array.from({ length: this.numInputs }, (_, j) => `x${j}`);
    if (names.length !== this.numInputs)
      throw new RangeError(
        `PolynomialFeatures.featureNames: got ${names.length} names for ${this.numInputs} inputs`,
      );
    return this.table.map((p) => {
      const parts: string[] = [];
      p.forEach((e, j) => {
        if (e > 0) parts.push(e === 1 ? names[j]! : `${names[j]}^${e}`);
      });
      return parts.length === 0 ? "1" : parts.join(" ");
    });
  }
}
