// einsum: known answers from NumPy 1.24 (numpy.einsum with the same equations and the arrays built
// below, run with /usr/bin/python3), f64 finite-difference gradients, jit = eager, and the errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "../src/index.js";
import { assertGradient, rand } from "./gradcheck.js";

const f64 = { dtype: "f64" } as const;
const ar = (n: number) => nx.iota([n], f64);
const a = nx.subtract(nx.reshape(ar(6), [2, 3]), 2.5); // np.arange(6).reshape(2, 3) - 2.5
const b = nx.subtract(nx.multiply(nx.reshape(ar(12), [3, 4]), 0.5), 1); // arange(12)/2 - 1
const c = nx.divide(nx.reshape(ar(24), [2, 3, 4]), 7);
const sq = nx.reshape(ar(9), [3, 3]);
const v = nx.tensor([1, -2, 3], f64);
const ab = nx.stack([a, nx.multiply(a, 2)]);

const close = (got: nx.Tensor, want: unknown, what: string) => {
  const g = [got.toArray()].flat(4) as number[];
  const w = [want].flat(4) as number[];
  assert.equal(g.length, w.length, `${what}: size`);
  g.forEach((x, i) => assert.ok(Math.abs(x - w[i]!) < 1e-9, `${what}[${i}]: ${x} vs ${w[i]}`));
};

const product = [
  [-0.5, -2.75, -5.0, -7.25],
  [8.5, 10.75, 13.0, 15.25],
];
const CASES: [string, nx.Tensor[], unknown, number[]][] = [
  ["ij,jk->ik", [a, b], product, [2, 4]],
  ["ij,jk", [a, b], product, [2, 4]],
  ["ii->i", [sq], [0, 4, 8], [3]],
  ["ii", [sq], 12, []],
  ["ij->", [a], 0, []],
  [
    "ji",
    [a],
    [
      [-2.5, 0.5],
      [-1.5, 1.5],
      [-0.5, 2.5],
    ],
    [3, 2],
  ],
  ["i,i", [v, v], 14, []],
  [
    "i,j->ij",
    [v, v],
    [
      [1, -2, 3],
      [-2, 4, -6],
      [3, -6, 9],
    ],
    [3, 3],
  ],
  [
    "bij,jk->bik",
    [ab, b],
    [
      product,
      [
        [-1.0, -5.5, -10.0, -14.5],
        [17.0, 21.5, 26.0, 30.5],
      ],
    ],
    [2, 2, 4],
  ],
  [
    "...ij,jk->...ik",
    [ab, b],
    [product, [-1.0, -5.5, -10.0, -14.5, 17.0, 21.5, 26.0, 30.5]],
    [2, 2, 4],
  ],
  ["ijk,ij->k", [c, a], [10, 10, 10, 10], [4]],
  [
    "ij,ij->ij",
    [a, a],
    [
      [6.25, 2.25, 0.25],
      [0.25, 2.25, 6.25],
    ],
    [2, 3],
  ],
  [
    "...j,j",
    [c, nx.ones([4], f64)],
    [
      [0.8571428571428571, 3.142857142857143, 5.428571428571429],
      [7.714285714285714, 10.0, 12.285714285714286],
    ],
    [2, 3],
  ],
  [
    "ij,jk,kl->il",
    [a, b, nx.transpose(b)],
    [
      [-1.75, -32.75, -63.75],
      [-6.25, 88.75, 183.75],
    ],
    [2, 3],
  ],
  ["iij->j", [nx.reshape(ar(18), [3, 3, 2])], [24, 27], [2]],
  [
    // Ellipsis axes of size 1 broadcast: np.einsum('...ij,...jk->...ik', arange(6).reshape(1, 2, 3),
    // arange(24).reshape(2, 3, 4)).
    "...ij, ...jk -> ...ik",
    [nx.reshape(ar(6), [1, 2, 3]), nx.reshape(ar(24), [2, 3, 4])],
    [20, 23, 26, 29, 56, 68, 80, 92, 56, 59, 62, 65, 200, 212, 224, 236],
    [2, 2, 4],
  ],
];

test("einsum: NumPy's answers (products, diagonals, totals, batches, ellipses, chains)", () => {
  for (const [eq, ops, want, shape] of CASES) {
    const got = nx.einsum(eq, ...ops);
    assert.deepEqual(got.shape, shape, eq);
    close(got, want, eq);
  }
  const t = nx.einsum("ijk->kji", c);
  assert.deepEqual(t.toArray(), nx.transpose(c, [2, 1, 0]).toArray());
});

test("einsum: gradients (f64 finite differences) and jit = eager", () => {
  const w = rand(9, [2, 4]);
  const f = ({ x, y }: { x: nx.Tensor; y: nx.Tensor }) =>
    nx.sum(nx.multiply(nx.einsum("bij,jk->ik", x, y), w));
  assertGradient(f, { x: rand(1, [3, 2, 3]), y: rand(2, [3, 4]) });
  assertGradient((x: nx.Tensor) => nx.einsum("ii->", x), rand(3, [3, 3]));
  assertGradient((x: nx.Tensor) => nx.sum(nx.einsum("ij,jk,ki->i", x, x, x)), rand(4, [3, 3]));
  for (const [eq, ops] of CASES) {
    const g = (...xs: nx.Tensor[]) => nx.einsum(eq, ...xs);
    assert.deepEqual(
      nx
        .jit(g)(...ops)
        .toArray(),
      g(...ops).toArray(),
      eq,
    );
  }
});

test("einsum: errors name the equation and what is wrong", () => {
  const err = (f: () => unknown, message: RegExp) => assert.throws(f, { message });
  err(() => nx.einsum("ij,jk->ik", a), /^einsum: 2 terms are given 1 operands in "ij,jk->ik"$/);
  err(() => nx.einsum("ijk,jk->ik", a, b), /^einsum: "ijk" names 3 axes but its operand has 2/);
  err(
    () => nx.einsum("ij,ik->jk", a, b),
    /^einsum: label "i" has size 2 and 3 \(operand 1: f64\[3\]\[4\]\)/,
  );
  err(() => nx.einsum("ij->ii", a), /^einsum: the output repeats label "i"/);
  err(() => nx.einsum("ij->k", a), /^einsum: the output label "k" is in no input/);
  err(() => nx.einsum("i1->i", v), /^einsum: "i1" has a character other than a letter/);
  err(
    () => nx.einsum("...i->i", a),
    /^einsum: the inputs have ellipsis axes but the output has no "\.\.\."/,
  );
  err(() => nx.einsum("i->i->i", v), /^einsum: "->" appears more than once/);
  assert.throws(
    () => nx.einsum(3 as never, v),
    /^TypeError: einsum: the equation must be a string, got 3$/,
  );
  assert.throws(
    () => nx.einsum("i", [1, 2] as never),
    /^TypeError: einsum: operand 0 must be a Tensor, got an array of 2$/,
  );
});
