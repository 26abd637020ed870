/**
 * Numerics of the log-space activations and the losses built on them: softplus and logSigmoid
 * (one definition, derivative σ(x), ½ at 0, finite for any x), binary cross-entropy from logits at
 * logit 0, and softmax / logSoftmax / logSumexp / categorical cross-entropy on rows masked with −∞.
 * Expected values come from the formulas cited next to them, in plain f64 JavaScript; gradients
 * are also checked against central finite differences in f64.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { assertClose, checkGrad, f64, numericGrad } from "./numeric.js";

const { activations: A, losses } = nn;

/** σ(x) = 1 / (1 + e^−x). */
const sigma = (x: number) => 1 / (1 + Math.exp(-x));
/** log(1 + eˣ), written so that neither branch overflows. */
const softplusRef = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** d/dx Σ f(x), elementwise. */
const gradOf = (f: (x: nx.Tensor) => nx.Tensor, x: nx.Tensor): number[] =>
  Array.from(
    nx
      .grad((t: nx.Tensor) => nx.sum(f(t)))(x)
      .data() as Float64Array | Float32Array,
  );

const noNaN = (xs: ArrayLike<number>, what: string) =>
  assert.ok(
    Array.from(xs).every((v) => !Number.isNaN(v)),
    `${what}: ${Array.from(xs)}`,
  );

describe("softplus and logSigmoid", () => {
  const xs = [-30, -2, -1e-3, 0, 1e-3, 0.7, 2, 30];

  it("softplus(x) = log(1 + eˣ) with derivative σ(x), exactly ½ at 0", () => {
    const x = f64(xs);
    assertClose(A.softplus(x).toArray(), xs.map(softplusRef), 1e-15, 0, "softplus");
    const g = gradOf(A.softplus, x);
    assertClose(g, xs.map(sigma), 1e-15, 1e-17, "softplus'");
    assert.equal(g[xs.indexOf(0)], 0.5);
    checkGrad((t) => nx.sum(A.softplus(t)), x, "softplus");
  });

  it("logSigmoid(x) = −softplus(−x) with derivative σ(−x), exactly ½ at 0", () => {
    const x = f64(xs);
    assertClose(
      A.logSigmoid(x).toArray(),
      xs.map((v) => -softplusRef(-v)),
      1e-15,
      0,
      "logSigmoid",
    );
    assertClose(A.logSigmoid(f64([0])).toArray(), [-Math.LN2], 1e-16);
    const g = gradOf(A.logSigmoid, x);
    assertClose(
      g,
      xs.map((v) => sigma(-v)),
      1e-15,
      1e-17,
      "logSigmoid'",
    );
    assert.equal(g[xs.indexOf(0)], 0.5);
    checkGrad((t) => nx.sum(A.logSigmoid(t)), x, "logSigmoid");
  });

  it("the second derivative of softplus at 0 is σ'(0) = ¼", () => {
    const d2 = nx.grad((t: nx.Tensor) =>
      nx.sum(nx.grad((u: nx.Tensor) => nx.sum(A.softplus(u)))(t)),
    )(f64([0]));
    assertClose(d2.toArray(), [0.25], 1e-15);
  });

  it("mish'(0) = tanh(softplus(0)) = tanh(log 2) = 0.6", () => {
    assertClose(gradOf(A.mish, f64([0])), [0.6], 1e-15);
  });

  for (const dtype of ["f32", "f64"] as const) {
    it(`is finite with finite gradients for x = ±1e4 and ±∞ (${dtype})`, () => {
      const x = nx.tensor([1e4, -1e4, Infinity, -Infinity], { dtype });
      // assertClose with no tolerance: equal values (0 and −0 alike).
      assertClose(A.softplus(x).toArray(), [1e4, 0, Infinity, 0], 0, 0);
      assertClose(A.logSigmoid(x).toArray(), [0, -1e4, 0, -Infinity], 0, 0);
      assertClose(gradOf(A.softplus, x), [1, 0, 1, 0], 0, 0);
      assertClose(gradOf(A.logSigmoid, x), [0, 1, 0, 1], 0, 0);
    });
  }

  it("as layers: the same values and gradients", () => {
    const x = f64([[-1, 0, 2]]);
    const model = nn.input("x", [null, 3]).softplus();
    const g = nx.grad((t: nx.Tensor) =>
      nx.sum(nn.build(model).forward({}, {}, t).prediction as nx.Tensor),
    )(x);
    assertClose(g.toArray(), [[-1, 0, 2].map(sigma)], 1e-15);
  });
});

describe("binary cross-entropy and soft margin use the same softplus", () => {
  // Per element: y·softplus(−z) + (1 − y)·softplus(z), mean over the last axis then the batch; its
  // derivative in z is (σ(z) − y) / n with n the number of elements.
  const Z = [
    [0, 0],
    [1.5, -2],
  ];
  const Y = [
    [1, 0],
    [0, 1],
  ];
  const expectedGrad = Z.map((row, i) => row.map((z, j) => (sigma(z) - Y[i]![j]!) / 4));

  it("from logits: the true gradient (σ(z) − y)/n at logit 0 (was twice that)", () => {
    const z = f64(Z);
    const y = f64(Y);
    const loss = (t: nx.Tensor) => losses.binaryCrossEntropy(y, t, { fromLogits: true });
    const value =
      (Z.flat().reduce((s, zv, k) => {
        const yv = Y.flat()[k]!;
        return s + yv * softplusRef(-zv) + (1 - yv) * softplusRef(zv);
      }, 0) as number) / 4;
    assertClose(loss(z).toNumber(), value, 1e-15);
    const g = nx.grad(loss)(z).toArray() as number[][];
    assertClose(g, expectedGrad, 1e-14, 1e-17);
    assert.equal(g[0]![0], -0.125); // (½ − 1)/4
    assert.equal(g[0]![1], 0.125); // (½ − 0)/4
    checkGrad(loss, z, "binaryCrossEntropy fromLogits");
  });

  it("from a sigmoid's recorded logits: the same gradient", () => {
    const y = f64(Y);
    const g = nx.grad((t: nx.Tensor) => losses.binaryCrossEntropy(y, A.sigmoid(t)))(f64(Z));
    assertClose(g.toArray(), expectedGrad, 1e-14, 1e-17);
  });

  it("soft margin log(1 + e^(−y·p)) has derivative −y·σ(−y·p)/n: −y/2n at p = 0", () => {
    const y = f64([[1, -1]]);
    const loss = (p: nx.Tensor) => losses.softMargin(y, p);
    assertClose(loss(f64([[0, 0]])).toNumber(), Math.LN2, 1e-15);
    assertClose(
      nx
        .grad(loss)(f64([[0, 0]]))
        .toArray(),
      [[-0.25, 0.25]],
      1e-15,
    );
    checkGrad(loss, f64([[0, 0.3]]), "softMargin");
  });

  it("a logit of ±∞ gives a finite or infinite loss, never NaN, and finite gradients", () => {
    const z = f64([[Infinity, -Infinity]]);
    const y = f64([[1, 0]]);
    const loss = (t: nx.Tensor) => losses.binaryCrossEntropy(y, t, { fromLogits: true });
    assert.equal(loss(z).toNumber(), 0);
    assert.deepEqual(nx.grad(loss)(z).toArray(), [[0, 0]]);
    assert.equal(
      losses.binaryCrossEntropy(f64([[0]]), f64([[Infinity]]), { fromLogits: true }).toNumber(),
      Infinity,
    );
  });
});

describe("softmax, logSoftmax and logSumexp on rows masked with −∞", () => {
  const ninf = -Infinity;
  // A fully masked row, a partially masked one, and an unmasked one.
  const X = [
    [ninf, ninf, ninf],
    [0.5, ninf, 2],
    [1, -2, 0.25],
  ];
  /** The softmax of a row from its definition eˣ / Σ eˣ (0 for a row with Σ eˣ = 0). */
  const softmaxRow = (row: number[]) => {
    const m = Math.max(...row);
    if (m === ninf) return row.map(() => 0);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  /** log Σ eˣ of a row (−∞ for a fully masked row). */
  const lseRow = (row: number[]) => {
    const m = Math.max(...row);
    if (m === ninf) return ninf;
    return m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
  };
  /** Fixed weights, so every output element gets its own cotangent. */
  const W = f64([
    [0.3, -1.1, 0.7],
    [1.9, 0.4, -0.6],
    [-0.8, 1.3, 0.5],
  ]);
  /** The finite elements of t (masked outputs replaced by 0). */
  const finitePart = (t: nx.Tensor) => nx.select(nx.isInfinite(t), 0, t);

  it("softmax: 0s for a fully masked row, exact elsewhere, gradient 0 to masked entries", () => {
    const x = f64(X);
    assertClose(A.softmax(x).toArray(), X.map(softmaxRow), 1e-15, 1e-300, "softmax");
    const f = (t: nx.Tensor) => nx.sum(nx.multiply(A.softmax(t), W));
    const g = nx.grad(f)(x);
    noNaN(g.data(), "softmax gradient");
    const rows = g.toArray() as number[][];
    assertClose(rows[0], [0, 0, 0], 0, 0);
    assert.equal(rows[1]![1], 0);
    // Unmasked entries against the closed form s ⊙ (w − s·w) and finite differences.
    X.forEach((row, i) => {
      const s = softmaxRow(row);
      const w = (W.toArray() as number[][])[i]!;
      const sw = s.reduce((a, v, j) => a + v * w[j]!, 0);
      assertClose(
        rows[i],
        s.map((v, j) => v * (w[j]! - sw)),
        1e-14,
        1e-16,
        `row ${i}`,
      );
    });
    checkGrad(f, x, "softmax");
  });

  it("logSoftmax: −∞ for a fully masked row and masked entries, exact elsewhere, finite gradients", () => {
    const x = f64(X);
    const expected = X.map((row) => {
      const lse = lseRow(row);
      return row.map((v) => (lse === ninf ? ninf : v - lse));
    });
    assertClose(A.logSoftmax(x).toArray(), expected, 1e-15, 1e-15, "logSoftmax");
    const f = (t: nx.Tensor) => nx.sum(nx.multiply(finitePart(A.logSoftmax(t)), W));
    const g = nx.grad(f)(x);
    noNaN(g.data(), "logSoftmax gradient");
    // d/dx Σ w·(x − lse) = w − softmax · Σw over the finite outputs (masked entries have w = 0).
    const rows = g.toArray() as number[][];
    X.forEach((row, i) => {
      const s = softmaxRow(row);
      const w = (W.toArray() as number[][])[i]!.map((v, j) => (row[j] === ninf ? 0 : v));
      const total = w.reduce((a, b) => a + b, 0);
      assertClose(
        rows[i],
        w.map((v, j) => v - s[j]! * total),
        1e-14,
        1e-16,
        `row ${i}`,
      );
    });
    checkGrad(f, x, "logSoftmax");
  });

  it("logSumexp: −∞ for a fully masked row (as nx.logsumexp), gradient softmax (0 there)", () => {
    const x = f64(X);
    assertClose(
      A.logSumexp(x).toArray(),
      X.map((row) => [lseRow(row)]),
      1e-15,
      0,
      "logSumexp",
    );
    assert.deepEqual(
      A.logSumexp(x).toArray(),
      nx.logsumexp(x, { axes: [1], keepAxes: true }).toArray(),
    );
    const w = f64([[0.5], [-1.5], [2]]);
    const f = (t: nx.Tensor) => nx.sum(nx.multiply(finitePart(A.logSumexp(t)), w));
    const g = nx.grad(f)(x);
    noNaN(g.data(), "logSumexp gradient");
    assertClose(
      g.toArray(),
      X.map((row, i) => softmaxRow(row).map((s) => s * [0.5, -1.5, 2][i]!)),
      1e-14,
      1e-16,
    );
    checkGrad(f, x, "logSumexp");
  });

  it("along another axis and inside nx.jit: the same values, no NaN", () => {
    const x = f64(X);
    const xt = nx.transpose(x);
    assertClose(
      nx.transpose(A.softmax(xt, { axis: 0 })).toArray(),
      X.map(softmaxRow),
      1e-15,
      1e-300,
    );
    const step = nx.jit((t: nx.Tensor) =>
      nx.valueAndGrad((u: nx.Tensor) => nx.sum(nx.multiply(A.softmax(u), W)))(t),
    );
    const [value, grad] = step(x) as unknown as [nx.Tensor, nx.Tensor];
    noNaN([value.toNumber()], "jit value");
    noNaN(grad.data(), "jit gradient");
    assertClose(
      grad.toArray(),
      nx
        .grad((u: nx.Tensor) => nx.sum(nx.multiply(A.softmax(u), W)))(x)
        .toArray(),
      1e-15,
      1e-17,
    );
  });

  it("categorical cross-entropy from masked logits: exact where the target is possible, never NaN", () => {
    // Targets on unmasked classes only; per sample −Σ y·(z − lse(z)) with 0·(−∞) = 0.
    const Z = X.slice(1);
    const Y = [
      [0.25, 0, 0.75],
      [0, 1, 0],
    ];
    const z = f64(Z);
    const y = f64(Y);
    const perSample = Z.map((row, i) => {
      const lse = lseRow(row);
      return -Y[i]!.reduce((a, yv, j) => a + (yv === 0 ? 0 : yv * (row[j]! - lse)), 0);
    });
    const loss = (t: nx.Tensor) => losses.categoricalCrossEntropy(y, t, { fromLogits: true });
    assertClose(
      losses.categoricalCrossEntropy(y, z, { fromLogits: true, reduction: "none" }).toArray(),
      perSample,
      1e-15,
    );
    // d/dz = (softmax(z) − y) / batch, 0 for the masked class.
    const g = nx.grad(loss)(z);
    assertClose(
      g.toArray(),
      Z.map((row, i) => softmaxRow(row).map((s, j) => (s - Y[i]![j]!) / 2)),
      1e-14,
      1e-17,
    );
    assert.equal((g.toArray() as number[][])[0]![1], 0);
    assertClose(Array.from(g.data() as Float64Array), numericGrad(loss, z), 1e-6, 1e-8);
    // From a softmax's recorded logits, and with sparse targets: the same.
    const probs = A.softmax(z);
    assertClose(losses.categoricalCrossEntropy(y, probs).toNumber(), loss(z).toNumber(), 1e-15);
    const sparse = (t: nx.Tensor) =>
      losses.categoricalCrossEntropy(nx.tensor([2, 1], { dtype: "s32" }), t, {
        fromLogits: true,
        sparse: true,
      });
    noNaN(nx.grad(sparse)(z).data(), "sparse gradient");
    // A fully masked row makes its target impossible: loss +∞, gradient still finite.
    const full = f64([X[0]!]);
    const inf = (t: nx.Tensor) =>
      losses.categoricalCrossEntropy(f64([[1, 0, 0]]), t, { fromLogits: true });
    assert.equal(inf(full).toNumber(), Infinity);
    noNaN(nx.grad(inf)(full).data(), "fully masked gradient");
  });
});
