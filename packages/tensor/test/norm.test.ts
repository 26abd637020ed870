// norm: known answers from NumPy 2 (numpy.linalg.norm with the same ord, axis and keepdims), and
// f64 finite-difference gradients of the differentiable norms (zero at zero for the 2-norm).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "../src/index.js";
import { assertGradient, rand } from "./gradcheck.js";

const close = (got: nx.Tensor, want: number | number[] | number[][], what: string) => {
  const g = [got.toArray()].flat(2) as number[];
  const w = [want].flat(2);
  assert.equal(g.length, w.length, what);
  g.forEach((v, i) =>
    assert.ok(
      Math.abs(v - w[i]!) < 1e-9 * Math.max(1, Math.abs(w[i]!)),
      `${what}[${i}]: ${v} vs ${w[i]}`,
    ),
  );
};

const v = nx.tensor([3, -4, 0, 1.5], { dtype: "f64" });
const m = nx.tensor(
  [
    [1, -2, 3],
    [-4, 5, -6.5],
  ],
  { dtype: "f64" },
);
const t = nx.subtract(nx.reshape(nx.iota([24], { dtype: "f64" }), [2, 3, 4]), 11);

test("vector norms", () => {
  close(nx.norm(v), 5.220153254455275, "2");
  close(nx.norm(v, { ord: 1 }), 8.5, "1");
  close(nx.norm(v, { ord: 3 }), 4.552874245617287, "3");
  close(nx.norm(v, { ord: Infinity }), 4, "inf");
  close(nx.norm(v, { ord: -Infinity }), 0, "-inf");
  close(nx.norm(v, { ord: 0 }), 3, "0");
  close(nx.norm(v, { ord: 0.5 }), 24.56982340296115, "0.5");
});

test("matrix norms, over axes, keeping axes", () => {
  close(nx.norm(m), 9.86154146165801, "default");
  close(nx.norm(m, { ord: "fro" }), 9.86154146165801, "fro");
  close(nx.norm(m, { ord: "nuc" }), 10.507280639535896, "nuc");
  close(nx.norm(m, { ord: 1 }), 9.5, "1");
  close(nx.norm(m, { ord: -1 }), 5, "-1");
  close(nx.norm(m, { ord: 2 }), 9.838862603421001, "2");
  close(nx.norm(m, { ord: -2 }), 0.6684180361148957, "-2");
  close(nx.norm(m, { ord: Infinity }), 15.5, "inf");
  close(nx.norm(m, { ord: -Infinity }), 6, "-inf");
  close(
    nx.norm(t, { ord: "fro", axes: [1, 2] }),
    [22.494443758403985, 25.495097567963924],
    "fro (1, 2)",
  );
  close(nx.norm(t, { ord: 1, axes: [2, 0] }), [38, 26, 42], "1 (2, 0)");
  close(
    nx.norm(t, { ord: Infinity, axes: [1] }),
    [
      [11, 10, 9, 8],
      [9, 10, 11, 12],
    ],
    "inf (1)",
  );
  const nuc = nx.norm(t, { ord: "nuc", axes: [1, 2], keepAxes: true });
  assert.deepEqual([...nuc.shape], [2, 1, 1]);
  close(nuc, [24.364638499284705, 27.159447881001306], "nuc (1, 2)");
});

test("gradients: 2-norm, Frobenius, p-norm, max, spectral and nuclear norms in f64; 2-norm's is 0 at zero", () => {
  const x = rand(1, [3, 4]);
  assertGradient((a: nx.Tensor) => nx.norm(a), x);
  assertGradient((a: nx.Tensor) => nx.sum(nx.norm(a, { axes: [1] })), x);
  assertGradient((a: nx.Tensor) => nx.sum(nx.norm(a, { ord: 3, axes: [1] })), x);
  assertGradient((a: nx.Tensor) => nx.norm(a, { ord: 1 }), x);
  // Through the SVD's derivative (distinct singular values): the spectral and nuclear norms.
  assertGradient((a: nx.Tensor) => nx.norm(a, { ord: 2 }), x);
  assertGradient((a: nx.Tensor) => nx.norm(a, { ord: "nuc" }), x);
  assert.deepEqual(
    Array.from(
      nx
        .grad((a: nx.Tensor) => nx.norm(a))(nx.zeros([3], { dtype: "f64" }))
        .data(),
    ),
    [0, 0, 0],
  );
  assert.deepEqual(
    nx
      .jit((a: nx.Tensor) => nx.norm(a, { axes: [1] }))(x)
      .data(),
    nx.norm(x, { axes: [1] }).data(),
  );
});

test("bad ord and axes are errors naming norm", () => {
  assert.throws(
    () => nx.norm(t, { ord: 1 }),
    /norm: with ord, x must be a vector or a matrix \(or pass axes\), got shape \[2, 3, 4\]/,
  );
  assert.throws(
    () => nx.norm(m, { ord: 3 }),
    /norm: a matrix norm's ord is "fro", "nuc", 1, -1, 2, -2, Infinity or -Infinity, got 3/,
  );
  assert.throws(
    () => nx.norm(v, { ord: "fro" }),
    /norm: a vector norm's ord is a number, got "fro"/,
  );
  assert.throws(() => nx.norm(t, { axes: [0, 1, 2] }), /norm: axes must list one or two axes/);
});
