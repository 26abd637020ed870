import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { type Rows, assertClose, checkGrad, f64, meanOf, sumOf } from "./numeric.js";

const { losses } = nn;

// Independent per-sample references in plain f64 JavaScript, straight from each formula.
const rowMean = (f: (y: number, p: number) => number) => (Y: Rows, P: Rows) =>
  Y.map((row, i) => meanOf(row.map((y, j) => f(y, P[i]![j]!))));
const softplus = (x: number) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
const ref = {
  meanSquaredError: rowMean((y, p) => (y - p) ** 2),
  meanAbsoluteError: rowMean((y, p) => Math.abs(y - p)),
  hinge: rowMean((y, p) => Math.max(0, 1 - y * p)),
  logCosh: rowMean((y, p) => Math.log(Math.cosh(p - y))),
  poisson: rowMean((y, p) => p - y * Math.log(p + 1e-7)),
  softMargin: rowMean((y, p) => Math.log(1 + Math.exp(-y * p))),
  huber: rowMean((y, p) => {
    const d = Math.abs(p - y);
    return d <= 1 ? 0.5 * d * d : d - 0.5;
  }),
  binaryCrossEntropy: rowMean((y, p) => -(y * Math.log(p) + (1 - y) * Math.log(1 - p))),
  binaryCrossEntropyLogits: rowMean((y, z) => y * softplus(-z) + (1 - y) * softplus(z)),
  categoricalCrossEntropy: (Y: Rows, P: Rows) =>
    Y.map((row, i) => -sumOf(row.map((y, j) => y * Math.log(P[i]![j]!)))),
  categoricalCrossEntropyLogits: (Y: Rows, Z: Rows) =>
    Y.map((row, i) => {
      const z = Z[i]!;
      const m = Math.max(...z);
      const lse = m + Math.log(sumOf(z.map((v) => Math.exp(v - m))));
      return -sumOf(row.map((y, j) => y * (z[j]! - lse)));
    }),
  categoricalHinge: (Y: Rows, P: Rows) =>
    Y.map((row, i) => {
      const pos = sumOf(row.map((y, j) => y * P[i]![j]!));
      const neg = Math.max(...row.map((y, j) => (1 - y) * P[i]![j]!));
      return Math.max(0, neg - pos + 1);
    }),
  klDivergence: (Y: Rows, P: Rows) =>
    Y.map((row, i) => sumOf(row.map((y, j) => y * Math.log(y / P[i]![j]!)))),
  cosineSimilarity: (Y: Rows, P: Rows) =>
    Y.map((row, i) => {
      const p = P[i]!;
      const dot = sumOf(row.map((y, j) => y * p[j]!));
      const n = Math.hypot(...row) * Math.hypot(...p);
      return -dot / n;
    }),
};

// Inputs chosen inside each loss's domain; yPred is the argument differentiated.
const REG_Y: Rows = [
  [0.5, -1.2, 2.0],
  [1.5, 0.3, -0.7],
];
const REG_P: Rows = [
  [0.1, -0.4, 2.9],
  [1.2, 1.1, -0.2],
];
const SIGN_Y: Rows = [
  [1, -1, 1],
  [-1, -1, 1],
];
const PROB_Y: Rows = [
  [0, 1, 0],
  [0.2, 0.3, 0.5],
];
const PROB_P: Rows = [
  [0.2, 0.5, 0.3],
  [0.1, 0.6, 0.3],
];
const BIN_Y: Rows = [
  [1, 0, 1],
  [0, 0, 1],
];
const BIN_P: Rows = [
  [0.8, 0.3, 0.55],
  [0.1, 0.45, 0.9],
];
const POS_P: Rows = [
  [0.4, 1.3, 2.2],
  [0.9, 0.2, 3.1],
];

const CASES: [keyof typeof ref & keyof typeof losses, Rows, Rows][] = [
  ["meanSquaredError", REG_Y, REG_P],
  ["meanAbsoluteError", REG_Y, REG_P],
  ["hinge", SIGN_Y, REG_P],
  ["logCosh", REG_Y, REG_P],
  ["poisson", PROB_Y, POS_P],
  ["softMargin", SIGN_Y, REG_P],
  ["huber", REG_Y, REG_P],
  ["binaryCrossEntropy", BIN_Y, BIN_P],
  ["categoricalCrossEntropy", PROB_Y, PROB_P],
  [
    "categoricalHinge",
    [
      [0, 1, 0],
      [1, 0, 0],
    ],
    PROB_P,
  ],
  [
    "klDivergence",
    [
      [0.3, 0.3, 0.4],
      [0.2, 0.3, 0.5],
    ],
    PROB_P,
  ],
  ["cosineSimilarity", REG_Y, REG_P],
];

describe("losses against f64 references", () => {
  for (const [name, Y, P] of CASES) {
    it(`${name}: per sample, mean and sum`, () => {
      const loss = losses[name] as nn.Loss;
      const expected = ref[name](Y, P);
      assertClose(
        loss(f64(Y), f64(P), { reduction: "none" }).toArray(),
        expected,
        1e-12,
        1e-14,
        name,
      );
      assertClose(loss(f64(Y), f64(P)).toNumber(), meanOf(expected), 1e-12, 1e-14, `${name} mean`);
      assertClose(
        loss(f64(Y), f64(P), { reduction: "sum" }).toNumber(),
        sumOf(expected),
        1e-12,
        1e-14,
        `${name} sum`,
      );
      // f32 inputs give f32 results close to the f64 reference.
      const r32 = loss(nx.tensor(Y), nx.tensor(P), { reduction: "none" });
      assert.equal(r32.dtype, "f32");
      assertClose(r32.toArray(), expected, 1e-5, 1e-6, `${name} f32`);
    });
    it(`${name}: gradient matches finite differences`, () => {
      const loss = losses[name] as nn.Loss;
      checkGrad((p) => loss(f64(Y), p), f64(P), name);
    });
  }

  it("cross-entropies from logits match the log-sum-exp reference, value and gradient", () => {
    const Z: Rows = [
      [2.0, -1.0, 0.5],
      [-0.3, 0.8, 3.0],
    ];
    assertClose(
      losses
        .categoricalCrossEntropy(f64(PROB_Y), f64(Z), { fromLogits: true, reduction: "none" })
        .toArray(),
      ref.categoricalCrossEntropyLogits(PROB_Y, Z),
      1e-12,
    );
    checkGrad(
      (z) => losses.categoricalCrossEntropy(f64(PROB_Y), z, { fromLogits: true }),
      f64(Z),
      "cce logits",
    );
    assertClose(
      losses
        .binaryCrossEntropy(f64(BIN_Y), f64(Z), { fromLogits: true, reduction: "none" })
        .toArray(),
      ref.binaryCrossEntropyLogits(BIN_Y, Z),
      1e-12,
    );
    checkGrad(
      (z) => losses.binaryCrossEntropy(f64(BIN_Y), z, { fromLogits: true }),
      f64(Z),
      "bce logits",
    );
  });
});

describe("losses: Axon's documented values", () => {
  // The examples in Axon.Losses' documentation (lib/axon/losses.ex).
  it("categoricalCrossEntropy, dense and sparse", () => {
    const yTrue = nx.tensor(
      [
        [0, 1, 0],
        [0, 0, 1],
      ],
      { dtype: "u8" },
    );
    const yPred = nx.tensor([
      [0.05, 0.95, 0],
      [0.1, 0.8, 0.1],
    ]);
    assertClose(
      losses.categoricalCrossEntropy(yTrue, yPred, { reduction: "none" }).toArray(),
      [0.051293306052684784, 2.3025851249694824],
      1e-6,
    );
    assertClose(losses.categoricalCrossEntropy(yTrue, yPred).toNumber(), 1.1769392490386963, 1e-6);
    const sparse = nx.tensor([1, 2], { dtype: "s32" });
    assertClose(
      losses.categoricalCrossEntropy(sparse, yPred, { sparse: true, reduction: "sum" }).toNumber(),
      2.3538784980773926,
      1e-6,
    );
    // A trailing axis of 1 on the class indices is accepted too.
    assertClose(
      losses
        .categoricalCrossEntropy(nx.reshape(sparse, [2, 1]), yPred, {
          sparse: true,
          reduction: "sum",
        })
        .toNumber(),
      2.3538784980773926,
      1e-6,
    );
  });
  it("binaryCrossEntropy, categoricalHinge, hinge, logCosh, poisson, huber, MSE, MAE", () => {
    const bt = nx.tensor([
      [0, 1],
      [1, 0],
      [1, 0],
    ]);
    const bp = nx.tensor([
      [0.6811, 0.5565],
      [0.6551, 0.4551],
      [0.5422, 0.2648],
    ]);
    assertClose(
      losses.binaryCrossEntropy(bt, bp, { reduction: "none" }).toArray(),
      [0.8644826412200928, 0.5150600075721741, 0.45986634492874146],
      1e-5,
    );
    const ht = nx.tensor([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    const hp = nx.tensor([
      [0.05300799, 0.21617081, 0.68642382],
      [0.3754382, 0.08494169, 0.13442067],
    ]);
    assertClose(
      losses.categoricalHinge(ht, hp, { reduction: "none" }).toArray(),
      [1.6334158182144165, 1.2410175800323486],
      1e-6,
    );
    const st = nx.tensor([
      [1, 1, -1],
      [1, 1, -1],
    ]);
    const sp = nx.tensor([
      [0.45440044, 0.31470688, 0.67920924],
      [0.24311459, 0.93466766, 0.10914676],
    ]);
    assertClose(
      losses.hinge(st, sp, { reduction: "none" }).toArray(),
      [0.9700339436531067, 0.6437881588935852],
      1e-6,
    );
    const yt = nx.tensor([
      [0.0, 1.0],
      [0.0, 0.0],
    ]);
    assertClose(
      losses
        .logCosh(
          yt,
          nx.tensor([
            [1.0, 1.0],
            [0.0, 0.0],
          ]),
          { reduction: "none" },
        )
        .toArray(),
      [0.2168903946876526, 0],
      1e-6,
    );
    assertClose(
      losses
        .poisson(
          yt,
          nx.tensor([
            [1.0, 1.0],
            [0.0, 0.0],
          ]),
          { reduction: "none" },
        )
        .toArray(),
      [0.9999999403953552, 0],
      1e-6,
    );
    assertClose(
      losses
        .meanSquaredError(
          yt,
          nx.tensor([
            [1.0, 1.0],
            [1.0, 0.0],
          ]),
          { reduction: "none" },
        )
        .toArray(),
      [0.5, 0.5],
    );
    assertClose(
      losses
        .meanAbsoluteError(
          yt,
          nx.tensor([
            [1.0, 1.0],
            [1.0, 0.0],
          ]),
          { reduction: "sum" },
        )
        .toNumber(),
      1.0,
    );
    const huberMean = losses
      .huber(nx.tensor([[1], [1.5], [2.0]]), nx.tensor([[0.8], [1.8], [2.1]]))
      .toNumber();
    assertClose(huberMean, 0.02333332598209381, 1e-5);
    // Soft margin: Axon's example averages to the same mean.
    const smMean = losses
      .softMargin(nx.tensor([[-1.0, 1.0, 1.0]]), nx.tensor([[0.2953, -0.1709, 0.9486]]))
      .toNumber();
    assertClose(smMean, 0.6537495255470276, 1e-6);
  });
  it("huber switches to the linear part beyond delta", () => {
    const v = losses
      .huber(f64([[0, 0]]), f64([[3, 0.5]]), { delta: 2, reduction: "none" })
      .toArray();
    assertClose(v, [(2 * (3 - 1) + 0.5 * 0.25) / 2], 1e-15);
  });
});

describe("losses: numerical stability", () => {
  it("categorical cross-entropy from logits of ±1e3 is finite and exact", () => {
    const z = nx.tensor([
      [1000, -1000, 0],
      [-1000, 1000, 0],
      [1000, 999, -1000],
    ]);
    const y = nx.tensor([
      [0, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
    const v = losses
      .categoricalCrossEntropy(y, z, { fromLogits: true, reduction: "none" })
      .toArray() as number[];
    // f32 resolves ~6e-5 near 1000, so the third value is good to that.
    assertClose(v, [2000, 0, 1 + Math.log1p(Math.exp(-1))], 1e-6, 1e-4);
    const g = nx.grad((zz: nx.Tensor) =>
      losses.categoricalCrossEntropy(y, zz, { fromLogits: true }),
    )(z);
    assert.ok((g.toArray() as number[][]).flat().every(Number.isFinite));
    const s = losses.categoricalCrossEntropy(nx.tensor([1, 1, 1]), z, {
      fromLogits: true,
      sparse: true,
      reduction: "none",
    });
    assertClose(s.toArray(), v, 1e-6, 1e-4);
  });
  it("binary cross-entropy from logits of ±1e3 is finite", () => {
    const z = nx.tensor([
      [1000, -1000],
      [-1000, 1000],
    ]);
    const y = nx.tensor([
      [1, 1],
      [1, 0],
    ]);
    assertClose(
      losses.binaryCrossEntropy(y, z, { fromLogits: true, reduction: "none" }).toArray(),
      [500, 1000],
      1e-6,
    );
  });
  it("probabilities of exactly 0 and 1 are clipped, not infinite", () => {
    const v = losses.binaryCrossEntropy(nx.tensor([[1, 0]]), nx.tensor([[0, 1]])).toNumber();
    assert.ok(Number.isFinite(v) && v > 10);
    const c = losses.categoricalCrossEntropy(nx.tensor([[1, 0]]), nx.tensor([[0, 1]])).toNumber();
    assert.ok(Number.isFinite(c) && c > 10);
  });
  it("logCosh and softMargin do not overflow for large arguments", () => {
    assertClose(losses.logCosh(f64([[0]]), f64([[-800]])).toNumber(), 800 - Math.LN2, 1e-12);
    assertClose(losses.softMargin(f64([[1]]), f64([[-800]])).toNumber(), 800, 1e-12);
  });
  it("recorded softmax logits are used: a saturated softmax still gives the exact loss", () => {
    const z = nx.tensor([[200, 0, -200]]);
    const probs = nx.divide(
      nx.exp(nx.subtract(z, 200)),
      nx.sum(nx.exp(nx.subtract(z, 200)), { axes: [-1], keepAxes: true }),
    );
    const y = nx.tensor([[0, 0, 1]]);
    // Without the logits, the probability 0 is clipped at 1e-7 (≈ 16.1).
    assertClose(losses.categoricalCrossEntropy(y, probs).toNumber(), -Math.log(1e-7), 1e-5);
    losses.recordLogits(probs, z, "softmax");
    assertClose(losses.categoricalCrossEntropy(y, probs).toNumber(), 400, 1e-6);
    // A sigmoid's logits are not taken for a softmax.
    assert.equal(losses.logitsOf(probs, "sigmoid"), undefined);
  });
  it("a model's softmax and sigmoid outputs carry their logits into cross-entropy", () => {
    const z = nx.tensor([[1000, 0, -1000]]);
    const y = nx.tensor([[0, 0, 1]]);
    assertClose(
      losses.categoricalCrossEntropy(y, nn.activations.softmax(z)).toNumber(),
      2000,
      1e-6,
    );
    // Same through the trainer's path: a dense layer with a softmax activation, inside valueAndGrad.
    const model = nn.input("x", [null, 1]).dense(3, { activation: "softmax" });
    const { init, forward } = nn.build(model, { seed: 0 });
    const state = init(nx.template([1, 1], "f32"));
    const x = nx.tensor([[1e4]]);
    const [loss, grads] = nx.valueAndGrad((params: typeof state.parameters) =>
      losses.categoricalCrossEntropy(y, forward(params, state.state, x).prediction),
    )(state.parameters);
    assert.ok(
      Number.isFinite(loss.toNumber()) && loss.toNumber() > 16.2,
      `loss ${loss.toNumber()}`,
    );
    for (const g of Object.values(grads.dense_0!))
      assert.ok(g.toArray().flat().every(Number.isFinite));
    const p = nn.activations.sigmoid(nx.tensor([[-500]]));
    assertClose(losses.binaryCrossEntropy(nx.tensor([[1]]), p).toNumber(), 500, 1e-6);
  });
});

describe("losses: options", () => {
  it("classWeights scale each sample by its class; mean divides by the weights used", () => {
    const y = f64([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    const p = f64([
      [0.7, 0.2, 0.1],
      [0.2, 0.2, 0.6],
      [0.3, 0.4, 0.3],
    ]);
    const w = [0.5, 2, 3];
    const per = [-Math.log(0.7), -Math.log(0.6), -Math.log(0.4)];
    const sw = [0.5, 3, 2];
    const weighted = per.map((l, i) => l * sw[i]!);
    assertClose(
      losses.categoricalCrossEntropy(y, p, { classWeights: w, reduction: "none" }).toArray(),
      weighted,
      1e-12,
    );
    assertClose(
      losses.categoricalCrossEntropy(y, p, { classWeights: w }).toNumber(),
      sumOf(weighted) / sumOf(sw),
      1e-12,
    );
    assertClose(
      losses
        .categoricalCrossEntropy(nx.tensor([0, 2, 1]), p, { classWeights: w, sparse: true })
        .toNumber(),
      sumOf(weighted) / sumOf(sw),
      1e-12,
    );
    assert.throws(
      () => losses.categoricalCrossEntropy(y, p, { classWeights: [1, 2] }),
      /categoricalCrossEntropy: classWeights must hold one weight per class \(3\), got f64\[2\]/,
    );
  });
  it("binaryCrossEntropy positive and negative weights", () => {
    const y = f64([[1, 0]]);
    const p = f64([[0.8, 0.4]]);
    const v = losses
      .binaryCrossEntropy(y, p, { positiveWeight: 3, negativeWeight: 0.5 })
      .toNumber();
    assertClose(v, (3 * -Math.log(0.8) + 0.5 * -Math.log(0.6)) / 2, 1e-12);
  });
  it("u8 one-hot targets (from nx.equal) work as float targets", () => {
    const labels = nx.tensor([0, 2]).reshape([-1, 1]);
    const y = nx.equal(labels, nx.iota([1, 3], { axis: -1 }));
    assert.equal(y.dtype, "u8");
    const p = nx.tensor([
      [0.7, 0.2, 0.1],
      [0.2, 0.2, 0.6],
    ]);
    assertClose(
      losses.categoricalCrossEntropy(y, p).toNumber(),
      (-Math.log(0.7) - Math.log(0.6)) / 2,
      1e-6,
    );
  });
});

describe("losses: errors and lookup", () => {
  it("mismatched shapes name the loss and both shapes", () => {
    assert.throws(() => losses.meanSquaredError(nx.zeros([32]), nx.zeros([32, 1])), {
      message:
        "meanSquaredError: yTrue f32[32] and yPred f32[32][1] must have the same shape; give the " +
        "targets that axis too: yTrue.reshape([-1, 1]), or data.toTensor(df, column, " +
        "{ keepDims: true }) for a DataFrame column",
    });
    assert.throws(
      () => losses.binaryCrossEntropy(nx.zeros([4, 2]), nx.zeros([4, 1])),
      /binaryCrossEntropy: yTrue f32\[4\]\[2\] and yPred f32\[4\]\[1\]/,
    );
    assert.throws(
      () => losses.categoricalCrossEntropy(nx.zeros([4, 2]), nx.zeros([4, 3]), { sparse: true }),
      /categoricalCrossEntropy: with sparse targets, yTrue must hold one class index per sample \(shape \[4\] or \[4, 1\]\), got yTrue f32\[4\]\[2\] for yPred f32\[4\]\[3\]/,
    );
  });
  it("a bad reduction is refused", () => {
    assert.throws(
      () =>
        losses.meanSquaredError(nx.zeros([2]), nx.zeros([2]), { reduction: "avg" as nn.Reduction }),
      /meanSquaredError: reduction must be "mean", "sum" or "none", got "avg"/,
    );
  });
  it("get accepts camelCase, snake_case and functions; unknown names suggest the closest", () => {
    assert.equal(losses.get("mean_squared_error"), losses.meanSquaredError);
    assert.equal(losses.get("meanSquaredError"), losses.meanSquaredError);
    assert.equal(losses.get("categorical_cross_entropy"), losses.categoricalCrossEntropy);
    assert.equal(losses.get("kl_divergence"), losses.klDivergence);
    const custom: nn.Loss = (a, b) => nx.sum(nx.subtract(a, b));
    assert.equal(losses.get(custom), custom);
    assert.throws(
      () => losses.get("mean_sqared_error"),
      (e: Error) => {
        assert.match(
          e.message,
          /^unknown loss "mean_sqared_error"; did you mean "meanSquaredError"\?/,
        );
        for (const n of losses.names) assert.ok(e.message.includes(n), n);
        return true;
      },
    );
    assert.equal(losses.nameOf("meanSquaredError"), "mean_squared_error");
    assert.equal(losses.nameOf(losses.categoricalCrossEntropy), "categorical_cross_entropy");
    assert.equal(losses.names.length, 14); // with sparse_categorical_cross_entropy and negative_log_likelihood
  });
});

describe("losses inside jit", () => {
  it("every loss traces and agrees with eager execution", () => {
    for (const [name, Y, P] of CASES) {
      const loss = losses[name] as nn.Loss;
      const f = nx.jit((y: nx.Tensor, p: nx.Tensor) =>
        nx.valueAndGrad((q: nx.Tensor) => loss(y, q))(p),
      );
      const [v, g] = f(nx.tensor(Y), nx.tensor(P));
      const [ve, ge] = nx.valueAndGrad((q: nx.Tensor) => loss(nx.tensor(Y), q))(nx.tensor(P));
      assertClose(v.toNumber(), ve.toNumber(), 1e-6, 1e-7, `${name} jit value`);
      assertClose(g.toArray(), ge.toArray(), 1e-5, 1e-7, `${name} jit grad`);
    }
  });
});
