// cond and whileLoop: known answers from formulas, jit equal to eager bit for bit, derivatives of
// cond against central finite differences in f64 (eagerly, where cond calls the branch, and under
// jit, where the derivative is itself a traced cond), and the error paths.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { assertGradient, rand } from "./gradcheck.js";

const f64 = (x: number | number[]) => nx.tensor(x, { dtype: "f64" });

/** Tensors of a result tree as { dtype, shape, values }. */
function snapshot(x: unknown): unknown {
  if (x instanceof nx.Tensor) return { dtype: x.dtype, shape: [...x.shape], values: x.toArray() };
  if (Array.isArray(x)) return x.map(snapshot);
  if (x !== null && typeof x === "object")
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, snapshot(v)]));
  return x;
}

/** jit(f)(...args) equals f(...args) bit for bit (first and cached call); returns the result. */
function same<A extends unknown[]>(f: (...args: A) => unknown, ...args: A): unknown {
  const jf = nx.jit(f);
  const eager = snapshot(f(...args));
  assert.deepEqual(snapshot(jf(...args)), eager);
  assert.deepEqual(snapshot(jf(...args)), eager, "second (cached) call");
  return eager;
}

/** Central differences of a scalar function of a f64 vector. */
function numericGradient(f: (x: nx.Tensor) => nx.Tensor, x: nx.Tensor, eps = 1e-6): number[] {
  const base = x.data();
  return Array.from(base, (_, i) => {
    const at = (d: number) => {
      const moved = base.slice();
      moved[i]! += d;
      return f(nx.reshape(nx.tensor(moved), x.shape)).toNumber();
    };
    return (at(eps) - at(-eps)) / (2 * eps);
  });
}

function assertClose(actual: number[], expected: number[], tol: number): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) =>
    assert.ok(
      Math.abs(a - expected[i]!) <= tol * (1 + Math.abs(expected[i]!)),
      `[${i}]: ${a} vs ${expected[i]}`,
    ),
  );
}

// The piecewise function p(x) = x² sin x for x > 0, eˣ − 1 otherwise, summed over a vector and
// chosen by the sign of the vector's sum; p'(x) = 2x sin x + x² cos x, resp. eˣ.
const piecewise = (x: nx.Tensor) =>
  nx.sum(
    nx.cond(
      nx.greater(nx.sum(x), 0),
      (t: nx.Tensor) => nx.multiply(nx.multiply(t, t), nx.sin(t)),
      (t: nx.Tensor) => nx.expm1(t),
      x,
    ),
  );
const piecewiseValue = (xs: number[]) =>
  xs.reduce((a, b) => a + b, 0) > 0
    ? xs.reduce((s, t) => s + t * t * Math.sin(t), 0)
    : xs.reduce((s, t) => s + Math.expm1(t), 0);
const piecewiseGrad = (xs: number[]) =>
  xs.reduce((a, b) => a + b, 0) > 0
    ? xs.map((t) => 2 * t * Math.sin(t) + t * t * Math.cos(t))
    : xs.map((t) => Math.exp(t));

describe("cond", () => {
  const positive = [0.5, 1.25, -0.3];
  const negative = [-0.5, 0.25, -1.3];

  it("picks a branch: known values of a piecewise function, eager and jit alike", () => {
    for (const xs of [positive, negative]) {
      const value = same(piecewise, f64(xs)) as { values: number };
      assert.ok(Math.abs(value.values - piecewiseValue(xs)) < 1e-14);
    }
    // A boolean or number predicate just calls the branch.
    assert.equal(
      nx.cond(
        true,
        () => 1,
        () => 2,
      ),
      1,
    );
    assert.equal(
      nx.cond(
        0,
        () => 1,
        () => 2,
      ),
      2,
    );
  });

  it("under jit runs only the chosen branch (the other would never end)", () => {
    const forever = (t: nx.Tensor) =>
      nx.whileLoop(
        t,
        () => nx.tensor(1, { dtype: "u8" }),
        (s) => nx.add(s, 1),
      );
    const f = nx.jit((p: nx.Tensor, x: nx.Tensor) =>
      nx.cond(p, (t: nx.Tensor) => nx.multiply(t, 3), forever, x),
    );
    assert.deepEqual(f(nx.tensor(1), nx.tensor([1, 2])).toArray(), [3, 6]);
    // debugExpr prints the sub-programs under the node, as Nx.Defn.debug_expr does.
    const text = f.debugExpr(nx.tensor(1), nx.tensor([1, 2]));
    assert.match(
      text,
      /%2: f32\[2\] = cond\(%0, %1\) \{"call":"cond#\d+","output":0\}\n {4}onFalse: fn\(%0: f32\[2\]\) \{\n/,
    );
    assert.match(text, /\n {8}body: fn\(%0: f32\[2\]\) \{\n/);
    assert.match(
      text,
      /\n {4}onTrue: fn\(%0: f32\[2\]\) \{\n {6}%1: f32 = const 3\n {6}%2: f32\[2\] = multiply\(%0, %1\)\n {6}return \(%2\)\n {4}\}\n/,
    );
  });

  it("returns trees, reads closed-over tensors and static leaves, jit = eager", () => {
    const w = rand(1, [3], -2, 2);
    const f = (p: nx.Tensor, x: nx.Tensor, k: nx.Tensor) =>
      nx.cond(
        nx.greater(p, 0),
        (a: nx.Tensor, b: nx.Tensor) => ({ y: nx.multiply(a, w), n: [nx.add(b, 1), "tag"] }),
        (a: nx.Tensor, b: nx.Tensor) => ({ y: nx.subtract(a, w), n: [nx.multiply(b, b), "tag"] }),
        x,
        k,
      );
    const x = rand(2, [3]);
    const k = nx.tensor([3, -4], { dtype: "s32" });
    for (const p of [1.5, -1.5]) {
      same(f, f64(p), x, k);
      const r = nx.jit(f)(f64(p), x, k);
      assert.equal(r.n[1], "tag");
      assert.deepEqual((r.n[0] as nx.Tensor).toArray(), p > 0 ? [4, -3] : [9, 16]);
    }
  });

  it("nests: a cond inside a branch of a cond, and inside a loop body", () => {
    const sign = (x: nx.Tensor) =>
      nx.cond(
        nx.greater(x, 0),
        () => nx.tensor(1, { dtype: "f64" }),
        () =>
          nx.cond(
            nx.less(x, 0),
            () => nx.tensor(-1, { dtype: "f64" }),
            () => nx.tensor(0, { dtype: "f64" }),
          ),
      );
    for (const [x, s] of [
      [2.5, 1],
      [-0.5, -1],
      [0, 0],
    ] as const)
      assert.deepEqual(same(sign, f64(x)), { dtype: "f64", shape: [], values: s });
  });

  it("derivative: matches the formula and finite differences eagerly and under jit (f64)", () => {
    for (const xs of [positive, negative]) {
      const x = f64(xs);
      assertGradient(piecewise, x);
      const traced = nx.jit(nx.grad(piecewise))(x).toArray() as number[];
      assertClose(traced, piecewiseGrad(xs), 1e-12);
      assertClose(traced, numericGradient(nx.jit(piecewise), x), 1e-6);
    }
  });

  it("derivative reaches closed-over tensors, and a gradient of a gradient", () => {
    // d/dw Σ cond(s > 0, x·w, x / w) = x or −x / w².
    const x = f64([0.5, -2, 1.5]);
    const loss = (w: nx.Tensor, s: nx.Tensor) =>
      nx.sum(
        nx.cond(
          nx.greater(s, 0),
          () => nx.multiply(x, w),
          () => nx.divide(x, w),
        ),
      );
    const w = f64([1.5, 0.75, -2]);
    for (const sgn of [1, -1]) {
      const g = nx.jit(nx.grad(loss))(w, f64(sgn)).toArray() as number[];
      const expected =
        sgn > 0 ? [0.5, -2, 1.5] : [0.5, -2, 1.5].map((xi, i) => -xi / [1.5, 0.75, -2][i]! ** 2);
      assertClose(g, expected, 1e-14);
      const jl = nx.jit(loss);
      assertClose(
        g,
        numericGradient((t) => jl(t, f64(sgn)), w),
        1e-6,
      );
    }
    // Second derivative of Σ cond(Σx > 0, sin x, x³): −sin x, resp. 6x.
    const h = (t: nx.Tensor) =>
      nx.sum(
        nx.cond(
          nx.greater(nx.sum(t), 0),
          (u: nx.Tensor) => nx.sin(u),
          (u: nx.Tensor) => nx.multiply(nx.multiply(u, u), u),
          t,
        ),
      );
    const second = (t: nx.Tensor) => nx.sum(nx.grad(h)(t));
    const d2 = nx.jit(nx.grad(second));
    assertClose(d2(f64([0.5, 1])).toArray() as number[], [-Math.sin(0.5), -Math.sin(1)], 1e-14);
    assertClose(d2(f64([-0.5, -1])).toArray() as number[], [-3, -6], 1e-14);
  });

  it("errors: mismatched branches, a non-scalar predicate, a non-function", () => {
    const x = nx.tensor([1, 2, 3]);
    const mismatched = nx.jit((p: nx.Tensor) =>
      nx.cond(
        p,
        (t: nx.Tensor) => t,
        (t: nx.Tensor) => nx.slice(t, [0], [2]),
        x,
      ),
    );
    assert.throws(
      () => mismatched(nx.tensor(1)),
      /^TypeError: cond: onTrue and onFalse must return the same structure, shapes and dtypes; at result onTrue f32\[3\] and onFalse f32\[2\]$/,
    );
    const structure = nx.jit((p: nx.Tensor) =>
      nx.cond(
        p,
        () => [x, x],
        () => [x],
      ),
    );
    assert.throws(
      () => structure(nx.tensor(1)),
      /^TypeError: cond: onTrue and onFalse must return the same structure, shapes and dtypes; onTrue an array of 2 \(result\[0\]: f32\[3\], result\[1\]: f32\[3\]\) and onFalse an array of 1 \(result\[0\]: f32\[3\]\)$/,
    );
    const dtypes = nx.jit((p: nx.Tensor) =>
      nx.cond(
        p,
        () => x,
        () => nx.asType(x, "s32"),
      ),
    );
    assert.throws(() => dtypes(nx.tensor(1)), /at result onTrue f32\[3\] and onFalse s32\[3\]/);
    assert.throws(
      () =>
        nx.cond(
          nx.tensor([1, 0]),
          () => x,
          () => x,
        ),
      /^TypeError: cond: the predicate must be a scalar tensor, got a tensor f32\[2\]$/,
    );
    assert.throws(
      () =>
        nx.jit((p: nx.Tensor) =>
          nx.cond(
            p,
            () => x,
            () => x,
          ),
        )(nx.tensor([1])),
      /^TypeError: cond: the predicate must be a scalar tensor, got a tensor f32\[1\]$/,
    );
    assert.throws(
      () =>
        nx.cond(
          "yes" as never,
          () => x,
          () => x,
        ),
      /^TypeError: cond: the predicate must be a scalar tensor, a boolean or a number, got "yes"$/,
    );
    assert.throws(
      () => nx.cond(true, 5 as never, () => x),
      /^TypeError: cond: onTrue must be a function, got number 5$/,
    );
  });
});

describe("whileLoop", () => {
  const newton = (a: nx.Tensor) =>
    nx.whileLoop(
      f64(1),
      (x) => nx.greater(nx.abs(nx.subtract(nx.multiply(x, x), a)), 1e-15),
      (x) => nx.multiply(nx.add(x, nx.divide(a, x)), 0.5),
    );

  it("Newton's iteration x ← (x + 2/x)/2 converges to √2; jit = eager bit for bit", () => {
    const r = same(newton, f64(2)) as { values: number };
    assert.ok(Math.abs(r.values - Math.SQRT2) <= 2.3e-16, `${r.values}`);
    const r9 = same(newton, f64(9)) as { values: number };
    assert.equal(r9.values, 3);
  });

  /** Collatz: n ← n/2 (n even) or 3n + 1, counting steps until n = 1 (a cond in the body). */
  const collatz = (n: nx.Tensor) =>
    nx.whileLoop(
      { n, steps: nx.tensor(0, { dtype: "s32" }) },
      (s) => nx.greater(s.n, 1),
      (s) => ({
        n: nx.cond(
          nx.equal(nx.remainder(s.n, 2), 0),
          (m: nx.Tensor) => nx.rightShift(m, 1),
          (m: nx.Tensor) => nx.add(nx.multiply(m, 3), 1),
          s.n,
        ),
        steps: nx.add(s.steps, 1),
      }),
    );

  it("counts Collatz steps (27 → 111, 97 → 118, 871 → 178: OEIS A006577), one compile", () => {
    const jc = nx.jit(collatz);
    for (const [n, steps] of [
      [27, 111],
      [97, 118],
      [871, 178],
      [1, 0],
    ] as const) {
      const start = nx.tensor(n, { dtype: "s32" });
      const r = jc(start);
      assert.equal(r.steps.toNumber(), steps);
      assert.equal(r.n.toNumber(), 1);
      assert.deepEqual(snapshot(r), snapshot(collatz(start)));
    }
    assert.equal(jc.cacheInfo().compiles, 1);
  });

  it("reads closed-over tensors, runs zero times when the condition fails at once", () => {
    const step = rand(3, [4]);
    const f = (x: nx.Tensor, limit: nx.Tensor) =>
      nx.whileLoop(
        [x, nx.tensor(0, { dtype: "s32" })] as [nx.Tensor, nx.Tensor],
        ([v]) => nx.less(nx.sum(v), limit),
        ([v, k]) => [nx.add(v, nx.abs(step)), nx.add(k, 1)] as [nx.Tensor, nx.Tensor],
      );
    const x = nx.zeros([4], { dtype: "f64" });
    const [v, k] = same(f, x, nx.tensor(5)) as [{ values: number[] }, { values: number }];
    // k is the least integer with k · Σ|step| ≥ 5 (f32 rounding aside, the same here).
    const total = nx.sum(nx.abs(step)).toNumber();
    assert.equal(k.values, Math.ceil(5 / total));
    assert.ok(Math.abs(v.values.reduce((a, b) => a + b, 0) - k.values * total) < 1e-4);
    const [v0, k0] = same(f, x, nx.tensor(-1)) as [{ values: number[] }, { values: number }];
    assert.deepEqual([v0.values, k0.values], [[0, 0, 0, 0], 0]);
  });

  it("maxIterations stops a loop whose condition still holds, eager and jit alike", () => {
    // x ← x/2 + 1 from 0 never reaches 2; after n steps x = 2 − 2^(1−n).
    const halve = (n: number) => (x: nx.Tensor) =>
      nx.whileLoop(
        x,
        (v) => nx.less(v, 2),
        (v) => nx.add(nx.multiply(v, 0.5), 1),
        { maxIterations: n },
      );
    for (const n of [0, 1, 7, 40]) {
      const r = same(halve(n), f64(0)) as { values: number };
      assert.equal(r.values, 2 - 2 ** (1 - n));
    }
    // A limit beyond what the condition needs changes nothing.
    const collatzCapped = nx.jit((n: nx.Tensor) =>
      nx.whileLoop(
        { n, steps: nx.tensor(0, { dtype: "s32" }) },
        (s) => nx.greater(s.n, 1),
        (s) => ({
          n: nx.select(
            nx.equal(nx.remainder(s.n, 2), 0),
            nx.rightShift(s.n, 1),
            nx.add(nx.multiply(s.n, 3), 1),
          ),
          steps: nx.add(s.steps, 1),
        }),
        { maxIterations: 1000 },
      ),
    );
    assert.equal(collatzCapped(nx.tensor(27, { dtype: "s32" })).steps.toNumber(), 111);
    for (const bad of [-1, 1.5, "3", 2 ** 31])
      assert.throws(
        () =>
          nx.whileLoop(
            f64(0),
            () => false,
            (v) => v,
            { maxIterations: bad as number },
          ),
        /^RangeError: whileLoop: maxIterations must be (a non-negative integer|at most 2147483647), got /,
      );
  });

  it("errors: a body that changes the state (naming the leaf), a non-scalar condition, grad", () => {
    const init = { a: nx.zeros([2]), b: [nx.zeros([3])] };
    const grow = (s: typeof init) => ({ a: s.a, b: [nx.concatenate([s.b[0]!, s.b[0]!])] });
    const message =
      /^TypeError: whileLoop: body must return the structure, shapes and dtypes of the initial state; at state\.b\[0\] the initial state has f32\[3\] and body returned f32\[6\]$/;
    assert.throws(() => nx.whileLoop(init, () => true, grow), message);
    assert.throws(() => nx.jit(() => nx.whileLoop(init, () => true, grow))(), message);
    assert.throws(
      () =>
        nx.whileLoop(
          init,
          () => true,
          (s) => ({ a: s.a }) as never,
        ),
      /^TypeError: whileLoop: body must return the structure, shapes and dtypes of the initial state; the initial state has an object with keys a, b .* and body returned an object with keys a /,
    );
    assert.throws(
      () =>
        nx.jit((x: nx.Tensor) =>
          nx.whileLoop(
            x,
            (s) => s,
            (s) => s,
          ),
        )(nx.zeros([2])),
      /^TypeError: whileLoop: condition must return a scalar tensor or a boolean, got a tensor f32\[2\]$/,
    );
    assert.throws(
      () =>
        nx.whileLoop(
          nx.zeros([2]),
          (s) => s,
          (s) => s,
        ),
      /^TypeError: whileLoop: condition's result must be a scalar tensor, got a tensor f32\[2\]$/,
    );
    assert.throws(
      () => nx.jit(nx.grad((x: nx.Tensor) => nx.sum(newton(x))))(f64(2)),
      /^Error: whileLoop: reverse-mode derivatives through whileLoop are not defined: its number of iterations depends on the values/,
    );
    // A loop that does not depend on the differentiated value is no obstacle.
    const g = nx.jit(nx.grad((x: nx.Tensor) => nx.multiply(x, newton(f64(4)))))(f64(3));
    assert.equal(g.toNumber(), 2);
    // Eagerly under a tape the loop runs through its primitive (one run for both state leaves).
    const eager = nx.grad((x: nx.Tensor) => {
      const [r, n] = nx.whileLoop(
        [f64(1), nx.tensor(0, { dtype: "s32" })] as [nx.Tensor, nx.Tensor],
        ([v]) => nx.less(v, 100),
        ([v, k]) => [nx.multiply(v, 3), nx.add(k, 1)] as [nx.Tensor, nx.Tensor],
      );
      assert.deepEqual([r.toNumber(), n.toNumber()], [243, 5]);
      return nx.multiply(x, r);
    })(f64(3));
    assert.equal(eager.toNumber(), 243);
    // A tracked tensor read only by a cond nested in the body still reaches the loop: an error.
    assert.throws(
      () =>
        nx.grad((x: nx.Tensor) =>
          nx.whileLoop(
            f64(1),
            (v) => nx.less(v, 10),
            (v) =>
              nx.cond(
                nx.greater(v, 0),
                () => nx.add(v, x),
                () => v,
              ),
          ),
        )(f64(3)),
      /^Error: whileLoop: reverse-mode derivatives through whileLoop are not defined/,
    );
  });

  it("every backend runs cond and whileLoop on large f32 values (Wasm kernels inside) as eager does", () => {
    const x = nx.random.uniform(nx.random.key(1), [64, 64]);
    const f = (t: nx.Tensor, p: nx.Tensor) => {
      const y = nx.cond(
        nx.greater(p, 0),
        (u: nx.Tensor) => nx.tanh(nx.dot(u, u)),
        (u: nx.Tensor) => nx.exp(nx.multiply(u, 2)),
        t,
      );
      const [z] = nx.whileLoop(
        [y, nx.tensor(0, { dtype: "s32" })] as [nx.Tensor, nx.Tensor],
        ([, k]) => nx.less(k, 5),
        ([s, k]) =>
          [nx.add(nx.multiply(s, 0.5), nx.sin(s)), nx.add(k, 1)] as [nx.Tensor, nx.Tensor],
      );
      return nx.multiply(z, t);
    };
    for (const backend of ["js", "wasm", "auto"] as const) {
      const jf = nx.jit(f, { backend });
      for (const p of [1, -1])
        assert.deepEqual(
          jf(x, nx.tensor(p)).toArray(),
          f(x, nx.tensor(p)).toArray(),
          `${backend}, pred ${p}`,
        );
    }
  });
});
