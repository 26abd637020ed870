/**
 * Sub-programs: functions traced into graphs of their own (the branches of `cond`, the condition
 * and body of `whileLoop`), and the evaluation of such a graph on tensors by binding its nodes
 * again (derivative rules and `vectorize` use it).
 */
import { bind, withSubTrace, nodeOf } from "./core.js";
import { Graph, type Node } from "./graph.js";
import type { Aval, SubProgram } from "./primitive.js";
import { Tensor } from "./tensor.js";
import { flattenTree, type Flat } from "./tree.js";

/** Sub-programs traced together: one input list (explicit inputs, then the captures). */
export interface TracedTogether {
  readonly programs: SubProgram[];
  /** What each function returned, flattened (its leaves are the graph's symbolic tensors). */
  readonly results: Flat[];
  /** The outside tensors the functions read, in input order after the explicit inputs. */
  readonly captured: Tensor[];
}

/**
 * Traces each of `fns` into its own graph taking `inputs` (shapes and dtypes) followed by every
 * outside tensor any of them reads, in one order shared by all of them, so one list of operands
 * serves whichever program runs. `root` names the result in tree paths.
 */
export function traceTogether(
  fns: readonly ((inputs: Tensor[]) => unknown)[],
  inputs: readonly Aval[],
  root: string,
): TracedTogether {
  const graphs: Graph[] = [];
  const results: Flat[] = [];
  const outputs: Node[][] = [];
  const captured: Tensor[] = [];
  for (const fn of fns) {
    const graph = new Graph();
    const symbolic = inputs.map(
      (a) => new Tensor(a.shape, a.dtype, undefined, graph.input(a.shape, a.dtype)),
    );
    withSubTrace(graph, () => {
      // The captures of the functions traced before come first, in their order.
      for (const x of captured) graph.capture(x);
      const flat = flattenTree(fn(symbolic), root);
      outputs.push(flat.leaves.map((t) => nodeOf(t, graph, root)));
      results.push(flat);
    });
    captured.push(...graph.captures!.tensors.slice(captured.length));
    graphs.push(graph);
  }
  // The earlier graphs take the later captures as inputs too (unused there).
  for (const g of graphs) for (const x of captured.slice(g.captures!.tensors.length)) g.capture(x);
  return {
    programs: graphs.map((graph, k) => ({ graph, outputs: outputs[k]! })),
    results,
    captured,
  };
}

/**
 * Evaluates a sub-program on `inputs` (one per graph input) by binding each node's primitive:
 * eagerly, under a trace, or on a tape alike.
 */
export function evaluate(program: SubProgram, inputs: readonly Tensor[]): Tensor[] {
  return interpret(
    program,
    inputs,
    (n) => new Tensor(n.shape, n.dtype, n.value),
    (n, args) => bind(n.prim!, args, n.params),
  );
}

/**
 * Walks the nodes `program`'s results need, in order, computing a value of any kind for each:
 * `constant` for a constant node, `apply` for a primitive application given its inputs' values.
 */
export function interpret<T>(
  program: SubProgram,
  inputs: readonly T[],
  constant: (node: Node) => T,
  apply: (node: Node, args: T[]) => T,
): T[] {
  const { graph, outputs } = program;
  const values = new Map<Node, T>();
  graph.inputs.forEach((n, k) => values.set(n, inputs[k]!));
  const need = new Set<Node>();
  const stack = [...outputs];
  while (stack.length) {
    const n = stack.pop()!;
    if (need.has(n)) continue;
    need.add(n);
    stack.push(...n.inputs);
  }
  for (const n of graph.nodes) {
    if (!need.has(n) || values.has(n)) continue;
    if (n.op === "const") values.set(n, constant(n));
    else
      values.set(
        n,
        apply(
          n,
          n.inputs.map((i) => values.get(i)!),
        ),
      );
  }
  return outputs.map((n) => values.get(n)!);
}
