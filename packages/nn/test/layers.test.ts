/**
 * Layers: forward values against hand-computed results, Axon's documented activation values and
 * independent reference loops written here; gradients against central finite differences (f64).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { assertClose, checkModelGradients, rand } from "./helpers.js";

const f64 = (v: nx.NestedArray) => nx.tensor(v, { dtype: "f64" });

test("dense computes x·kernel + bias (hand-computed)", () => {
  const model = nn.input("x", [null, 2]).dense(3);
  const state = new nn.ModelState({
    dense_0: {
      kernel: nx.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      bias: nx.tensor([0.5, 0, -0.5]),
    },
  });
  assert.deepEqual(nn.predict(model, state, nx.tensor([[1, 2]])).toArray(), [[9.5, 12, 14.5]]);
  const noBias = nn.input("x", [null, 2]).dense(1, { useBias: false });
  const s = nn.build(noBias).init(nx.template([1, 2]));
  assert.deepEqual(Object.keys(s.parameters.dense_0!), ["kernel"]);
});

test("dense applies over the last axis of a rank-3 input", () => {
  const model = nn.input("x", [null, 2, 2]).dense(1, { useBias: false });
  const state = new nn.ModelState({ dense_0: { kernel: nx.tensor([[1], [10]]) } });
  assert.deepEqual(
    nn
      .predict(
        model,
        state,
        nx.tensor([
          [
            [1, 2],
            [3, 4],
          ],
        ]),
      )
      .toArray(),
    [[[21], [43]]],
  );
});

// Axon.Activations doctests (lib/axon/activations.ex), f32 on [-3, -2, -1, 0, 1, 2, 3].
const AXON_VALUES: Record<string, number[]> = {
  celu: [-0.9502129554748535, -0.8646647334098816, -0.6321205496788025, 0, 1, 2, 3],
  elu: [-0.9502129554748535, -0.8646647334098816, -0.6321205496788025, 0, 1, 2, 3],
  exp: [
    0.049787066876888275, 0.1353352814912796, 0.3678794503211975, 1, 2.7182817459106445,
    7.389056205749512, 20.08553695678711,
  ],
  gelu: [
    -0.0040496885776519775, -0.04550027847290039, -0.15865525603294373, 0, 0.8413447141647339,
    1.9544997215270996, 2.995950222015381,
  ],
  hardSigmoid: [0, 0, 0, 0.2, 0.4, 0.6, 0.8],
  hardSilu: [-0, -0, -0, 0, 0.4, 1.2, 2.4],
  hardTanh: [-1, -1, -1, 0, 1, 1, 1],
  linear: [-3, -2, -1, 0, 1, 2, 3],
  logSigmoid: [
    -3.0485873222351074, -2.1269280910491943, -1.3132617473602295, -0.6931471824645996,
    -0.3132616877555847, -0.12692801654338837, -0.04858734831213951,
  ],
  logSoftmax: [
    -6.457762718200684, -5.457762718200684, -4.457762718200684, -3.4577627182006836,
    -2.4577627182006836, -1.4577628374099731, -0.45776283740997314,
  ],
  mish: [
    -0.14564745128154755, -0.2525014877319336, -0.30340147018432617, 0, 0.8650984168052673,
    1.9439589977264404, 2.98653507232666,
  ],
  relu: [0, 0, 0, 0, 1, 2, 3],
  relu6: [0, 0, 0, 0, 1, 2, 3],
  selu: [
    -1.670568823814392, -1.5201665163040161, -1.1113307476043701, 0, 1.0507010221481323,
    2.1014020442962646, 3.1521029472351074,
  ],
  sigmoid: [
    0.04742587357759476, 0.11920291930437088, 0.2689414322376251, 0.5, 0.7310585975646973,
    0.8807970881462097, 0.9525741338729858,
  ],
  silu: [
    -0.14227762818336487, -0.23840583860874176, -0.2689414322376251, 0, 0.7310585975646973,
    1.7615941762924194, 2.857722282409668,
  ],
  softmax: [
    0.0015683004166930914, 0.004263082519173622, 0.011588259600102901, 0.03150015324354172,
    0.08562629669904709, 0.23275642096996307, 0.6326975226402283,
  ],
  softplus: [
    0.04858734831213951, 0.12692801654338837, 0.3132616877555847, 0.6931471824645996,
    1.3132617473602295, 2.1269280910491943, 3.0485873222351074,
  ],
  softsign: [-0.75, -0.6666666865348816, -0.5, 0, 0.5, 0.6666666865348816, 0.75],
  tanh: [
    -0.9950547814369202, -0.9640275835990906, -0.7615941762924194, 0, 0.7615941762924194,
    0.9640275835990906, 0.9950547814369202,
  ],
};

test("every activation matches Axon's documented values, as a function and as a layer", () => {
  const xs = [-3, -2, -1, 0, 1, 2, 3];
  for (const [name, expected] of Object.entries(AXON_VALUES)) {
    const fn = nn.activations.ACTIVATIONS[name as nn.activations.ActivationName];
    assertClose(fn(nx.tensor([xs])).toArray()[0], expected, 1e-6, name);
    const model = nn.input("x", [null, 7]).activate(name);
    assertClose(
      nn.predict(model, new nn.ModelState(), nx.tensor([xs])).toArray()[0],
      expected,
      1e-6,
      `${name} layer`,
    );
  }
  assertClose(
    nn.activations.leakyRelu(nx.tensor(xs), { alpha: 0.5 }).toArray(),
    [-1.5, -1, -0.5, 0, 1, 2, 3],
  );
  // log Σ eˣ (NumPy: np.log(np.exp(np.arange(-3, 4)).sum()) = 3.4577627…). Axon's doctest shows
  // 0.4577…, because its log_sumexp drops the max it subtracts; we keep the true value.
  assertClose(nn.activations.logSumexp(nx.tensor(xs)).toArray(), [3.4577627182006836]);
});

test("activation layers are named after the activation (snake_case), and snake_case names work", () => {
  const model = nn.input("x", [null, 3]).leakyRelu({ alpha: 0.2 }).activate("log_softmax");
  const table = String(nn.display.asTable(model, nx.template([1, 3])));
  assert.match(table, /leaky_relu_0 \( leaky_relu\["x"\] \) .*alpha: 0\.2/);
  assert.match(table, /log_softmax_0 \( log_softmax\["leaky_relu_0"\] \)/);
  assert.throws(
    () => nn.input("x", [null, 3]).dense(2, { activation: "rleu" }),
    /unknown activation "rleu"; did you mean "relu"\? Valid activation names: celu/,
  );
});

test("relu's derivative is 0 at 0 (and 1 above, 0 below)", () => {
  const g = nx.grad((x: nx.Tensor) => nx.sum(nn.activations.relu(x)))(f64([-1, 0, 1]));
  assert.deepEqual(g.toArray(), [0, 0, 1]);
  const g6 = nx.grad((x: nx.Tensor) => nx.sum(nn.activations.relu6(x)))(f64([-1, 0, 3, 6, 7]));
  assert.deepEqual(g6.toArray(), [0, 0, 1, 0, 0]);
});

test("activations are numerically stable for large inputs", () => {
  const big = nx.tensor([[1000, 0, -1000]]);
  assertClose(nn.activations.softmax(big).toArray(), [[1, 0, 0]]);
  assertClose(nn.activations.logSoftmax(big).toArray(), [[0, -1000, -2000]]);
  assertClose(nn.activations.softplus(nx.tensor([1000, -1000])).toArray(), [1000, 0]);
});

test("activation gradients match finite differences", () => {
  const x = rand(3, [2, 5], -2, 2);
  for (const name of Object.keys(nn.activations.ACTIVATIONS)) {
    if (name === "hardSigmoid" || name === "hardSilu" || name === "hardTanh" || name === "relu6")
      continue; // kinks checked below
    checkModelGradients(nn.input("x", [null, 5]).activate(name), x);
  }
  // piecewise-linear ones, away from their kinks
  const away = f64([
    [-3.7, -0.4, 0.3, 2.2, 0.9],
    [4.1, -2.2, 1.3, -0.6, 0.1],
  ]);
  for (const name of ["hardSigmoid", "hardSilu", "hardTanh", "relu6"])
    checkModelGradients(nn.input("x").activate(name), away);
});

test("conv 1-D: valid, same, strides and dilation (hand-computed)", () => {
  const x = nx.tensor([1, 2, 3, 4]).reshape([1, 4, 1]);
  const kernel = nx.tensor([1, 0, -1]).reshape([3, 1, 1]);
  const run = (opts: nn.ConvOptions, input = x) =>
    nn
      .predict(
        nn.input("x", [null, null, 1]).conv(1, { kernelSize: 3, useBias: false, ...opts }),
        new nn.ModelState({ conv_0: { kernel } }),
        input,
      )
      .reshape([-1])
      .toArray();
  assert.deepEqual(run({}), [-2, -2]);
  assert.deepEqual(run({ padding: "same" }), [-2, -2, -2, 3]);
  assert.deepEqual(run({ padding: "same", strides: 2 }), [-2, 3]);
  assert.deepEqual(run({ dilation: 2 }, nx.tensor([1, 2, 3, 4, 5]).reshape([1, 5, 1])), [-4]);
  assert.throws(
    () => run({ dilation: 2 }),
    /conv_0 \(conv\): spatial axis 1 of the input \[1, 4, 1\] has 4 positions, fewer than the window's 5/,
  );
});

/** Direct 2-D convolution (channels last), written independently of the layer for reference. */
function referenceConv2d(
  x: number[][][][],
  k: number[][][][],
  strides: number[],
  dilation: number[],
  padding: "valid" | "same",
): number[][][][] {
  const [h, w] = [x[0]!.length, x[0]![0]!.length];
  const [kh, kw] = [k.length, k[0]!.length];
  const out: number[] = [];
  const dims = [h, w].map((size, i) => {
    const span = ([kh, kw][i]! - 1) * dilation[i]! + 1;
    if (padding === "valid") return { n: Math.floor((size - span) / strides[i]!) + 1, lo: 0 };
    const n = Math.ceil(size / strides[i]!);
    return { n, lo: Math.floor(Math.max((n - 1) * strides[i]! + span - size, 0) / 2) };
  });
  void out;
  return x.map((img) =>
    Array.from({ length: dims[0]!.n }, (_, oi) =>
      Array.from({ length: dims[1]!.n }, (_, oj) =>
        Array.from({ length: k[0]![0]![0]!.length }, (_, f) => {
          let s = 0;
          for (let a = 0; a < kh; a++)
            for (let b = 0; b < kw; b++) {
              const i = oi * strides[0]! - dims[0]!.lo + a * dilation[0]!;
              const j = oj * strides[1]! - dims[1]!.lo + b * dilation[1]!;
              if (i < 0 || j < 0 || i >= h || j >= w) continue;
              img[i]![j]!.forEach((v, c) => (s += v * k[a]![b]![c]![f]!));
            }
          return s;
        }),
      ),
    ),
  );
}

test("conv 2-D matches a direct convolution (strides, dilation, same and valid padding)", () => {
  const x = rand(1, [2, 5, 6, 3]);
  const kernel = rand(2, [3, 2, 3, 4]);
  for (const [strides, dilation, padding] of [
    [[1, 1], [1, 1], "valid"],
    [[2, 1], [1, 2], "same"],
    [[1, 2], [2, 1], "valid"],
    [[2, 2], [1, 1], "same"],
  ] as const) {
    const model = nn.input("x", [null, 5, 6, 3]).conv(4, {
      kernelSize: [3, 2],
      strides: [...strides],
      dilation: [...dilation],
      padding,
      useBias: false,
    });
    const y = nn.predict(model, new nn.ModelState({ conv_0: { kernel } }), x);
    assertClose(
      y.toArray(),
      referenceConv2d(x.toArray(), kernel.toArray(), [...strides], [...dilation], padding),
      1e-12,
    );
  }
});

test("conv kernels are [...window, in, out] and the bias is per filter", () => {
  const model = nn
    .input("img", [null, 8, 8, 3])
    .conv(16, { kernelSize: 3, padding: "same", activation: "relu" });
  const state = nn.build(model).init(nx.template([1, 8, 8, 3]));
  assert.deepEqual(state.parameters.conv_0!.kernel!.shape, [3, 3, 3, 16]);
  assert.deepEqual(state.parameters.conv_0!.bias!.shape, [16]);
  assert.deepEqual(nn.predict(model, state, nx.ones([2, 8, 8, 3])).shape, [2, 8, 8, 16]);
  assert.throws(
    () => nn.input("x", [null, 4]).conv(2),
    /conv_0 \(conv\): expected an input \[batch, \.\.\.spatial, channels\] of rank ≥ 3, got rank 2/,
  );
});

test("maxPool, avgPool and the global pools (hand-computed)", () => {
  const x = nx.iota([1, 4, 4, 1]);
  const run = (m: nn.Model) => nn.predict(m, new nn.ModelState(), x).toArray();
  const inp = nn.input("x", [null, 4, 4, 1]);
  assert.deepEqual(run(inp.maxPool({ kernelSize: 2 })), [
    [
      [[5], [7]],
      [[13], [15]],
    ],
  ]);
  assert.deepEqual(run(inp.avgPool({ kernelSize: 2 })), [
    [
      [[2.5], [4.5]],
      [[10.5], [12.5]],
    ],
  ]);
  assert.deepEqual(run(inp.maxPool({ kernelSize: 3, strides: 1 })), [
    [
      [[10], [11]],
      [[14], [15]],
    ],
  ]);
  // "same" max pooling pads with −∞, so the edge windows see only real values
  assert.deepEqual(run(inp.maxPool({ kernelSize: 2, padding: "same", strides: 3 })), [
    [
      [[5], [7]],
      [[13], [15]],
    ],
  ]);
  assert.deepEqual(run(inp.globalAvgPool()), [[7.5]]);
  assert.deepEqual(run(inp.globalMaxPool({ keepAxes: true })), [[[[15]]]]);
  const seq = nx.tensor([
    [
      [1, 5],
      [3, 2],
      [2, 8],
    ],
  ]);
  assert.deepEqual(
    nn
      .predict(
        nn.input("s", [null, 3, 2]).maxPool({ kernelSize: 2, strides: 1 }),
        new nn.ModelState(),
        seq,
      )
      .toArray(),
    [
      [
        [3, 5],
        [3, 8],
      ],
    ],
  );
});

test("batchNorm: batch statistics and running averages in train mode, running statistics in inference", () => {
  const model = nn.input("x", [null, 2]).batchNorm();
  const train = nn.build(model, { mode: "train" });
  const state = train.init(nx.template([2, 2]));
  assert.deepEqual(Object.keys(state.state.batch_norm_0!), ["mean", "var"]);
  assert.deepEqual(Object.keys(state.parameters.batch_norm_0!), ["gamma", "beta"]);
  const { prediction, state: after } = train.predict(
    state,
    nx.tensor([
      [1, 2],
      [3, 6],
    ]),
  );
  // mean [2, 4], biased variance [1, 4]
  assertClose(
    prediction.toArray(),
    [
      [-1 / Math.sqrt(1 + 1e-5), -2 / Math.sqrt(4 + 1e-5)],
      [1 / Math.sqrt(1 + 1e-5), 2 / Math.sqrt(4 + 1e-5)],
    ],
    1e-6,
  );
  // momentum 0.1: 0.9·old + 0.1·batch
  assertClose(after.state.batch_norm_0!.mean!.toArray(), [0.2, 0.4]);
  assertClose(after.state.batch_norm_0!.var!.toArray(), [1.0, 1.3]);
  const inf = nn.predict(model, after, nx.tensor([[0.2, 0.4]]));
  assertClose(inf.toArray(), [[0, 0]]);
  const inf2 = nn.predict(model, after, nx.tensor([[1.2, 1.4]]));
  assertClose(inf2.toArray(), [[1 / Math.sqrt(1 + 1e-5), 1 / Math.sqrt(1.3 + 1e-5)]], 1e-6);
});

test("layerNorm normalises each example over its last axis", () => {
  const model = nn.input("x", [null, 3]).layerNorm();
  const state = nn.build(model).init(nx.template([1, 3]));
  const s = Math.sqrt(2 / 3 + 1e-5);
  assertClose(
    nn
      .predict(
        model,
        state,
        nx.tensor([
          [1, 2, 3],
          [10, 10, 10],
        ]),
      )
      .toArray(),
    [
      [-1 / s, 0, 1 / s],
      [0, 0, 0],
    ],
    1e-6,
  );
});

test("embedding looks up rows of its kernel", () => {
  const model = nn.input("ids", [null, 2]).embedding(3, 2);
  const state = new nn.ModelState({
    embedding_0: {
      kernel: nx.tensor([
        [0, 0],
        [1, 1],
        [2, 2],
      ]),
    },
  });
  assert.deepEqual(nn.predict(model, state, nx.tensor([[2, 0]], { dtype: "s32" })).toArray(), [
    [
      [2, 2],
      [0, 0],
    ],
  ]);
  const init = nn.build(model).init(nx.template([1, 2], "s32"));
  assert.deepEqual(init.parameters.embedding_0!.kernel!.shape, [3, 2]);
});

test("flatten and reshape keep the batch axis", () => {
  const x = nx.iota([2, 3, 4]);
  const flat = nn.predict(nn.input("x", [null, 3, 4]).flatten(), new nn.ModelState(), x);
  assert.deepEqual(flat.shape, [2, 12]);
  const r = nn.predict(nn.input("x", [null, 3, 4]).reshape([4, -1]), new nn.ModelState(), x);
  assert.deepEqual(r.shape, [2, 4, 3]);
  assert.deepEqual(r.reshape([-1]).toArray(), x.reshape([-1]).toArray());
  assert.throws(
    () => nn.input("x", [null, 3, 4]).reshape([5]),
    /reshape_0 \(reshape\): cannot reshape an input of shape \[2, 3, 4\] to \[batch, 5\]/,
  );
});

test("add, subtract, multiply and concatenate combine several inputs", () => {
  const a = nn.input("a", [null, 2]);
  const b = nn.input("b", [null, 2]);
  const inputs = { a: nx.tensor([[1, 2]]), b: nx.tensor([[3, 5]]) };
  const s = new nn.ModelState();
  assert.deepEqual(nn.predict(a.add(b), s, inputs).toArray(), [[4, 7]]);
  assert.deepEqual(nn.predict(nn.subtract([a, b]), s, inputs).toArray(), [[-2, -3]]);
  assert.deepEqual(nn.predict(a.multiply(b), s, inputs).toArray(), [[3, 10]]);
  assert.deepEqual(nn.predict(nn.concatenate([a, b]), s, inputs).toArray(), [[1, 2, 3, 5]]);
  assert.deepEqual(nn.predict(a.concatenate(b, { axis: 0 }), s, inputs).toArray(), [
    [1, 2],
    [3, 5],
  ]);
});

/** LSTM written out with plain numbers (PyTorch's equations), for reference. */
function referenceLstm(
  x: number[][][],
  wi: number[][],
  wh: number[][],
  bias: number[],
  u: number,
): number[][][] {
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  return x.map((seq) => {
    let h = new Array(u).fill(0);
    let c = new Array(u).fill(0);
    return seq.map((xt) => {
      const z = bias.map(
        (b, j) =>
          b +
          xt.reduce((s, v, k) => s + v * wi[k]![j]!, 0) +
          h.reduce((s, v, k) => s + v * wh[k]![j]!, 0),
      );
      const nc = c.map((cv, j) => sig(z[u + j]!) * cv + sig(z[j]!) * Math.tanh(z[2 * u + j]!));
      h = nc.map((cv, j) => sig(z[3 * u + j]!) * Math.tanh(cv));
      c = nc;
      return h;
    });
  });
}

/** GRU written out with plain numbers (PyTorch's equations), for reference. */
function referenceGru(
  x: number[][][],
  wi: number[][],
  wh: number[][],
  bi: number[],
  bh: number[],
  u: number,
): number[][][] {
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  return x.map((seq) => {
    let h = new Array(u).fill(0);
    return seq.map((xt) => {
      const a = bi.map((b, j) => b + xt.reduce((s, v, k) => s + v * wi[k]![j]!, 0));
      const g = bh.map((b, j) => b + h.reduce((s, v, k) => s + v * wh[k]![j]!, 0));
      h = h.map((hv, j) => {
        const r = sig(a[j]! + g[j]!);
        const z = sig(a[u + j]! + g[u + j]!);
        const n = Math.tanh(a[2 * u + j]! + r * g[2 * u + j]!);
        return (1 - z) * n + z * hv;
      });
      return h;
    });
  });
}

test("lstm and gru match reference loops, with returnSequences on and off", () => {
  const x = rand(4, [2, 3, 2]);
  const inp = nn.input("seq", [null, 3, 2]);
  const lstm = nn.build(inp.lstm(3), { dtype: "f64", seed: 3 });
  const ls = lstm.init(x);
  const p = ls.parameters.lstm_0!;
  const want = referenceLstm(
    x.toArray(),
    p.input_kernel!.toArray(),
    p.hidden_kernel!.toArray(),
    rand(9, [12]).toArray(),
    3,
  );
  const withBias = ls.withParameters({ lstm_0: { bias: rand(9, [12]) } });
  assertClose(lstm.predict(withBias, x).toArray(), want, 1e-12);
  const last = nn.build(inp.lstm(3, { returnSequences: false }), { dtype: "f64" });
  assertClose(
    last.predict(withBias, x).toArray(),
    want.map((s) => s.at(-1)),
    1e-12,
  );

  const gru = nn.build(inp.gru(3), { dtype: "f64", seed: 5 });
  const gs = gru
    .init(x)
    .withParameters({ gru_0: { input_bias: rand(10, [9]), hidden_bias: rand(11, [9]) } });
  const q = gs.parameters.gru_0!;
  assertClose(
    gru.predict(gs, x).toArray(),
    referenceGru(
      x.toArray(),
      q.input_kernel!.toArray(),
      q.hidden_kernel!.toArray(),
      q.input_bias!.toArray(),
      q.hidden_bias!.toArray(),
      3,
    ),
    1e-12,
  );
  assert.throws(
    () => nn.input("x", [null, 4]).lstm(2),
    /lstm_0 \(lstm\): expected an input \[batch, time, features\] of rank 3, got shape \[2, 4\]/,
  );
});

test("dropout: active only in train mode, scaled by 1/(1−rate), a fresh mask every call", () => {
  const model = nn.input("x", [null, 2000]).dropout({ rate: 0.3 });
  const train = nn.build(model, { mode: "train", seed: 7 });
  const s0 = train.init(nx.template([1, 2000]));
  const x = nx.ones([1, 2000]);
  const r1 = train.predict(s0, x);
  const v = r1.prediction.data();
  const zeros = v.filter((e) => e === 0).length;
  assert.ok(Math.abs(zeros / 2000 - 0.3) < 0.04, `dropped ${zeros / 2000}`);
  assert.ok(v.every((e) => e === 0 || Math.abs(e - 1 / 0.7) < 1e-6));
  const r2 = train.predict(r1.state, x);
  assert.notDeepEqual(r2.prediction.toArray(), r1.prediction.toArray());
  // the same state gives the same mask (reproducible), inference is the identity
  assert.deepEqual(train.predict(s0, x).prediction.toArray(), r1.prediction.toArray());
  assert.deepEqual(nn.predict(model, s0, x).toArray(), x.toArray());
  assert.throws(
    () => nn.input("x").dropout({ rate: 1 }),
    /dropout: rate must be in \[0, 1\), got 1/,
  );
});

test("spatial dropout drops whole channels; alpha dropout keeps mean and variance", () => {
  const sp = nn.build(nn.input("x", [null, 5, 6, 40]).spatialDropout({ rate: 0.5 }), {
    mode: "train",
    seed: 2,
  });
  const y = sp
    .predict(sp.init(nx.template([2, 5, 6, 40])), nx.ones([2, 5, 6, 40]))
    .prediction.toArray() as number[][][][];
  for (let b = 0; b < 2; b++)
    for (let c = 0; c < 40; c++) {
      const first = y[b]![0]![0]![c];
      for (const row of y[b]!) for (const px of row) assert.equal(px[c], first);
    }
  const ad = nn.build(nn.input("x", [null, 20000]).alphaDropout({ rate: 0.2 }), {
    mode: "train",
    seed: 3,
  });
  const x = nx.random.normal(nx.random.key(9), [1, 20000]);
  const out = ad.predict(ad.init(x), x).prediction;
  assert.ok(Math.abs(nx.mean(out).toNumber()) < 0.05);
  assert.ok(Math.abs(nx.variance(out).toNumber() - 1) < 0.08);
});

test("layer gradients match finite differences (f64)", () => {
  checkModelGradients(
    nn.input("x", [null, 3]).dense(4, { activation: "tanh" }).dense(2),
    rand(1, [5, 3]),
  );
  checkModelGradients(
    nn.input("x", [null, 6, 2]).conv(3, { kernelSize: 3, padding: "same", strides: 2 }),
    rand(2, [2, 6, 2]),
  );
  checkModelGradients(
    nn.input("x", [null, 5, 4, 2]).conv(2, { kernelSize: [2, 3], dilation: [2, 1] }),
    rand(3, [1, 5, 4, 2]),
  );
  checkModelGradients(
    nn.input("x", [null, 4, 4, 2]).maxPool({ kernelSize: 2, padding: "same", strides: 1 }),
    rand(4, [2, 4, 4, 2]),
  );
  checkModelGradients(
    nn.input("x", [null, 5, 2]).avgPool({ kernelSize: 2, padding: "same" }),
    rand(5, [2, 5, 2]),
  );
  checkModelGradients(nn.input("x", [null, 3, 3, 2]).globalAvgPool(), rand(6, [2, 3, 3, 2]));
  checkModelGradients(nn.input("x", [null, 3, 3, 2]).globalMaxPool(), rand(6, [2, 3, 3, 2]));
  checkModelGradients(nn.input("x", [null, 3]).batchNorm(), rand(7, [4, 3]), { mode: "train" });
  checkModelGradients(nn.input("x", [null, 3]).batchNorm(), rand(7, [4, 3]));
  checkModelGradients(nn.input("x", [null, 4]).layerNorm(), rand(8, [3, 4]));
  checkModelGradients(nn.input("x", [null, 3, 2]).lstm(2), rand(9, [2, 3, 2]));
  checkModelGradients(
    nn.input("x", [null, 3, 2]).gru(2, { returnSequences: false }),
    rand(10, [2, 3, 2]),
  );
  checkModelGradients(
    nn.input("x", [null, 2, 3]).flatten().reshape([3, 2]).dense(1),
    rand(11, [2, 2, 3]),
  );
  checkModelGradients(nn.input("x", [null, 4]).dropout({ rate: 0.5 }), rand(12, [3, 4]), {
    mode: "train",
  });
  checkModelGradients(nn.input("x", [null, 4]).alphaDropout({ rate: 0.5 }), rand(12, [3, 4]), {
    mode: "train",
  });
  const ids = nx.tensor(
    [
      [1, 2],
      [0, 2],
    ],
    { dtype: "s32" },
  );
  checkModelGradients(nn.input("ids", [null, 2]).embedding(3, 2), ids, { wrtInput: false });
  const a = nn.input("x", [null, 3]);
  checkModelGradients(
    nn.concatenate([a.dense(2), a.dense(2).multiply(a.dense(2)), a.add(a)]),
    rand(13, [2, 3]),
  );
});

test("custom layers: nn.layer with parameters, and defineLayer", () => {
  const x = nn.input("x", [null, 3]);
  const scaled = nn.layer((t: nx.Tensor, p: { scale: nx.Tensor }) => nx.multiply(t, p.scale), [x], {
    params: {
      scale: { shape: (s: number[]) => [s.at(-1)!], initializer: nn.initializers.full(2) },
    },
    op: "scale",
  });
  const state = nn.build(scaled).init(nx.template([1, 3]));
  assert.deepEqual(state.parameters.scale_0!.scale!.toArray(), [2, 2, 2]);
  assert.deepEqual(nn.predict(scaled, state, nx.tensor([[1, 2, 3]])).toArray(), [[2, 4, 6]]);
  checkModelGradients(scaled.dense(2), rand(14, [2, 3]));
  assert.throws(
    () =>
      nn.predict(
        nn.layer(() => 3 as never, x),
        new nn.ModelState(),
        nx.ones([1, 3]),
      ),
    /custom_0 \(custom\): the layer function must return a tensor, got number 3/,
  );
});
