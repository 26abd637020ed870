// gather, indexedAdd and indexedPut (Nx's gather / indexed_add / indexed_put): known answers from
// NumPy 2 (fancy indexing, np.moveaxis for `axes`, np.add.at for repeated coordinates, assignment
// for put), f64 finite-difference gradients, jit equal to eager, and their errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "../src/index.js";
import { assertGradient, rand } from "./gradcheck.js";

// x = np.arange(24).reshape(2, 3, 4) * 0.5 - 3
const x = nx.subtract(nx.multiply(nx.reshape(nx.iota([24], { dtype: "f64" }), [2, 3, 4]), 0.5), 3);
const s32 = (v: number[][]) => nx.tensor(v, { dtype: "s32" });
const updates = nx.reshape(nx.iota([12], { dtype: "f64" }), [3, 4]);

test("gather reads coordinates into the first axes, or into `axes`", () => {
  // x[idx[:, 0], idx[:, 1]]
  assert.deepEqual(
    nx
      .gather(
        x,
        s32([
          [1, 2],
          [0, -1],
          [1, 0],
        ]),
      )
      .toArray(),
    [
      [7.0, 7.5, 8.0, 8.5],
      [1.0, 1.5, 2.0, 2.5],
      [3.0, 3.5, 4.0, 4.5],
    ],
  );
  // np.moveaxis(x, [2, 0], [0, 1])[idx[:, 0], idx[:, 1]]
  assert.deepEqual(
    nx
      .gather(
        x,
        s32([
          [3, 1],
          [0, 0],
        ]),
        { axes: [2, 0] },
      )
      .toArray(),
    [
      [4.5, 6.5, 8.5],
      [-3.0, -1.0, 1.0],
    ],
  );
  // Nx's docs: gather([[1, 2], [3, 4]], [[1, 1], [0, 1], [1, 0]]) = [4, 2, 3]
  assert.deepEqual(
    nx
      .gather(
        nx.tensor([
          [1, 2],
          [3, 4],
        ]),
        s32([
          [1, 1],
          [0, 1],
          [1, 0],
        ]),
      )
      .toArray(),
    [4, 2, 3],
  );
  assert.equal(x.gather(s32([[1, 2]])).shape.join(), "1,4");
});

test("indexedAdd adds every update (repeats add up); indexedPut replaces", () => {
  const idx = s32([
    [1, 2],
    [0, 2],
    [1, 2],
  ]);
  // np.add.at(y, (rows, cols), u)
  assert.deepEqual(nx.indexedAdd(x, idx, updates).toArray(), [
    [
      [-3.0, -2.5, -2.0, -1.5],
      [-1.0, -0.5, 0.0, 0.5],
      [5.0, 6.5, 8.0, 9.5],
    ],
    [
      [3.0, 3.5, 4.0, 4.5],
      [5.0, 5.5, 6.0, 6.5],
      [15.0, 17.5, 20.0, 22.5],
    ],
  ]);
  // z[[1, 0], [2, -1]] = u[:2]
  assert.deepEqual(
    nx
      .indexedPut(
        x,
        s32([
          [1, 2],
          [0, -1],
        ]),
        nx.sliceAlong(updates, 0, 2),
      )
      .toArray(),
    [
      [
        [-3.0, -2.5, -2.0, -1.5],
        [-1.0, -0.5, 0.0, 0.5],
        [4.0, 5.0, 6.0, 7.0],
      ],
      [
        [3.0, 3.5, 4.0, 4.5],
        [5.0, 5.5, 6.0, 6.5],
        [0.0, 1.0, 2.0, 3.0],
      ],
    ],
  );
});

test("gradients match finite differences in f64, and jit equals eager", () => {
  const idx = s32([
    [1, 2],
    [0, 0],
    [1, 2],
  ]);
  const w = rand(3, [3, 4]);
  const t = rand(4, [2, 3, 4]);
  const u = rand(5, [3, 4]);
  assertGradient((a: nx.Tensor) => nx.sum(nx.multiply(nx.gather(a, idx), w)), t);
  assertGradient(
    (a: nx.Tensor[]) => nx.sum(nx.multiply(nx.indexedAdd(a[0]!, idx, a[1]!), rand(6, [2, 3, 4]))),
    [t, u],
  );
  const once = s32([
    [1, 2],
    [0, 0],
  ]);
  const u2 = rand(7, [2, 4]);
  assertGradient(
    (a: nx.Tensor[]) => nx.sum(nx.multiply(nx.indexedPut(a[0]!, once, a[1]!), rand(8, [2, 3, 4]))),
    [t, u2],
  );
  const f = (a: nx.Tensor, b: nx.Tensor) =>
    nx.add(nx.indexedPut(a, once, b), nx.indexedAdd(a, idx, u));
  assert.deepEqual(nx.jit(f)(t, u2).data(), f(t, u2).data());
  assert.deepEqual(
    nx
      .jit((a: nx.Tensor) => nx.gather(a, idx, { axes: [0, 1] }))(t)
      .data(),
    nx.gather(t, idx).data(),
  );
});

test("bad indices, axes and updates are errors naming the op", () => {
  assert.throws(
    () => nx.gather(x, nx.tensor([[0.5, 1]])),
    /gather: indices must be integers of shape \[\.\.\., k\], got f32\[1\]\[2\]/,
  );
  assert.throws(
    () => nx.gather(x, s32([[0, 1]]), { axes: [0, 0] }),
    /gather: indices of shape \[1, 2\] need 2 distinct axes of a tensor of rank 3, got axes \[0,0\]/,
  );
  assert.throws(
    () => nx.indexedAdd(x, s32([[0, 1]]), nx.ones([2, 4])),
    /indexedAdd: updates must have shape \[1, 4\]/,
  );
});
