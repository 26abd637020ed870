/**
 * Known answers and jit-equals-eager for the thin SVD and least squares (their gradients are checked
 * in linalg-decompositions.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { DTYPES, assertClose } from "./linalg-helpers.js";

const A = [
  [2, -1, 0.5],
  [1, 3, -2],
  [0, 1, 4],
  [-1, 2, 1],
];
const WIDE = [
  [1, 2, 3],
  [4, 5, 6.5],
];

// From NumPy 2.x: u, s, vt = np.linalg.svd(np.array(A), full_matrices=False)
const A_S = [4.639924560387892, 3.8856152382945153, 2.3713064529585135];
const A_VT = [
  -0.12392590397845378, -0.05688613300242029, 0.9906595470670806, 0.1183133322912182,
  -0.9920805740896868, -0.04216740347737447, -0.9852128327043201, -0.11198259858525739,
  -0.1296748699202057,
];
// From NumPy: np.linalg.svd(np.array(WIDE), compute_uv=False)
const WIDE_S = [9.838862603421001, 0.6684180361148957];

/** Singular vectors are unique up to the sign of each (u, v) pair: align rows of vt to `ref`. */
function alignRows(vt: ArrayLike<number>, ref: readonly number[], k: number, n: number): number[] {
  const out: number[] = [];
  for (let q = 0; q < k; q++) {
    let dot = 0;
    for (let j = 0; j < n; j++) dot += vt[q * n + j]! * ref[q * n + j]!;
    for (let j = 0; j < n; j++) out.push(Math.sign(dot) * vt[q * n + j]!);
  }
  return out;
}

describe("svd", () => {
  for (const [dtype, tol] of DTYPES) {
    it(`a tall matrix against NumPy and u·diag(s)·vt = a (${dtype})`, () => {
      const a = nx.tensor(A, { dtype });
      const { u, s, vt } = nx.svd(a);
      assert.deepEqual([u.shape, s.shape, vt.shape, s.dtype], [[4, 3], [3], [3, 3], dtype]);
      assertClose(s.data(), A_S, tol);
      assertClose(alignRows(vt.data(), A_VT, 3, 3), A_VT, tol * 10);
      const back = nx.matmul(nx.multiply(u, s), vt);
      assertClose(back.data(), A.flat(), tol * 10);
    });

    it(`a wide matrix and a batch (${dtype})`, () => {
      const w = nx.tensor(WIDE, { dtype });
      const { u, s, vt } = nx.svd(w);
      assert.deepEqual([u.shape, s.shape, vt.shape], [[2, 2], [2], [2, 3]]);
      assertClose(s.data(), WIDE_S, tol);
      assertClose(nx.matmul(nx.multiply(u, s), vt).data(), WIDE.flat(), tol * 10);
      const batch = nx.svd(
        nx.stack([nx.tensor(A, { dtype }), nx.multiply(nx.tensor(A, { dtype }), 2)]),
      );
      assert.deepEqual(batch.u.shape, [2, 4, 3]);
      assertClose(batch.s.data(), [...A_S, ...A_S.map((v) => 2 * v)], tol);
    });
  }

  it("runs inside jit with the eager results", () => {
    const a = nx.tensor(A, { dtype: "f64" });
    const eager = nx.svd(a);
    const jitted = nx.jit((t: nx.Tensor) => nx.svd(t))(a);
    for (const key of ["u", "s", "vt"] as const)
      assert.deepEqual(jitted[key].data(), eager[key].data(), key);
  });

  it("refuses a vector", () => {
    assert.throws(() => nx.svd(nx.zeros([3])), /svd: expected matrices \(…, m, n\), got f32\[3\]/);
  });
});

// From NumPy 2.x: np.linalg.lstsq(a, b, rcond=None) → (x, residuals, rank, s)
const B = [1, 2, 3, 4];
const A_X = [0.40336479277800585, 1.1153057037340985, 0.6524415264669672];
// Column 1 is twice column 0: rank 2, minimum-norm solution.
const C = [
  [1, 2, 3],
  [2, 4, 1],
  [3, 6, 0],
  [4, 8, -1],
  [5, 10, 2],
];
const CB = [
  [1, 0],
  [2, 1],
  [0, 1],
  [1, 1],
  [3, -1],
];
const C_X = [
  0.07102272727272729, 0.02329545454545457, 0.14204545454545464, 0.04659090909090911,
  0.4062500000000002, -0.2187500000000002,
];
const WIDE_X = [-1.6936416184971086, -0.09248554913294771, 0.9595375722543344];

describe("leastSquares", () => {
  for (const [dtype, tol] of DTYPES) {
    it(`full rank, rank-deficient and wide systems against NumPy (${dtype})`, () => {
      const full = nx.leastSquares(nx.tensor(A, { dtype }), nx.tensor(B, { dtype }));
      assert.deepEqual([full.solution.shape, full.solution.dtype], [[3], dtype]);
      assertClose(full.solution.data(), A_X, tol * 10);
      assert.equal(full.rank.toNumber(), 3);
      const deficient = nx.leastSquares(nx.tensor(C, { dtype }), nx.tensor(CB, { dtype }));
      assert.deepEqual(deficient.solution.shape, [3, 2]);
      assertClose(deficient.solution.data(), C_X, tol * 100);
      assert.equal(deficient.rank.toNumber(), 2);
      const wide = nx.leastSquares(nx.tensor(WIDE, { dtype }), nx.tensor([1, -1], { dtype }));
      assertClose(wide.solution.data(), WIDE_X, tol * 100);
      assert.equal(wide.rank.toNumber(), 2);
    });
  }

  it("a tall system goes through the blocked QR and matches the normal equations", () => {
    // 70 × 3 (≥ 2n rows): x solves AᵀA x = Aᵀb, a formula independent of the QR.
    const a = nx.add(
      nx.reshape(nx.sin(nx.iota([210], { dtype: "f64" })), [70, 3]),
      nx.eye(70, { m: 3, dtype: "f64" }),
    );
    const b = nx.cos(nx.iota([70], { dtype: "f64" }));
    const x = nx.leastSquares(a, b).solution;
    const normal = nx.solve(
      nx.matmul(nx.matrixTranspose(a), a),
      nx.matmul(nx.matrixTranspose(a), b),
    );
    assertClose(x.data(), normal.data(), 1e-10);
  });

  it("runs inside jit with the eager results", () => {
    const a = nx.tensor(C, { dtype: "f64" });
    const b = nx.tensor(CB, { dtype: "f64" });
    const eager = nx.leastSquares(a, b);
    const jitted = nx.jit((x: nx.Tensor, y: nx.Tensor) => nx.leastSquares(x, y))(a, b);
    assert.deepEqual(jitted.solution.data(), eager.solution.data());
    assert.equal(jitted.rank.toNumber(), 2);
  });

  it("names the op and shapes on bad input", () => {
    assert.throws(
      () => nx.leastSquares(nx.zeros([3, 2]), nx.zeros([4])),
      /leastSquares: expected a \(m, n\) and b \(m\) or \(m, k\), got a f32\[3\]\[2\] and b f32\[4\]/,
    );
  });
});
