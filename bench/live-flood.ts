// L2: a flood of 10,000 points per second for 10 s into one live chart with window 500, watched
// in headless Chromium. Is the page still responsive, and does it keep up?
import * as live from "@dendrite/live";
import { benchSpec, openLiveBench, sleep, waitForCount } from "./live-browser.js";
import { progress, summarize, type Row } from "./stats.js";

const RATE = 10_000; // points per second
const SECONDS = 10;
const WINDOW = 500;

export async function runL2(): Promise<Row[]> {
  const b = await openLiveBench();
  try {
    const chart = live.chart(benchSpec("L2 flood"));
    await waitForCount(b.page, chart, 0);
    const total = RATE * SECONDS;
    const pushedAt = new Float64Array(total);
    const lags: number[] = [];
    b.onApplied = (id, seq, at) => {
      if (id === chart.id) lags.push(at - pushedAt[seq]!);
    };
    // The page records the gaps between its animation frames for the whole flood.
    await b.page.evaluate(`(() => {
      window.benchGaps = [];
      window.benchStop = false;
      let last = performance.now();
      const tick = (t) => {
        window.benchGaps.push(t - last);
        last = t;
        if (!window.benchStop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);

    progress(`L2: ${RATE} points/s for ${SECONDS} s, window ${WINDOW}`);
    let flooding = true;
    const roundTrips: number[] = [];
    const probe = (async () => {
      // Node → page → Node: an evaluate waits for the page's main thread.
      while (flooding) {
        const t0 = performance.now();
        await b.page.evaluate("1");
        roundTrips.push(performance.now() - t0);
        await sleep(100);
      }
    })();
    const t0 = performance.now();
    let pushed = 0;
    while (pushed < total) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * RATE));
      for (; pushed < due; pushed++) {
        pushedAt[pushed] = performance.now();
        chart.push(
          { seq: pushed, y: Math.sin(pushed / 50) + (pushed % 13) / 13 },
          { window: WINDOW },
        );
      }
      await sleep(2);
    }
    const floodMs = performance.now() - t0;
    flooding = false;
    await probe;
    // The page ends with the newest WINDOW points.
    await b.page.waitForFunction(
      `window.dendriteLive.view(${JSON.stringify(chart.id)}).data("values").at(-1)?.seq === ${total - 1}`,
      undefined,
      { timeout: 30_000 },
    );
    const finalCount = (await b.page.evaluate(
      `window.dendriteLive.count(${JSON.stringify(chart.id)})`,
    )) as number;
    const gaps = (await b.page.evaluate(`(window.benchStop = true, window.benchGaps)`)) as number[];
    if (finalCount !== WINDOW)
      throw new Error(`L2: the page holds ${finalCount} points, not ${WINDOW}`);

    const rate = summarize([(total / floodMs) * 1000]);
    const sorted = [...gaps].sort((x, y) => x - y);
    const p99 = sorted[Math.floor(sorted.length * 0.99)]!;
    console.log(
      `\nL2 flood: ${total} pushes in ${(floodMs / 1000).toFixed(1)} s; the page applied ` +
        `${lags.length} batches and ends with ${finalCount} points; animation frames: ` +
        `${gaps.length} (median gap ${summarize(gaps).median.toFixed(1)} ms, ` +
        `99th percentile ${p99.toFixed(1)} ms, longest ${sorted.at(-1)!.toFixed(1)} ms).`,
    );
    const reps = `${SECONDS} s at ${RATE}/s, window ${WINDOW}`;
    return [
      {
        bench: "L2",
        impl: "Dendrite live: pushes sustained",
        samples: rate,
        unit: "points/s",
        better: "higher",
        reps,
        target: { value: RATE * 0.98, better: "higher" },
      },
      {
        bench: "L2",
        impl: "Dendrite live: page round trip during flood",
        samples: summarize(roundTrips),
        unit: "ms",
        better: "lower",
        reps: `${roundTrips.length} evaluates`,
        target: { value: 100, better: "lower" },
      },
      {
        bench: "L2",
        impl: "Dendrite live: frame gap during flood",
        samples: summarize(gaps),
        unit: "ms",
        better: "lower",
        reps: `${gaps.length} frames`,
        target: { value: 50, better: "lower" },
      },
      {
        bench: "L2",
        impl: "Dendrite live: push → view lag during flood",
        samples: summarize(lags),
        unit: "ms",
        better: "lower",
        reps: `${lags.length} batches`,
        target: { value: 100, better: "lower" },
      },
    ];
  } finally {
    await b.close();
  }
}
