// Error paths across the ops: every message names the op the caller used and the offending values,
// shapes and dtypes (as `add: cannot broadcast f32[3][4] with f32[5]`).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";

const X = nx.zeros([2, 3, 4]);

/** Asserts `fn` throws an error of class `name` with exactly `message`. */
function throwsExactly(fn: () => unknown, name: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Error, "an Error");
    assert.equal(e.message, message);
    assert.equal(e.name, name);
    return true;
  });
}

describe("broadcasting", () => {
  it("binary ops name the op and both shapes", () => {
    throwsExactly(
      () => nx.add(nx.zeros([3, 4]), nx.zeros([5])),
      "RangeError",
      "add: cannot broadcast f32[3][4] with f32[5]",
    );
    throwsExactly(
      () => nx.subtract(nx.zeros([2]), nx.zeros([3])),
      "RangeError",
      "subtract: cannot broadcast f32[2] with f32[3]",
    );
    throwsExactly(
      () => nx.multiply(nx.zeros([2, 3]), nx.zeros([3, 2])),
      "RangeError",
      "multiply: cannot broadcast f32[2][3] with f32[3][2]",
    );
    throwsExactly(
      () => nx.less(nx.zeros([3]), nx.zeros([2])),
      "RangeError",
      "less: cannot broadcast f32[3] with f32[2]",
    );
    throwsExactly(
      () => nx.maximum(nx.zeros([4, 1, 3]), nx.zeros([2, 2])),
      "RangeError",
      "maximum: cannot broadcast f32[4][1][3] with f32[2][2]",
    );
    throwsExactly(
      () => nx.logicalAnd(nx.zeros([1, 2]), nx.zeros([3])),
      "RangeError",
      "logicalAnd: cannot broadcast f32[1][2] with f32[3]",
    );
  });

  it("the message shows each operand's own dtype (before promotion)", () => {
    throwsExactly(
      () => nx.add(nx.zeros([3], { dtype: "s32" }), nx.zeros([2], { dtype: "u8" })),
      "RangeError",
      "add: cannot broadcast s32[3] with u8[2]",
    );
    throwsExactly(
      () => nx.divide(nx.zeros([3], { dtype: "s32" }), nx.zeros([2], { dtype: "s32" })),
      "RangeError",
      "divide: cannot broadcast s32[3] with s32[2]",
    );
    throwsExactly(
      () => nx.pow(nx.zeros([3], { dtype: "f64" }), nx.zeros([2])),
      "RangeError",
      "pow: cannot broadcast f64[3] with f32[2]",
    );
  });

  it("select and clip name themselves", () => {
    throwsExactly(
      () => nx.select(nx.zeros([2], { dtype: "u8" }), nx.zeros([3]), 0),
      "RangeError",
      "select: cannot broadcast u8[2] with f32[3]",
    );
    throwsExactly(
      () => nx.select(1, nx.zeros([2]), nx.zeros([3])),
      "RangeError",
      "select: cannot broadcast f32[2] with f32[3]",
    );
    throwsExactly(
      () => nx.clip(nx.zeros([2]), nx.zeros([3]), 1),
      "RangeError",
      "clip: cannot broadcast f32[2] with f32[3]",
    );
    throwsExactly(
      () => nx.clip(nx.zeros([2]), 0, nx.zeros([3])),
      "RangeError",
      "clip: cannot broadcast f32[2] with f32[3]",
    );
  });

  it("broadcast to a shape", () => {
    throwsExactly(
      () => nx.broadcast(nx.zeros([3]), [4]),
      "RangeError",
      "broadcast: cannot broadcast f32[3] with f32[4]",
    );
    throwsExactly(
      () => nx.broadcast(nx.zeros([3, 1]), [3]),
      "RangeError",
      "broadcast: cannot broadcast f32[3][1] to f32[3]",
    );
    throwsExactly(
      () => nx.broadcast(nx.zeros([3]), [3, 2], { axes: [2] }),
      "RangeError",
      "broadcast: axis 2 is out of range for a tensor of rank 2",
    );
    assert.throws(
      () => nx.broadcast(nx.zeros([3]), [3, 2], { axes: [0, 1] }),
      /broadcast: axes must be 1 integers \(one per axis\), got \[0,1\]/,
    );
    assert.throws(() => nx.broadcast(nx.zeros([3]), [-3]), /broadcast: shape \[-3\] has -3/);
  });

  it("operands must be tensors or numbers", () => {
    throwsExactly(
      () => nx.add(nx.zeros([3]), "1" as any),
      "TypeError",
      'add: second argument must be a Tensor or a number, got "1"',
    );
    throwsExactly(
      () => nx.exp(null as any),
      "TypeError",
      "exp: argument must be a Tensor or a number, got null",
    );
    throwsExactly(
      () => nx.sum([1, 2] as any),
      "TypeError",
      "sum: argument must be a Tensor or a number, got an array of 2",
    );
    throwsExactly(
      () => nx.reshape([1, 2] as any, [2]),
      "TypeError",
      "reshape: expected a Tensor, got an array of 2",
    );
    throwsExactly(
      () => nx.matmul(nx.eye(2), 2 as any),
      "TypeError",
      "matmul: expected a Tensor, got number 2",
    );
  });
});

describe("axes out of range", () => {
  const cases: [string, () => unknown, string][] = [
    ["sum", () => nx.sum(X, { axes: 3 }), "sum: axis 3 is out of range for a tensor of rank 3"],
    [
      "product",
      () => nx.product(X, { axes: -4 }),
      "product: axis -4 is out of range for a tensor of rank 3",
    ],
    [
      "mean",
      () => nx.mean(X, { axes: [0, 3] }),
      "mean: axis 3 is out of range for a tensor of rank 3",
    ],
    [
      "variance",
      () => nx.variance(X, { axes: 3 }),
      "variance: axis 3 is out of range for a tensor of rank 3",
    ],
    [
      "standardDeviation",
      () => nx.standardDeviation(X, { axes: 3 }),
      "standardDeviation: axis 3 is out of range for a tensor of rank 3",
    ],
    [
      "reduceMax",
      () => nx.reduceMax(X, { axes: 3 }),
      "reduceMax: axis 3 is out of range for a tensor of rank 3",
    ],
    [
      "reduceMin",
      () => nx.reduceMin(X, { axes: 3 }),
      "reduceMin: axis 3 is out of range for a tensor of rank 3",
    ],
    [
      "logsumexp",
      () => nx.logsumexp(X, { axes: 3 }),
      "logsumexp: axis 3 is out of range for a tensor of rank 3",
    ],
    ["all", () => nx.all(X, { axes: 3 }), "all: axis 3 is out of range for a tensor of rank 3"],
    ["any", () => nx.any(X, { axes: 3 }), "any: axis 3 is out of range for a tensor of rank 3"],
    [
      "argmax",
      () => nx.argmax(X, { axis: 3 }),
      "argmax: axis 3 is out of range for a tensor of rank 3",
    ],
    [
      "argmin",
      () => nx.argmin(X, { axis: -4 }),
      "argmin: axis -4 is out of range for a tensor of rank 3",
    ],
    [
      "cumulativeSum",
      () => nx.cumulativeSum(X, { axis: 3 }),
      "cumulativeSum: axis 3 is out of range for a tensor of rank 3",
    ],
    [
      "transpose",
      () => nx.transpose(X, [0, 1, 3]),
      "transpose: axis 3 is out of range for a tensor of rank 3",
    ],
    ["newAxis", () => nx.newAxis(X, 4), "newAxis: axis 4 is out of range for a tensor of rank 4"],
    [
      "squeeze",
      () => nx.squeeze(X, { axes: 3 }),
      "squeeze: axis 3 is out of range for a tensor of rank 3",
    ],
    [
      "concatenate",
      () => nx.concatenate([X, X], { axis: 3 }),
      "concatenate: axis 3 is out of range for a tensor of rank 3",
    ],
    [
      "stack",
      () => nx.stack([X, X], { axis: 4 }),
      "stack: axis 4 is out of range for a tensor of rank 4",
    ],
    [
      "sliceAlong",
      () => nx.sliceAlong(X, 0, 1, { axis: 3 }),
      "sliceAlong: axis 3 is out of range for a tensor of rank 3",
    ],
    [
      "take",
      () => nx.take(X, [0], { axis: 3 }),
      "take: axis 3 is out of range for a tensor of rank 3",
    ],
    [
      "reverse",
      () => nx.reverse(X, { axes: [5] }),
      "reverse: axis 5 is out of range for a tensor of rank 3",
    ],
    ["sort", () => nx.sort(X, { axis: 3 }), "sort: axis 3 is out of range for a tensor of rank 3"],
    [
      "argsort",
      () => nx.argsort(X, { axis: 3 }),
      "argsort: axis 3 is out of range for a tensor of rank 3",
    ],
    [
      "dot",
      () => nx.dot(nx.zeros([2, 3]), [2], nx.zeros([3, 5]), [0]),
      "dot: axis 2 is out of range for a tensor of rank 2",
    ],
    [
      "iota",
      () => nx.iota([2], { axis: 1 }),
      "iota: axis 1 is out of range for a tensor of rank 1",
    ],
  ];
  for (const [op, fn, message] of cases) it(op, () => throwsExactly(fn, "RangeError", message));

  it("a scalar has no axes", () => {
    throwsExactly(
      () => nx.sum(nx.tensor(1), { axes: 0 }),
      "RangeError",
      "sum: axis 0 is out of range for a tensor of rank 0",
    );
  });

  it("repeated and non-integer axes", () => {
    throwsExactly(
      () => nx.sum(X, { axes: [1, -2] }),
      "RangeError",
      "sum: axis 1 appears twice in [1, -2]",
    );
    throwsExactly(
      () => nx.transpose(X, [0, 1, 1]),
      "RangeError",
      "transpose: axes [0, 1, 1] repeat an axis",
    );
    throwsExactly(
      () => nx.transpose(X, [0, 1]),
      "RangeError",
      "transpose: axes must be 3 integers (one per axis), got [0,1]",
    );
    throwsExactly(
      () => nx.argmax(X, { axis: 0.5 }),
      "TypeError",
      "argmax: axis must be an integer, got 0.5",
    );
  });

  it("squeeze of an axis that is not 1", () => {
    throwsExactly(
      () => nx.squeeze(X, { axes: 0 }),
      "RangeError",
      "squeeze: axis 0 of f32[2][3][4] has size 2, not 1",
    );
  });

  it("argmax of an empty axis", () => {
    throwsExactly(
      () => nx.argmax(nx.zeros([0])),
      "RangeError",
      "argmax: cannot take the argmax of an empty axis",
    );
    throwsExactly(
      () => nx.argmin(nx.zeros([2, 0]), { axis: 1 }),
      "RangeError",
      "argmin: cannot take the argmin of an empty axis",
    );
  });
});

describe("reshape", () => {
  it("a size mismatch names both shapes and sizes", () => {
    throwsExactly(
      () => nx.reshape(X, [5, 5]),
      "RangeError",
      "reshape: cannot reshape f32[2][3][4] (24 elements) to [5, 5] (25 elements)",
    );
    throwsExactly(
      () => nx.reshape(X, [5, -1]),
      "RangeError",
      "reshape: cannot reshape f32[2][3][4] (24 elements) to [5, -1]",
    );
    throwsExactly(
      () => nx.reshape(nx.zeros([0, 3]), [0, -1]),
      "RangeError",
      "reshape: cannot reshape f32[0][3] (0 elements) to [0, -1]",
    );
  });

  it("at most one -1, no other negatives", () => {
    throwsExactly(
      () => nx.reshape(X, [-1, -1]),
      "RangeError",
      "reshape: only one dimension may be -1, got [-1, -1]",
    );
    throwsExactly(
      () => nx.reshape(X, [-2, -12]),
      "RangeError",
      "reshape: shape [-2, -12] has -2; every dimension must be a non-negative integer",
    );
    throwsExactly(
      () => nx.reshape(X, 24 as any),
      "TypeError",
      "reshape: shape must be an array, got 24",
    );
  });
});

describe("slicing, gathering and padding", () => {
  it("slice windows must lie inside the tensor", () => {
    throwsExactly(
      () => nx.slice(X, [0, 2, 0], [2, 2, 4]),
      "RangeError",
      "slice: start 2 with length 2 on axis 1 is outside f32[2][3][4]",
    );
    throwsExactly(
      () => nx.slice(X, [-1, 0, 0], [1, 3, 4]),
      "RangeError",
      "slice: start -1 with length 1 on axis 0 is outside f32[2][3][4]",
    );
    throwsExactly(
      () => nx.slice(X, [0, 0, 0], [1, -1, 4]),
      "RangeError",
      "slice: start 0 with length -1 on axis 1 is outside f32[2][3][4]",
    );
    throwsExactly(
      () => nx.sliceAlong(X, 2, 2, { axis: 1 }),
      "RangeError",
      "sliceAlong: start 2 with length 2 on axis 1 is outside f32[2][3][4]",
    );
  });

  it("slice needs one start, length and stride per axis", () => {
    throwsExactly(
      () => nx.slice(X, [0, 0], [1, 1]),
      "RangeError",
      "slice: starts must be 3 integers (one per axis), got [0,0]",
    );
    throwsExactly(
      () => nx.slice(X, [0, 0, 0], [1, 1]),
      "RangeError",
      "slice: lengths must be 3 integers (one per axis), got [1,1]",
    );
    throwsExactly(
      () => nx.slice(X, [0, 0, 0.5], [1, 1, 1]),
      "RangeError",
      "slice: starts must be 3 integers (one per axis), got [0,0,0.5]",
    );
    throwsExactly(
      () => nx.slice(X, [0, 0, 0], [1, 1, 1], [1, 0, 1]),
      "RangeError",
      "slice: stride 0 on axis 1 must be at least 1",
    );
  });

  it("take with an out-of-range index (NumPy: valid indices are -n ≤ i < n)", () => {
    throwsExactly(
      () => nx.take(X, [0, 2]),
      "RangeError",
      "take: index 2 is out of bounds for axis 0 with size 2",
    );
    throwsExactly(
      () => nx.take(X, [-3]),
      "RangeError",
      "take: index -3 is out of bounds for axis 0 with size 2",
    );
    throwsExactly(
      () => nx.take(X, [4], { axis: 2 }),
      "RangeError",
      "take: index 4 is out of bounds for axis 2 with size 4",
    );
    throwsExactly(
      () => nx.take(X, [0], { axis: -1 }).take([-5], { axis: 2 }),
      "RangeError",
      "take: index -5 is out of bounds for axis 2 with size 1",
    );
    throwsExactly(
      () => nx.take(X, nx.tensor([0])),
      "TypeError",
      "take: indices must be integers, got f32[1]",
    );
    // Inside jit the check runs when the program runs.
    const f = nx.jit((x: nx.Tensor, i: nx.Tensor) => nx.take(x, i));
    throwsExactly(
      () => f(nx.zeros([3]), nx.tensor([5], { dtype: "s32" })),
      "RangeError",
      "take: index 5 is out of bounds for axis 0 with size 3",
    );
  });

  it("putSlice must fit", () => {
    throwsExactly(
      () => nx.putSlice(X, [0, 2, 0], nx.zeros([1, 2, 4])),
      "RangeError",
      "putSlice: f32[1][2][4] at [0, 2, 0] does not fit in f32[2][3][4]",
    );
    throwsExactly(
      () => nx.putSlice(X, [0, 0, 0], nx.zeros([2, 4])),
      "RangeError",
      "putSlice: f32[2][4] at [0, 0, 0] does not fit in f32[2][3][4]",
    );
    throwsExactly(
      () => nx.putSlice(X, [0, 0, -1], nx.zeros([1, 1, 1])),
      "RangeError",
      "putSlice: f32[1][1][1] at [0, 0, -1] does not fit in f32[2][3][4]",
    );
  });

  it("pad configurations", () => {
    throwsExactly(
      () => nx.pad(X, 0, [[0, 0]]),
      "RangeError",
      "pad: expected 3 [low, high, interior] entries, one per axis, got [[0,0]]",
    );
    throwsExactly(
      () => nx.pad(nx.zeros([2]), 0, [[0, 0, -1]]),
      "RangeError",
      "pad: bad padding [0,0,-1] for axis 0",
    );
    throwsExactly(
      () => nx.pad(nx.zeros([2]), 0, [[0.5, 0]]),
      "RangeError",
      "pad: bad padding [0.5,0] for axis 0",
    );
    throwsExactly(
      () => nx.pad(nx.zeros([2]), 0, [[-2, -1]]),
      "RangeError",
      "pad: the negative padding crops more than f32[2] has",
    );
  });

  it("concatenate and stack need matching shapes", () => {
    throwsExactly(
      () => nx.concatenate([X, nx.zeros([2, 2, 4])], { axis: 2 }),
      "RangeError",
      "concatenate: tensor 1 is f32[2][2][4], which does not match f32[2][3][4] on the axes other than 2",
    );
    throwsExactly(
      () => nx.concatenate([X, nx.zeros([2, 3])]),
      "RangeError",
      "concatenate: tensor 1 is f32[2][3], which does not match f32[2][3][4] on the axes other than 0",
    );
    throwsExactly(
      () => nx.concatenate([]),
      "RangeError",
      "concatenate: expected a non-empty array of tensors",
    );
    throwsExactly(
      () => nx.stack([X, nx.zeros([2, 3])]),
      "RangeError",
      "stack: all tensors need one shape; got f32[2][3][4] and f32[2][3]",
    );
  });

  it("tile, toBatched, topK and oneHot arguments", () => {
    throwsExactly(
      () => nx.tile(X, [-1]),
      "RangeError",
      "tile: shape [-1] has -1; every dimension must be a non-negative integer",
    );
    throwsExactly(
      () => [...nx.toBatched(X, 0)],
      "RangeError",
      "toBatched: batchSize must be a positive integer, got 0",
    );
    throwsExactly(
      () => [...nx.toBatched(nx.tensor(1), 1)],
      "RangeError",
      "toBatched: a scalar has no axis to batch",
    );
    throwsExactly(
      () => [...nx.toBatched(X, 1, { leftover: "pad" as any })],
      "RangeError",
      'toBatched: leftover must be "repeat" or "discard", got "pad"',
    );
    throwsExactly(
      () => nx.topK(nx.zeros([3]), 4),
      "RangeError",
      "topK: k must be an integer from 0 to 3, got 4",
    );
    throwsExactly(
      () => nx.topK(nx.tensor(1), 1),
      "RangeError",
      "topK: expected a tensor with at least one axis",
    );
    throwsExactly(
      () => nx.oneHot(nx.zeros([3]), 0),
      "RangeError",
      "oneHot: numClasses must be a positive integer, got 0",
    );
  });
});

describe("linear algebra", () => {
  it("matmul with an inner-size mismatch", () => {
    throwsExactly(
      () => nx.matmul(nx.zeros([2, 3]), nx.zeros([4, 5])),
      "RangeError",
      "matmul: cannot multiply f32[2][3] by f32[4][5]: inner sizes 3 and 4 differ",
    );
    throwsExactly(
      () => nx.matmul(nx.zeros([3]), nx.zeros([4])),
      "RangeError",
      "matmul: cannot multiply f32[3] by f32[4]: inner sizes 3 and 4 differ",
    );
    throwsExactly(
      () => nx.matmul(nx.zeros([2, 2, 3]), nx.zeros([3, 3, 5])),
      "RangeError",
      "matmul: cannot broadcast the batch axes of f32[2][2][3] and f32[3][3][5]",
    );
    throwsExactly(
      () => nx.matmul(nx.zeros([]), nx.zeros([3])),
      "RangeError",
      "matmul: operands must have at least one axis; use multiply for scalars",
    );
  });

  it("dot with mismatched axes", () => {
    throwsExactly(
      () => nx.dot(nx.zeros([2, 3]), nx.zeros([4, 5])),
      "RangeError",
      "dot: contraction axes [1] of f32[2][3] do not match axes [0] of f32[4][5]",
    );
    throwsExactly(
      () => nx.dot(nx.zeros([2, 3]), [0], nx.zeros([3, 5]), [0]),
      "RangeError",
      "dot: contraction axes [0] of f32[2][3] do not match axes [0] of f32[3][5]",
    );
    throwsExactly(
      () => nx.dot(nx.zeros([2, 3]), [0, 1], nx.zeros([2, 3]), [0]),
      "RangeError",
      "dot: contraction axes [0, 1] of f32[2][3] do not match axes [0] of f32[2][3]",
    );
    throwsExactly(
      () => nx.dot(nx.zeros([2, 3, 4]), [2], [0], nx.zeros([3, 4, 5]), [1], [0]),
      "RangeError",
      "dot: batch axes [0] of f32[2][3][4] do not match axes [0] of f32[3][4][5]",
    );
    throwsExactly(
      () => (nx.dot as any)(nx.zeros([2]), [0], nx.zeros([2])),
      "TypeError",
      "dot: expected 2, 4 or 6 arguments, got 3",
    );
  });

  it("solve on a singular matrix", () => {
    throwsExactly(
      () =>
        nx.solve(
          nx.tensor([
            [1, 2],
            [2, 4],
          ]),
          nx.tensor([1, 1]),
        ),
      "LinalgError",
      "solve: matrix 0 of 1 is singular",
    );
    throwsExactly(
      () => nx.solve(nx.stack([nx.eye(2), nx.zeros([2, 2])]), nx.ones([2, 2])),
      "LinalgError",
      "solve: matrix 1 of 2 is singular",
    );
    assert.throws(() => nx.inverse(nx.zeros([2, 2])), /singular/);
  });

  it("solve needs square matrices and a fitting right-hand side", () => {
    throwsExactly(
      () => nx.solve(nx.zeros([2, 3]), nx.zeros([2])),
      "RangeError",
      "solve: expected square matrices (…, n, n), got f32[2][3]",
    );
    assert.throws(
      () => nx.solve(nx.eye(3), nx.zeros([2])),
      /solve: right-hand side f32\[2\](\[1\])? does not fit f32\[3\]\[3\]/,
    );
  });

  it("cholesky on a matrix that is not symmetric positive definite", () => {
    throwsExactly(
      () =>
        nx.cholesky(
          nx.tensor([
            [1, 2],
            [2, 1],
          ]),
        ),
      "LinalgError",
      "cholesky: matrix 0 of 1 is not symmetric positive definite",
    );
    throwsExactly(
      () => nx.cholesky(nx.tensor([[-1]])),
      "LinalgError",
      "cholesky: matrix 0 of 1 is not symmetric positive definite",
    );
    throwsExactly(
      () => nx.cholesky(nx.zeros([2, 3])),
      "RangeError",
      "cholesky: expected square matrices (…, n, n), got f32[2][3]",
    );
  });

  it("determinant and qr arguments", () => {
    throwsExactly(
      () => nx.determinant(nx.zeros([3])),
      "RangeError",
      "determinant: expected square matrices (…, n, n), got f32[3]",
    );
    throwsExactly(
      () => nx.qr(nx.zeros([3])),
      "RangeError",
      "qr: expected matrices (…, m, n), got f32[3]",
    );
    throwsExactly(
      () => nx.qr(nx.eye(2), { mode: "full" as any }),
      "RangeError",
      'qr: mode must be "reduced" or "complete", got "full"',
    );
  });
});
