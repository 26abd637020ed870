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
  let key = "";
  const walk = (x: unknown, path: string): TreeSpec => {
    if (x instanceof Tensor) {
      leaves.push(x);
      paths.push(path);
      key += `T${x.dtype}[${x.shape.join(",")}]`;
      return { kind: "tensor" };
    }
    if (Array.isArray(x)) {
      key += "[";
      const items = x.map((v, i) => walk(v, `${path}[${i}]`));
      key += "]";
      return { kind: "array", items };
    }
    if (isPlainObject(x)) {
      const keys = Object.keys(x);
      key += "{";
      const items = keys.map((k) => {
        key += `${JSON.stringify(k)}:`;
        return walk(x[k], `${path}.${k}`);
      });
      key += "}";
      return { kind: "object", keys, items };
    }
    key += typeof x === "function" ? "F" : `S${typeof x}:${String(x)};`;
    return { kind: "static", value: x };
  };
  const spec = walk(tree, root);
  return { leaves, paths, spec, key };
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
