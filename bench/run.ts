// Dendrite's benchmark suite against TensorFlow.js (cpu and wasm backends), hand-written JS,
// scikit-learn and PyTorch.
//   npm run bench            all benchmarks, then one results table
//   npm run bench -- B1 B3   only those (case-insensitive)
import { execFileSync } from "node:child_process";
import os from "node:os";
import { runB1 } from "./b1-mlp.js";
import { runB2 } from "./b2-iris.js";
import { runB3 } from "./b3-matmul.js";
import { runP1 } from "./plot-render.js";
import { runW1 } from "./w1-trainer.js";
import { runW2 } from "./w2-trainer.js";
import { runW3 } from "./w3-mlp.js";
import { runW5 } from "./w5-cnn.js";
import { runM1 } from "./matmul-torch.js";
import { runS1, runS2, runS3, runS4 } from "./learn-sklearn.js";
import { runL1 } from "./live-latency.js";
import { runL2 } from "./live-flood.js";
import { runD1 } from "./data-totensor.js";
import { TF_VERSION } from "./peers.js";
import { table, type Row } from "./stats.js";

const BENCHMARKS: { id: string; title: string; run: () => Promise<Row[]> }[] = [
  { id: "B1", title: "auto-mpg MLP training step (batch 1)", run: runB1 },
  { id: "B2", title: "iris logistic regression training step (batch 150)", run: runB2 },
  { id: "B3", title: "f32 matmul 256² and 1024²", run: runB3 },
  { id: "P1", title: "150-point scatter to SVG and PNG (plot)", run: runP1 },
  { id: "W1", title: "auto-mpg MLP through nn.trainer (batch 1)", run: runW1 },
  { id: "W2", title: "iris softmax through nn.trainer (batch 150)", run: runW2 },
  { id: "W3", title: "MNIST-sized MLP 784-128-10 (batch 128) vs PyTorch", run: runW3 },
  { id: "W5", title: "CNN conv 3×3×32 on 28×28 (batch 64) vs PyTorch", run: runW5 },
  { id: "M1", title: "f32 matmul 256²–2048² vs PyTorch", run: runM1 },
  { id: "S1", title: "LinearRegression fit 314×7 vs scikit-learn", run: runS1 },
  { id: "S2", title: "LinearRegression fit 60,000×784 vs scikit-learn (slow)", run: runS2 },
  { id: "S3", title: "LogisticRegression fit on Iris vs scikit-learn", run: runS3 },
  { id: "S4", title: "KMeans fit 100k×10 vs scikit-learn", run: runS4 },
  { id: "D1", title: "toTensor on a 1M×10 DataFrame vs one copy and a per-row loop", run: runD1 },
  { id: "L1", title: "live chart: push → point in the browser's view", run: runL1 },
  { id: "L2", title: "live chart: 10k points/s for 10 s, window 500, page responsive", run: runL2 },
];

/** lscpu's "Model name" (os.cpus() can say less in a virtual machine). */
function lscpuModel(): string {
  try {
    const out = execFileSync("lscpu", { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
    return /^Model name:\s*(.+)$/m.exec(out)?.[1]?.trim() ?? "no model name";
  } catch {
    return "lscpu unavailable";
  }
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2).map((a) => a.toUpperCase());
  const unknown = filters.filter((f) => !BENCHMARKS.some((b) => b.id === f));
  if (unknown.length > 0) {
    console.error(
      `bench: unknown benchmark ${unknown.join(", ")}; choose from ${BENCHMARKS.map((b) => b.id).join(", ")}`,
    );
    process.exit(2);
  }
  const selected = BENCHMARKS.filter((b) => filters.length === 0 || filters.includes(b.id));
  const cpus = os.cpus();
  console.log("Dendrite benchmarks");
  console.log(
    `  date ${new Date().toISOString()}; node ${process.version}; ${os.platform()} ${os.arch()}`,
  );
  console.log(
    `  ${os.availableParallelism()} CPUs (${cpus[0]?.model.trim() ?? "unknown model"}; lscpu: ${lscpuModel()}); tfjs ${TF_VERSION}`,
  );
  console.log(`  running ${selected.map((b) => `${b.id} (${b.title})`).join(", ")}`);
  const started = performance.now();
  const rows: Row[] = [];
  for (const b of selected) {
    try {
      rows.push(...(await b.run()));
    } catch (err) {
      // Report and go on with the next benchmark (tfjs-wasm's runtime would otherwise turn an
      // uncaught error into a dump of its whole minified source).
      console.error(
        `\n${b.id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      process.exitCode = 1;
    }
  }
  console.log(
    `\nResults (medians; "Dendrite speed-up" = peer time ÷ Dendrite time, > 1 means Dendrite is faster)\n`,
  );
  console.log(table(rows));
  console.log(`\nTotal ${((performance.now() - started) / 1e3).toFixed(0)} s`);
}

await main();
