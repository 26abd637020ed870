// S1–S4: @dendrite/learn against scikit-learn in the same run (Debian's python3-sklearn through
// /usr/bin/python3, one thread: OMP/OpenBLAS/MKL_NUM_THREADS=1, as Dendrite runs on one core).
// The data are generated here, written to a temporary file and read by the Python side, so both
// fit exactly the same numbers. Figures are ms per fit (medians).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as nx from "@dendrite/tensor";
import * as data from "@dendrite/data";
import * as learn from "@dendrite/learn";
import { progress, summarize, timeMs, type Row } from "./stats.js";

const PYTHON = "/usr/bin/python3";

/** True when /usr/bin/python3 can import sklearn; otherwise says why once. */
function sklearnAvailable(): boolean {
  const r = spawnSync(PYTHON, ["-c", "import sklearn; print(sklearn.__version__)"], {
    encoding: "utf8",
  });
  if (r.status !== 0) {
    console.log(
      `  scikit-learn not available (${PYTHON} -c "import sklearn" failed): peer rows skipped`,
    );
    return false;
  }
  return true;
}

/** Times `code` (Python, with X, y and the imports in scope) `reps` times after one warm-up; ms. */
function sklearnTimes(
  x: nx.Tensor,
  y: nx.Tensor,
  code: string,
  reps: number,
): { ms: number[]; info: string } {
  const dir = mkdtempSync(join(tmpdir(), "dendrite-bench-"));
  try {
    writeFileSync(join(dir, "x.bin"), x.data() as Float64Array);
    writeFileSync(join(dir, "y.bin"), y.data() as Float64Array);
    const script = `
import json, time, numpy as np, warnings
warnings.simplefilter("ignore")
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.cluster import KMeans
X = np.fromfile(${JSON.stringify(join(dir, "x.bin"))}, dtype=np.float64).reshape(${x.shape[0]}, ${x.shape[1]})
y = np.fromfile(${JSON.stringify(join(dir, "y.bin"))}, dtype=np.float64)
def fit():
    return ${code}
m = fit()
times = []
for _ in range(${reps}):
    t0 = time.perf_counter(); m = fit(); times.append((time.perf_counter() - t0) * 1e3)
info = getattr(m, "n_iter_", "")
print(json.dumps({"ms": times, "info": str(info)}))
`;
    const env = {
      ...process.env,
      OMP_NUM_THREADS: "1",
      OPENBLAS_NUM_THREADS: "1",
      MKL_NUM_THREADS: "1",
    };
    const r = spawnSync(PYTHON, ["-c", script], { encoding: "utf8", env, maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`scikit-learn run failed: ${r.stderr.slice(-500)}`);
    return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { ms: number[]; info: string };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** ms per call of `fn`: one warm-up call, then `reps` timed calls. */
function dendriteTimes(fn: () => void, reps: number): number[] {
  fn();
  return Array.from({ length: reps }, () => timeMs(fn));
}

function rows(
  bench: string,
  ours: number[],
  peer: number[] | undefined,
  reps: string,
  target?: number,
): Row[] {
  const mine = summarize(ours);
  const out: Row[] = [
    {
      bench,
      impl: "Dendrite learn",
      samples: mine,
      unit: "ms / fit",
      better: "lower",
      reps,
      ...(target === undefined ? {} : { target: { value: target, better: "lower" as const } }),
    },
  ];
  if (peer)
    out.push({
      bench,
      impl: "scikit-learn",
      samples: summarize(peer),
      unit: "ms / fit",
      better: "lower",
      reps,
      baseline: mine,
    });
  return out;
}

/** Uniform f64 data from a seed (the same on every machine). */
function uniform(seed: number, shape: number[]): nx.Tensor {
  return nx.random.uniform(nx.random.key(seed), shape, { dtype: "f64" });
}

/** S1: LinearRegression on the Auto MPG training set, 314 × 7 (the seed post's size). */
export async function runS1(): Promise<Row[]> {
  const cars = data.datasets.autoMpg().dropNulls("horsepower");
  const cols = [
    "cylinders",
    "displacement",
    "horsepower",
    "weight",
    "acceleration",
    "model_year",
    "origin",
  ];
  const x = nx.slice(data.toTensor(cars, cols, { dtype: "f64" }), [0, 0], [314, 7]);
  const y = nx.slice(data.toTensor(cars, "mpg", { dtype: "f64" }), [0], [314]);
  progress("S1 LinearRegression 314 × 7");
  const ours = dendriteTimes(() => learn.LinearRegression.fit(x, y), 2000);
  const peer = sklearnAvailable()
    ? sklearnTimes(x, y, "LinearRegression().fit(X, y)", 2000).ms
    : undefined;
  console.log(
    `\nS1 LinearRegression.fit on 314 × 7 (Auto MPG): Dendrite ${summarize(ours).median.toFixed(3)} ms`,
  );
  return rows("S1 linreg 314×7", ours, peer, "2000 fits", 0.2);
}

/** S2: LinearRegression on 60,000 × 784 (MNIST-sized) random data, blocked Householder QR: 3 fits. */
export async function runS2(): Promise<Row[]> {
  const x = uniform(1, [60000, 784]);
  const w = uniform(2, [784]);
  const y = nx.add(nx.dot(x, w), uniform(3, [60000]));
  progress("S2 LinearRegression 60,000 × 784 (tens of seconds)");
  const ours = Array.from({ length: 3 }, () => timeMs(() => learn.LinearRegression.fit(x, y)));
  const peer = sklearnAvailable()
    ? sklearnTimes(x, y, "LinearRegression().fit(X, y)", 3).ms
    : undefined;
  return rows("S2 linreg 60000×784", ours, peer, "3 fits");
}

/** S3: LogisticRegression on Iris (multinomial, C = 1, scikit-learn's lbfgs with tol 1e-4 vs ours at tol 1e-8). */
export async function runS3(): Promise<Row[]> {
  const iris = data.datasets.iris();
  const x = data.toTensor(iris.drop("species"), undefined, { dtype: "f64" });
  const y = data.toTensor(iris, "species", { dtype: "f64" });
  progress("S3 LogisticRegression on Iris");
  let iterations = 0;
  const ours = dendriteTimes(() => {
    iterations = learn.LogisticRegression.fit(x, y).iterations;
  }, 300);
  const peer = sklearnAvailable()
    ? sklearnTimes(x, y, "LogisticRegression(max_iter=1000).fit(X, y)", 300)
    : undefined;
  console.log(
    `\nS3 LogisticRegression on Iris: Dendrite ${iterations} L-BFGS iterations (tol 1e-8); scikit-learn ${peer?.info ?? "-"} (tol 1e-4)`,
  );
  return rows("S3 logreg iris", ours, peer?.ms, "300 fits");
}

/** S4: KMeans, 100,000 × 10, k = 8, one k-means++ initialisation, Lloyd. */
export async function runS4(): Promise<Row[]> {
  const centers = nx.multiply(uniform(4, [8, 10]), 10);
  const labels = nx.random.randint(nx.random.key(5), [100000], { min: 0, max: 8 });
  const x = nx.add(
    nx.take(centers, labels, { axis: 0 }),
    nx.random.normal(nx.random.key(6), [100000, 10], { dtype: "f64" }),
  );
  const y = nx.asType(labels, "f64");
  progress("S4 KMeans 100,000 × 10, k = 8");
  let iterations = 0;
  const ours = dendriteTimes(() => {
    iterations = learn.KMeans.fit(x, { numClusters: 8, seed: 0 }).iterations;
  }, 5);
  const peer = sklearnAvailable()
    ? sklearnTimes(
        x,
        y,
        'KMeans(n_clusters=8, n_init=1, algorithm="lloyd", random_state=0).fit(X)',
        5,
      )
    : undefined;
  console.log(
    `\nS4 KMeans 100k × 10: Dendrite ${iterations} Lloyd iterations; scikit-learn ${peer?.info ?? "-"}`,
  );
  return rows("S4 kmeans 100k×10", ours, peer?.ms, "5 fits");
}
