// W2 "iris softmax through the trainer": 4 → 3 softmax, categorical cross-entropy, Adam, the whole
// data set (150 rows) as one batch, 20 epochs × 300 iterations = 6,000 steps over repeat([x, y]) —
// the first seed post's loop — beside B2's hand-written jitted step and tfjs `model.fit`.
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { adamInit, adamUpdate, ADAM, type Params } from "./adam.js";
import { heDense, irisLike, Rng, type Classification } from "./data.js";
import { tf, useTf } from "./peers.js";
import { progress, summarize, type Row, type Samples } from "./stats.js";
import { interleaved, report } from "./w1-trainer.js";

const F = 4;
const C = 3;
const EPOCHS = 20;
const ITERATIONS = 300;
const STEPS = EPOCHS * ITERATIONS;
const REPS = 7;

interface Weights {
  w: Float32Array;
  b: Float32Array;
}

function logisticLoss(p: Params, x: nx.Tensor, onehot: nx.Tensor): nx.Tensor {
  const logits = nx.add(nx.dot(x, p.w!), p.b!);
  const logProbs = nx.subtract(logits, nx.logsumexp(logits, { axes: 1, keepAxes: true }));
  return nx.negate(nx.mean(nx.sum(nx.multiply(onehot, logProbs), { axes: 1 })));
}

const handStep = nx.jit(
  (p: Params, m: Params, v: Params, t: nx.Tensor, x: nx.Tensor, y: nx.Tensor) => {
    const [loss, g] = nx.valueAndGrad(logisticLoss)(p, x, y);
    const [np, nm, nv, t1] = adamUpdate(p, g, m, v, t);
    return [np, nm, nv, t1, loss] as const;
  },
);

function handTrain(w: Weights, x: nx.Tensor, y: nx.Tensor): void {
  const p0: Params = { w: nx.fromBuffer(w.w, "f32", [F, C]), b: nx.fromBuffer(w.b, "f32", [C]) };
  let { m, v, t } = adamInit(p0);
  let p = p0;
  for (let i = 0; i < STEPS; i++) [p, m, v, t] = handStep(p, m, v, t, x, y);
}

/** tfjs: model.fit over 300 copies of the data set in batches of 150, 20 epochs (= 6,000 steps). */
async function tfjsFit(w: Weights, data: Classification): Promise<number[]> {
  await useTf("cpu");
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [F], units: C, activation: "softmax" })],
  });
  model.setWeights([tf.tensor(w.w, [F, C]), tf.tensor(w.b, [C])]);
  model.compile({
    optimizer: tf.train.adam(ADAM.lr, ADAM.beta1, ADAM.beta2, ADAM.eps),
    loss: "categoricalCrossentropy",
  });
  const x = tf.tile(tf.tensor2d(data.x, [data.rows, F]), [ITERATIONS, 1]);
  const y = tf.tile(tf.tensor2d(data.onehot, [data.rows, C]), [ITERATIONS, 1]);
  const usPerStep: number[] = [];
  let t0 = 0;
  await model.fit(x, y, {
    batchSize: data.rows,
    epochs: EPOCHS,
    shuffle: false,
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => {
        t0 = performance.now();
      },
      onEpochEnd: async (epoch) => {
        if (epoch > 0) usPerStep.push(((performance.now() - t0) * 1e3) / ITERATIONS);
      },
    },
  });
  tf.dispose([x, y]);
  model.dispose();
  return usPerStep;
}

export async function runW2(): Promise<Row[]> {
  const bench = "W2 trainer iris";
  const data = irisLike();
  const layer = heDense(new Rng(7), F, C);
  const init: Weights = { w: layer.w, b: layer.b };
  console.log(
    `\nW2 iris softmax through nn.trainer: 4→3 softmax, categorical cross-entropy, Adam (lr ${ADAM.lr}), batch ${data.rows}, ${EPOCHS} epochs × ${ITERATIONS} iterations = ${STEPS.toLocaleString("en-US")} steps`,
  );
  const X = nx.fromBuffer(data.x, "f32", [data.rows, F]);
  const Y = nx.fromBuffer(data.onehot, "f32", [data.rows, C]);
  const model = nn.input("iris_features", [null, F]).dense(C, { activation: "softmax" });
  const adam = nn.optimizers.adam({ learningRate: ADAM.lr });
  const loop = nn.trainer(model, "categoricalCrossEntropy", adam, { log: 0 });
  const withAccuracy = nn
    .trainer(model, "categoricalCrossEntropy", adam, { log: 0 })
    .metric("accuracy");
  const start = new nn.ModelState({
    dense_0: {
      kernel: nx.fromBuffer(init.w, "f32", [F, C]),
      bias: nx.fromBuffer(init.b, "f32", [C]),
    },
  });
  const data6000 = nn.repeat([X, Y]);
  const options = { epochs: EPOCHS, iterations: ITERATIONS };
  let accuracy = 0;
  progress("W2 Dendrite trainer and hand-jitted step");
  await loop.run(data6000, start, { epochs: 1, iterations: ITERATIONS });
  const [plain, acc, hand] = await interleaved(REPS, STEPS, [
    () => loop.run(data6000, start, options),
    async () => (accuracy = (await withAccuracy.run(data6000, start, options)).metrics.accuracy!),
    () => handTrain(init, X, Y),
  ]);
  progress("W2 tfjs-cpu model.fit");
  let tfjs: Samples | { error: string };
  try {
    tfjs = summarize(await tfjsFit(init, data));
  } catch (err) {
    tfjs = { error: err instanceof Error ? err.message : String(err) };
  }
  const rows = report(
    bench,
    `${REPS} × ${STEPS.toLocaleString("en-US")} steps`,
    summarize(plain!),
    { label: "accuracy", samples: summarize(acc!) },
    summarize(hand!),
    tfjs,
    `${EPOCHS - 1} epochs after 1`,
  );
  console.log(`  trainer's last-epoch accuracy: ${accuracy.toFixed(4)}`);
  return rows;
}
