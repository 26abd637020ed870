// vectorize (JAX's vmap) against a JavaScript loop over examples, for every primitive in the
// registry (each case's traced graph must contain the primitive it is filed under, and a new
// primitive without a case fails here), plus unmapped arguments, axes, nesting with jit and grad
// (per-example gradients), and the errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { scatterAdd } from "../src/ops/shape.js";
import { scatterAlong } from "../src/ops/gather.js";
import { definedPrimitives } from "../src/primitive.js";
import { rand } from "./gradcheck.js";

/** Example `k`'s arguments of a case (every example different). */
type Args = (k: number) => nx.Tensor[];
interface Case {
  readonly f: (...xs: nx.Tensor[]) => unknown;
  readonly args: Args;
  /** Which arguments are mapped (default: all). */
  readonly inAxes?: readonly (number | null)[];
}

const B = 3;
const x23: Args = (k) => [rand(100 + k, [2, 3])];
const pos23: Args = (k) => [rand(110 + k, [2, 3], 0.2, 0.9)];
const two23: Args = (k) => [rand(120 + k, [2, 3]), rand(130 + k, [3], 0.5, 1.5)];
const ints23: Args = (k) => [
  nx.tensor(
    [
      [k, 7 - k, 12],
      [-3 * k, 5, 255],
    ],
    { dtype: "s32" },
  ),
  nx.tensor([1, 2, k], { dtype: "s32" }),
];
const unary = (f: (x: nx.Tensor) => nx.Tensor, args: Args = x23): Case => ({
  f: (x) => f(x!),
  args,
});
const binary = (f: (a: nx.Tensor, b: nx.Tensor) => nx.Tensor, args: Args = two23): Case => ({
  f: (a, b) => f(a!, b!),
  args,
});
const spd = (m: nx.Tensor) => nx.add(nx.dot(m, nx.transpose(m)), nx.multiply(nx.eye(3), 3));
const cx: Args = (k) => [rand(140 + k, [1, 2, 4, 5]), rand(150 + k, [3, 2, 2, 2])];
const convOptions: nx.ConvOptions = { strides: [2, 1], padding: "same" };
const windowOptions: nx.WindowOptions = {
  strides: [1, 2],
  padding: [
    [1, 0],
    [1, 1],
  ],
};
const wx: Args = (k) => [rand(160 + k, [3, 5], -2, 2)];
/** The gradient of Σ f(x)·v at a fixed x, as a function of the weights v. */
const windowScatter = (f: typeof nx.windowMax) => (v: nx.Tensor) =>
  nx.grad((x: nx.Tensor) => nx.sum(nx.multiply(f(x, [2, 2], windowOptions), v)))(rand(27, [3, 5]));
const idx = (values: number[]) => nx.tensor(values, { dtype: "s32" });

const UNARY = [
  "negate",
  "abs",
  "sign",
  "exp",
  "expm1",
  "log",
  "log1p",
  "sqrt",
  "rsqrt",
  "sin",
  "cos",
  "tan",
  "tanh",
  "sigmoid",
  "erf",
  "erfc",
  "erfInv",
  "asin",
  "acos",
  "atan",
  "sinh",
  "cosh",
  "asinh",
  "atanh",
  "log2",
  "log10",
  "cbrt",
  "floor",
  "ceil",
  "round",
  "trunc",
  "isNan",
  "isInfinite",
] as const;
const BINARY = [
  "add",
  "subtract",
  "multiply",
  "divide",
  "pow",
  "remainder",
  "atan2",
  "maximum",
  "minimum",
  "equal",
  "notEqual",
  "less",
  "lessEqual",
  "greater",
  "greaterEqual",
] as const;
const INTEGER = [
  "bitwiseAnd",
  "bitwiseOr",
  "bitwiseXor",
  "leftShift",
  "rightShift",
  "logicalAnd",
  "logicalOr",
] as const;

const CASES: Record<string, Case> = {
  ...Object.fromEntries(UNARY.map((n) => [n, unary(nx[n] as (x: nx.Tensor) => nx.Tensor, pos23)])),
  ...Object.fromEntries(
    BINARY.map((n) => [n, binary(nx[n] as (a: nx.Tensor, b: nx.Tensor) => nx.Tensor)]),
  ),
  ...Object.fromEntries(
    INTEGER.map((n) => [
      n,
      binary(
        n.endsWith("Shift")
          ? (a, b) =>
              (nx[n] as (a: nx.Tensor, b: nx.Tensor) => nx.Tensor)(a, nx.remainder(nx.abs(b), 4))
          : (nx[n] as (a: nx.Tensor, b: nx.Tensor) => nx.Tensor),
        ints23,
      ),
    ]),
  ),
  bitwiseNot: unary(nx.bitwiseNot, ints23),
  logicalNot: unary(nx.logicalNot, ints23),
  acosh: unary(nx.acosh, (k) => [rand(170 + k, [2, 3], 1.2, 3)]),
  select: binary((a, b) => nx.select(nx.greater(a, 0), a, b)),
  convert: unary((t) => nx.asType(nx.multiply(t, 100), "s32")),
  broadcast: {
    f: (a) => nx.broadcast(nx.add(a!, 1), [4, 2, 3]),
    args: (k) => [rand(180 + k, [3])],
    inAxes: [0],
  },
  reshape: unary((t) => nx.reshape(t, [3, 2])),
  viewAsReal: unary((t) => nx.viewAsReal(nx.complex(t, nx.multiply(t, 2)))),
  viewAsComplex: unary((t) =>
    nx.real(nx.multiply(nx.viewAsComplex(nx.reshape(t, [3, 2])), nx.complex(0.5, -2))),
  ),
  fftPairs: unary((t) => nx.viewAsReal(nx.ifft(nx.fft(t, { length: 5 }), { length: 2 }))),
  identity: unary((t) => nx.grad((u: nx.Tensor) => nx.sum(nx.sin(u)))(t)),
  stopGradient: unary((t) => nx.add(nx.stopGradient(t), t)),
  transpose: unary((t) => nx.transpose(t)),
  slice: unary((t) => nx.slice(t, [0, 1], [2, 2])),
  pad: unary((t) =>
    nx.pad(t, 0.5, [
      [1, 0, 1],
      [0, 2, 0],
    ]),
  ),
  reverse: unary((t) => nx.reverse(t, { axes: [1] })),
  concatenate: binary((a, b) => nx.concatenate([a, nx.reshape(b, [1, 3])], { axis: 0 })),
  updateSlice: binary((a, b) => nx.putSlice(a, [1, 0], nx.reshape(b, [1, 3]))),
  take: binary((t, i) => nx.take(t, nx.asType(nx.multiply(nx.abs(i), 1.4), "s32"), { axis: 1 })),
  scatterAdd: unary((t) => scatterAdd(t, idx([1, 0, 1]), [2, 4], 1)),
  takeAlong: unary((t) =>
    nx.takeAlongAxis(
      t,
      nx.tensor(
        [
          [2, 0],
          [1, 1],
        ],
        { dtype: "s32" },
      ),
      1,
    ),
  ),
  scatterAlong: {
    f: (t) =>
      scatterAlong(
        t!,
        nx.tensor(
          [
            [2, 0],
            [1, 2],
          ],
          { dtype: "s32" },
        ),
        [2, 3],
        1,
      ),
    args: (k) => [rand(190 + k, [2, 2])],
  },
  reduceSum: unary((t) => nx.sum(t, { axes: [1] })),
  reduceProduct: unary((t) => nx.product(t, { axes: [0] })),
  reduceMax: unary((t) => nx.reduceMax(t)),
  reduceMin: unary((t) => nx.reduceMin(t, { axes: [0] })),
  argReduce: unary((t) => nx.argmax(t, { axis: 1 })),
  cumulativeSum: unary((t) => nx.cumulativeSum(t, { axis: 1 })),
  cumulativeProduct: unary((t) => nx.cumulativeProduct(t, { axis: 1, reverse: true })),
  cumulativeMax: unary((t) => nx.cumulativeMax(t, { axis: 1 })),
  cumulativeMin: unary((t) => nx.cumulativeMin(t, { axis: 0, reverse: true })),
  argsort: unary((t) => nx.argsort(t, { axis: 1 })),
  matmul: binary(nx.dot, (k) => [rand(200 + k, [2, 3]), rand(210 + k, [3, 4])]),
  cholesky: unary(
    (m) => nx.cholesky(spd(m)),
    (k) => [rand(220 + k, [3, 3])],
  ),
  triangularSolve: binary(
    (a, b) => nx.triangularSolve(nx.add(nx.tril(a), nx.multiply(nx.eye(3), 3)), b),
    (k) => [rand(230 + k, [3, 3]), rand(240 + k, [3, 2])],
  ),
  solve: binary(
    (a, b) => nx.solve(spd(a), b),
    (k) => [rand(250 + k, [3, 3]), rand(260 + k, [3])],
  ),
  determinant: unary(
    (m) => nx.determinant(spd(m)),
    (k) => [rand(270 + k, [3, 3])],
  ),
  qrQ: unary(
    (m) => nx.qr(m).q,
    (k) => [rand(280 + k, [4, 3])],
  ),
  qrR: unary(
    (m) => nx.qr(m).r,
    (k) => [rand(290 + k, [4, 3])],
  ),
  svd: unary(
    (m) => nx.svd(m).s,
    (k) => [rand(300 + k, [3, 2])],
  ),
  eigh: unary(
    (m) => nx.eigh(spd(m)).eigenvals,
    (k) => [rand(320 + k, [3, 3])],
  ),
  lu: unary(
    (m) => nx.lu(spd(m)).u,
    (k) => [rand(330 + k, [3, 3])],
  ),
  leastSquares: binary(
    (a, b) => nx.leastSquares(a, b).solution,
    (k) => [rand(310 + k, [3, 2]), rand(320 + k, [3, 1])],
  ),
  conv: binary((x, w) => nx.conv(x, w, convOptions), cx),
  convInputGrad: binary(
    (x, w) => nx.grad((u: nx.Tensor) => nx.sum(nx.tanh(nx.conv(u, w, convOptions))))(x),
    cx,
  ),
  convKernelGrad: binary(
    (x, w) => nx.grad((v: nx.Tensor) => nx.sum(nx.tanh(nx.conv(x, v, convOptions))))(w),
    cx,
  ),
  windowSum: unary((t) => nx.windowSum(t, [2, 2], windowOptions), wx),
  windowProduct: unary((t) => nx.windowProduct(t, [2, 2], windowOptions), wx),
  windowMax: unary((t) => nx.windowMax(t, [2, 2], windowOptions), wx),
  windowMin: unary((t) => nx.windowMin(t, [2, 2], windowOptions), wx),
  windowSelectScatter: unary(windowScatter(nx.windowMax), (k) => [rand(330 + k, [3, 3])]),
  windowSelectGather: unary(
    (u) =>
      nx.grad((v: nx.Tensor) => nx.sum(nx.multiply(windowScatter(nx.windowMin)(v), u)))(
        rand(26, [3, 3]),
      ),
    (k) => [rand(340 + k, [3, 5])],
  ),
  randomBits: {
    f: (key) => nx.random.uniform(key!, [2, 3]),
    args: (k) => [nx.random.key(7 + k)],
  },
  cond: unary((t) =>
    nx.cond(
      nx.greater(nx.sum(t), 0),
      (u: nx.Tensor) => nx.sin(u),
      (u: nx.Tensor) => nx.exp(u),
      t,
    ),
  ),
  whileLoop: unary((t) =>
    nx.whileLoop(
      t,
      (s) => nx.less(nx.sum(nx.abs(s)), 20),
      (s) => nx.multiply(s, 1.5),
    ),
  ),
};

/** Values of a result tree, for comparing. */
function values(x: unknown): unknown {
  if (x instanceof nx.Tensor) return { dtype: x.dtype, shape: [...x.shape], v: x.toArray() };
  if (Array.isArray(x)) return x.map(values);
  if (x !== null && typeof x === "object")
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, values(v)]));
  return x;
}

/** Stacks per-example results (trees of tensors) along `axis`. */
function stackResults(results: unknown[], axis = 0): unknown {
  const first = results[0];
  if (first instanceof nx.Tensor) return nx.stack(results as nx.Tensor[], { axis });
  if (Array.isArray(first))
    return first.map((_, i) =>
      stackResults(
        results.map((r) => (r as unknown[])[i]),
        axis,
      ),
    );
  return Object.fromEntries(
    Object.keys(first as object).map((k) => [
      k,
      stackResults(
        results.map((r) => (r as Record<string, unknown>)[k]),
        axis,
      ),
    ]),
  );
}

/** Elementwise closeness of two `values` trees (floats to 1e-12 relative; the rest exactly). */
function assertClose(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === "number" && typeof actual === "number") {
    if (Number.isNaN(expected)) return assert.ok(Number.isNaN(actual), where);
    assert.ok(
      Math.abs(actual - expected) <= 1e-12 * (1 + Math.abs(expected)),
      `${where}: ${actual} vs ${expected}`,
    );
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${where}: lengths`);
    expected.forEach((e, i) => assertClose((actual as unknown[])[i], e, `${where}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === "object") {
    for (const [k, e] of Object.entries(expected))
      assertClose((actual as Record<string, unknown>)[k], e, `${where}.${k}`);
    return;
  }
  assert.deepEqual(actual, expected, where);
}

/** vectorize(f) on the stacked examples equals the stacked f(example) (eagerly and under jit). */
function checkCase(name: string, c: Case): void {
  const examples = Array.from({ length: B }, (_, k) => c.args(k));
  const axes = c.inAxes ?? examples[0]!.map(() => 0);
  const batched = examples[0]!.map((_, j) =>
    axes[j] === null
      ? examples[0]![j]!
      : nx.stack(
          examples.map((e) => e[j]!),
          { axis: 0 },
        ),
  );
  const loop = stackResults(
    examples.map((e) => c.f(...e.map((x, j) => (axes[j] === null ? examples[0]![j]! : x)))),
  );
  const v = nx.vectorize(c.f, { inAxes: axes });
  assertClose(values(v(...batched)), values(loop), `${name} (eager)`);
  assertClose(values(nx.jit(v)(...batched)), values(loop), `${name} (jit)`);
}

describe("vectorize", () => {
  it("has a case for every primitive in the registry", () => {
    const names = definedPrimitives()
      .map((p) => p.name)
      .sort();
    assert.deepEqual(Object.keys(CASES).sort(), names);
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: equals a loop over the examples`, () => {
      const example = c.args(0);
      const traced = nx.jit(c.f).debugExpr(...example);
      assert.match(traced, new RegExp(` = ${name}\\(`), `the case does not apply ${name}`);
      checkCase(name, c);
    });
  }

  it("batches by rules: one batched application, not one per example (except the fallback)", () => {
    const count = (text: string, op: string) => text.split(` = ${op}(`).length - 1;
    const a = rand(9, [5, 2, 3]);
    const b = rand(10, [5, 3, 4]);
    const mm = nx.jit(
      nx.vectorize((p: nx.Tensor, q: nx.Tensor) => nx.sum(nx.tanh(nx.dot(p, q)), { axes: [1] })),
    );
    const text = mm.debugExpr(a, b);
    assert.deepEqual(
      ["matmul", "tanh", "reduceSum"].map((op) => count(text, op)),
      [1, 1, 1],
      text,
    );
    // cholesky has no rule: it runs once per example.
    const ch = nx.jit(nx.vectorize((m: nx.Tensor) => nx.cholesky(spd(m))));
    assert.equal(count(ch.debugExpr(rand(11, [4, 3, 3])), "cholesky"), 4);
  });

  it("maps other axes, leaves null arguments whole, places the mapped axis in the results", () => {
    const a = rand(1, [3, 4]);
    const w = rand(2, [3]);
    // Columns of a dotted with w: aᵀw, the mapped axis 1 of a.
    const cols = nx.vectorize((col: nx.Tensor, v: nx.Tensor) => nx.sum(nx.multiply(col, v)), {
      inAxes: [1, null],
    });
    assertClose(values(cols(a, w)), values(nx.dot(nx.transpose(a), w)), "columns");
    // Outer products with the mapped axis last: out[i, j, b] = x[b, i] y[b, j].
    const x = rand(3, [5, 2]);
    const y = rand(4, [5, 3]);
    const outer = nx.vectorize((p: nx.Tensor, q: nx.Tensor) => nx.outer(p, q), { outAxes: -1 });
    const loop = nx.stack(
      Array.from({ length: 5 }, (_, b) =>
        nx.outer(
          nx.slice(x, [b, 0], [1, 2]).reshape([2]),
          nx.slice(y, [b, 0], [1, 3]).reshape([3]),
        ),
      ),
      { axis: 2 },
    );
    assertClose(values(outer(x, y)), values(loop), "outer");
    // A result that does not depend on the mapped argument is broadcast along the batch.
    const constant = nx.vectorize((_: nx.Tensor, v: nx.Tensor) => nx.exp(v), { inAxes: [0, null] });
    assert.deepEqual(constant(a, w).shape, [3, 3]);
    // Trees in and out, with a closed-over tensor.
    const tree = nx.vectorize(
      (p: { u: nx.Tensor; v: nx.Tensor }) => [nx.add(p.u, w), nx.sum(p.v)],
      {
        outAxes: [0, 0],
      },
    );
    const [s, t] = tree({ u: rand(5, [2, 3]), v: rand(6, [2, 4]) });
    assert.deepEqual([s!.shape, t!.shape], [[2, 3], [2]]);
  });

  it("per-example gradients: vectorize(grad(f)) equals grad per example, eager and jit", () => {
    // Logistic loss of one example: log(1 + exp(−y·w·x)); its gradient −y·x·σ(−y·w·x).
    const loss = (w: nx.Tensor, x: nx.Tensor, y: nx.Tensor) =>
      nx.log1p(nx.exp(nx.negate(nx.multiply(y, nx.sum(nx.multiply(w, x))))));
    const perExample = nx.vectorize(nx.grad(loss), { inAxes: [null, 0, 0] });
    const w = rand(7, [4]);
    const xs = rand(8, [6, 4]);
    const ys = nx.tensor([1, -1, 1, 1, -1, -1], { dtype: "f64" });
    const expected = nx.stack(
      Array.from({ length: 6 }, (_, b) => {
        const x = nx.reshape(nx.slice(xs, [b, 0], [1, 4]), [4]);
        const y = nx.reshape(nx.slice(ys, [b], [1]), []);
        const margin = nx.multiply(y, nx.sum(nx.multiply(w, x)));
        return nx.multiply(nx.multiply(nx.negate(y), x), nx.sigmoid(nx.negate(margin)));
      }),
    );
    assertClose(values(perExample(w, xs, ys)), values(expected), "eager");
    assertClose(values(nx.jit(perExample)(w, xs, ys)), values(expected), "jit");
    // grad of a vectorized function: the sum of the per-example gradients.
    const total = nx.grad((v: nx.Tensor) =>
      nx.sum(nx.vectorize(loss, { inAxes: [null, 0, 0] })(v, xs, ys)),
    );
    assertClose(values(total(w)), values(nx.sum(expected, { axes: [0] })), "grad of vectorize");
    // vectorize of vectorize: a matrix of pairwise dot products.
    const pair = nx.vectorize(
      nx.vectorize((p: nx.Tensor, q: nx.Tensor) => nx.sum(nx.multiply(p, q)), {
        inAxes: [null, 0],
      }),
      {
        inAxes: [0, null],
      },
    );
    assertClose(values(pair(xs, xs)), values(nx.dot(xs, nx.transpose(xs))), "nested");
  });

  it("errors: axes out of range, sizes that differ, nothing mapped, bad options", () => {
    const f = (a: nx.Tensor, b: nx.Tensor) => nx.add(a, b);
    assert.throws(
      () => nx.vectorize(f)(nx.zeros([3, 2]), nx.zeros([4, 2])),
      /^RangeError: vectorize: the mapped axes differ in size: args\[0\] has 3 and args\[1\] has 4$/,
    );
    assert.throws(
      () => nx.vectorize(f, { inAxes: [2, 0] })(nx.zeros([3, 2]), nx.zeros([3, 2])),
      /^RangeError: vectorize: inAxes 2 is out of range for args\[0\], a tensor f32\[3\]\[2\]$/,
    );
    assert.throws(
      () => nx.vectorize(f, { inAxes: [0] })(nx.zeros([3]), nx.zeros([3])),
      /^RangeError: vectorize: inAxes has 1 entries for 2 arguments$/,
    );
    assert.throws(
      () => nx.vectorize(f, { inAxes: null })(nx.zeros([3]), nx.zeros([3])),
      /^TypeError: vectorize: no argument is mapped/,
    );
    assert.throws(
      () => nx.vectorize(f, { inAxes: "0" as never }),
      /^TypeError: vectorize: inAxes must be an integer or null, or an array of them, got "0"$/,
    );
    assert.throws(
      () => nx.vectorize(5 as never),
      /^TypeError: vectorize: expected a function, got number 5$/,
    );
  });
});
