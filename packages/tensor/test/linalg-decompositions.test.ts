/**
 * eigh, lu and pinv: known answers (NumPy/SciPy, cited per constant), structure checks, errors,
 * and f64 finite-difference gradients of eigh, lu, svd, pinv and leastSquares.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { DTYPES, assertClose } from "./linalg-helpers.js";
import { bind } from "../src/core.js";
import * as pl from "../src/primitives/linalg.js";
import { assertGradient, rand, weightedSum } from "./gradcheck.js";

const flat = (t: nx.Tensor) => Array.from(t.data() as ArrayLike<number>);

/** Row-major product of n×n matrices given as flat arrays. */
function matmulFlat(a: number[], b: number[], n: number): number[] {
  const out = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++)
      for (let j = 0; j < n; j++) out[i * n + j]! += a[i * n + k]! * b[k * n + j]!;
  return out;
}

const S = [
  [4, 1, -2, 0.5],
  [1, 2, 0.5, -1],
  [-2, 0.5, 3, 1.5],
  [0.5, -1, 1.5, -2],
];
// From NumPy 1.24: w, v = np.linalg.eigh(np.array(S)) (ascending; columns of v are eigenvectors)
const S_W = [-2.914897194144385, 1.5027535023783165, 2.7290773446747423, 5.683066347091325];
const S_V = [
  [-0.19190591471418778, -0.5081677903594438, -0.3116566531493033, -0.7796202583865344],
  [0.25301318230140224, 0.5972728603574797, -0.745422660179916, -0.15360507007390567],
  [-0.3132471750658218, -0.4441916288759389, -0.5860612006015344, 0.6009178590284289],
  [0.8950042775276053, -0.4332717668601723, -0.06121647970571492, 0.0865763354594882],
];
// Our order is by decreasing magnitude: NumPy's columns 3, 0, 2, 1.
const S_ORDER = [3, 0, 2, 1];

describe("eigh", () => {
  for (const [dtype, tol] of DTYPES) {
    it(`a symmetric 4×4 against NumPy, with a·v = λ·v and vᵀv = I (${dtype})`, () => {
      const { eigenvals, eigenvecs } = nx.eigh(nx.tensor(S, { dtype }));
      assert.equal(eigenvals.dtype, dtype);
      assert.deepEqual(eigenvecs.shape, [4, 4]);
      assertClose(
        flat(eigenvals),
        S_ORDER.map((j) => S_W[j]!),
        tol,
      );
      const v = flat(eigenvecs);
      // Eigenvectors are unique up to sign: compare |v| with NumPy's reordered columns.
      const expected = S_V.flatMap((row) => S_ORDER.map((j) => Math.abs(row[j]!)));
      assertClose(
        v.map((x) => Math.abs(x)),
        expected,
        tol,
      );
      const w = flat(eigenvals);
      const av = matmulFlat(S.flat(), v, 4);
      assertClose(
        av,
        v.map((x, e) => x * w[e % 4]!),
        tol * 10,
      );
      const vtv = matmulFlat(flat(nx.matrixTranspose(eigenvecs)), v, 4);
      assertClose(vtv, flat(nx.eye(4)), tol * 10);
      // The largest component of each eigenvector is positive.
      for (let q = 0; q < 4; q++) {
        const column = [0, 1, 2, 3].map((i) => v[i * 4 + q]!);
        const big = column.reduce((b, x) => (Math.abs(x) > Math.abs(b) ? x : b), 0);
        assert.ok(big > 0, `column ${q}`);
      }
    });
  }

  it("a batch, ordered by magnitude (Nx's examples; values from NumPy)", () => {
    // np.linalg.eigh([[[2, 5], [5, 6]], [[1, 0], [0, 4]]]) → [[-1.3851648, 9.3851648], [1, 4]]
    const { eigenvals, eigenvecs } = nx.eigh(
      nx.tensor([
        [
          [2, 5],
          [5, 6],
        ],
        [
          [1, 0],
          [0, 4],
        ],
      ]),
    );
    assert.equal(eigenvals.dtype, "f32");
    assertClose(flat(eigenvals), [9.385164807134505, -1.385164807134504, 4, 1], 1e-6);
    // NumPy's eigenvectors, columns swapped and signed with the largest component positive.
    assertClose(
      flat(eigenvecs),
      [0.5606288093051838, 0.8280672304692729, 0.8280672304692729, -0.5606288093051838, 0, 1, 1, 0],
      1e-6,
    );
  });

  it("repeated eigenvalues (Nx's example: 5, −1, −1) and a 40×40 matrix: a·v = λ·v, vᵀv = I", () => {
    const r = nx.random.normal(nx.random.key(1), [40, 40], { dtype: "f64" });
    for (const a of [
      nx.tensor(
        [
          [0, 1, 2],
          [1, 0, 2],
          [2, 2, 3],
        ],
        { dtype: "f64" },
      ),
      nx.add(r, nx.matrixTranspose(r)),
    ]) {
      const n = a.shape[0]!;
      const { eigenvals, eigenvecs } = nx.eigh(a);
      const residual = nx.subtract(
        nx.matmul(a, eigenvecs),
        nx.multiply(eigenvecs, nx.newAxis(eigenvals, 0)),
      );
      assert.ok(nx.reduceMax(nx.abs(residual)).toNumber() < 1e-12 * n);
      const gram = nx.subtract(
        nx.matmul(nx.matrixTranspose(eigenvecs), eigenvecs),
        nx.eye(n, { dtype: "f64" }),
      );
      assert.ok(nx.reduceMax(nx.abs(gram)).toNumber() < 1e-13 * n);
      const magnitudes = flat(eigenvals).map(Math.abs);
      assert.ok(magnitudes.every((m, i) => i === 0 || m <= magnitudes[i - 1]! + 1e-12));
    }
    const values = flat(
      nx.eigh(
        nx.tensor(
          [
            [0, 1, 2],
            [1, 0, 2],
            [2, 2, 3],
          ],
          { dtype: "f64" },
        ),
      ).eigenvals,
    );
    assertClose(values, [5, -1, -1], 1e-14);
  });

  it("reads the symmetric part of a non-symmetric input", () => {
    const a = nx.tensor(
      [
        [1, 4],
        [0, 3],
      ],
      { dtype: "f64" },
    );
    const sym = nx.tensor(
      [
        [1, 2],
        [2, 3],
      ],
      { dtype: "f64" },
    );
    assert.deepEqual(nx.eigh(a).eigenvals.toArray(), nx.eigh(sym).eigenvals.toArray());
  });

  it("names the op and shape on bad input", () => {
    assert.throws(
      () => nx.eigh(nx.zeros([2, 3])),
      /^RangeError: eigh: expected square matrices \(…, n, n\), got f32\[2\]\[3\]/,
    );
    assert.throws(
      () => nx.eigh(nx.zeros([3])),
      /^RangeError: eigh: expected square matrices \(…, n, n\), got f32\[3\]/,
    );
    assert.throws(
      () => nx.eigh([[1]] as never),
      /^TypeError: eigh: expected a Tensor, got an array of 1/,
    );
    assert.throws(
      () => bind(pl.eigh, [nx.zeros([2, 2], { dtype: "s32" })]),
      /^TypeError: eigh: expected f32 or f64 matrices, got s32\[2\]\[2\]/,
    );
  });

  it("gradients of eigenvalues and eigenvectors match finite differences (f64)", () => {
    const sym = (m: nx.Tensor) => nx.add(m, nx.matrixTranspose(m));
    const m = rand(40, [2, 3, 3]);
    assertGradient((t: nx.Tensor) => weightedSum(nx.eigh(sym(t)).eigenvals), m);
    assertGradient((t: nx.Tensor) => weightedSum(nx.eigh(sym(t)).eigenvecs, 1), m);
    // Straight on a non-symmetric input: the gradient is the symmetrised one.
    assertGradient((t: nx.Tensor) => weightedSum(nx.eigh(t).eigenvecs, 2), rand(41, [4, 4]));
  });
});

// Worked by hand with partial pivoting, and equal to scipy.linalg.lu(A) (SciPy 1.10):
// pivot −6 (row 2) → rows [−6, 3, 1], [4, 1, −2] − (−2/3)·row, [2, −1, 3] − (−1/3)·row
// = [0, 3, −4/3], [0, 0, 10/3]; column 1 pivots on 3 (no swap).
const LU_A = [
  [2, -1, 3],
  [4, 1, -2],
  [-6, 3, 1],
];
const LU_P = [0, 0, 1, 0, 1, 0, 1, 0, 0];
const LU_L = [1, 0, 0, -2 / 3, 1, 0, -1 / 3, 0, 1];
const LU_U = [-6, 3, 1, 0, 3, -4 / 3, 0, 0, 10 / 3];

describe("lu", () => {
  for (const [dtype, tol] of DTYPES) {
    it(`a hand-worked 3×3 (scipy.linalg.lu agrees), p·l·u = a (${dtype})`, () => {
      const { p, l, u } = nx.lu(nx.tensor(LU_A, { dtype }));
      assert.equal(p.dtype, dtype);
      assert.deepEqual(flat(p), LU_P);
      assertClose(flat(l), LU_L, tol);
      assertClose(flat(u), LU_U, tol);
      assertClose(flat(nx.matmul(p, nx.matmul(l, u))), LU_A.flat(), tol);
    });
  }

  it("a singular batch (Nx's example matrices; factors from scipy.linalg.lu)", () => {
    const a = nx.tensor(
      [
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
        [
          [1, 0, 1],
          [-1, 0, -1],
          [1, 1, 1],
        ],
      ],
      { dtype: "f64" },
    );
    const { p, l, u } = nx.lu(a);
    // scipy.linalg.lu([[1,2,3],[4,5,6],[7,8,9]]): p = [[0,1,0],[0,0,1],[1,0,0]],
    // l = [[1,0,0],[1/7,1,0],[4/7,1/2,1]], u = [[7,8,9],[0,6/7,12/7],[0,0,0]].
    // scipy.linalg.lu([[1,0,1],[-1,0,-1],[1,1,1]]): p = [[1,0,0],[0,0,1],[0,1,0]],
    // l = [[1,0,0],[1,1,0],[-1,0,1]], u = [[1,0,1],[0,1,0],[0,0,0]].
    assert.deepEqual(flat(p), [0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0]);
    assertClose(
      flat(l),
      [1, 0, 0, 1 / 7, 1, 0, 4 / 7, 1 / 2, 1, 1, 0, 0, 1, 1, 0, -1, 0, 1],
      1e-14,
    );
    assertClose(flat(u), [7, 8, 9, 0, 6 / 7, 12 / 7, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0], 1e-14);
    assertClose(flat(nx.matmul(p, nx.matmul(l, u))), flat(a), 1e-14);
  });

  it("keeps an integer input's dtype for p, as Nx", () => {
    const { p, l } = nx.lu(nx.tensor(LU_A, { dtype: "s32" }));
    assert.equal(p.dtype, "s32");
    assert.equal(l.dtype, "f32");
    assert.deepEqual(flat(p), LU_P);
  });

  it("names the op and shape on bad input", () => {
    assert.throws(
      () => nx.lu(nx.zeros([3, 4])),
      /^RangeError: lu: expected square matrices \(…, n, n\), got f32\[3\]\[4\]/,
    );
    assert.throws(
      () => nx.lu(nx.zeros([4])),
      /^RangeError: lu: expected square matrices \(…, n, n\), got f32\[4\]/,
    );
    assert.throws(() => nx.lu(5 as never), /^TypeError: lu: expected a Tensor, got number 5/);
    assert.throws(
      () => bind(pl.lu, [nx.zeros([2, 2], { dtype: "u8" })]),
      /^TypeError: lu: expected f32 or f64 matrices, got u8\[2\]\[2\]/,
    );
  });

  it("gradients of l and u match finite differences (f64)", () => {
    const a = nx.add(rand(42, [2, 3, 3]), nx.multiply(nx.eye(3, { dtype: "f64" }), 0.3));
    assertGradient((t: nx.Tensor) => weightedSum(nx.lu(t).l), a);
    assertGradient((t: nx.Tensor) => weightedSum(nx.lu(t).u, 1), a);
  });
});

describe("svd gradients (f64, finite differences)", () => {
  for (const shape of [
    [4, 3],
    [3, 5],
    [2, 3, 3],
  ]) {
    it(`through s, u and vt of ${shape.join("×")}`, () => {
      const a = rand(43 + shape.length, shape);
      assertGradient((t: nx.Tensor) => weightedSum(nx.svd(t).s), a);
      assertGradient((t: nx.Tensor) => weightedSum(nx.svd(t).u, 1), a);
      assertGradient((t: nx.Tensor) => weightedSum(nx.svd(t).vt, 2), a);
      const f = (t: nx.Tensor) => {
        const { u, s, vt } = nx.svd(t);
        return nx.add(
          weightedSum(nx.multiply(u, 2), 3),
          nx.add(weightedSum(s, 4), weightedSum(vt, 5)),
        );
      };
      assertGradient(f, a);
    });
  }
});

// From NumPy 1.24: np.linalg.pinv(R); R has rank 2 (column 1 is twice column 0).
const R = [
  [1, 2, 3],
  [2, 4, 6.5],
  [-1, -2, 0],
  [0, 0, 1],
];
const R_PINV = [
  0.01478260869565229, 0.00173913043478255, -0.18173913043478243, -0.05565217391304343,
  0.02956521739130459, 0.0034782608695651, -0.36347826086956514, -0.11130434782608695,
  0.03478260869565199, 0.12173913043478271, 0.2782608695652174, 0.10434782608695654,
];
// From NumPy: np.linalg.pinv([[1, 2, 3], [4, 5, 6.5]])
const WIDE_PINV = [
  -1.1734104046242764, 0.5202312138728319, -0.02312138728323688, 0.06936416184971095,
  0.7398843930635832, -0.2196531791907511,
];

describe("pinv", () => {
  for (const [dtype, tol] of DTYPES) {
    it(`rank-deficient and wide matrices against NumPy (${dtype})`, () => {
      const r = nx.pinv(nx.tensor(R, { dtype }));
      assert.deepEqual(r.shape, [3, 4]);
      assert.equal(r.dtype, dtype);
      // R's entries are exact in f32 and the SVD runs in f64, so f32 finds the zero too.
      assertClose(flat(r), R_PINV, tol);
      assertClose(
        flat(
          nx.pinv(
            nx.tensor(
              [
                [1, 2, 3],
                [4, 5, 6.5],
              ],
              { dtype },
            ),
          ),
        ),
        WIDE_PINV,
        tol * 10,
      );
    });
  }

  it("a batch, a vector, a scalar and zeros (Nx's examples)", () => {
    const batch = nx.pinv(nx.tensor([R, R.map((row) => row.map((x) => 2 * x))], { dtype: "f64" }));
    assertClose(flat(batch), [...R_PINV, ...R_PINV.map((x) => x / 2)], 1e-12);
    assertClose(flat(nx.pinv(nx.tensor([0, 1, 2]))), [0, 0.2, 0.4], 1e-7);
    assert.deepEqual(nx.pinv(nx.tensor([0, 0, 0])).toArray(), [0, 0, 0]);
    assert.equal(nx.pinv(nx.tensor(4)).toArray(), 0.25);
    assert.equal(nx.pinv(nx.tensor(0)).toArray(), 0);
    assert.deepEqual(nx.pinv(nx.zeros([2, 3])).toArray(), [
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it("eps drops singular values below it", () => {
    const d = nx.tensor(
      [
        [2, 0],
        [0, 1e-3],
      ],
      { dtype: "f64" },
    );
    assert.deepEqual(flat(nx.pinv(d)), [0.5, 0, 0, 1000]);
    assert.deepEqual(flat(nx.pinv(d, { eps: 1e-2 })), [0.5, 0, 0, 0]);
  });

  it("names the op on bad input", () => {
    assert.throws(
      () => nx.pinv(nx.zeros([2, 2]), { eps: "1" as never }),
      /^TypeError: pinv: eps must be a number, got "1"/,
    );
    assert.throws(
      () => nx.pinv(nx.zeros([2, 2]), { eps: -1 }),
      /^RangeError: pinv: eps must be a non-negative number, got -1/,
    );
    assert.throws(() => nx.pinv(null as never), /^TypeError: pinv: expected a Tensor, got null/);
  });

  it("its gradient matches finite differences (f64, full rank)", () => {
    assertGradient((t: nx.Tensor) => weightedSum(nx.pinv(t)), rand(47, [4, 3]));
    assertGradient((t: nx.Tensor) => weightedSum(nx.pinv(t)), rand(48, [2, 4]));
  });
});

describe("leastSquares gradients (f64, finite differences)", () => {
  it("with respect to a and b for a tall full-rank a", () => {
    const a = rand(49, [5, 3]);
    const b = rand(50, [5, 2]);
    assertGradient((p: nx.Tensor[]) => weightedSum(nx.leastSquares(p[0]!, p[1]!).solution), [a, b]);
    assertGradient(
      (p: nx.Tensor[]) => weightedSum(nx.leastSquares(p[0]!, p[1]!).solution),
      [rand(51, [3, 3]), rand(52, [3])],
    );
  });

  it("refuses a wide a, naming the op and shape", () => {
    assert.throws(
      () =>
        nx.grad((t: nx.Tensor) =>
          nx.sum(nx.leastSquares(t, nx.ones([2], { dtype: "f64" })).solution),
        )(rand(53, [2, 3])),
      /^Error: leastSquares: gradients are defined for tall or square a of full column rank \(m ≥ n\), got f64\[2\]\[3\]/,
    );
  });
});
