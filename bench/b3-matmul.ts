// B3: f32 matrix product of two n×n matrices, n = 256 and 1024, in GFLOP/s (2n³ flops per product).
import * as nx from "@dendrite/tensor";
import { Rng } from "./data.js";
import { tf, tfLabel, useTf, TF_BACKENDS } from "./peers.js";
import { attempt, FAILED, progress, summarize, timeMs, type Row, type Samples } from "./stats.js";

const SIZES = [256, 1024];
/** Timed samples per implementation and size, after warm-up. */
const REPS = 7;
/** Warm-up lasts at least this long (and at least one call). */
const WARMUP_MS = 300;
/** Each sample repeats the product enough times to last at least this long. */
const SAMPLE_MS = 150;
const TARGET_SIZE = 1024;
const TARGET_GFLOPS = 3;

/** GFLOP/s samples of `product` (which must finish its work, e.g. read the result back). */
function gflops(n: number, product: () => void): Samples {
  const flops = 2 * n ** 3;
  const warmStart = performance.now();
  let last = 0;
  do last = timeMs(product);
  while (performance.now() - warmStart < WARMUP_MS);
  const repeats = Math.max(1, Math.ceil(SAMPLE_MS / last));
  const rates: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const ms = timeMs(() => {
      for (let i = 0; i < repeats; i++) product();
    });
    rates.push((flops * repeats) / (ms / 1e3) / 1e9);
  }
  return summarize(rates);
}

/** Largest |x − y| relative to the largest |y|. */
function relDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < y.length; i++) {
    d = Math.max(d, Math.abs(x[i]! - y[i]!));
    m = Math.max(m, Math.abs(y[i]!));
  }
  return d / m;
}

export async function runB3(): Promise<Row[]> {
  console.log(
    "\nB3 f32 matmul n×n · n×n (2n³ flops), GFLOP/s; tfjs results read back with dataSync",
  );
  const rows: Row[] = [];
  const jitted = nx.jit((a: nx.Tensor, b: nx.Tensor) => nx.dot(a, b));
  for (const n of SIZES) {
    const bench = `B3 matmul ${n}²`;
    const rng = new Rng(n);
    const a = rng.signed(n * n);
    const b = rng.signed(n * n);
    const A = nx.fromBuffer(a, "f32", [n, n]);
    const B = nx.fromBuffer(b, "f32", [n, n]);
    const target =
      n === TARGET_SIZE ? { value: TARGET_GFLOPS, better: "higher" as const } : undefined;

    const reps = `${REPS} samples`;
    const row = (
      impl: string,
      r: { ok: Samples } | { error: string },
      extra: Partial<Row>,
    ): Row => ({
      bench,
      impl,
      samples: "ok" in r ? r.ok : FAILED,
      unit: "GFLOP/s",
      better: "higher",
      reps,
      ...("error" in r ? { error: r.error } : {}),
      ...extra,
    });
    progress(`${bench} Dendrite eager`);
    const eager = await attempt(`${bench} Dendrite eager`, () =>
      gflops(n, () => void nx.dot(A, B)),
    );
    progress(`${bench} Dendrite jit`);
    const jit = await attempt(`${bench} Dendrite jit`, () => gflops(n, () => void jitted(A, B)));
    rows.push(row("Dendrite eager (nx.dot)", eager, target ? { target } : {}));
    rows.push(row("Dendrite (jit)", jit, target ? { target } : {}));
    const baseline = "ok" in jit ? { baseline: jit.ok } : {};

    // Agreement: every product against the Dendrite (jit) one, or else against tfjs-cpu's.
    const products: [string, ArrayLike<number>][] = [];
    for (const [name, f] of [
      ["Dendrite (jit)", () => jitted(A, B).data()],
      ["Dendrite eager", () => nx.dot(A, B).data()],
    ] as const) {
      const r = await attempt(`${bench} ${name} result`, f);
      if ("ok" in r) products.push([name, r.ok]);
    }
    for (const backend of TF_BACKENDS) {
      await useTf(backend);
      progress(`${bench} tfjs ${backend}`);
      const ta = tf.tensor2d(a, [n, n]);
      const tb = tf.tensor2d(b, [n, n]);
      const peer = await attempt(`${bench} tfjs-${backend}`, () =>
        gflops(n, () => {
          const c = tf.matMul(ta, tb);
          c.dataSync();
          c.dispose();
        }),
      );
      const c = tf.matMul(ta, tb);
      products.push([tfLabel(backend), c.dataSync()]);
      tf.dispose([ta, tb, c]);
      rows.push(row(tfLabel(backend), peer, baseline));
    }
    const ratio =
      "ok" in eager && "ok" in jit
        ? `Dendrite eager ÷ jit ${(eager.ok.median / jit.ok.median).toFixed(2)}; `
        : "";
    const [refName, ref] = products[0]!;
    const diffs = products
      .slice(1)
      .map(([name, c]) => `${name} ${relDiff(c, ref).toExponential(1)}`);
    console.log(`  ${n}²: ${ratio}max |Δ| / max |C| vs ${refName}: ${diffs.join(", ")}`);
  }
  console.log(
    "  Issue figures: tfjs-cpu ≈ 0.6 GFLOP/s at 1024²; target ≥ 3 GFLOP/s at 1024² in plain JS.",
  );
  return rows;
}
