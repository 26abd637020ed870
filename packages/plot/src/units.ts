// Walking a chart's views: the helpers that refine a finished plot (colorBy, setSize, axis titles,
// ...) apply to every single-view unit inside it, through layers, repeats, facets and concats.
import { chartOf, specOf, type Chart } from "./chart.js";
import type { Json } from "./fields.js";

/** Applies `fn` to each unit (single-view) spec inside `spec`, returning a new spec. */
export function mapUnitSpecs(spec: Json, fn: (unit: Json) => Json): Json {
  if (Array.isArray(spec.layer))
    return { ...spec, layer: (spec.layer as Json[]).map((s) => mapUnitSpecs(s, fn)) };
  if (spec.spec && typeof spec.spec === "object")
    return { ...spec, spec: mapUnitSpecs(spec.spec as Json, fn) };
  for (const key of ["concat", "hconcat", "vconcat"]) {
    if (Array.isArray(spec[key]))
      return { ...spec, [key]: (spec[key] as Json[]).map((s) => mapUnitSpecs(s, fn)) };
  }
  return fn(spec);
}

/** A new chart with `fn` applied to each unit spec of `chart`. */
export function mapUnits(chart: Chart, fn: (unit: Json) => Json): Chart {
  return chartOf(mapUnitSpecs(specOf(chart), fn));
}

/** A unit spec with one channel's definition changed by `fn` (skipped when the unit lacks it). */
export function updateChannel(unit: Json, channel: string, fn: (def: Json) => Json): Json {
  const encoding = unit.encoding as Json | undefined;
  const def = encoding?.[channel];
  if (!def || typeof def !== "object" || Array.isArray(def)) return unit;
  return { ...unit, encoding: { ...encoding, [channel]: fn(def as Json) } };
}

/** The outermost views of a chart that hold a size: the unit/layer itself, or the repeated/faceted child. */
export function mapSizedViews(spec: Json, fn: (view: Json) => Json): Json {
  if (spec.spec && typeof spec.spec === "object")
    return { ...spec, spec: mapSizedViews(spec.spec as Json, fn) };
  for (const key of ["concat", "hconcat", "vconcat"]) {
    if (Array.isArray(spec[key]))
      return { ...spec, [key]: (spec[key] as Json[]).map((s) => mapSizedViews(s, fn)) };
  }
  return fn(spec);
}
