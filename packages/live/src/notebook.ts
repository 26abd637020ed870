// Live charts in Jupyter notebooks: a `display_data` message with a `display_id`, then
// `update_display_data` messages with the same id, which the front end applies to that output in
// place. Deno's kernel sends them through `Deno.jupyter.broadcast`; tslab through the `Display`
// that `tslab.newDisplay()` returns.
//
// A training loop rarely yields to the event loop, so an update is started by the push itself
// once the throttle interval has passed (a timer only sends the last one when pushes stop), and
// `flush` — called by `run` when it ends, through FLUSH_OUTPUTS — sends what is pending before the
// cell finishes. Updates show at most `maxPoints` points per dataset; a flush shows every point.
import { randomUUID } from "node:crypto";
import { renderSVG, VEGALITE_MIME, type MimeBundle } from "@dendrite/plot";
import type { Point } from "./history.js";
import { thinPoints } from "./points.js";
import { snapshotOf, type ChartState } from "./registry.js";
import { withDatasets } from "./spec.js";

export { VEGALITE_MIME, type MimeBundle };

/** The content of a `display_data` / `update_display_data` message. */
export interface DisplayContent {
  readonly data: MimeBundle;
  readonly metadata: Record<string, unknown>;
  readonly transient: { readonly display_id: string };
}

/** Sends one IOPub message, as `Deno.jupyter.broadcast(msgType, content)` does. */
export type Broadcast = (
  msgType: "display_data" | "update_display_data",
  content: DisplayContent,
) => unknown;

/** tslab's display handle (`tslab.newDisplay()`): its first `raw` shows, later ones update. */
export interface TslabDisplay {
  raw(contentType: string, data: any): void;
}

/** Where a notebook display goes: a broadcast function (Deno) or a tslab display. */
export type NotebookTarget = Broadcast | TslabDisplay;

/** Options of `LiveChart.display`. */
export interface DisplayOptions {
  /** Least milliseconds between two updates of the output (default 250). */
  readonly intervalMs?: number;
  /**
   * The most points per dataset an update shows (default 1,000): past it, evenly spaced points
   * and the newest are shown. A flush (the end of `run`, `live.flush()`) shows every point.
   */
  readonly maxPoints?: number;
  /**
   * tslab sends one MIME type per output: `"svg"` (default; a static picture every front end,
   * nbconvert and GitHub show) or `"vegalite"` (the interactive spec, for JupyterLab and VS
   * Code). Deno's outputs carry both.
   */
  readonly as?: "svg" | "vegalite";
}

/** The key under which `run` finds the function that flushes pending notebook outputs. */
export const FLUSH_OUTPUTS = Symbol.for("dendrite.flushOutputs");

/** Every display that may have something to send. */
const active = new Set<NotebookDisplay>();

/** Sends every live chart's pending notebook update now, with every point; resolves when sent. */
export async function flushDisplays(): Promise<void> {
  await Promise.all([...active].map((d) => d.flush()));
}

(globalThis as Record<symbol, unknown>)[FLUSH_OUTPUTS] = flushDisplays;

/**
 * The chart's current state as a MIME bundle: the Vega-Lite spec with its points inlined (at most
 * `maxPoints` per dataset), a static SVG of it, and a line of text.
 */
export async function mimeBundle(chart: ChartState, maxPoints = Infinity): Promise<MimeBundle> {
  const snap = snapshotOf(chart);
  const shown = new Map<string, Point[]>();
  const counts: string[] = [];
  for (const [name, points] of Object.entries(snap.data)) {
    const thin = thinPoints(points, maxPoints);
    shown.set(name, thin);
    counts.push(
      thin.length === points.length
        ? `${points.length} in ${name}`
        : `${points.length} in ${name} (${thin.length} shown)`,
    );
  }
  const spec = withDatasets(chart.spec, shown);
  const bundle: MimeBundle = { [VEGALITE_MIME]: spec };
  try {
    bundle["image/svg+xml"] = await renderSVG(spec as never, warnOnce);
  } catch (err) {
    report(err);
  }
  bundle["text/plain"] =
    `live chart ${chart.id} "${chart.title}": ${counts.join(", ") || "no data"}`;
  return bundle;
}

/** `Deno.jupyter.broadcast` when this code runs in Deno's Jupyter kernel. */
export function denoBroadcast(): Broadcast | undefined {
  const deno = (globalThis as { Deno?: { jupyter?: { broadcast?: unknown } } }).Deno;
  const broadcast = deno?.jupyter?.broadcast;
  return typeof broadcast === "function" ? (broadcast.bind(deno!.jupyter) as Broadcast) : undefined;
}

/** One notebook output showing a live chart, updated in place as points arrive. */
export class NotebookDisplay {
  /** The Jupyter `display_id` of the output. */
  readonly displayId = `dendrite-live-${randomUUID()}`;
  private readonly send: (bundle: MimeBundle, update: boolean) => void;
  private readonly intervalMs: number;
  private readonly maxPoints: number;
  private lastSent = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  /** The send under way (rendering its image), if any. */
  private sending: Promise<void> | undefined;
  private shown = false;
  /** Whether the chart changed since the last send started. */
  private pending = false;
  /** Whether the output shows every point of the chart's current state. */
  private complete = false;
  private stopped = false;

  constructor(
    private readonly chart: ChartState,
    target: NotebookTarget,
    opts: DisplayOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 250;
    if (!(this.intervalMs >= 0))
      throw new RangeError(`live chart display: intervalMs must be ≥ 0, got ${opts.intervalMs}`);
    this.maxPoints = opts.maxPoints ?? 1000;
    if (!(Number.isInteger(this.maxPoints) && this.maxPoints >= 2))
      throw new RangeError(
        `live chart display: maxPoints must be an integer ≥ 2, got ${opts.maxPoints}`,
      );
    if (opts.as !== undefined && opts.as !== "svg" && opts.as !== "vegalite")
      throw new RangeError(`live chart display: as must be "svg" or "vegalite", got ${opts.as}`);
    const first = opts.as === "vegalite" ? VEGALITE_MIME : "image/svg+xml";
    this.send = senderFor(target, this.displayId, [first, "text/plain"], "live chart display");
    active.add(this);
    this.start(false);
  }

  /** Sends an update when the interval has passed since the last one (later otherwise). */
  changed(): void {
    if (this.stopped) return;
    this.pending = true;
    this.complete = false;
    this.schedule();
  }

  /** Sends the chart's state with every point now, unless the output already shows it. */
  async flush(): Promise<void> {
    await this.sending;
    if (this.complete || !this.shown) return;
    this.start(true);
    await this.sending;
  }

  /** Sends what is pending, with every point, and stops updating the output. */
  async stop(): Promise<void> {
    if (!this.stopped) {
      // Whatever comes next is not sent.
      const flushed = this.flush();
      this.stopped = true;
      active.delete(this);
      clearTimeout(this.timer);
      this.timer = undefined;
      await flushed;
    }
  }

  /**
   * Starts a send when the interval has passed; otherwise a timer sends later, in case nothing
   * else is pushed (a busy loop never lets it fire: the next push after the interval sends).
   */
  private schedule(): void {
    if (this.sending !== undefined) return; // re-checked when it is done
    const wait = this.lastSent + this.intervalMs - performance.now();
    if (wait <= 0) return this.start(false);
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.pending && !this.stopped) this.schedule();
    }, wait);
    this.timer.unref();
  }

  /** Takes the chart's state now and sends it once its image is drawn (sends never overlap). */
  private start(all: boolean): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = false;
    this.lastSent = performance.now();
    const update = this.shown;
    this.shown = true;
    const made = mimeBundle(this.chart, all ? Infinity : this.maxPoints);
    const shownAll = all || snapshotFits(this.chart, this.maxPoints);
    this.sending = made
      .then((bundle) => {
        this.send(bundle, update);
        if (!this.pending) this.complete = shownAll;
      })
      .catch(report)
      .finally(() => {
        this.sending = undefined;
        if (this.pending && !this.stopped) this.schedule();
      });
  }
}

/** Whether every dataset of the chart has at most `maxPoints` points (nothing thinned). */
function snapshotFits(chart: ChartState, maxPoints: number): boolean {
  for (const history of chart.datasets.values()) if (history.size > maxPoints) return false;
  return true;
}

/**
 * What sends a display's bundles to `target`: Deno's broadcast gets the whole bundle; tslab's
 * handle (one MIME type per output) the first of `tslabOrder` the bundle has.
 */
export function senderFor(
  target: NotebookTarget,
  displayId: string,
  tslabOrder: readonly string[],
  where: string,
): (bundle: MimeBundle, update: boolean) => void {
  if (typeof target === "function") {
    return (bundle, update) => {
      const content: DisplayContent = {
        data: bundle,
        metadata: {},
        transient: { display_id: displayId },
      };
      const sent = target(update ? "update_display_data" : "display_data", content);
      if (sent instanceof Promise) sent.catch(report);
    };
  }
  if (target !== null && typeof target === "object" && typeof target.raw === "function") {
    // tslab's raw() tracks display vs update itself; a JSON MIME type's value goes out as JSON.
    return (bundle) => {
      const mime = tslabOrder.find((m) => bundle[m] !== undefined) ?? "text/plain";
      target.raw(mime, bundle[mime] ?? "");
    };
  }
  throw new TypeError(
    `${where}: expected Deno.jupyter.broadcast (or any (msgType, content) => void) or ` +
      "a tslab display (tslab.newDisplay())",
  );
}

const warned = new Set<string>();

/**
 * Prints each of Vega's warnings about a live chart once, not at every update; an empty chart's
 * "infinite extent" (no points yet) is expected and not printed.
 */
function warnOnce(message: string): void {
  if (warned.has(message) || message.includes("Infinite extent")) return;
  warned.add(message);
  process.stderr.write(`live chart: ${message}\n`);
}

function report(err: unknown): void {
  process.stderr.write(`Dendrite live: notebook update failed: ${String(err)}\n`);
}
