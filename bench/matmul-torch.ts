// M1 "f32 matmul against PyTorch": C = A·B for n×n matrices, n = 256, 512, 1024, 2048, in GFLOP/s
// (2n³ flops per product). Dendrite's eager `nx.dot` at each of its thread settings, PyTorch's
// `a @ b` on one and two threads (OpenBLAS pinned to the same count). Both read A and B from the
// same f32 files. In each of REPS + 1 rounds (the first untimed) every implementation takes one
// sample: products repeated until SAMPLE_MS have passed, timed on its own side of the pipe.
import { settle } from "./w1-trainer.js";
import * as nx from "@dendrite/tensor";
import { Rng } from "./data.js";
import { dendriteThreadSettings } from "./dendrite-threads.js";
import { fmt, progress, summarize, type Row, type Samples } from "./stats.js";
import { readF32File, tensorFolder, TorchPeer, writeTensorFile } from "./torch-peer.js";

const SIZES = [256, 512, 1024, 2048];
const REPS = 5;
/** Each sample repeats the product until this long has passed (at least one product). */
const SAMPLE_MS = 200;

/** GFLOP/s of one sample of Dendrite's product. */
function dendriteSample(n: number, a: nx.Tensor, b: nx.Tensor): number {
  let count = 0;
  const t0 = performance.now();
  let ms = 0;
  do {
    nx.dot(a, b);
    count++;
    ms = performance.now() - t0;
  } while (ms < SAMPLE_MS);
  return (2 * n ** 3 * count) / (ms / 1e3) / 1e9;
}

/** The entries of C the peer reports: C[i, 7i mod n] for 16 rows i (bench/torch_peer.py). */
function probe(c: nx.Tensor, n: number): number[] {
  const data = c.data();
  const out: number[] = [];
  for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 16)))
    out.push(data[i * n + ((7 * i) % n)]!);
  return out;
}

export async function runM1(): Promise<Row[]> {
  console.log(
    `\nM1 f32 matmul n×n · n×n vs PyTorch (2n³ flops), GFLOP/s: ${REPS} interleaved rounds after 1, ` +
      `each sample ≥ ${SAMPLE_MS} ms of products`,
  );
  const folder = tensorFolder();
  const { settings, restore } = dendriteThreadSettings();
  progress("M1: starting the PyTorch peer");
  const started = await TorchPeer.start();
  const torch = started instanceof TorchPeer ? started : undefined;
  if (torch) console.log(`  peer: ${torch.describe()}`);
  else console.log(`  PyTorch peer unavailable: ${(started as { error: string }).error}`);
  const rows: Row[] = [];
  try {
    for (const n of SIZES) {
      const bench = `M1 matmul ${n}²`;
      const rng = new Rng(1000 + n);
      const files = ["a", "b"].map((m) => ({
        name: `${m}${n}`,
        path: writeTensorFile(folder.dir, `${m}${n}`, rng.signed(n * n)),
      }));
      const [a, b] = files.map((f) =>
        nx.fromBuffer(readF32File(folder.dir, f.name), "f32", [n, n]),
      );
      if (torch) for (const f of files) await torch.load(f.name, f.path, "f32", [n, n]);

      const impls: { label: string; sample: () => Promise<number> }[] = settings.map((s) => ({
        label: s.label,
        sample: async () => {
          s.apply();
          return dendriteSample(n, a!, b!);
        },
      }));
      let peerProbe: number[] = [];
      if (torch)
        for (const threads of [1, 2])
          impls.push({
            label: `PyTorch ${torch.info.torch} (${threads} thread${threads > 1 ? "s" : ""})`,
            sample: async () => {
              const r = await torch.request<{ count: number; seconds: number; probe: number[] }>({
                op: "matmul",
                n,
                threads,
                seconds: SAMPLE_MS / 1e3,
              });
              peerProbe = r.probe;
              return (2 * n ** 3 * r.count) / r.seconds / 1e9;
            },
          });
      progress(`${bench}: ${REPS + 1} rounds of ${impls.map((i) => i.label).join(", ")}`);
      const samples = impls.map(() => [] as number[]);
      for (let round = 0; round <= REPS; round++)
        for (let k = 0; k < impls.length; k++) {
          await settle();
          const g = await impls[k]!.sample();
          if (round > 0) samples[k]!.push(g);
        }
      const figures: Samples[] = samples.map((s) => summarize(s));
      impls.forEach((impl, i) =>
        rows.push({
          bench,
          impl: impl.label,
          samples: figures[i]!,
          unit: "GFLOP/s",
          better: "higher",
          reps: `${REPS} rounds`,
          ...(i >= settings.length ? { baseline: figures[0]! } : {}),
        }),
      );
      const line = settings.map((s, i) => `${s.label} ${fmt(figures[i]!.median)}`).join(", ");
      if (torch) {
        const t1 = figures[settings.length]!.median;
        const t2 = figures[settings.length + 1]!.median;
        const ratios = settings
          .map((s, i) => `${s.label} ÷ PyTorch 1 thread = ${(figures[i]!.median / t1).toFixed(3)}×`)
          .join("; ");
        const ours = probe(nx.dot(a!, b!), n);
        const scale = Math.max(...ours.map(Math.abs));
        const diff = Math.max(...ours.map((v, i) => Math.abs(v - peerProbe[i]!)));
        console.log(
          `  ${n}²: ${line}; PyTorch 1 thread ${fmt(t1)}, 2 threads ${fmt(t2)} GFLOP/s. ${ratios}. ` +
            `Max |ΔC| / max |C| over ${ours.length} probed entries: ${(diff / scale).toExponential(1)}`,
        );
      } else console.log(`  ${n}²: ${line} GFLOP/s`);
    }
  } finally {
    restore();
    torch?.close();
    folder.remove();
  }
  return rows;
}
