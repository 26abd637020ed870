import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  cholesky,
  determinant,
  LinalgError,
  qr,
  solve,
  triangularSolve,
  type FloatArray,
} from "../src/kernels/linalg.js";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
const DTYPES: [string, Ctor, number][] = [
  ["f64", Float64Array, 1e-10],
  ["f32", Float32Array, 2e-4],
];

/** Elementwise |actual − expected| ≤ tol · max(1, |expected|). */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12): void {
  assert.equal(actual.length, expected.length, "length");
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Math.abs(a - e) <= tol * Math.max(1, Math.abs(e));
    assert.ok(ok, `element ${i}: got ${a}, expected ${e} (tol ${tol})`);
  }
}

/** Deterministic pseudo-random numbers in [-1, 1) from a 32-bit LCG. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
}

function randomArray(rand: () => number, length: number): number[] {
  return Array.from({ length }, rand);
}

/** `batch` SPD n×n matrices M Mᵀ + n·I. */
function randomSpd(rand: () => number, batch: number, n: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    const mat = randomArray(rand, n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let k = 0; k < n; k++) s += mat[i * n + k] * mat[j * n + k];
        out.push(s);
      }
    }
  }
  return out;
}

/** Batched matmul of row-major p×q (optionally transposed, stored q×p) and q×r matrices. */
function matmul(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  batch: number,
  p: number,
  q: number,
  r: number,
  transposeX = false,
): number[] {
  const out = new Array<number>(batch * p * r).fill(0);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < r; j++) {
        let s = 0;
        for (let k = 0; k < q; k++) {
          const xv = transposeX ? x[b * p * q + k * p + i] : x[b * p * q + i * q + k];
          s += xv * y[b * q * r + k * r + j];
        }
        out[b * p * r + i * r + j] = s;
      }
    }
  }
  return out;
}

function transposeBatch(x: ArrayLike<number>, batch: number, rows: number, cols: number) {
  const out = new Array<number>(batch * rows * cols);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        out[b * rows * cols + j * rows + i] = x[b * rows * cols + i * cols + j];
      }
    }
  }
  return out;
}

function identityBatch(batch: number, n: number): number[] {
  const out = new Array<number>(batch * n * n).fill(0);
  for (let b = 0; b < batch; b++) for (let i = 0; i < n; i++) out[b * n * n + i * n + i] = 1;
  return out;
}

function assertLinalgError(fn: () => void, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof LinalgError, `expected LinalgError, got ${String(err)}`);
    assert.equal(err.name, "LinalgError");
    assert.match(err.message, message);
    return true;
  });
}

// ---------------------------------------------------------------------------
// cholesky
// ---------------------------------------------------------------------------

describe("cholesky", () => {
  it("matches NumPy on a batch of two 3×3 matrices", () => {
    const a = [4, 12, -16, 12, 37, -43, -16, -43, 98, 2, -1, 0, -1, 2, -1, 0, -1, 2];
    // From NumPy 2.4: np.linalg.cholesky(a.reshape(2, 3, 3)).ravel()
    const expected = [
      2.0, 0.0, 0.0, 6.0, 1.0, 0.0, -8.0, 5.0, 3.0, 1.4142135623730951, 0.0, 0.0,
      -0.7071067811865475, 1.224744871391589, 0.0, 0.0, -0.8164965809277261, 1.1547005383792515,
    ];
    const out = new Float64Array(18);
    cholesky(out, Float64Array.from(a), 2, 3);
    assertClose(out, expected, 1e-14);
  });

  it("matches NumPy on a 4×4 matrix", () => {
    const a = [6, 3, 4, 8, 3, 6, 5, 1, 4, 5, 10, 7, 8, 1, 7, 25];
    // From NumPy 2.4: np.linalg.cholesky(a.reshape(4, 4)).ravel()
    const expected = [
      2.449489742783178, 0.0, 0.0, 0.0, 1.2247448713915892, 2.1213203435596424, 0.0, 0.0,
      1.6329931618554523, 1.414213562373095, 2.309401076758503, 0.0, 3.2659863237109046,
      -1.4142135623730956, 1.5877132402714704, 3.1324910215354165,
    ];
    const out = new Float64Array(16).fill(99);
    cholesky(out, Float64Array.from(a), 1, 4);
    assertClose(out, expected, 1e-14);
  });

  for (const [name, Arr, tol] of DTYPES) {
    it(`L Lᵀ = A on random SPD batches (${name})`, () => {
      const rand = lcg(7);
      for (const n of [1, 2, 5, 9]) {
        const batch = 3;
        const a = Arr.from(randomSpd(rand, batch, n));
        const l = new Arr(batch * n * n).fill(NaN);
        cholesky(l, a, batch, n);
        for (let b = 0; b < batch; b++) {
          for (let i = 0; i < n; i++) {
            assert.ok(l[b * n * n + i * n + i] > 0, "positive diagonal");
            for (let j = i + 1; j < n; j++) assert.equal(l[b * n * n + i * n + j], 0);
          }
        }
        const llt = matmul(l, transposeBatch(l, batch, n, n), batch, n, n, n);
        assertClose(llt, a, tol);
      }
    });
  }

  it("reads only the lower triangle", () => {
    const n = 4;
    const a = Float64Array.from(randomSpd(lcg(11), 2, n));
    const expected = new Float64Array(a.length);
    cholesky(expected, a, 2, n);
    const garbled = a.slice();
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) garbled[b * n * n + i * n + j] = NaN;
    }
    const out = new Float64Array(a.length);
    cholesky(out, garbled, 2, n);
    assert.deepEqual(out, expected);
  });

  it("may write its result over its input", () => {
    const a = Float64Array.from(randomSpd(lcg(12), 2, 3));
    const expected = new Float64Array(a.length);
    cholesky(expected, a, 2, 3);
    cholesky(a, a, 2, 3);
    assert.deepEqual(a, expected);
  });

  it("handles n = 0 and batch = 0", () => {
    cholesky(new Float64Array(0), new Float64Array(0), 3, 0);
    cholesky(new Float64Array(0), new Float64Array(0), 0, 4);
  });

  it("throws LinalgError naming the batch index for an indefinite matrix", () => {
    const good = randomSpd(lcg(3), 1, 2);
    const a = Float64Array.from([...good, 1, 2, 2, 1, ...good]);
    assertLinalgError(
      () => cholesky(new Float64Array(12), a, 3, 2),
      /^cholesky: matrix 1 of 3 is not symmetric positive definite$/,
    );
  });

  it("throws for zero, negative-definite and NaN matrices", () => {
    for (const a of [
      [0, 0, 0, 0],
      [-1, 0, 0, -1],
      [NaN, 0, 0, 1],
    ]) {
      assertLinalgError(
        () => cholesky(new Float64Array(4), Float64Array.from(a), 1, 2),
        /cholesky: matrix 0 of 1 is not symmetric positive definite/,
      );
    }
  });
});

// ---------------------------------------------------------------------------
// triangularSolve
// ---------------------------------------------------------------------------

describe("triangularSolve", () => {
  const t = [2, 0, 0, -1, 3, 0, 4, 0.5, -2];
  const b = [1, 2, 3, 4, 5, 6];

  it("matches NumPy for lower T", () => {
    // From NumPy 2.4: np.linalg.solve(t.reshape(3, 3), b.reshape(3, 2)).ravel()
    const expected = [
      0.49999999999999994, 1.0, 1.1666666666666665, 1.6666666666666665, -1.2083333333333335,
      -0.5833333333333335,
    ];
    const out = new Float64Array(6);
    triangularSolve(out, Float64Array.from(t), Float64Array.from(b), 1, 3, 2, true, false, false);
    assertClose(out, expected, 1e-14);
  });

  it("matches NumPy for lower T, transposed", () => {
    // From NumPy 2.4: np.linalg.solve(t.reshape(3, 3).T, b.reshape(3, 2)).ravel()
    const expected = [
      6.208333333333333, 7.916666666666667, 1.4166666666666665, 1.8333333333333333, -2.5, -3.0,
    ];
    const out = new Float64Array(6);
    triangularSolve(out, Float64Array.from(t), Float64Array.from(b), 1, 3, 2, true, true, false);
    assertClose(out, expected, 1e-14);
  });

  for (const [name, Arr, tol] of DTYPES) {
    for (const lower of [true, false]) {
      for (const transpose of [false, true]) {
        for (const unitDiagonal of [false, true]) {
          const flags = `lower=${lower} transpose=${transpose} unit=${unitDiagonal}`;
          it(`op(T) X = B with ${flags} (${name})`, () => {
            const rand = lcg(101);
            const batch = 3;
            const n = 6;
            const m = 4;
            // Stored T: the referenced triangle is random with a diagonal away from
            // zero; the other triangle (and the diagonal when unit) is NaN so that
            // reading it would poison the result.
            const stored = new Arr(batch * n * n);
            const effective = new Array<number>(batch * n * n).fill(0);
            for (let k = 0; k < batch; k++) {
              for (let i = 0; i < n; i++) {
                for (let j = 0; j < n; j++) {
                  const idx = k * n * n + i * n + j;
                  const inTriangle = lower ? j < i : j > i;
                  if (i === j) {
                    const d = (1 + Math.abs(rand())) * (rand() < 0 ? -1 : 1);
                    stored[idx] = unitDiagonal ? NaN : d;
                    effective[idx] = unitDiagonal ? 1 : stored[idx];
                  } else if (inTriangle) {
                    stored[idx] = rand();
                    effective[idx] = stored[idx];
                  } else {
                    stored[idx] = NaN;
                  }
                }
              }
            }
            const rhs = Arr.from(randomArray(rand, batch * n * m));
            const x = new Arr(batch * n * m).fill(NaN);
            triangularSolve(x, stored, rhs, batch, n, m, lower, transpose, unitDiagonal);
            const back = matmul(effective, x, batch, n, n, m, transpose);
            assertClose(back, rhs, tol);
          });
        }
      }
    }
  }

  it("may write its result over b", () => {
    const tt = Float64Array.from(t);
    const rhs = Float64Array.from(b);
    const expected = new Float64Array(6);
    triangularSolve(expected, tt, rhs, 1, 3, 2, false, true, false);
    triangularSolve(rhs, tt, rhs, 1, 3, 2, false, true, false);
    assert.deepEqual(rhs, expected);
  });

  it("throws LinalgError for a zero on the diagonal, unless unitDiagonal", () => {
    const tt = Float64Array.from([...t, 1, 0, 0, 2, 0, 0, 3, 4, 5]);
    const rhs = new Float64Array(12).fill(1);
    assertLinalgError(
      () => triangularSolve(new Float64Array(12), tt, rhs, 2, 3, 2, true, false, false),
      /^triangularSolve: matrix 1 of 2 is singular/,
    );
    const out = new Float64Array(12);
    triangularSolve(out, tt, rhs, 2, 3, 2, true, false, true);
    assert.ok(out.every(Number.isFinite));
  });
});

// ---------------------------------------------------------------------------
// solve
// ---------------------------------------------------------------------------

describe("solve", () => {
  it("matches NumPy on a batch of two 3×3 systems (needs pivoting)", () => {
    const a = [0, 2, 1, 1, 1, 1, 4, -2, 3, 2, 1, 1, 1, 3, 2, 1, 0, 0];
    const b = [1, 2, 3, 4, 5, 6, 4, -1, 5, 0, 6, 2];
    // From NumPy 2.4: np.linalg.solve(a.reshape(2, 3, 3), b.reshape(2, 3, 2)).ravel()
    const expected = [
      3.5, 4.0, 1.5, 2.0, -2.0, -2.0, 6.0, 2.0, 15.000000000000004, 8.000000000000004,
      -23.000000000000004, -13.000000000000004,
    ];
    const out = new Float64Array(12);
    solve(out, Float64Array.from(a), Float64Array.from(b), 2, 3, 2);
    assertClose(out, expected, 1e-13);
  });

  it("matches NumPy on a 4×4 system", () => {
    const a = [1, -2, 3, 0.5, 2, 1, -1, 4, 0, 3, 2, -1, 5, 0, 1, 2];
    const b = [1, 0, -2, 3];
    // From NumPy 2.4: np.linalg.solve(a.reshape(4, 4), b.reshape(4, 1)).ravel()
    const expected = [
      0.7766749379652605, -0.5905707196029777, -0.2679900744416874, -0.30769230769230776,
    ];
    const out = new Float64Array(4);
    solve(out, Float64Array.from(a), Float64Array.from(b), 1, 4, 1);
    assertClose(out, expected, 1e-14);
  });

  for (const [name, Arr, tol] of DTYPES) {
    it(`A X = B on random batches (${name})`, () => {
      const rand = lcg(2024);
      for (const [n, m] of [
        [1, 1],
        [3, 1],
        [6, 4],
        [10, 2],
      ]) {
        const batch = 4;
        const a = Arr.from(randomArray(rand, batch * n * n));
        const b = Arr.from(randomArray(rand, batch * n * m));
        const x = new Arr(batch * n * m).fill(NaN);
        solve(x, a, b, batch, n, m);
        // Residual scaled by the size of the terms that produce it.
        const back = matmul(a, x, batch, n, n, m);
        const scale = Math.max(1, ...Array.from(x, Math.abs));
        assertClose(
          back.map((v) => v / scale),
          Array.from(b, (v) => v / scale),
          tol,
        );
      }
    });
  }

  it("may write its result over b", () => {
    const a = Float64Array.from(randomArray(lcg(5), 2 * 4 * 4));
    const b = Float64Array.from(randomArray(lcg(6), 2 * 4 * 3));
    const expected = new Float64Array(b.length);
    solve(expected, a, b, 2, 4, 3);
    solve(b, a, b, 2, 4, 3);
    assert.deepEqual(b, expected);
  });

  it("throws LinalgError naming the batch index for a singular matrix", () => {
    const a = Float64Array.from([2, 1, 1, 3, 1, 2, 2, 4]);
    assertLinalgError(
      () => solve(new Float64Array(4), a, new Float64Array(4).fill(1), 2, 2, 1),
      /^solve: matrix 1 of 2 is singular$/,
    );
    assertLinalgError(
      () => solve(new Float64Array(3), new Float64Array(9), new Float64Array(3), 1, 3, 1),
      /^solve: matrix 0 of 1 is singular$/,
    );
  });
});

// ---------------------------------------------------------------------------
// determinant
// ---------------------------------------------------------------------------

describe("determinant", () => {
  it("matches NumPy on a batch of three 3×3 matrices", () => {
    const a = [2, -3, 1, 2, 0, -1, 1, 4, 5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, -8];
    // From NumPy 2.4: np.linalg.det(a.reshape(3, 3, 3))
    const expected = [49.000000000000014, 0.0, 47.999999999999986];
    const out = new Float64Array(3);
    determinant(out, Float64Array.from(a), 3, 3);
    assertClose(out, expected, 1e-13);
  });

  it("matches NumPy on 2×2 and 4×4 matrices", () => {
    const out = new Float64Array(1);
    // From NumPy 2.4: np.linalg.det(np.array([[1, 2], [3, 4]]))
    determinant(out, Float64Array.from([1, 2, 3, 4]), 1, 2);
    assertClose(out, [-2.0000000000000004], 1e-14);
    // From NumPy 2.4: np.linalg.det(a.reshape(4, 4))
    determinant(
      out,
      Float64Array.from([1, -2, 3, 0.5, 2, 1, -1, 4, 0, 3, 2, -1, 5, 0, 1, 2]),
      1,
      4,
    );
    assertClose(out, [-201.50000000000009], 1e-14);
  });

  for (const [name, Arr, tol] of DTYPES) {
    it(`is the product of the diagonal for triangular matrices, sign-flipped by a row swap (${name})`, () => {
      const rand = lcg(77);
      const n = 7;
      const batch = 2;
      const a = new Arr(batch * n * n);
      const expected: number[] = [];
      for (let b = 0; b < batch; b++) {
        let prod = 1;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j <= i; j++) a[b * n * n + i * n + j] = j === i ? 1 + rand() / 2 : rand();
          prod *= a[b * n * n + i * n + i];
        }
        expected.push(prod);
      }
      const out = new Arr(batch);
      determinant(out, a, batch, n);
      assertClose(out, expected, tol);
      // Swap rows 0 and 3 of the first matrix.
      for (let j = 0; j < n; j++) {
        const tmp = a[j];
        a[j] = a[3 * n + j];
        a[3 * n + j] = tmp;
      }
      determinant(out, a, batch, n);
      assertClose(out, [-expected[0], expected[1]], tol);
    });
  }

  it("gives 0 for singular matrices without throwing, and 1 for n = 0", () => {
    const out = new Float64Array(2).fill(NaN);
    determinant(
      out,
      Float64Array.from([1, 0, 2, 2, 0, 4, 3, 0, 5, 1, 2, 3, 2, 4, 6, 0, 0, 1]),
      2,
      3,
    );
    assert.deepEqual(Array.from(out), [0, 0]);
    const empty = new Float64Array(3).fill(NaN);
    determinant(empty, new Float64Array(0), 3, 0);
    assert.deepEqual(Array.from(empty), [1, 1, 1]);
  });
});

// ---------------------------------------------------------------------------
// qr
// ---------------------------------------------------------------------------

/** Checks shapes' contents: Q has orthonormal columns, R is upper triangular, Q R = A. */
function checkQr(
  q: FloatArray,
  r: FloatArray,
  a: FloatArray,
  batch: number,
  m: number,
  n: number,
  mode: "reduced" | "complete",
  tol: number,
): void {
  const qCols = mode === "reduced" ? Math.min(m, n) : m;
  const qtq = matmul(q, q, batch, qCols, m, qCols, true);
  assertClose(qtq, identityBatch(batch, qCols), tol);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < qCols; i++) {
      for (let j = 0; j < Math.min(i, n); j++) assert.equal(r[b * qCols * n + i * n + j], 0);
    }
  }
  assertClose(matmul(q, r, batch, m, qCols, n), a, tol);
}

describe("qr", () => {
  const tall = [1, 2, 3, 4, 5, 6, 7, 8, 10, -1, 0, 2];
  const wide = [3, -1, 2, 0, 1, 4, -2, 5, -2, 1, 1, 1];

  it("matches NumPy on a tall 4×3 matrix, reduced", () => {
    // From NumPy 2.4: np.linalg.qr(tall.reshape(4, 3), mode="reduced")
    const expectedQ = [
      -0.12216944435630528, 0.5642764926868793, 0.47781848256749826, -0.48867777742522095,
      0.23175641663925378, 0.5187743525018512, -0.8551861104941366, -0.10076365940837123,
      -0.4436885909555317, 0.12216944435630524, 0.7859565433852946, -0.5529042441138187,
    ];
    const expectedR = [
      -8.18535277187245, -9.529216659791809, -11.606097213848996, 0.0, 1.4812257933030573,
      3.6476444705830344, 0.0, 0.0, -0.9965928350693529,
    ];
    const q = new Float64Array(12);
    const r = new Float64Array(9);
    qr(q, r, Float64Array.from(tall), 1, 4, 3, "reduced");
    assertClose(q, expectedQ, 1e-13);
    assertClose(r, expectedR, 1e-13);
  });

  it("matches NumPy on a tall 4×3 matrix, complete", () => {
    // From NumPy 2.4: np.linalg.qr(tall.reshape(4, 3), mode="complete")
    const expectedQ = [
      -0.12216944435630528, 0.5642764926868793, 0.47781848256749826, -0.6620847108818926,
      -0.48867777742522095, 0.23175641663925378, 0.5187743525018512, 0.6620847108818961,
      -0.8551861104941366, -0.10076365940837123, -0.4436885909555317, -0.24828176658071177,
      0.12216944435630524, 0.7859565433852946, -0.5529042441138187, 0.2482817665807091,
    ];
    const expectedR = [
      -8.18535277187245, -9.529216659791809, -11.606097213848996, 0.0, 1.4812257933030573,
      3.6476444705830344, 0.0, 0.0, -0.9965928350693529, 0.0, 0.0, 0.0,
    ];
    const q = new Float64Array(16);
    const r = new Float64Array(12).fill(NaN);
    qr(q, r, Float64Array.from(tall), 1, 4, 3, "complete");
    assertClose(q, expectedQ, 1e-13);
    assertClose(r, expectedR, 1e-13);
  });

  it("matches NumPy on a wide 3×4 matrix (reduced and complete coincide)", () => {
    // From NumPy 2.4: np.linalg.qr(wide.reshape(3, 4), mode="reduced") — mode="complete"
    // returns the same arrays for a wide matrix.
    const expectedQ = [
      -0.8017837257372733, 0.18556318006609934, 0.5680749627880229, -0.26726124191242445,
      -0.9615546603425146, -0.06311944030978028, 0.5345224838248489, -0.20243256007210836,
      0.820552724027144,
    ];
    const expectedR = [
      -3.741657386773941, 0.2672612419124245, -0.5345224838248486, -0.8017837257372734, 0.0,
      -4.2342143815082665, 2.0918031207451198, -5.01020586178468, 0.0, 0.0, 2.0829415302227505,
      0.5049555224782428,
    ];
    for (const mode of ["reduced", "complete"] as const) {
      const q = new Float64Array(9);
      const r = new Float64Array(12);
      qr(q, r, Float64Array.from(wide), 1, 3, 4, mode);
      assertClose(q, expectedQ, 1e-13);
      assertClose(r, expectedR, 1e-13);
    }
  });

  it("follows LAPACK's sign convention when a column needs no reflection", () => {
    // From NumPy 2.4: np.linalg.qr(np.array([[-2., 1.], [0., 3.]])) and
    // np.linalg.qr(np.array([[0., 1.], [0., 2.]])): Q = I (NumPy prints one zero as -0.0),
    // R = the input, negative diagonal kept.
    for (const a of [
      [-2, 1, 0, 3],
      [0, 1, 0, 2],
    ]) {
      const q = new Float64Array(4);
      const r = new Float64Array(4);
      qr(q, r, Float64Array.from(a), 1, 2, 2, "reduced");
      assertClose(q, [1, 0, 0, 1], 0);
      assertClose(r, a, 0);
    }
  });

  it("gives each matrix of a batch the same result as alone", () => {
    const batch = Float64Array.from([...tall, ...tall.map((v) => -2 * v)]);
    const q = new Float64Array(24);
    const r = new Float64Array(18);
    qr(q, r, batch, 2, 4, 3, "reduced");
    const q0 = new Float64Array(12);
    const r0 = new Float64Array(9);
    qr(q0, r0, Float64Array.from(tall), 1, 4, 3, "reduced");
    assert.deepEqual(q.subarray(0, 12), q0);
    assert.deepEqual(r.subarray(0, 9), r0);
    // H (−2A) = −2 H A, and each reflector is unchanged: Q is the same, R scales by −2.
    assertClose(q.subarray(12), q0, 1e-14);
    assertClose(
      r.subarray(9),
      Array.from(r0, (v) => -2 * v),
      1e-14,
    );
  });

  for (const [name, Arr, tol] of DTYPES) {
    for (const mode of ["reduced", "complete"] as const) {
      it(`Q orthonormal, R upper, Q R = A on random tall/square/wide batches (${mode}, ${name})`, () => {
        const rand = lcg(99);
        for (const [m, n] of [
          [1, 1],
          [7, 4],
          [5, 5],
          [3, 6],
          [8, 1],
          [1, 8],
        ]) {
          const batch = 3;
          const k = Math.min(m, n);
          const qCols = mode === "reduced" ? k : m;
          const a = Arr.from(randomArray(rand, batch * m * n));
          const q = new Arr(batch * m * qCols).fill(NaN);
          const r = new Arr(batch * qCols * n).fill(NaN);
          qr(q, r, a, batch, m, n, mode);
          checkQr(q, r, a, batch, m, n, mode, tol);
        }
      });
    }
  }

  it("handles rank-deficient and zero matrices", () => {
    // Columns: c, 2c, random — rank 2.
    const rand = lcg(4);
    const m = 5;
    const n = 3;
    const a = new Float64Array(2 * m * n);
    for (let i = 0; i < m; i++) {
      const c = rand();
      a[i * n] = c;
      a[i * n + 1] = 2 * c;
      a[i * n + 2] = rand();
    }
    // Second matrix stays all zero.
    for (const mode of ["reduced", "complete"] as const) {
      const qCols = mode === "reduced" ? n : m;
      const q = new Float64Array(2 * m * qCols);
      const r = new Float64Array(2 * qCols * n);
      qr(q, r, a, 2, m, n, mode);
      checkQr(q, r, a, 2, m, n, mode, 1e-12);
      assert.ok(r.subarray(qCols * n).every((v) => v === 0));
    }
  });

  it("rejects arrays that are too short", () => {
    assert.throws(
      () =>
        qr(new Float64Array(11), new Float64Array(9), Float64Array.from(tall), 1, 4, 3, "reduced"),
      RangeError,
    );
  });
});
