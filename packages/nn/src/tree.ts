/**
 * Parameter trees: nested plain objects and arrays whose leaves are tensors (`{ dense_0: { kernel,
 * bias } }`). Optimizers map over them leaf by leaf.
 */
import * as nx from "@dendrite/tensor";

/** A tensor, or plain objects and arrays of them. */
export type Tree = nx.Tensor | readonly Tree[] | { readonly [key: string]: Tree };

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Applies `fn` to the leaves at the same places of `tree` and each of `others` (which must have the
 * structure of `tree`), giving a tree of the results with `tree`'s structure.
 */
export function treeMap<T extends Tree>(
  tree: T,
  fn: (leaf: nx.Tensor, ...others: nx.Tensor[]) => nx.Tensor,
  ...others: Tree[]
): T {
  const walk = (x: unknown, rest: unknown[], path: string): unknown => {
    if (x instanceof nx.Tensor) {
      rest.forEach((r, i) => {
        if (!(r instanceof nx.Tensor))
          throw new TypeError(
            `tree ${i + 2} at ${path}: expected a tensor, got ${nx.describeValue(r)}`,
          );
      });
      return fn(x, ...(rest as nx.Tensor[]));
    }
    if (Array.isArray(x)) {
      rest.forEach((r, i) => {
        if (!Array.isArray(r) || r.length !== x.length)
          throw new TypeError(
            `tree ${i + 2} at ${path}: expected an array of ${x.length}, got ${nx.describeValue(r)}`,
          );
      });
      return x.map((v, k) =>
        walk(
          v,
          rest.map((r) => (r as unknown[])[k]),
          `${path}[${k}]`,
        ),
      );
    }
    if (isPlainObject(x)) {
      const out: Record<string, unknown> = {};
      const keys = Object.keys(x);
      rest.forEach((r, i) => {
        if (isPlainObject(r) && Object.keys(r).length !== keys.length)
          throw new TypeError(
            `tree ${i + 2} at ${path} has keys ${Object.keys(r).join(", ")} where tree 1 has ${keys.join(", ")}`,
          );
      });
      for (const key of keys) {
        rest.forEach((r, i) => {
          if (!isPlainObject(r) || !(key in r))
            throw new TypeError(
              `tree ${i + 2} at ${path}: missing key "${key}" (got ${nx.describeValue(r)})`,
            );
        });
        out[key] = walk(
          x[key],
          rest.map((r) => (r as Record<string, unknown>)[key]),
          `${path}.${key}`,
        );
      }
      return out;
    }
    throw new TypeError(
      `tree at ${path}: expected a tensor, an array or an object, got ${nx.describeValue(x)}`,
    );
  };
  return walk(tree, others, "params") as T;
}

/** The tensors of a tree, in a fixed order (object keys in insertion order). */
export function treeLeaves(tree: Tree): nx.Tensor[] {
  const out: nx.Tensor[] = [];
  treeMap(tree, (leaf) => {
    out.push(leaf);
    return leaf;
  });
  return out;
}

/**
 * Names that must never become object keys when a file's paths are turned into objects: as a
 * property name each can reach a prototype (`obj.__proto__`, `obj.constructor.prototype`).
 */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set([
  "__proto__",
  "constructor",
  "prototype",
]);

/** The first dot-separated segment of `path` that is in `FORBIDDEN_SEGMENTS`, if any. */
export function forbiddenSegment(path: string): string | undefined {
  return path.split(".").find((s) => FORBIDDEN_SEGMENTS.has(s));
}

/** An empty object without a prototype: every key, even `__proto__`, is an own property. */
export function nullObject<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * Groups `"layer.name"` paths into `{ layer: { name: value } }` (split at the last dot), built
 * from null-prototype objects. A path without a dot, or with a segment in `FORBIDDEN_SEGMENTS`,
 * is refused: the error (a message after `where`) names the path.
 */
export function layerTreeFromPaths<T>(
  entries: Iterable<readonly [string, T]>,
  where: string,
): Record<string, Record<string, T>> {
  const out = nullObject<Record<string, T>>();
  for (const [path, value] of entries) {
    const bad = forbiddenSegment(path);
    if (bad !== undefined)
      throw new Error(
        `${where}: tensor "${path}" has the name part "${bad}", which is not allowed`,
      );
    const dot = path.lastIndexOf(".");
    if (dot <= 0 || dot === path.length - 1)
      throw new Error(`${where}: tensor "${path}" is not named "layer.name"`);
    const layer = path.slice(0, dot);
    (out[layer] ??= nullObject<T>())[path.slice(dot + 1)] = value;
  }
  return out;
}
