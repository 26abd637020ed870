// Shared set-up of the live-chart benchmarks (L1, L2): a dashboard, headless Chromium, and a
// page that reports back to Node each time a chart's view has taken in new points.
import { chromium, type Browser, type Page } from "playwright-core";
import * as live from "@dendrite/live";

export const CHROMIUM = "/usr/bin/chromium";

/** A dashboard with one page open in headless Chromium. */
export interface LiveBench {
  readonly server: live.LiveServer;
  readonly browser: Browser;
  readonly page: Page;
  /**
   * Called with (chart id, `seq` of the newest point in the view, Node's performance.now()) each
   * time a view has applied an update.
   */
  onApplied: (chart: string, seq: number, at: number) => void;
  close(): Promise<void>;
}

/** A point spec of `seq` against `y`, for benchmark charts. */
export function benchSpec(title: string): live.VegaLiteSpec {
  return {
    title,
    width: 400,
    height: 200,
    mark: { type: "point", filled: true },
    encoding: {
      x: { field: "seq", type: "quantitative" },
      y: { field: "y", type: "quantitative" },
    },
  };
}

/** Starts the dashboard (port 0) and Chromium, and opens the dashboard page. */
export async function openLiveBench(): Promise<LiveBench> {
  const server = await live.serve({ port: 0, quiet: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const page = await browser.newPage();
  const bench: LiveBench = {
    server,
    browser,
    page,
    onApplied: () => undefined,
    async close() {
      await browser.close();
      await live.close();
    },
  };
  await page.exposeFunction("benchApplied", (chart: string, seq: number) =>
    bench.onApplied(chart, seq, performance.now()),
  );
  // A string, not a function: the benchmark's transpiler would add helpers the page lacks.
  await page.addInitScript(`
    window.addEventListener("dendrite-live:applied", (e) => {
      const view = window.dendriteLive.view(e.detail.chart);
      const last = view && view.data("values").at(-1);
      if (last) window.benchApplied(e.detail.chart, last.seq);
    });`);
  await page.goto(server.url);
  return bench;
}

/** Waits until the page's view of `chart` holds `n` points. */
export async function waitForCount(page: Page, chart: live.LiveChart, n: number): Promise<void> {
  await page.waitForFunction(
    `window.dendriteLive.count(${JSON.stringify(chart.id)}) === ${n}`,
    undefined,
    {
      timeout: 30_000,
    },
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
