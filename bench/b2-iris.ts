// B2 "iris logistic": 4 → 3 softmax, cross-entropy in log-softmax form, Adam, the whole data set
// (150 rows) as one batch, 6,000 steps. Reported in µs per training step.
import * as nx from "@dendrite/tensor";
import { ADAM, adamInit, adamUpdate, FlatAdam, type Params } from "./adam.js";
import { heDense, irisLike, Rng, type Classification } from "./data.js";
import { tf, tfLabel, useTf, TF_BACKENDS, type TfBackend } from "./peers.js";
import {
  attempt,
  FAILED,
  fmt,
  progress,
  summarize,
  timeMs,
  usPerStepChunked,
  usPerStepRepeated,
  type Row,
} from "./stats.js";

const STEPS = 6000;
/** Timed repetitions (each all 6,000 steps) for Dendrite and the reference, after one untimed. */
const REPS = 9;
/** tfjs trains all 6,000 steps once, timed 250 steps at a time; the first chunk is warm-up. */
const TF_CHUNK = 250;
const TARGET_US = 50;
const F = 4;
const C = 3;

interface Weights {
  w: Float32Array; // [4, 3] row-major
  b: Float32Array; // [3]
}

/** Mean cross-entropy over the data set, in double precision (the common yardstick). */
function crossEntropy(p: Weights, data: Classification): number {
  let total = 0;
  const z = new Float64Array(C);
  for (let r = 0; r < data.rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) {
      let s = p.b[c]!;
      for (let f = 0; f < F; f++) s += data.x[r * F + f]! * p.w[f * C + c]!;
      z[c] = s;
      max = Math.max(max, s);
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(z[c]! - max);
    total -= z[data.labels[r]!]! - max - Math.log(sum);
  }
  return total / data.rows;
}

function accuracy(p: Weights, data: Classification): number {
  let right = 0;
  for (let r = 0; r < data.rows; r++) {
    let best = 0;
    let bestZ = -Infinity;
    for (let c = 0; c < C; c++) {
      let s = p.b[c]!;
      for (let f = 0; f < F; f++) s += data.x[r * F + f]! * p.w[f * C + c]!;
      if (s > bestZ) [best, bestZ] = [c, s];
    }
    if (best === data.labels[r]) right++;
  }
  return right / data.rows;
}

function maxAbsDiff(a: Weights, b: Weights): number {
  let m = 0;
  for (const k of ["w", "b"] as const)
    for (let i = 0; i < a[k].length; i++) m = Math.max(m, Math.abs(a[k][i]! - b[k][i]!));
  return m;
}

// ---------------------------------------------------------------------------------------------
// Dendrite.

function logisticLoss(p: Params, x: nx.Tensor, onehot: nx.Tensor): nx.Tensor {
  const logits = nx.add(nx.dot(x, p.w!), p.b!);
  const logProbs = nx.subtract(logits, nx.logsumexp(logits, { axes: 1, keepAxes: true }));
  return nx.negate(nx.mean(nx.sum(nx.multiply(onehot, logProbs), { axes: 1 })));
}

const dendriteStep = nx.jit(
  (
    p: Params,
    m: Params,
    v: Params,
    t: nx.Tensor,
    x: nx.Tensor,
    y: nx.Tensor,
  ): [Params, Params, Params, nx.Tensor, nx.Tensor] => {
    const [loss, g] = nx.valueAndGrad(logisticLoss)(p, x, y);
    const [np, nm, nv, t1] = adamUpdate(p, g, m, v, t);
    return [np, nm, nv, t1, loss];
  },
);

interface DendriteState {
  p: Params;
  m: Params;
  v: Params;
  t: nx.Tensor;
  loss: nx.Tensor;
}

function dendriteInit(w: Weights): DendriteState {
  const p: Params = { w: nx.fromBuffer(w.w, "f32", [F, C]), b: nx.fromBuffer(w.b, "f32", [C]) };
  return { p, ...adamInit(p), loss: nx.tensor(0) };
}

function dendriteTrain(s: DendriteState, x: nx.Tensor, y: nx.Tensor, steps: number): void {
  let { p, m, v, t, loss } = s;
  for (let i = 0; i < steps; i++) [p, m, v, t, loss] = dendriteStep(p, m, v, t, x, y);
  Object.assign(s, { p, m, v, t, loss });
}

// ---------------------------------------------------------------------------------------------
// Hand-written reference: softmax, its cross-entropy gradient and Adam over Float32Arrays.

class Reference {
  readonly p = new Float32Array(F * C + C); // w at 0, b at 12
  private readonly g = new Float32Array(F * C + C);
  private readonly adam = new FlatAdam(F * C + C);
  private readonly z = new Float32Array(C);

  constructor(w: Weights) {
    this.p.set(w.w, 0);
    this.p.set(w.b, F * C);
  }

  step(data: Classification): void {
    const { p, g, z } = this;
    const x = data.x;
    const n = data.rows;
    g.fill(0);
    for (let r = 0; r < n; r++) {
      let max = -Infinity;
      for (let c = 0; c < C; c++) {
        let s = p[F * C + c]!;
        for (let f = 0; f < F; f++) s += x[r * F + f]! * p[f * C + c]!;
        z[c] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let c = 0; c < C; c++) sum += z[c] = Math.exp(z[c]! - max);
      for (let c = 0; c < C; c++) {
        const d = (z[c]! / sum - data.onehot[r * C + c]!) / n; // ∂loss/∂logit
        g[F * C + c] += d;
        for (let f = 0; f < F; f++) g[f * C + c] += x[r * F + f]! * d;
      }
    }
    this.adam.step(p, g);
  }

  weights(): Weights {
    return { w: this.p.slice(0, F * C), b: this.p.slice(F * C) };
  }
}

// ---------------------------------------------------------------------------------------------
// tfjs: tf.variable parameters, tf.losses.softmaxCrossEntropy, tf.train.adam, optimizer.minimize.

async function tfjsTrain(
  backend: TfBackend,
  w: Weights,
  data: Classification,
): Promise<{ usPerStep: number[]; weights: Weights }> {
  await useTf(backend);
  const W = tf.variable(tf.tensor2d(w.w, [F, C]));
  const b = tf.variable(tf.tensor1d(w.b));
  const x = tf.tensor2d(data.x, [data.rows, F]);
  const onehot = tf.tensor2d(data.onehot, [data.rows, C]);
  const optimizer = tf.train.adam(ADAM.lr, ADAM.beta1, ADAM.beta2, ADAM.eps);
  const live: number[] = []; // tensors alive after each chunk: constant unless something leaks
  const usPerStep = usPerStepChunked({
    total: STEPS,
    chunk: TF_CHUNK,
    warmup: 1,
    run: (_start, count) => {
      for (let i = 0; i < count; i++) {
        const cost = optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(x, W), b)) as tf.Scalar,
          true,
          [W, b],
        );
        cost?.dispose();
      }
      live.push(tf.memory().numTensors);
    },
  });
  if (live.at(-1) !== live[0])
    throw new Error(`B2 tfjs-${backend}: tensors leaked during training (${live.join(", ")})`);
  const weights = { w: Float32Array.from(W.dataSync()), b: Float32Array.from(b.dataSync()) };
  optimizer.dispose();
  tf.dispose([W, b, x, onehot]);
  return { usPerStep, weights };
}

// ---------------------------------------------------------------------------------------------

export async function runB2(): Promise<Row[]> {
  const bench = "B2 iris";
  const data = irisLike();
  const layer = heDense(new Rng(7), F, C);
  const init: Weights = { w: layer.w, b: layer.b };
  console.log(
    `\nB2 iris logistic: 4→3 softmax, cross-entropy (log-softmax), Adam (lr ${ADAM.lr}), batch ${data.rows}, ${STEPS.toLocaleString("en-US")} steps`,
  );

  progress("B2 Dendrite");
  const X = nx.fromBuffer(data.x, "f32", [data.rows, F]);
  const Y = nx.fromBuffer(data.onehot, "f32", [data.rows, C]);
  const first = dendriteInit(init);
  const compileMs = timeMs(() => dendriteTrain(first, X, Y, 1));
  let last = first;
  const dUs = usPerStepRepeated({
    reps: REPS,
    warmup: 1,
    steps: STEPS,
    setup: () => (last = dendriteInit(init)),
    run: (s) => dendriteTrain(s, X, Y, STEPS),
  });
  const dWeights: Weights = {
    w: Float32Array.from(last.p.w!.data()),
    b: Float32Array.from(last.p.b!.data()),
  };

  progress("B2 hand-written JS");
  let ref = new Reference(init);
  const rUs = usPerStepRepeated({
    reps: REPS,
    warmup: 1,
    steps: STEPS,
    setup: () => (ref = new Reference(init)),
    run: (r) => {
      for (let i = 0; i < STEPS; i++) r.step(data);
    },
  });
  const rWeights = ref.weights();

  const dendrite = summarize(dUs);
  const rows: Row[] = [
    {
      bench,
      impl: "Dendrite (jit)",
      samples: dendrite,
      unit: "µs/step",
      better: "lower",
      reps: `${REPS} × ${STEPS.toLocaleString("en-US")} steps`,
      target: { value: TARGET_US, better: "lower" },
    },
    {
      bench,
      impl: "hand-written JS",
      samples: summarize(rUs),
      unit: "µs/step",
      better: "lower",
      reps: `${REPS} × ${STEPS.toLocaleString("en-US")} steps`,
      baseline: dendrite,
    },
  ];
  const results: [string, Weights][] = [
    ["Dendrite (jit)", dWeights],
    ["hand-written JS", rWeights],
  ];
  for (const backend of TF_BACKENDS) {
    progress(`B2 tfjs ${backend}`);
    const r = await attempt(`B2 tfjs-${backend}`, () => tfjsTrain(backend, init, data));
    const label = "ok" in r ? tfLabel(backend) : `tfjs-${backend}`;
    if ("error" in r) {
      rows.push({
        bench,
        impl: label,
        samples: FAILED,
        unit: "µs/step",
        better: "lower",
        reps: "",
        error: r.error,
      });
      continue;
    }
    const { usPerStep, weights } = r.ok;
    rows.push({
      bench,
      impl: label,
      samples: summarize(usPerStep),
      unit: "µs/step",
      better: "lower",
      reps: `${usPerStep.length} × ${TF_CHUNK} steps`,
      baseline: dendrite,
    });
    results.push([label, weights]);
  }

  console.log(`  Dendrite first step (trace + compile): ${fmt(compileMs)} ms`);
  console.log(
    `  Agreement: cross-entropy over the ${data.rows} rows (double precision) after ${STEPS.toLocaleString("en-US")} steps from the same init and data (before training: ${crossEntropy(init, data).toFixed(5)}):`,
  );
  for (const [name, w] of results) {
    const acc = (accuracy(w, data) * 100).toFixed(1);
    console.log(
      `    ${name.padEnd(28)} ${crossEntropy(w, data).toFixed(6)}   accuracy ${acc}%   max |Δparam| vs Dendrite ${maxAbsDiff(w, dWeights).toExponential(1)}, vs hand-written JS ${maxAbsDiff(w, rWeights).toExponential(1)}`,
    );
  }
  console.log(`  Dendrite's last-step loss: ${last.loss.toNumber().toFixed(6)}`);
  console.log("  Issue figures: PyTorch ≈ 125 µs/step; target ≤ 50.");
  return rows;
}
