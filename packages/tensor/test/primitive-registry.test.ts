// The primitive registry: every primitive either has a derivative rule, checked here against
// central finite differences in f64 (one small case each; gradients.test.ts and the op test
// files check edge cases in depth), carries the explicit `noDerivative` marker with a reason, or
// is listed below as having its derivative not written yet (grad through it must throw).
// A new primitive without either fails this file, so a forgotten derivative cannot pass as zero.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nx from "../src/index.js";
import { scatterAdd } from "../src/ops/shape.js";
import { scatterAlong } from "../src/ops/gather.js";
import { tracedCond } from "../src/ops/control.js";
import {
  definedPrimitives,
  derivativeOf,
  isDerivativeNotImplemented,
  isDerivativeUndefined,
  type AnyPrimitive,
} from "../src/primitive.js";
import { assertGradient, rand, randAway, weightedSum } from "./gradcheck.js";

/** A gradient check that should run the derivative rule of the primitive it is filed under. */
type Case = () => void;

const ints = (values: number[] | number[][]) => nx.tensor(values, { dtype: "s32" });
const x23 = () => rand(1, [2, 3]);
const pos23 = () => rand(2, [2, 3], 0.5, 2);
/** Values off the integers and half-integers, where rounding functions have no jump. */
const offGrid = () =>
  nx.tensor(
    [
      [0.3, 1.2, -0.7],
      [2.6, -1.4, 0.1],
    ],
    { dtype: "f64" },
  );
const unary = (f: (x: nx.Tensor) => nx.Tensor, x: () => nx.Tensor = x23): Case => {
  return () => assertGradient((t: nx.Tensor) => weightedSum(f(t)), x());
};
const binary = (
  f: (a: nx.Tensor, b: nx.Tensor) => nx.Tensor,
  a: nx.Tensor = rand(3, [2, 3]),
  b: nx.Tensor = randAway(4, [3]),
): Case => {
  return () => assertGradient((p: nx.Tensor[]) => weightedSum(f(p[0]!, p[1]!)), [a, b]);
};
/** A symmetric positive definite 3×3 matrix built from `m` (so every perturbation stays SPD). */
const spd = (m: nx.Tensor) => nx.add(nx.dot(m, nx.transpose(m)), nx.multiply(nx.eye(3), 3));
const lowerTriangular = (m: nx.Tensor) =>
  nx.add(
    nx.multiply(
      m,
      nx.tensor(
        [
          [1, 0, 0],
          [1, 1, 0],
          [1, 1, 1],
        ],
        { dtype: "f64" },
      ),
    ),
    nx.eye(3),
  );
const convOptions: nx.ConvOptions = { strides: [2, 1], padding: "same", kernelDilation: [1, 2] };
const cx = () => rand(5, [1, 2, 4, 5]);
const cw = () => rand(6, [3, 2, 2, 2]);
const windowOptions: nx.WindowOptions = {
  strides: [1, 2],
  padding: [
    [1, 0],
    [1, 1],
  ],
};
const wx = () => rand(7, [3, 5], -2, 2);
/** Differentiates `f`'s gradient at a fixed point with respect to the cotangent weights `v`. */
const windowScatter = (f: typeof nx.windowMax) => (v: nx.Tensor) =>
  nx.grad((x: nx.Tensor) => nx.sum(nx.multiply(f(x, [2, 2], windowOptions), v)))(wx());

/** A cond through its primitive, on a concrete predicate, closing over `c` (an operand of it). */
const condCase =
  (pred: boolean): Case =>
  () => {
    const c = rand(39, [3]);
    assertGradient(
      (p: nx.Tensor[]) =>
        weightedSum(
          tracedCond(
            nx.tensor(pred ? 1 : 0, { dtype: "u8" }),
            (a: nx.Tensor, b: nx.Tensor) => nx.multiply(nx.sin(a), nx.add(b, p[1]!)),
            (a: nx.Tensor, b: nx.Tensor) => nx.divide(a, nx.add(nx.exp(b), 1)),
            [p[0]!, c],
          ),
        ),
      [rand(40, [2, 3]), rand(41, [3])],
    );
  };

const CASES: Record<string, Case> = {
  cond: () => {
    condCase(true)();
    condCase(false)();
  },
  add: binary(nx.add),
  subtract: binary(nx.subtract),
  multiply: binary(nx.multiply),
  divide: binary(nx.divide),
  pow: binary(nx.pow, rand(8, [2, 3], 0.5, 2), rand(9, [3])),
  remainder: binary(
    nx.remainder,
    rand(10, [2, 3], 0.1, 0.9),
    nx.tensor([1, 2, 3], { dtype: "f64" }),
  ),
  maximum: binary(nx.maximum),
  minimum: binary(nx.minimum),
  negate: unary(nx.negate),
  abs: unary(nx.abs, () => randAway(11, [2, 3])),
  sign: unary(nx.sign, () => randAway(12, [2, 3])),
  exp: unary(nx.exp),
  expm1: unary(nx.expm1),
  log: unary(nx.log, pos23),
  log1p: unary(nx.log1p),
  sqrt: unary(nx.sqrt, pos23),
  rsqrt: unary(nx.rsqrt, pos23),
  sin: unary(nx.sin),
  cos: unary(nx.cos),
  tan: unary(nx.tan),
  tanh: unary(nx.tanh),
  sigmoid: unary(nx.sigmoid),
  erf: unary(nx.erf),
  erfc: unary(nx.erfc),
  erfInv: unary(nx.erfInv, () => rand(31, [2, 3], -0.8, 0.8)),
  asin: unary(nx.asin, () => rand(32, [2, 3], -0.8, 0.8)),
  acos: unary(nx.acos, () => rand(33, [2, 3], -0.8, 0.8)),
  atan: unary(nx.atan, () => rand(34, [2, 3], -3, 3)),
  sinh: unary(nx.sinh),
  cosh: unary(nx.cosh),
  asinh: unary(nx.asinh, () => rand(35, [2, 3], -3, 3)),
  acosh: unary(nx.acosh, () => rand(36, [2, 3], 1.2, 3)),
  atanh: unary(nx.atanh, () => rand(37, [2, 3], -0.8, 0.8)),
  log2: unary(nx.log2, pos23),
  log10: unary(nx.log10, pos23),
  cbrt: unary(nx.cbrt, () => randAway(38, [2, 3])),
  atan2: binary(nx.atan2),
  floor: unary(nx.floor, offGrid),
  ceil: unary(nx.ceil, offGrid),
  round: unary(nx.round, offGrid),
  trunc: unary(nx.trunc, offGrid),
  select: binary((a, b) => nx.select(nx.greater(nx.tensor([1, -1, 2]), 0), a, b)),
  // f64 → f32 → f64 is exact on values with few significant bits, and so are steps of 2⁻¹⁰.
  convert: () =>
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.asType(nx.asType(t, "f32"), "f64")),
      nx.tensor([0.5, -0.75, 1.25], { dtype: "f64" }),
      { eps: 2 ** -10 },
    ),
  broadcast: unary((t) => nx.broadcast(t, [4, 2, 3])),
  reshape: unary((t) => nx.reshape(t, [3, 2])),
  // grad passes its inputs through identity; an enclosing grad differentiates that.
  identity: unary((t) => nx.grad((u: nx.Tensor) => nx.sum(nx.sin(u)))(t)),
  transpose: unary((t) => nx.transpose(t)),
  slice: unary((t) => nx.slice(t, [0, 1], [2, 2])),
  pad: unary((t) =>
    nx.pad(t, 0, [
      [1, 0, 1],
      [0, 2, 0],
    ]),
  ),
  reverse: unary((t) => nx.reverse(t, { axes: [1] })),
  concatenate: binary((a, b) => nx.concatenate([a, nx.reshape(b, [1, 3])], { axis: 0 })),
  updateSlice: binary((a, b) => nx.putSlice(a, [1, 0], nx.reshape(b, [1, 3]))),
  // The complex views and the transform, through real losses of real f64 inputs (c128 inside).
  viewAsReal: unary((t) => nx.viewAsReal(nx.complex(t, nx.multiply(t, t)))),
  viewAsComplex: unary(
    (t) => nx.viewAsReal(nx.multiply(nx.viewAsComplex(t), nx.complex(0.5, -2))),
    () => rand(5, [3, 2]),
  ),
  fftPairs: unary(
    (t) =>
      nx.concatenate(
        [nx.viewAsReal(nx.fft(t, { length: 5 })), nx.viewAsReal(nx.ifft(t, { length: 2 }))],
        { axis: 1 },
      ),
    () => rand(6, [2, 4]),
  ),
  take: unary((t) => nx.take(t, ints([2, 0, 2]), { axis: 1 })),
  scatterAdd: unary(
    (t) => scatterAdd(t, ints([1, 0, 1]), [2, 4], 1),
    () => rand(13, [2, 3]),
  ),
  takeAlong: unary((t) =>
    nx.takeAlongAxis(
      t,
      ints([
        [2, 0],
        [1, 1],
      ]),
      1,
    ),
  ),
  scatterAlong: unary(
    (t) =>
      scatterAlong(
        t,
        ints([
          [2, 0],
          [1, 2],
        ]),
        [2, 3],
        1,
      ),
    () => rand(14, [2, 2]),
  ),
  reduceSum: unary((t) => nx.sum(t, { axes: [1] })),
  reduceProduct: unary((t) => nx.product(t, { axes: [0] })),
  reduceMax: unary((t) => nx.reduceMax(t, { axes: [1] })),
  reduceMin: unary((t) => nx.reduceMin(t, { axes: [0] })),
  cumulativeSum: unary((t) => nx.cumulativeSum(t, { axis: 1 })),
  cumulativeProduct: unary((t) => nx.cumulativeProduct(t, { axis: 1, reverse: true })),
  cumulativeMax: unary((t) => nx.cumulativeMax(t, { axis: 1 })),
  cumulativeMin: unary((t) => nx.cumulativeMin(t, { axis: 0, reverse: true })),
  matmul: binary(nx.dot, rand(15, [2, 3]), rand(16, [3, 4])),
  cholesky: unary(
    (m) => nx.cholesky(spd(m)),
    () => rand(17, [3, 3]),
  ),
  triangularSolve: binary(
    (a, b) => nx.triangularSolve(lowerTriangular(a), b),
    rand(18, [3, 3]),
    rand(19, [3, 2]),
  ),
  solve: binary((a, b) => nx.solve(spd(a), b), rand(20, [3, 3]), rand(21, [3])),
  determinant: unary(
    (m) => nx.determinant(spd(m)),
    () => rand(22, [3, 3]),
  ),
  qrQ: unary(
    (m) => nx.qr(m).q,
    () => rand(23, [4, 3]),
  ),
  qrR: unary(
    (m) => nx.qr(m).r,
    () => rand(24, [4, 3]),
  ),
  svd: unary(
    (m) => {
      const { u, s, vt } = nx.svd(m);
      return nx.concatenate([nx.reshape(u, [-1]), s, nx.reshape(vt, [-1])]);
    },
    () => rand(28, [4, 3]),
  ),
  eigh: unary(
    (m) => {
      const { eigenvals, eigenvecs } = nx.eigh(nx.add(m, nx.transpose(m)));
      return nx.concatenate([eigenvals, nx.reshape(eigenvecs, [-1])]);
    },
    () => rand(29, [3, 3]),
  ),
  lu: unary(
    (m) => {
      const { l, u } = nx.lu(m);
      return nx.concatenate([l, u]);
    },
    () => rand(30, [3, 3]),
  ),
  leastSquares: binary(
    (a, b) => nx.leastSquares(a, b).solution,
    rand(31, [4, 2]),
    rand(32, [4, 2]),
  ),
  conv: binary((x, w) => nx.conv(x, w, convOptions), cx(), cw()),
  // The rules of the two gradient primitives run when a gradient is differentiated again.
  convInputGrad: unary(
    (w) => nx.grad((x: nx.Tensor) => weightedSum(nx.tanh(nx.conv(x, w, convOptions))))(cx()),
    cw,
  ),
  convKernelGrad: unary(
    (x) => nx.grad((w: nx.Tensor) => weightedSum(nx.tanh(nx.conv(x, w, convOptions))))(cw()),
    cx,
  ),
  windowSum: unary((t) => nx.windowSum(t, [2, 2], windowOptions), wx),
  windowProduct: unary((t) => nx.windowProduct(t, [2, 2], windowOptions), wx),
  windowMax: unary((t) => nx.windowMax(t, [2, 2], windowOptions), wx),
  windowMin: unary((t) => nx.windowMin(t, [2, 2], windowOptions), wx),
  windowSelectScatter: unary(windowScatter(nx.windowMax), () => rand(25, [3, 3])),
  windowSelectGather: unary(
    (u) =>
      nx.grad((v: nx.Tensor) => nx.sum(nx.multiply(windowScatter(nx.windowMin)(v), u)))(
        rand(26, [3, 3]),
      ),
    () => rand(27, [3, 5]),
  ),
};

/** Primitives whose derivative is not written yet, and a use of each that grad must refuse. */
const NOT_YET: Record<string, () => unknown> = {};

/** Primitives whose reverse-mode derivative does not exist, and a use grad must refuse (why). */
const UNDEFINED: Record<string, [() => unknown, RegExp]> = {
  whileLoop: [
    () =>
      nx.grad((x: nx.Tensor) =>
        nx.sum(
          nx.whileLoop(
            x,
            (s) => nx.less(nx.sum(s), 10),
            (s) => nx.multiply(s, 2),
          ),
        ),
      )(nx.tensor([1, 2], { dtype: "f64" })),
    /^Error: whileLoop: reverse-mode derivatives through whileLoop are not defined: its number of iterations depends on the values/,
  ],
};

/** Wraps each derivative rule so a case can tell which rules its gradient check ran. */
function recordRules(prims: readonly AnyPrimitive[]): Set<string> {
  const ran = new Set<string>();
  for (const p of prims) {
    const rule = derivativeOf(p);
    if (!rule || isDerivativeNotImplemented(rule) || isDerivativeUndefined(rule)) continue;
    Object.defineProperty(p, "vjp", {
      value: (...args: Parameters<typeof rule>) => {
        ran.add(p.name);
        return rule(...args);
      },
    });
  }
  return ran;
}

describe("primitive registry", () => {
  const prims = definedPrimitives();
  const ran = recordRules(prims);

  it("has one primitive per name", () => {
    assert.equal(new Set(prims.map((p) => p.name)).size, prims.length);
  });

  it("every primitive has a derivative rule with a gradient check here, or the no-derivative marker", () => {
    const missing = prims
      .filter(
        (p) =>
          derivativeOf(p) && !(p.name in CASES) && !(p.name in NOT_YET) && !(p.name in UNDEFINED),
      )
      .map((p) => p.name);
    assert.deepEqual(missing, [], `primitives without a gradient check: ${missing.join(", ")}`);
    const unknown = Object.keys(CASES).filter((n) => !prims.some((p) => p.name === n));
    assert.deepEqual(unknown, [], `cases for no primitive: ${unknown.join(", ")}`);
    for (const p of prims) {
      if (derivativeOf(p)) continue;
      const reason = (p.vjp as { noDerivative: string }).noDerivative;
      assert.ok(typeof reason === "string" && reason.length > 0, `${p.name}: a reason is given`);
    }
  });

  it("a derivative not written yet is an error naming the op, never a silent zero", () => {
    const pending = prims.filter((p) => isDerivativeNotImplemented(derivativeOf(p)));
    assert.deepEqual(pending.map((p) => p.name).sort(), Object.keys(NOT_YET).sort());
    for (const [name, use] of Object.entries(NOT_YET))
      assert.throws(
        use,
        new RegExp(`^Error: ${name}: gradients of ${name} are not implemented yet`),
      );
  });

  it("a derivative that does not exist is an error saying why, never a silent zero", () => {
    const undefinedRules = prims.filter((p) => isDerivativeUndefined(derivativeOf(p)));
    assert.deepEqual(undefinedRules.map((p) => p.name).sort(), Object.keys(UNDEFINED).sort());
    for (const [use, message] of Object.values(UNDEFINED)) assert.throws(use, message);
  });

  for (const p of prims.filter((q) => derivativeOf(q) && q.name in CASES)) {
    it(`${p.name}: the derivative rule matches finite differences (f64)`, () => {
      ran.clear();
      CASES[p.name]!();
      assert.ok(ran.has(p.name), `the case ran the rules of ${[...ran].join(", ")}, not ${p.name}`);
    });
  }

  it("no gradient flows through a primitive marked as having none", () => {
    const x = nx.tensor([1.5, -2, 0.5], { dtype: "f64" });
    const g = nx.grad((t: nx.Tensor) => nx.sum(nx.multiply(t, nx.stopGradient(t))))(x);
    assert.deepEqual(g.toArray(), [1.5, -2, 0.5]);
  });
});
