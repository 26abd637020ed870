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

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(
        prev[j]! + 1,
        cur[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = cur;
  }
  return prev[b.length]!;
}

/** The valid name closest to `name` (compared in camelCase). */
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
 * Finds `name` (camelCase or snake_case) in `registry`; `kind` ("loss", "metric", ...) words the
 * error for an unknown name.
 */
export function lookupName<T>(
  kind: string,
  registry: Readonly<Record<string, T>>,
  name: string,
): T {
  const key = toCamelCase(name);
  if (Object.prototype.hasOwnProperty.call(registry, key)) return registry[key]!;
  const valid = Object.keys(registry);
  const hint = closestName(name, valid);
  throw new Error(
    `unknown ${kind} "${name}"` +
      (hint ? `; did you mean "${hint}"?` : "") +
      ` Valid ${kind} names: ${valid.join(", ")} (or the same in snake_case).`,
  );
}
