/**
 * A model graph prepared for running: nodes in execution order with their names, shape
 * propagation from input templates, parameter initialisation, and the forward pass itself.
 */
import * as nx from "@dendrite/tensor";
import {
  Model,
  isNode,
  layerError,
  layerResult,
  nameNodes,
  outputCount,
  type GraphNode,
  type Mode,
  type OutputTree,
  type ParamSpec,
} from "./model.js";
import { ModelState, type LayerTensors, type ParameterTree } from "./state.js";

/** The inputs of a model: one tensor for a single-input model, or tensors by input name. */
export type Inputs = nx.Tensor | { readonly [inputName: string]: nx.Tensor };

/** What shape propagation found for one node. */
export interface NodeShapes {
  /** The shapes of its inputs (every output of a tuple parent, in order). */
  readonly inputShapes: readonly (readonly number[])[];
  /** Its output templates: one, or several for a tuple node. */
  readonly outputs: readonly nx.Tensor[];
  readonly specs: { readonly [name: string]: ParamSpec };
}

/** Options of `CompiledGraph.init`. */
export interface InitOptions {
  readonly seed: number;
  readonly dtype: nx.DType;
  readonly state?: ModelState;
}

/** A model graph ready to initialise and run (see `compileGraph`). */
export class CompiledGraph {
  /** All nodes, parents first. */
  readonly nodes: readonly GraphNode[];
  /** The name of each node. */
  readonly names: ReadonlyMap<GraphNode, string>;
  /** The input nodes. */
  readonly inputs: readonly GraphNode[];
  private readonly output: OutputTree;

  constructor(model: Model<unknown>) {
    if (!(model instanceof Model))
      throw new TypeError("build: expected a model (from nn.input and layers)");
    this.names = nameNodes(model);
    this.nodes = model.nodes();
    this.inputs = this.nodes.filter((n) => n.def.op === "input");
    this.output = model.output;
  }

  /** The name of a node. */
  nameOf(node: GraphNode): string {
    return this.names.get(node)!;
  }

  /** The input tensors by input name, checked against the declared input shapes. */
  inputMap(inputs: Inputs, where: string): Map<GraphNode, nx.Tensor> {
    const out = new Map<GraphNode, nx.Tensor>();
    const expected = this.inputs.map((n) => this.nameOf(n));
    if (inputs instanceof nx.Tensor) {
      if (this.inputs.length !== 1) {
        throw new TypeError(
          `${where}: the model has ${this.inputs.length} inputs (${expected.join(", ")}); ` +
            `pass an object with a tensor for each`,
        );
      }
      out.set(this.inputs[0]!, inputs);
    } else {
      if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs))
        throw new TypeError(
          `${where}: inputs must be a tensor or an object of tensors by input name (${expected.join(", ")})`,
        );
      if (isDataFrameLike(inputs))
        throw new TypeError(
          `${where}: got a DataFrame; convert it to a tensor first: data.toTensor(df, [${inputs.columns
            .slice(0, 4)
            .map((c) => JSON.stringify(c))
            .join(", ")}${inputs.columns.length > 4 ? ", …" : ""}])`,
        );
      for (const key of Object.keys(inputs)) {
        if (!expected.includes(key))
          throw new Error(
            `${where}: the model has no input named "${key}"; its inputs are ${expected.join(", ")}`,
          );
      }
      for (const n of this.inputs) {
        const t = inputs[this.nameOf(n)];
        if (t === undefined)
          throw new Error(
            `${where}: missing input "${this.nameOf(n)}" (inputs: ${expected.join(", ")})`,
          );
        if (!(t instanceof nx.Tensor))
          throw new TypeError(`${where}: input "${this.nameOf(n)}" must be a tensor`);
        out.set(n, t);
      }
    }
    for (const [n, t] of out) {
      const declared = n.shape;
      if (!declared) continue;
      const ok =
        declared.length === t.rank && declared.every((d, i) => d === null || d === t.shape[i]);
      if (!ok) {
        throw new Error(
          `${where}: input "${this.nameOf(n)}" expects shape ${nx.formatShape(declared)}, got ${nx.formatShape(t.shape)}`,
        );
      }
    }
    return out;
  }

  /** Checks inputs without running anything. */
  checkInputs(inputs: Inputs, where: string): void {
    this.inputMap(inputs, where);
  }

  /** Propagates template shapes through the graph: each node's input shapes, output and tensors. */
  shapes(inputs: Inputs, dtype: nx.DType = "f32", where = "init"): Map<GraphNode, NodeShapes> {
    const given = this.inputMap(inputs, where);
    const out = new Map<GraphNode, NodeShapes>();
    for (const n of this.nodes) {
      const name = this.nameOf(n);
      if (n.def.op === "input") {
        const t = given.get(n)!;
        out.set(n, { inputShapes: [], outputs: [nx.template(t.shape, t.dtype)], specs: {} });
        continue;
      }
      const parents = n.parents.flatMap((p) => out.get(p)!.outputs);
      const inputShapes = parents.map((t) => t.shape);
      try {
        const specs = n.def.params?.(inputShapes, dtype) ?? {};
        const params: Record<string, nx.Tensor> = {};
        const state: Record<string, nx.Tensor> = {};
        for (const [k, s] of Object.entries(specs))
          (s.kind === "state" ? state : params)[k] = nx.template(
            s.shape as number[],
            s.dtype ?? dtype,
          );
        const r = n.def.forward(parents, params, { mode: "inference", name, state });
        out.set(n, { inputShapes, outputs: layerResult(n.def, r).outputs, specs });
      } catch (err) {
        throw layerError(name, n.def.op, err);
      }
    }
    return out;
  }

  /** A new `ModelState` for inputs like `inputs`, keeping the matching tensors of `options.state`. */
  init(inputs: Inputs, options: InitOptions): ModelState {
    const shapes = this.shapes(inputs, options.dtype, "init");
    const root = nx.random.key(options.seed);
    const nodeKeys = [...nx.random.split(root, Math.max(1, this.nodes.length))];
    const parameters: Record<string, LayerTensors> = {};
    const state: Record<string, LayerTensors> = {};
    const old = options.state;
    this.nodes.forEach((n, i) => {
      const specs = Object.entries(shapes.get(n)!.specs);
      if (specs.length === 0) return;
      const name = this.nameOf(n);
      const keys = [...nx.random.split(nodeKeys[i]!, specs.length)];
      const p: Record<string, nx.Tensor> = {};
      const s: Record<string, nx.Tensor> = {};
      specs.forEach(([k, spec], j) => {
        const dtype = spec.dtype ?? options.dtype;
        const kind = spec.kind ?? "parameter";
        const previous = (kind === "state" ? old?.state : old?.parameters)?.[name]?.[k];
        let t: nx.Tensor;
        if (previous) {
          checkTensor(`${name}.${k}`, previous, spec.shape, dtype);
          t = previous;
        } else {
          try {
            t = spec.initializer(keys[j]!, spec.shape, dtype);
          } catch (err) {
            throw layerError(name, n.def.op, err);
          }
          checkTensor(`${name}.${k} (from its initializer)`, t, spec.shape, dtype);
        }
        (kind === "state" ? s : p)[k] = t;
      });
      if (Object.keys(p).length) parameters[name] = p;
      if (Object.keys(s).length) state[name] = s;
    });
    const kept = old ? [...old.frozen].filter((path) => hasPath(parameters, state, path)) : [];
    return new ModelState(parameters, state, kept);
  }

  /** Checks that a state has every tensor this graph needs (names only; shapes are checked by the ops). */
  checkState(state: ModelState): void {
    for (const n of this.nodes) {
      const name = this.nameOf(n);
      if (n.def.params === undefined) continue;
      const p = state.parameters[name];
      const s = state.state[name];
      if (p === undefined && s === undefined) {
        throw new Error(
          `predict: the model state has no tensors for layer "${name}" (${n.def.op}); ` +
            `was it initialised for another model? Its layers: ${Object.keys(state.parameters).join(", ") || "(none)"}`,
        );
      }
    }
  }

  /**
   * The forward pass: runs every node in order. Pure: returns the output tree and the layer state
   * after the pass (the same object in inference mode).
   */
  run(
    parameters: ParameterTree,
    state: ParameterTree,
    inputs: Inputs,
    mode: Mode,
  ): { prediction: unknown; state: ParameterTree } {
    const given = this.inputMap(inputs, "predict");
    // Each node's outputs: one tensor, or several for a tuple node (all passed on to its children).
    const values = new Map<GraphNode, readonly nx.Tensor[]>();
    let newState: Record<string, LayerTensors> | undefined;
    for (const n of this.nodes) {
      if (n.def.op === "input") {
        values.set(n, [given.get(n)!]);
        continue;
      }
      const name = this.nameOf(n);
      const parents = n.parents.flatMap((p) => values.get(p)!);
      let r;
      try {
        r = layerResult(
          n.def,
          n.def.forward(parents, parameters[name] ?? EMPTY, {
            mode,
            name,
            state: state[name] ?? EMPTY,
          }),
        );
      } catch (err) {
        throw layerError(name, n.def.op, err);
      }
      values.set(n, r.outputs);
      if (r.state !== undefined && mode === "train") {
        newState ??= { ...state };
        newState[name] = { ...(state[name] ?? {}), ...r.state };
      }
    }
    const build = (t: OutputTree): unknown => {
      if (isNode(t)) return outputCount(t) === 1 ? values.get(t)![0] : values.get(t);
      if (Array.isArray(t)) return t.map(build);
      return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, build(v as OutputTree)]));
    };
    return { prediction: build(this.output), state: newState ?? state };
  }
}

const EMPTY: LayerTensors = Object.freeze({});

function hasPath(p: ParameterTree, s: ParameterTree, path: string): boolean {
  const dot = path.lastIndexOf(".");
  const layer = path.slice(0, dot);
  const name = path.slice(dot + 1);
  return p[layer]?.[name] !== undefined || s[layer]?.[name] !== undefined;
}

/** Throws when `t` does not have the expected shape and dtype, naming the tensor. */
export function checkTensor(
  what: string,
  t: nx.Tensor,
  shape: readonly number[],
  dtype: nx.DType,
): void {
  if (!(t instanceof nx.Tensor)) throw new TypeError(`${what} is not a tensor`);
  if (t.dtype !== dtype || t.shape.join() !== shape.join()) {
    throw new Error(
      `${what}: expected ${nx.formatType(shape as number[], dtype)}, got ${nx.formatType(t.shape, t.dtype)}`,
    );
  }
}

const COMPILED = new WeakMap<Model<unknown>, CompiledGraph>();

/** The compiled graph of a model (cached: models are immutable). */
export function compileGraph(model: Model<unknown>): CompiledGraph {
  let g = COMPILED.get(model);
  if (!g) {
    g = new CompiledGraph(model);
    COMPILED.set(model, g);
  }
  return g;
}

/** A DataFrame (Polars' or Arrow's) rather than tensors: it has column names and a row count. */
function isDataFrameLike(x: object): x is { columns: string[] } {
  const d = x as { columns?: unknown; height?: unknown; numRows?: unknown };
  return (
    Array.isArray(d.columns) && (typeof d.height === "number" || typeof d.numRows === "number")
  );
}
