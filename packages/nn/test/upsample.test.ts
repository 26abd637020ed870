// upsample: nearest-neighbour repetition, y[b, i, j, c] = x[b, ⌊i / s₀⌋, ⌊j / s₁⌋, c] (NumPy's
// x.repeat(s₀, axis=1).repeat(s₁, axis=2)); its gradient sums each block back to its source.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { pattern } from "./numeric.js";

test("upsample repeats each position by the factors, and its gradient sums the copies", () => {
  const x = pattern([2, 2, 3, 2], 0.41, 1.7, 0.9);
  const model = nn.input("x", [null, 2, 3, 2]).upsample({ size: [2, 3] });
  const state = nn.build(model, { dtype: "f64" }).init(nx.template([1, 2, 3, 2], "f64"));
  const y = nn.predict(model, state, x);
  assert.deepEqual([...y.shape], [2, 4, 9, 2]);
  const xs = x.toArray() as number[][][][];
  const ys = y.toArray() as number[][][][];
  ys.forEach((b, bi) =>
    b.forEach((row, i) =>
      row.forEach((cell, j) =>
        assert.deepEqual(cell, xs[bi]![Math.floor(i / 2)]![Math.floor(j / 3)]),
      ),
    ),
  );
  // d(sum y)/dx: every input value appears 2 · 3 times.
  const g = nx.grad((t: nx.Tensor) => nx.sum(nn.predict(model, state, t)))(x);
  assert.ok(Array.from(g.data()).every((v) => v === 6));
  assert.throws(
    () =>
      nn.build(nn.input("x", [null, 4, 3]).upsample({ size: [2, 2] })).init(nx.template([1, 4, 3])),
    /upsample.*expected 1 factor \(one per spatial axis\), got \[2, 2\] for rank 3/,
  );
});
