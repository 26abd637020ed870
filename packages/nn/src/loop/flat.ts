/**
 * Step states kept flat between steps: a list of tensors plus a short id of the tree's structure,
 * so each call of the compiled step walks an array instead of nested objects, and the nested
 * tree is only rebuilt when a handler looks at it.
 */
import * as nx from "@dendrite/tensor";

/** The structure of a tree with its tensors taken out (the tensor package's tree structure). */
export type Spec = nx.TreeSpec;

/** The tensors of `tree` in order and its structure. */
export function flatten(tree: unknown): { leaves: nx.Tensor[]; spec: Spec } {
  const { leaves, spec } = nx.flattenTree(tree);
  return { leaves, spec };
}

/** The tree of `spec` with `leaves` put back in order. */
export const unflatten: (spec: Spec, leaves: readonly nx.Tensor[]) => unknown = nx.unflattenTree;

function signature(spec: Spec): string {
  switch (spec.kind) {
    case "tensor":
      return "T";
    case "array":
      return `[${spec.items.map(signature).join(",")}]`;
    case "object":
      return `{${spec.keys.map((k, i) => `${JSON.stringify(k)}:${signature(spec.items[i]!)}`).join(",")}}`;
    case "node":
      return `N${staticId(spec.type)}:${JSON.stringify(spec.aux)}(${signature(spec.children)})`;
    case "static": {
      const v = spec.value;
      if (typeof v === "function" || (typeof v === "object" && v !== null))
        return `S?${staticId(v)}`;
      return `S${typeof v}:${String(v)}`;
    }
  }
}

const IDS = new Map<string, string>();
const SPECS = new Map<string, Spec>();
const OBJECT_IDS = new WeakMap<object, number>();
let objectCount = 0;

function staticId(v: object): number {
  let id = OBJECT_IDS.get(v);
  if (id === undefined) OBJECT_IDS.set(v, (id = ++objectCount));
  return id;
}

/** A short id naming the structure `spec` (equal structures get the same id). */
export function specId(spec: Spec): string {
  const sig = signature(spec);
  let id = IDS.get(sig);
  if (id === undefined) {
    id = `spec${IDS.size}`;
    IDS.set(sig, id);
    SPECS.set(id, spec);
  }
  return id;
}

/** The structure named by `id`. */
export function specOf(id: string): Spec {
  const spec = SPECS.get(id);
  if (!spec) throw new Error(`loop: unknown step state structure ${id}`);
  return spec;
}
