// Known answers for the public ops, computed with NumPy 2.4 (float64 unless said otherwise; the
// exact call is named above each expected value). Inputs are f64 tensors unless the test is about
// another dtype, so results are compared with a relative tolerance of about 1e-12.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";

type Nested = number | Nested[];

function flat(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x];
}

function shapeOf(x: Nested): number[] {
  return Array.isArray(x) ? [x.length, ...(x.length ? shapeOf(x[0]!) : [])] : [];
}

/** Same shape, and every value within atol + rtol·|expected| (NaN matches NaN, ±Infinity exactly). */
function assertClose(t: nx.Tensor, expected: Nested, rtol = 1e-12, atol = rtol): void {
  assert.deepEqual(t.shape, shapeOf(expected), "shape");
  const actual = flat(t.toArray());
  const want = flat(expected);
  for (let i = 0; i < want.length; i++) {
    const [a, e] = [actual[i]!, want[i]!];
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `[${i}]: expected NaN, got ${a}`);
    else if (!Number.isFinite(e)) assert.equal(a, e, `[${i}]`);
    else
      assert.ok(
        Math.abs(a - e) <= atol + rtol * Math.abs(e),
        `[${i}]: expected ${e}, got ${a} (all: ${actual})`,
      );
  }
}

/** Exact equality of shape, dtype and values. */
function assertExact(t: nx.Tensor, expected: Nested, dtype?: nx.DType): void {
  if (dtype) assert.equal(t.dtype, dtype, "dtype");
  assert.deepEqual(t.shape, shapeOf(expected), "shape");
  assert.deepEqual(t.toArray(), expected);
}

const f64 = (x: Nested) => nx.tensor(x as nx.NestedArray, { dtype: "f64" });

describe("elementwise ops", () => {
  const xs = [-2.5, -1.0, -0.5, 0.0, 0.3, 1.0, 2.5, 4.0];
  const ys = [1.5, -2.0, 0.25, 3.0, -0.7, 1.0, 2.0, -3.0];
  const x = f64(xs);
  const y = f64(ys);

  it("binary arithmetic", () => {
    // x + y, x - y, x * y, x / y, numpy.maximum(x, y), numpy.minimum(x, y)
    assertClose(nx.add(x, y), [-1.0, -3.0, -0.25, 3.0, -0.39999999999999997, 2.0, 4.5, 1.0]);
    assertClose(nx.subtract(x, y), [-4.0, 1.0, -0.75, -3.0, 1.0, 0.0, 0.5, 7.0]);
    assertClose(nx.multiply(x, y), [-3.75, 2.0, -0.125, 0.0, -0.21, 1.0, 5.0, -12.0]);
    assertClose(
      nx.divide(x, y),
      [-1.6666666666666667, 0.5, -2.0, 0.0, -0.4285714285714286, 1.0, 1.25, -1.3333333333333333],
    );
    assertClose(nx.maximum(x, y), [1.5, -1.0, 0.25, 3.0, 0.3, 1.0, 2.5, 4.0]);
    assertClose(nx.minimum(x, y), [-2.5, -2.0, -0.5, 0.0, -0.7, 1.0, 2.0, -3.0]);
  });

  it("maximum and minimum propagate NaN", () => {
    // numpy.maximum([1, nan], [nan, 2]) -> [nan, nan]
    assertClose(nx.maximum(f64([1, NaN]), f64([NaN, 2])), [NaN, NaN]);
    assertClose(nx.minimum(f64([1, NaN]), f64([NaN, 2])), [NaN, NaN]);
  });

  it("pow", () => {
    // numpy.power([2, 4, 9, 0.5, -2, 0, -8], [3, 0.5, -0.5, 2, 3, 0, 1/3]) -> (-8)^(1/3) is NaN
    assertClose(
      nx.pow(
        f64([2.0, 4.0, 9.0, 0.5, -2.0, 0.0, -8.0]),
        f64([3.0, 0.5, -0.5, 2.0, 3.0, 0.0, 1 / 3]),
      ),
      [8.0, 2.0, 0.3333333333333333, 0.25, -8.0, 1.0, NaN],
    );
  });

  it("remainder has the sign of the dividend (JS %, Elixir rem)", () => {
    const a = f64([7.0, -7.0, 7.0, -7.0, 5.5, -5.5, 0.0]);
    const b = f64([3.0, 3.0, -3.0, -3.0, 2.0, 2.0, 5.0]);
    // numpy.fmod(a, b) -> [1, -1, 1, -1, 1.5, -1.5, 0]
    // (numpy.remainder, Python's %, would give [1, 2, -2, -1, 1.5, 0.5, 0] instead.)
    assertClose(nx.remainder(a, b), [1.0, -1.0, 1.0, -1.0, 1.5, -1.5, 0.0]);
    // numpy.fmod(numpy.array([7, -7, 7, -7], dtype=numpy.int32), numpy.array([3, 3, -3, -3], dtype=numpy.int32))
    assertExact(
      nx.remainder(
        nx.tensor([7, -7, 7, -7], { dtype: "s32" }),
        nx.tensor([3, 3, -3, -3], { dtype: "s32" }),
      ),
      [1, -1, 1, -1],
      "s32",
    );
    assertExact(nx.remainder(nx.tensor([-7, 8], { dtype: "s32" }), 3), [-1, 2], "s32");
  });

  it("unary ops", () => {
    // -x, numpy.abs(x), numpy.sign(x)
    assertClose(nx.negate(x), [2.5, 1.0, 0.5, -0.0, -0.3, -1.0, -2.5, -4.0]);
    assertClose(nx.abs(x), [2.5, 1.0, 0.5, 0.0, 0.3, 1.0, 2.5, 4.0]);
    assertClose(nx.sign(x), [-1.0, -1.0, -1.0, 0.0, 1.0, 1.0, 1.0, 1.0]);
    // numpy.exp(x), numpy.expm1(x)
    assertClose(
      nx.exp(x),
      [
        0.0820849986238988, 0.36787944117144233, 0.6065306597126334, 1.0, 1.3498588075760032,
        2.718281828459045, 12.182493960703473, 54.598150033144236,
      ],
    );
    assertClose(
      nx.expm1(x),
      [
        -0.9179150013761012, -0.6321205588285577, -0.3934693402873666, 0.0, 0.3498588075760031,
        1.7182818284590453, 11.182493960703473, 53.598150033144236,
      ],
    );
    // numpy.sin(x), numpy.cos(x), numpy.tan(x), numpy.tanh(x)
    assertClose(
      nx.sin(x),
      [
        -0.5984721441039565, -0.8414709848078965, -0.479425538604203, 0.0, 0.29552020666133955,
        0.8414709848078965, 0.5984721441039565, -0.7568024953079282,
      ],
    );
    assertClose(
      nx.cos(x),
      [
        -0.8011436155469337, 0.5403023058681398, 0.8775825618903728, 1.0, 0.955336489125606,
        0.5403023058681398, -0.8011436155469337, -0.6536436208636119,
      ],
    );
    assertClose(
      nx.tan(x),
      [
        0.7470222972386603, -1.5574077246549023, -0.5463024898437905, 0.0, 0.3093362496096232,
        1.5574077246549023, -0.7470222972386603, 1.1578212823495775,
      ],
    );
    assertClose(
      nx.tanh(x),
      [
        -0.9866142981514303, -0.7615941559557649, -0.46211715726000974, 0.0, 0.2913126124515909,
        0.7615941559557649, 0.9866142981514303, 0.999329299739067,
      ],
    );
    // 1 / (1 + numpy.exp(-x))
    assertClose(
      nx.sigmoid(x),
      [
        0.07585818002124355, 0.2689414213699951, 0.3775406687981454, 0.5, 0.574442516811659,
        0.7310585786300049, 0.9241418199787566, 0.9820137900379085,
      ],
    );
    // numpy.floor(x), numpy.ceil(x), numpy.trunc(x)
    assertClose(nx.floor(x), [-3.0, -1.0, -1.0, 0.0, 0.0, 1.0, 2.0, 4.0]);
    assertClose(nx.ceil(x), [-2.0, -1.0, -0.0, 0.0, 1.0, 1.0, 3.0, 4.0]);
    assertClose(nx.trunc(x), [-2.0, -1.0, -0.0, 0.0, 0.0, 1.0, 2.0, 4.0]);
  });

  it("logarithms and roots", () => {
    const pos = f64([1e-10, 0.3, 1.0, 2.5, 4.0, 100.0]);
    // numpy.log(pos), numpy.log1p(pos), numpy.sqrt(pos), 1 / numpy.sqrt(pos)
    assertClose(
      nx.log(pos),
      [
        -23.025850929940457, -1.2039728043259361, 0.0, 0.9162907318741551, 1.3862943611198906,
        4.605170185988092,
      ],
    );
    assertClose(
      nx.log1p(pos),
      [
        9.999999999500001e-11, 0.26236426446749106, 0.6931471805599453, 1.252762968495368,
        1.6094379124341003, 4.61512051684126,
      ],
    );
    assertClose(nx.sqrt(pos), [1e-5, 0.5477225575051661, 1.0, 1.5811388300841898, 2.0, 10.0]);
    assertClose(
      nx.rsqrt(pos),
      [99999.99999999999, 1.8257418583505538, 1.0, 0.6324555320336759, 0.5, 0.1],
    );
    // numpy.log(0) -> -inf, numpy.log(-1) -> nan, numpy.sqrt(-1) -> nan
    assertClose(nx.log(f64([0, -1])), [-Infinity, NaN]);
    assertClose(nx.sqrt(f64([-1])), [NaN]);
  });

  it("sigmoid saturates without NaN", () => {
    assertClose(nx.sigmoid(f64([-1000, 1000])), [0, 1]);
  });

  it("erf matches Python's math.erf", () => {
    const xs = [-30.0, -5.0, -3.0, -1.0, -0.5, 0.0, 1e-5, 0.5, 1.0, 2.0, 2.4, 2.6, 3.0, 5.0, 30.0];
    // [math.erf(v) for v in xs]
    const want = [
      -1.0, -0.9999999999984626, -0.9999779095030014, -0.8427007929497149, -0.5204998778130465, 0.0,
      1.1283791670579e-5, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527,
      0.999311486103355, 0.9997639655834707, 0.9999779095030014, 0.9999999999984626, 1.0,
    ];
    assertClose(nx.erf(f64(xs)), want, 1e-14, 1e-16);
    // numpy.float32([math.erf(v) for v in [-1, 0.5, 2]])
    assertExact(
      nx.erf(nx.tensor([-1.0, 0.5, 2.0])),
      [-0.8427007794380188, 0.5204998850822449, 0.9953222870826721],
      "f32",
    );
    assertClose(nx.erf(f64([NaN, Infinity, -Infinity])), [NaN, 1, -1]);
  });

  it("round halves away from zero (as Nx), unlike numpy.round", () => {
    const v = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999999999999994, -0.4, 2.6];
    // [float(decimal.Decimal(v).quantize(0, decimal.ROUND_HALF_UP)) for v in v]
    // (numpy.round, half to even, would give -2, -2, -0, 0, 2, 2 for the first six.)
    assertClose(nx.round(f64(v)), [-3, -2, -1, 1, 2, 3, 0, -0, 3]);
    assertExact(nx.round(nx.tensor([0.5, -0.5, 1.5])), [1, -1, 2], "f32");
  });

  it("works on f32 with f32 rounding", () => {
    const xf = nx.tensor(xs);
    const r = nx.exp(xf);
    assert.equal(r.dtype, "f32");
    // numpy.exp(numpy.float32(x)) agrees to f32 precision
    assertClose(r, flat(nx.exp(x).toArray() as Nested).map(Math.fround), 1e-6);
    for (const v of flat(r.toArray())) assert.equal(v, Math.fround(v));
  });

  it("broadcasts like NumPy", () => {
    // numpy.array([[1], [2]]) + numpy.array([10, 20, 30])
    assertClose(nx.add(f64([[1], [2]]), f64([10, 20, 30])), [
      [11, 21, 31],
      [12, 22, 32],
    ]);
    assertClose(nx.multiply(f64([[1, 2, 3]]), 2), [[2, 4, 6]]);
    assertClose(nx.subtract(1, f64([[1], [3]])), [[0], [-2]]);
  });

  it("comparisons (NaN compares unequal)", () => {
    const a = f64([1.0, NaN, 3.0, -Infinity]);
    const b = f64([1.0, NaN, 2.0, -Infinity]);
    // numpy.equal(a, b).astype(numpy.uint8), and likewise not_equal, less, less_equal, greater, greater_equal
    assertExact(nx.equal(a, b), [1, 0, 0, 1], "u8");
    assertExact(nx.notEqual(a, b), [0, 1, 1, 0], "u8");
    assertExact(nx.less(a, b), [0, 0, 0, 0], "u8");
    assertExact(nx.lessEqual(a, b), [1, 0, 0, 1], "u8");
    assertExact(nx.greater(a, b), [0, 0, 1, 0], "u8");
    assertExact(nx.greaterEqual(a, b), [1, 0, 1, 1], "u8");
    assertExact(nx.less(f64([[1], [3]]), f64([2, 3])), [
      [1, 1],
      [0, 0],
    ]);
  });

  it("logic ops (non-zero is true, NaN is true)", () => {
    const a = f64([0.0, 0.0, 2.0, -1.0, NaN]);
    const b = f64([0.0, 3.0, 0.0, 0.5, 0.0]);
    // numpy.logical_and(a, b), numpy.logical_or(a, b), numpy.logical_not(a), as uint8
    assertExact(nx.logicalAnd(a, b), [0, 0, 0, 1, 0], "u8");
    assertExact(nx.logicalOr(a, b), [0, 1, 1, 1, 1], "u8");
    assertExact(nx.logicalNot(a), [1, 1, 0, 0, 0], "u8");
  });

  it("select broadcasts its three operands", () => {
    // numpy.where(numpy.array([[1], [0]]) != 0, numpy.array([10., 20., 30.]), 0.0)
    assertExact(nx.select(nx.tensor([[1], [0]], { dtype: "u8" }), f64([10, 20, 30]), 0), [
      [10, 20, 30],
      [0, 0, 0],
    ]);
    // numpy.where(numpy.array([1, 0, 2]) != 0, [[1.], [2.]], [[-1., -2., -3.]])
    const r = nx.select(
      nx.tensor([1, 0, 2], { dtype: "u8" }),
      f64([[1], [2]]),
      f64([[-1, -2, -3]]),
    );
    assertExact(
      r,
      [
        [1, -2, 1],
        [2, -2, 2],
      ],
      "f64",
    );
    // A float predicate: non-zero (NaN included) selects onTrue.
    assertExact(nx.select(nx.tensor([0, 0.5, NaN]), 1, 2), [2, 1, 1], "f32");
    assertExact(nx.select(1, nx.tensor([1, 2], { dtype: "s32" }), 0), [1, 2], "s32");
  });

  it("clip", () => {
    // numpy.clip([-2, -0.5, 0.5, 3], -1, 1)
    assertClose(nx.clip(f64([-2.0, -0.5, 0.5, 3.0]), -1, 1), [-1.0, -0.5, 0.5, 1.0]);
    // numpy.clip([[-2, 0.5, 3], [1, 2, 3]], [-1, 1, 0], [[0], [2.5]])
    assertClose(
      nx.clip(
        f64([
          [-2.0, 0.5, 3.0],
          [1.0, 2.0, 3.0],
        ]),
        f64([-1.0, 1.0, 0.0]),
        f64([[0.0], [2.5]]),
      ),
      [
        [-1.0, 0.0, 0.0],
        [1.0, 2.0, 2.5],
      ],
    );
    assertExact(nx.clip(nx.tensor([-5, 5, 300], { dtype: "s32" }), 0, 255), [0, 5, 255], "s32");
  });

  it("isNan and isInfinite", () => {
    const s = f64([NaN, Infinity, -Infinity, 0.0, 1.0, -1e308]);
    // numpy.isnan(s), numpy.isinf(s), as uint8
    assertExact(nx.isNan(s), [1, 0, 0, 0, 0, 0], "u8");
    assertExact(nx.isInfinite(s), [0, 1, 1, 0, 0, 0], "u8");
    assertExact(nx.isNan(nx.tensor([1, 2], { dtype: "s32" })), [0, 0], "u8");
  });

  it("eager results equal jit results (fused loops)", () => {
    const f = (a: nx.Tensor, b: nx.Tensor) =>
      nx.add(
        nx.multiply(nx.sigmoid(a), nx.erf(b)),
        nx.select(nx.greater(a, b), nx.remainder(a, 0.75), nx.round(b)),
      );
    const g = nx.jit(f);
    assert.deepEqual(g(x, y).toArray(), f(x, y).toArray());
    const xf = nx.tensor(xs);
    const yf = nx.tensor(ys);
    assert.deepEqual(g(xf, yf).toArray(), f(xf, yf).toArray());
  });
});

describe("reductions", () => {
  // ((numpy.arange(24) * 7 % 11) - 5) / 2, reshaped to (2, 3, 4): halves, with ties.
  const X3: Nested = [
    [
      [-2.5, 1.0, -1.0, 2.5],
      [0.5, -1.5, 2.0, 0.0],
      [-2.0, 1.5, -0.5, -2.5],
    ],
    [
      [1.0, -1.0, 2.5, 0.5],
      [-1.5, 2.0, 0.0, -2.0],
      [1.5, -0.5, -2.5, 1.0],
    ],
  ];
  const X = f64(X3);
  const Xf = nx.tensor(X3 as nx.NestedArray);

  it("sum over axes, with and without keepAxes", () => {
    // X.sum(), X.sum(0), X.sum(1), X.sum(-1), X.sum((0, 2)), X.sum((0, 2), keepdims=True)
    assertClose(nx.sum(X), -1.5);
    assertClose(nx.sum(X, { axes: 0 }), [
      [-1.5, 0.0, 1.5, 3.0],
      [-1.0, 0.5, 2.0, -2.0],
      [-0.5, 1.0, -3.0, -1.5],
    ]);
    assertClose(nx.sum(X, { axes: [1] }), [
      [-4.0, 1.0, 0.5, 0.0],
      [1.0, 0.5, 0.0, -0.5],
    ]);
    assertClose(nx.sum(X, { axes: -1 }), [
      [0.0, 1.0, -3.5],
      [3.0, -1.5, -0.5],
    ]);
    assertClose(nx.sum(X, { axes: [0, 2] }), [3.0, -0.5, -4.0]);
    assertClose(nx.sum(X, { axes: [2, 0], keepAxes: true }), [[[3.0], [-0.5], [-4.0]]]);
    assertClose(nx.sum(X, { keepAxes: true }), [[[-1.5]]]);
    // The f32 path gives the same (all values are exact halves).
    assertClose(nx.sum(Xf, { axes: [0, 2] }), [3.0, -0.5, -4.0]);
    assert.equal(nx.sum(Xf).dtype, "f32");
  });

  it("sum of an empty axis is 0; reducing no axes is the identity", () => {
    assertClose(nx.sum(nx.zeros([2, 0]), { axes: 1 }), [0, 0]);
    assertClose(nx.sum(X, { axes: [] }), X3);
    assertClose(nx.sum(3), 3);
  });

  it("product", () => {
    const P = f64([
      [1.5, -2.0, 3.0],
      [0.5, 4.0, -1.0],
    ]);
    // P.prod(), P.prod(1), P.prod(0, keepdims=True)
    assertClose(nx.product(P), 18.0);
    assertClose(nx.product(P, { axes: 1 }), [-9.0, -2.0]);
    assertClose(nx.product(P, { axes: 0, keepAxes: true }), [[0.75, -8.0, -3.0]]);
    assertClose(nx.product(nx.zeros([0])), 1);
  });

  it("mean", () => {
    // X.mean(), X.mean(1), X.mean((0, 1), keepdims=True)
    assertClose(nx.mean(X), -0.0625);
    assertClose(nx.mean(X, { axes: 1 }), [
      [-1.3333333333333333, 0.3333333333333333, 0.16666666666666666, 0.0],
      [0.3333333333333333, 0.16666666666666666, 0.0, -0.16666666666666666],
    ]);
    assertClose(nx.mean(X, { axes: [0, 1], keepAxes: true }), [
      [[-0.5, 0.25, 0.08333333333333333, -0.08333333333333333]],
    ]);
    assertClose(
      nx.mean(Xf, { axes: 1 }),
      nx.asType(nx.mean(X, { axes: 1 }), "f32").toArray(),
      1e-6,
    );
  });

  it("reduceMax and reduceMin", () => {
    // X.max(2), X.min((0, 1)), X.max(), X.min()
    assertClose(nx.reduceMax(X, { axes: 2 }), [
      [2.5, 2.0, 1.5],
      [2.5, 2.0, 1.5],
    ]);
    assertClose(nx.reduceMin(X, { axes: [0, 1] }), [-2.5, -1.5, -2.5, -2.5]);
    assertClose(nx.reduceMax(X), 2.5);
    assertClose(nx.reduceMin(X), -2.5);
    assertClose(nx.reduceMax(X, { axes: 2, keepAxes: true }), [
      [[2.5], [2.0], [1.5]],
      [[2.5], [2.0], [1.5]],
    ]);
    assertExact(nx.reduceMax(nx.tensor([3, 7, -2], { dtype: "s32" })), 7, "s32");
  });

  it("reduceMax and reduceMin propagate NaN", () => {
    const n = f64([1.0, NaN, 3.0, NaN, -1.0]);
    // numpy.max(n), numpy.min(n) -> nan
    assertClose(nx.reduceMax(n), NaN);
    assertClose(nx.reduceMin(n), NaN);
    assertClose(nx.reduceMax(f64([NaN, 1])), NaN);
    // The other reduction loop (a non-last axis).
    assertClose(
      nx.reduceMax(
        f64([
          [1, NaN],
          [NaN, 2],
          [3, 4],
        ]),
        { axes: 0 },
      ),
      [NaN, NaN],
    );
  });

  it("reduceMax and reduceMin of an empty reduction are -Infinity and Infinity", () => {
    assertClose(nx.reduceMax(nx.zeros([0])), -Infinity);
    assertClose(nx.reduceMin(nx.zeros([2, 0]), { axes: 1 }), [Infinity, Infinity]);
  });

  it("argmax and argmin", () => {
    // int(X.argmax()), int(X.argmin())
    assertExact(nx.argmax(X), 3, "s32");
    assertExact(nx.argmin(X), 0, "s32");
    // X.argmax(0), X.argmax(1), X.argmax(2), X.argmin(2), X.argmin(1)
    assertExact(nx.argmax(X, { axis: 0 }), [
      [1, 0, 1, 0],
      [0, 1, 0, 0],
      [1, 0, 0, 1],
    ]);
    assertExact(nx.argmax(X, { axis: 1 }), [
      [1, 2, 1, 0],
      [2, 1, 0, 2],
    ]);
    assertExact(nx.argmax(X, { axis: 2 }), [
      [3, 2, 1],
      [2, 1, 0],
    ]);
    assertExact(nx.argmax(X, { axis: -1 }), [
      [3, 2, 1],
      [2, 1, 0],
    ]);
    assertExact(nx.argmin(X, { axis: 2 }), [
      [0, 1, 3],
      [1, 3, 2],
    ]);
    assertExact(nx.argmin(X, { axis: 1 }), [
      [0, 1, 0, 2],
      [1, 0, 2, 1],
    ]);
    // X.argmax(1, keepdims=True), X.argmax(keepdims=True)
    assertExact(nx.argmax(X, { axis: 1, keepAxis: true }), [[[1, 2, 1, 0]], [[2, 1, 0, 2]]]);
    assertExact(nx.argmax(X, { keepAxis: true }), [[[3]]]);
    assertExact(nx.argmax(5), 0, "s32");
    assertExact(nx.argmax(5, { keepAxis: true }), 0, "s32");
  });

  it("argmax and argmin break ties by the first index", () => {
    const t = f64([3.0, 1.0, 3.0, 1.0]);
    // int(t.argmax()), int(t.argmin())
    assertExact(nx.argmax(t), 0);
    assertExact(nx.argmin(t), 1);
    assertExact(nx.argmax(nx.tensor([2, 2, 2], { dtype: "u8" })), 0);
  });

  it("argmax and argmin return the first NaN (as NumPy)", () => {
    // numpy.array([1, nan, 3, nan, -1]).argmax() -> 1, .argmin() -> 1
    const n = f64([1.0, NaN, 3.0, NaN, -1.0]);
    assertExact(nx.argmax(n), 1);
    assertExact(nx.argmin(n), 1);
    // numpy.array([nan, 5, -5]).argmax() -> 0, .argmin() -> 0
    const n0 = f64([NaN, 5.0, -5.0]);
    assertExact(nx.argmax(n0), 0);
    assertExact(nx.argmin(n0), 0);
  });

  it("variance and standardDeviation with ddof", () => {
    // X.var(), X.var(1), X.var(1, ddof=1), X.std(2, ddof=1), X.std(), X.var((0, 2), ddof=1, keepdims=True)
    assertClose(nx.variance(X), 2.58984375);
    assertClose(nx.variance(X, { axes: 1 }), [
      [1.7222222222222223, 1.7222222222222223, 1.7222222222222223, 4.166666666666667],
      [1.7222222222222223, 1.7222222222222223, 4.166666666666667, 1.7222222222222223],
    ]);
    assertClose(nx.variance(X, { axes: 1, ddof: 1 }), [
      [2.5833333333333335, 2.5833333333333335, 2.5833333333333335, 6.25],
      [2.5833333333333335, 2.5833333333333335, 6.25, 2.5833333333333335],
    ]);
    assertClose(nx.standardDeviation(X, { axes: 2, ddof: 1 }), [
      [2.1984843263788196, 1.4433756729740645, 1.796988221070652],
      [1.4433756729740645, 1.796988221070652, 1.796988221070652],
    ]);
    assertClose(nx.standardDeviation(X), 1.6092991486979666);
    assertClose(nx.variance(X, { axes: [0, 2], ddof: 1, keepAxes: true }), [
      [[3.125], [2.388392857142857], [2.9285714285714284]],
    ]);
  });

  it("logsumexp is stable for large values and -Infinity rows", () => {
    const L = f64([
      [-Infinity, -Infinity, -Infinity],
      [1000.0, 1000.0, 999.0],
      [-1000.0, -1000.5, -Infinity],
      [0.0, 1.0, 2.0],
      [Infinity, 0.0, 1.0],
    ]);
    // numpy.logaddexp.reduce(L, axis=1)
    assertClose(nx.logsumexp(L, { axes: 1 }), [
      -Infinity,
      1000.8619948040582,
      -999.5259230158199,
      2.40760596444438,
      Infinity,
    ]);
    assertClose(nx.logsumexp(L, { axes: 1, keepAxes: true }), [
      [-Infinity],
      [1000.8619948040582],
      [-999.5259230158199],
      [2.40760596444438],
      [Infinity],
    ]);
    const L2 = f64([
      [0.5, -1.0, 2.0],
      [3.0, 0.0, -2.0],
    ]);
    // numpy.logaddexp.reduce(L2.ravel()), numpy.logaddexp.reduce(L2, axis=0)
    assertClose(nx.logsumexp(L2), 3.4218665947116853);
    assertClose(
      nx.logsumexp(L2, { axes: 0 }),
      [3.0788897342925496, 0.31326168751822286, 2.01814992791781],
    );
    // f32 does not overflow either.
    const big = nx.logsumexp(nx.tensor([1000, 1000]));
    assert.equal(big.dtype, "f32");
    assertClose(big, Math.fround(1000 + Math.LN2), 1e-7);
  });

  it("all and any", () => {
    const B = f64([
      [1.0, 0.0, 2.0],
      [3.0, 4.0, 5.0],
      [0.0, 0.0, 0.0],
    ]);
    // numpy.all(B, 1), numpy.any(B, 1), numpy.all(B, 0), numpy.any(B, 0), numpy.all(B), numpy.any(B) as uint8
    assertExact(nx.all(B, { axes: 1 }), [0, 1, 0], "u8");
    assertExact(nx.any(B, { axes: 1 }), [1, 1, 0], "u8");
    assertExact(nx.all(B, { axes: 0 }), [0, 0, 0], "u8");
    assertExact(nx.any(B, { axes: 0 }), [1, 1, 1], "u8");
    assertExact(nx.all(B), 0, "u8");
    assertExact(nx.any(B), 1, "u8");
    assertExact(nx.all(B, { axes: 1, keepAxes: true }), [[0], [1], [0]], "u8");
    // numpy.all(numpy.zeros(0)) -> True, numpy.any(numpy.zeros(0)) -> False
    assertExact(nx.all(nx.zeros([0])), 1, "u8");
    assertExact(nx.any(nx.zeros([0])), 0, "u8");
    assertExact(nx.all(nx.zeros([2, 0]), { axes: 1 }), [1, 1], "u8");
  });

  it("cumulativeSum forward and reverse", () => {
    const C = f64([
      [1.0, 2.0, 3.0],
      [4.0, 5.0, 6.0],
    ]);
    // numpy.cumsum(C, 0), numpy.cumsum(C, 1)
    assertClose(nx.cumulativeSum(C), [
      [1.0, 2.0, 3.0],
      [5.0, 7.0, 9.0],
    ]);
    assertClose(nx.cumulativeSum(C, { axis: 1 }), [
      [1.0, 3.0, 6.0],
      [4.0, 9.0, 15.0],
    ]);
    // numpy.flip(numpy.cumsum(numpy.flip(C, 1), 1), 1), and the same on axis 0
    assertClose(nx.cumulativeSum(C, { axis: -1, reverse: true }), [
      [6.0, 5.0, 3.0],
      [15.0, 11.0, 6.0],
    ]);
    assertClose(nx.cumulativeSum(C, { axis: 0, reverse: true }), [
      [5.0, 7.0, 9.0],
      [4.0, 5.0, 6.0],
    ]);
    // numpy.cumsum(X, 1)[1]
    assertClose(nx.sliceAlong(nx.cumulativeSum(X, { axis: 1 }), 1, 1), [
      [
        [1.0, -1.0, 2.5, 0.5],
        [-0.5, 1.0, 2.5, -1.5],
        [1.0, 0.5, 0.0, -0.5],
      ],
    ]);
    assertExact(nx.cumulativeSum(nx.tensor([1, 2, 3], { dtype: "s32" })), [1, 3, 6], "s32");
  });
});

describe("shape ops", () => {
  const A = nx.iota([4, 5]); // numpy.arange(20).reshape(4, 5)
  const M = nx.iota([3, 4]); // numpy.arange(12).reshape(3, 4)
  const X = nx.iota([2, 3, 4]); // numpy.arange(24).reshape(2, 3, 4)

  it("reshape, with -1", () => {
    // numpy.arange(6).reshape(-1, 2)
    assertExact(
      nx.reshape(nx.iota([6]), [-1, 2]),
      [
        [0, 1],
        [2, 3],
        [4, 5],
      ],
      "s32",
    );
    assertExact(nx.reshape(nx.iota([2, 3]), [3, -1]), [
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    assertExact(nx.reshape(nx.tensor([7]), []), 7);
    assertExact(nx.reshape(nx.tensor(7), [1, 1]), [[7]]);
    const same = nx.iota([2, 3]);
    assert.equal(nx.reshape(same, [2, 3]), same);
    // A reshape shares the buffer (no copy).
    assert.equal(nx.reshape(A, [20])._data!.buffer, A._data!.buffer);
  });

  it("flatten", () => {
    assertExact(nx.flatten(M), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.deepEqual(nx.flatten(nx.tensor(3)).shape, [1]);
  });

  it("squeeze", () => {
    const t = nx.zeros([1, 3, 1]);
    assert.deepEqual(nx.squeeze(t).shape, [3]);
    assert.deepEqual(nx.squeeze(t, { axes: 0 }).shape, [3, 1]);
    assert.deepEqual(nx.squeeze(t, { axes: [-1] }).shape, [1, 3]);
    assert.deepEqual(nx.squeeze(nx.zeros([1, 1])).shape, []);
  });

  it("newAxis", () => {
    const v = nx.tensor([1, 2, 3]);
    assertExact(nx.newAxis(v, 0), [[1, 2, 3]]);
    assertExact(nx.newAxis(v, -1), [[1], [2], [3]]);
    assert.deepEqual(nx.newAxis(M, 1).shape, [3, 1, 4]);
    assert.deepEqual(nx.newAxis(M, -2).shape, [3, 1, 4]);
  });

  it("broadcast without axes matches from the right", () => {
    // numpy.broadcast_to([1, 2, 3], (2, 3))
    assertExact(nx.broadcast(nx.tensor([1, 2, 3]), [2, 3]), [
      [1, 2, 3],
      [1, 2, 3],
    ]);
    assertExact(nx.broadcast(nx.tensor([[1], [2]]), [2, 2]), [
      [1, 1],
      [2, 2],
    ]);
    assertExact(nx.broadcast(5, [2]), [5, 5], "f32");
  });

  it("broadcast with axes places each axis", () => {
    // numpy.broadcast_to(numpy.array([1, 2, 3])[:, None], (3, 2))
    assertExact(nx.broadcast(nx.tensor([1, 2, 3]), [3, 2], { axes: [0] }), [
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    // numpy.broadcast_to(M[:2, None, :3], (2, 2, 3))
    assertExact(nx.broadcast(nx.slice(M, [0, 0], [2, 3]), [2, 2, 3], { axes: [0, 2] }), [
      [
        [0, 1, 2],
        [0, 1, 2],
      ],
      [
        [4, 5, 6],
        [4, 5, 6],
      ],
    ]);
  });

  it("transpose, default and with axes", () => {
    // numpy.transpose(X, (2, 0, 1))
    assertExact(nx.transpose(X, [2, 0, 1]), [
      [
        [0, 4, 8],
        [12, 16, 20],
      ],
      [
        [1, 5, 9],
        [13, 17, 21],
      ],
      [
        [2, 6, 10],
        [14, 18, 22],
      ],
      [
        [3, 7, 11],
        [15, 19, 23],
      ],
    ]);
    assert.deepEqual(nx.transpose(X).shape, [4, 3, 2]);
    assertExact(nx.transpose(nx.tensor([[1, 2]])), [[1], [2]]);
    assertExact(nx.transpose(X, [-1, 0, 1]), nx.transpose(X, [2, 0, 1]).toArray());
  });

  it("concatenate", () => {
    const a = nx.slice(M, [0, 0], [3, 2]);
    const b = nx.slice(M, [0, 2], [3, 2]);
    const c = nx.slice(M, [0, 0], [3, 1]);
    // numpy.concatenate([M[:, :2], M[:, 2:], M[:, :1]], axis=1)
    assertExact(nx.concatenate([a, b, c], { axis: 1 }), [
      [0, 1, 2, 3, 0],
      [4, 5, 6, 7, 4],
      [8, 9, 10, 11, 8],
    ]);
    assertExact(nx.concatenate([nx.tensor([1]), nx.tensor([2, 3])]), [1, 2, 3]);
    assertExact(nx.concatenate([a, b], { axis: -1 }), M.toArray());
    const one = nx.tensor([1, 2], { dtype: "s32" });
    assert.equal(nx.concatenate([one]), one);
  });

  it("stack", () => {
    const a = nx.tensor([1, 2, 3]);
    const b = nx.tensor([4, 5, 6]);
    // numpy.stack([a, b], 0), numpy.stack([a, b], 1)
    assertExact(nx.stack([a, b]), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assertExact(nx.stack([a, b], { axis: 1 }), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    // numpy.stack([M[:2], M[1:]], -1)
    assertExact(nx.stack([nx.sliceAlong(M, 0, 2), nx.sliceAlong(M, 1, 2)], { axis: -1 }), [
      [
        [0, 4],
        [1, 5],
        [2, 6],
        [3, 7],
      ],
      [
        [4, 8],
        [5, 9],
        [6, 10],
        [7, 11],
      ],
    ]);
  });

  it("slice with strides", () => {
    // A[1:4:2, 0:5:2]
    assertExact(nx.slice(A, [1, 0], [3, 5], [2, 2]), [
      [5, 7, 9],
      [15, 17, 19],
    ]);
    // A[0:3:2, 1:5:3]
    assertExact(nx.slice(A, [0, 1], [3, 4], [2, 3]), [
      [1, 4],
      [11, 14],
    ]);
    assertExact(nx.slice(A, [1, 1], [2, 2]), [
      [6, 7],
      [11, 12],
    ]);
    assert.deepEqual(nx.slice(A, [4, 0], [0, 5]).shape, [0, 5]);
    assert.equal(nx.slice(A, [0, 0], [4, 5]), A);
  });

  it("sliceAlong", () => {
    // A[:, 1:4]
    assertExact(nx.sliceAlong(A, 1, 3, { axis: 1 }), [
      [1, 2, 3],
      [6, 7, 8],
      [11, 12, 13],
      [16, 17, 18],
    ]);
    // A[0:4:3, :]
    assertExact(nx.sliceAlong(A, 0, 4, { stride: 3 }), [
      [0, 1, 2, 3, 4],
      [15, 16, 17, 18, 19],
    ]);
    assertExact(nx.sliceAlong(A, 3, 2, { axis: -1 }), [
      [3, 4],
      [8, 9],
      [13, 14],
      [18, 19],
    ]);
  });

  it("take, with repeated indices and an axis", () => {
    // numpy.take(A, [0, 2, 0], axis=1)
    assertExact(nx.take(A, [0, 2, 0], { axis: 1 }), [
      [0, 2, 0],
      [5, 7, 5],
      [10, 12, 10],
      [15, 17, 15],
    ]);
    // numpy.take(A, [[0, 1], [3, 3]], axis=0)
    assertExact(
      nx.take(
        A,
        nx.tensor(
          [
            [0, 1],
            [3, 3],
          ],
          { dtype: "s32" },
        ),
      ),
      [
        [
          [0, 1, 2, 3, 4],
          [5, 6, 7, 8, 9],
        ],
        [
          [15, 16, 17, 18, 19],
          [15, 16, 17, 18, 19],
        ],
      ],
    );
    // numpy.take(A, [4, 4], axis=-1)
    assertExact(nx.take(A, [4, 4], { axis: -1 }), [
      [4, 4],
      [9, 9],
      [14, 14],
      [19, 19],
    ]);
    assertExact(nx.take(nx.tensor([10, 20, 30]), nx.tensor([2, 0], { dtype: "u8" })), [30, 10]);
    assertExact(nx.take(nx.tensor([10, 20, 30]), nx.tensor(1, { dtype: "s32" })), 20);
  });

  it("putSlice", () => {
    // B = A.copy(); B[1:3, 2:4] = [[-1, -2], [-3, -4]]
    assertExact(
      nx.putSlice(
        A,
        [1, 2],
        nx.tensor(
          [
            [-1, -2],
            [-3, -4],
          ],
          { dtype: "s32" },
        ),
      ),
      [
        [0, 1, 2, 3, 4],
        [5, 6, -1, -2, 9],
        [10, 11, -3, -4, 14],
        [15, 16, 17, 18, 19],
      ],
      "s32",
    );
    // Promotes: an f32 update into an s32 tensor gives f32.
    const r = nx.putSlice(nx.zeros([3], { dtype: "s32" }), [1], nx.tensor([1.5]));
    assertExact(r, [0, 1.5, 0], "f32");
    // A is unchanged.
    assert.equal(A.toArray()[1][2], 7);
  });

  it("pad with interior and negative padding (as Nx.pad)", () => {
    // Built with NumPy: numpy.full of the padded size, the input written with a step of interior + 1,
    // then negative low/high cropped by slicing.
    assertExact(nx.pad(nx.tensor([1, 2, 3]), 0, [[1, 2, 1]]), [0, 1, 0, 2, 0, 3, 0, 0]);
    assertExact(nx.pad(nx.iota([6]), 9, [[-1, 1, 0]]), [1, 2, 3, 4, 5, 9]);
    assertExact(
      nx.pad(M, -1, [
        [1, -1, 1],
        [-2, 1, 0],
      ]),
      [
        [-1, -1, -1],
        [2, 3, -1],
        [-1, -1, -1],
        [6, 7, -1],
        [-1, -1, -1],
      ],
      "s32",
    );
    // numpy.pad(M, ((1, 0), (2, 1)), constant_values=7)
    assertExact(
      nx.pad(M, 7, [
        [1, 0],
        [2, 1],
      ]),
      [
        [7, 7, 7, 7, 7, 7, 7],
        [7, 7, 0, 1, 2, 3, 7],
        [7, 7, 4, 5, 6, 7, 7],
        [7, 7, 8, 9, 10, 11, 7],
      ],
    );
  });

  it("pad with non-finite values (each its own program)", () => {
    const v = nx.tensor([1, 2]);
    assertExact(nx.pad(v, NaN, [[1, 0]]), [NaN, 1, 2]);
    assertExact(nx.pad(v, -Infinity, [[1, 0]]), [-Infinity, 1, 2]);
    assertExact(nx.pad(v, Infinity, [[1, 0]]), [Infinity, 1, 2]);
  });

  it("reverse", () => {
    // numpy.flip(X, axis=(0, 2))
    assertExact(nx.reverse(X, { axes: [0, 2] }), [
      [
        [15, 14, 13, 12],
        [19, 18, 17, 16],
        [23, 22, 21, 20],
      ],
      [
        [3, 2, 1, 0],
        [7, 6, 5, 4],
        [11, 10, 9, 8],
      ],
    ]);
    // numpy.flip(M)
    assertExact(nx.reverse(M), [
      [11, 10, 9, 8],
      [7, 6, 5, 4],
      [3, 2, 1, 0],
    ]);
    assertExact(nx.reverse(M, { axes: -2 }), [
      [8, 9, 10, 11],
      [4, 5, 6, 7],
      [0, 1, 2, 3],
    ]);
  });

  it("tile", () => {
    // numpy.tile(M[:2], (2, 1))
    assertExact(nx.tile(nx.sliceAlong(M, 0, 2), [2, 1]), [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    // numpy.tile(numpy.array([1, 2]), (2, 2))
    assertExact(nx.tile(nx.tensor([1, 2]), [2, 2]), [
      [1, 2, 1, 2],
      [1, 2, 1, 2],
    ]);
    // numpy.tile(M, 2) (reps shorter than the rank are left-padded with 1s)
    assert.deepEqual(nx.tile(M, [2]).shape, [3, 8]);
    assertExact(nx.sliceAlong(nx.tile(M, [2]), 0, 1), [[0, 1, 2, 3, 0, 1, 2, 3]]);
  });

  it("toBatched with leftover discard and repeat", () => {
    const big = nx.reshape(nx.iota([10]), [5, 2]);
    const discard = [...nx.toBatched(big, 2)];
    assert.deepEqual(
      discard.map((b) => b.toArray()),
      [
        [
          [0, 1],
          [2, 3],
        ],
        [
          [4, 5],
          [6, 7],
        ],
      ],
    );
    const repeat = [...nx.toBatched(big, 2, { leftover: "repeat" })];
    assert.equal(repeat.length, 3);
    assert.deepEqual(repeat[2]!.toArray(), [
      [8, 9],
      [0, 1],
    ]);
    assert.equal([...nx.toBatched(big, 5)].length, 1);
    assert.equal([...nx.toBatched(big, 6)].length, 0);
    // Repeat wraps around more than once when the batch is bigger than the tensor.
    const wrapped = [...nx.toBatched(nx.tensor([1, 2]), 5, { leftover: "repeat" })];
    assertExact(wrapped[0]!, [1, 2, 1, 2, 1]);
  });

  it("batches of a big tensor share its buffer", () => {
    const big = nx.iota([1000, 16], { dtype: "f32" });
    const batches = [...nx.toBatched(big, 100)];
    assert.equal(batches.length, 10);
    for (const [i, batch] of batches.entries()) {
      assert.deepEqual(batch.shape, [100, 16]);
      assert.equal(batch._data!.buffer, big._data!.buffer);
      assert.equal(batch._data!.length, 1600);
      assert.equal(batch.toArray()[0][0], i * 1600);
    }
  });
});

describe("linear algebra", () => {
  const X3: Nested = [
    [
      [-2.5, -2.25, -2.0, -1.75],
      [-1.5, -1.25, -1.0, -0.75],
      [-0.5, -0.25, 0.0, 0.25],
    ],
    [
      [0.5, 0.75, 1.0, 1.25],
      [1.5, 1.75, 2.0, 2.25],
      [2.5, 2.75, 3.0, 3.25],
    ],
  ];
  const X = f64(X3); // (numpy.arange(24.0).reshape(2, 3, 4) - 10) / 4
  // numpy.arange(40.0).reshape(2, 4, 5) % 7 - 3
  const Z = f64([
    [
      [-3.0, -2.0, -1.0, 0.0, 1.0],
      [2.0, 3.0, -3.0, -2.0, -1.0],
      [0.0, 1.0, 2.0, 3.0, -3.0],
      [-2.0, -1.0, 0.0, 1.0, 2.0],
    ],
    [
      [3.0, -3.0, -2.0, -1.0, 0.0],
      [1.0, 2.0, 3.0, -3.0, -2.0],
      [-1.0, 0.0, 1.0, 2.0, 3.0],
      [-3.0, -2.0, -1.0, 0.0, 1.0],
    ],
  ]);
  const A = f64([
    [1.0, 2.0, 3.0],
    [4.0, 5.0, 6.0],
  ]);
  const B = f64([
    [1.0, -1.0],
    [0.5, 2.0],
    [-3.0, 1.0],
  ]);
  const u = f64([1.0, 2.0, 3.0]);
  const w = f64([4.0, -5.0, 6.5]);
  const S = f64([
    [3.0, 1.0, -2.0],
    [2.0, -4.0, 1.0],
    [1.0, 2.0, 5.0],
  ]);
  const S2 = nx.stack([
    S,
    f64([
      [0.0, 2.0, 1.0],
      [1.0, 1.0, 0.0],
      [4.0, 0.0, 1.0],
    ]),
  ]);

  it("dot of vectors, matrices, and n-D with 1-D (numpy.dot)", () => {
    // numpy.dot(u, w)
    assertClose(nx.dot(u, w), 13.5);
    // numpy.dot(A, B)
    assertClose(nx.dot(A, B), [
      [-7.0, 6.0],
      [-11.5, 12.0],
    ]);
    // numpy.dot(X, [1, -2, 0.5, 3])
    assertClose(nx.dot(X, f64([1.0, -2.0, 0.5, 3.0])), [
      [-4.25, -1.75, 0.75],
      [3.25, 5.75, 8.25],
    ]);
    // numpy.dot(X, M42) with M42 = [[1, 0], [2, -1], [0.5, 0.5], [-1, 3]]
    assertClose(
      nx.dot(
        X,
        f64([
          [1.0, 0.0],
          [2.0, -1.0],
          [0.5, 0.5],
          [-1.0, 3.0],
        ]),
      ),
      [
        [
          [-6.25, -4.0],
          [-3.75, -1.5],
          [-1.25, 1.0],
        ],
        [
          [1.25, 3.5],
          [3.75, 6.0],
          [6.25, 8.5],
        ],
      ],
    );
    // numpy.dot(2.0, A): scalars multiply
    assertClose(nx.dot(f64(2), A), [
      [2, 4, 6],
      [8, 10, 12],
    ]);
  });

  it("dot of 3-D by 3-D contracts a's last axis with b's second-to-last", () => {
    // numpy.dot(X, Z), shape (2, 3, 2, 5)
    assertClose(nx.dot(X, Z), [
      [
        [
          [6.5, -2.0, 5.25, -3.25, 2.25],
          [-2.5, 6.5, -2.0, 5.25, -3.25],
        ],
        [
          [3.5, -1.0, 3.25, -1.25, 1.25],
          [-2.5, 3.5, -1.0, 3.25, -1.25],
        ],
        [
          [0.5, 0.0, 1.25, 0.75, 0.25],
          [-2.5, 0.5, 0.0, 1.25, 0.75],
        ],
      ],
      [
        [
          [-2.5, 1.0, -0.75, 2.75, -0.75],
          [-2.5, -2.5, 1.0, -0.75, 2.75],
        ],
        [
          [-5.5, 2.0, -2.75, 4.75, -1.75],
          [-2.5, -5.5, 2.0, -2.75, 4.75],
        ],
        [
          [-8.5, 3.0, -4.75, 6.75, -2.75],
          [-2.5, -8.5, 3.0, -4.75, 6.75],
        ],
      ],
    ]);
  });

  it("dot with contraction axes (numpy.tensordot)", () => {
    // W = numpy.arange(30.0).reshape(3, 2, 5) % 4 - 1.5
    const W = f64([
      [
        [-1.5, -0.5, 0.5, 1.5, -1.5],
        [-0.5, 0.5, 1.5, -1.5, -0.5],
      ],
      [
        [0.5, 1.5, -1.5, -0.5, 0.5],
        [1.5, -1.5, -0.5, 0.5, 1.5],
      ],
      [
        [-1.5, -0.5, 0.5, 1.5, -1.5],
        [-0.5, 0.5, 1.5, -1.5, -0.5],
      ],
    ]);
    // numpy.tensordot(X, W, axes=([1, 0], [0, 1]))
    assertClose(nx.dot(X, [1, 0], W, [0, 1]), [
      [4.5, -1.5, 4.5, -7.5, 4.5],
      [4.0, -1.5, 5.0, -7.5, 4.0],
      [3.5, -1.5, 5.5, -7.5, 3.5],
      [3.0, -1.5, 6.0, -7.5, 3.0],
    ]);
    const a = f64([
      [1.0, 2.0],
      [3.0, 4.0],
      [5.0, 6.0],
    ]);
    const b = f64([
      [1.0, 0.0, -1.0, 2.0],
      [0.0, 1.0, 1.0, 0.5],
      [2.0, -2.0, 0.0, 1.0],
    ]);
    // numpy.tensordot(a, b, axes=([0], [0])) (aᵀ b), and numpy.tensordot(b, a, axes=([0], [0]))
    assertClose(nx.dot(a, [0], b, [0]), [
      [11.0, -7.0, 2.0, 8.5],
      [14.0, -8.0, 2.0, 12.0],
    ]);
    assertClose(nx.dot(b, [0], a, [0]), [
      [11.0, 14.0],
      [-7.0, -8.0],
      [2.0, 2.0],
      [8.5, 12.0],
    ]);
    // Negative axes: the same as numpy.dot(A, B).
    assertClose(nx.dot(A, [-1], B, [-2]), nx.dot(A, B).toArray() as Nested);
    // Contracting b's last axis: A Bᵀ-style, numpy.tensordot(A, A, axes=([1], [1]))
    assertClose(nx.dot(A, [1], A, [1]), [
      [14, 32],
      [32, 77],
    ]);
  });

  it("dot with batch axes (numpy.einsum('bij,bjk->bik'))", () => {
    assertClose(nx.dot(X, [2], [0], Z, [1], [0]), [
      [
        [6.5, -2.0, 5.25, -3.25, 2.25],
        [3.5, -1.0, 3.25, -1.25, 1.25],
        [0.5, 0.0, 1.25, 0.75, 0.25],
      ],
      [
        [-2.5, -2.5, 1.0, -0.75, 2.75],
        [-2.5, -5.5, 2.0, -2.75, 4.75],
        [-2.5, -8.5, 3.0, -4.75, 6.75],
      ],
    ]);
    // Batch axes that are not leading: numpy.einsum('ijb,jkb->bik', X.transpose(1, 2, 0), Z.transpose(1, 2, 0))
    const Xt = nx.transpose(X, [1, 2, 0]);
    const Zt = nx.transpose(Z, [1, 2, 0]);
    assertClose(
      nx.dot(Xt, [1], [2], Zt, [0], [2]),
      nx.dot(X, [2], [0], Z, [1], [0]).toArray() as Nested,
    );
  });

  it("matmul broadcasts batch axes (numpy.matmul)", () => {
    // P = numpy.arange(12.0).reshape(2, 1, 2, 3) / 2; Q = numpy.arange(24.0).reshape(4, 3, 2) % 5 - 2
    const P = nx.divide(nx.reshape(nx.iota([12], { dtype: "f64" }), [2, 1, 2, 3]), 2);
    const Q = nx.subtract(
      nx.remainder(nx.reshape(nx.iota([24], { dtype: "f64" }), [4, 3, 2]), 5),
      2,
    );
    // numpy.matmul(P, Q), shape (2, 4, 2, 2)
    assertClose(nx.matmul(P, Q), [
      [
        [
          [2.0, -1.5],
          [2.0, -4.5],
        ],
        [
          [-1.5, 0.0],
          [-4.5, 1.5],
        ],
        [
          [0.0, -1.0],
          [1.5, -2.5],
        ],
        [
          [-1.0, 0.5],
          [-2.5, 3.5],
        ],
      ],
      [
        [
          [2.0, -7.5],
          [2.0, -10.5],
        ],
        [
          [-7.5, 3.0],
          [-10.5, 4.5],
        ],
        [
          [3.0, -4.0],
          [4.5, -5.5],
        ],
        [
          [-4.0, 6.5],
          [-5.5, 9.5],
        ],
      ],
    ]);
    // numpy.matmul(u, B), numpy.matmul(A, u), numpy.matmul(u, w), numpy.matmul(Q, [1, -1])
    assertClose(nx.matmul(u, B), [-7.0, 6.0]);
    assertClose(nx.matmul(A, u), [14.0, 32.0]);
    assertClose(nx.matmul(u, w), 13.5);
    assertClose(nx.matmul(Q, f64([1.0, -1.0])), [
      [-1.0, -1.0, 4.0],
      [-1.0, -1.0, -1.0],
      [-1.0, 4.0, -1.0],
      [-1.0, -1.0, -1.0],
    ]);
    // Integer matmul stays integer.
    const ia = nx.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "s32" },
    );
    assertExact(
      nx.matmul(ia, ia),
      [
        [7, 10],
        [15, 22],
      ],
      "s32",
    );
  });

  it("outer flattens its inputs (numpy.outer)", () => {
    // numpy.outer([1, 2, 3], [4, 5])
    assertClose(nx.outer(u, f64([4.0, 5.0])), [
      [4.0, 5.0],
      [8.0, 10.0],
      [12.0, 15.0],
    ]);
    // numpy.outer([[1, 2], [3, 4]], [1, -1])
    assertClose(
      nx.outer(
        f64([
          [1, 2],
          [3, 4],
        ]),
        f64([1, -1]),
      ),
      [
        [1.0, -1.0],
        [2.0, -2.0],
        [3.0, -3.0],
        [4.0, -4.0],
      ],
    );
  });

  it("solve with vector and matrix right-hand sides (numpy.linalg.solve)", () => {
    // numpy.linalg.solve(S, [1, 2, 3])
    assertClose(
      nx.solve(S, f64([1.0, 2.0, 3.0])),
      [0.6703296703296705, -0.043956043956044036, 0.4835164835164835],
    );
    const bm = f64([
      [1.0, 0.0],
      [2.0, -1.0],
      [3.0, 0.5],
    ]);
    // numpy.linalg.solve(S, bm)
    assertClose(nx.solve(S, bm), [
      [0.6703296703296704, -0.06043956043956043],
      [-0.043956043956044036, 0.22527472527472528],
      [0.4835164835164835, 0.02197802197802198],
    ]);
    // numpy.linalg.solve(S2, numpy.stack([bm, bm * 2]))
    assertClose(nx.solve(S2, nx.stack([bm, nx.multiply(bm, 2)])), [
      [
        [0.6703296703296704, -0.06043956043956043],
        [-0.043956043956044036, 0.22527472527472528],
        [0.4835164835164835, 0.02197802197802198],
      ],
      [
        [2.0, -0.5],
        [2.0, -1.5],
        [-2.0, 3.0],
      ],
    ]);
    // numpy.linalg.solve(S2, b[..., None])[..., 0] with b = [[1, 2, 3], [3, 2, 1]]
    assertClose(
      nx.solve(
        S2,
        f64([
          [1, 2, 3],
          [3, 2, 1],
        ]),
      ),
      [
        [0.6703296703296705, -0.043956043956044036, 0.4835164835164835],
        [0.3333333333333333, 1.6666666666666667, -0.3333333333333333],
      ],
    );
    // Integer inputs solve in f32.
    const r = nx.solve(
      nx.tensor(
        [
          [2, 0],
          [0, 4],
        ],
        { dtype: "s32" },
      ),
      nx.tensor([1, 1], { dtype: "s32" }),
    );
    assertExact(r, [0.5, 0.25], "f32");
  });

  it("cholesky (numpy.linalg.cholesky)", () => {
    const spd = f64([
      [4.0, 2.0, 0.4],
      [2.0, 5.0, 1.0],
      [0.4, 1.0, 3.0],
    ]);
    assertClose(nx.cholesky(spd), [
      [2.0, 0.0, 0.0],
      [1.0, 2.0, 0.0],
      [0.2, 0.4, 1.6733200530681511],
    ]);
    // numpy.linalg.cholesky(numpy.stack([spd, numpy.eye(3) * 4 + 1]))
    assertClose(
      nx.cholesky(nx.stack([spd, nx.add(nx.multiply(nx.eye(3, { dtype: "f64" }), 4), 1)])),
      [
        [
          [2.0, 0.0, 0.0],
          [1.0, 2.0, 0.0],
          [0.2, 0.4, 1.6733200530681511],
        ],
        [
          [2.23606797749979, 0.0, 0.0],
          [0.4472135954999579, 2.1908902300206643, 0.0],
          [0.4472135954999579, 0.36514837167011077, 2.160246899469287],
        ],
      ],
    );
    const l32 = nx.cholesky(
      nx.tensor([
        [4, 2],
        [2, 5],
      ]),
    );
    assertExact(
      l32,
      [
        [2, 0],
        [1, 2],
      ],
      "f32",
    );
  });

  it("qr, reduced and complete (numpy.linalg.qr)", () => {
    const Mq = f64([
      [1.0, 2.0, 3.0],
      [4.0, 5.0, 6.0],
      [7.0, 8.0, 10.0],
      [-1.0, 0.0, 2.0],
    ]);
    const reduced = nx.qr(Mq);
    // numpy.linalg.qr(Mq, mode='reduced')
    assertClose(
      reduced.q,
      [
        [-0.12216944435630528, 0.5642764926868793, 0.47781848256749826],
        [-0.48867777742522095, 0.23175641663925378, 0.5187743525018512],
        [-0.8551861104941366, -0.10076365940837123, -0.4436885909555317],
        [0.12216944435630524, 0.7859565433852946, -0.5529042441138187],
      ],
      1e-10,
    );
    assertClose(
      reduced.r,
      [
        [-8.18535277187245, -9.529216659791809, -11.606097213848996],
        [0.0, 1.4812257933030573, 3.6476444705830344],
        [0.0, 0.0, -0.9965928350693529],
      ],
      1e-10,
    );
    const complete = nx.qr(Mq, { mode: "complete" });
    // numpy.linalg.qr(Mq, mode='complete')
    assertClose(
      complete.q,
      [
        [-0.12216944435630528, 0.5642764926868793, 0.47781848256749826, -0.6620847108818926],
        [-0.48867777742522095, 0.23175641663925378, 0.5187743525018512, 0.6620847108818961],
        [-0.8551861104941366, -0.10076365940837123, -0.4436885909555317, -0.24828176658071177],
        [0.12216944435630524, 0.7859565433852946, -0.5529042441138187, 0.2482817665807091],
      ],
      1e-10,
    );
    assertClose(
      complete.r,
      [
        [-8.18535277187245, -9.529216659791809, -11.606097213848996],
        [0.0, 1.4812257933030573, 3.6476444705830344],
        [0.0, 0.0, -0.9965928350693529],
        [0.0, 0.0, 0.0],
      ],
      1e-10,
    );
    // A wide matrix: numpy.linalg.qr(Mq.T)
    const wide = nx.qr(nx.transpose(Mq));
    assertClose(
      wide.q,
      [
        [-0.2672612419124243, 0.8728715609439696, 0.40824829046386285],
        [-0.5345224838248488, 0.21821789023599236, -0.816496580927726],
        [-0.8017837257372732, -0.4364357804719846, 0.40824829046386313],
      ],
      1e-10,
    );
    assertClose(
      wide.r,
      [
        [-3.7416573867739413, -8.55235974119758, -14.164845821358494, -1.336306209562122],
        [0.0, 1.963961012123933, 3.4914862437758805, -1.745743121887939],
        [0.0, 0.0, 0.40824829046386313, 0.40824829046386335],
      ],
      1e-10,
    );
    // q·r reproduces the input.
    assertClose(nx.matmul(complete.q, complete.r), Mq.toArray() as Nested, 1e-12);
  });

  it("determinant (numpy.linalg.det)", () => {
    assertClose(nx.determinant(S), -90.99999999999997);
    assertClose(nx.determinant(S2), [-90.99999999999997, -6.0]);
    assertClose(
      nx.determinant(
        f64([
          [1.0, 2.0],
          [2.0, 4.0],
        ]),
      ),
      0,
    );
    // numpy.linalg.det([[2, 1], [1, 3]]) -> 5.000000000000001 (integers are computed in f32 here)
    const d = nx.determinant(
      nx.tensor(
        [
          [2, 1],
          [1, 3],
        ],
        { dtype: "s32" },
      ),
    );
    assert.equal(d.dtype, "f32");
    assertClose(d, 5, 1e-6);
  });

  it("inverse (numpy.linalg.inv)", () => {
    assertClose(nx.inverse(S), [
      [0.24175824175824173, 0.0989010989010989, 0.07692307692307693],
      [0.09890109890109888, -0.18681318681318682, 0.07692307692307691],
      [-0.08791208791208792, 0.05494505494505495, 0.15384615384615385],
    ]);
    assertClose(nx.inverse(S2), [
      [
        [0.24175824175824173, 0.0989010989010989, 0.07692307692307693],
        [0.09890109890109888, -0.18681318681318682, 0.07692307692307691],
        [-0.08791208791208792, 0.05494505494505495, 0.15384615384615385],
      ],
      [
        [-0.16666666666666666, 0.3333333333333333, 0.16666666666666669],
        [0.16666666666666669, 0.6666666666666666, -0.16666666666666666],
        [0.6666666666666666, -1.3333333333333333, 0.3333333333333333],
      ],
    ]);
  });
});

describe("sorting", () => {
  const x = f64([3.0, 1.0, NaN, 2.0, 1.0, 3.0, -Infinity]);
  const M = f64([
    [3.0, 1.0, 2.0],
    [1.0, 1.0, 0.0],
    [2.0, 5.0, 2.0],
  ]);

  it("sort and argsort are stable and put NaN last (numpy.sort, numpy.argsort kind='stable')", () => {
    assertExact(nx.sort(x), [-Infinity, 1.0, 1.0, 2.0, 3.0, 3.0, NaN], "f64");
    assertExact(nx.argsort(x), [6, 1, 4, 3, 0, 5, 2], "s32");
  });

  it("descending keeps equal values in order and puts NaN first", () => {
    // sorted(range(7), key=lambda i: (not isnan(x[i]), -x[i] if not isnan(x[i]) else 0)) (Python's sort is stable)
    assertExact(nx.argsort(x, { descending: true }), [2, 0, 5, 3, 1, 4, 6]);
    assertExact(nx.sort(x, { descending: true }), [NaN, 3.0, 3.0, 2.0, 1.0, 1.0, -Infinity]);
  });

  it("sorts along an axis", () => {
    // numpy.argsort(M, axis=0, kind='stable'), numpy.sort(M, axis=0), numpy.argsort(M, axis=1, kind='stable')
    assertExact(nx.argsort(M, { axis: 0 }), [
      [1, 0, 1],
      [2, 1, 0],
      [0, 2, 2],
    ]);
    assertExact(nx.sort(M, { axis: 0 }), [
      [1.0, 1.0, 0.0],
      [2.0, 1.0, 2.0],
      [3.0, 5.0, 2.0],
    ]);
    assertExact(nx.argsort(M), [
      [1, 2, 0],
      [2, 0, 1],
      [0, 2, 1],
    ]);
    // numpy.argsort(-M, axis=0, kind='stable'), -numpy.sort(-M, axis=1)
    assertExact(nx.argsort(M, { axis: 0, descending: true }), [
      [0, 2, 0],
      [2, 0, 2],
      [1, 1, 1],
    ]);
    assertExact(nx.sort(M, { axis: -1, descending: true }), [
      [3.0, 2.0, 1.0],
      [1.0, 1.0, 0.0],
      [5.0, 2.0, 2.0],
    ]);
    assertExact(nx.sort(nx.tensor([3, -1, 2], { dtype: "s32" })), [-1, 2, 3], "s32");
  });

  it("topK gives the largest values first, ties by index", () => {
    // t = [1, 5, 3, 5, 2]; i = numpy.argsort(-t, kind='stable')[:3] -> [1, 3, 2]; t[i] -> [5, 5, 3]
    const { values, indices } = nx.topK(f64([1.0, 5.0, 3.0, 5.0, 2.0]), 3);
    assertExact(values, [5.0, 5.0, 3.0], "f64");
    assertExact(indices, [1, 3, 2], "s32");
    // T = [[4, 1, 4, 0], [-1, 2, 8, 3]]; i = numpy.argsort(-T, axis=1, kind='stable')[:, :2];
    // numpy.take_along_axis(T, i, 1)
    const r = nx.topK(
      f64([
        [4.0, 1.0, 4.0, 0.0],
        [-1.0, 2.0, 8.0, 3.0],
      ]),
      2,
    );
    assertExact(r.indices, [
      [0, 2],
      [2, 3],
    ]);
    assertExact(r.values, [
      [4.0, 4.0],
      [8.0, 3.0],
    ]);
    const all = nx.topK(f64([2, 9, 4]), 3);
    assertExact(all.values, [9, 4, 2]);
    assert.deepEqual(nx.topK(f64([2, 9, 4]), 0).values.shape, [0]);
  });

  it("argsort and topK agree with a comparator sort on random lines with ties, NaN and ±0", () => {
    // The reference: JavaScript's (stable) Array.prototype.sort with NumPy's order: NaN is the
    // largest value, equal values (0 and −0 among them) keep their index order.
    let seed = 1;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const order = (line: number[], descending: boolean) =>
      line
        .map((_, i) => i)
        .sort((p, q) => {
          const [a, b] = [line[p]!, line[q]!];
          const s = descending ? -1 : 1;
          if (a !== a || b !== b) return a !== a ? (b !== b ? p - q : s) : -s;
          return a === b ? p - q : a < b ? -s : s;
        });
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rnd() * 80);
      const rows = 1 + Math.floor(rnd() * 3);
      const pick = () => {
        const r = rnd();
        return r < 0.1 ? NaN : r < 0.2 ? -0 : r < 0.3 ? 0 : Math.floor(rnd() * 8) - 4;
      };
      const lines = Array.from({ length: rows }, () => Array.from({ length: n }, pick));
      const x = f64(lines);
      const k = Math.floor(rnd() * (n + 1));
      for (const descending of [false, true]) {
        const want = lines.map((l) => order(l, descending));
        assert.deepEqual(nx.argsort(x, { descending }).toArray(), want);
        const columns = nx.argsort(nx.matrixTranspose(x), { axis: 0, descending });
        assert.deepEqual(nx.matrixTranspose(columns).toArray(), want);
      }
      const top = lines.map((l) => order(l, true).slice(0, k));
      assert.deepEqual(nx.topK(x, k).indices.toArray(), top, `topK ${k} of ${n}`);
    }
  });

  it("oneHot", () => {
    // numpy.eye(3, dtype=numpy.uint8)[[0, 2, 1]]
    assertExact(
      nx.oneHot(nx.tensor([0, 2, 1], { dtype: "s32" }), 3),
      [
        [1, 0, 0],
        [0, 0, 1],
        [0, 1, 0],
      ],
      "u8",
    );
    // numpy.eye(4, dtype=numpy.uint8)[[[3, 0], [1, 1]]]
    assertExact(
      nx.oneHot(
        nx.tensor(
          [
            [3, 0],
            [1, 1],
          ],
          { dtype: "s32" },
        ),
        4,
      ),
      [
        [
          [0, 0, 0, 1],
          [1, 0, 0, 0],
        ],
        [
          [0, 1, 0, 0],
          [0, 1, 0, 0],
        ],
      ],
    );
    assertExact(nx.oneHot(nx.tensor([1]), 2, { dtype: "f32" }), [[0, 1]], "f32");
    // A label outside [0, numClasses) gives an all-zero row.
    assertExact(nx.oneHot(nx.tensor([5], { dtype: "s32" }), 3), [[0, 0, 0]]);
  });
});
