/** The intermediate representation `jit` traces into: a graph of primitive applications. */
import { pin } from "./wasm/outputs.js";
import type { DType, TypedArray } from "./dtype.js";
import type { AnyPrimitive } from "./primitive.js";
import { formatType } from "./format.js";
import type { Shape } from "./shape.js";
import type { Tensor } from "./tensor.js";

/**
 * What a sub-program graph (a branch of `cond`, the body of `whileLoop`, a function `vectorize`
 * maps) does with tensors from outside it: each becomes one more input of the graph, so the
 * primitive that carries the sub-program receives it as an explicit operand (and autodiff sees it).
 */
export interface Captures {
  /** The outside tensors, in the order of the inputs they became. */
  readonly tensors: Tensor[];
  readonly nodes: Map<Tensor, Node>;
  /** Whether a concrete outside tensor is tracked by a tape that was active when tracing began. */
  readonly tracked: (x: Tensor) => boolean;
}

/** One value in a traced program. */
export interface Node {
  readonly id: number;
  /** "input", "const", or the primitive's name. */
  readonly op: string;
  readonly prim: AnyPrimitive | undefined;
  readonly inputs: readonly Node[];
  readonly params: any;
  readonly shape: Shape;
  readonly dtype: DType;
  /** The data of a "const" node. */
  readonly value?: TypedArray;
  /** The position of an "input" node among the program's inputs. */
  readonly index?: number;
  readonly graph: Graph;
}

/** A program under construction: nodes are appended in topological order. */
export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Node[] = [];
  private readonly consts = new Map<TypedArray, Node>();
  /** Set on a sub-program graph: tensors from outside it become inputs (see {@link Captures}). */
  captures: Captures | undefined;

  /** The input standing for the outside tensor `x` in a sub-program graph (added once). */
  capture(x: Tensor): Node {
    const c = this.captures;
    if (!c) throw new Error("internal: capture outside a sub-program graph");
    let node = c.nodes.get(x);
    if (!node) {
      node = this.input(x.shape, x.dtype);
      c.nodes.set(x, node);
      c.tensors.push(x);
    }
    return node;
  }

  /** Adds a program input. */
  input(shape: Shape, dtype: DType): Node {
    const node = this.push("input", undefined, [], undefined, shape, dtype, {
      index: this.inputs.length,
    });
    this.inputs.push(node);
    return node;
  }

  /** Adds (or reuses) a constant holding `value`. */
  constant(value: TypedArray, shape: Shape, dtype: DType): Node {
    const known = this.consts.get(value);
    if (known && known.shape.length === shape.length && known.shape.every((d, i) => d === shape[i]))
      return known;
    // A result in the Wasm memory is pinned: `dispose` may not give its block back while the
    // program that captured it lives on.
    pin(value);
    const node = this.push("const", undefined, [], undefined, shape, dtype, { value });
    this.consts.set(value, node);
    return node;
  }

  /** Adds an application of a primitive. */
  apply(
    prim: AnyPrimitive,
    inputs: readonly Node[],
    params: unknown,
    shape: Shape,
    dtype: DType,
  ): Node {
    return this.push(prim.name, prim, inputs, params, shape, dtype, {});
  }

  private push(
    op: string,
    prim: AnyPrimitive | undefined,
    inputs: readonly Node[],
    params: any,
    shape: Shape,
    dtype: DType,
    extra: { value?: TypedArray; index?: number },
  ): Node {
    const node: Node = {
      id: this.nodes.length,
      op,
      prim,
      inputs,
      params,
      shape: Object.freeze(shape.slice()),
      dtype,
      graph: this,
      ...extra,
    };
    this.nodes.push(node);
    return node;
  }
}

/** Text of a program, one line per node, in the spirit of `Nx.Defn.debug_expr`. */
export function printGraph(graph: Graph, outputs: readonly Node[]): string {
  const live = liveNodes(graph, outputs);
  const name = (n: Node) => `%${n.id}`;
  const lines: string[] = [];
  const printed = new Set<object>();
  const ins = graph.inputs.map((n) => `${name(n)}: ${formatType(n.shape, n.dtype)}`);
  lines.push(`fn(${ins.join(", ")}) {`);
  for (const n of live) {
    if (n.op === "input") continue;
    let rhs: string;
    if (n.op === "const") {
      rhs = n.value!.length === 1 ? `const ${n.value![0]}` : `const <${n.value!.length} values>`;
    } else {
      const params = n.params && Object.keys(n.params).length ? ` ${JSON.stringify(n.params)}` : "";
      rhs = `${n.op}(${n.inputs.map(name).join(", ")})${params}`;
    }
    lines.push(`  ${name(n)}: ${formatType(n.shape, n.dtype)} = ${rhs}`);
    lines.push(...subPrograms(n, printed));
  }
  lines.push(`  return (${outputs.map(name).join(", ")})`);
  lines.push("}");
  return lines.join("\n");
}

/** The sub-programs of a control-flow node, indented, the first time its group is printed. */
function subPrograms(n: Node, printed: Set<object>): string[] {
  const lowering = n.prim?.lowering;
  if (lowering?.kind !== "control") return [];
  const plan = lowering.control(n);
  if (printed.has(plan.group)) return [];
  printed.add(plan.group);
  const named: [string, { graph: Graph; outputs: readonly Node[] }][] =
    plan.kind === "cond"
      ? [
          ["onFalse", plan.branches[0]],
          ["onTrue", plan.branches[1]],
        ]
      : [
          ["condition", plan.condition],
          ["body", plan.body],
        ];
  return named.flatMap(([label, p]) =>
    `${label}: ${printGraph(p.graph, p.outputs)}`.split("\n").map((line) => `    ${line}`),
  );
}

/** The nodes the outputs depend on, in topological order. */
export function liveNodes(graph: Graph, outputs: readonly Node[]): Node[] {
  const live = new Uint8Array(graph.nodes.length);
  const stack = [...outputs];
  while (stack.length) {
    const n = stack.pop()!;
    if (live[n.id]) continue;
    live[n.id] = 1;
    for (const i of n.inputs) stack.push(i);
  }
  return graph.nodes.filter((n) => live[n.id]);
}
