/**
 * Trees of tensors: nested arrays and plain objects whose leaves are tensors (a parameter tree).
 * `grad` and `jit` take and return them, and give results back with the same structure.
 */
import { Tensor } from "./tensor.js";

/** A tensor, or arrays and plain objects of them (other leaves are carried along unchanged). */
export type TensorTree =
  | Tensor
  | readonly TensorTree[]
  | { readonly [key: string]: TensorTree }
  | number
  | string
  | boolean
  | null
  | undefined;

/** The structure of a tree with its tensors taken out. */
export type TreeSpec =
  | { readonly kind: "tensor" }
  | { readonly kind: "array"; readonly items: readonly TreeSpec[] }
  | {
      readonly kind: "object";
      readonly keys: readonly string[];
      readonly items: readonly TreeSpec[];
    }
  | { readonly kind: "static"; readonly value: unknown };

/** A flattened tree: its tensors in order, its structure, and a key naming the structure, shapes and dtypes. */
export interface Flat {
  readonly leaves: Tensor[];
  readonly paths: string[];
  readonly spec: TreeSpec;
  readonly key: string;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Takes a tree apart. Non-tensor leaves are "static": part of the structure and of its key. */
export function flattenTree(tree: unknown, root = "x"): Flat {
  const leaves: Tensor[] = [];
  const paths: string[] = [];
  const walker = new Walker(leaves, paths);
  const spec = walker.walk(tree, root)!;
  return { leaves, paths, spec, key: walker.key };
}

/**
 * Only the tensors and the key of a tree (what `jit` needs on every call): the same key as
 * `flattenTree` gives, without building the structure.
 */
export function treeKey(tree: unknown, leaves: Tensor[]): string {
  const walker = new Walker(leaves, undefined);
  walker.walk(tree, "");
  return walker.key;
}

/** One walk over a tree; records paths and structure only when asked for paths. */
class Walker {
  key = "";
  constructor(
    private readonly leaves: Tensor[],
    private readonly paths: string[] | undefined,
  ) {}

  walk(x: unknown, path: string): TreeSpec | undefined {
    const full = this.paths !== undefined;
    if (x instanceof Tensor) {
      this.leaves.push(x);
      this.paths?.push(path);
      this.key += `T${x.dtype}`;
      for (const d of x.shape) this.key += `,${d}`;
      return full ? { kind: "tensor" } : undefined;
    }
    if (Array.isArray(x)) {
      this.key += "[";
      const items = x.map((v, i) => this.walk(v, full ? `${path}[${i}]` : ""));
      this.key += "]";
      return full ? { kind: "array", items: items as TreeSpec[] } : undefined;
    }
    if (isPlainObject(x)) {
      const keys = Object.keys(x);
      this.key += "{";
      const items = keys.map((k) => {
        this.key += `${k.length}:${k}`;
        return this.walk(x[k], full ? `${path}.${k}` : "");
      });
      this.key += "}";
      return full ? { kind: "object", keys, items: items as TreeSpec[] } : undefined;
    }
    this.key += typeof x === "function" ? "F" : `S${typeof x}:${String(x)};`;
    return full ? { kind: "static", value: x } : undefined;
  }
}

/** Puts a tree back together from its structure and (new) tensors. */
export function unflattenTree(spec: TreeSpec, leaves: readonly Tensor[]): any {
  let k = 0;
  const build = (s: TreeSpec): any => {
    switch (s.kind) {
      case "tensor":
        return leaves[k++];
      case "array":
        return s.items.map(build);
      case "object": {
        const out: Record<string, unknown> = {};
        s.keys.forEach((key, i) => (out[key] = build(s.items[i]!)));
        return out;
      }
      case "static":
        return s.value;
    }
  };
  return build(spec);
}
