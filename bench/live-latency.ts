// L1: time from `chart.push(point)` in Node to the point being in the chart's Vega view in a
// real browser (headless Chromium), for isolated pushes such as a training loop makes per epoch.
import * as live from "@dendrite/live";
import { benchSpec, openLiveBench, sleep, waitForCount, type LiveBench } from "./live-browser.js";
import { progress, summarize, type Row } from "./stats.js";

const WARMUP = 10;
const SAMPLES = 100;
const GAP_MS = 60;

/** Push → in-view latencies (ms) of SAMPLES isolated pushes, after WARMUP untimed ones. */
async function latencies(b: LiveBench, chart: live.LiveChart, window?: number): Promise<number[]> {
  const out: number[] = [];
  const base = chart.values().length;
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const seq = base + i;
    const arrived = new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`point ${seq} never reached the view`)), 10_000);
      b.onApplied = (id, last, at) => {
        if (id === chart.id && last === seq) {
          clearTimeout(t);
          resolve(at);
        }
      };
    });
    const t0 = performance.now();
    chart.push({ seq, y: Math.sin(seq / 5) }, { window });
    const t1 = await arrived;
    if (i >= WARMUP) out.push(t1 - t0);
    await sleep(GAP_MS);
  }
  return out;
}

export async function runL1(): Promise<Row[]> {
  const b = await openLiveBench();
  try {
    const rows: Row[] = [];
    const target = { value: 100, better: "lower" as const };
    const reps = `${SAMPLES} pushes, ${GAP_MS} ms apart`;

    progress("L1: push → view, empty chart");
    const small = live.chart(benchSpec("L1 push → view"));
    await waitForCount(b.page, small, 0);
    const a = summarize(await latencies(b, small));
    rows.push({
      bench: "L1",
      impl: "Dendrite live: push → view (chart growing from 0)",
      samples: a,
      unit: "ms",
      better: "lower",
      reps,
      target,
    });

    progress("L1: push → view, chart holding 500 points (window 500)");
    const full = live.chart(benchSpec("L1 push → view, 500 points"));
    full.pushMany(
      Array.from({ length: 500 }, (_, seq) => ({ seq, y: Math.sin(seq / 5) })),
      { window: 500 },
    );
    await waitForCount(b.page, full, 500);
    const c = summarize(await latencies(b, full, 500));
    rows.push({
      bench: "L1",
      impl: "Dendrite live: push → view (500 points, window 500)",
      samples: c,
      unit: "ms",
      better: "lower",
      reps,
      target,
    });

    // The page → Node report hop is part of every sample above; measured here for reference.
    const hops: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      await b.page.evaluate("1");
      hops.push(performance.now() - t0);
    }
    const hop = summarize(hops);
    console.log(
      `\nL1 push → view: median ${a.median.toFixed(1)} ms (chart growing), ` +
        `${c.median.toFixed(1)} ms (500 points); a Node ⇄ page round trip alone takes ` +
        `${hop.median.toFixed(1)} ms (median), so one way is about half of that.`,
    );
    return rows;
  } finally {
    await b.close();
  }
}
