// What W3 and W5 share: one model trained by Dendrite's nn.trainer and by PyTorch from the same
// initial weights (written once as f32 files, loaded by both) on the same MNIST-sized data, with
// softmax cross-entropy and Adam (lr 1e-3), in interleaved rounds (bench/w1-trainer.ts'
// `interleaved`: one untimed round, then REPS timed ones; every implementation once per round).
// Dendrite runs at each of its thread settings, PyTorch on one thread and on two.
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { dendriteThreadSettings } from "./dendrite-threads.js";
import { MNIST_CLASSES, MNIST_PIXELS, type MnistLike } from "./mnist-like.js";
import { fmt, progress, summarize, type Row, type Samples } from "./stats.js";
import { readF32File, tensorFolder, TorchPeer, writeTensorFile } from "./torch-peer.js";
import { interleaved } from "./w1-trainer.js";

/** Timed rounds per implementation (medians of these). */
export const REPS = 5;

/** One initial-weight tensor, as Dendrite lays it out. */
export interface WeightFile {
  readonly name: string;
  readonly data: Float32Array;
  readonly shape: number[];
}

/** A W benchmark against PyTorch. */
export interface TorchTrainingBench {
  /** The row label, e.g. "W3 mlp 784-128-10". */
  readonly bench: string;
  /** The peer's model: `mlp` or `cnn` (bench/torch_peer.py). */
  readonly kind: "mlp" | "cnn";
  readonly model: nn.Model;
  /** The shape of one row as the model takes it, e.g. [784] or [28, 28, 1]. */
  readonly rowShape: number[];
  readonly data: MnistLike;
  readonly batch: number;
  /** Steps per round (rows `0 … batch · steps − 1`, in order). */
  readonly steps: number;
  readonly weights: readonly WeightFile[];
  /** The initial state, from the weights as read back from their files. */
  readonly stateOf: (read: (name: string) => Float32Array) => nn.ModelState;
  /** The figure reported: rows per second, or ms per step. */
  readonly unit: "rows/s" | "ms/step";
  /** Rows over which the agreement check computes the mean loss. */
  readonly evalRows: number;
}

const loss = (yTrue: nx.Tensor, yPred: nx.Tensor) =>
  nn.losses.categoricalCrossEntropy(yTrue, yPred, { fromLogits: true });

/** Runs `b` and returns its rows; prints the ratios to PyTorch on one core and the agreement. */
export async function compareWithTorch(b: TorchTrainingBench): Promise<Row[]> {
  const rows = b.batch * b.steps;
  const folder = tensorFolder();
  const { settings, restore } = dendriteThreadSettings();
  let peer: TorchPeer | { error: string } | undefined;
  try {
    const files = [
      { name: "x", data: b.data.x.subarray(0, rows * MNIST_PIXELS), shape: [rows, MNIST_PIXELS] },
      { name: "y", data: b.data.labels.subarray(0, rows), shape: [rows] },
      ...b.weights,
    ].map((f) => ({ ...f, path: writeTensorFile(folder.dir, f.name, f.data) }));
    const start = b.stateOf((name) => readF32File(folder.dir, name));
    const x = nx.fromBuffer(b.data.x.subarray(0, rows * MNIST_PIXELS), "f32", [
      rows,
      ...b.rowShape,
    ]);
    const y = nx.fromBuffer(b.data.onehot.subarray(0, rows * MNIST_CLASSES), "f32", [
      rows,
      MNIST_CLASSES,
    ]);
    const batches = nn.batches(x, y, { batchSize: b.batch });
    const trainer = nn.trainer(b.model, loss, nn.optimizers.adam({ learningRate: 1e-3 }), {
      log: 0,
    });

    progress(`${b.bench}: starting the PyTorch peer`);
    peer = await TorchPeer.start();
    if ("error" in peer) console.log(`  PyTorch peer unavailable: ${peer.error}`);
    else {
      console.log(`  peer: ${peer.describe()}`);
      for (const f of files)
        await peer.load(f.name, f.path, f.data instanceof Int32Array ? "i32" : "f32", f.shape);
    }
    const torch = peer instanceof TorchPeer ? peer : undefined;

    let trained = start;
    const runs: { label: string; run: () => Promise<unknown> }[] = settings.map((s) => ({
      label: s.label,
      run: async () => {
        s.apply();
        trained = (await trainer.run(batches, start, { epochs: 1 })).modelState;
      },
    }));
    if (torch)
      for (const threads of [1, 2])
        runs.push({
          label: `PyTorch ${torch.info.torch} (${threads} thread${threads > 1 ? "s" : ""})`,
          run: () => torch.request({ op: b.kind, threads, batch: b.batch, steps: b.steps }),
        });
    progress(
      `${b.bench}: ${REPS + 1} interleaved rounds of ${runs.map((r) => r.label).join(", ")}`,
    );
    const usPerStep = await interleaved(
      REPS,
      b.steps,
      runs.map((r) => r.run),
    );
    const figures = usPerStep.map((us) =>
      summarize(us.map((v) => (b.unit === "rows/s" ? (b.batch * 1e6) / v : v / 1e3))),
    );

    const reps = `${REPS} rounds × ${b.steps} steps`;
    const better = b.unit === "rows/s" ? "higher" : "lower";
    const baseline = figures[0]!;
    const out: Row[] = runs.map((r, i) => ({
      bench: b.bench,
      impl: r.label,
      samples: figures[i]!,
      unit: b.unit,
      better,
      reps,
      ...(i >= settings.length ? { baseline } : {}),
    }));
    if (torch) {
      report(
        b.unit,
        runs.map((r) => r.label),
        figures,
        settings.length,
      );
      await agreement(b, torch, start, trained, x, y);
    }
    return out;
  } finally {
    restore();
    if (peer instanceof TorchPeer) peer.close();
    folder.remove();
  }
}

/** Speed (higher is faster) from a figure in `unit`. */
const speed = (unit: string, s: Samples) => (unit === "rows/s" ? s.median : 1 / s.median);

/** Prints each Dendrite setting's speed ÷ PyTorch's on one thread, and PyTorch 2 ÷ 1 thread. */
function report(unit: string, labels: string[], figures: Samples[], dendrites: number): void {
  const torch1 = figures[dendrites]!;
  for (let i = 0; i < dendrites; i++)
    console.log(
      `  ${labels[i]}: ${fmt(figures[i]!.median)} ${unit}; ÷ PyTorch on 1 thread = ${(speed(unit, figures[i]!) / speed(unit, torch1)).toFixed(3)}× its speed`,
    );
  const torch2 = figures[dendrites + 1];
  if (torch2)
    console.log(
      `  PyTorch: 1 thread ${fmt(torch1.median)}, 2 threads ${fmt(torch2.median)} ${unit} (2 ÷ 1 threads = ${(speed(unit, torch2) / speed(unit, torch1)).toFixed(2)}× the speed)`,
    );
}

/** Mean cross-entropy over the first `evalRows` rows, before and after one round, on both sides. */
async function agreement(
  b: TorchTrainingBench,
  torch: TorchPeer,
  start: nn.ModelState,
  trained: nn.ModelState,
  x: nx.Tensor,
  y: nx.Tensor,
): Promise<void> {
  const n = b.evalRows;
  const xs = nx.slice(x, [0, ...b.rowShape.map(() => 0)], [n, ...b.rowShape]);
  const ys = nx.slice(y, [0, 0], [n, MNIST_CLASSES]);
  const ours = (s: nn.ModelState) => loss(ys, nn.predict(b.model, s, xs)).toNumber();
  const theirs = await torch.request<{ before: number; after: number }>({
    op: "eval",
    model: b.kind,
    threads: 1,
    batch: b.batch,
    steps: b.steps,
    rows: n,
  });
  console.log(
    `  Agreement: mean cross-entropy over the first ${n} rows, before → after ${b.steps} Adam steps from the same weights: ` +
      `Dendrite ${ours(start).toFixed(6)} → ${ours(trained).toFixed(6)}, PyTorch ${theirs.before.toFixed(6)} → ${theirs.after.toFixed(6)}`,
  );
}
