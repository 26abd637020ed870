/**
 * Parameter trees: nested plain objects and arrays whose leaves are tensors (`{ dense_0: { kernel,
 * bias } }`). Optimizers map over them leaf by leaf.
 */
import * as nx from "@dendrite/tensor";

/** A tensor, or plain objects and arrays of them. */
export type Tree = nx.Tensor | readonly Tree[] | { readonly [key: string]: Tree };

/**
 * Applies `fn` to the leaves at the same places of `tree` and each of `others` (which must have the
 * structure of `tree`), giving a tree of the results with `tree`'s structure: `nx.mapTree`.
 */
export function treeMap<T extends Tree>(
  tree: T,
  fn: (leaf: nx.Tensor, ...others: nx.Tensor[]) => nx.Tensor,
  ...others: Tree[]
): T {
  return nx.mapTree(tree, fn, ...others);
}

/** The tensors of a tree, in a fixed order (object keys in insertion order): `nx.treeLeaves`. */
export function treeLeaves(tree: Tree): nx.Tensor[] {
  return nx.treeLeaves(tree);
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
