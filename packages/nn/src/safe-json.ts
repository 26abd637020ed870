/**
 * JSON from files, parsed defensively: a syntax error becomes an error with the loader's prefix,
 * and a value nested too deeply or holding a `__proto__` key is refused, so code walking the
 * result can recurse safely and never copies such a key onto another object's prototype.
 */

/** How deeply file JSON may nest (the formats read here nest a few levels). */
export const MAX_JSON_DEPTH = 256;

/**
 * Parses `text` (`what` names it, e.g. `metadata "dendrite.model"`); errors start with `where`.
 * Refuses objects with a `__proto__` key and nesting deeper than `MAX_JSON_DEPTH`.
 */
export function parseJson(text: string, what: string, where: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: ${what} is not valid JSON (${(err as Error).message})`);
  }
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth >= MAX_JSON_DEPTH)
      throw new Error(`${where}: ${what} nests deeper than ${MAX_JSON_DEPTH} levels`);
    if (Array.isArray(v)) {
      for (const item of v) stack.push([item, depth + 1]);
      continue;
    }
    for (const [k, item] of Object.entries(v)) {
      if (k === "__proto__") throw new Error(`${where}: ${what} has a "__proto__" key`);
      stack.push([item, depth + 1]);
    }
  }
  return value;
}

/** True for a JSON object (not an array, not null). */
export function isJsonObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
