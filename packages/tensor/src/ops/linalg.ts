/** Linear algebra: dot products with contraction and batch axes, matmul, and matrix factorizations. */
import { bind } from "../core.js";
import { isComplex, isFloat, promoteTypes } from "../dtype.js";
import { formatType } from "../format.js";
import * as p from "../primitives/linalg.js";
import { normalizeAxis, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { complexProduct } from "./complex.js";
import { eye, iota } from "./creation.js";
import * as e from "./elementwise.js";
import { checkBoolean, checkChoice, checkInteger, checkNumber, checkOptions } from "./check.js";
import * as reduce from "./reduce.js";
import { broadcastTo, newAxis, reshape, sliceAlong, squeeze, transpose } from "./shape.js";
import { describeValue } from "../describe.js";

function checkMatrixOperand(x: unknown, op: string): asserts x is Tensor {
  if (!(x instanceof Tensor))
    throw new TypeError(`${op}: expected a Tensor, got ${describeValue(x)}`);
}

/**
 * @internal Binds the matmul primitive (promoting dtypes); a complex product is four real ones
 * on the parts (no conjugation, as Nx.dot and NumPy's matmul).
 */
export function matmulPrim(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const dtype = promoteTypes(a.dtype, b.dtype);
  const product = (x: Tensor, y: Tensor) => bind(p.matmul, [x, y], { transA, transB });
  const [x, y] = [e.cast(a, dtype), e.cast(b, dtype)];
  return isComplex(dtype) ? complexProduct(x, y, product) : product(x, y);
}

/** Swaps the last two axes. */
export function matrixTranspose(x: Tensor): Tensor {
  checkMatrices("matrixTranspose", x);
  const perm = x.shape.map((_, i) => i);
  perm.splice(-2, 2, x.rank - 1, x.rank - 2);
  return transpose(x, perm);
}

/** `x` is a tensor with at least two axes (a batch of matrices). */
function checkMatrices(op: string, x: unknown): asserts x is Tensor {
  checkMatrixOperand(x, op);
  if (x.rank < 2)
    throw new RangeError(`${op}: expected matrices (…, m, n), got ${formatType(x.shape, x.dtype)}`);
}

function checkAxes(op: string, x: Tensor, axes: readonly number[]): number[] {
  if (!Array.isArray(axes)) throw new TypeError(`${op}: axes must be an array of integers`);
  return axes.map((a) => normalizeAxis(op, a, x.rank));
}

/**
 * Generalised dot product (as Nx.dot/6): contracts `contractA` of `a` with `contractB` of `b`, pairs
 * `batchA` with `batchB`, and returns batch axes, then a's free axes, then b's free axes.
 */
export function dotGeneral(
  a: Tensor,
  contractA: readonly number[],
  batchA: readonly number[],
  b: Tensor,
  contractB: readonly number[],
  batchB: readonly number[],
): Tensor {
  checkMatrixOperand(a, "dot");
  checkMatrixOperand(b, "dot");
  const [ca, ba, cb, bb] = [
    checkAxes("dot", a, contractA),
    checkAxes("dot", a, batchA),
    checkAxes("dot", b, contractB),
    checkAxes("dot", b, batchB),
  ];
  const mismatch = (what: string, xs: number[], ys: number[]) =>
    xs.length !== ys.length || xs.some((x, i) => a.shape[x] !== b.shape[ys[i]!])
      ? new RangeError(
          `dot: ${what} axes [${xs.join(", ")}] of ${formatType(a.shape, a.dtype)} do not match axes [${ys.join(", ")}] of ${formatType(b.shape, b.dtype)}`,
        )
      : undefined;
  const err = mismatch("contraction", ca, cb) ?? mismatch("batch", ba, bb);
  if (err) throw err;
  for (const [x, axes] of [
    [a, [...ca, ...ba]],
    [b, [...cb, ...bb]],
  ] as const) {
    if (new Set(axes).size !== axes.length)
      throw new RangeError(
        `dot: the contraction and batch axes [${axes.join(", ")}] of ${formatType(x.shape, x.dtype)} repeat an axis`,
      );
  }
  const freeA = a.shape.map((_, i) => i).filter((i) => !ca.includes(i) && !ba.includes(i));
  const freeB = b.shape.map((_, i) => i).filter((i) => !cb.includes(i) && !bb.includes(i));
  const size = (x: Tensor, axes: number[]) => sizeOf(axes.map((i) => x.shape[i]!));
  const [B, M, K, N] = [size(a, ba), size(a, freeA), size(a, ca), size(b, freeB)];
  const inOrder = (axes: number[]) => axes.every((x, i) => x === i);
  const transA = !inOrder([...ba, ...freeA, ...ca]) && inOrder([...ba, ...ca, ...freeA]);
  const transB = !inOrder([...bb, ...cb, ...freeB]) && inOrder([...bb, ...freeB, ...cb]);
  const a3 = reshape(
    transpose(a, transA ? [...ba, ...ca, ...freeA] : [...ba, ...freeA, ...ca]),
    transA ? [B, K, M] : [B, M, K],
  );
  const b3 = reshape(
    transpose(b, transB ? [...bb, ...freeB, ...cb] : [...bb, ...cb, ...freeB]),
    transB ? [B, N, K] : [B, K, N],
  );
  const out = matmulPrim(a3, b3, transA, transB);
  return reshape(out, [
    ...ba.map((i) => a.shape[i]!),
    ...freeA.map((i) => a.shape[i]!),
    ...freeB.map((i) => b.shape[i]!),
  ]);
}

/**
 * Dot product, as Nx.dot: `dot(a, b)` follows NumPy's dot (scalars multiply; vectors give the inner
 * product; otherwise the last axis of a meets the second-to-last of b, or the last if b is 1-D);
 * `dot(a, contractA, b, contractB)` names the contracted axes; `dot(a, contractA, batchA, b,
 * contractB, batchB)` adds batch axes.
 */
export function dot(a: Tensor, b: Tensor): Tensor;
export function dot(
  a: Tensor,
  contractA: readonly number[],
  b: Tensor,
  contractB: readonly number[],
): Tensor;
export function dot(
  a: Tensor,
  contractA: readonly number[],
  batchA: readonly number[],
  b: Tensor,
  contractB: readonly number[],
  batchB: readonly number[],
): Tensor;
export function dot(a: Tensor, ...rest: any[]): Tensor {
  if (rest.length === 1) {
    const b = rest[0] as Tensor;
    checkMatrixOperand(a, "dot");
    checkMatrixOperand(b, "dot");
    if (a.rank === 0 || b.rank === 0) return e.multiply(a, b);
    return dotGeneral(a, [a.rank - 1], [], b, [b.rank === 1 ? 0 : b.rank - 2], []);
  }
  if (rest.length === 3) return dotGeneral(a, rest[0], [], rest[1], rest[2], []);
  if (rest.length === 5) return dotGeneral(a, rest[0], rest[1], rest[2], rest[3], rest[4]);
  throw new TypeError(`dot: expected 2, 4 or 6 arguments, got ${rest.length + 1}`);
}

/**
 * Matrix product with NumPy's `@` rules: the last two axes multiply, leading (batch) axes broadcast,
 * and 1-D operands are treated as a row (a) or a column (b) vector.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkMatrixOperand(a, "matmul");
  checkMatrixOperand(b, "matmul");
  if (a.rank === 0 || b.rank === 0)
    throw new RangeError("matmul: operands must have at least one axis; use multiply for scalars");
  const a2 = a.rank === 1 ? newAxis(a, 0) : a;
  const b2 = b.rank === 1 ? newAxis(b, 1) : b;
  if (a2.shape.at(-1) !== b2.shape.at(-2)) {
    throw new RangeError(
      `matmul: cannot multiply ${formatType(a.shape, a.dtype)} by ${formatType(b.shape, b.dtype)}: inner sizes ${a2.shape.at(-1)} and ${b2.shape.at(-2)} differ`,
    );
  }
  const batchA = a2.shape.slice(0, -2);
  const batchB = b2.shape.slice(0, -2);
  const n = Math.max(batchA.length, batchB.length);
  const batch: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = batchA[batchA.length - n + i] ?? 1;
    const y = batchB[batchB.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new RangeError(
        `matmul: cannot broadcast the batch axes of ${formatType(a.shape, a.dtype)} and ${formatType(b.shape, b.dtype)}`,
      );
    }
    batch.push(Math.max(x, y));
  }
  const A = broadcastTo(a2, [...batch, ...a2.shape.slice(-2)]);
  const B = broadcastTo(b2, [...batch, ...b2.shape.slice(-2)]);
  const flatA = reshape(A, [sizeOf(batch), ...A.shape.slice(-2)]);
  const flatB = reshape(B, [sizeOf(batch), ...B.shape.slice(-2)]);
  let out = reshape(matmulPrim(flatA, flatB, false, false), [
    ...batch,
    a2.shape.at(-2)!,
    b2.shape.at(-1)!,
  ]);
  if (a.rank === 1) out = squeeze(out, { axes: out.rank - 2 });
  if (b.rank === 1) out = squeeze(out, { axes: out.rank - 1 });
  return out;
}

/** Outer product of the flattened inputs: shape [a.size, b.size]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkMatrixOperand(a, "outer");
  checkMatrixOperand(b, "outer");
  return e.multiply(reshape(a, [-1, 1]), reshape(b, [1, -1]));
}

/** 1 where row ≥ column + k over the last two axes (u8). */
function lowerMask(rows: number, cols: number, k = 0): Tensor {
  const i = iota([rows, cols], { axis: 0 });
  const j = iota([rows, cols], { axis: 1 });
  return e.greaterEqual(e.add(i, k), j);
}

/**
 * An n×m u8 matrix with ones on and below diagonal `k` (0 the main one, > 0 above it) and zeros
 * elsewhere, as Nx.tri and `numpy.tri`.
 */
export function tri(n: number, m: number = n, options: { k?: number } = {}): Tensor {
  checkInteger("tri", "n", n, 0);
  checkInteger("tri", "m", m, 0);
  return lowerMask(n, m, checkInteger("tri", "k", checkOptions("tri", options).k ?? 0));
}

/** The lower triangle (on and below diagonal `k`) of each matrix; the rest set to 0. */
export function tril(x: Tensor, k = 0): Tensor {
  checkMatrices("tril", x);
  checkInteger("tril", "k", k);
  return e.select(lowerMask(x.shape.at(-2)!, x.shape.at(-1)!, k), x, 0);
}

/** The upper triangle (on and above diagonal `k`) of each matrix; the rest set to 0. */
export function triu(x: Tensor, k = 0): Tensor {
  checkMatrices("triu", x);
  checkInteger("triu", "k", k);
  return e.select(lowerMask(x.shape.at(-2)!, x.shape.at(-1)!, k - 1), 0, x);
}

/** @internal Only the diagonal of each matrix, zeros elsewhere. */
export function diagonalMatrix(x: Tensor): Tensor {
  return e.multiply(x, eye(x.shape.at(-2)!, { m: x.shape.at(-1)!, dtype: x.dtype }));
}

/** @internal Each matrix with its diagonal halved. */
export function halveDiagonal(x: Tensor): Tensor {
  return e.subtract(x, e.multiply(diagonalMatrix(x), 0.5));
}

/** @internal Adds two trailing axes of size 1 (a per-matrix scalar that broadcasts over matrices). */
export function expandBatch(x: Tensor): Tensor {
  return reshape(x, [...x.shape, 1, 1]);
}

function asFloat(x: Tensor): Tensor {
  return isFloat(x.dtype) ? x : e.cast(x, "f32");
}

/** Lower Cholesky factor L of symmetric positive-definite matrices (A = L Lᵀ). */
export function cholesky(a: Tensor): Tensor {
  checkMatrixOperand(a, "cholesky");
  return bind(p.cholesky, [asFloat(a)]);
}

/** Options of `triangularSolve`. */
export interface TriangularSolveOptions {
  /** `a` is lower triangular (default true). */
  lower?: boolean;
  /** Solve with aᵀ instead of a. */
  transposeA?: boolean;
  /** Assume ones on the diagonal. */
  unitDiagonal?: boolean;
}

/** Solves a X = b for triangular a (b a vector or matrices). */
export function triangularSolve(
  a: Tensor,
  b: Tensor,
  options: TriangularSolveOptions = {},
): Tensor {
  checkMatrixOperand(a, "triangularSolve");
  checkMatrixOperand(b, "triangularSolve");
  const dtype = promoteTypes(asFloat(a).dtype, asFloat(b).dtype);
  const vector = b.rank === a.rank - 1;
  const rhs = vector ? newAxis(b, -1) : b;
  const o = checkOptions("triangularSolve", options);
  const params = {
    lower: checkBoolean("triangularSolve", "lower", o.lower, true),
    transpose: checkBoolean("triangularSolve", "transposeA", o.transposeA, false),
    unitDiagonal: checkBoolean("triangularSolve", "unitDiagonal", o.unitDiagonal, false),
  };
  const x = bind(p.triangularSolve, [e.cast(a, dtype), e.cast(rhs, dtype)], params);
  return vector ? squeeze(x, { axes: -1 }) : x;
}

/** @internal Binds the solve primitive on matrices of one dtype. */
export function solveMatrix(a: Tensor, b: Tensor): Tensor {
  const dtype = promoteTypes(asFloat(a).dtype, asFloat(b).dtype);
  return bind(p.solve, [e.cast(a, dtype), e.cast(b, dtype)]);
}

/** Solves a x = b for square a (b a vector or matrices), by LU with partial pivoting. */
export function solve(a: Tensor, b: Tensor): Tensor {
  checkMatrixOperand(a, "solve");
  checkMatrixOperand(b, "solve");
  if (b.rank === a.rank - 1) return squeeze(solveMatrix(a, newAxis(b, -1)), { axes: -1 });
  return solveMatrix(a, b);
}

/** The inverse of square matrices. */
export function inverse(a: Tensor): Tensor {
  checkMatrixOperand(a, "inverse");
  const n = a.shape.at(-1)!;
  return solveMatrix(a, broadcastTo(eye(n, { dtype: asFloat(a).dtype }), a.shape));
}

/** Determinant of square matrices. */
export function determinant(a: Tensor): Tensor {
  checkMatrixOperand(a, "determinant");
  return bind(p.determinant, [asFloat(a)]);
}

/** Householder QR: `{ q, r }` with a = q·r (mode "reduced" by default, or "complete"). */
export function qr(
  a: Tensor,
  options: { mode?: "reduced" | "complete" } = {},
): { q: Tensor; r: Tensor } {
  checkMatrixOperand(a, "qr");
  const mode = checkChoice("qr", "mode", checkOptions("qr", options).mode ?? "reduced", [
    "reduced",
    "complete",
  ]);
  const x = asFloat(a);
  return { q: bind(p.qrQ, [x], { mode }), r: bind(p.qrR, [x], { mode }) };
}

/**
 * Thin singular value decomposition `a = u · diag(s) · vt` of matrices (…, m, n), k = min(m, n):
 * `u` (…, m, k), `s` (…, k) descending, `vt` (…, k, n), by one-sided Jacobi rotations in f64 (as
 * `numpy.linalg.svd(a, full_matrices=False)`, up to the signs of singular vector pairs).
 * Differentiable where the singular values are distinct and nonzero (repeated or zero singular
 * values make the derivative undefined: it comes out infinite or NaN).
 */
export function svd(a: Tensor): { u: Tensor; s: Tensor; vt: Tensor } {
  checkMatrices("svd", a);
  const [m, n] = a.shape.slice(-2) as [number, number];
  const k = Math.min(m, n);
  const batch = a.shape.slice(0, -2);
  const packed = bind(p.svd, [asFloat(a)]);
  const part = (from: number, size: number, shape: number[]) =>
    reshape(sliceAlong(packed, from, size, { axis: -1 }), [...batch, ...shape]);
  return {
    s: part(0, k, [k]),
    vt: part(k, k * n, [k, n]),
    u: part(k + k * n, m * k, [m, k]),
  };
}

/**
 * Least squares: the `solution` x minimising ‖a·x − b‖ for a matrix `a` (m, n) and `b` (m) or
 * (m, k), the minimum-norm one when `a` is rank-deficient (as `numpy.linalg.lstsq`), and `rank`,
 * a's numerical rank (an s32 scalar). Computed in f64 by a column-pivoted Householder QR, whose
 * diagonal gives the rank (|Rⱼⱼ| above max(m, n)·eps·|R₀₀|); a rank-deficient or wide `a` goes
 * through an SVD (singular values above max(m, n)·eps·σ₁). Differentiable with respect to `a`
 * and `b` when `a` is tall or square with full column rank (through the normal equations);
 * differentiating with a wide `a` is an error.
 */
export function leastSquares(a: Tensor, b: Tensor): { solution: Tensor; rank: Tensor } {
  checkMatrixOperand(a, "leastSquares");
  checkMatrixOperand(b, "leastSquares");
  if (a.rank !== 2 || (b.rank !== 1 && b.rank !== 2) || b.shape[0] !== a.shape[0]) {
    throw new RangeError(
      `leastSquares: expected a (m, n) and b (m) or (m, k), got a ${formatType(a.shape, a.dtype)} and b ${formatType(b.shape, b.dtype)}`,
    );
  }
  const dtype = promoteTypes(asFloat(a).dtype, asFloat(b).dtype);
  const rhs = b.rank === 1 ? newAxis(b, -1) : b;
  const [n, k] = [a.shape[1]!, rhs.shape[1]!];
  const packed = bind(p.leastSquares, [e.cast(a, dtype), e.cast(rhs, dtype)]);
  const x = reshape(sliceAlong(packed, 0, n * k), b.rank === 1 ? [n] : [n, k]);
  const rank = e.cast(reshape(sliceAlong(packed, n * k, 1), []), "s32");
  return { solution: x, rank };
}

/**
 * Eigendecomposition of symmetric matrices (…, n, n), as Nx.LinAlg.eigh: `eigenvals` (…, n) and
 * `eigenvecs` (…, n, n) whose columns are orthonormal eigenvectors, a = eigenvecs ·
 * diag(eigenvals) · eigenvecsᵀ. Eigenvalues come in decreasing magnitude, as Nx's reference
 * implementation orders them (the larger value first when magnitudes tie; numpy.linalg.eigh
 * orders them ascending instead), and each eigenvector is signed so that its largest component
 * is positive. Computed in f64 by cyclic Jacobi rotations on the symmetric part (a + aᵀ)/2, so a
 * symmetric input is read as is. Integer inputs are read as f32.
 *
 * Differentiable where the eigenvalues are distinct; repeated eigenvalues make the derivative
 * undefined (it comes out infinite or NaN). The gradient is symmetric.
 */
export function eigh(a: Tensor): { eigenvals: Tensor; eigenvecs: Tensor } {
  checkMatrixOperand(a, "eigh");
  const n = a.shape.at(-1) ?? 0;
  const batch = a.shape.slice(0, -2);
  const packed = bind(p.eigh, [asFloat(a)]);
  return {
    eigenvals: sliceAlong(packed, 0, n, { axis: -1 }),
    eigenvecs: reshape(sliceAlong(packed, n, n * n, { axis: -1 }), [...batch, n, n]),
  };
}

/**
 * LU factorisation with partial pivoting of square matrices (…, n, n), as Nx.LinAlg.lu:
 * `{ p, l, u }` with a = p · l · u, `p` a permutation matrix (of a's dtype, as Nx), `l` unit lower
 * triangular with entries of magnitude at most 1 and `u` upper triangular (as
 * `scipy.linalg.lu`: each step pivots on the largest magnitude in its column). Computed in f64;
 * a singular matrix gets factors with a zero on u's diagonal.
 *
 * Differentiable with respect to `a` through `l` and `u` for nonsingular matrices (`p` is
 * piecewise constant and gets no gradient).
 */
export function lu(a: Tensor): { p: Tensor; l: Tensor; u: Tensor } {
  checkMatrixOperand(a, "lu");
  const packed = bind(p.lu, [asFloat(a)]);
  const part = (i: number) =>
    squeeze(sliceAlong(packed, i, 1, { axis: -3 }), { axes: packed.rank - 3 });
  const perm = part(0);
  return { p: a.dtype === perm.dtype ? perm : e.cast(perm, a.dtype), l: part(1), u: part(2) };
}

/** Options of `pinv`. */
export interface PinvOptions {
  /** Singular values below this are treated as zero (default 1e-10, as Nx). */
  eps?: number;
}

/**
 * Moore–Penrose pseudo-inverse, as Nx.LinAlg.pinv: for matrices (…, m, n) the (…, n, m) matrices
 * v · diag(1/s) · uᵀ from the thin `svd`, where singular values below `eps` (an absolute
 * threshold, default 1e-10) count as zero; for a vector x, x / ‖x‖² (zeros when ‖x‖ < eps); for
 * a scalar, its reciprocal (0 when its magnitude is below eps). Integer inputs are read as f32.
 *
 * Written with `svd` and elementwise ops, so it is differentiable where the SVD is (full rank,
 * distinct singular values).
 */
export function pinv(a: Tensor, options: PinvOptions = {}): Tensor {
  checkMatrixOperand(a, "pinv");
  const o = checkOptions("pinv", options);
  const eps = o.eps === undefined ? 1e-10 : checkNumber("pinv", "eps", o.eps);
  if (!(eps >= 0)) throw new RangeError(`pinv: eps must be a non-negative number, got ${eps}`);
  const x = asFloat(a);
  /** 1/v, or 0 where `small`. */
  const reciprocal = (v: Tensor, small: Tensor) =>
    e.select(small, 0, e.divide(1, e.select(small, 1, v)));
  if (x.rank === 0) return reciprocal(x, e.less(e.abs(x), eps));
  if (x.rank === 1) {
    const squared = reduce.sum(e.multiply(x, x));
    return e.multiply(x, reciprocal(squared, e.less(e.sqrt(squared), eps)));
  }
  const { u, s, vt } = svd(x);
  const inv = reciprocal(s, e.less(s, eps));
  // (diag(1/s) vt)ᵀ uᵀ = v diag(1/s) uᵀ
  return matmulPrim(e.multiply(vt, newAxis(inv, -1)), u, true, true);
}
