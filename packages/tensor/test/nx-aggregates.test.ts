// Nx's statistics, diagonals and small helpers. Known answers: the examples of Nx's documentation
// (nx/lib/nx.ex: median, mode, weighted_mean, covariance, split) and NumPy 1.24 (/usr/bin/python3:
// np.median, np.diagonal, np.diag(v, k), np.tri, np.logical_xor, np.trunc(a / b), np.diff,
// np.allclose, np.cov(rowvar=False)); f64 finite-difference gradients; jit = eager.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "../src/index.js";
import { assertGradient, rand } from "./gradcheck.js";

const s32 = { dtype: "s32" } as const;
const f64 = { dtype: "f64" } as const;
const close = (got: nx.Tensor, want: unknown, what: string, tol = 1e-6) => {
  const g = [got.toArray()].flat(4) as number[];
  const w = [want].flat(4) as number[];
  assert.equal(g.length, w.length, `${what}: size`);
  g.forEach((v, i) => assert.ok(Math.abs(v - w[i]!) <= tol, `${what}[${i}]: ${v} vs ${w[i]}`));
};

test("median: Nx's examples (odd counts keep the type, even ones average) and NumPy's", () => {
  const m = nx.median(nx.tensor([1, 2, 3], s32));
  assert.equal(m.dtype, "s32");
  assert.equal(m.toNumber(), 2);
  const even = nx.median(nx.tensor([1, 2], s32));
  assert.equal(even.dtype, "f32");
  assert.equal(even.toNumber(), 1.5);
  assert.equal(nx.median(nx.iota([2, 3, 3])).toNumber(), 8.5);
  const t = nx.tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    s32,
  );
  assert.deepEqual(nx.median(t, { axis: 0 }).toArray(), [2.5, 3.5, 4.5]);
  assert.deepEqual(nx.median(t, { axis: 1 }).toArray(), [2, 5]);
  const u = nx.tensor(
    [
      [
        [1, 2, 2],
        [3, 4, 2],
      ],
      [
        [4, 5, 2],
        [7, 9, 2],
      ],
    ],
    s32,
  );
  assert.deepEqual(nx.median(u, { axis: -1 }).toArray(), [
    [2, 3],
    [4, 7],
  ]);
  const x = nx.tensor(
    [
      [0.3, -1.2, 2.5, 0.7],
      [1.1, 0.4, -0.6, 3.0],
      [2.2, -0.1, 0.9, -2.4],
    ],
    f64,
  );
  close(nx.median(x, { axis: 1 }), [0.5, 0.75, 0.4], "np axis 1", 1e-12);
  close(nx.median(x, { axis: 0 }), [1.1, -0.1, 0.9, 0.7], "np axis 0", 1e-12);
  close(nx.median(x), 0.55, "np all", 1e-12);
  assert.deepEqual(nx.median(x, { axis: 0, keepAxis: true }).shape, [1, 4]);
  assert.deepEqual(nx.median(x, { keepAxis: true }).shape, [1, 1]);
  assertGradient((a: nx.Tensor) => nx.sum(nx.median(a, { axis: 1 })), x);
});

test("mode: Nx's examples (the smallest of equally frequent values)", () => {
  const t = nx.tensor(
    [
      [1, 2, 2, 3, 5],
      [1, 1, 76, 8, 1],
    ],
    s32,
  );
  assert.equal(nx.mode(nx.tensor(42, s32)).toNumber(), 42);
  assert.equal(nx.mode(nx.tensor([1, 2, 2, 3, 5], s32)).toNumber(), 2);
  assert.equal(nx.mode(t).toNumber(), 1);
  assert.deepEqual(nx.mode(t, { axis: 0 }).toArray(), [1, 1, 2, 3, 1]);
  assert.deepEqual(nx.mode(t, { axis: 1 }).toArray(), [2, 1]);
  assert.deepEqual(nx.mode(t, { axis: 1, keepAxis: true }).toArray(), [[2], [1]]);
  assert.deepEqual(nx.mode(nx.tensor([[[1]]], s32), { axis: 1 }).toArray(), [[1]]);
  assert.equal(nx.mode(t).dtype, "s32");
  // Against counting by hand: 5 rows of 200 values in [0, 10).
  const rows = Array.from({ length: 5 }, (_, r) =>
    Array.from({ length: 200 }, (_, i) => (i * 7 + r * 13 + ((i * i) % 11)) % 10),
  );
  const countMode = (values: number[]) => {
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    const best = Math.max(...counts.values());
    return Math.min(...[...counts].filter(([, c]) => c === best).map(([v]) => v));
  };
  assert.deepEqual(nx.mode(nx.tensor(rows, s32), { axis: 1 }).toArray(), rows.map(countMode));
  assert.equal(nx.mode(nx.tensor(rows, s32)).toNumber(), countMode(rows.flat()));
});

test("weightedMean and covariance: Nx's examples and NumPy's", () => {
  close(
    nx.weightedMean(nx.tensor([1, 2, 3], { dtype: "u8" }), nx.tensor([1, 3, 5], s32)),
    2.4444444,
    "1-D",
  );
  close(
    nx.weightedMean(nx.iota([3, 4]), nx.tensor([1, 2, 3, 4], s32), { axes: [1] }),
    [2, 6, 10],
    "axis 1",
  );
  close(
    nx.weightedMean(nx.iota([2, 4, 4, 1]), nx.full([4, 4], 2, s32), { axes: [1, 2] }),
    [[7.5], [23.5]],
    "axes 1, 2",
  );
  const w = nx.tensor(
    [
      [
        [0, 1, 2],
        [1, 1, 0],
      ],
      [
        [-1, 1, -1],
        [1, 1, -1],
      ],
    ],
    s32,
  );
  const wm = nx.weightedMean(nx.iota([2, 2, 3]), w, { axes: [-1], keepAxes: true });
  assert.deepEqual(wm.shape, [2, 2, 1]);
  close(wm, [1.6666666, 3.5, 7, 8], "keepAxes");

  const obs = nx.tensor(
    [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
    s32,
  );
  close(nx.covariance(obs), [2.6666667, 2.6666667, 2.6666667, 2.6666667], "cov");
  close(nx.covariance(obs, { ddof: 1 }), [4, 4, 4, 4], "ddof");
  close(
    nx.covariance(obs, { mean: nx.tensor([4, 3]) }),
    [3.6666667, 1.6666666, 1.6666666, 3.6666667],
    "mean",
  );
  const batch = nx.stack([obs, nx.add(obs, 6)]);
  assert.deepEqual(nx.covariance(batch).shape, [2, 2, 2]);
  const d = nx.tensor(
    [
      [1, 2],
      [3, 5],
      [4, 9],
      [0, -1],
    ],
    f64,
  );
  close(nx.covariance(d), [2.5, 5.75, 5.75, 13.6875], "np ddof 0", 1e-12);
  close(nx.covariance(d, { ddof: 1 }), [10 / 3, 23 / 3, 23 / 3, 18.25], "np ddof 1", 1e-12);
  assertGradient(
    (a: nx.Tensor) =>
      nx.sum(
        nx.multiply(
          nx.covariance(a),
          nx.tensor(
            [
              [1, 2],
              [3, 4],
            ],
            f64,
          ),
        ),
      ),
    rand(5, [4, 2]),
  );
  assertGradient(
    ({ a, b }: { a: nx.Tensor; b: nx.Tensor }) =>
      nx.weightedMean(a, nx.add(b, 2), { axes: [1] }).sum(),
    { a: rand(6, [2, 3]), b: rand(7, [3]) },
  );
});

test("allClose: NumPy's allclose, NaN and infinities", () => {
  const t = (xs: number[]) => nx.tensor(xs, f64);
  const ac = (a: number[], b: number[], o: nx.AllCloseOptions = {}) =>
    nx.allClose(t(a), t(b), o).toNumber();
  assert.equal(ac([1e10, 1e-7], [1.00001e10, 1e-8]), 0);
  assert.equal(ac([1e10, 1e-8], [1.00001e10, 1e-9]), 1);
  assert.equal(ac([1, NaN], [1, NaN]), 0);
  assert.equal(ac([1, NaN], [1, NaN], { equalNan: true }), 1);
  assert.equal(ac([Infinity], [Infinity]), 1);
  assert.equal(ac([Infinity], [1e308]), 0);
  assert.equal(ac([1, 2], [1.1, 2.2], { rtol: 0.1 }), 1);
  assert.equal(nx.allClose(nx.tensor([1, 2], s32), nx.tensor([1, 2], s32)).dtype, "u8");
});

test("takeDiagonal, makeDiagonal, putDiagonal and tri: NumPy's answers, gradients", () => {
  const m = nx.reshape(nx.iota([12]), [3, 4]);
  assert.deepEqual(nx.takeDiagonal(m).toArray(), [0, 5, 10]);
  assert.deepEqual(nx.takeDiagonal(m, { offset: 1 }).toArray(), [1, 6, 11]);
  assert.deepEqual(nx.takeDiagonal(m, { offset: -2 }).toArray(), [8]);
  assert.deepEqual(nx.takeDiagonal(nx.stack([m, m])).shape, [2, 3]);
  assert.deepEqual(nx.makeDiagonal(nx.tensor([1, 2, 3], s32), { offset: 1 }).toArray(), [
    [0, 1, 0, 0],
    [0, 0, 2, 0],
    [0, 0, 0, 3],
    [0, 0, 0, 0],
  ]);
  assert.deepEqual(nx.makeDiagonal(nx.tensor([1, 2], s32), { offset: -2 }).toArray(), [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [1, 0, 0, 0],
    [0, 2, 0, 0],
  ]);
  assert.deepEqual(nx.putDiagonal(m, nx.tensor([100, 101, 102], s32), { offset: 1 }).toArray(), [
    [0, 100, 2, 3],
    [4, 5, 101, 7],
    [8, 9, 10, 102],
  ]);
  assert.deepEqual(nx.tri(3, 4, { k: 1 }).toArray(), [
    [1, 1, 0, 0],
    [1, 1, 1, 0],
    [1, 1, 1, 1],
  ]);
  assert.deepEqual(nx.tri(3, 2, { k: -1 }).toArray(), [
    [0, 0],
    [1, 0],
    [1, 1],
  ]);
  assert.equal(nx.tri(2).dtype, "u8");
  const w = rand(8, [4, 4]);
  assertGradient(
    (v: nx.Tensor) => nx.sum(nx.multiply(nx.makeDiagonal(v, { offset: 1 }), w)),
    rand(9, [3]),
  );
  assertGradient(
    (a: nx.Tensor) =>
      nx.sum(nx.multiply(nx.takeDiagonal(a, { offset: -1 }), nx.tensor([1, 2, 3], f64))),
    rand(10, [4, 4]),
  );
  assertGradient(
    ({ a, d }: { a: nx.Tensor; d: nx.Tensor }) => nx.sum(nx.multiply(nx.putDiagonal(a, d), w)),
    { a: rand(11, [4, 4]), d: rand(12, [4]) },
  );
});

test("logicalXor, quotient, fill, diff and split", () => {
  assert.deepEqual(
    nx.logicalXor(nx.tensor([0, 1, 2, 0]), nx.tensor([0, 0, 5, -1])).toArray(),
    [0, 1, 0, 1],
  );
  const q = nx.quotient(
    nx.tensor([7, -7, 7, -7, 0, 2147483647, 5], s32),
    nx.tensor([2, 2, -2, -2, 3, 2, 0], s32),
  );
  assert.equal(q.dtype, "s32");
  assert.deepEqual(q.toArray(), [3, -3, -3, 3, 0, 1073741823, 0]);
  assert.equal(nx.quotient(nx.tensor(11, s32), 5).toNumber(), 2);
  assert.deepEqual(nx.fill(nx.zeros([2, 2], s32), 3).toArray(), [
    [3, 3],
    [3, 3],
  ]);
  assert.equal(nx.fill(nx.zeros([2], s32), 0.5).dtype, "f32");
  assert.equal(nx.fill(nx.zeros([2]), 1, { dtype: "u8" }).dtype, "u8");
  const z = nx.tensor(
    [
      [1, 4, 9, 16],
      [2, 3, 5, 8],
    ],
    s32,
  );
  assert.deepEqual(nx.diff(z).toArray(), [
    [3, 5, 7],
    [1, 2, 3],
  ]);
  assert.deepEqual(nx.diff(z, { order: 2 }).toArray(), [
    [2, 2],
    [1, 1],
  ]);
  assert.deepEqual(nx.diff(z, { axis: 0 }).toArray(), [[1, -1, -4, -8]]);
  assert.deepEqual(nx.diff(z, { order: 5 }).shape, [2, 0]);
  assert.equal(nx.diff(z, { order: 0 }), z);
  const t = nx.reshape(nx.iota([12]), [3, 4]);
  const [l, r] = nx.split(t, 2);
  assert.deepEqual(l.shape, [2, 4]);
  assert.deepEqual(r.toArray(), [[8, 9, 10, 11]]);
  assert.deepEqual(nx.split(t, 0.5)[0].shape, [2, 4]);
  assert.deepEqual(nx.split(t, 0.75, { axis: 1 })[0].shape, [3, 3]);
  assertGradient(
    (x: nx.Tensor) => nx.sum(nx.multiply(nx.diff(x, { order: 2 }), nx.tensor([1, -2, 3], f64))),
    rand(13, [5]),
  );
});

test("jit = eager for the new ops", () => {
  const x = rand(14, [4, 3]);
  const cases: ((a: nx.Tensor) => nx.Tensor)[] = [
    (a) => nx.median(a, { axis: 0 }),
    (a) => nx.median(a),
    (a) => nx.mode(nx.round(nx.multiply(a, 2)), { axis: 1 }),
    (a) => nx.weightedMean(a, nx.abs(a), { axes: [1] }),
    (a) => nx.covariance(a),
    (a) => nx.allClose(a, nx.add(a, 1e-9)),
    (a) => nx.takeDiagonal(a, { offset: 1 }),
    (a) => nx.makeDiagonal(nx.takeDiagonal(a)),
    (a) => nx.putDiagonal(a, nx.tensor([1, 2, 3], f64)),
    (a) => nx.diff(a, { order: 2, axis: 0 }),
    (a) => nx.split(a, 1)[1],
    (a) => nx.logicalXor(nx.greater(a, 0), nx.less(a, 0.5)),
    (a) => nx.fill(a, 2),
  ];
  cases.forEach((f, i) => assert.deepEqual(nx.jit(f)(x).toArray(), f(x).toArray(), `case ${i}`));
});

test("errors name the op and the shapes", () => {
  const err = (f: () => unknown, re: RegExp) => assert.throws(f, re);
  err(
    () => nx.median(nx.zeros([0])),
    /^RangeError: median: cannot reduce an empty axis of f32\[0\]$/,
  );
  err(
    () => nx.covariance(nx.zeros([3])),
    /^RangeError: covariance: expected observations \(…, n, d\) of rank 2 or more, got f32\[3\]$/,
  );
  err(
    () => nx.covariance(nx.zeros([2, 2]), { ddof: 2 }),
    /covariance: ddof 2 leaves no degrees of freedom for 2 rows/,
  );
  err(
    () => nx.weightedMean(nx.zeros([3, 4]), nx.zeros([3])),
    /^RangeError: weightedMean: weights f32\[3\] match neither f32\[3\]\[4\] nor the sizes of axes \[0, 1\]$/,
  );
  err(
    () => nx.takeDiagonal(nx.zeros([3])),
    /^RangeError: takeDiagonal: expected matrices \(…, m, n\), got f32\[3\]$/,
  );
  err(
    () => nx.takeDiagonal(nx.zeros([3, 3]), { offset: 3 }),
    /takeDiagonal: offset 3 is outside the 3×3 matrices/,
  );
  err(
    () => nx.putDiagonal(nx.zeros([3, 3]), nx.zeros([2])),
    /putDiagonal: diagonal 0 of f32\[3\]\[3\] has 3 elements, got f32\[2\]/,
  );
  err(
    () => nx.quotient(nx.zeros([2]), 2),
    /^TypeError: quotient: expected integers, got f32\[2\]; use floor\(divide\(a, b\)\) for floats$/,
  );
  err(
    () => nx.split(nx.zeros([3]), 3),
    /^RangeError: split: 3 does not leave two non-empty parts of axis 0 of f32\[3\]$/,
  );
  err(() => nx.split(nx.zeros([3]), 1.5), /split: 1.5 does not leave two non-empty parts/);
  err(() => nx.diff(nx.zeros([3]), { order: -1 }), /diff: order must be/);
  err(() => nx.tri(-1), /tri: n must be/);
});
