// The immutable Vega-Lite builder: every method returns a new Chart (Elixir's VegaLite, in
// TypeScript style). Options are typed with Vega-Lite's own types and checked at run time against
// Vega-Lite's schema for JavaScript callers.
import { toRows, type DataInput, type ValuesOptions } from "./data.js";
import { checkField, checkFields, visibleColumns, type Json } from "./fields.js";
import {
  channelOptionNames,
  channels,
  checkOptionNames,
  didYouMean,
  facetOptionNames,
  markOptionNames,
  markTypes,
  topLevelNames,
} from "./schema.js";
import { describeValue } from "./describe.js";
import { renderHTML, renderPNG, renderSVG, saveSpec, type PNGOptions } from "./render.js";
import {
  displayBundle,
  JUPYTER_DISPLAY,
  showIn,
  type MimeBundle,
  type NotebookDisplay,
  type ShowOptions,
} from "./notebook.js";
import type {
  Channel,
  ChannelDef,
  ChartOptions,
  ConcatDirection,
  Config,
  FacetDef,
  FieldOptions,
  MarkOptions,
  MarkType,
  ParamOptions,
  RepeatDef,
  RepeatKey,
  Resolve,
  TopLevelSpec,
  Transform,
  UrlOptions,
} from "./types.js";

/** The Vega-Lite v5 schema URL every top-level spec carries. */
export const SCHEMA_URL = "https://vega.github.io/schema/vega-lite/v5.json";

/** The measurement types of a field. */
const TYPES = ["quantitative", "nominal", "ordinal", "temporal", "geojson"];

const MULTI_VIEW_KEYS = ["layer", "repeat", "facet", "concat", "hconcat", "vconcat"] as const;

/** The kind of view a spec is: a single-view unit, or one of the multi-view compositions. */
export function viewKind(spec: Json): "unit" | (typeof MULTI_VIEW_KEYS)[number] {
  return MULTI_VIEW_KEYS.find((k) => k in spec && (k !== "facet" || "spec" in spec)) ?? "unit";
}

const CHILD_HINT: Record<string, string> = {
  layer: "the charts given to layers()",
  repeat: "the child chart given to repeat()",
  facet: "the child chart given to facet()",
  concat: "the charts given to concat()",
  hconcat: "the charts given to concat()",
  vconcat: "the charts given to concat()",
};

const SPECS = new WeakMap<Chart, Json>();

/** The internal spec of a chart (shared, never mutated). */
export function specOf(chart: Chart): Json {
  const spec = SPECS.get(chart);
  if (!spec)
    throw new TypeError(
      `expected a Chart (from plot.vl() or a plot function), got ${describeValue(chart)}`,
    );
  return spec;
}

/** A chart around `spec` (taken as is: callers hand over a fresh object). */
export function chartOf(spec: Json): Chart {
  return new Chart(spec, PRIVATE);
}

const PRIVATE = Symbol("Chart");

function isChart(x: unknown): x is Chart {
  return x instanceof Chart && SPECS.has(x);
}

/** A spec to nest inside another: without `$schema`; `config` only belongs at the top. */
function childSpec(where: string, child: unknown, index?: number): Json {
  if (!isChart(child)) {
    const which = index === undefined ? "the child" : `child ${index}`;
    throw new TypeError(
      `${where}: ${which} must be a Chart (from plot.vl()), got ${describeValue(child)}`,
    );
  }
  const { $schema: _schema, config, ...rest } = specOf(child);
  if (config !== undefined) {
    throw new RangeError(
      `${where}: a child chart cannot have config; set config on the outer chart`,
    );
  }
  return rest;
}

/**
 * A Vega-Lite chart. Immutable: every method returns a new chart, so a partly built chart can be
 * reused as the start of several others.
 */
export class Chart {
  /** @internal Use {@link vl}, {@link Chart.fromSpec} or a plot function. */
  constructor(spec: Json, key: typeof PRIVATE) {
    if (key !== PRIVATE)
      throw new TypeError("Chart: use plot.vl() or Chart.fromSpec() to make a chart");
    SPECS.set(this, spec);
    Object.freeze(this);
  }

  /** A chart from a Vega-Lite spec (JSON), e.g. one written by `save("x.json")`. */
  static fromSpec(spec: TopLevelSpec | Record<string, unknown>): Chart {
    if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
      throw new TypeError(`fromSpec: expected a Vega-Lite spec object, got ${describeValue(spec)}`);
    }
    return chartOf(structuredClone(spec) as Json);
  }

  #with(patch: Json): Chart {
    return chartOf({ ...specOf(this), ...patch });
  }

  #refuseMultiView(where: string, allowLayer: boolean): void {
    const kind = viewKind(specOf(this));
    if (kind !== "unit" && !(allowLayer && kind === "layer")) {
      throw new RangeError(
        `${where}: cannot be applied to a multi-view chart (${kind}); apply it to ${CHILD_HINT[kind]}`,
      );
    }
  }

  #refuseSingleView(where: string, allowEncoding = false): void {
    const spec = specOf(this);
    const has =
      "mark" in spec ? "mark" : "encoding" in spec && !allowEncoding ? "encoding" : undefined;
    if (has) {
      throw new RangeError(
        `${where}: the chart already has ${has === "mark" ? "a mark" : "an encoding"}; start from a chart with only data and options (plot.vl(...).dataFromValues(...)) and put marks in the children`,
      );
    }
    const kind = viewKind(spec);
    if (kind !== "unit" && kind !== "layer") {
      throw new RangeError(
        `${where}: the chart is already a ${kind} chart; nest it as a child instead`,
      );
    }
  }

  /** Sets the mark: `mark("point", { size: 120, filled: true })`. Refused on multi-view charts. */
  mark<M extends MarkType>(type: M, opts?: MarkOptions<M>): Chart {
    const where = `mark(${JSON.stringify(type)})`;
    if (typeof type !== "string" || !markTypes().includes(type)) {
      throw new TypeError(
        `mark: unknown mark type ${describeValue(type)}${typeof type === "string" ? didYouMean(type, markTypes()) : ""} (marks: ${markTypes().join(", ")})`,
      );
    }
    const kind = viewKind(specOf(this));
    if (kind !== "unit") {
      throw new RangeError(
        `${where}: cannot add a mark to a multi-view chart (${kind}); add it to ${CHILD_HINT[kind]}`,
      );
    }
    checkOptionNames(where, opts, markOptionNames(type));
    const hasOpts = opts && Object.keys(opts).length > 0;
    return this.#with({ mark: hasOpts ? { type, ...opts } : type });
  }

  #encoding(where: string, channel: string, def: unknown): Chart {
    checkChannel(where, channel);
    this.#refuseMultiView(where, true);
    const allowed = channelOptionNames(channel);
    for (const d of Array.isArray(def) ? def : [def]) checkOptionNames(where, d as object, allowed);
    for (const d of Array.isArray(def) ? def : [def]) {
      const type = (d as Json | null)?.type;
      if (type !== undefined && !(typeof type === "string" && TYPES.includes(type))) {
        throw new TypeError(
          `${where}: unknown type ${describeValue(type)}${typeof type === "string" ? didYouMean(type, TYPES) : ""} (types: ${TYPES.join(", ")})`,
        );
      }
    }
    const spec = specOf(this);
    const columns = visibleColumns(spec);
    if (columns) {
      for (const d of Array.isArray(def) ? def : [def]) {
        const field = (d as Json | null)?.field;
        if (typeof field === "string") checkField(where, field, columns);
      }
    }
    return this.#with({ encoding: { ...(spec.encoding as Json), [channel]: def } });
  }

  /**
   * Encodes a data field on a channel: `encodeField("x", "sepal_length", { type: "quantitative" })`.
   * The field must be a column of the chart's inline data, when it has some.
   */
  encodeField<C extends Channel>(channel: C, field: string, opts?: FieldOptions<C>): Chart {
    const where = `encodeField(${JSON.stringify(channel)}, ${JSON.stringify(field)})`;
    if (typeof field !== "string")
      throw new TypeError(`${where}: the field must be a string, got ${describeValue(field)}`);
    checkChannel(where, channel);
    checkOptionNames(where, opts, channelOptionNames(channel));
    return this.#encoding(where, channel, { ...(opts as object), field });
  }

  /** Sets a channel to any definition: a value, datum, aggregate, or an array (tooltip, detail). */
  encode<C extends Channel>(channel: C, def: ChannelDef<C>): Chart {
    if (typeof def !== "object" || def === null) {
      throw new TypeError(
        `encode(${JSON.stringify(channel)}): expected a channel definition object, got ${describeValue(def)}`,
      );
    }
    return this.#encoding(`encode(${JSON.stringify(channel)})`, channel, def);
  }

  /** Encodes the field a repeat cell stands for: `encodeRepeat("x", "column", { type: "quantitative" })`. */
  encodeRepeat<C extends Channel>(channel: C, repeat: RepeatKey, opts?: FieldOptions<C>): Chart {
    const where = `encodeRepeat(${JSON.stringify(channel)}, ${JSON.stringify(repeat)})`;
    const keys = ["row", "column", "repeat", "layer"];
    if (!keys.includes(repeat)) {
      throw new TypeError(
        `${where}: the repeat must be one of ${keys.join(", ")}${didYouMean(String(repeat), keys)}`,
      );
    }
    checkChannel(where, channel);
    checkOptionNames(where, opts, channelOptionNames(channel));
    return this.#encoding(where, channel, { ...(opts as object), field: { repeat } });
  }

  /** Sets inline data from records, columns, a DataFrame, an Arrow table or a tensor. */
  dataFromValues(data: DataInput, opts?: ValuesOptions): Chart {
    checkOptionNames("dataFromValues", opts, ["only"]);
    const next = this.#with({ data: { values: toRows(data, opts) } });
    checkFields(specOf(next), "dataFromValues");
    return next;
  }

  /** Sets data loaded from a URL (or file path, when rendered in Node). */
  dataFromUrl(url: string, opts?: UrlOptions): Chart {
    if (typeof url !== "string")
      throw new TypeError(`dataFromUrl: the url must be a string, got ${describeValue(url)}`);
    return this.#with({ data: { ...(opts as object), url } });
  }

  /** Repeats `child` over fields: `repeat({ row: cols, column: cols }, child)`. */
  repeat(def: RepeatDef, child: Chart): Chart {
    this.#refuseSingleView("repeat");
    const ok =
      (Array.isArray(def) && def.every((f) => typeof f === "string")) ||
      (typeof def === "object" &&
        def !== null &&
        !Array.isArray(def) &&
        Object.entries(def).every(
          ([k, v]) => ["row", "column", "layer"].includes(k) && Array.isArray(v),
        ));
    if (!ok) {
      throw new TypeError(
        `repeat: expected a list of fields or { row, column, layer } lists of fields, got ${describeValue(def)}`,
      );
    }
    const next = this.#with({ repeat: def, spec: childSpec("repeat", child) });
    checkFields(specOf(next), "repeat");
    return next;
  }

  /** Facets `child` by a field (`facet({ field: "species" }, child)`) or by `{ row, column }`. */
  facet(def: FacetDef, child: Chart): Chart {
    this.#refuseSingleView("facet");
    checkOptionNames("facet", def, facetOptionNames());
    const next = this.#with({ facet: def, spec: childSpec("facet", child) });
    checkFields(specOf(next), "facet");
    return next;
  }

  /** Layers charts on top of each other (appends to existing layers). */
  layers(children: readonly Chart[]): Chart {
    this.#refuseSingleView("layers", true);
    if (!Array.isArray(children))
      throw new TypeError(`layers: expected an array of charts, got ${describeValue(children)}`);
    const layer = [
      ...((specOf(this).layer as Json[]) ?? []),
      ...children.map((c, i) => childSpec("layers", c, i)),
    ];
    const next = this.#with({ layer });
    checkFields(specOf(next), "layers");
    return next;
  }

  /** Places charts side by side: `"horizontal"`, `"vertical"` or `"wrappable"` (the default). */
  concat(children: readonly Chart[], direction: ConcatDirection = "wrappable"): Chart {
    this.#refuseSingleView("concat");
    const key = { wrappable: "concat", horizontal: "hconcat", vertical: "vconcat" }[direction];
    if (!key) {
      throw new TypeError(
        `concat: the direction must be "wrappable", "horizontal" or "vertical", got ${describeValue(direction)}`,
      );
    }
    if (!Array.isArray(children))
      throw new TypeError(`concat: expected an array of charts, got ${describeValue(children)}`);
    const next = this.#with({ [key]: children.map((c, i) => childSpec("concat", c, i)) });
    checkFields(specOf(next), "concat");
    return next;
  }

  /** Appends a data transform (filter, calculate, fold, density, aggregate, ...). */
  transform(t: Transform): Chart {
    if (typeof t !== "object" || t === null || Array.isArray(t)) {
      throw new TypeError(`transform: expected a transform object, got ${describeValue(t)}`);
    }
    return this.#with({ transform: [...((specOf(this).transform as Json[]) ?? []), t] });
  }

  /** Adds a parameter (a variable or a selection): `param("brush", { select: "interval" })`. */
  param(name: string, opts: ParamOptions): Chart {
    if (typeof name !== "string" || name === "")
      throw new TypeError(`param: the name must be a non-empty string, got ${describeValue(name)}`);
    return this.#with({
      params: [...((specOf(this).params as Json[]) ?? []), { name, ...(opts as object) }],
    });
  }

  /** Sets how scales, axes or legends of sub-views combine: `resolve("scale", { color: "independent" })`. */
  resolve<K extends keyof Resolve>(key: K, opts: NonNullable<Resolve[K]>): Chart {
    const keys = ["scale", "axis", "legend"];
    if (!keys.includes(key))
      throw new TypeError(
        `resolve: the key must be one of ${keys.join(", ")}${didYouMean(String(key), keys)}`,
      );
    const resolve = (specOf(this).resolve as Json) ?? {};
    return this.#with({ resolve: { ...resolve, [key]: { ...(resolve[key] as Json), ...opts } } });
  }

  /** Merges Vega-Lite configuration (fonts, axis and legend defaults, themes) into the chart. */
  config(opts: Config): Chart {
    if (typeof opts !== "object" || opts === null)
      throw new TypeError(`config: expected an object, got ${describeValue(opts)}`);
    return this.#with({ config: mergeDeep((specOf(this).config as Json) ?? {}, opts as Json) });
  }

  /** Sets top-level properties (width, height, title, ...), as `vl(opts)` does. */
  props(opts: ChartOptions): Chart {
    checkOptionNames("props", opts, topLevelNames());
    return this.#with(opts as Json);
  }

  /** The Vega-Lite spec (a fresh copy: changing it does not change the chart). */
  toSpec(): TopLevelSpec {
    const { $schema: _schema, ...rest } = specOf(this);
    return structuredClone({ $schema: SCHEMA_URL, ...rest }) as TopLevelSpec;
  }

  /** The spec, for `JSON.stringify(chart)`. */
  toJSON(): TopLevelSpec {
    return this.toSpec();
  }

  /** Renders the chart to an SVG document with the real Vega, headless. */
  toSVG(): Promise<string> {
    return renderSVG(this.#top());
  }

  /** Renders the chart to PNG bytes; `scale` multiplies the size (default 1). */
  toPNG(opts?: PNGOptions): Promise<Uint8Array> {
    return renderPNG(this.#top(), opts);
  }

  /** One self-contained HTML page showing the chart (Vega inlined; works offline). */
  toHTML(): string {
    const title = specOf(this).title;
    return renderHTML(this.#top(), typeof title === "string" ? title : "Chart");
  }

  /** Writes the chart to `path`: `.svg`, `.png`, `.html` or `.json`, by extension. Returns the path. */
  save(path: string, opts?: PNGOptions): Promise<string> {
    return saveSpec(this.#top(), path, opts);
  }

  /** The MIME bundle a Jupyter kernel shows (Deno's kernel calls this for a cell's value). */
  [JUPYTER_DISPLAY](): Promise<MimeBundle> {
    return displayBundle(this.#top());
  }

  /** Shows the chart through a notebook display object, e.g. tslab's `display` (see README). */
  show(display: NotebookDisplay, opts?: ShowOptions): Promise<void> {
    return showIn(this.#top(), display, opts);
  }

  #top(): Json {
    return { $schema: SCHEMA_URL, ...specOf(this) };
  }
}

function checkChannel(where: string, channel: unknown): void {
  if (typeof channel !== "string" || !channels().includes(channel)) {
    throw new TypeError(
      `${where}: unknown channel ${describeValue(channel)}${typeof channel === "string" ? didYouMean(channel, channels()) : ""} (channels: ${channels().join(", ")})`,
    );
  }
}

function mergeDeep(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v &&
      typeof v === "object" &&
      !Array.isArray(v) &&
      prev &&
      typeof prev === "object" &&
      !Array.isArray(prev)
        ? mergeDeep(prev as Json, v as Json)
        : v;
  }
  return out;
}

/** A new chart: `vl({ width: 640, height: 480, title: "Iris" })` (Elixir's `VegaLite.new`). */
export function vl(opts: ChartOptions = {}): Chart {
  checkOptionNames("vl", opts, topLevelNames());
  return chartOf({ ...(opts as Json) });
}

/** A chart from a Vega-Lite spec (the same as `Chart.fromSpec`). */
export function fromSpec(spec: TopLevelSpec | Record<string, unknown>): Chart {
  return Chart.fromSpec(spec);
}
