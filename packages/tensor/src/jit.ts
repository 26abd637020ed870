/**
 * `jit(f)` traces `f` once per signature (the structure of its arguments, their shapes and dtypes,
 * and the values of non-tensor arguments), compiles the traced graph to one JavaScript function
 * with fused loops and planned buffers, and runs that on later calls (as Nx.Defn with EXLA, or
 * JAX's jit).
 */
import { isTaping, isTracing, nodeOf, withTrace } from "./core.js";
import type { Program } from "./compile/compiler.js";
import { getDefaultBackend, resolveBackend, type Backend } from "./compile/backend.js";
import { Graph, printGraph, type Node } from "./graph.js";
import { Tensor } from "./tensor.js";
import { programInputs } from "./placement.js";
import { flattenTree, treeKey, unflattenTree, type TreeSpec } from "./tree.js";
import { LruCache } from "./lru.js";
import { show } from "./describe.js";
import { checkOptions } from "./ops/check.js";

/** How many programs a jitted function keeps by default. */
export const DEFAULT_JIT_CACHE_SIZE = 64;

interface Compiled {
  readonly graph: Graph;
  readonly outputs: readonly Node[];
  readonly outSpec: TreeSpec;
  readonly program: Program;
}

/** Options of `jit`. */
export interface JitOptions {
  /**
   * Which backend compiles the programs: `"auto"`, `"js"`, `"wasm"` or a Backend object. Default:
   * the one `setDefaultBackend` set when a program is compiled (`"auto"` unless changed).
   */
  backend?: "auto" | "js" | "javascript" | "wasm" | Backend;
  /**
   * How many compiled programs (one per signature) to keep: past it the least recently used is
   * dropped, and traced and compiled again if its signature comes back. A positive integer, or
   * Infinity; default 64.
   */
  cacheSize?: number;
}

/** What a jitted function's cache holds (for tests and tuning). */
export interface JitCacheInfo {
  /** Programs held now. */
  readonly size: number;
  /** The most it holds (`cacheSize`). */
  readonly limit: number;
  /** Traces (and compilations) so far, evicted signatures that came back included. */
  readonly compiles: number;
}

/** A jitted function: call it like `f`; inspect what it compiles to with `debugExpr` and `source`. */
export type Jitted<F extends (...args: any[]) => any> = F & {
  /** The traced program for these arguments, one line per primitive (as Nx.Defn.debug_expr). */
  debugExpr(...args: Parameters<F>): string;
  /** The generated JavaScript for these arguments. */
  source(...args: Parameters<F>): string;
  /** The state of its cache of compiled programs. */
  cacheInfo(): JitCacheInfo;
};

/**
 * Compiles `f`. Tensor arguments (anywhere in arrays and plain objects) are inputs of the program;
 * other arguments are compile-time constants: numbers, strings, booleans, null and undefined by
 * value (−0 apart from 0), functions and other objects (class instances, Maps, Dates) by identity.
 * A new value compiles a new program; the last `cacheSize` programs are kept.
 * `f` must be pure: it may not read tensor values (e.g. `toNumber`) of its traced arguments.
 */
export function jit<F extends (...args: any[]) => any>(f: F, options: JitOptions = {}): Jitted<F> {
  if (typeof f !== "function") throw new TypeError("jit: expected a function");
  const o = checkOptions("jit", options);
  const chosen = o.backend === undefined ? undefined : resolveBackend(o.backend, "jit");
  const limit = o.cacheSize ?? DEFAULT_JIT_CACHE_SIZE;
  if (typeof limit !== "number" || !(Number.isInteger(limit) || limit === Infinity) || limit < 1)
    throw new RangeError(
      `jit: cacheSize must be a positive integer or Infinity, got ${show(limit)}`,
    );
  const cache = new LruCache<string, Compiled>(limit);
  let compiles = 0;
  const compiled = (args: unknown[], key: string): Compiled => {
    let c = cache.get(key);
    if (!c) {
      const flat = flattenTree(args, "args");
      c = trace(f, flat.spec, flat.leaves, chosen ?? getDefaultBackend());
      compiles++;
      cache.set(key, c);
    }
    return c;
  };
  const lower = (args: unknown[]): Compiled => compiled(args, treeKey(args, []));
  const run = (...args: unknown[]) => {
    if (isTracing()) return f(...args);
    const leaves: Tensor[] = [];
    const key = treeKey(args, leaves);
    // Templates only need shapes, and an active grad tape must see every op (f may close over
    // tracked tensors): both run f directly.
    if (isTaping() || leaves.some((t) => t._data === undefined)) return f(...args);
    const c = compiled(args, key);
    const buffers = c.program.run(programInputs(c.program, leaves));
    return unflattenTree(
      c.outSpec,
      c.outputs.map((n, i) => new Tensor(n.shape, n.dtype, buffers[i])),
    );
  };
  return Object.assign(run as F, {
    debugExpr: (...args: Parameters<F>) => {
      const c = lower(args);
      return printGraph(c.graph, c.outputs);
    },
    source: (...args: Parameters<F>) => lower(args).program.source,
    cacheInfo: (): JitCacheInfo => ({ size: cache.size, limit, compiles }),
  });
}

function trace(
  f: (...args: any[]) => any,
  spec: TreeSpec,
  leaves: readonly Tensor[],
  backend: Backend,
): Compiled {
  const graph = new Graph();
  const symbolic = leaves.map(
    (t) => new Tensor(t.shape, t.dtype, undefined, graph.input(t.shape, t.dtype)),
  );
  const args = unflattenTree(spec, symbolic) as unknown[];
  const result = withTrace(graph, () => f(...args));
  const out = flattenTree(result, "result");
  const outputs = out.leaves.map((t) => nodeOf(t, graph, "jit"));
  return {
    graph,
    outputs,
    outSpec: out.spec,
    program: backend.compile(graph, outputs, { inlineScalars: true }),
  };
}
