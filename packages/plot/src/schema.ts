// What JavaScript callers may pass, read from Vega-Lite's own JSON schema, so that a misspelt
// mark, channel or option fails at once with a hint instead of silently producing a broken chart.
import { describeValue } from "./describe.js";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

type SchemaNode = {
  $ref?: string;
  anyOf?: SchemaNode[];
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  enum?: unknown[];
};

let definitions: Record<string, SchemaNode> | undefined;

function defs(): Record<string, SchemaNode> {
  if (!definitions) {
    const path = createRequire(import.meta.url).resolve("vega-lite/build/vega-lite-schema.json");
    definitions = (
      JSON.parse(readFileSync(path, "utf8")) as { definitions: Record<string, SchemaNode> }
    ).definitions;
  }
  return definitions;
}

function resolve(node: SchemaNode): SchemaNode {
  return node.$ref ? defs()[node.$ref.replace("#/definitions/", "")]! : node;
}

/** Property names allowed anywhere in `node` (following references, unions and array items). */
function propertyNames(node: SchemaNode, into = new Set<string>(), seen = new Set<SchemaNode>()) {
  const n = resolve(node);
  if (seen.has(n)) return into;
  seen.add(n);
  if (n.$ref) propertyNames({ $ref: n.$ref }, into, seen);
  for (const key of Object.keys(n.properties ?? {})) into.add(key);
  for (const sub of [...(n.anyOf ?? []), ...(n.allOf ?? []), ...(n.oneOf ?? [])]) {
    propertyNames(sub, into, seen);
  }
  if (n.items) propertyNames(n.items, into, seen);
  return into;
}

const memo = new Map<string, readonly string[]>();
function memoized(key: string, compute: () => Iterable<string>): readonly string[] {
  let v = memo.get(key);
  if (!v) {
    v = [...compute()].sort();
    memo.set(key, v);
  }
  return v;
}

const COMPOSITE_DEFS: Record<string, string> = {
  boxplot: "BoxPlotDef",
  errorbar: "ErrorBarDef",
  errorband: "ErrorBandDef",
};

/** Every mark type Vega-Lite knows: the primitive marks and the composite ones (boxplot, ...). */
export function markTypes(): readonly string[] {
  return memoized("marks", () => [
    ...(defs()["Mark"]!.enum as string[]),
    ...Object.keys(COMPOSITE_DEFS),
  ]);
}

/** Option names of `mark(type, opts)` for a mark type. */
export function markOptionNames(type: string): readonly string[] {
  return memoized(`mark:${type}`, () =>
    propertyNames({ $ref: `#/definitions/${COMPOSITE_DEFS[type] ?? "MarkDef"}` }),
  );
}

/** Every encoding channel (x, y, color, ..., row, column, facet). */
export function channels(): readonly string[] {
  return memoized("channels", () => Object.keys(defs()["FacetedEncoding"]!.properties!));
}

/** Option names of a channel definition (field, type, scale, axis, ...). */
export function channelOptionNames(channel: string): readonly string[] {
  return memoized(`channel:${channel}`, () =>
    propertyNames(defs()["FacetedEncoding"]!.properties![channel]!),
  );
}

/** Top-level properties of a chart (width, height, title, config, ...). */
export function topLevelNames(): readonly string[] {
  return memoized("toplevel", () => {
    const names = propertyNames({ $ref: "#/definitions/TopLevelUnitSpec" });
    for (const k of [
      "mark",
      "encoding",
      "data",
      "transform",
      "params",
      "projection",
      "selection",
    ]) {
      names.delete(k);
    }
    return names;
  });
}

/** Option names of a facet definition (`facet({ field, ... })` or `{ row, column }`). */
export function facetOptionNames(): readonly string[] {
  return memoized("facet", () =>
    propertyNames({
      anyOf: [{ $ref: "#/definitions/FacetFieldDef" }, { $ref: "#/definitions/FacetMapping" }],
    }),
  );
}

/** The Levenshtein edit distance between two strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** `; did you mean "x"?` for the closest candidate, or "" when none is close. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3))
    ? `; did you mean "${best}"?`
    : "";
}

/** Throws when `opts` has a key outside `allowed`, naming the key, the call and the closest fit. */
export function checkOptionNames(
  what: string,
  opts: object | undefined,
  allowed: readonly string[],
): void {
  if (opts === undefined || opts === null) return;
  if (typeof opts !== "object" || Array.isArray(opts)) {
    throw new TypeError(`${what}: options must be an object, got ${describeValue(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) {
      throw new TypeError(
        `${what}: unknown option "${key}"${didYouMean(key, allowed)} (allowed: ${allowed.join(", ")})`,
      );
    }
  }
}
