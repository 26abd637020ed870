// Gathers with NumPy's index rules, and ops whose s32 indices must not wrap.
//
// NumPy (numpy.take and numpy.take_along_axis, mode "raise"): an index i along an axis of size n is
// valid when -n <= i < n, a negative one counting from the end; anything else is an IndexError
// "index 5 is out of bounds for axis 1 with size 2". take_along_axis broadcasts the other axes of
// the array and the indices. Expected values below are what NumPy 1.26 returns.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { assertGradient, rand, weightedSum } from "./gradcheck.js";

const s32 = (v: nx.NestedArray) => nx.tensor(v, { dtype: "s32" });
const A = () =>
  nx.tensor([
    [1, 2],
    [3, 4],
  ]);

/** Both eagerly and under jit. */
function both<T>(f: () => T): T[] {
  return [f(), nx.jit(f)()];
}

describe("takeAlongAxis (numpy.take_along_axis)", () => {
  it("the issue's example: negative indices count from the end", () => {
    // np.take_along_axis(np.array([[1, 2], [3, 4]]), np.array([[0, 0], [0, -1]]), 1) → [[1, 1], [3, 4]]
    for (const r of both(() =>
      nx.takeAlongAxis(
        A(),
        s32([
          [0, 0],
          [0, -1],
        ]),
        1,
      ),
    ))
      assert.deepEqual(r.toArray(), [
        [1, 1],
        [3, 4],
      ]);
  });

  it("along axis 0, and with a negative axis", () => {
    // np.take_along_axis(a, np.array([[-1, 0], [-2, -1]]), 0) → [[3, 2], [1, 4]]
    const idx = s32([
      [-1, 0],
      [-2, -1],
    ]);
    const want = [
      [3, 2],
      [1, 4],
    ];
    assert.deepEqual(nx.takeAlongAxis(A(), idx, 0).toArray(), want);
    assert.deepEqual(nx.takeAlongAxis(A(), idx, -2).toArray(), want);
  });

  it("fewer or more indices than the axis has (as topK uses it)", () => {
    // np.take_along_axis(a, np.array([[1], [0]]), 1) → [[2], [3]]
    assert.deepEqual(nx.takeAlongAxis(A(), s32([[1], [0]]), 1).toArray(), [[2], [3]]);
    // np.take_along_axis(a, np.array([[1, 1, -2]] * 2), 1) → [[2, 2, 1], [4, 4, 3]]
    assert.deepEqual(
      nx
        .takeAlongAxis(
          A(),
          s32([
            [1, 1, -2],
            [1, 1, -2],
          ]),
          1,
        )
        .toArray(),
      [
        [2, 2, 1],
        [4, 4, 3],
      ],
    );
  });

  it("broadcasts the other axes of the array and the indices", () => {
    const x = nx.tensor([
      [10, 20, 30],
      [40, 50, 60],
    ]);
    // np.take_along_axis(x, np.array([[2, -3]]), 1) → [[30, 10], [60, 40]]
    assert.deepEqual(nx.takeAlongAxis(x, s32([[2, -3]]), 1).toArray(), [
      [30, 10],
      [60, 40],
    ]);
    // np.take_along_axis(np.array([[10, 20, 30]]), np.array([[0], [2]]), 1) → [[10], [30]]
    assert.deepEqual(nx.takeAlongAxis(nx.tensor([[10, 20, 30]]), s32([[0], [2]]), 1).toArray(), [
      [10],
      [30],
    ]);
    // u8 and u32 indices work too.
    const u8 = nx.tensor([[2, 0]], { dtype: "u8" });
    assert.deepEqual(nx.takeAlongAxis(x, u8, 1).toArray(), [
      [30, 10],
      [60, 40],
    ]);
  });

  it("an out-of-range index names the op, the axis and the index as given (eager and jit)", () => {
    for (const [idx, axis, message] of [
      [[[0, 2]], 1, "takeAlongAxis: index 2 is out of bounds for axis 1 with size 2"],
      [[[0, -3]], 1, "takeAlongAxis: index -3 is out of bounds for axis 1 with size 2"],
      [[[5], [0]], -2, "takeAlongAxis: index 5 is out of bounds for axis 0 with size 2"],
    ] as const) {
      const call = () => nx.takeAlongAxis(A(), s32(idx as unknown as number[][]), axis);
      assert.throws(call, { name: "RangeError", message });
      assert.throws(() => nx.jit(call)(), { name: "RangeError", message });
      const f = nx.jit((x: nx.Tensor, i: nx.Tensor) => nx.takeAlongAxis(x, i, axis));
      assert.throws(() => f(A(), s32(idx as unknown as number[][])), {
        name: "RangeError",
        message,
      });
    }
    // A u32 index past 2³¹ is out of range, not wrapped to a negative one.
    assert.throws(
      () => nx.takeAlongAxis(A(), nx.tensor([[2 ** 32 - 1]], { dtype: "u32" }), 1),
      /index 4294967295 is out of bounds for axis 1 with size 2/,
    );
  });

  it("shapes, ranks and dtypes that do not fit", () => {
    assert.throws(() => nx.takeAlongAxis(A(), s32([0, 1]), 1), {
      name: "RangeError",
      message: "takeAlongAxis: indices s32[2] must have the rank of f32[2][2]",
    });
    assert.throws(() => nx.takeAlongAxis(A(), s32([[0], [1], [0]]), 1), {
      name: "RangeError",
      message: "takeAlongAxis: cannot broadcast indices s32[3][1] with f32[2][2] on axis 0",
    });
    assert.throws(() => nx.takeAlongAxis(A(), nx.tensor([[0], [1]]), 1), {
      name: "TypeError",
      message: "takeAlongAxis: indices must be integers, got f32[2][1]",
    });
    assert.throws(() => nx.takeAlongAxis(A(), s32([[0], [1]]), 2), {
      message: "takeAlongAxis: axis 2 is out of range for a tensor of rank 2",
    });
  });

  it("gradients scatter back to the positions the negative indices name", () => {
    const idx = s32([
      [-1, 0, -1],
      [1, -3, 2],
    ]);
    assertGradient((t: nx.Tensor) => weightedSum(nx.takeAlongAxis(t, idx, 1)), rand(41, [2, 3]));
    const g = nx.grad((t: nx.Tensor) => nx.sum(nx.takeAlongAxis(t, idx, 1)))(nx.zeros([2, 3]));
    assert.deepEqual(g.toArray(), [
      [1, 0, 2],
      [1, 1, 1],
    ]);
    // With broadcast indices (and under jit), the counts add up over the broadcast rows.
    const row = s32([[-1, -1, 0]]);
    const jg = nx.jit(nx.grad((t: nx.Tensor) => nx.sum(nx.takeAlongAxis(t, row, 1))));
    assert.deepEqual(jg(nx.zeros([2, 3])).toArray(), [
      [1, 0, 2],
      [1, 0, 2],
    ]);
    assertGradient((t: nx.Tensor) => weightedSum(nx.takeAlongAxis(t, row, 1)), rand(42, [2, 3]));
  });
});

describe("take (numpy.take)", () => {
  it("negative indices count from the end", () => {
    // np.take([10, 20, 30], [-1, -3, 0]) → [30, 10, 10]
    for (const r of both(() => nx.take(nx.tensor([10, 20, 30]), [-1, -3, 0])))
      assert.deepEqual(r.toArray(), [30, 10, 10]);
    // np.take(np.array([[1, 2], [3, 4]]), [-1], axis=1) → [[2], [4]]
    assert.deepEqual(nx.take(A(), [-1], { axis: 1 }).toArray(), [[2], [4]]);
  });

  it("the gradient adds up at the positions negative indices name", () => {
    const g = nx.grad((t: nx.Tensor) => nx.sum(nx.take(t, [-1, 2, 0, -3])))(nx.zeros([3]));
    assert.deepEqual(g.toArray(), [2, 0, 2]);
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.take(t, [-1, 1, -2], { axis: 1 })),
      rand(43, [2, 3]),
    );
  });

  it("index lists must hold integers", () => {
    assert.throws(
      () => nx.take(A(), [0.5]),
      /^TypeError: take: indices must be integers, got 0\.5$/,
    );
    assert.throws(() => nx.take(A(), ["1"] as never), /take: indices must be integers, got "1"/);
  });
});

describe("s32 indices do not wrap past 2³¹ − 1", () => {
  // Templates have a shape and no data: the shape rules run without allocating 2³¹ elements.
  it("argmax and argmin refuse an axis longer than an s32 index reaches", () => {
    assert.throws(() => nx.argmax(nx.template([2 ** 31 + 1])), {
      name: "RangeError",
      message:
        "argmax: an axis of 2147483649 elements has positions past 2147483647, the largest s32 index",
    });
    // Without an axis the tensor is flattened: 2¹⁶ × 2¹⁶ = 2³² positions.
    assert.throws(
      () => nx.argmin(nx.template([2 ** 16, 2 ** 16])),
      /^RangeError: argmin: an axis of 4294967296 elements/,
    );
    assert.throws(
      () => nx.argmax(nx.template([3, 2 ** 31 + 5]), { axis: 1 }),
      /argmax: an axis of 2147483653/,
    );
    // Within the range: fine (the last position is 2³¹ − 1).
    const ok = nx.argmax(nx.template([2 ** 31]));
    assert.equal(ok.dtype, "s32");
    assert.deepEqual(ok.shape, []);
    assert.deepEqual(nx.argmax(nx.template([2 ** 31 + 5, 3]), { axis: 1 }).shape, [2 ** 31 + 5]);
  });

  it("argsort, sort and topK too", () => {
    assert.throws(
      () => nx.argsort(nx.template([2, 2 ** 31 + 1])),
      /^RangeError: argsort: an axis of 2147483649/,
    );
    assert.throws(() => nx.sort(nx.template([2 ** 31 + 1])), /argsort: an axis of 2147483649/);
    assert.deepEqual(nx.argsort(nx.template([2 ** 31 + 1, 2]), { axis: 1 }).shape, [
      2 ** 31 + 1,
      2,
    ]);
  });
});
