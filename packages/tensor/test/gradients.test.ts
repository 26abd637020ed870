/**
 * Gradients of every differentiable primitive, reached through the public ops and checked against
 * central finite differences in f64 (see gradcheck.ts); second derivatives against closed forms;
 * grad/jit composition; and the error messages of `grad`.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { bind } from "../src/core.js";
import { definePrimitive } from "../src/primitive.js";
import * as ir from "../src/compile/expr.js";
import {
  assertGradient,
  checkGradient,
  lcg,
  rand,
  randAway,
  weightedSum,
  type Tree,
} from "./gradcheck.js";

type Unary = (x: nx.Tensor) => nx.Tensor;
type Binary = (a: nx.Tensor, b: nx.Tensor) => nx.Tensor;

/** |actual − expected| ≤ tol·max(1, |expected|) elementwise, with equal shapes. */
function assertClose(
  actual: nx.Tensor,
  expected: nx.Tensor | ArrayLike<number>,
  tol = 1e-12,
): void {
  const want = expected instanceof nx.Tensor ? expected.data() : expected;
  if (expected instanceof nx.Tensor) assert.deepEqual(actual.shape, expected.shape, "shape");
  const got = actual.data();
  assert.equal(got.length, want.length, "size");
  for (let i = 0; i < want.length; i++) {
    const [a, e] = [got[i]!, want[i]!];
    assert.ok(
      Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)),
      `element ${i}: got ${a}, expected ${e}`,
    );
  }
}

/** Values k + f with f in [0.2, 0.8): kept away from the jumps of floor and ceil. */
function awayFromIntegers(seed: number, shape: readonly number[]): nx.Tensor {
  return nx.add(nx.floor(rand(seed, shape, -3, 3)), rand(seed + 1, shape, 0.2, 0.8));
}

/** The first seed from `seed` whose inputs satisfy `ok` (to stay clear of kinks that depend on several inputs). */
function findInputs<T>(seed: number, make: (seed: number) => T, ok: (x: T) => boolean): T {
  for (let s = seed; s < seed + 1000; s++) {
    const x = make(s);
    if (ok(x)) return x;
  }
  throw new Error("findInputs: no suitable inputs");
}

const min = (t: nx.Tensor) => nx.reduceMin(t).toNumber();

/** Shape pairs for binary ops, including NumPy broadcasting. */
const PAIRS: [number[], number[]][] = [
  [
    [2, 3],
    [2, 3],
  ],
  [
    [3, 1],
    [1, 4],
  ],
  [[2, 3], [3]],
  [[], [2, 3]],
  [[2, 3], []],
];

describe("gradcheck helper", () => {
  // A primitive computing exp whose derivative rule is wrong by a factor 2 (true rule: g·out).
  const badExp = definePrimitive({
    name: "test.badExp",
    infer: ([x]) => ({ shape: x!.shape, dtype: x!.dtype }),
    lowering: { kind: "elementwise", expr: ([a]) => ir.unary("exp", a!) },
    vjp: (g, _inputs, out) => [nx.multiply(nx.multiply(g, 2), out)],
  });
  const goodExp = definePrimitive({
    name: "test.goodExp",
    infer: ([x]) => ({ shape: x!.shape, dtype: x!.dtype }),
    lowering: { kind: "elementwise", expr: ([a]) => ir.unary("exp", a!) },
    vjp: (g, _inputs, out) => [nx.multiply(g, out)],
  });
  const x = rand(1, [2, 3]);

  it("reports a wrong derivative rule (exp with vjp g·2·out)", () => {
    const report = checkGradient((t: nx.Tensor) => weightedSum(bind(badExp, [t])), x);
    assert.equal(report.ok, false);
    // Every element is off by a factor 2.
    assert.equal(report.failures.length, 6);
    for (const e of report.failures) assert.ok(Math.abs(e.analytic - 2 * e.numeric) < 1e-6);
    assert.throws(
      () => assertGradient((t: nx.Tensor) => weightedSum(bind(badExp, [t])), x),
      /gradient mismatch in 6 of 6 elements/,
    );
  });

  it("accepts the same primitive with the right rule (g·out)", () => {
    assertGradient((t: nx.Tensor) => weightedSum(bind(goodExp, [t])), x);
  });

  it("catches a gradient that is wrong in one element only", () => {
    // An identity whose rule drops the cotangent of element 0: only that element may be reported.
    const maskFirst = definePrimitive({
      name: "test.identityWithHole",
      infer: ([t]) => ({ shape: t!.shape, dtype: t!.dtype }),
      lowering: { kind: "elementwise", expr: ([a]) => a! },
      vjp: (g) => [nx.multiply(g, nx.tensor([0, 1, 1], { dtype: "f64" }))],
    });
    const report = checkGradient((t: nx.Tensor) => weightedSum(bind(maskFirst, [t])), rand(2, [3]));
    assert.deepEqual(
      report.failures.map((e) => [e.path, e.index]),
      [["x", 0]],
    );
  });

  it("names paths inside trees", () => {
    const report = checkGradient(
      (t: { a: nx.Tensor; b: nx.Tensor[] }) => weightedSum(bind(badExp, [nx.add(t.a, t.b[0]!)])),
      { a: rand(3, [2]), b: [rand(4, [2])] },
    );
    assert.deepEqual([...new Set(report.failures.map((e) => e.path))], ["x.a", "x.b[0]"]);
  });
});

describe("elementwise unary primitives", () => {
  const cases: [string, Unary, (seed: number, shape: number[]) => nx.Tensor][] = [
    ["negate", nx.negate, (s, sh) => rand(s, sh)],
    ["abs", nx.abs, (s, sh) => randAway(s, sh, 0.2, 1.5)],
    ["exp", nx.exp, (s, sh) => rand(s, sh, -2, 2)],
    ["expm1", nx.expm1, (s, sh) => rand(s, sh, -2, 2)],
    ["log", nx.log, (s, sh) => rand(s, sh, 0.3, 3)],
    ["log1p", nx.log1p, (s, sh) => rand(s, sh, -0.6, 2)],
    ["sqrt", nx.sqrt, (s, sh) => rand(s, sh, 0.3, 3)],
    ["rsqrt", nx.rsqrt, (s, sh) => rand(s, sh, 0.3, 3)],
    ["sin", nx.sin, (s, sh) => rand(s, sh, -3, 3)],
    ["cos", nx.cos, (s, sh) => rand(s, sh, -3, 3)],
    ["tan", nx.tan, (s, sh) => rand(s, sh, -1.2, 1.2)],
    ["tanh", nx.tanh, (s, sh) => rand(s, sh, -2, 2)],
    ["sigmoid", nx.sigmoid, (s, sh) => rand(s, sh, -4, 4)],
    ["erf", nx.erf, (s, sh) => rand(s, sh, -2, 2)],
  ];
  for (const [name, f, make] of cases) {
    for (const shape of [[], [5], [2, 3]]) {
      it(`${name} on [${shape}]`, () =>
        assertGradient((x: nx.Tensor) => weightedSum(f(x)), make(11, shape)));
    }
  }

  // Piecewise-constant ops: derivative 0 away from their jumps (numeric differences agree).
  const flat: [string, Unary, (seed: number, shape: number[]) => nx.Tensor][] = [
    ["sign", nx.sign, (s, sh) => randAway(s, sh, 0.2, 2)],
    ["floor", nx.floor, awayFromIntegers],
    ["ceil", nx.ceil, awayFromIntegers],
    // round jumps at half-integers, so stay within 0.3 of an integer.
    [
      "round",
      nx.round,
      (s, sh) => nx.add(nx.round(rand(s, sh, -3, 3)), rand(s + 1, sh, -0.3, 0.3)),
    ],
  ];
  for (const [name, f, make] of flat) {
    it(`${name} has a zero gradient`, () => {
      const x = make(5, [2, 4]);
      assertGradient((t: nx.Tensor) => weightedSum(nx.add(f(t), nx.multiply(t, 0.5))), x);
      // g·0 can be −0 where the cotangent is negative; both are zero.
      assert.ok(
        Array.from(
          nx
            .grad((t: nx.Tensor) => weightedSum(f(t)))(x)
            .data(),
        ).every((v) => v === 0),
      );
    });
  }

  it("abs, sign at exactly 0: sign(0) = 0 gives abs a zero subgradient", () => {
    // Math.sign(0) = 0, so d|x|/dx at 0 is taken as 0 (Nx does the same).
    assert.deepEqual(
      nx
        .grad((t: nx.Tensor) => nx.sum(nx.abs(t)))(nx.tensor([-2, 0, 3], { dtype: "f64" }))
        .toArray(),
      [-1, 0, 1],
    );
  });
});

describe("elementwise binary primitives", () => {
  const make = (seed: number, [sa, sb]: [number[], number[]], lo = -1, hi = 1) => ({
    a: rand(seed, sa, lo, hi),
    b: rand(seed + 1, sb, lo, hi),
  });
  const loss = (op: Binary) => (t: { a: nx.Tensor; b: nx.Tensor }) => weightedSum(op(t.a, t.b));

  for (const pair of PAIRS) {
    const label = `[${pair[0]}] with [${pair[1]}]`;
    it(`add ${label}`, () => assertGradient(loss(nx.add), make(1, pair)));
    it(`subtract ${label}`, () => assertGradient(loss(nx.subtract), make(2, pair)));
    it(`multiply ${label}`, () => assertGradient(loss(nx.multiply), make(3, pair)));
    it(`divide ${label}`, () =>
      assertGradient(loss(nx.divide), { a: rand(4, pair[0]), b: randAway(5, pair[1]) }));
    // pow: both arguments, with a > 0 so that d/db a^b = a^b log a exists.
    it(`pow (both args) ${label}`, () =>
      assertGradient(loss(nx.pow), {
        a: rand(6, pair[0], 0.4, 2),
        b: rand(7, pair[1], -1.5, 1.5),
      }));
    it(`remainder (both args) ${label}`, () => {
      // Keep a / b away from integers, where trunc(a / b) jumps.
      const x = findInputs(
        8,
        (s) => ({ a: rand(s, pair[0], -4, 4), b: randAway(s + 100, pair[1], 0.7, 1.6) }),
        ({ a, b }) => {
          const q = nx.abs(nx.divide(a, b));
          return min(nx.abs(nx.subtract(q, nx.round(q)))) > 0.05;
        },
      );
      assertGradient(loss(nx.remainder), x);
    });
    for (const [name, op] of [
      ["maximum", nx.maximum],
      ["minimum", nx.minimum],
    ] as const) {
      it(`${name} ${label}`, () => {
        const x = findInputs(
          9,
          (s) => make(s, pair),
          ({ a, b }) => min(nx.abs(nx.subtract(a, b))) > 0.02,
        );
        assertGradient(loss(op), x);
      });
    }
  }

  it("pow with a constant exponent on negative bases (d/da a³ = 3a²)", () => {
    const x = randAway(12, [2, 3], 0.3, 2);
    assertGradient((t: nx.Tensor) => weightedSum(nx.pow(t, 3)), x);
    assertClose(
      nx.grad((t: nx.Tensor) => nx.sum(nx.pow(t, 3)))(x),
      nx.multiply(nx.multiply(x, x), 3),
    );
  });

  it("pow with a constant base (d/db 2^b = 2^b log 2)", () => {
    const b = rand(13, [4], -2, 2);
    assertGradient((t: nx.Tensor) => weightedSum(nx.pow(nx.tensor(2, { dtype: "f64" }), t)), b);
    assertClose(
      nx.grad((t: nx.Tensor) => nx.sum(nx.pow(2, t)))(b),
      nx.multiply(nx.pow(2, b), Math.LN2),
    );
  });

  it("pow at a = 0: the b-derivative is taken as 0 (the limit for b > 0)", () => {
    const g = nx.grad((t: nx.Tensor) => nx.sum(nx.pow(nx.tensor([0, 2], { dtype: "f64" }), t)))(
      nx.tensor([2, 3], { dtype: "f64" }),
    );
    assert.deepEqual(g.toArray(), [0, 8 * Math.log(2)]);
  });

  it("maximum/minimum on ties send the whole gradient to the first argument", () => {
    const a = nx.tensor([1, 2], { dtype: "f64" });
    const ga = nx.grad((t: { a: nx.Tensor; b: nx.Tensor }) => nx.sum(nx.maximum(t.a, t.b)))({
      a,
      b: a,
    });
    assert.deepEqual(
      [ga.a.toArray(), ga.b.toArray()],
      [
        [1, 1],
        [0, 0],
      ],
    );
  });

  it("x·x through one input (cotangents of both multiply operands accumulate)", () => {
    const x = rand(14, [5]);
    assertClose(nx.grad((t: nx.Tensor) => nx.sum(nx.multiply(t, t)))(x), nx.multiply(x, 2));
  });

  it("clip (maximum then minimum) with bounds away from the values", () => {
    const x = nx.tensor([-2, -0.5, 0.2, 0.7, 3], { dtype: "f64" });
    assertGradient((t: nx.Tensor) => weightedSum(nx.clip(t, -1, 1)), x);
  });
});

describe("select, convert, broadcast", () => {
  it("select with pred, onTrue, onFalse of one shape", () => {
    const pred = nx.tensor(
      [
        [1, 0, 1],
        [0, 0, 1],
      ],
      { dtype: "u8" },
    );
    assertGradient((t: { t: nx.Tensor; f: nx.Tensor }) => weightedSum(nx.select(pred, t.t, t.f)), {
      t: rand(1, [2, 3]),
      f: rand(2, [2, 3]),
    });
  });

  it("select with broadcasting branches ([3] and scalar) and a [2,3] pred", () => {
    const pred = nx.tensor(
      [
        [1, 0, 1],
        [0, 1, 1],
      ],
      { dtype: "u8" },
    );
    assertGradient((t: { t: nx.Tensor; f: nx.Tensor }) => weightedSum(nx.select(pred, t.t, t.f)), {
      t: rand(3, [3]),
      f: rand(4, []),
    });
  });

  it("select with a [2,1] pred broadcast against [1,3] and [2,3] branches", () => {
    const pred = nx.tensor([[1], [0]], { dtype: "u8" });
    assertGradient((t: { t: nx.Tensor; f: nx.Tensor }) => weightedSum(nx.select(pred, t.t, t.f)), {
      t: rand(5, [1, 3]),
      f: rand(6, [2, 3]),
    });
  });

  it("select inside a piecewise function (x > 0 ? x² : −x)", () => {
    const x = randAway(7, [6], 0.2, 1);
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.select(nx.greater(t, 0), nx.multiply(t, t), nx.negate(t))),
      x,
    );
  });

  it("convert f64 → f32 → f64 (values and steps exact in f32)", () => {
    // x = k/8 and eps = 2⁻¹⁰ keep x ± eps and (x ± eps)² exact in f32, so differences are exact.
    const x = nx.tensor(
      [
        [0.5, -1.25, 1.625],
        [2, -0.375, 0.75],
      ],
      { dtype: "f64" },
    );
    const f = (t: nx.Tensor) => {
      const y = nx.asType(t, "f32");
      return weightedSum(nx.asType(nx.multiply(y, y), "f64"));
    };
    assertGradient(f, x, { eps: 2 ** -10 });
    assert.equal(nx.grad(f)(x).dtype, "f64");
  });

  it("convert f32 → f64: the gradient of an f32 input is f32", () => {
    // d/dx Σ w·f64(x) = w, cast back to f32.
    const x = nx.tensor([1, 2, 3], { dtype: "f32" });
    const w = nx.tensor([0.5, -2, 0.25], { dtype: "f64" });
    const g = nx.grad((t: nx.Tensor) => nx.sum(nx.multiply(nx.asType(t, "f64"), w)))(x);
    assert.equal(g.dtype, "f32");
    assert.deepEqual(g.toArray(), [0.5, -2, 0.25]);
  });

  it("convert to an integer type passes no gradient", () => {
    const g = nx.grad((t: nx.Tensor) => nx.sum(nx.add(nx.asType(nx.asType(t, "s32"), "f64"), t)))(
      nx.tensor([1.5, 2.5], { dtype: "f64" }),
    );
    assert.deepEqual(g.toArray(), [1, 1]);
  });

  it("broadcast [3] → [2,3]", () =>
    assertGradient((t: nx.Tensor) => weightedSum(nx.broadcast(t, [2, 3])), rand(1, [3])));
  it("broadcast [3,1] → [2,3,4]", () =>
    assertGradient((t: nx.Tensor) => weightedSum(nx.broadcast(t, [2, 3, 4])), rand(2, [3, 1])));
  it("broadcast [] → [2,2]", () =>
    assertGradient((t: nx.Tensor) => weightedSum(nx.broadcast(t, [2, 2])), rand(3, [])));
  it("broadcast [3] → [3,2] with axes [0]", () =>
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.broadcast(t, [3, 2], { axes: [0] })),
      rand(4, [3]),
    ));
  it("broadcast via tile [2,3] × [2,1,2]", () =>
    assertGradient((t: nx.Tensor) => weightedSum(nx.tile(t, [2, 1, 2])), rand(5, [2, 3])));
});

describe("reduction primitives", () => {
  const options: [string, { axes?: number[]; keepAxes?: boolean }][] = [
    ["all axes", {}],
    ["axis 1", { axes: [1] }],
    ["axes [0,2]", { axes: [0, 2] }],
    ["axis -1 keepAxes", { axes: [-1], keepAxes: true }],
    ["all axes keepAxes", { keepAxes: true }],
  ];
  for (const [label, opts] of options) {
    it(`reduceSum (sum) over ${label}`, () =>
      assertGradient((t: nx.Tensor) => weightedSum(nx.sum(t, opts)), rand(1, [2, 3, 4])));
    it(`reduceProduct (product) over ${label}`, () =>
      assertGradient(
        (t: nx.Tensor) => weightedSum(nx.product(t, opts)),
        randAway(2, [2, 3, 4], 0.6, 1.4),
      ));
    // Continuous random values: no ties, and the gap to the runner-up is far above eps.
    it(`reduceMax over ${label}`, () =>
      assertGradient((t: nx.Tensor) => weightedSum(nx.reduceMax(t, opts)), rand(3, [2, 3, 4])));
    it(`reduceMin over ${label}`, () =>
      assertGradient((t: nx.Tensor) => weightedSum(nx.reduceMin(t, opts)), rand(4, [2, 3, 4])));
  }

  it("reduceMax on ties shares the gradient equally ([1,3,3] → [0, ½, ½])", () => {
    assert.deepEqual(
      nx
        .grad((t: nx.Tensor) => nx.reduceMax(t))(nx.tensor([1, 3, 3], { dtype: "f64" }))
        .toArray(),
      [0, 0.5, 0.5],
    );
    assert.deepEqual(
      nx
        .grad((t: nx.Tensor) => nx.sum(nx.reduceMin(t, { axes: [1] })))(
          nx.tensor(
            [
              [2, 2, 5],
              [4, 1, 3],
            ],
            { dtype: "f64" },
          ),
        )
        .toArray(),
      [
        [0.5, 0.5, 0],
        [0, 1, 0],
      ],
    );
  });

  it("reduceProduct closed form: ∂/∂xᵢ Πx = Π_{j≠i} xⱼ", () => {
    assert.deepEqual(
      nx
        .grad((t: nx.Tensor) => nx.product(t))(nx.tensor([2, 3, 5], { dtype: "f64" }))
        .toArray(),
      [15, 10, 6],
    );
  });

  it("reduceProduct with zeros: Π_{j≠i} xⱼ, not out / xᵢ (which is 0/0)", () => {
    const g = nx.grad((t: nx.Tensor) => nx.sum(nx.product(t, { axes: [1] })));
    // Row 0 has one zero (its slot gets 2·3 = 6), row 1 two zeros (all 0), row 2 none.
    assert.deepEqual(
      g(
        nx.tensor(
          [
            [2, 0, 3],
            [0, 4, 0],
            [1, 2, 4],
          ],
          { dtype: "f64" },
        ),
      ).toArray(),
      [
        [0, 6, 0],
        [0, 0, 0],
        [8, 4, 2],
      ],
    );
    // The product is multilinear, so central differences at a zero are exact.
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.product(t, { axes: [0] })),
      nx.tensor(
        [
          [0, 1.5],
          [2, 0],
          [-0.5, 3],
        ],
        { dtype: "f64" },
      ),
    );
  });

  for (const axis of [0, 1]) {
    for (const reverse of [false, true]) {
      it(`cumulativeSum axis ${axis}${reverse ? " reverse" : ""}`, () =>
        assertGradient(
          (t: nx.Tensor) => weightedSum(nx.cumulativeSum(t, { axis, reverse })),
          rand(5, [3, 4]),
        ));
    }
  }

  for (const [label, opts] of options) {
    it(`mean over ${label}`, () =>
      assertGradient((t: nx.Tensor) => weightedSum(nx.mean(t, opts)), rand(6, [2, 3, 4])));
    it(`logsumexp over ${label}`, () =>
      assertGradient(
        (t: nx.Tensor) => weightedSum(nx.logsumexp(t, opts)),
        rand(7, [2, 3, 4], -3, 3),
      ));
    it(`variance over ${label}`, () =>
      assertGradient((t: nx.Tensor) => weightedSum(nx.variance(t, opts)), rand(8, [2, 3, 4])));
    it(`standardDeviation (ddof 1) over ${label}`, () =>
      assertGradient(
        (t: nx.Tensor) => weightedSum(nx.standardDeviation(t, { ...opts, ddof: 1 })),
        rand(9, [2, 3, 4]),
      ));
  }

  it("logsumexp gradient is softmax (closed form)", () => {
    const x = nx.tensor([1, 2, 3], { dtype: "f64" });
    const e = [1, 2, 3].map(Math.exp);
    const s = e[0]! + e[1]! + e[2]!;
    assertClose(
      nx.grad((t: nx.Tensor) => nx.logsumexp(t))(x),
      e.map((v) => v / s),
      1e-15,
    );
  });

  it("logsumexp of a row all −∞ is −∞ with gradient 0, eager and under jit", () => {
    // Softmax's 0s: Σ e^x = 0 there, so the value is log 0 = −∞; the other row is unchanged.
    const x = nx.tensor(
      [
        [-Infinity, -Infinity],
        [0, 1],
      ],
      { dtype: "f64" },
    );
    const f = (t: nx.Tensor) => nx.sum(nx.logsumexp(t, { axes: 1 }));
    const p = Math.exp(1) / (1 + Math.exp(1));
    for (const g of [nx.grad(f), nx.jit(nx.grad(f))]) assertClose(g(x), [0, 0, 1 - p, p], 1e-15);
    assert.deepEqual(nx.logsumexp(x, { axes: 1 }).toArray(), [-Infinity, Math.log(1 + Math.E)]);
  });
});

describe("shape primitives", () => {
  it("reshape [2,3,4] → [6,4]", () =>
    assertGradient((t: nx.Tensor) => weightedSum(nx.reshape(t, [6, 4])), rand(1, [2, 3, 4])));
  it("reshape [2,3] → [-1] (flatten) then [3,2]", () =>
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.reshape(nx.flatten(t), [3, 2])),
      rand(2, [2, 3]),
    ));
  it("reshape via squeeze/newAxis", () =>
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.newAxis(nx.squeeze(t), 0)),
      rand(3, [3, 1, 2]),
    ));

  it("transpose [2,3,4] with perm [2,0,1]", () =>
    assertGradient((t: nx.Tensor) => weightedSum(nx.transpose(t, [2, 0, 1])), rand(4, [2, 3, 4])));
  it("transpose default (reversed axes)", () =>
    assertGradient((t: nx.Tensor) => weightedSum(nx.transpose(t)), rand(5, [2, 3, 4])));

  it("slice without strides", () =>
    assertGradient((t: nx.Tensor) => weightedSum(nx.slice(t, [1, 2], [3, 3])), rand(6, [5, 6])));
  it("slice with strides [2,3]", () =>
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.slice(t, [1, 0], [4, 6], [2, 3])),
      rand(7, [5, 6]),
    ));
  it("slice with a stride that does not divide the length", () =>
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.slice(t, [0, 1], [5, 4], [3, 2])),
      rand(8, [5, 6]),
    ));
  it("sliceAlong axis 1 with stride 2", () =>
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.sliceAlong(t, 1, 4, { axis: 1, stride: 2 })),
      rand(9, [2, 6]),
    ));

  it("pad with low/high only", () =>
    assertGradient(
      (t: nx.Tensor) =>
        weightedSum(
          nx.pad(t, 0, [
            [1, 2],
            [0, 3],
          ]),
        ),
      rand(10, [3, 4]),
    ));
  it("pad with interior padding", () =>
    assertGradient(
      (t: nx.Tensor) =>
        weightedSum(
          nx.pad(t, 1.5, [
            [1, 2, 1],
            [0, 1, 2],
          ]),
        ),
      rand(11, [3, 4]),
    ));
  it("pad with interior padding on a length-1 axis", () =>
    assertGradient(
      (t: nx.Tensor) =>
        weightedSum(
          nx.pad(t, 0, [
            [1, 1, 3],
            [0, 0, 1],
          ]),
        ),
      rand(12, [1, 3]),
    ));
  it("pad with negative padding (cropping)", () =>
    assertGradient(
      (t: nx.Tensor) =>
        weightedSum(
          nx.pad(t, 0, [
            [-1, 2, 0],
            [1, -2, 1],
          ]),
        ),
      rand(13, [3, 4]),
    ));
  it("pad closed form: [1,2,3] with [1,2,1] reads padded positions 1, 3, 5", () => {
    const w = nx.arange(8, undefined, 1, { dtype: "f64" });
    const g = nx.grad((t: nx.Tensor) => nx.sum(nx.multiply(nx.pad(t, 0, [[1, 2, 1]]), w)))(
      nx.tensor([1, 2, 3], { dtype: "f64" }),
    );
    assert.deepEqual(g.toArray(), [1, 3, 5]);
  });

  it("reverse axis 0", () =>
    assertGradient((t: nx.Tensor) => weightedSum(nx.reverse(t, { axes: [0] })), rand(14, [3, 4])));
  it("reverse all axes", () =>
    assertGradient((t: nx.Tensor) => weightedSum(nx.reverse(t)), rand(15, [2, 3, 4])));

  it("concatenate three tensors along axis 0", () =>
    assertGradient(
      (t: nx.Tensor[]) => weightedSum(nx.concatenate(t)),
      [rand(16, [2, 3]), rand(17, [1, 3]), rand(18, [4, 3])],
    ));
  it("concatenate along axis 1 (one tensor used twice)", () =>
    assertGradient(
      (t: { a: nx.Tensor; b: nx.Tensor }) =>
        weightedSum(nx.concatenate([t.a, t.b, t.a], { axis: 1 })),
      { a: rand(19, [2, 1]), b: rand(20, [2, 3]) },
    ));
  it("concatenate via stack on a new axis", () =>
    assertGradient(
      (t: nx.Tensor[]) => weightedSum(nx.stack(t, { axis: 1 })),
      [rand(21, [2, 3]), rand(22, [2, 3])],
    ));

  it("updateSlice (putSlice): gradient w.r.t. the tensor and the update", () =>
    assertGradient(
      (t: { x: nx.Tensor; u: nx.Tensor }) => weightedSum(nx.putSlice(t.x, [1, 2], t.u)),
      { x: rand(23, [4, 5]), u: rand(24, [2, 3]) },
    ));
  it("updateSlice closed form: the overwritten block gets no gradient", () => {
    const g = nx.grad((x: nx.Tensor) =>
      nx.sum(nx.putSlice(x, [1], nx.tensor([9], { dtype: "f64" }))),
    )(nx.tensor([1, 2, 3], { dtype: "f64" }));
    assert.deepEqual(g.toArray(), [1, 0, 1]);
  });

  it("take (gather) along axis 0 with repeated indices", () =>
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.take(t, [0, 2, 2, 3, 0, 2])),
      rand(25, [4, 3]),
    ));
  it("take along axis 1 with 2-D s32 indices", () => {
    const idx = nx.tensor(
      [
        [2, 0],
        [2, 2],
      ],
      { dtype: "s32" },
    );
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.take(t, idx, { axis: 1 })),
      rand(26, [2, 3, 2]),
    );
  });
  it("take closed form: repeated indices add up (scatterAdd)", () => {
    const g = nx.grad((t: nx.Tensor) => nx.sum(nx.take(t, [1, 1, 1, 0])))(
      nx.tensor([5, 6, 7], { dtype: "f64" }),
    );
    assert.deepEqual(g.toArray(), [1, 3, 0]);
  });
  it("take of take (scatterAdd's own derivative is take)", () => {
    const x = rand(27, [5]);
    assertGradient(
      (t: nx.Tensor) =>
        weightedSum(
          nx.grad((u: nx.Tensor) => weightedSum(nx.take(u, [1, 3, 1]), 4))(nx.multiply(t, t)),
        ),
      x,
    );
  });

  it("sort (takeAlongAxis of argsort) along the last axis", () =>
    assertGradient((t: nx.Tensor) => weightedSum(nx.sort(t)), rand(28, [3, 5])));
  it("sort descending along axis 0", () =>
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.sort(t, { axis: 0, descending: true })),
      rand(29, [4, 3]),
    ));
  it("topK values", () =>
    assertGradient((t: nx.Tensor) => weightedSum(nx.topK(t, 2).values), rand(30, [3, 5])));
  it("takeAlongAxis with explicit indices (repeats)", () => {
    const idx = nx.tensor(
      [
        [0, 0, 2],
        [1, 2, 1],
      ],
      { dtype: "s32" },
    );
    assertGradient((t: nx.Tensor) => weightedSum(nx.takeAlongAxis(t, idx, 1)), rand(31, [2, 3]));
  });
  it("sort closed form: the gradient follows the permutation", () => {
    const w = nx.tensor([1, 10, 100], { dtype: "f64" });
    const g = nx.grad((t: nx.Tensor) => nx.sum(nx.multiply(nx.sort(t), w)))(
      nx.tensor([3, 1, 2], { dtype: "f64" }),
    );
    assert.deepEqual(g.toArray(), [100, 1, 10]);
  });
});

describe("matmul and dot", () => {
  const jitExpr = (f: (a: nx.Tensor, b: nx.Tensor) => nx.Tensor, a: nx.Tensor, b: nx.Tensor) =>
    nx.jit(f).debugExpr(a, b);
  // dotGeneral passes a transposed operand to the matmul primitive as a flag when its contraction axes
  // come first (a) or last (b): a [K,M] contracting axis 0 gives transA, b [N,K] contracting axis 1 gives transB.
  const combos: [string, number[], number[], number, number, boolean, boolean][] = [
    ["A·B", [3, 4], [4, 2], 1, 0, false, false],
    ["Aᵀ·B", [4, 3], [4, 2], 0, 0, true, false],
    ["A·Bᵀ", [3, 4], [2, 4], 1, 1, false, true],
    ["Aᵀ·Bᵀ", [4, 3], [2, 4], 0, 1, true, true],
  ];
  for (const [label, sa, sb, ca, cb, transA, transB] of combos) {
    it(`matmul ${label} (transA ${transA}, transB ${transB}) via dot`, () => {
      const f = (a: nx.Tensor, b: nx.Tensor) => nx.dot(a, [ca], b, [cb]);
      const x = { a: rand(1, sa), b: rand(2, sb) };
      assert.match(
        jitExpr(f, x.a, x.b),
        new RegExp(`matmul\\(.*\\{"transA":${transA},"transB":${transB}\\}`),
      );
      assertGradient((t: typeof x) => weightedSum(f(t.a, t.b)), x);
    });
    it(`matmul ${label}: grad of grad (the vjp's matmuls are themselves differentiable)`, () => {
      const f = (a: nx.Tensor, b: nx.Tensor) => nx.dot(a, [ca], b, [cb]);
      const x = { a: rand(3, sa), b: rand(4, sb) };
      assertGradient((t: typeof x) => {
        const g = nx.grad((u: typeof x) => weightedSum(nx.tanh(f(u.a, u.b))))(t);
        return nx.add(weightedSum(g.a, 1), weightedSum(g.b, 2));
      }, x);
    });
  }

  it("dot [2,3,4]·[4,5] over the middle axes (general transpose path)", () => {
    const x = { a: rand(5, [2, 4, 3]), b: rand(6, [5, 4]) };
    assertGradient((t: typeof x) => weightedSum(nx.dot(t.a, [1], t.b, [1])), x);
  });
  it("dot with two contraction axes", () => {
    const x = { a: rand(7, [2, 3, 4]), b: rand(8, [4, 3, 2]) };
    assertGradient((t: typeof x) => weightedSum(nx.dot(t.a, [1, 2], t.b, [1, 0])), x);
  });
  it("dot(a, b) NumPy rules: matrix·vector, vector·vector, scalar·matrix", () => {
    assertGradient((t: { a: nx.Tensor; b: nx.Tensor }) => weightedSum(nx.dot(t.a, t.b)), {
      a: rand(9, [3, 4]),
      b: rand(10, [4]),
    });
    assertGradient((t: { a: nx.Tensor; b: nx.Tensor }) => weightedSum(nx.dot(t.a, t.b)), {
      a: rand(11, [4]),
      b: rand(12, [4]),
    });
    assertGradient((t: { a: nx.Tensor; b: nx.Tensor }) => weightedSum(nx.dot(t.a, t.b)), {
      a: rand(13, []),
      b: rand(14, [2, 3]),
    });
  });
  it("dot with batch axes [2,3,4]·[2,4,5]", () => {
    const x = { a: rand(15, [2, 3, 4]), b: rand(16, [2, 4, 5]) };
    assertGradient((t: typeof x) => weightedSum(nx.dot(t.a, [2], [0], t.b, [1], [0])), x);
  });
  it("dot with batch axes not in front ([4,2,3]·[5,2,4], batch axis 1)", () => {
    const x = { a: rand(17, [4, 2, 3]), b: rand(18, [5, 2, 4]) };
    assertGradient((t: typeof x) => weightedSum(nx.dot(t.a, [0], [1], t.b, [2], [1])), x);
  });
  it("batch matmul [2,3,4] @ [4,2]", () => {
    const x = { a: rand(19, [2, 3, 4]), b: rand(20, [4, 2]) };
    assertGradient((t: typeof x) => weightedSum(nx.matmul(t.a, t.b)), x);
  });
  it("batch matmul with broadcast batch axes [2,1,3,4] @ [3,4,2]", () => {
    const x = { a: rand(21, [2, 1, 3, 4]), b: rand(22, [3, 4, 2]) };
    assertGradient((t: typeof x) => weightedSum(nx.matmul(t.a, t.b)), x);
  });
  it("matmul with 1-D operands", () => {
    const x = { a: rand(23, [3]), b: rand(24, [2, 3, 4]) };
    assertGradient((t: typeof x) => weightedSum(nx.matmul(t.a, t.b)), x);
  });
  it("outer product", () => {
    const x = { a: rand(25, [3]), b: rand(26, [2, 2]) };
    assertGradient((t: typeof x) => weightedSum(nx.outer(t.a, t.b)), x);
  });
});

describe("linalg primitives", () => {
  const eye = (n: number) => nx.eye(n, { dtype: "f64" });
  /** Symmetric positive definite: M Mᵀ + n·I. */
  const spd = (m: nx.Tensor) =>
    nx.add(nx.matmul(m, nx.matrixTranspose(m)), nx.multiply(eye(m.shape.at(-1)!), m.shape.at(-1)!));
  /** A triangular-solve operand: diagonal magnitudes in [1.5, 2.5], off-diagonal in [-0.5, 0.5]. */
  const triangularOperand = (seed: number, shape: number[]) => {
    const n = shape.at(-1)!;
    return nx.add(
      nx.multiply(rand(seed, shape, -0.5, 0.5), nx.subtract(1, eye(n))),
      nx.multiply(randAway(seed + 1, shape, 1.5, 2.5), eye(n)),
    );
  };

  it("cholesky of M Mᵀ + nI, differentiating M", () => {
    assertGradient((m: nx.Tensor) => weightedSum(nx.cholesky(spd(m))), rand(1, [3, 3]));
  });
  it("cholesky of a batch [2,4,4]", () => {
    assertGradient((m: nx.Tensor) => weightedSum(nx.cholesky(spd(m))), rand(2, [2, 4, 4]));
  });
  it("cholesky w.r.t. A itself: only the lower triangle is read, the upper gets 0", () => {
    const a = spd(rand(3, [3, 3]));
    assertGradient((t: nx.Tensor) => weightedSum(nx.cholesky(t)), a);
    const g = nx
      .grad((t: nx.Tensor) => weightedSum(nx.cholesky(t)))(a)
      .toArray() as number[][];
    assert.deepEqual([g[0]![1], g[0]![2], g[1]![2]], [0, 0, 0]);
  });
  it("cholesky closed form for 1×1: d√a/da = 1/(2√a)", () => {
    assert.deepEqual(
      nx
        .grad((t: nx.Tensor) => nx.sum(nx.cholesky(t)))(nx.tensor([[4]], { dtype: "f64" }))
        .toArray(),
      [[0.25]],
    );
  });

  for (const lower of [true, false]) {
    for (const transposeA of [false, true]) {
      for (const unitDiagonal of [false, true]) {
        const label = `${lower ? "lower" : "upper"}${transposeA ? ", transposeA" : ""}${unitDiagonal ? ", unitDiagonal" : ""}`;
        it(`triangularSolve (${label}), w.r.t. T and B`, () => {
          // T is passed full: the kernel reads one triangle (not the diagonal when unitDiagonal), so
          // the numeric derivative is 0 elsewhere and the vjp must mask to match.
          const x = { t: triangularOperand(4, [3, 3]), b: rand(5, [3, 2]) };
          assertGradient(
            (u: typeof x) =>
              weightedSum(nx.triangularSolve(u.t, u.b, { lower, transposeA, unitDiagonal })),
            x,
          );
        });
      }
    }
  }
  it("triangularSolve with a vector right-hand side", () => {
    const x = { t: triangularOperand(6, [4, 4]), b: rand(7, [4]) };
    assertGradient((u: typeof x) => weightedSum(nx.triangularSolve(u.t, u.b, { lower: false })), x);
  });
  it("triangularSolve batched [2,3,3] with [2,3,2]", () => {
    const x = { t: triangularOperand(8, [2, 3, 3]), b: rand(9, [2, 3, 2]) };
    assertGradient(
      (u: typeof x) => weightedSum(nx.triangularSolve(u.t, u.b, { transposeA: true })),
      x,
    );
  });

  const wellConditioned = (seed: number, shape: number[]) =>
    nx.add(rand(seed, shape), nx.multiply(eye(shape.at(-1)!), 3));
  it("solve with a matrix right-hand side", () => {
    const x = { a: wellConditioned(10, [3, 3]), b: rand(11, [3, 2]) };
    assertGradient((u: typeof x) => weightedSum(nx.solve(u.a, u.b)), x);
  });
  it("solve with a vector right-hand side", () => {
    const x = { a: wellConditioned(12, [4, 4]), b: rand(13, [4]) };
    assertGradient((u: typeof x) => weightedSum(nx.solve(u.a, u.b)), x);
  });
  it("solve batched [2,3,3]", () => {
    const x = { a: wellConditioned(14, [2, 3, 3]), b: rand(15, [2, 3, 1]) };
    assertGradient((u: typeof x) => weightedSum(nx.solve(u.a, u.b)), x);
  });
  it("inverse (solve against the identity)", () => {
    assertGradient((a: nx.Tensor) => weightedSum(nx.inverse(a)), wellConditioned(16, [3, 3]));
  });

  it("determinant of a 3×3 matrix", () =>
    assertGradient((a: nx.Tensor) => weightedSum(nx.determinant(a)), wellConditioned(17, [3, 3])));
  it("determinant of a batch [2,3,3]", () =>
    assertGradient(
      (a: nx.Tensor) => weightedSum(nx.determinant(a)),
      wellConditioned(18, [2, 3, 3]),
    ));
  it("determinant closed form: ∂det/∂A = det·A⁻ᵀ ([[a,b],[c,d]] → [[d,−c],[−b,a]])", () => {
    const g = nx.grad((a: nx.Tensor) => nx.determinant(a))(
      nx.tensor(
        [
          [2, 3],
          [5, 7],
        ],
        { dtype: "f64" },
      ),
    );
    assertClose(g, [7, -5, -3, 2], 1e-14);
  });

  for (const [label, shape] of [
    ["square 3×3", [3, 3]],
    ["tall 5×3", [5, 3]],
    ["batched tall [2,4,3]", [2, 4, 3]],
  ] as const) {
    const a = rand(19, [...shape]);
    it(`qr (${label}): loss on q`, () =>
      assertGradient((t: nx.Tensor) => weightedSum(nx.qr(t).q, 1), a));
    it(`qr (${label}): loss on r`, () =>
      assertGradient((t: nx.Tensor) => weightedSum(nx.qr(t).r, 2), a));
    it(`qr (${label}): loss using q and r`, () =>
      assertGradient((t: nx.Tensor) => {
        const { q, r } = nx.qr(t);
        return nx.add(weightedSum(nx.sin(q), 3), weightedSum(nx.multiply(r, r), 4));
      }, a));
  }
  it("qr gradient of a wide matrix is a clear error", () => {
    assert.throws(
      () => nx.grad((t: nx.Tensor) => nx.sum(nx.qr(t).r))(rand(20, [2, 3])),
      /qr: gradients are defined for the reduced QR of tall or square/,
    );
  });
});

describe("second derivatives", () => {
  const x = rand(1, [6], 0.3, 2);
  const d2 = (f: Unary) =>
    nx.grad((t: nx.Tensor) => nx.sum(nx.grad((u: nx.Tensor) => nx.sum(f(u)))(t)))(x);
  const xs = Array.from(x.data());
  // Closed forms of f''(x).
  const cases: [string, Unary, (v: number) => number][] = [
    ["sin", nx.sin, (v) => -Math.sin(v)],
    ["cos", nx.cos, (v) => -Math.cos(v)],
    ["exp", nx.exp, (v) => Math.exp(v)],
    ["tanh", nx.tanh, (v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)],
    [
      "sigmoid",
      nx.sigmoid,
      (v) => {
        const s = 1 / (1 + Math.exp(-v));
        return s * (1 - s) * (1 - 2 * s);
      },
    ],
    ["log", nx.log, (v) => -1 / (v * v)],
    ["sqrt", nx.sqrt, (v) => -0.25 * v ** -1.5],
    ["x³ via pow", (t) => nx.pow(t, 3), (v) => 6 * v],
    ["x·x via multiply", (t) => nx.multiply(t, t), () => 2],
    ["1/x via divide", (t) => nx.divide(1, t), (v) => 2 / v ** 3],
    ["erf", nx.erf, (v) => (-4 * v * Math.exp(-v * v)) / Math.sqrt(Math.PI)],
  ];
  for (const [name, f, second] of cases) {
    it(`d²/dx² ${name} matches the closed form`, () => assertClose(d2(f), xs.map(second), 1e-12));
    it(`d²/dx² ${name} matches finite differences of the first derivative`, () =>
      assertGradient((t: nx.Tensor) => weightedSum(nx.grad((u: nx.Tensor) => nx.sum(f(u)))(t)), x));
  }

  it("mixed second derivative of a·b² (∂²/∂a∂b = 2b)", () => {
    const a = nx.tensor([1.5, -2], { dtype: "f64" });
    const b = nx.tensor([0.5, 3], { dtype: "f64" });
    // g(a, b) = ∂/∂a Σ a·b² = b²; ∂/∂b Σ g = 2b, with a held fixed: differentiate the tree {b} only.
    const gb = nx.grad((t: nx.Tensor) =>
      nx.sum(nx.grad((u: nx.Tensor) => nx.sum(nx.multiply(u, nx.multiply(t, t))))(a)),
    )(b);
    assert.deepEqual(gb.toArray(), [1, 6]);
  });

  it("grad of grad through reductions, logsumexp and matmul (finite differences)", () => {
    const w = rand(2, [3, 4]);
    const f = (t: nx.Tensor) => nx.add(nx.logsumexp(nx.dot(t, w)), nx.reduceMax(nx.multiply(t, t)));
    assertGradient((t: nx.Tensor) => weightedSum(nx.grad(f)(t)), rand(3, [2, 3]));
  });

  it("grad of grad through determinant and solve (finite differences)", () => {
    const a = nx.add(rand(4, [3, 3]), nx.multiply(nx.eye(3, { dtype: "f64" }), 3));
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.grad((u: nx.Tensor) => nx.determinant(u))(t)),
      a,
    );
    assertGradient(
      (t: nx.Tensor) =>
        weightedSum(
          nx.grad((u: nx.Tensor) => weightedSum(nx.solve(u, nx.ones([3], { dtype: "f64" }))))(t),
        ),
      a,
    );
  });

  it("third derivative of sin is −cos", () => {
    const g1 = (t: nx.Tensor) => nx.grad((u: nx.Tensor) => nx.sum(nx.sin(u)))(t);
    const g2 = (t: nx.Tensor) => nx.grad((u: nx.Tensor) => nx.sum(g1(u)))(t);
    const g3 = nx.grad((u: nx.Tensor) => nx.sum(g2(u)))(x);
    assertClose(
      g3,
      xs.map((v) => -Math.cos(v)),
      1e-12,
    );
  });
});

describe("grad and jit together", () => {
  const w = rand(1, [3, 4]);
  const f = (x: nx.Tensor) => nx.sum(nx.tanh(nx.dot(x, w)));
  const x = rand(2, [2, 3]);

  it("jit(grad(f)) equals grad(f) exactly", () => {
    assert.deepEqual(nx.jit(nx.grad(f))(x).toArray(), nx.grad(f)(x).toArray());
  });

  it("jit(grad(f)) over a tree with aux-free elementwise and linalg ops", () => {
    const loss = (p: { w: nx.Tensor; b: nx.Tensor }, input: nx.Tensor) =>
      nx.mean(nx.sigmoid(nx.add(nx.dot(input, p.w), p.b)));
    const params = { w: rand(3, [3, 2]), b: rand(4, [2]) };
    const jitted = nx.jit(nx.grad(loss))(params, x);
    const eager = nx.grad(loss)(params, x);
    assert.deepEqual(jitted.w.toArray(), eager.w.toArray());
    assert.deepEqual(jitted.b.toArray(), eager.b.toArray());
  });

  it("jit(valueAndGrad(f)) equals valueAndGrad(f)", () => {
    const [v1, g1] = nx.jit(nx.valueAndGrad(f))(x);
    const [v2, g2] = nx.valueAndGrad(f)(x);
    assert.equal(v1.toNumber(), v2.toNumber());
    assert.deepEqual(g1.toArray(), g2.toArray());
  });

  it("grad(jit(f)) works and equals grad(f)", () => {
    assert.deepEqual(nx.grad(nx.jit(f))(x).toArray(), nx.grad(f)(x).toArray());
  });

  it("jit(grad(grad)) equals grad(grad)", () => {
    const g = (t: nx.Tensor) =>
      nx.sum(nx.grad((u: nx.Tensor) => nx.sum(nx.sin(nx.multiply(u, u))))(t));
    assert.deepEqual(nx.jit(nx.grad(g))(x).toArray(), nx.grad(g)(x).toArray());
  });

  it("gradcheck of a jitted function", () => {
    assertGradient(
      nx.jit((t: nx.Tensor) => weightedSum(nx.exp(nx.dot(t, w)))),
      x,
    );
  });

  it("grad through a jitted function that captures the differentiated tensor", () => {
    // d/dx Σ exp(x·y) = Σ y·exp(x·y); a compiled program would have baked x in as a constant.
    const y = nx.tensor([1, 2, 3], { dtype: "f64" });
    const x0 = nx.tensor(0.5, { dtype: "f64" });
    const g = nx.grad((s: nx.Tensor) =>
      nx.jit((u: nx.Tensor) => nx.sum(nx.exp(nx.multiply(u, s))))(y),
    )(x0);
    assertClose(g, [1 * Math.exp(0.5) + 2 * Math.exp(1) + 3 * Math.exp(1.5)], 1e-15);
  });

  it("stopGradient blocks the derivative (d/dx Σ sg(x)·x = x)", () => {
    const x0 = nx.tensor([1.5, -2], { dtype: "f64" });
    assert.deepEqual(
      nx
        .grad((t: nx.Tensor) => nx.sum(nx.multiply(nx.stopGradient(t), t)))(x0)
        .toArray(),
      [1.5, -2],
    );
  });

  it("hasAux passes aux through", () => {
    const [[loss, aux], g] = nx.valueAndGrad(
      (t: nx.Tensor) => [nx.sum(nx.multiply(t, t)), { n: 3 }] as const,
      { hasAux: true },
    )(nx.tensor([1, 2], { dtype: "f64" }));
    assert.equal(loss.toNumber(), 5);
    assert.deepEqual(aux, { n: 3 });
    assert.deepEqual(g.toArray(), [2, 4]);
  });

  it("a function that ignores its input has a zero gradient; returning the input has gradient 1", () => {
    assert.deepEqual(
      nx
        .grad((_t: nx.Tensor) => nx.tensor(1, { dtype: "f64" }))(
          nx.tensor([1, 2], { dtype: "f64" }),
        )
        .toArray(),
      [0, 0],
    );
    assert.deepEqual(
      nx
        .grad((t: nx.Tensor) => t)(nx.tensor(3, { dtype: "f64" }))
        .toArray(),
      1,
    );
  });
});

describe("grad errors", () => {
  it("a non-scalar result: the message says the result must be scalar", () => {
    assert.throws(
      () => nx.grad((t: nx.Tensor) => nx.multiply(t, 2))(nx.tensor([1, 2])),
      /grad: the function must return a scalar float tensor, got f32\[2\]/,
    );
  });

  it("a non-tensor result", () => {
    assert.throws(
      () => nx.grad((_t: nx.Tensor) => 3 as unknown as nx.Tensor)(nx.tensor([1, 2])),
      /scalar tensor, got number 3/,
    );
  });

  it("a tree with a string leaf: the message names the path", () => {
    assert.throws(
      () => nx.grad((t: any) => nx.sum(t.a))({ a: nx.tensor([1, 2]), b: "oops" } as any),
      (e: Error) =>
        e instanceof TypeError &&
        /x\.b/.test(e.message) &&
        /oops/.test(e.message) &&
        /not a tensor/.test(e.message),
    );
    assert.throws(
      () => nx.grad((t: any) => nx.sum(t[1].c))([nx.tensor(1), { c: nx.tensor(2), d: 4 }] as any),
      /x\[1\]\.d/,
    );
  });

  it("an integer input: the message names the dtype", () => {
    assert.throws(
      () =>
        nx.grad((t: nx.Tensor) => nx.sum(nx.asType(t, "f32")))(nx.tensor([1, 2], { dtype: "s32" })),
      /grad: the input at x is s32\[2\]; gradients need f32 or f64/,
    );
  });

  it("an empty tree", () => {
    assert.throws(() => nx.grad((_t: any) => nx.tensor(1))([]), /has no tensors/);
  });
});

describe("gradcheck inputs are deterministic", () => {
  it("the LCG and rand repeat for a seed", () => {
    const a = lcg(3);
    const b = lcg(3);
    assert.deepEqual([a(), a(), a()], [b(), b(), b()]);
    assert.deepEqual(rand(5, [2, 2]).toArray(), rand(5, [2, 2]).toArray());
  });
  it("weightedSum of a tree-shaped input uses fixed weights", () => {
    const t: Tree = rand(6, [3]);
    assert.equal(weightedSum(t as nx.Tensor).toNumber(), weightedSum(t as nx.Tensor).toNumber());
  });
});
