/**
 * Trees of tensors: nested arrays, plain objects and instances of registered classes (see
 * {@link registerTreeNode}) whose leaves are tensors (a parameter tree). `grad` and `jit` take and
 * return them, and give results back with the same structure.
 */
import { describeValue, show } from "./describe.js";
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

/**
 * How instances of a class are taken apart into `children` (a tree, holding the tensors) and
 * `aux` (static data: numbers, strings, booleans, null, and arrays and plain objects of them,
 * compared by value), and put back together — JAX's pytree nodes.
 */
export interface TreeNodeType<T> {
  flatten(node: T): { readonly children: unknown; readonly aux?: unknown };
  unflatten(children: any, aux: any): T;
}

/** A registered class and how its instances flatten. */
interface NodeClass {
  readonly id: number;
  readonly name: string;
  readonly type: TreeNodeType<any>;
}
const nodeClasses = new Map<object, NodeClass>();

/**
 * Registers a class as a tree node: `flattenTree`, `jit` and `grad` then walk into its instances
 * (exact instances, not subclasses) as they do into arrays and plain objects, and rebuild them with
 * `type.unflatten` — so a class such as nn's `ModelState` passes through `jit` and `grad` as it is.
 *
 * @example
 * class Pair { constructor(readonly a: nx.Tensor, readonly b: nx.Tensor) {} }
 * nx.registerTreeNode(Pair, {
 *   flatten: (p) => ({ children: [p.a, p.b] }),
 *   unflatten: ([a, b]) => new Pair(a, b),
 * });
 * @throws TypeError when `ctor` is not a class or is registered already.
 */
export function registerTreeNode<T>(
  ctor: abstract new (...args: any[]) => T,
  type: TreeNodeType<T>,
): void {
  if (typeof ctor !== "function" || typeof ctor.prototype !== "object")
    throw new TypeError("registerTreeNode: expected a class");
  if (nodeClasses.has(ctor.prototype))
    throw new TypeError(`registerTreeNode: ${ctor.name} is registered already`);
  if (typeof type?.flatten !== "function" || typeof type.unflatten !== "function")
    throw new TypeError("registerTreeNode: the type needs flatten and unflatten functions");
  nodeClasses.set(ctor.prototype, { id: nodeClasses.size, name: ctor.name, type });
}

/** The registration of `x`'s class, if `x` is an instance of a registered class. */
function nodeClassOf(x: object): NodeClass | undefined {
  return nodeClasses.size === 0 ? undefined : nodeClasses.get(Object.getPrototypeOf(x));
}

/** The structure of a tree with its tensors taken out. */
export type TreeSpec =
  | { readonly kind: "tensor" }
  | {
      readonly kind: "node";
      readonly type: TreeNodeType<unknown>;
      readonly aux: unknown;
      readonly children: TreeSpec;
    }
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

/** Whether `x` is a plain object (made by `{}` or without a prototype): what trees walk into. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
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
      this.key += ";";
      return full ? { kind: "tensor" } : undefined;
    }
    if (Array.isArray(x)) {
      this.key += "[";
      // A plain loop: holes count as undefined (map would skip them, and [, 1] would key as [1]).
      const items: (TreeSpec | undefined)[] = [];
      for (let i = 0; i < x.length; i++) items.push(this.walk(x[i], full ? `${path}[${i}]` : ""));
      this.key += "]";
      return full ? { kind: "array", items: items as TreeSpec[] } : undefined;
    }
    const node = typeof x === "object" && x !== null ? nodeClassOf(x) : undefined;
    if (node !== undefined) {
      const { children, aux } = node.type.flatten(x);
      this.key += `N${node.id}${auxKey(aux, `${node.name} aux`)}(`;
      const spec = this.walk(children, full ? `${path}` : "");
      this.key += ")";
      return full ? { kind: "node", type: node.type, aux, children: spec! } : undefined;
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
    this.key += staticKey(x);
    return full ? { kind: "static", value: x } : undefined;
  }
}

/**
 * The key of a registered node's static data, by value: numbers, strings, booleans, null,
 * undefined, and arrays and plain objects of them.
 */
function auxKey(aux: unknown, where: string): string {
  if (Array.isArray(aux)) return `[${aux.map((a) => auxKey(a, where)).join("")}]`;
  if (isPlainObject(aux))
    return `{${Object.keys(aux)
      .map((k) => `${k.length}:${k}${auxKey(aux[k], where)}`)
      .join("")}}`;
  if (aux === null || ["number", "string", "boolean", "undefined"].includes(typeof aux))
    return staticKey(aux);
  throw new TypeError(
    `${where}: static data must be numbers, strings, booleans, null, or arrays and plain objects of them`,
  );
}

/** Identity numbers of objects, functions and (unregistered) symbols seen as static leaves. */
const identities = new WeakMap<WeakKey, number>();
let nextId = 0;

function identityOf(x: WeakKey): number {
  let id = identities.get(x);
  if (id === undefined) identities.set(x, (id = nextId++));
  return id;
}

/**
 * The key of a non-tensor leaf: equal keys mean interchangeable values. Numbers keep −0 apart from
 * 0 (NaN is one value), strings are length-prefixed (no two lists of strings run together into one
 * key), and functions, class instances, Maps, Dates, typed arrays and symbols are keyed by identity
 * (the same object reuses a program, another object of equal contents compiles its own).
 */
export function staticKey(x: unknown): string {
  switch (typeof x) {
    case "number":
      return Object.is(x, -0) ? "n-0;" : `n${x};`;
    case "string":
      return `s${x.length}:${x}`;
    case "boolean":
      return x ? "b1" : "b0";
    case "undefined":
      return "u";
    case "bigint":
      return `i${x};`;
    case "symbol": {
      // A registered symbol (Symbol.for) is its key; it cannot be held weakly.
      const registered = Symbol.keyFor(x);
      return registered === undefined
        ? `o${identityOf(x)};`
        : `y${registered.length}:${registered}`;
    }
    case "function":
      return `o${identityOf(x)};`;
    default:
      return x === null ? "z" : `o${identityOf(x as object)};`;
  }
}

/**
 * The tensors of a tree, in `flattenTree`'s order (array items, then object keys in insertion
 * order, a registered node's children).
 *
 * @example
 * nx.treeLeaves({ w: nx.ones([2]), b: [nx.zeros([1])] }); // [w, b[0]]
 */
export function treeLeaves(tree: unknown): Tensor[] {
  const leaves: Tensor[] = [];
  treeKey(tree, leaves);
  return leaves;
}

/**
 * A tree of `tree`'s structure with `fn` applied to each of its tensors together with the tensors
 * at the same places of `others` (JAX's `tree_map`). Each of `others` must have `tree`'s structure:
 * tensors where it has tensors, arrays of the same length, objects with the same keys (in any
 * order), instances of the same registered class with equal static data, and equal values where
 * `tree` has other values (which the result keeps).
 *
 * @example
 * const sum = nx.mapTree(params, (p, g) => nx.add(p, g), grads);
 * @throws TypeError naming the first place where one of `others` differs from `tree`.
 */
export function mapTree<T>(
  tree: T,
  fn: (leaf: Tensor, ...others: Tensor[]) => Tensor,
  ...others: unknown[]
): T {
  if (typeof fn !== "function")
    throw new TypeError(`mapTree: fn must be a function, got ${describeValue(fn)}`);
  return mapAt(tree, others, "", fn) as T;
}

/** Where a mismatch is, for mapTree's errors: `the root`, `w.kernel`, `[1].b`. */
function place(path: string): string {
  return path === "" ? "the root" : path.startsWith(".") ? path.slice(1) : path;
}

function mapAt(
  x: unknown,
  rest: readonly unknown[],
  path: string,
  fn: (leaf: Tensor, ...others: Tensor[]) => Tensor,
): unknown {
  const differ = (i: number, expected: string, got: unknown): never => {
    throw new TypeError(
      `mapTree: tree ${i + 2} at ${place(path)}: expected ${expected}, got ${describeValue(got)}`,
    );
  };
  if (x instanceof Tensor) {
    rest.forEach((r, i) => r instanceof Tensor || differ(i, "a tensor", r));
    return fn(x, ...(rest as Tensor[]));
  }
  if (Array.isArray(x)) {
    rest.forEach(
      (r, i) =>
        (Array.isArray(r) && r.length === x.length) || differ(i, `an array of ${x.length}`, r),
    );
    const out: unknown[] = [];
    for (let k = 0; k < x.length; k++)
      out.push(
        mapAt(
          x[k],
          rest.map((r) => (r as unknown[])[k]),
          `${path}[${k}]`,
          fn,
        ),
      );
    return out;
  }
  const node = typeof x === "object" && x !== null ? nodeClassOf(x) : undefined;
  if (node !== undefined) {
    const { children, aux } = node.type.flatten(x);
    const key = auxKey(aux, `${node.name} aux`);
    const restChildren = rest.map((r, i) => {
      const same = typeof r === "object" && r !== null && nodeClassOf(r) === node;
      if (!same) differ(i, article(node.name), r);
      const flat = node.type.flatten(r);
      if (auxKey(flat.aux, `${node.name} aux`) !== key)
        throw new TypeError(
          `mapTree: tree ${i + 2} at ${place(path)}: the ${node.name}'s static data differs`,
        );
      return flat.children;
    });
    return node.type.unflatten(mapAt(children, restChildren, path, fn), aux);
  }
  if (isPlainObject(x)) {
    const keys = Object.keys(x);
    rest.forEach((r, i) => {
      if (!isPlainObject(r)) differ(i, "an object", r);
      const theirs = Object.keys(r as object);
      if (theirs.length !== keys.length || keys.some((k) => !Object.hasOwn(r as object, k)))
        throw new TypeError(
          `mapTree: tree ${i + 2} at ${place(path)} has keys ${theirs.join(", ") || "(none)"} where tree 1 has ${keys.join(", ") || "(none)"}`,
        );
    });
    const out: Record<string, unknown> = {};
    for (const k of keys)
      out[k] = mapAt(
        x[k],
        rest.map((r) => (r as Record<string, unknown>)[k]),
        `${path}.${k}`,
        fn,
      );
    return out;
  }
  rest.forEach((r, i) => staticKey(r) === staticKey(x) || differ(i, show(x), r));
  return x;
}

/** `a`/`an` before a class name. */
function article(name: string): string {
  return /^[aeiou]/i.test(name) ? `an ${name}` : `a ${name}`;
}

/** Puts a tree back together from its structure and (new) tensors. */
export function unflattenTree(spec: TreeSpec, leaves: readonly Tensor[]): any {
  if (!Array.isArray(leaves))
    throw new TypeError("unflattenTree: leaves must be an array of tensors");
  let k = 0;
  const build = (s: TreeSpec): any => {
    switch (s?.kind) {
      case "tensor":
        if (k >= leaves.length)
          throw new RangeError(`unflattenTree: the spec needs more than ${leaves.length} tensors`);
        return leaves[k++];
      case "array":
        if (!Array.isArray(s.items)) break;
        return s.items.map(build);
      case "object": {
        if (!Array.isArray(s.keys) || !Array.isArray(s.items)) break;
        const out: Record<string, unknown> = {};
        s.keys.forEach((key, i) => (out[key] = build(s.items[i]!)));
        return out;
      }
      case "static":
        return s.value;
      case "node":
        return s.type.unflatten(build(s.children), s.aux);
    }
    throw new TypeError("unflattenTree: spec is not a TreeSpec made by flattenTree");
  };
  return build(spec);
}
