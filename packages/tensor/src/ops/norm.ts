/**
 * `norm`: vector and matrix norms (Nx's `Nx.LinAlg.norm`, NumPy's `linalg.norm`), as reductions
 * (and, for the spectral and nuclear matrix norms, the singular values).
 */
import { isHalf } from "../half.js";
import { show } from "../describe.js";
import { formatShape } from "../format.js";
import { normalizeAxis } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { checkBoolean, checkOptions, checkTensorArg } from "./check.js";
import * as e from "./elementwise.js";
import { svd } from "./linalg.js";
import { reduceMax, reduceMin, sum } from "./reduce.js";
import { newAxis, reshape, transpose } from "./shape.js";

/** Options of `norm`. */
export interface NormOptions {
  /**
   * Vectors: a number p (Σ|x|ᵖ)^(1/p) (default 2), `Infinity`, `-Infinity`, or 0 (the count of
   * non-zeros). Matrices (two axes): `"fro"` (default), `"nuc"`, 1, −1, 2, −2, `Infinity`,
   * `-Infinity`, as NumPy.
   */
  ord?: number | "fro" | "nuc";
  /** One axis (a vector norm) or two (a matrix norm); default: the whole tensor of rank 1 or 2. */
  axes?: readonly number[];
  /** Keep the reduced axes with size 1 (default false). */
  keepAxes?: boolean;
}

/** √s with a zero (sub)gradient where s is 0, as PyTorch's norm. */
function safeSqrt(s: Tensor): Tensor {
  const positive = e.greater(s, 0);
  return e.select(positive, e.sqrt(e.select(positive, s, 1)), 0);
}

/**
 * The norm of `x` over `axes` (Nx's `LinAlg.norm`). The 2-norm and the Frobenius norm have a zero
 * gradient at zero; the spectral and nuclear norms are differentiable through the SVD where the
 * singular values are distinct and non-zero.
 *
 * @example
 * nx.norm(nx.tensor([3, 4])) // 5
 * nx.norm(m, { ord: "nuc" })
 */
export function norm(x: Tensor, options: NormOptions = {}): Tensor {
  checkTensorArg("norm", x, "x");
  // f16 and bf16 are computed in f32 (their squares overflow early) and rounded once.
  if (isHalf(x.dtype)) return e.cast(norm(e.cast(x, "f32"), options), x.dtype);
  const o = checkOptions("norm", options);
  const keepAxes = checkBoolean("norm", "keepAxes", o.keepAxes, false);
  const given = o.axes;
  if (given !== undefined && (!Array.isArray(given) || given.length < 1 || given.length > 2))
    throw new RangeError(`norm: axes must list one or two axes, got ${show(given)}`);
  if (given === undefined && o.ord !== undefined && x.rank !== 1 && x.rank !== 2)
    throw new RangeError(
      `norm: with ord, x must be a vector or a matrix (or pass axes), got shape ${formatShape(x.shape)}`,
    );
  const axes =
    given === undefined
      ? x.shape.map((_, i) => i)
      : (given as number[]).map((a) => normalizeAxis("norm", a, x.rank));
  if (new Set(axes).size !== axes.length)
    throw new RangeError(`norm: axes repeat, got ${show(given)}`);
  const ord = o.ord;
  const abs = e.abs(e.cast(x, x.dtype === "f64" ? "f64" : "f32"));
  const reduceOpts = { axes, keepAxes };
  if (ord === undefined || (ord === "fro" && axes.length === 2) || (ord === 2 && axes.length === 1))
    return safeSqrt(sum(e.multiply(abs, abs), reduceOpts));
  if (axes.length === 1) {
    if (typeof ord !== "number")
      throw new RangeError(`norm: a vector norm's ord is a number, got ${show(ord)}`);
    if (ord === Infinity) return reduceMax(abs, reduceOpts);
    if (ord === -Infinity) return reduceMin(abs, reduceOpts);
    if (ord === 0) return sum(e.cast(e.notEqual(abs, 0), abs.dtype), reduceOpts);
    if (ord === 1) return sum(abs, reduceOpts);
    return e.pow(sum(e.pow(abs, ord), reduceOpts), 1 / ord);
  }
  const [r, c] = axes as [number, number];
  switch (ord) {
    case 1:
    case -1:
    case Infinity:
    case -Infinity: {
      // 1: the largest column sum; ∞: the largest row sum; negative: the smallest.
      const inner = ord === 1 || ord === -1 ? r : c;
      const outer = inner === r ? c : r;
      const sums = sum(abs, { axes: [inner], keepAxes: true });
      const pick = ord > 0 ? reduceMax : reduceMin;
      const y = pick(sums, { axes: [outer], keepAxes: true });
      return keepAxes
        ? y
        : reshape(
            y,
            x.shape.filter((_, i) => i !== r && i !== c),
          );
    }
    case 2:
    case -2:
    case "nuc": {
      const rest = x.shape.map((_, i) => i).filter((i) => i !== r && i !== c);
      const s = svd(
        transpose(abs.dtype === "f64" ? e.cast(x, "f64") : e.cast(x, "f32"), [...rest, r, c]),
      ).s;
      const y =
        ord === "nuc"
          ? sum(s, { axes: [-1] })
          : (ord === 2 ? reduceMax : reduceMin)(s, { axes: [-1] });
      return keepAxes ? [r, c].sort((a, b) => a - b).reduce((t, a) => newAxis(t, a), y) : y;
    }
    default:
      throw new RangeError(
        `norm: a matrix norm's ord is "fro", "nuc", 1, -1, 2, -2, Infinity or -Infinity, got ${show(ord)}`,
      );
  }
}
