/**
 * Blocked Householder QR for tall matrices: panels of {@link PANEL} columns are factored one
 * column at a time, and each panel's reflectors are applied to the rest of the matrix at once in
 * compact WY form (Q = I − V T Vᵀ), as two cache-blocked matrix products. Most of the work then
 * runs from cache instead of streaming the whole matrix once per column, as the unblocked
 * factorisation does. Matrices are column-major (`a[j * m + i]` is row i, column j).
 */

/** Columns per panel. */
const PANEL = 32;
/** Rows of V and of the trailing matrix handled together in the blocked products. */
const ROW_BLOCK = 256;

/**
 * Unpivoted Householder QR of the column-major m × n matrix `a` (m ≥ n), by panels. On return `a`
 * holds R on and above the diagonal and the reflectors (implicit leading 1) below it, as LAPACK's
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
  if (m < n) throw new RangeError(`householderQR: needs rows ≥ columns, got ${m} × ${n}`);
  const tau = new Float64Array(n);
  const v = new Float64Array(m * PANEL);
  const t = new Float64Array(PANEL * PANEL);
  const w = new Float64Array(PANEL * Math.max(n, k));
  for (let j0 = 0; j0 < n; j0 += PANEL) {
    const nb = Math.min(PANEL, n - j0);
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
 * Unblocked Householder QR of columns j0 … j0 + nb − 1 of `a`, rows j0 … m − 1 (LAPACK's xGEQR2
 * on the panel). Reflectors are applied to the later panel columns four at a time, so each
 * reflector is read once per group.
 */
function factorPanel(a: Float64Array, m: number, j0: number, nb: number, tau: Float64Array): void {
  for (let p = 0; p < nb; p++) {
    const k = j0 + p;
    const ck = k * m;
    let sigma = 0;
    for (let i = k + 1; i < m; i++) sigma += a[ck + i]! * a[ck + i]!;
    const alpha = a[ck + k]!;
    if (sigma === 0) {
      tau[k] = 0;
      continue;
    }
    const norm = Math.sqrt(alpha * alpha + sigma);
    const beta = alpha <= 0 ? norm : -norm;
    const scale = 1 / (alpha - beta);
    for (let i = k + 1; i < m; i++) a[ck + i] = a[ck + i]! * scale;
    a[ck + k] = beta;
    const tk = (tau[k] = (beta - alpha) / beta);
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
    for (; j < end; j++) {
      const cj = j * m;
      let d = a[cj + k]!;
      for (let i = k + 1; i < m; i++) d += a[ck + i]! * a[cj + i]!;
      d *= tk;
      a[cj + k] = a[cj + k]! - d;
      for (let i = k + 1; i < m; i++) a[cj + i] = a[cj + i]! - d * a[ck + i]!;
    }
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
