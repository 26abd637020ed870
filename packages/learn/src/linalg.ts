/**
 * Small dense f64 numerics the estimators share, on plain Float64Arrays: Householder QR with
 * column pivoting (after a blocked QR for tall matrices), least squares (minimum-norm when rank-deficient), one-sided Jacobi SVD.
 * Matrices here are column-major (`a[j * m + i]` is row i, column j) unless a name says otherwise.
 */

import { householderQR } from "./householder.js";

const EPS = 2.220446049250313e-16;

/** A QR factorisation with column pivoting, A P = Q R, stored LAPACK-style. */
export interface PivotedQR {
  readonly m: number;
  readonly n: number;
  /** R above the diagonal, the Householder vectors (with an implicit leading 1) below it. */
  readonly qr: Float64Array;
  readonly tau: Float64Array;
  /** Column j of A P is column `perm[j]` of A. */
  readonly perm: Int32Array;
  /** Numerical rank: the number of |R_jj| above max(m, n) · eps · |R_00|. */
  readonly rank: number;
}

/** Copies a row-major m × n matrix into column-major order. */
export function toColumnMajor(rowMajor: Float64Array, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) out[j * m + i] = rowMajor[row + j]!;
  }
  return out;
}

/**
 * Householder QR with column pivoting of a column-major m × n matrix (overwritten). Pivoting puts
 * the largest remaining column first at each step, so the rank shows on R's diagonal. The rank
 * tolerance is max(rankRows, n) · eps · |R₀₀|; `rankRows` (default m) is the row count of the
 * original matrix when `a` is the R of an earlier QR.
 */
export function pivotedQR(a: Float64Array, m: number, n: number, rankRows = m): PivotedQR {
  const steps = Math.min(m, n);
  const tau = new Float64Array(steps);
  const perm = new Int32Array(n);
  const norms = new Float64Array(n);
  const exact = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    perm[j] = j;
    let s = 0;
    const c = j * m;
    for (let i = 0; i < m; i++) s += a[c + i]! * a[c + i]!;
    norms[j] = exact[j] = Math.sqrt(s);
  }
  for (let k = 0; k < steps; k++) {
    // Pivot: the column with the largest remaining norm.
    let p = k;
    for (let j = k + 1; j < n; j++) if (norms[j]! > norms[p]!) p = j;
    if (p !== k) {
      const ck = k * m;
      const cp = p * m;
      for (let i = 0; i < m; i++) {
        const t = a[ck + i]!;
        a[ck + i] = a[cp + i]!;
        a[cp + i] = t;
      }
      [perm[k], perm[p]] = [perm[p]!, perm[k]!];
      [norms[k], norms[p]] = [norms[p]!, norms[k]!];
      [exact[k], exact[p]] = [exact[p]!, exact[k]!];
    }
    // Reflector for column k, rows k..m-1.
    const ck = k * m;
    let sigma = 0;
    for (let i = k + 1; i < m; i++) sigma += a[ck + i]! * a[ck + i]!;
    const alpha = a[ck + k]!;
    if (sigma === 0) {
      tau[k] = 0;
    } else {
      const norm = Math.sqrt(alpha * alpha + sigma);
      const beta = alpha <= 0 ? norm : -norm;
      const v0 = alpha - beta;
      tau[k] = (beta - alpha) / beta;
      const scale = 1 / v0;
      for (let i = k + 1; i < m; i++) a[ck + i] = a[ck + i]! * scale;
      a[ck + k] = beta;
      // Apply H = I − tau v vᵀ to the trailing columns.
      const t = tau[k]!;
      for (let j = k + 1; j < n; j++) {
        const cj = j * m;
        let dot = a[cj + k]!;
        for (let i = k + 1; i < m; i++) dot += a[ck + i]! * a[cj + i]!;
        dot *= t;
        a[cj + k] = a[cj + k]! - dot;
        for (let i = k + 1; i < m; i++) a[cj + i] = a[cj + i]! - dot * a[ck + i]!;
      }
    }
    // Downdate the remaining column norms (LAPACK's xGEQP3 rule, recomputing when unreliable).
    for (let j = k + 1; j < n; j++) {
      if (norms[j] === 0) continue;
      const r = Math.abs(a[j * m + k]!) / norms[j]!;
      let f = 1 - r * r;
      if (f < 0) f = 0;
      const ratio = norms[j]! / exact[j]!;
      if (f * ratio * ratio <= Math.sqrt(EPS)) {
        let s = 0;
        const cj = j * m;
        for (let i = k + 1; i < m; i++) s += a[cj + i]! * a[cj + i]!;
        norms[j] = exact[j] = Math.sqrt(s);
      } else {
        norms[j] = norms[j]! * Math.sqrt(f);
      }
    }
  }
  const r00 = steps > 0 ? Math.abs(a[0]!) : 0;
  const tol = Math.max(rankRows, n) * EPS * r00;
  let rank = 0;
  while (rank < steps && Math.abs(a[rank * m + rank]!) > tol) rank++;
  return { m, n, qr: a, tau, perm, rank };
}

/** Overwrites the column-major m × k matrix `b` with Qᵀ b. */
export function applyQT(f: PivotedQR, b: Float64Array, k: number): void {
  const { m, qr, tau } = f;
  const steps = Math.min(m, f.n);
  for (let s = 0; s < steps; s++) {
    const t = tau[s]!;
    if (t === 0) continue;
    const cs = s * m;
    for (let c = 0; c < k; c++) {
      const cb = c * m;
      let dot = b[cb + s]!;
      for (let i = s + 1; i < m; i++) dot += qr[cs + i]! * b[cb + i]!;
      dot *= t;
      b[cb + s] = b[cb + s]! - dot;
      for (let i = s + 1; i < m; i++) b[cb + i] = b[cb + i]! - dot * qr[cs + i]!;
    }
  }
}

/** The n × n upper-triangular R (column-major) of a factorisation with m ≥ n. */
export function upperR(f: PivotedQR): Float64Array {
  const { m, n, qr } = f;
  const r = new Float64Array(n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i <= Math.min(j, m - 1); i++) r[j * n + i] = qr[j * m + i]!;
  return r;
}

/** The result of a least-squares solve. */
export interface LeastSquares {
  /** The n × k solution, column-major. */
  readonly solution: Float64Array;
  readonly rank: number;
}

/** True when a matrix is tall enough that a blocked QR to n × n first pays off. */
function isTall(m: number, n: number): boolean {
  return m >= 2 * n;
}

/**
 * The n × n R (column-major) of a tall column-major m × n matrix `a` (overwritten), by the
 * blocked, unpivoted Householder QR; the same reflectors turn the m × k matrix `b` into Qᵀ b,
 * whose first n rows are returned. Pivoting R afterwards reveals the same rank as pivoting A,
 * since A = Q R changes neither column norms nor singular values.
 */
function reduceTall(
  a: Float64Array,
  m: number,
  n: number,
  b: Float64Array,
  k: number,
): { r: Float64Array; qtb: Float64Array } {
  householderQR(a, m, n, b, k);
  const r = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i <= j; i++) r[j * n + i] = a[j * m + i]!;
  const qtb = new Float64Array(n * k);
  for (let c = 0; c < k; c++) for (let i = 0; i < n; i++) qtb[c * n + i] = b[c * m + i]!;
  return { r, qtb };
}

/**
 * Least squares min ‖A X − B‖ for a column-major m × n matrix A (overwritten) and m × k right-hand
 * sides B (overwritten), through a pivoted QR. A tall A (m ≥ 2n) is first reduced to its n × n R
 * by a blocked Householder QR, and the pivoted QR runs on R. When A is rank-deficient the
 * minimum-norm solution is returned (through an SVD of R), as LAPACK's xGELSD does.
 */
export function leastSquares(
  a: Float64Array,
  m: number,
  n: number,
  b: Float64Array,
  k: number,
): LeastSquares {
  if (m < n) return minimumNormBySVD(a, m, n, b, k);
  if (isTall(m, n)) {
    const { r, qtb } = reduceTall(a, m, n, b, k);
    return pivotedLeastSquares(r, n, n, qtb, k, m);
  }
  return pivotedLeastSquares(a, m, n, b, k, m);
}

/** Least squares through a pivoted QR of A (m ≥ n); `rankRows` as in {@link pivotedQR}. */
function pivotedLeastSquares(
  a: Float64Array,
  m: number,
  n: number,
  b: Float64Array,
  k: number,
  rankRows: number,
): LeastSquares {
  const f = pivotedQR(a, m, n, rankRows);
  applyQT(f, b, k);
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
  const r = upperR(f);
  const qtb = new Float64Array(n * k);
  for (let c = 0; c < k; c++) for (let i = 0; i < n; i++) qtb[c * n + i] = b[c * m + i]!;
  const z = minimumNormBySVD(r, n, n, qtb, k).solution;
  for (let c = 0; c < k; c++) for (let j = 0; j < n; j++) x[c * n + f.perm[j]!] = z[c * n + j]!;
  return { solution: x, rank: f.rank };
}

function minimumNormBySVD(
  a: Float64Array,
  m: number,
  n: number,
  b: Float64Array,
  k: number,
): LeastSquares {
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

/** A thin SVD A = U diag(s) Vᵀ, singular values descending. */
export interface SVD {
  /** m × cols left singular vectors, column-major. */
  readonly u: Float64Array;
  readonly s: Float64Array;
  /** n × cols right singular vectors, column-major (column q is the q-th right vector). */
  readonly v: Float64Array;
  /** min(m, n). */
  readonly cols: number;
}

/**
 * Thin SVD of a column-major m × n matrix by one-sided Jacobi rotations (Hestenes), accurate to
 * working precision. For m < n it factors Aᵀ and swaps the roles of U and V. Does not modify `a`.
 */
export function jacobiSVD(a: Float64Array, m: number, n: number): SVD {
  if (m < n) {
    const at = new Float64Array(m * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) at[i * n + j] = a[j * m + i]!;
    const t = jacobiSVD(at, n, m);
    return { u: t.v, s: t.s, v: t.u, cols: t.cols };
  }
  const w = a.slice();
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) v[j * n + j] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const cp = p * m;
        const cq = q * m;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = w[cp + i]!;
          const y = w[cq + i]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = w[cp + i]!;
          const y = w[cq + i]!;
          w[cp + i] = c * x - s * y;
          w[cq + i] = s * x + c * y;
        }
        const vp = p * n;
        const vq = q * n;
        for (let i = 0; i < n; i++) {
          const x = v[vp + i]!;
          const y = v[vq + i]!;
          v[vp + i] = c * x - s * y;
          v[vq + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const sv = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += w[j * m + i]! * w[j * m + i]!;
    sv[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => sv[y]! - sv[x]!);
  const u = new Float64Array(m * n);
  const vs = new Float64Array(n * n);
  const s = new Float64Array(n);
  order.forEach((j, q) => {
    s[q] = sv[j]!;
    const inv = sv[j]! > 0 ? 1 / sv[j]! : 0;
    for (let i = 0; i < m; i++) u[q * m + i] = w[j * m + i]! * inv;
    for (let i = 0; i < n; i++) vs[q * n + i] = v[j * n + i]!;
  });
  return { u, s, v: vs, cols: n };
}

/**
 * Thin SVD of a tall column-major m × n matrix through QR first (R's SVD is n × n), the fast path
 * when m ≫ n. Returns only s and V (U is not needed by PCA's fit). `a` is overwritten.
 */
export function singularValuesAndVectors(
  a: Float64Array,
  m: number,
  n: number,
): { s: Float64Array; v: Float64Array; cols: number } {
  if (m <= n) {
    const r = jacobiSVD(a, m, n);
    return { s: r.s, v: r.v, cols: r.cols };
  }
  const f = isTall(m, n)
    ? pivotedQR(reduceTall(a, m, n, new Float64Array(0), 0).r, n, n, m)
    : pivotedQR(a, m, n);
  const r = upperR(f);
  const svd = jacobiSVD(r, n, n);
  // A P = Q R = Q U S Vᵀ, so A's right vectors are P V.
  const v = new Float64Array(n * n);
  for (let q = 0; q < n; q++) for (let j = 0; j < n; j++) v[q * n + f.perm[j]!] = svd.v[q * n + j]!;
  return { s: svd.s, v, cols: n };
}
