// A live chart: Kino.VegaLite's push / push_many / clear over a Vega-Lite spec whose data grows
// while the program runs.
import { JUPYTER_DISPLAY } from "@dendrite/plot";
import { DatasetHistory, type Point } from "./history.js";
import {
  denoBroadcast,
  mimeBundle,
  NotebookDisplay,
  type DisplayOptions,
  type MimeBundle,
  type NotebookTarget,
} from "./notebook.js";
import { checkWindow, normalizePoint, type PushOptions } from "./points.js";
import { describeValue } from "@dendrite/plot";
import { newChartId, notifyChanged, register, snapshotOf, type ChartState } from "./registry.js";
import { currentDashboard, ensureDashboard } from "./server.js";
import {
  compileSpec,
  titleOf,
  toLiveSpec,
  withDatasets,
  type ChartInput,
  type VegaLiteSpec,
} from "./spec.js";

/** Options of `live.chart`. */
export interface ChartOptions {
  /** Show the chart on the local dashboard, starting it if none runs (default true). */
  readonly dashboard?: boolean;
  /** The title of the chart's card on the dashboard (default: the spec's title). */
  readonly title?: string;
}

/** A chart that grows while the program runs. Make one with `live.chart(spec)`. */
export class LiveChart {
  /** Unique within the process ("1", "2", ...). */
  readonly id: string;
  private readonly state: ChartState;
  private readonly mainDataset: string | undefined;
  private readonly histories: Map<string, DatasetHistory>;
  private readonly displays = new Set<NotebookDisplay>();

  /** Use `live.chart(spec)`. */
  constructor(input: ChartInput, opts: ChartOptions = {}) {
    if (opts === null || typeof opts !== "object") {
      throw new TypeError(`live.chart: options must be an object, got ${describeValue(opts)}`);
    }
    const live = toLiveSpec(input);
    const compiled = compileSpec(live.spec);
    for (const w of compiled.warnings) process.stderr.write(`live.chart: Vega-Lite: ${w}\n`);
    // Only sources that survive compilation can receive points in the page.
    const names = live.datasets.filter((n) => compiled.dataNames.includes(n));
    this.mainDataset = names.includes(live.mainDataset) ? live.mainDataset : undefined;
    this.histories = new Map(names.map((n) => [n, new DatasetHistory()]));
    for (const [name, points] of live.initial) this.histories.get(name)?.push(points);
    this.id = newChartId();
    const title = opts.title ?? titleOf(live.spec) ?? `Chart ${this.id}`;
    this.state = { id: this.id, title, spec: live.spec, datasets: this.histories };
    if (opts.dashboard ?? true) ensureDashboard();
    register(this.state);
  }

  /** The page showing this chart alone, while the dashboard runs (undefined otherwise). */
  get url(): string | undefined {
    const d = currentDashboard();
    return d === undefined ? undefined : `${d.url}?chart=${this.id}`;
  }

  /** The title shown on the dashboard. */
  get title(): string {
    return this.state.title;
  }

  /** The names of the data sources points can be pushed to, the default one first. */
  get datasets(): string[] {
    return [...this.histories.keys()];
  }

  /**
   * Adds one point, e.g. `push({ epoch: 3, loss: 0.42 })`. With `window`, only the newest
   * `window` points of the dataset are kept; `dataset` picks a named data source.
   */
  push(point: Point, opts?: PushOptions): void {
    const history = this.historyFor(opts, "push");
    const window = checkWindow(opts?.window, this.where("push"));
    history.push([normalizePoint(point, this.where("push"))], window);
    this.changed();
  }

  /** Adds several points at once (`push` for each, in one update). */
  pushMany(points: Iterable<Point>, opts?: PushOptions): void {
    const where = this.where("pushMany");
    const history = this.historyFor(opts, "pushMany");
    const window = checkWindow(opts?.window, where);
    if (
      points === null ||
      typeof (points as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== "function" ||
      typeof points === "string"
    ) {
      throw new TypeError(`${where}: expected an array of points, got ${describeValue(points)}`);
    }
    const rows: Point[] = [];
    let i = 0;
    for (const p of points) rows.push(normalizePoint(p, `${where}: point ${i++}`));
    history.push(rows, window);
    this.changed();
  }

  /** Removes every point of the dataset (the default one unless `dataset` is given). */
  clear(opts?: Pick<PushOptions, "dataset">): void {
    this.historyFor(opts, "clear").clear();
    this.changed();
  }

  /** A copy of the dataset's current points, oldest first. */
  values(dataset?: string): Point[] {
    return this.historyFor(dataset === undefined ? undefined : { dataset }, "values").values();
  }

  /** The Vega-Lite spec with the current points inlined (as top-level `datasets`). */
  toSpec(): VegaLiteSpec {
    return withDatasets(this.state.spec, new Map(Object.entries(snapshotOf(this.state).data)));
  }

  /**
   * Shows the chart in a Jupyter notebook output that updates in place as points arrive (at most
   * one update per `intervalMs`, sent from the push itself, so a training loop that never awaits
   * still updates it; `run` sends the final state with every point before it returns).
   * In Deno's kernel the target defaults to `Deno.jupyter.broadcast`; in tslab pass
   * `tslab.newDisplay()`; any `(msgType, content) => void` that sends IOPub messages works.
   */
  display(target?: NotebookTarget, opts?: DisplayOptions): NotebookDisplay {
    const t = target ?? denoBroadcast();
    if (t === undefined) {
      throw new Error(
        `${this.where("display")}: no Jupyter kernel found; in Deno's kernel call display() ` +
          `with no argument, in tslab pass tslab.newDisplay(), or open ${this.url ?? "the dashboard (live.serve())"}`,
      );
    }
    const d = new NotebookDisplay(this.state, t, opts);
    this.displays.add(d);
    return d;
  }

  /** Sends what is pending (every point) and stops updating every notebook output of this chart. */
  async stopDisplays(): Promise<void> {
    const stopping = [...this.displays].map((d) => d.stop());
    this.displays.clear();
    await Promise.all(stopping);
  }

  /**
   * Deno's Jupyter display hook: the chart as the value of a cell. In Deno's kernel it shows a
   * live output (updated in place) and returns an empty bundle; elsewhere a static bundle (the
   * spec with every point, an SVG of it and a line of text).
   */
  async [JUPYTER_DISPLAY](): Promise<MimeBundle> {
    if (denoBroadcast() !== undefined) {
      this.display();
      return {};
    }
    return mimeBundle(this.state);
  }

  private historyFor(
    opts: Pick<PushOptions, "dataset"> | undefined,
    method: string,
  ): DatasetHistory {
    if (opts !== undefined && (opts === null || typeof opts !== "object")) {
      throw new TypeError(
        `${this.where(method)}: options must be an object, got ${describeValue(opts)}`,
      );
    }
    const name = opts?.dataset ?? this.mainDataset;
    const history = name === undefined ? undefined : this.histories.get(name);
    if (history === undefined) {
      const known = this.datasets.map((n) => JSON.stringify(n)).join(", ") || "none";
      throw new RangeError(
        name === undefined
          ? `${this.where(method)}: this chart's top-level data is unused; pass { dataset } (one of ${known})`
          : `${this.where(method)}: no dataset ${JSON.stringify(name)}; this chart's datasets are ${known}`,
      );
    }
    return history;
  }

  private changed(): void {
    notifyChanged(this.state);
    for (const d of this.displays) d.changed();
  }

  private where(method: string): string {
    return `live chart ${this.id} (${this.state.title}).${method}`;
  }
}

/**
 * Makes a live chart from a `@dendrite/plot` chart (anything with `toSpec()`) or a Vega-Lite spec,
 * and shows it on the local dashboard (started on first use; its URL is printed). Its data
 * becomes a named source, `"values"` unless the spec names it, that `push` appends to.
 */
export function chart(input: ChartInput, opts?: ChartOptions): LiveChart {
  return new LiveChart(input, opts);
}
