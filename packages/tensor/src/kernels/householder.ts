/**
 * The one Householder QR of the codebase, on column-major f64 matrices (`a[j * m + i]` is row i,
 * column j): the blocked, unpivoted factorisation behind `qr` and tall least squares, and the
 * column-pivoted one behind rank-revealing least squares. Both build their reflectors with
 * {@link reflectColumn} (LAPACK's xLARFG convention, so factors match numpy.linalg.qr) and leave R
 * on and above the diagonal and the reflectors (implicit leading 1) below it, as xGEQRF.
 *
 * The blocked form factors panels of {@link PANEL} columns one column at a time and applies each
 * panel's reflectors to the rest of the matrix at once in compact WY form (Q = I − V T Vᵀ), as two
 * cache-blocked matrix products, so most of the work runs from cache.
 */

const EPS = 2.220446049250313e-16;

/** Columns per panel. */
const PANEL = 32;
/** Rows of V and of the trailing matrix handled together in the blocked products. */
const ROW_BLOCK = 256;

/**
 * Unpivoted Householder QR of the column-major m × n matrix `a`, by panels. On return `a` holds R
 * on and above the diagonal and the min(m, n) reflectors (implicit leading 1) below it, as LAPACK's
 * xGEQRF; the same reflectors are applied to the column-major m × k matrix `b`, which ends as
 * Qᵀ b. Returns the reflectors' scalars τ.
 */
export function householderQR(
  a: Float64Array,
  m: number,
  n: number,
  b: Float64Array = new Float64Array(0),
  k = 0,
): Float64Array {
  const steps = Math.min(m, n);
  const tau = new Float64Array(steps);
  const v = new Float64Array(m * PANEL);
  const t = new Float64Array(PANEL * PANEL);
  const w = new Float64Array(PANEL * Math.max(n, k));
  for (let j0 = 0; j0 < steps; j0 += PANEL) {
    const nb = Math.min(PANEL, steps - j0);
    const rows = m - j0;
    factorPanel(a, m, j0, nb, tau);
    // The panel's reflectors as an explicit rows × nb row-major matrix (unit diagonal, zeros above).
    for (let i = 0; i < rows; i++) {
      const vi = i * nb;
      for (let p = 0; p < nb; p++) v[vi + p] = i < p ? 0 : i === p ? 1 : a[(j0 + p) * m + j0 + i]!;
    }
    triangularFactor(v, rows, nb, tau.subarray(j0, j0 + nb), t);
    const right = n - j0 - nb;
    if (right > 0) applyBlockTransposed(v, t, rows, nb, a, m, j0, j0 + nb, right, w);
    if (k > 0) applyBlockTransposed(v, t, rows, nb, b, m, j0, 0, k, w);
  }
  return tau;
}

/**
 * Makes the reflector H = I − τ v vᵀ that maps rows k … m − 1 of column k of `a` to β e₁ (LAPACK's
 * xLARFG: β = −sign(α)‖x‖, and no reflection, τ = 0, when the column is already zero below the
 * diagonal). Stores β on the diagonal and v's tail below it; returns τ.
 */
function reflectColumn(a: Float64Array, m: number, k: number): number {
  const ck = k * m;
  let sigma = 0;
  for (let i = k + 1; i < m; i++) sigma += a[ck + i]! * a[ck + i]!;
  if (sigma === 0) return 0;
  const alpha = a[ck + k]!;
  const norm = Math.sqrt(alpha * alpha + sigma);
  const beta = alpha >= 0 ? -norm : norm;
  const scale = 1 / (alpha - beta);
  for (let i = k + 1; i < m; i++) a[ck + i] = a[ck + i]! * scale;
  a[ck + k] = beta;
  return (beta - alpha) / beta;
}

/** Applies the reflector stored in column k of `a` (τ = `tk`) to rows k … m − 1 of column j. */
function reflectInto(a: Float64Array, m: number, k: number, tk: number, j: number): void {
  const ck = k * m;
  const cj = j * m;
  let d = a[cj + k]!;
  for (let i = k + 1; i < m; i++) d += a[ck + i]! * a[cj + i]!;
  d *= tk;
  a[cj + k] = a[cj + k]! - d;
  for (let i = k + 1; i < m; i++) a[cj + i] = a[cj + i]! - d * a[ck + i]!;
}

/**
 * Unblocked Householder QR of columns j0 … j0 + nb − 1 of `a`, rows j0 … m − 1 (LAPACK's xGEQR2
 * on the panel). Reflectors are applied to the later panel columns four at a time, so each
 * reflector is read once per group.
 */
function factorPanel(a: Float64Array, m: number, j0: number, nb: number, tau: Float64Array): void {
  for (let p = 0; p < nb; p++) {
    const k = j0 + p;
    const ck = k * m;
    const tk = (tau[k] = reflectColumn(a, m, k));
    if (tk === 0) continue;
    let j = k + 1;
    const end = j0 + nb;
    for (; j + 4 <= end; j += 4) {
      const c0 = j * m;
      const c1 = c0 + m;
      const c2 = c1 + m;
      const c3 = c2 + m;
      let d0 = a[c0 + k]!;
      let d1 = a[c1 + k]!;
      let d2 = a[c2 + k]!;
      let d3 = a[c3 + k]!;
      for (let i = k + 1; i < m; i++) {
        const vi = a[ck + i]!;
        d0 += vi * a[c0 + i]!;
        d1 += vi * a[c1 + i]!;
        d2 += vi * a[c2 + i]!;
        d3 += vi * a[c3 + i]!;
      }
      d0 *= tk;
      d1 *= tk;
      d2 *= tk;
      d3 *= tk;
      a[c0 + k] = a[c0 + k]! - d0;
      a[c1 + k] = a[c1 + k]! - d1;
      a[c2 + k] = a[c2 + k]! - d2;
      a[c3 + k] = a[c3 + k]! - d3;
      for (let i = k + 1; i < m; i++) {
        const vi = a[ck + i]!;
        a[c0 + i] = a[c0 + i]! - d0 * vi;
        a[c1 + i] = a[c1 + i]! - d1 * vi;
        a[c2 + i] = a[c2 + i]! - d2 * vi;
        a[c3 + i] = a[c3 + i]! - d3 * vi;
      }
    }
    for (; j < end; j++) reflectInto(a, m, k, tk, j);
  }
}

/**
 * The nb × nb upper-triangular T (column-major) with H₀ H₁ … H_{nb−1} = I − V T Vᵀ, for the
 * row-major rows × nb reflectors `v` (LAPACK's xLARFT, forward and columnwise): T's column p is
 * −τ_p T[0:p, 0:p] V[:, 0:p]ᵀ v_p, with τ_p on the diagonal.
 */
function triangularFactor(
  v: Float64Array,
  rows: number,
  nb: number,
  tau: Float64Array,
  t: Float64Array,
): void {
  // g = Vᵀ V (upper part), accumulated a row of V at a time.
  const g = new Float64Array(nb * nb);
  for (let i = 0; i < rows; i++) {
    const vi = i * nb;
    for (let p = 1; p < nb; p++) {
      const x = v[vi + p]!;
      if (x === 0) continue;
      const gp = p * nb;
      for (let q = 0; q < p; q++) g[gp + q] = g[gp + q]! + v[vi + q]! * x;
    }
  }
  t.fill(0, 0, nb * nb);
  for (let p = 0; p < nb; p++) {
    const tp = tau[p]!;
    const cp = p * nb;
    t[cp + p] = tp;
    if (tp === 0) continue;
    for (let q = 0; q < p; q++) {
      let s = 0;
      for (let r = q; r < p; r++) s += t[r * nb + q]! * g[cp + r]!;
      t[cp + q] = -tp * s;
    }
  }
}

/**
 * C ← (I − V T Vᵀ)ᵀ C = C − V (Tᵀ (Vᵀ C)) for the block C of `c` (column-major, leading dimension
 * ld) with rows row0 … row0 + rows − 1 and columns col0 … col0 + cols − 1. `v` is rows × nb
 * row-major; `w` is scratch of at least nb · cols.
 */
function applyBlockTransposed(
  v: Float64Array,
  t: Float64Array,
  rows: number,
  nb: number,
  c: Float64Array,
  ld: number,
  row0: number,
  col0: number,
  cols: number,
  w: Float64Array,
): void {
  // W = Vᵀ C, nb × cols column-major.
  w.fill(0, 0, nb * cols);
  for (let i0 = 0; i0 < rows; i0 += ROW_BLOCK) {
    const i1 = Math.min(rows, i0 + ROW_BLOCK);
    let j = 0;
    for (; j + 3 <= cols; j += 3) {
      const c0 = (col0 + j) * ld + row0;
      const c1 = c0 + ld;
      const c2 = c1 + ld;
      let p = 0;
      for (; p + 4 <= nb; p += 4) {
        let s00 = 0,
          s01 = 0,
          s02 = 0,
          s10 = 0,
          s11 = 0,
          s12 = 0;
        let s20 = 0,
          s21 = 0,
          s22 = 0,
          s30 = 0,
          s31 = 0,
          s32 = 0;
        for (let i = i0; i < i1; i++) {
          const vi = i * nb + p;
          const v0 = v[vi]!;
          const v1 = v[vi + 1]!;
          const v2 = v[vi + 2]!;
          const v3 = v[vi + 3]!;
          const x0 = c[c0 + i]!;
          const x1 = c[c1 + i]!;
          const x2 = c[c2 + i]!;
          s00 += v0 * x0;
          s01 += v0 * x1;
          s02 += v0 * x2;
          s10 += v1 * x0;
          s11 += v1 * x1;
          s12 += v1 * x2;
          s20 += v2 * x0;
          s21 += v2 * x1;
          s22 += v2 * x2;
          s30 += v3 * x0;
          s31 += v3 * x1;
          s32 += v3 * x2;
        }
        const w0 = j * nb + p;
        const w1 = w0 + nb;
        const w2 = w1 + nb;
        w[w0] = w[w0]! + s00;
        w[w0 + 1] = w[w0 + 1]! + s10;
        w[w0 + 2] = w[w0 + 2]! + s20;
        w[w0 + 3] = w[w0 + 3]! + s30;
        w[w1] = w[w1]! + s01;
        w[w1 + 1] = w[w1 + 1]! + s11;
        w[w1 + 2] = w[w1 + 2]! + s21;
        w[w1 + 3] = w[w1 + 3]! + s31;
        w[w2] = w[w2]! + s02;
        w[w2 + 1] = w[w2 + 1]! + s12;
        w[w2 + 2] = w[w2 + 2]! + s22;
        w[w2 + 3] = w[w2 + 3]! + s32;
      }
      for (; p < nb; p++) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        for (let i = i0; i < i1; i++) {
          const x = v[i * nb + p]!;
          s0 += x * c[c0 + i]!;
          s1 += x * c[c1 + i]!;
          s2 += x * c[c2 + i]!;
        }
        w[j * nb + p] = w[j * nb + p]! + s0;
        w[(j + 1) * nb + p] = w[(j + 1) * nb + p]! + s1;
        w[(j + 2) * nb + p] = w[(j + 2) * nb + p]! + s2;
      }
    }
    for (; j < cols; j++) {
      const cj = (col0 + j) * ld + row0;
      for (let p = 0; p < nb; p++) {
        let s = 0;
        for (let i = i0; i < i1; i++) s += v[i * nb + p]! * c[cj + i]!;
        w[j * nb + p] = w[j * nb + p]! + s;
      }
    }
  }
  // W ← Tᵀ W, column by column (Tᵀ is lower triangular: go from the bottom up, in place).
  for (let j = 0; j < cols; j++) {
    const wj = j * nb;
    for (let p = nb - 1; p >= 0; p--) {
      let s = 0;
      const tp = p * nb;
      for (let q = 0; q <= p; q++) s += t[tp + q]! * w[wj + q]!;
      w[wj + p] = s;
    }
  }
  // C ← C − V W.
  for (let i0 = 0; i0 < rows; i0 += ROW_BLOCK) {
    const i1 = Math.min(rows, i0 + ROW_BLOCK);
    let j = 0;
    for (; j + 3 <= cols; j += 3) {
      const c0 = (col0 + j) * ld + row0;
      const c1 = c0 + ld;
      const c2 = c1 + ld;
      const w0 = j * nb;
      const w1 = w0 + nb;
      const w2 = w1 + nb;
      let i = i0;
      for (; i + 4 <= i1; i += 4) {
        let s00 = 0,
          s01 = 0,
          s02 = 0,
          s10 = 0,
          s11 = 0,
          s12 = 0;
        let s20 = 0,
          s21 = 0,
          s22 = 0,
          s30 = 0,
          s31 = 0,
          s32 = 0;
        const r0 = i * nb;
        const r1 = r0 + nb;
        const r2 = r1 + nb;
        const r3 = r2 + nb;
        for (let p = 0; p < nb; p++) {
          const x0 = w[w0 + p]!;
          const x1 = w[w1 + p]!;
          const x2 = w[w2 + p]!;
          const v0 = v[r0 + p]!;
          const v1 = v[r1 + p]!;
          const v2 = v[r2 + p]!;
          const v3 = v[r3 + p]!;
          s00 += v0 * x0;
          s01 += v0 * x1;
          s02 += v0 * x2;
          s10 += v1 * x0;
          s11 += v1 * x1;
          s12 += v1 * x2;
          s20 += v2 * x0;
          s21 += v2 * x1;
          s22 += v2 * x2;
          s30 += v3 * x0;
          s31 += v3 * x1;
          s32 += v3 * x2;
        }
        c[c0 + i] = c[c0 + i]! - s00;
        c[c0 + i + 1] = c[c0 + i + 1]! - s10;
        c[c0 + i + 2] = c[c0 + i + 2]! - s20;
        c[c0 + i + 3] = c[c0 + i + 3]! - s30;
        c[c1 + i] = c[c1 + i]! - s01;
        c[c1 + i + 1] = c[c1 + i + 1]! - s11;
        c[c1 + i + 2] = c[c1 + i + 2]! - s21;
        c[c1 + i + 3] = c[c1 + i + 3]! - s31;
        c[c2 + i] = c[c2 + i]! - s02;
        c[c2 + i + 1] = c[c2 + i + 1]! - s12;
        c[c2 + i + 2] = c[c2 + i + 2]! - s22;
        c[c2 + i + 3] = c[c2 + i + 3]! - s32;
      }
      for (; i < i1; i++) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        const r = i * nb;
        for (let p = 0; p < nb; p++) {
          const x = v[r + p]!;
          s0 += x * w[w0 + p]!;
          s1 += x * w[w1 + p]!;
          s2 += x * w[w2 + p]!;
        }
        c[c0 + i] = c[c0 + i]! - s0;
        c[c1 + i] = c[c1 + i]! - s1;
        c[c2 + i] = c[c2 + i]! - s2;
      }
    }
    for (; j < cols; j++) {
      const cj = (col0 + j) * ld + row0;
      const wj = j * nb;
      for (let i = i0; i < i1; i++) {
        let s = 0;
        const r = i * nb;
        for (let p = 0; p < nb; p++) s += v[r + p]! * w[wj + p]!;
        c[cj + i] = c[cj + i]! - s;
      }
    }
  }
}

/** A QR factorisation with column pivoting, A P = Q R, stored as {@link householderQR}'s. */
export interface PivotedQR {
  readonly m: number;
  readonly n: number;
  /** R on and above the diagonal, the reflectors (implicit leading 1) below it. */
  readonly qr: Float64Array;
  readonly tau: Float64Array;
  /** Column j of A P is column `perm[j]` of A. */
  readonly perm: Int32Array;
  /** Numerical rank: the number of |R_jj| above max(rankRows, n) · eps · |R_00|. */
  readonly rank: number;
}

/**
 * Householder QR with column pivoting of the column-major m × n matrix `a` (overwritten), as
 * LAPACK's xGEQP3: each step moves the column with the largest remaining norm first, so the rank
 * shows on R's diagonal. `rankRows` (default m) is the row count of the original matrix when `a`
 * is the R of an earlier QR.
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
    const tk = (tau[k] = reflectColumn(a, m, k));
    if (tk !== 0) for (let j = k + 1; j < n; j++) reflectInto(a, m, k, tk, j);
    // Downdate the remaining column norms (xGEQP3's rule, recomputing when unreliable).
    for (let j = k + 1; j < n; j++) {
      if (norms[j] === 0) continue;
      const r = Math.abs(a[j * m + k]!) / norms[j]!;
      const f = Math.max(0, 1 - r * r);
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

/**
 * Overwrites the column-major m × k matrix `b` with Qᵀ b, for the reflectors stored below the
 * diagonal of the column-major m × n factorisation `qr` with scalars `tau`.
 */
export function applyQT(
  qr: Float64Array,
  m: number,
  tau: Float64Array,
  b: Float64Array,
  k: number,
): void {
  for (let s = 0; s < tau.length; s++) {
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

/**
 * The first `cols` columns of Q = H₀ H₁ … (column-major m × cols) for the reflectors stored in the
 * column-major factorisation `qr` (m rows), accumulated from the last reflector.
 */
export function formQ(qr: Float64Array, m: number, tau: Float64Array, cols: number): Float64Array {
  const q = new Float64Array(m * cols);
  for (let i = 0; i < cols; i++) q[i * m + i] = 1;
  for (let s = tau.length - 1; s >= 0; s--) {
    const t = tau[s]!;
    if (t === 0) continue;
    const cs = s * m;
    // H_s leaves columns < s of the partial product untouched.
    for (let c = s; c < cols; c++) {
      const cq = c * m;
      let dot = q[cq + s]!;
      for (let i = s + 1; i < m; i++) dot += qr[cs + i]! * q[cq + i]!;
      dot *= t;
      q[cq + s] = q[cq + s]! - dot;
      for (let i = s + 1; i < m; i++) q[cq + i] = q[cq + i]! - dot * qr[cs + i]!;
    }
  }
  return q;
}

/** The r × n upper trapezoid (column-major) of a column-major m × n factorisation, r ≤ m. */
export function upperR(qr: Float64Array, m: number, n: number, r = Math.min(m, n)): Float64Array {
  const out = new Float64Array(r * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i <= Math.min(j, r - 1); i++) out[j * r + i] = qr[j * m + i]!;
  return out;
}
