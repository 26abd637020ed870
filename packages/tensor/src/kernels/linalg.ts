/**
 * Dense linear-algebra kernels on row-major, contiguous typed arrays.
 *
 * Every kernel is batched: the input holds `batch` matrices back to back and
 * the caller preallocates the outputs, which are fully overwritten. Arithmetic
 * is done in JS doubles (through a small Float64Array scratch allocated once
 * per call) whatever the storage type, so Float32 inputs only lose precision
 * when results are written out. Each matrix is copied into scratch before its
 * result is written, so in `cholesky`, `triangularSolve` and `solve` the output
 * may be the very array passed as the same-shaped input (`a`, or `b`).
 */
import { formQ, householderQR } from "./householder.js";

/** Storage accepted and produced by the kernels. */
export type FloatArray = Float32Array | Float64Array;

/** Error class for linear-algebra failures (singular, not positive definite). */
export class LinalgError extends Error {
  override name = "LinalgError";
}

function checkDims(op: string, dims: Record<string, number>): void {
  for (const [name, value] of Object.entries(dims)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${value}`);
    }
  }
}

function checkLength(op: string, name: string, array: FloatArray, needed: number): void {
  if (array.length < needed) {
    throw new RangeError(`${op}: ${name} has length ${array.length}, needs at least ${needed}`);
  }
}

function failure(op: string, index: number, batch: number, what: string): LinalgError {
  return new LinalgError(`${op}: matrix ${index} of ${batch} is ${what}`);
}

/**
 * Lower Cholesky factor L (A = L Lᵀ) of each n×n matrix; the upper triangle of
 * `out` is set to 0. Only the lower triangle of `a` is read.
 *
 * @throws LinalgError if a matrix is not symmetric positive definite.
 */
export function cholesky(out: FloatArray, a: FloatArray, batch: number, n: number): void {
  checkDims("cholesky", { batch, n });
  const size = n * n;
  checkLength("cholesky", "a", a, batch * size);
  checkLength("cholesky", "out", out, batch * size);
  const l = new Float64Array(size);

  for (let b = 0; b < batch; b++) {
    const base = b * size;
    // Cholesky–Banachiewicz, row by row: both dot-product operands are rows of L.
    for (let i = 0; i < n; i++) {
      const rowI = i * n;
      for (let j = 0; j <= i; j++) {
        const rowJ = j * n;
        let sum = a[base + rowI + j];
        for (let k = 0; k < j; k++) sum -= l[rowI + k] * l[rowJ + k];
        if (j < i) {
          l[rowI + j] = sum / l[rowJ + j];
        } else {
          // `!(sum > 0)` also rejects NaN, as LAPACK's potrf does.
          if (!(sum > 0)) throw failure("cholesky", b, batch, "not symmetric positive definite");
          l[rowI + i] = Math.sqrt(sum);
        }
      }
    }
    for (let i = 0; i < n; i++) {
      const rowI = i * n;
      for (let j = 0; j <= i; j++) out[base + rowI + j] = l[rowI + j];
      for (let j = i + 1; j < n; j++) out[base + rowI + j] = 0;
    }
  }
}

/**
 * Solves op(T) X = B for each triangular n×n T and n×m B, writing X (n×m).
 *
 * @param lower T is lower triangular (otherwise upper); only that triangle is read.
 * @param transpose use Tᵀ in place of T.
 * @param unitDiagonal assume ones on the diagonal (the diagonal is not read).
 * @throws LinalgError if T has a zero on its diagonal (singular).
 */
export function triangularSolve(
  out: FloatArray,
  t: FloatArray,
  b: FloatArray,
  batch: number,
  n: number,
  m: number,
  lower: boolean,
  transpose: boolean,
  unitDiagonal: boolean,
): void {
  checkDims("triangularSolve", { batch, n, m });
  const tSize = n * n;
  const xSize = n * m;
  checkLength("triangularSolve", "t", t, batch * tSize);
  checkLength("triangularSolve", "b", b, batch * xSize);
  checkLength("triangularSolve", "out", out, batch * xSize);
  const x = new Float64Array(xSize);
  // op(T)[i][k] lives at T[i*rowStride + k*colStride].
  const rowStride = transpose ? 1 : n;
  const colStride = transpose ? n : 1;
  // Tᵀ of a lower matrix is upper, and vice versa.
  const forward = lower !== transpose;

  for (let bi = 0; bi < batch; bi++) {
    const tBase = bi * tSize;
    const xBase = bi * xSize;
    if (!unitDiagonal) {
      for (let i = 0; i < n; i++) {
        if (t[tBase + i * (n + 1)] === 0) {
          throw failure("triangularSolve", bi, batch, "singular (zero on the diagonal)");
        }
      }
    }
    for (let e = 0; e < xSize; e++) x[e] = b[xBase + e];

    for (let step = 0; step < n; step++) {
      const i = forward ? step : n - 1 - step;
      const rowX = i * m;
      const kStart = forward ? 0 : i + 1;
      const kEnd = forward ? i : n;
      // X[i,:] -= op(T)[i][k] * X[k,:] over the already-solved rows k.
      for (let k = kStart; k < kEnd; k++) {
        const coef = t[tBase + i * rowStride + k * colStride];
        if (coef === 0) continue;
        const rowK = k * m;
        for (let c = 0; c < m; c++) x[rowX + c] -= coef * x[rowK + c];
      }
      if (!unitDiagonal) {
        const inv = 1 / t[tBase + i * (n + 1)];
        for (let c = 0; c < m; c++) x[rowX + c] *= inv;
      }
    }
    for (let e = 0; e < xSize; e++) out[xBase + e] = x[e];
  }
}

/**
 * LU-factorises the n×n matrix in `lu` in place with partial pivoting (unit
 * lower factor below the diagonal, upper factor on and above it), applying the
 * same row operations to the n×m right-hand side `x` when m > 0. Returns the
 * permutation's sign (±1), or 0 as soon as a column has no nonzero pivot.
 *
 * With `perm` (holding 0 … n − 1 on entry) it records the row order instead:
 * row i of the factors is row `perm[i]` of the input, and a column without a
 * nonzero pivot is skipped (its multipliers 0) rather than stopping, so a
 * singular matrix still gets complete factors; the result is then 0.
 */
export function luEliminate(
  lu: Float64Array,
  n: number,
  x: Float64Array,
  m: number,
  perm?: Int32Array,
): number {
  let sign = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (best === 0) {
      if (!perm) return 0;
      singular = true;
      continue;
    }
    if (p !== k) {
      sign = -sign;
      swapRows(lu, n, k, p);
      if (m > 0) swapRows(x, m, k, p);
      if (perm) [perm[k], perm[p]] = [perm[p]!, perm[k]!];
    }
    const rowK = k * n;
    const pivot = lu[rowK + k];
    for (let i = k + 1; i < n; i++) {
      const rowI = i * n;
      const f = lu[rowI + k] / pivot;
      lu[rowI + k] = f;
      if (f === 0) continue;
      for (let c = k + 1; c < n; c++) lu[rowI + c] -= f * lu[rowK + c];
      for (let c = 0; c < m; c++) x[i * m + c] -= f * x[k * m + c];
    }
  }
  return singular ? 0 : sign;
}

function swapRows(data: Float64Array, width: number, r1: number, r2: number): void {
  const o1 = r1 * width;
  const o2 = r2 * width;
  for (let c = 0; c < width; c++) {
    const tmp = data[o1 + c];
    data[o1 + c] = data[o2 + c];
    data[o2 + c] = tmp;
  }
}

/**
 * Solves A X = B for each n×n A and n×m B by LU with partial pivoting, writing
 * X (n×m).
 *
 * @throws LinalgError if a matrix is singular (an exactly zero pivot).
 */
export function solve(
  out: FloatArray,
  a: FloatArray,
  b: FloatArray,
  batch: number,
  n: number,
  m: number,
): void {
  checkDims("solve", { batch, n, m });
  const aSize = n * n;
  const xSize = n * m;
  checkLength("solve", "a", a, batch * aSize);
  checkLength("solve", "b", b, batch * xSize);
  checkLength("solve", "out", out, batch * xSize);
  const lu = new Float64Array(aSize);
  const x = new Float64Array(xSize);

  for (let bi = 0; bi < batch; bi++) {
    const aBase = bi * aSize;
    const xBase = bi * xSize;
    for (let e = 0; e < aSize; e++) lu[e] = a[aBase + e];
    for (let e = 0; e < xSize; e++) x[e] = b[xBase + e];
    if (n > 0 && luEliminate(lu, n, x, m) === 0) throw failure("solve", bi, batch, "singular");
    // Back substitution with the upper factor.
    for (let i = n - 1; i >= 0; i--) {
      const rowX = i * m;
      for (let k = i + 1; k < n; k++) {
        const coef = lu[i * n + k];
        if (coef === 0) continue;
        const rowK = k * m;
        for (let c = 0; c < m; c++) x[rowX + c] -= coef * x[rowK + c];
      }
      const inv = 1 / lu[i * n + i];
      for (let c = 0; c < m; c++) x[rowX + c] *= inv;
    }
    for (let e = 0; e < xSize; e++) out[xBase + e] = x[e];
  }
}

/**
 * Determinant of each n×n matrix via LU with partial pivoting; `out` has length
 * `batch`. A singular matrix gives 0 (no throw); n = 0 gives 1.
 */
export function determinant(out: FloatArray, a: FloatArray, batch: number, n: number): void {
  checkDims("determinant", { batch, n });
  const size = n * n;
  checkLength("determinant", "a", a, batch * size);
  checkLength("determinant", "out", out, batch);
  const lu = new Float64Array(size);
  const none = new Float64Array(0);

  for (let bi = 0; bi < batch; bi++) {
    const base = bi * size;
    for (let e = 0; e < size; e++) lu[e] = a[base + e];
    let det = luEliminate(lu, n, none, 0);
    for (let i = 0; i < n && det !== 0; i++) det *= lu[i * n + i];
    out[bi] = det;
  }
}

/**
 * Householder QR of each m×n matrix, k = min(m, n), by the blocked factorisation of
 * `householder.ts`.
 *
 * - mode "reduced": `q` is m×k, `r` is k×n.
 * - mode "complete": `q` is m×m, `r` is m×n.
 *
 * Reflectors follow LAPACK's geqrf/orgqr (so results match numpy.linalg.qr):
 * each column's reflector maps it to β e₁ with β = −sign(α)‖x‖, and a column
 * that is already zero below the diagonal is left unreflected. The diagonal of
 * R may therefore be negative. With `withQ` false, `q` is not written (only R is wanted).
 */
export function qr(
  q: FloatArray,
  r: FloatArray,
  a: FloatArray,
  batch: number,
  m: number,
  n: number,
  mode: "reduced" | "complete",
  withQ = true,
): void {
  checkDims("qr", { batch, m, n });
  if (mode !== "reduced" && mode !== "complete") {
    throw new RangeError(`qr: mode must be "reduced" or "complete", got ${String(mode)}`);
  }
  const k = Math.min(m, n);
  const qCols = mode === "reduced" ? k : m;
  const rRows = qCols;
  const aSize = m * n;
  const qSize = m * qCols;
  const rSize = rRows * n;
  checkLength("qr", "a", a, batch * aSize);
  if (withQ) checkLength("qr", "q", q, batch * qSize);
  checkLength("qr", "r", r, batch * rSize);
  const w = new Float64Array(aSize);

  for (let bi = 0; bi < batch; bi++) {
    const aBase = bi * aSize;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a[aBase + i * n + j];
    const tau = householderQR(w, m, n);
    if (withQ) {
      const qs = formQ(w, m, tau, qCols);
      const qBase = bi * qSize;
      for (let i = 0; i < m; i++)
        for (let c = 0; c < qCols; c++) q[qBase + i * qCols + c] = qs[c * m + i];
    }
    const rBase = bi * rSize;
    for (let i = 0; i < rRows; i++) {
      const row = rBase + i * n;
      for (let c = 0; c < n; c++) r[row + c] = c >= i && i < k ? w[c * m + i] : 0;
    }
  }
}
