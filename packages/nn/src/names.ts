/**
 * Name lookup shared by losses, metrics and optimizers: a name may be written in camelCase
 * (`"meanSquaredError"`) or in Axon's snake_case (`"mean_squared_error"`); an unknown name gets an
 * error that lists the valid names and suggests the closest one.
 */

/** `"mean_squared_error"` → `"meanSquaredError"` (camelCase input is returned unchanged). */
export function toCamelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `"meanSquaredError"` → `"mean_squared_error"`, the name Axon prints. */
export function toSnakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/**
 * Edit distance (insertions, deletions, substitutions and swaps of neighbours, so `rleu` is one
 * step from `relu`), case-insensitive.
 */
function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        prev[j]! + 1,
        cur[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        cur[j] = Math.min(cur[j]!, before[j - 2]! + 1);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** A name with case and underscores dropped: Keras' `binary_crossentropy` meets `binaryCrossEntropy`. */
function loose(name: string): string {
  return name.replace(/_/g, "").toLowerCase();
}

/** Other names for registry entries (Keras', PyTorch's): alias → the registry's own name. */
export type Aliases = Readonly<Record<string, string>>;

/** The valid name (or alias) closest to `name` (compared in camelCase). */
export function closestName(name: string, valid: readonly string[]): string | undefined {
  const wanted = toCamelCase(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const v of valid) {
    const d = editDistance(wanted, v);
    if (d < bestDistance) [best, bestDistance] = [v, d];
  }
  return best;
}

/**
 * The registry's own name for `name`: written in camelCase, Axon's snake_case or Keras' spelling
 * (case and underscores do not matter), or one of `aliases` (`"mse"`). An unknown name gets an error
 * that lists the valid names and suggests the closest name or alias; `kind` ("loss", "metric", …)
 * words it.
 */
export function canonicalName(
  kind: string,
  registry: Readonly<Record<string, unknown>>,
  name: string,
  aliases: Aliases = {},
): string {
  const valid = Object.keys(registry);
  const key = toCamelCase(name);
  if (Object.prototype.hasOwnProperty.call(registry, key)) return key;
  const wanted = loose(name);
  const found =
    valid.find((v) => loose(v) === wanted) ??
    Object.entries(aliases).find(([a]) => loose(a) === wanted)?.[1];
  if (found !== undefined) return found;
  const hint = closestName(name, [...valid, ...Object.keys(aliases)]);
  const hinted = hint && !valid.includes(hint) ? `"${hint}" (${aliases[hint]})` : `"${hint}"`;
  throw new Error(
    `unknown ${kind} "${name}"` +
      (hint ? `; did you mean ${hinted}?` : "") +
      ` Valid ${kind} names: ${valid.join(", ")} (or the same in snake_case` +
      (Object.keys(aliases).length ? `; also ${Object.keys(aliases).join(", ")}` : "") +
      ").",
  );
}

/** Finds `name` in `registry` as `canonicalName` does, and returns its entry. */
export function lookupName<T>(
  kind: string,
  registry: Readonly<Record<string, T>>,
  name: string,
  aliases: Aliases = {},
): T {
  return registry[canonicalName(kind, registry, name, aliases)]!;
}
