/**
 * Model graphs: immutable values made of nodes, each a layer applied to its parent nodes. A `Model`
 * is a handle on one output node (or on a container of several), and every layer is both a
 * function (`nn.dense(x, 32)`) and a chainable method (`x.dense(32)`).
 */
import * as nx from "@dendrite/tensor";
import type { Initializer } from "./initializers.js";
import type { LayerTensors } from "./state.js";
import { parentsFirst } from "./walk.js";

/** An axis size, or `null` for the batch axis (any size). */
export type Dim = number | null;

/** A shape that may have `null` (any size) axes: `[null, 7]`. */
export type ShapeSpec = readonly Dim[];

/** Whether layers run for inference (dropout off, running statistics) or for training. */
export type Mode = "inference" | "train";

/** JSON values (layer configurations are saved as JSON). */
export type Json =
  null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

/** A tensor a layer owns: its shape, type, initializer, and whether it is a parameter or state. */
export interface ParamSpec {
  readonly shape: readonly number[];
  readonly initializer: Initializer;
  /** Default: the float type the model is built with. */
  readonly dtype?: nx.DType;
  /** `"parameter"` (default: trained by gradients) or `"state"` (updated by the forward pass). */
  readonly kind?: "parameter" | "state";
}

/** What a layer's forward function gets besides its inputs and parameters. */
export interface LayerContext {
  readonly mode: Mode;
  /** The layer's name, for error messages. */
  readonly name: string;
  /** The layer's state tensors (kind `"state"`). */
  readonly state: LayerTensors;
}

/**
 * A layer's result: its output (an array of tensors for a layer with several outputs, see
 * `LayerDef.outputs`), plus its new state when it has state.
 */
export type LayerOutput =
  | nx.Tensor
  | readonly nx.Tensor[]
  | { readonly output: nx.Tensor | readonly nx.Tensor[]; readonly state: LayerTensors };

/** What a layer is: its op name, its tensors and its forward function. */
export interface LayerDef {
  /** The op name (`"dense"`, `"relu"`): generated names are `${op}_${count}`. */
  readonly op: string;
  /**
   * The JSON options from which the layer registered as `op` is rebuilt when loading a saved model;
   * absent for an unregistered custom layer (which cannot be saved).
   */
  readonly config?: { readonly [k: string]: Json };
  /** Options shown by `display.asTable`, in order. */
  readonly display?: ReadonlyArray<readonly [string, unknown]>;
  /**
   * How many tensors the layer outputs (default 1). A layer with several (a "tuple node") returns
   * them as an array; a child of a tuple node gets all of them as inputs, and the built-in `part`
   * layer picks one, so that users only ever hold single-output models.
   */
  readonly outputs?: number;
  /** The tensors the layer owns, for the given input shapes (batch axis included). */
  readonly params?: (
    inputShapes: readonly (readonly number[])[],
    dtype: nx.DType,
  ) => { readonly [name: string]: ParamSpec };
  /** The computation. Must be pure (it is traced by `nx.jit` and differentiated). */
  readonly forward: (
    inputs: readonly nx.Tensor[],
    params: LayerTensors,
    context: LayerContext,
  ) => LayerOutput;
}

/** One node of a graph. Nodes never change; `id` orders them parents-first. */
export interface GraphNode {
  readonly id: number;
  readonly def: LayerDef;
  readonly parents: readonly GraphNode[];
  /** The name given by the user, or undefined for a generated one. */
  readonly name: string | undefined;
  /**
   * The output shape with `null` batch axes, when the input shapes are declared; always undefined
   * for a node with several outputs (see `outputShapes`).
   */
  readonly shape: ShapeSpec | undefined;
  /** The shapes of a node with several outputs (`def.outputs` > 1), when they are known. */
  readonly outputShapes?: readonly ShapeSpec[];
}

/** How many tensors a node outputs (1 except for a tuple node, see `LayerDef.outputs`). */
export function outputCount(n: GraphNode | LayerDef): number {
  return ("def" in n ? n.def : n).outputs ?? 1;
}

/**
 * The output tensors and new state of a layer's result, checked against the number of outputs
 * its definition declares.
 */
export function layerResult(
  def: LayerDef,
  r: LayerOutput,
): { readonly outputs: readonly nx.Tensor[]; readonly state?: LayerTensors } {
  const plainResult = r instanceof nx.Tensor || Array.isArray(r);
  const output = plainResult
    ? (r as nx.Tensor | readonly nx.Tensor[])
    : (r as { output: nx.Tensor | readonly nx.Tensor[] }).output;
  const outputs = output instanceof nx.Tensor ? [output] : output;
  const want = outputCount(def);
  if (!(output instanceof nx.Tensor) === (want === 1) || outputs.length !== want)
    throw new Error(
      `the layer returned ${output instanceof nx.Tensor ? "one tensor" : `an array of ${outputs.length} tensors`}; ` +
        `its definition declares ${want === 1 ? "one tensor" : `${want} outputs (an array)`}`,
    );
  return plainResult ? { outputs } : { outputs, state: (r as { state: LayerTensors }).state };
}

/** The shapes of a node's outputs, one per output, or undefined when one is not known. */
export function outputShapesOf(n: GraphNode): readonly ShapeSpec[] | undefined {
  if (outputCount(n) === 1) return n.shape === undefined ? undefined : [n.shape];
  return n.outputShapes;
}

/** The outputs of a model: one node, or arrays / plain objects of them (a container). */
export type OutputTree = GraphNode | readonly OutputTree[] | { readonly [k: string]: OutputTree };

let nextId = 0;

/**
 * A model graph. Immutable: adding a layer returns a new `Model` and leaves this one as it was, so
 * a model can be reused as a branch of several others. `Out` is the type `predict` returns.
 */
export class Model<Out = nx.Tensor> {
  /** The output node, or a tree of nodes for a container. */
  readonly output: OutputTree;
  /** @internal Type-level only: what `predict` returns. */
  declare readonly _out?: Out;

  /** @internal Use `input`, the layer functions and `container` instead. */
  constructor(output: OutputTree) {
    this.output = output;
    Object.freeze(this);
  }

  /** The single output node; throws for a container of several outputs. */
  get node(): GraphNode {
    if (isNode(this.output)) return this.output;
    throw new TypeError(
      "this model is a container of several outputs; apply layers to one of its parts instead",
    );
  }

  /** The output nodes, in order. */
  outputNodes(): GraphNode[] {
    const out: GraphNode[] = [];
    const walk = (t: OutputTree): void => {
      if (isNode(t)) out.push(t);
      else if (Array.isArray(t)) t.forEach(walk);
      else Object.values(t).forEach(walk);
    };
    walk(this.output);
    return out;
  }

  /** All nodes, parents before children (creation order). */
  nodes(): GraphNode[] {
    return parentsFirst(this.outputNodes()).sort((a, b) => a.id - b.id);
  }

  /** The input nodes by name with their declared shapes (`undefined` when not declared). */
  inputs(): Record<string, ShapeSpec | undefined> {
    const out: Record<string, ShapeSpec | undefined> = {};
    for (const n of this.nodes()) if (n.def.op === "input") out[n.name!] = n.shape;
    return out;
  }

  /** A short summary, as Axon's inspect prints it: inputs, outputs and node count. */
  toString(): string {
    const names = nameNodes(this);
    const inputs = Object.entries(this.inputs())
      .map(([k, s]) => `${JSON.stringify(k)} => ${s ? formatShapeSpec(s) : "nil"}`)
      .join(", ");
    const outs = this.outputNodes().map((n) => JSON.stringify(names.get(n)));
    return [
      "Model<",
      `  inputs: %{${inputs}}`,
      `  outputs: ${outs.length === 1 && isNode(this.output) ? outs[0] : `[${outs.join(", ")}]`}`,
      `  nodes: ${names.size}`,
      ">",
    ].join("\n");
  }

  /** Used by `console.log` and `util.inspect` in Node.js. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** True when `x` is a graph node (not an array or object of them). */
export function isNode(x: unknown): x is GraphNode {
  return typeof x === "object" && x !== null && "def" in x && "parents" in x && "id" in x;
}

/** Checks that `x` is a single-output model and returns its node; `op` words the error. */
export function nodeOf(x: unknown, op: string): GraphNode {
  if (!(x instanceof Model))
    throw new TypeError(
      `${op}: expected a model (from nn.input or a layer), got ${nx.describeValue(x)}`,
    );
  return x.node;
}

/** A shape in Elixir's notation, as Axon prints it: `{nil, 7}`. */
export function formatShapeSpec(shape: ShapeSpec): string {
  return `{${shape.map((d) => (d === null ? "nil" : String(d))).join(", ")}}`;
}

/**
 * The name of every node: the given one, or `${op}_${count}` with counts per op taken in Axon's
 * order (parents before children, depth first from the outputs). Duplicate names are an error.
 */
export function nameNodes(model: Model<unknown>): Map<GraphNode, string> {
  const names = new Map<GraphNode, string>();
  const counts = new Map<string, number>();
  const taken = new Map<string, GraphNode>();
  for (const n of parentsFirst(model.outputNodes())) {
    const count = counts.get(n.def.op) ?? 0;
    const name = n.name ?? `${n.def.op}_${count}`;
    counts.set(n.def.op, count + 1);
    const other = taken.get(name);
    if (other) {
      throw new Error(
        other.def.op === "input" && n.def.op === "input"
          ? `the model has two inputs named "${name}"; input names must be unique`
          : `two layers are named "${name}" (${other.def.op} and ${n.def.op}); layer names must be unique`,
      );
    }
    taken.set(name, n);
    names.set(n, name);
  }
  return names;
}

/** Error wrapping: prefixes a message with the layer's name unless it already starts with it. */
export function layerError(name: string, op: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith(`${name}`)) return err instanceof Error ? err : new Error(message);
  const wrapped = new (err instanceof TypeError ? TypeError : Error)(`${name} (${op}): ${message}`);
  if (err instanceof Error) wrapped.cause = err;
  return wrapped;
}

/**
 * Template tensors standing for the parameters of a layer with these input shapes (shape and
 * dtype only, no data).
 */
export function paramTemplates(
  def: LayerDef,
  inputShapes: readonly (readonly number[])[],
  dtype: nx.DType,
): { params: Record<string, nx.Tensor>; state: Record<string, nx.Tensor> } {
  const params: Record<string, nx.Tensor> = {};
  const state: Record<string, nx.Tensor> = {};
  const specs = def.params?.(inputShapes, dtype) ?? {};
  for (const [k, s] of Object.entries(specs)) {
    const t = nx.template(s.shape as number[], s.dtype ?? dtype);
    if (s.kind === "state") state[k] = t;
    else params[k] = t;
  }
  return { params, state };
}

/**
 * Runs a layer on template inputs (shapes only) and returns its output templates (one per
 * output). `name` may be a function, called only if the layer reads its name.
 */
export function inferOutputs(
  def: LayerDef,
  inputs: readonly nx.Tensor[],
  name: string | (() => string),
  dtype: nx.DType = "f32",
): readonly nx.Tensor[] {
  const shapes = inputs.map((t) => t.shape);
  const { params, state } = paramTemplates(def, shapes, dtype);
  const context: LayerContext =
    typeof name === "string"
      ? { mode: "inference", name, state }
      : {
          mode: "inference",
          state,
          get name() {
            return name();
          },
        };
  return layerResult(def, def.forward(inputs, params, context)).outputs;
}

/** Batch sizes substituted for `null` axes to infer shapes at construction (any two distinct sizes). */
const PROBE_SIZES = [2, 3] as const;

/** The output shapes of `def` applied to `parents`, when the parents' shapes are known. */
function staticShapes(
  def: LayerDef,
  parents: readonly GraphNode[],
  name: () => string,
): ShapeSpec[] | undefined {
  // A tuple parent gives all its outputs as inputs.
  const inputs: ShapeSpec[] = [];
  for (const p of parents) {
    const shapes = outputShapesOf(p);
    // Only a null batch axis can be probed; other unknown sizes wait for the real inputs.
    if (shapes === undefined || shapes.some((s) => s.slice(1).includes(null))) return undefined;
    inputs.push(...shapes);
  }
  const hasNull = inputs.some((s) => s.includes(null));
  const probe = (b: number) =>
    inferOutputs(
      def,
      inputs.map((s) =>
        nx.template(
          s.map((d) => d ?? b),
          "f32",
        ),
      ),
      name,
    ).map((t) => t.shape);
  const a = probe(PROBE_SIZES[0]);
  if (!hasNull) return a;
  const b = probe(PROBE_SIZES[1]);
  return a.map((shape, k) => shape.map((d, i) => (b[k]![i] === d ? d : null)));
}

/**
 * The name a new unnamed node would get in a model ending at it (used in construction-time errors,
 * before the whole graph is known). Walks the whole graph: call it only when the name is needed.
 */
function provisionalName(def: LayerDef, parents: readonly GraphNode[]): string {
  let count = 0;
  for (const n of parentsFirst(parents)) if (n.def.op === def.op) count++;
  return `${def.op}_${count}`;
}

/** Options every layer takes. */
export interface NameOption {
  /** The layer's name (default: `${op}_${n}` as Axon generates). */
  name?: string;
}

/**
 * Adds a node applying `def` to `parents` and returns the model ending at it. When the parents'
 * shapes are known, the layer is checked now: a shape error names the layer and both shapes.
 */
export function addNode(def: LayerDef, parents: readonly GraphNode[], name?: string): Model {
  if (name !== undefined && (typeof name !== "string" || name.length === 0))
    throw new TypeError(
      `${def.op}: name must be a non-empty string, got ${nx.describeValue(name)}`,
    );
  // The generated name costs a walk of the graph: it is made only for an error or a layer that
  // reads its name, so that adding a layer takes constant time.
  let shownName = name;
  const nameOf = () => (shownName ??= provisionalName(def, parents));
  let shapes: ShapeSpec[] | undefined;
  try {
    shapes = staticShapes(def, parents, nameOf);
  } catch (err) {
    throw layerError(nameOf(), def.op, err);
  }
  const frozen = shapes?.map((s) => Object.freeze([...s]));
  const node: GraphNode = Object.freeze({
    id: nextId++,
    def,
    parents: Object.freeze([...parents]),
    name,
    shape: outputCount(def) === 1 ? frozen?.[0] : undefined,
    ...(outputCount(def) > 1 && frozen ? { outputShapes: Object.freeze(frozen) } : {}),
  });
  return new Model(node);
}

/**
 * Adds a node applying `def` to `parents` without checking it on template inputs (its shape is
 * left unknown until the model runs). For importers whose layers are checked by other means.
 */
export function addNodeUnchecked(
  def: LayerDef,
  parents: readonly GraphNode[],
  name: string,
): Model {
  const node: GraphNode = Object.freeze({
    id: nextId++,
    def,
    parents: Object.freeze([...parents]),
    name,
    shape: undefined,
  });
  return new Model(node);
}

/** Adds an input node (see `input`). */
export function addInput(name: string, shape: ShapeSpec | undefined, def: LayerDef): Model {
  const node: GraphNode = Object.freeze({
    id: nextId++,
    def,
    parents: Object.freeze([]),
    name,
    shape: shape && Object.freeze([...shape]),
  });
  return new Model(node);
}
