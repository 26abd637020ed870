// Child process of wasm-threads.test.ts.
// - `threads`: prints getThreads() as set by the environment (or the error it throws).
// - `pool`: runs a product large enough to start the worker pool on 2 threads, waits until the
//   worker has run parts and gone to sleep, runs another, prints the number of running workers and
//   a result, then simply ends: the parent checks that the process exits on its own (the workers
//   must not keep it alive).
import * as nx from "../src/index.js";
import { matmul } from "../src/kernels/matmul.js";
import { runningWorkers } from "../src/wasm/threads.js";

if (process.argv.includes("threads")) {
  try {
    console.log(JSON.stringify({ threads: nx.getThreads() }));
  } catch (error) {
    console.log(JSON.stringify({ error: `${(error as Error).name}: ${(error as Error).message}` }));
  }
} else {
  nx.setThreads(2);
  const size = 256;
  const a = new Float32Array(size * size).fill(0.5);
  const out = new Float32Array(size * size);
  matmul(out, a, a, 1, size, size, size, false, false);
  await new Promise((resolve) => setTimeout(resolve, 300));
  matmul(out, a, a, 1, size, size, size, false, false);
  await new Promise((resolve) => setTimeout(resolve, 100));
  console.log(JSON.stringify({ workers: runningWorkers(), first: out[0] }));
}
