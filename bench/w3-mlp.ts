// W3 "MNIST-sized MLP against PyTorch": 784 → 128 relu → 10, softmax cross-entropy, Adam (lr 1e-3),
// batch 128, one epoch of 60,000 synthetic MNIST-sized rows (468 full batches, in order) per round,
// through nn.trainer; PyTorch 1.13 (torch.nn.Linear, F.cross_entropy, torch.optim.Adam) on one and
// on two threads. Rows per second.
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { heDense, Rng } from "./data.js";
import { MNIST_CLASSES, MNIST_PIXELS, MNIST_ROWS, mnistLike } from "./mnist-like.js";
import type { Row } from "./stats.js";
import { compareWithTorch, REPS } from "./torch-train.js";

const BATCH = 128;
const HIDDEN = 128;
const STEPS = Math.floor(MNIST_ROWS / BATCH);

export async function runW3(): Promise<Row[]> {
  console.log(
    `\nW3 MLP ${MNIST_PIXELS}→${HIDDEN} relu→${MNIST_CLASSES} vs PyTorch: softmax cross-entropy, Adam (lr 1e-3), batch ${BATCH}, ` +
      `${STEPS} steps (${(STEPS * BATCH).toLocaleString("en-US")} of ${MNIST_ROWS.toLocaleString("en-US")} synthetic rows) per round, ${REPS} interleaved rounds after 1; rows/s`,
  );
  const rng = new Rng(3);
  const [l1, l2] = [heDense(rng, MNIST_PIXELS, HIDDEN), heDense(rng, HIDDEN, MNIST_CLASSES)];
  const model = nn
    .input("pixels", [null, MNIST_PIXELS])
    .dense(HIDDEN, { activation: "relu" })
    .dense(MNIST_CLASSES);
  return compareWithTorch({
    bench: "W3 mlp 784-128-10",
    kind: "mlp",
    model,
    rowShape: [MNIST_PIXELS],
    data: mnistLike(),
    batch: BATCH,
    steps: STEPS,
    weights: [
      { name: "w1", data: l1!.w, shape: [MNIST_PIXELS, HIDDEN] },
      { name: "b1", data: l1!.b, shape: [HIDDEN] },
      { name: "w2", data: l2!.w, shape: [HIDDEN, MNIST_CLASSES] },
      { name: "b2", data: l2!.b, shape: [MNIST_CLASSES] },
    ],
    stateOf: (read) =>
      new nn.ModelState({
        dense_0: {
          kernel: nx.fromBuffer(read("w1"), "f32", [MNIST_PIXELS, HIDDEN]),
          bias: nx.fromBuffer(read("b1"), "f32", [HIDDEN]),
        },
        dense_1: {
          kernel: nx.fromBuffer(read("w2"), "f32", [HIDDEN, MNIST_CLASSES]),
          bias: nx.fromBuffer(read("b2"), "f32", [MNIST_CLASSES]),
        },
      }),
    unit: "rows/s",
    evalRows: 2048,
  });
}
