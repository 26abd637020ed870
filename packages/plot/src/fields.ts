// Checks that every field a chart encodes exists in its inline data (following the data down
// into layers, repeats, facets and concats, and the fields that transforms create).
import { columnsOf, type Row } from "./data.js";
import { didYouMean } from "./schema.js";

/** A spec as plain JSON (the builder's internal representation). */
export type Json = Record<string, unknown>;

const columnCache = new WeakMap<readonly Row[], string[]>();

/** Column names of inline rows (cached per rows array: charts never mutate their rows). */
export function inlineColumns(spec: Json): string[] | undefined {
  const data = spec.data as Json | null | undefined;
  if (!data || !Array.isArray(data.values)) return undefined;
  const rows = data.values as Row[];
  let cols = columnCache.get(rows);
  if (!cols) {
    cols = rows.length > 0 && typeof rows[0] !== "object" ? ["data"] : columnsOf(rows);
    columnCache.set(rows, cols);
  }
  return cols;
}

/** Throws naming `field`, the closest column and all columns, when `field` is not a column. */
export function checkField(where: string, field: string, columns: readonly string[]): void {
  if (columns.includes(field)) return;
  // Vega-Lite reads "a.b" and "a[0]" as nested access; "a\.b" as the literal name "a.b".
  const unescaped = field.replace(/\\(.)/g, "$1");
  if (columns.includes(unescaped)) return;
  const root = field.split(/(?<!\\)[.[]/)[0]!;
  if (root !== field && columns.includes(root)) return;
  throw new RangeError(
    `${where}: the data has no field "${field}"${didYouMean(field, columns)}; its columns are: ${columns.join(", ")}`,
  );
}

const asList = (x: unknown): string[] =>
  x === undefined ? [] : Array.isArray(x) ? (x as string[]) : [x as string];

/** The columns a view's own encodings see: its inline data's, after its transforms. */
export function visibleColumns(spec: Json): string[] | undefined {
  const cols = inlineColumns(spec);
  return cols && Array.isArray(spec.transform)
    ? afterTransforms(cols, spec.transform as Json[])
    : cols;
}

/** Columns after `transforms`, or undefined when a transform makes them unknowable (pivot). */
function afterTransforms(columns: string[], transforms: Json[]): string[] | undefined {
  let cols = [...columns];
  for (const t of transforms) {
    if ("aggregate" in t) {
      const ops = (t.aggregate as Json[]).map((a) => a.as as string);
      cols = [...asList(t.groupby), ...ops];
    } else if ("pivot" in t) {
      return undefined;
    } else if ("fold" in t) {
      cols.push(...(t.as ? asList(t.as) : ["key", "value"]));
    } else if ("density" in t) {
      cols.push(...(t.as ? asList(t.as) : ["value", "density"]), ...asList(t.groupby));
    } else if ("quantile" in t) {
      cols.push(...(t.as ? asList(t.as) : ["prob", "value"]));
    } else if ("lookup" in t) {
      const from = t.from as Json | undefined;
      cols.push(...asList(t.as ?? from?.fields));
    } else if ("window" in t || "joinaggregate" in t) {
      const defs = (t.window ?? t.joinaggregate) as Json[];
      cols.push(...defs.map((d) => d.as as string));
    } else if ("flatten" in t) {
      cols.push(...asList(t.as ?? t.flatten));
    } else if ("as" in t) {
      // calculate, bin, timeUnit, stack, regression, loess: new names in `as`.
      cols.push(...asList(t.as));
    }
  }
  return cols;
}

/** The fields named by one channel definition (or an array of them, for tooltip/detail). */
function encodedFields(def: unknown): string[] {
  if (Array.isArray(def)) return def.flatMap(encodedFields);
  if (def && typeof def === "object") {
    const f = (def as Json).field;
    if (typeof f === "string") return [f];
  }
  return [];
}

/**
 * Throws when a field used by `spec` (or any view inside it) is not in the inline data it sees.
 * `inherited` are the columns of the enclosing view's data (undefined: unknown, nothing checked).
 */
export function checkFields(spec: Json, where: string, inherited?: string[]): void {
  let columns =
    spec.data === null ? undefined : (inlineColumns(spec) ?? (spec.data ? undefined : inherited));
  if (columns && Array.isArray(spec.transform))
    columns = afterTransforms(columns, spec.transform as Json[]);
  if (columns) {
    for (const [channel, def] of Object.entries((spec.encoding as Json | undefined) ?? {})) {
      for (const f of encodedFields(def)) checkField(`${where} (channel ${channel})`, f, columns);
    }
    const repeat = spec.repeat;
    const repeated = Array.isArray(repeat) ? repeat : Object.values((repeat as Json) ?? {}).flat();
    for (const f of repeated as string[]) checkField(`${where} (repeat)`, f, columns);
    const facet = spec.facet as Json | undefined;
    if (facet) {
      const defs = "field" in facet ? [facet] : Object.values(facet);
      for (const f of encodedFields(defs)) checkField(`${where} (facet)`, f, columns);
    }
  }
  const children = [
    ...(spec.spec ? [spec.spec] : []),
    ...((spec.layer as Json[]) ?? []),
    ...((spec.concat as Json[]) ?? []),
    ...((spec.hconcat as Json[]) ?? []),
    ...((spec.vconcat as Json[]) ?? []),
  ] as Json[];
  for (const child of children) checkFields(child, where, columns);
}
