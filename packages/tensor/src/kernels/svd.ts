/**
 * Singular value decomposition by one-sided Jacobi rotations (Hestenes), accurate to working
 * precision: the column-major core the least-squares solver shares, and the batched `svd` kernel
 * on row-major typed arrays.
 */
import type { FloatArray } from "./linalg.js";

const EPS = 2.220446049250313e-16;

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
        rotate(w, cp, cq, m, c, s);
        rotate(v, p * n, q * n, n, c, s);
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
 * Thin SVD of each row-major m×n matrix of `a`, k = min(m, n), written packed per matrix as
 * s (k values, descending), then Vᵀ (k×n), then U (m×k), all row-major. Arithmetic is f64.
 */
export function svd(out: FloatArray, a: FloatArray, batch: number, m: number, n: number): void {
  const k = Math.min(m, n);
  const aSize = m * n;
  const outSize = k + k * n + m * k;
  if (a.length < batch * aSize || out.length < batch * outSize)
    throw new RangeError(`svd: buffers too short for ${batch} matrices of ${m}×${n}`);
  const w = new Float64Array(aSize);
  for (let bi = 0; bi < batch; bi++) {
    const base = bi * aSize;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a[base + i * n + j]!;
    const { u, s, v } = jacobiSVD(w, m, n);
    let o = bi * outSize;
    for (let q = 0; q < k; q++) out[o++] = s[q]!;
    for (let q = 0; q < k; q++) for (let j = 0; j < n; j++) out[o++] = v[q * n + j]!;
    for (let i = 0; i < m; i++) for (let q = 0; q < k; q++) out[o++] = u[q * m + i]!;
  }
}

/** Rotates the `len` values at `a` and `b` of `x` by the Givens rotation (c, s). */
function rotate(x: Float64Array, a: number, b: number, len: number, c: number, s: number): void {
  for (let i = 0; i < len; i++) {
    const p = x[a + i]!;
    const q = x[b + i]!;
    x[a + i] = c * p - s * q;
    x[b + i] = s * p + c * q;
  }
}
