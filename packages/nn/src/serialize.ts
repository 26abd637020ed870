/**
 * Saving and loading models: one safetensors file holds the parameters and layer state (tensors
 * named `layer.name`) and, in its `__metadata__`, the graph as JSON. Files are written atomically
 * (a temporary file, then a rename), so a crash never leaves a half-written model behind.
 */
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as nx from "@dendrite/tensor";
import { writeAtomic, writeAtomicSync } from "./atomic.js";
import { checkModelJson, parseModelJson, parseNameList } from "./model-file-check.js";
import { compileGraph, type Inputs } from "./graph.js";
import {
  Model,
  addNode,
  isNode,
  type GraphNode,
  type Json,
  type LayerDef,
  type OutputTree,
  type ShapeSpec,
} from "./model.js";
import { input } from "./layers/input.js";
import { layerFromConfig } from "./layers/registry.js";
import { ModelState, type LayerTensors } from "./state.js";
import { IN_MEMORY, decodeSafetensors, encodeSafetensors } from "./safetensors.js";
import { forbiddenSegment, layerTreeFromPaths } from "./tree.js";

export { writeAtomic, writeAtomicSync };

/** The JSON form of a model graph. */
export interface ModelJson {
  readonly format: "dendrite.model";
  readonly version: 1;
  /** Nodes parents-first; `parents` are indices into this list. */
  readonly nodes: readonly {
    readonly op: string;
    readonly name: string | null;
    readonly config: { readonly [k: string]: Json };
    readonly parents: readonly number[];
  }[];
  /** Output node indices: a number, or arrays / objects of them for a container. */
  readonly outputs: Json;
}

/** The graph of `model` as JSON. Custom layers made with `nn.layer` cannot be saved (use `defineLayer`). */
export function modelToJson(model: Model<unknown>): ModelJson {
  const graph = compileGraph(model);
  const index = new Map(graph.nodes.map((n, i) => [n, i]));
  const nodes = graph.nodes.map((n) => {
    const config = n.def.config;
    if (config === undefined)
      throw new Error(
        `save: layer "${graph.nameOf(n)}" (${n.def.op}) was made with nn.layer and cannot be saved as JSON; ` +
          `make it with nn.defineLayer("${n.def.op}", fn, { params }) so load can rebuild it`,
      );
    checkInitializers(graph.nameOf(n), config);
    return {
      op: n.def.op,
      name: n.name ?? null,
      config,
      parents: n.parents.map((p) => index.get(p)!),
    };
  });
  const outputs = (t: OutputTree): Json => {
    if (isNode(t)) return index.get(t)!;
    if (Array.isArray(t)) return t.map(outputs);
    return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, outputs(v as OutputTree)]));
  };
  return { format: "dendrite.model", version: 1, nodes, outputs: outputs(model.output) };
}

function checkInitializers(layer: string, config: { readonly [k: string]: Json }): void {
  for (const [k, v] of Object.entries(config)) {
    if (
      v &&
      typeof v === "object" &&
      !Array.isArray(v) &&
      (v as { name?: unknown }).name === "custom"
    )
      throw new Error(
        `save: layer "${layer}" uses a custom ${k} function, which cannot be saved as JSON`,
      );
  }
}

/** The layer of saved node `i`; an error in its config names the node. */
function savedLayer(n: ModelJson["nodes"][number], i: number): LayerDef {
  try {
    return layerFromConfig(n.op, n.config);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (message.startsWith("load: ")) throw err;
    const node = `node ${i}${n.name === null || n.name === undefined ? "" : ` "${n.name}"`}`;
    throw new Error(`load: ${node}: ${message}`, { cause: err });
  }
}

/** Rebuilds a model from `modelToJson`'s output. */
export function modelFromJson(json: ModelJson): Model<unknown> {
  if (json?.format !== "dendrite.model" || json.version !== 1 || !Array.isArray(json.nodes))
    throw new Error(
      'load: not a Dendrite model graph (expected { format: "dendrite.model", version: 1, nodes })',
    );
  const built: GraphNode[] = [];
  json.nodes.forEach((n, i) => {
    const parents = n.parents.map((p: number) => {
      const node = built[p];
      if (node === undefined || p >= i)
        throw new Error(`load: node ${i} (${n.op}) refers to a missing parent ${p}`);
      return node;
    });
    const m =
      n.op === "input"
        ? input(n.config.name as string, (n.config.shape ?? undefined) as ShapeSpec | undefined)
        : addNode(savedLayer(n, i), parents, n.name ?? undefined);
    built.push(m.node);
  });
  const outputs = (t: Json): OutputTree => {
    if (typeof t === "number") {
      const node = built[t];
      if (!node) throw new Error(`load: output ${t} is not a node`);
      return node;
    }
    if (Array.isArray(t)) return t.map(outputs);
    if (t && typeof t === "object")
      return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, outputs(v)]));
    throw new Error(`load: bad outputs ${nx.show(t)}`);
  };
  return new Model(outputs(json.outputs));
}

const GRAPH_KEY = "dendrite.model";
const STATE_KEY = "dendrite.state";
const FROZEN_KEY = "dendrite.frozen";

/** The bytes of a saved model: a safetensors file with the graph in its metadata. */
export function encodeModel(model: Model<unknown>, state: ModelState): Uint8Array {
  if (!(state instanceof ModelState)) throw new TypeError("save: the state must be a ModelState");
  const json = modelToJson(model);
  checkModelJson(json, "save"); // what is saved must load
  const tensors: Record<string, nx.Tensor> = {};
  const stateNames: string[] = [];
  for (const [tree, isState] of [
    [state.parameters, false],
    [state.state, true],
  ] as const) {
    for (const [layer, ts] of Object.entries(tree)) {
      for (const [name, t] of Object.entries(ts)) {
        const key = `${layer}.${name}`;
        const bad = forbiddenSegment(key);
        if (bad !== undefined)
          throw new Error(`save: tensor "${key}" has the name part "${bad}", which is not allowed`);
        tensors[key] = t;
        if (isState) stateNames.push(key);
      }
    }
  }
  checkTensors(model, state, undefined, "save");
  return encodeSafetensors(tensors, {
    [GRAPH_KEY]: JSON.stringify(json),
    [STATE_KEY]: JSON.stringify(stateNames),
    [FROZEN_KEY]: JSON.stringify([...state.frozen]),
  });
}

/** Options of `load` and `decodeModel`. */
export interface LoadOptions {
  /**
   * Load the tensors into this model instead of the saved graph (its parameters must have the
   * same names, shapes and dtypes).
   */
  model?: Model<unknown>;
  /** Input templates to check shapes with, when the model's inputs have no declared shapes. */
  inputs?: Inputs;
}

/** A loaded model and its state. */
export interface Loaded {
  /** The model (typed as single-output; cast a saved container to its own `Model<...>`). */
  readonly model: Model;
  readonly state: ModelState;
}

/**
 * Reads the bytes written by `encodeModel`, checking every tensor against the graph. Errors start
 * with `load:` (or `safetensors:` for a broken container) and `file`, what to call the bytes.
 */
export function decodeModel(
  bytes: Uint8Array,
  options: LoadOptions = {},
  file: string = IN_MEMORY,
): Loaded {
  const where = `load: ${file}`;
  try {
    return decodeModelIn(bytes, options, file, where);
  } catch (err) {
    throw loadError(err, where);
  }
}

/** An error from loading, its message starting with `where` (or `safetensors:`). */
function loadError(err: unknown, where: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (
    err instanceof Error &&
    (message.startsWith(`${where}:`) || message.startsWith("safetensors: "))
  )
    return err;
  const rest = message.startsWith("load: ") ? message.slice("load: ".length) : message;
  return new Error(`${where}: ${rest}`, { cause: err });
}

function decodeModelIn(
  bytes: Uint8Array,
  options: LoadOptions,
  file: string,
  where: string,
): Loaded {
  const { tensors, metadata } = decodeSafetensors(bytes, file);
  let model = options.model;
  if (!model) {
    const graph = metadata[GRAPH_KEY];
    if (graph === undefined)
      throw new Error(
        `${where}: the file has no model graph in its metadata; pass { model } to load only its tensors`,
      );
    model = modelFromJson(parseModelJson(graph, `metadata "${GRAPH_KEY}"`, where));
  }
  const stateNames = new Set(
    parseNameList(metadata[STATE_KEY] ?? "[]", `metadata "${STATE_KEY}"`, where),
  );
  const entries = Object.entries(tensors);
  const parameters = layerTreeFromPaths(
    entries.filter(([key]) => !stateNames.has(key)),
    where,
  );
  const state = layerTreeFromPaths(
    entries.filter(([key]) => stateNames.has(key)),
    where,
  );
  const frozen = parseNameList(metadata[FROZEN_KEY] ?? "[]", `metadata "${FROZEN_KEY}"`, where);
  const loaded = new ModelState(
    parameters,
    state,
    frozen.filter((f) => Object.hasOwn(tensors, f)),
  );
  checkTensors(model, loaded, options.inputs, where);
  return { model: model as Model, state: loaded };
}

/**
 * Checks that `state` holds exactly the tensors `model` needs, with the right shapes and dtypes
 * (shapes when the input shapes are known); the error names the first tensor that differs.
 */
function checkTensors(
  model: Model<unknown>,
  state: ModelState,
  inputs: Inputs | undefined,
  where: string,
): void {
  const graph = compileGraph(model);
  const templates = inputs ?? declaredTemplates(graph.inputs, (n) => graph.nameOf(n));
  const have = new Map<string, nx.Tensor>();
  const stateKeys = new Set<string>();
  for (const tree of [state.parameters, state.state])
    for (const [layer, ts] of Object.entries(tree))
      for (const [k, t] of Object.entries(ts as LayerTensors)) {
        have.set(`${layer}.${k}`, t);
        if (tree === state.state) stateKeys.add(`${layer}.${k}`);
      }
  if (templates) {
    const dtype = [...have.values()].find((t) => t.dtype === "f64") ? "f64" : "f32";
    const shapes = graph.shapes(templates, dtype, where);
    const wanted = new Set<string>();
    for (const n of graph.nodes) {
      for (const [k, spec] of Object.entries(shapes.get(n)!.specs)) {
        const key = `${graph.nameOf(n)}.${k}`;
        wanted.add(key);
        const t = have.get(key);
        if (!t)
          throw new Error(
            `${where}: tensor "${key}" is missing (the model's layer ${graph.nameOf(n)} needs it)`,
          );
        const shape = spec.shape;
        const dt = spec.dtype ?? dtype;
        if (t.shape.join() !== shape.join() || t.dtype !== dt)
          throw new Error(
            `${where}: tensor "${key}" is ${nx.formatType(t.shape, t.dtype)}, the model expects ${nx.formatType(shape, dt)}`,
          );
        const kind = spec.kind ?? "parameter";
        if (stateKeys.has(key) !== (kind === "state"))
          throw new Error(
            `${where}: tensor "${key}" is stored as ${stateKeys.has(key) ? "layer state" : "a parameter"}, the model has it as ${kind === "state" ? "layer state" : "a parameter"}`,
          );
      }
    }
    for (const key of have.keys())
      if (!wanted.has(key))
        throw new Error(`${where}: tensor "${key}" does not belong to any layer of the model`);
  } else {
    const layers = new Set(graph.nodes.map((n) => graph.nameOf(n)));
    for (const key of have.keys()) {
      const layer = key.slice(0, key.lastIndexOf("."));
      if (!layers.has(layer))
        throw new Error(`${where}: tensor "${key}" does not belong to any layer of the model`);
    }
  }
}

/** Batch-size-1 templates from the declared input shapes, or undefined when one is not declared. */
function declaredTemplates(
  inputs: readonly GraphNode[],
  nameOf: (n: GraphNode) => string,
): Inputs | undefined {
  const out: Record<string, nx.Tensor> = {};
  for (const n of inputs) {
    if (!n.shape) return undefined;
    out[nameOf(n)] = nx.template(
      n.shape.map((d) => d ?? 1),
      "f32",
    );
  }
  return out;
}

/**
 * Saves `model` and `state` to `file` (a `.safetensors` file readable by any safetensors reader;
 * the graph is JSON in its metadata). Atomic: the old file stays whole until the new one is.
 */
export async function save(file: string, model: Model<unknown>, state: ModelState): Promise<void> {
  await writeAtomic(file, encodeModel(model, state));
}

/** The synchronous `save`. */
export function saveSync(file: string, model: Model<unknown>, state: ModelState): void {
  writeAtomicSync(file, encodeModel(model, state));
}

/** Loads a model saved by `save`: `{ model, state }`, every tensor checked against the graph. */
export async function load(file: string, options: LoadOptions = {}): Promise<Loaded> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fsp.readFile(file));
  } catch (err) {
    throw unreadable(file, err);
  }
  return decodeModel(bytes, options, file);
}

function unreadable(file: string, err: unknown): Error {
  return new Error(`load: ${file}: cannot read the file (${(err as Error).message})`, {
    cause: err,
  });
}

/** The synchronous `load`. */
export function loadSync(file: string, options: LoadOptions = {}): Loaded {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(file));
  } catch (err) {
    throw unreadable(file, err);
  }
  return decodeModel(bytes, options, file);
}
