// Live charts in Jupyter notebooks: a `display_data` message with a `display_id`, then
// `update_display_data` messages with the same id, which the front end applies to that output in
// place. Deno's kernel sends them through `Deno.jupyter.broadcast`; tslab through the `Display`
// that `tslab.newDisplay()` returns.
import { randomUUID } from "node:crypto";
import { snapshotOf, type ChartState } from "./registry.js";
import { withDatasets } from "./spec.js";

import { VEGALITE_MIME, type MimeBundle } from "@dendrite/plot";

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
  /** Least milliseconds between two updates of the output (default 200). */
  readonly intervalMs?: number;
}

/** The chart with its current points inlined: a Vega-Lite bundle with a text fallback. */
export function mimeBundle(chart: ChartState): MimeBundle {
  const snap = snapshotOf(chart);
  const data = new Map(Object.entries(snap.data));
  const counts = [...data].map(([name, points]) => `${points.length} in ${name}`).join(", ");
  return {
    [VEGALITE_MIME]: withDatasets(chart.spec, data),
    "text/plain": `live chart ${chart.id} "${chart.title}": ${counts || "no data"}`,
  };
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
  private lastSent = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly chart: ChartState,
    target: NotebookTarget,
    opts: DisplayOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 200;
    if (!(this.intervalMs >= 0)) {
      throw new RangeError(`live chart display: intervalMs must be ≥ 0, got ${opts.intervalMs}`);
    }
    this.send = senderFor(target, this.displayId);
    this.sendNow(false);
  }

  /** Schedules an update (at most one per `intervalMs`). */
  changed(): void {
    if (this.stopped || this.timer !== undefined) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendNow(true);
    }, wait);
    this.timer.unref();
  }

  /** Sends the pending update now, if any. */
  flush(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sendNow(true);
  }

  /** Stops updating the output (it keeps showing the last state). */
  stop(): void {
    this.flush();
    this.stopped = true;
  }

  private sendNow(update: boolean): void {
    this.lastSent = performance.now();
    this.send(mimeBundle(this.chart), update);
  }
}

function senderFor(
  target: NotebookTarget,
  displayId: string,
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
    // tslab's raw() takes one MIME type and tracks display vs update itself; a JSON MIME type's
    // value goes out as JSON.
    return (bundle) => target.raw(VEGALITE_MIME, bundle[VEGALITE_MIME]);
  }
  throw new TypeError(
    "live chart display: expected Deno.jupyter.broadcast (or any (msgType, content) => void) or " +
      "a tslab display (tslab.newDisplay())",
  );
}

function report(err: unknown): void {
  process.stderr.write(`Dendrite live: notebook update failed: ${String(err)}\n`);
}
