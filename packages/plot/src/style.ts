// Tucan-style helpers that refine a chart: grouping by a field (colour, shape, facets), titles,
// size, themes, axes and scales. Each takes a chart and returns a new one.
import { chartOf, specOf, viewKind, type Chart } from "./chart.js";
import { checkFields, type Json } from "./fields.js";
import { channelOptionNames, checkOptionNames, didYouMean } from "./schema.js";
import { describeValue } from "./describe.js";
import { THEMES, type ThemeName } from "./themes.js";
import { mapSizedViews, mapUnitSpecs, updateChannel } from "./units.js";
import type { ColorScheme, Config, FieldOptions, TitleOptions } from "./types.js";

function byField(
  where: string,
  chart: Chart,
  channel: "color" | "shape" | "size" | "strokeDash",
  field: string,
  opts?: object,
): Chart {
  if (typeof field !== "string")
    throw new TypeError(`${where}: the field must be a string, got ${describeValue(field)}`);
  checkOptionNames(where, opts, channelOptionNames(channel));
  const def = { type: "nominal", ...opts, field };
  const spec = mapUnitSpecs(specOf(chart), (unit) => ({
    ...unit,
    encoding: { ...(unit.encoding as Json), [channel]: def },
  }));
  checkFields(spec, where);
  return chartOf(spec);
}

/** Colours marks by a field (nominal unless `opts.type` says otherwise). */
export function colorBy(chart: Chart, field: string, opts?: FieldOptions<"color">): Chart {
  return byField(`colorBy("${field}")`, chart, "color", field, opts);
}

/** Gives marks a shape per value of a field. */
export function shapeBy(chart: Chart, field: string, opts?: FieldOptions<"shape">): Chart {
  return byField(`shapeBy("${field}")`, chart, "shape", field, opts);
}

/** Sizes marks by a field (quantitative unless `opts.type` says otherwise). */
export function sizeBy(chart: Chart, field: string, opts?: FieldOptions<"size">): Chart {
  return byField(`sizeBy("${field}")`, chart, "size", field, { type: "quantitative", ...opts });
}

/** Options of {@link facetBy}: the facet field definition, and `columns` for wrapped facets. */
export type FacetByOptions = FieldOptions<"facet">;

/**
 * Splits a chart into small multiples by a field: one per `"row"`, per `"column"`, or
 * `"wrapped"` into a grid (`opts.columns` per row).
 */
export function facetBy(
  chart: Chart,
  kind: "row" | "column" | "wrapped",
  field: string,
  opts?: FacetByOptions,
): Chart {
  const where = `facetBy("${kind}", "${field}")`;
  const kinds = ["row", "column", "wrapped"];
  if (!kinds.includes(kind))
    throw new TypeError(
      `${where}: the kind must be "row", "column" or "wrapped"${didYouMean(String(kind), kinds)}`,
    );
  const channel = kind === "wrapped" ? "facet" : kind;
  checkOptionNames(where, opts, channelOptionNames(channel));
  const def = { type: "nominal", ...opts, field };
  const spec = specOf(chart);
  const kindOfView = viewKind(spec);
  let out: Json;
  if (kindOfView === "unit") {
    out = { ...spec, encoding: { ...(spec.encoding as Json), [channel]: def } };
  } else if (kindOfView === "layer") {
    const { data, width, height, layer, encoding, transform, params: _p, resolve, ...top } = spec;
    const { columns, ...facetDef } = def as Json;
    const inner: Json = {
      layer,
      ...(encoding ? { encoding } : {}),
      ...(width !== undefined ? { width } : {}),
      ...(height !== undefined ? { height } : {}),
    };
    out = {
      ...top,
      ...(data ? { data } : {}),
      ...(transform ? { transform } : {}),
      ...(resolve ? { resolve } : {}),
      ...(columns !== undefined ? { columns } : {}),
      facet: channel === "facet" ? facetDef : { [channel]: facetDef },
      spec: inner,
    };
  } else {
    throw new RangeError(
      `${where}: cannot facet a ${kindOfView} chart; facet its unit or layered children`,
    );
  }
  checkFields(out, where);
  return chartOf(out);
}

/** Sets the chart's title (a string, or several lines), with optional title properties. */
export function setTitle(chart: Chart, title: string | string[], opts?: TitleOptions): Chart {
  return chartOf({ ...specOf(chart), title: opts ? { ...opts, text: title } : title });
}

/** Sets the width and height of the chart's views (of each cell, for repeats and facets). */
export function setSize(chart: Chart, width: number, height: number): Chart {
  for (const [name, v] of [
    ["width", width],
    ["height", height],
  ] as const) {
    if (!(typeof v === "number" && v > 0))
      throw new RangeError(`setSize: ${name} must be a positive number, got ${describeValue(v)}`);
  }
  return chartOf(mapSizedViews(specOf(chart), (view) => ({ ...view, width, height })));
}

/** Applies a theme: a built-in name (see {@link THEMES}) or a Vega-Lite config. */
export function setTheme(chart: Chart, theme: ThemeName | Config): Chart {
  let config: Config;
  if (typeof theme === "string") {
    const names = Object.keys(THEMES);
    if (!(theme in THEMES))
      throw new RangeError(
        `setTheme: unknown theme "${theme}"${didYouMean(theme, names)} (themes: ${names.join(", ")})`,
      );
    config = THEMES[theme];
  } else config = theme;
  return chart.config(config);
}

function onChannel(where: string, chart: Chart, channel: string, fn: (def: Json) => Json): Chart {
  let found = false;
  const spec = mapUnitSpecs(specOf(chart), (unit) =>
    updateChannel(unit, channel, (def) => {
      found = true;
      return fn(def);
    }),
  );
  if (!found) throw new RangeError(`${where}: the chart has no ${channel} encoding`);
  return chartOf(spec);
}

/** Sets the title of the x axis. */
export function setXTitle(chart: Chart, title: string): Chart {
  return onChannel("setXTitle", chart, "x", (d) => ({ ...d, title }));
}

/** Sets the title of the y axis. */
export function setYTitle(chart: Chart, title: string): Chart {
  return onChannel("setYTitle", chart, "y", (d) => ({ ...d, title }));
}

/** Sets both axis titles. */
export function setXYTitles(chart: Chart, x: string, y: string): Chart {
  return setYTitle(setXTitle(chart, x), y);
}

function domain(where: string, chart: Chart, channel: "x" | "y", min: number, max: number): Chart {
  if (!(Number.isFinite(min) && Number.isFinite(max) && min < max)) {
    throw new RangeError(`${where}: expected min < max, got [${min}, ${max}]`);
  }
  return onChannel(where, chart, channel, (d) => ({
    ...d,
    scale: { ...(d.scale as Json), domain: [min, max] },
  }));
}

/** Fixes the x scale's domain to [min, max]. */
export function setXDomain(chart: Chart, min: number, max: number): Chart {
  return domain("setXDomain", chart, "x", min, max);
}

/** Fixes the y scale's domain to [min, max]. */
export function setYDomain(chart: Chart, min: number, max: number): Chart {
  return domain("setYDomain", chart, "y", min, max);
}

/** The continuous scale types `setXScale`/`setYScale` accept. */
export type ContinuousScale = "linear" | "log" | "sqrt" | "pow" | "symlog" | "time" | "utc";
const SCALES: readonly ContinuousScale[] = [
  "linear",
  "log",
  "sqrt",
  "pow",
  "symlog",
  "time",
  "utc",
];

function scaleType(where: string, chart: Chart, channel: "x" | "y", type: ContinuousScale): Chart {
  if (!SCALES.includes(type))
    throw new RangeError(
      `${where}: unknown scale "${type}"${didYouMean(String(type), SCALES)} (scales: ${SCALES.join(", ")})`,
    );
  return onChannel(where, chart, channel, (d) => ({ ...d, scale: { ...(d.scale as Json), type } }));
}

/** Sets the x scale type (`"log"`, `"sqrt"`, ...). */
export function setXScale(chart: Chart, type: ContinuousScale): Chart {
  return scaleType("setXScale", chart, "x", type);
}

/** Sets the y scale type (`"log"`, `"sqrt"`, ...). */
export function setYScale(chart: Chart, type: ContinuousScale): Chart {
  return scaleType("setYScale", chart, "y", type);
}

/** Uses a named Vega colour scheme (`"viridis"`, `"blues"`, `"category10"`, ...) for the colour scale. */
export function setColorScheme(chart: Chart, scheme: ColorScheme): Chart {
  return onChannel("setColorScheme", chart, "color", (d) => ({
    ...d,
    scale: { ...(d.scale as Json), scheme },
  }));
}

/** Hides the x or y axis. */
export function hideAxis(chart: Chart, channel: "x" | "y"): Chart {
  return onChannel("hideAxis", chart, channel, (d) => ({ ...d, axis: null }));
}
