/**
 * `jit(f)` traces `f` once per signature (the structure of its arguments, their shapes and dtypes,
 * and the values of non-tensor arguments), compiles the traced graph to one JavaScript function
 * with fused loops and planned buffers, and runs that on later calls (as Nx.Defn with EXLA, or
 * JAX's jit).
 */
import { isTaping, isTracing, nodeOf, withTrace } from "./core.js";
import type { Program } from "./compile/compiler.js";
import { javascript, type Backend } from "./compile/backend.js";
import { Graph, printGraph, type Node } from "./graph.js";
import { Tensor } from "./tensor.js";
import { flattenTree, treeKey, unflattenTree, type TreeSpec } from "./tree.js";

interface Compiled {
  readonly graph: Graph;
  readonly outputs: readonly Node[];
  readonly outSpec: TreeSpec;
  readonly program: Program;
}

/** Options of `jit`. */
export interface JitOptions {
  /** The compiler to use (default: the JavaScript code generator). */
  backend?: Backend;
}

/** A jitted function: call it like `f`; inspect what it compiles to with `debugExpr` and `source`. */
export type Jitted<F extends (...args: any[]) => any> = F & {
  /** The traced program for these arguments, one line per primitive (as Nx.Defn.debug_expr). */
  debugExpr(...args: Parameters<F>): string;
  /** The generated JavaScript for these arguments. */
  source(...args: Parameters<F>): string;
};

/**
 * Compiles `f`. Tensor arguments (anywhere in arrays and plain objects) are inputs of the program;
 * numbers, strings and booleans are compile-time constants (a new value compiles a new program).
 * `f` must be pure: it may not read tensor values (e.g. `toNumber`) of its traced arguments.
 */
export function jit<F extends (...args: any[]) => any>(f: F, options: JitOptions = {}): Jitted<F> {
  const backend = options.backend ?? javascript;
  if (typeof f !== "function") throw new TypeError("jit: expected a function");
  const cache = new Map<string, Compiled>();
  const compiled = (args: unknown[], key: string): Compiled => {
    let c = cache.get(key);
    if (!c) {
      const flat = flattenTree(args, "args");
      c = trace(f, flat.spec, flat.leaves, backend);
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
    const buffers = c.program.run(leaves.map((t) => t._data!));
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
