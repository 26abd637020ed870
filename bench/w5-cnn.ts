// W5 "small CNN against PyTorch": conv 3×3×32 (valid) relu → max pool 2 → flatten → dense 10 on
// 28×28×1 images, softmax cross-entropy, Adam (lr 1e-3), batch 64, through nn.trainer with
// channels-last images ([n, 28, 28, 1]); PyTorch 1.13 (Conv2d, max_pool2d, Linear in NCHW, the
// same weights permuted: the same math) on one and on two threads. Milliseconds per step.
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { heDense, Rng } from "./data.js";
import { MNIST_CLASSES, mnistLike } from "./mnist-like.js";
import type { Row } from "./stats.js";
import { compareWithTorch, REPS } from "./torch-train.js";

const BATCH = 64;
const FILTERS = 32;
/** Steps per round: 3,200 images. */
const STEPS = 50;
/** 28 − 3 + 1 = 26 positions, pooled by 2: 13 × 13 × 32 features into the dense layer. */
const FEATURES = 13 * 13 * FILTERS;

export async function runW5(): Promise<Row[]> {
  console.log(
    `\nW5 CNN conv 3×3×${FILTERS} relu → max pool 2 → dense ${MNIST_CLASSES} on 28×28×1 vs PyTorch: softmax cross-entropy, Adam (lr 1e-3), ` +
      `batch ${BATCH}, ${STEPS} steps per round, ${REPS} interleaved rounds after 1; ms/step`,
  );
  const rng = new Rng(5);
  const kernel = rng.normals(3 * 3 * FILTERS, Math.sqrt(2 / 9)); // He normal, fan-in 3·3·1
  const dense = heDense(rng, FEATURES, MNIST_CLASSES);
  const model = nn
    .input("image", [null, 28, 28, 1])
    .conv(FILTERS, { kernelSize: 3, activation: "relu" })
    .maxPool({ kernelSize: 2 })
    .flatten()
    .dense(MNIST_CLASSES);
  return compareWithTorch({
    bench: "W5 cnn 28×28 conv32",
    kind: "cnn",
    model,
    rowShape: [28, 28, 1],
    data: mnistLike(STEPS * BATCH),
    batch: BATCH,
    steps: STEPS,
    weights: [
      { name: "k", data: kernel, shape: [3, 3, 1, FILTERS] },
      { name: "kb", data: new Float32Array(FILTERS), shape: [FILTERS] },
      { name: "w", data: dense.w, shape: [FEATURES, MNIST_CLASSES] },
      { name: "wb", data: dense.b, shape: [MNIST_CLASSES] },
    ],
    stateOf: (read) =>
      new nn.ModelState({
        conv_0: {
          kernel: nx.fromBuffer(read("k"), "f32", [3, 3, 1, FILTERS]),
          bias: nx.fromBuffer(read("kb"), "f32", [FILTERS]),
        },
        dense_0: {
          kernel: nx.fromBuffer(read("w"), "f32", [FEATURES, MNIST_CLASSES]),
          bias: nx.fromBuffer(read("wb"), "f32", [MNIST_CLASSES]),
        },
      }),
    unit: "ms/step",
    evalRows: 512,
  });
}
