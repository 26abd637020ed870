/**
 * Linear least squares min ‖A X − B‖, minimum-norm when A is rank-deficient (as LAPACK's xGELSD
 * and numpy.linalg.lstsq): a column-pivoted Householder QR reveals the rank, and a rank-deficient
 * or wide problem goes through an SVD. A tall A (m ≥ 2n) is first reduced to its n × n R by the
 * blocked QR, and the pivoted QR runs on R: A = Q R changes neither column norms nor singular
 * values, so the rank is the same. Arithmetic is f64 whatever the storage type.
 */
import { applyQT, householderQR, pivotedQR, upperR } from "./householder.js";
import type { FloatArray } from "./linalg.js";
import { jacobiSVD } from "./svd.js";

const EPS = 2.220446049250313e-16;

/**
 * Solves min ‖A X − B‖ for the row-major m×n `a` and m×k `b`, writing X (n×k, row-major) and then
 * the numerical rank of A into `out` (n·k + 1 values).
 */
export function leastSquares(
  out: FloatArray,
  a: FloatArray,
  b: FloatArray,
  m: number,
  n: number,
  k: number,
): void {
  if (a.length < m * n || b.length < m * k || out.length < n * k + 1)
    throw new RangeError(`leastSquares: buffers too short for ${m}×${n} and ${m}×${k}`);
  const ac = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) ac[j * m + i] = a[i * n + j]!;
  const bc = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let c = 0; c < k; c++) bc[c * m + i] = b[i * k + c]!;
  const { solution, rank } = solveColumnMajor(ac, m, n, bc, k);
  for (let j = 0; j < n; j++) for (let c = 0; c < k; c++) out[j * k + c] = solution[c * n + j]!;
  out[n * k] = rank;
}

/** The n × k solution (column-major) and the numerical rank of A. */
interface Solution {
  readonly solution: Float64Array;
  readonly rank: number;
}

/** Least squares on column-major A (m × n) and B (m × k), both overwritten. */
function solveColumnMajor(
  a: Float64Array,
  m: number,
  n: number,
  b: Float64Array,
  k: number,
): Solution {
  if (m < n) return minimumNormBySVD(a, m, n, b, k);
  if (m >= 2 * n) {
    householderQR(a, m, n, b, k);
    const qtb = new Float64Array(n * k);
    for (let c = 0; c < k; c++) for (let i = 0; i < n; i++) qtb[c * n + i] = b[c * m + i]!;
    return pivoted(upperR(a, m, n), n, n, qtb, k, m);
  }
  return pivoted(a, m, n, b, k, m);
}

/** Least squares through a pivoted QR of A (m ≥ n); `rankRows` as in {@link pivotedQR}. */
function pivoted(
  a: Float64Array,
  m: number,
  n: number,
  b: Float64Array,
  k: number,
  rankRows: number,
): Solution {
  const f = pivotedQR(a, m, n, rankRows);
  applyQT(a, m, f.tau, b, k);
  const x = new Float64Array(n * k);
  if (f.rank === n) {
    const z = new Float64Array(n);
    for (let c = 0; c < k; c++) {
      for (let i = n - 1; i >= 0; i--) {
        let s = b[c * m + i]!;
        for (let j = i + 1; j < n; j++) s -= a[j * m + i]! * z[j]!;
        z[i] = s / a[i * m + i]!;
      }
      for (let j = 0; j < n; j++) x[c * n + f.perm[j]!] = z[j]!;
    }
    return { solution: x, rank: n };
  }
  // Rank-deficient: A P = Q R, so pinv(A) = P pinv(R) Qᵀ with pinv(R) from R's SVD.
  const r = upperR(a, m, n, n);
  const qtb = new Float64Array(n * k);
  for (let c = 0; c < k; c++) for (let i = 0; i < n; i++) qtb[c * n + i] = b[c * m + i]!;
  const z = minimumNormBySVD(r, n, n, qtb, k).solution;
  for (let c = 0; c < k; c++) for (let j = 0; j < n; j++) x[c * n + f.perm[j]!] = z[c * n + j]!;
  return { solution: x, rank: f.rank };
}

/** The minimum-norm solution through the SVD, dropping singular values ≤ max(m, n)·eps·s₀. */
function minimumNormBySVD(
  a: Float64Array,
  m: number,
  n: number,
  b: Float64Array,
  k: number,
): Solution {
  const { u, s, v, cols } = jacobiSVD(a, m, n);
  const tol = Math.max(m, n) * EPS * (s[0] ?? 0);
  const x = new Float64Array(n * k);
  let rank = 0;
  for (let q = 0; q < cols; q++) {
    if (s[q]! <= tol) continue;
    rank++;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += u[q * m + i]! * b[c * m + i]!;
      const coef = dot / s[q]!;
      for (let j = 0; j < n; j++) x[c * n + j] = x[c * n + j]! + coef * v[q * n + j]!;
    }
  }
  return { solution: x, rank };
}
