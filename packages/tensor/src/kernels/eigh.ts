/**
 * Eigendecomposition of real symmetric matrices by cyclic Jacobi rotations, on row-major typed
 * arrays, arithmetic in f64 whatever the storage type.
 */
import type { FloatArray } from "./linalg.js";

const EPS = 2.220446049250313e-16;
const MAX_SWEEPS = 100;

/**
 * Diagonalises the symmetric n×n matrix `w` (row-major, f64) in place by cyclic Jacobi rotations
 * Jᵀ W J (Golub & Van Loan, Algorithm 8.5.3), accumulating the rotations into `v` (which holds
 * the identity on entry), so that on return W is diagonal up to rounding and the columns of V
 * are its eigenvectors.
 */
function jacobiEigen(w: Float64Array, v: Float64Array, n: number): void {
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = w[p * n + q]!;
        const app = w[p * n + p]!;
        const aqq = w[q * n + q]!;
        if (apq === 0 || Math.abs(apq) <= EPS * Math.sqrt(Math.abs(app * aqq)) * 0.5) {
          w[p * n + q] = 0;
          w[q * n + p] = 0;
          continue;
        }
        rotated = true;
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        // W J on columns p and q, then Jᵀ (W J) on rows p and q; V J on columns.
        for (let k = 0; k < n; k++) {
          const kp = w[k * n + p]!;
          const kq = w[k * n + q]!;
          w[k * n + p] = c * kp - s * kq;
          w[k * n + q] = s * kp + c * kq;
        }
        for (let k = 0; k < n; k++) {
          const pk = w[p * n + k]!;
          const qk = w[q * n + k]!;
          w[p * n + k] = c * pk - s * qk;
          w[q * n + k] = s * pk + c * qk;
        }
        w[p * n + q] = 0;
        w[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const kp = v[k * n + p]!;
          const kq = v[k * n + q]!;
          v[k * n + p] = c * kp - s * kq;
          v[k * n + q] = s * kp + c * kq;
        }
      }
    }
    if (!rotated) return;
  }
}

/**
 * Eigenvalues and eigenvectors of the symmetric part (A + Aᵀ)/2 of each n×n matrix of `a`,
 * written packed per matrix as the n eigenvalues, then the n×n matrix whose columns are the
 * eigenvectors (row-major). Eigenvalues are ordered by decreasing magnitude (the larger value
 * first when two magnitudes tie), and each eigenvector is signed so that its component of largest
 * magnitude (the first such) is positive.
 */
export function eigh(out: FloatArray, a: FloatArray, batch: number, n: number): void {
  const size = n * n;
  const outSize = n + size;
  if (a.length < batch * size || out.length < batch * outSize)
    throw new RangeError(`eigh: buffers too short for ${batch} matrices of ${n}×${n}`);
  const w = new Float64Array(size);
  const v = new Float64Array(size);
  for (let bi = 0; bi < batch; bi++) {
    const base = bi * size;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) w[i * n + j] = (a[base + i * n + j]! + a[base + j * n + i]!) / 2;
    v.fill(0);
    for (let i = 0; i < n; i++) v[i * n + i] = 1;
    jacobiEigen(w, v, n);
    const values = Array.from({ length: n }, (_, i) => w[i * n + i]!);
    const order = values
      .map((_, i) => i)
      .sort((x, y) => Math.abs(values[y]!) - Math.abs(values[x]!) || values[y]! - values[x]!);
    const o = bi * outSize;
    order.forEach((col, q) => {
      out[o + q] = values[col]!;
      let big = 0;
      for (let i = 1; i < n; i++)
        if (Math.abs(v[i * n + col]!) > Math.abs(v[big * n + col]!)) big = i;
      const sign = v[big * n + col]! < 0 ? -1 : 1;
      for (let i = 0; i < n; i++) out[o + n + i * n + q] = sign * v[i * n + col]!;
    });
  }
}
