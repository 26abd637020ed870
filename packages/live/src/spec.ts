// Turning a chart (anything with `toSpec()`) or a Vega-Lite spec into a live spec: its data
// becomes a named source that points can be pushed to, as Kino.VegaLite does.
import { createRequire } from "node:module";
import type { Point } from "./history.js";
import { normalizePoint } from "./points.js";
import { describeValue } from "@dendrite/plot";

/** A Vega-Lite v5 spec as plain JSON. */
export type VegaLiteSpec = Record<string, unknown>;

/** What `live.chart` accepts: a `@dendrite/plot` chart (or anything with `toSpec()`), or a spec. */
export type ChartInput = { toSpec(): object } | VegaLiteSpec;

/** The name of a live chart's main data source unless its spec names one. */
export const DEFAULT_DATASET = "values";

/** A live chart's spec and the data it starts with. */
export interface LiveSpec {
  /** The spec, with its top-level data replaced by `{ name }` and no `datasets`. */
  readonly spec: VegaLiteSpec;
  /** The dataset `push` uses when no `dataset` option is given. */
  readonly mainDataset: string;
  /** Every named data source of the spec (the main one first). */
  readonly datasets: readonly string[];
  /** Points the spec carried inline, by dataset. */
  readonly initial: ReadonlyMap<string, Point[]>;
}

const VIEW_KEYS = ["mark", "layer", "facet", "hconcat", "vconcat", "concat", "repeat"];

/** Reads the spec out of `input` and makes its data live. Throws a clear error on bad input. */
export function toLiveSpec(input: unknown, where = "live.chart"): LiveSpec {
  const raw = specOf(input, where);
  const spec = JSON.parse(JSON.stringify(raw)) as VegaLiteSpec;
  const schema = spec.$schema;
  if (typeof schema === "string" && !/vega-lite\/v5/.test(schema)) {
    throw new TypeError(
      `${where}: expected a Vega-Lite v5 spec, got one with $schema ${JSON.stringify(schema)}`,
    );
  }
  if (!VIEW_KEYS.some((k) => k in spec)) {
    throw new TypeError(
      `${where}: the spec has none of ${VIEW_KEYS.join(", ")}; give it a mark, e.g. ` +
        `plot.vl().mark("line").encodeField("x", "epoch").encodeField("y", "loss")`,
    );
  }
  const initial = new Map<string, Point[]>();
  const mainDataset = takeTopLevelData(spec, initial, where);
  const inlineSets = spec.datasets;
  if (inlineSets !== undefined) {
    if (inlineSets === null || typeof inlineSets !== "object") {
      throw new TypeError(`${where}: spec.datasets must be an object of arrays`);
    }
    for (const [name, values] of Object.entries(inlineSets)) {
      initial.set(name, pointsOf(values, `${where}: spec.datasets.${name}`));
    }
    delete spec.datasets;
  }
  const datasets = [mainDataset];
  for (const name of namedSources(spec)) if (!datasets.includes(name)) datasets.push(name);
  for (const name of initial.keys()) if (!datasets.includes(name)) datasets.push(name);
  return { spec, mainDataset, datasets, initial };
}

function specOf(input: unknown, where: string): object {
  if (input !== null && typeof input === "object") {
    const toSpec = (input as { toSpec?: unknown }).toSpec;
    if (typeof toSpec === "function") {
      const spec = toSpec.call(input) as unknown;
      if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
        throw new TypeError(
          `${where}: toSpec() returned ${describeValue(spec)}, not a spec object`,
        );
      }
      return spec;
    }
    if (!Array.isArray(input)) return input;
  }
  throw new TypeError(
    `${where}: expected a chart from @dendrite/plot (anything with toSpec()) or a Vega-Lite ` +
      `spec object, got ${describeValue(input)}`,
  );
}

/** Replaces the spec's top-level data by a named source; returns its name. */
function takeTopLevelData(
  spec: VegaLiteSpec,
  initial: Map<string, Point[]>,
  where: string,
): string {
  const data = spec.data;
  if (data === undefined || data === null) {
    spec.data = { name: DEFAULT_DATASET };
    return DEFAULT_DATASET;
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new TypeError(`${where}: spec.data must be an object, got ${describeValue(data)}`);
  }
  const d = data as Record<string, unknown>;
  if ("url" in d || "sequence" in d || "sphere" in d || "graticule" in d) {
    throw new TypeError(
      `${where}: a live chart's data must be inline values or none (points are pushed to it); ` +
        `this spec loads its data from ${"url" in d ? `the url ${JSON.stringify(d.url)}` : "a generator"}`,
    );
  }
  const name = typeof d.name === "string" && d.name !== "" ? d.name : DEFAULT_DATASET;
  if (d.values !== undefined) initial.set(name, pointsOf(d.values, `${where}: spec.data.values`));
  spec.data = { name };
  return name;
}

function pointsOf(values: unknown, where: string): Point[] {
  if (!Array.isArray(values)) {
    throw new TypeError(`${where} must be an array of records, got ${describeValue(values)}`);
  }
  return values.map((v, i) => normalizePoint(v, `${where}[${i}]`));
}

/** Every `data: { name }` anywhere in the spec (layers, concats, lookups...). */
function namedSources(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const x of node) namedSources(x, out);
  } else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "data" && value !== null && typeof value === "object") {
        const name = (value as { name?: unknown }).name;
        if (typeof name === "string" && !out.includes(name)) out.push(name);
      }
      namedSources(value, out);
    }
  }
  return out;
}

/** The spec with the given points inlined as Vega-Lite top-level `datasets`. */
export function withDatasets(spec: VegaLiteSpec, data: ReadonlyMap<string, Point[]>): VegaLiteSpec {
  return { ...spec, datasets: Object.fromEntries(data) };
}

/** The chart's title as text, if the spec has one. */
export function titleOf(spec: VegaLiteSpec): string | undefined {
  const t = spec.title;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) return t.join(" ");
  if (t !== null && typeof t === "object") {
    const text = (t as { text?: unknown }).text;
    if (typeof text === "string") return text;
    if (Array.isArray(text)) return text.join(" ");
  }
  return undefined;
}

interface VegaLiteModule {
  compile(spec: object, opts?: { logger?: object }): { spec: { data?: { name?: unknown }[] } };
}

let vegaLite: VegaLiteModule | undefined;

/** What Vega-Lite made of a spec. */
export interface Compiled {
  /** Vega-Lite's warnings, e.g. about a dropped encoding. */
  readonly warnings: string[];
  /** The names of the compiled Vega spec's top-level data sets. */
  readonly dataNames: string[];
}

/**
 * Compiles the spec with Vega-Lite (loaded on first use) so that a bad spec fails in the program,
 * not later in the page.
 */
export function compileSpec(spec: VegaLiteSpec, where = "live.chart"): Compiled {
  vegaLite ??= createRequire(import.meta.url)("vega-lite/build/vega-lite.min.js") as VegaLiteModule;
  const warnings: string[] = [];
  const logger = {
    level() {
      return logger;
    },
    warn: (...a: unknown[]) => void warnings.push(a.join(" ")),
    info: () => undefined,
    debug: () => undefined,
    error: (...a: unknown[]) => void warnings.push(a.join(" ")),
  };
  let vega;
  try {
    vega = vegaLite.compile(spec, { logger }).spec;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new TypeError(`${where}: Vega-Lite cannot compile this spec: ${msg}`);
  }
  const dataNames = (vega.data ?? []).flatMap((d) => (typeof d.name === "string" ? [d.name] : []));
  return { warnings, dataNames };
}
