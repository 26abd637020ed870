// D1: DataFrame → tensor. toTensor on a 1M-row × 10-column f64 frame, against the floor of one copy
// (Polars' own Series.toTypedArray for every column, with no interleaving) and a naive per-row loop
// (df.toRecords() into nested arrays, then nx.tensor), as users write it without toTensor.
import * as nx from "@dendrite/tensor";
import { pl, toTensor } from "@dendrite/data";
import { Rng } from "./data.js";
import { summarize, timeMs, type Row } from "./stats.js";

const ROWS = 1_000_000;
const COLS = 10;

function frame(): pl.DataFrame {
  const rng = new Rng(5);
  const columns: Record<string, Float64Array> = {};
  for (let j = 0; j < COLS; j++) {
    const c = new Float64Array(ROWS);
    for (let i = 0; i < ROWS; i++) c[i] = rng.normal();
    columns[`x${j}`] = c;
  }
  return pl.DataFrame(columns);
}

function samples(reps: number, fn: () => void): number[] {
  fn(); // warm up
  return Array.from({ length: reps }, () => timeMs(fn));
}

export async function runD1(): Promise<Row[]> {
  const df = frame();
  const names = df.columns;
  const bench = `D1 toTensor ${ROWS / 1e6}M×${COLS} f64→f32 (ms)`;
  const dendrite = summarize(samples(7, () => toTensor(df, names)));
  const copyOnce = summarize(
    samples(7, () => {
      for (const name of names) df.getColumn(name).cast(pl.Float32).toTypedArray();
    }),
  );
  const perRow = summarize(
    samples(2, () => {
      const rows = df.toRecords().map((r) => names.map((n) => r[n] as number));
      nx.tensor(rows);
    }),
  );
  // Check the result once against the per-row construction on a slice.
  const head = df.head(1000);
  const expected = nx.tensor(head.toRecords().map((r) => names.map((n) => r[n] as number)));
  if (JSON.stringify(toTensor(head, names).toArray()) !== JSON.stringify(expected.toArray())) {
    throw new Error("D1: toTensor disagrees with the per-row construction");
  }
  const base = { bench, unit: "ms", better: "lower" as const, baseline: dendrite };
  return [
    { ...base, impl: "Dendrite toTensor", samples: dendrite, reps: "7 runs" },
    {
      ...base,
      impl: "Polars toTypedArray per column (one copy, no interleave)",
      samples: copyOnce,
      reps: "7 runs",
    },
    { ...base, impl: "per-row loop (toRecords → nx.tensor)", samples: perRow, reps: "2 runs" },
  ];
}
