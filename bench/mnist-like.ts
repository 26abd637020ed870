// Deterministic MNIST-sized data for W3 and W5: 60,000 rows of 784 = 28 × 28 "pixels" in [0, 1)
// and 10 classes. Each class has a fixed random pattern (about 30% of its pixels raised by 0.2);
// a row is its class's pattern plus uniform noise of up to 0.8, so a model can learn it and the
// loss falls as on real digits. Generated from a seed: the same numbers on every machine.
import { Rng } from "./data.js";

export const MNIST_ROWS = 60_000;
export const MNIST_PIXELS = 784;
export const MNIST_CLASSES = 10;

/** Rows of pixels, their class labels, and the labels one-hot (for Dendrite's loss). */
export interface MnistLike {
  readonly rows: number;
  /** Row-major [rows, 784]; row r is the 28 × 28 image of row r, row by row. */
  readonly x: Float32Array;
  readonly labels: Int32Array;
  /** Row-major [rows, 10]. */
  readonly onehot: Float32Array;
}

/** `rows` rows (default 60,000, MNIST's training set) from `seed`. */
export function mnistLike(rows = MNIST_ROWS, seed = 28): MnistLike {
  const rng = new Rng(seed);
  const patterns = new Float32Array(MNIST_CLASSES * MNIST_PIXELS);
  for (let i = 0; i < patterns.length; i++) patterns[i] = rng.uniform() < 0.3 ? 0.2 : 0;
  const x = new Float32Array(rows * MNIST_PIXELS);
  const labels = new Int32Array(rows);
  const onehot = new Float32Array(rows * MNIST_CLASSES);
  for (let r = 0; r < rows; r++) {
    const c = Math.floor(rng.uniform() * MNIST_CLASSES);
    labels[r] = c;
    onehot[r * MNIST_CLASSES + c] = 1;
    const p = c * MNIST_PIXELS;
    const o = r * MNIST_PIXELS;
    for (let i = 0; i < MNIST_PIXELS; i++) x[o + i] = patterns[p + i]! + 0.8 * rng.uniform();
  }
  return { rows, x, labels, onehot };
}
