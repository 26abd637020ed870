/**
 * The LU factorisation A = P L U with partial pivoting (as LAPACK's xGETRF and scipy.linalg.lu),
 * on row-major typed arrays, arithmetic in f64. It shares its elimination with `solve` and
 * `determinant` (`luEliminate` in ./linalg.ts).
 */
import { luEliminate, type FloatArray } from "./linalg.js";

/**
 * Factors each n×n matrix of `a` and writes, per matrix, the permutation matrix P, the unit lower
 * triangular L and the upper triangular U (each n×n, row-major), so that A = P L U. A column
 * without a nonzero pivot is skipped, so a singular matrix gets factors with a zero on U's
 * diagonal.
 */
export function lu(out: FloatArray, a: FloatArray, batch: number, n: number): void {
  const size = n * n;
  if (a.length < batch * size || out.length < 3 * batch * size)
    throw new RangeError(`lu: buffers too short for ${batch} matrices of ${n}×${n}`);
  const work = new Float64Array(size);
  const perm = new Int32Array(n);
  const none = new Float64Array(0);
  for (let bi = 0; bi < batch; bi++) {
    const base = bi * size;
    for (let e = 0; e < size; e++) work[e] = a[base + e]!;
    for (let i = 0; i < n; i++) perm[i] = i;
    luEliminate(work, n, none, 0, perm);
    const p = 3 * base;
    const l = p + size;
    const u = l + size;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const e = i * n + j;
        // Row i of L U is row perm[i] of A, so P has its one of row perm[i] in column i.
        out[p + perm[i]! * n + j] = j === i ? 1 : 0;
        out[l + e] = j < i ? work[e]! : j === i ? 1 : 0;
        out[u + e] = j >= i ? work[e]! : 0;
      }
    }
  }
}
