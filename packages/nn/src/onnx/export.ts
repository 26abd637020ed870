/**
 * `exportModel`: a Dendrite model and its state as an ONNX ModelProto (AxonOnnx's export). The
 * batch axis stays dynamic; the model's input names and output names are kept.
 */
import * as nx from "@dendrite/tensor";
import { writeAtomic } from "../atomic.js";
import { compileGraph } from "../graph.js";
import { isNode, Model, outputCount, type GraphNode, type OutputTree } from "../model.js";
import { ModelState } from "../state.js";
import { emitterFor } from "./export-layers.js";
import { GraphBuilder, onnx, type Value } from "./graph-builder.js";
import { ONNX_TYPES } from "./tensors.js";

type ValueInfoProto = InstanceType<typeof onnx.ValueInfoProto>;

/** Options of `exportModel`. */
export interface ExportOptions {
  /** The ONNX opset (default 17, the lowest the export supports). */
  opset?: number;
  /** The model's name in the file (default `"dendrite"`). */
  name?: string;
}

/**
 * The model as ONNX bytes (a ModelProto, opset 17 by default): every built-in layer maps to ONNX
 * ops; a layer that cannot be expressed (a custom `nn.layer`) is an error naming it. Inputs keep
 * their names and are f32 (int32 when they feed an embedding); outputs are named after the output
 * layers (or the keys of a container's outputs). The batch axis is dynamic.
 *
 * @example
 * const bytes = nn.onnx.exportModel(model, modelState);
 */
export function exportModel(
  model: Model<unknown>,
  modelState: ModelState,
  options: ExportOptions = {},
): Uint8Array {
  const where = "onnx.exportModel";
  if (!(model instanceof Model))
    throw new TypeError(`${where}: expected a model, got ${nx.describeValue(model)}`);
  if (!(modelState instanceof ModelState))
    throw new TypeError(`${where}: expected a ModelState, got ${nx.describeValue(modelState)}`);
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < 17 || opset > 21)
    throw new RangeError(`${where}: opset must be an integer from 17 to 21, got ${nx.show(opset)}`);
  const graph = compileGraph(model);
  const g = new GraphBuilder();
  const unsupported = graph.nodes.filter((n) => n.def.op !== "input" && !emitterFor(n.def.op));
  if (unsupported.length > 0)
    throw new Error(
      `${where}: ${unsupported.length === 1 ? "a layer" : "layers"} with no ONNX form: ` +
        unsupported.map((n) => `"${graph.nameOf(n)}" (${n.def.op})`).join(", ") +
        " (custom nn.layer functions cannot be exported)",
    );
  // Shapes with the batch axis as 1, for the window geometry and the declared value shapes.
  const templates = Object.fromEntries(
    graph.inputs.map((n) => {
      const shape = n.shape;
      if (shape === undefined || shape.slice(1).some((d) => d === null))
        throw new Error(
          `${where}: input "${graph.nameOf(n)}" needs a declared shape with only the batch axis free, got ${nx.formatShape(shape ?? [])}`,
        );
      return [
        graph.nameOf(n),
        nx.template(
          [1, ...(shape.slice(1) as number[])],
          feedsEmbedding(n, graph.nodes) ? "s32" : "f32",
        ),
      ];
    }),
  );
  const shapes = graph.shapes(templates, "f32", where);
  // Graph inputs and outputs keep their names; inner values get fresh ones.
  const outputNodes = outputList(model.output, graph.nameOf.bind(graph));
  for (const n of graph.inputs) g.reserve(graph.nameOf(n));
  for (const [name] of outputNodes) g.reserve(name);
  // Each node's values: one, or several for a node with several outputs (a tuple node).
  const values = new Map<GraphNode, readonly Value[]>();
  const inputs: ValueInfoProto[] = [];
  for (const n of graph.nodes) {
    const name = graph.nameOf(n);
    if (n.def.op === "input") {
      const t = templates[name]!;
      inputs.push(valueInfo(name, t.dtype, t.shape));
      values.set(n, [{ name, rank: t.rank, channelsFirst: false }]);
      continue;
    }
    const tensors = { ...modelState.parameters[name], ...modelState.state[name] };
    try {
      const out = emitterFor(n.def.op)!({
        g,
        node: n,
        name,
        config: n.def.config ?? {},
        tensors,
        // A tuple parent gives all its outputs as inputs (as when the model runs).
        inputs: n.parents.flatMap((p) => values.get(p)!),
        inputShapes: n.parents.flatMap((p) => shapes.get(p)!.outputs.map((t) => t.shape)),
        opset,
      });
      const list = Array.isArray(out) ? out : [out as Value];
      if (list.length !== outputCount(n))
        throw new Error(`the export gave ${list.length} values for ${outputCount(n)} outputs`);
      values.set(n, list);
    } catch (err) {
      throw new Error(`${where}: layer "${name}" (${n.def.op}): ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  const outputs: ValueInfoProto[] = [];
  for (const [name, n] of outputNodes) {
    if (outputCount(n) !== 1)
      throw new Error(
        `${where}: the output "${graph.nameOf(n)}" (${n.def.op}) has several outputs; export its parts instead`,
      );
    const v = g.channelsLast(values.get(n)![0]!);
    g.nodes.push(
      onnx.NodeProto.create({
        name: g.fresh(`${name}_output`),
        opType: "Identity",
        input: [v.name],
        output: [name],
      }),
    );
    const out = shapes.get(n)!.outputs[0]!;
    outputs.push(valueInfo(name, out.dtype, out.shape));
  }
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "dendrite",
    opsetImport: [{ domain: "", version: opset }],
    graph: onnx.GraphProto.create({
      name: options.name ?? "dendrite",
      node: g.nodes,
      initializer: g.initializers,
      input: inputs,
      output: outputs,
    }),
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** Writes `exportModel(model, modelState, options)` to `path` (atomically). */
export async function save(
  path: string,
  model: Model<unknown>,
  modelState: ModelState,
  options?: ExportOptions,
): Promise<void> {
  await writeAtomic(path, exportModel(model, modelState, options));
}

/** Whether an input feeds an embedding layer (its ids are then declared int32). */
function feedsEmbedding(input: GraphNode, nodes: readonly GraphNode[]): boolean {
  return nodes.some((n) => n.def.op === "embedding" && n.parents.includes(input));
}

/** The graph outputs: one per output node, named after the layer or the container's keys. */
function outputList(
  tree: OutputTree,
  nameOf: (n: GraphNode) => string,
  prefix = "",
): [string, GraphNode][] {
  if (isNode(tree)) return [[prefix || nameOf(tree), tree]];
  const entries = Array.isArray(tree)
    ? tree.map((t, i) => [`${prefix}output_${i}`, t] as const)
    : Object.entries(tree).map(([k, t]) => [prefix ? `${prefix}.${k}` : k, t] as const);
  return entries.flatMap(([k, t]) =>
    isNode(t) ? [[k, t] as [string, GraphNode]] : outputList(t, nameOf, k),
  );
}

/** A graph input or output: its element type and shape, the batch axis named `batch`. */
function valueInfo(name: string, dtype: nx.DType, shape: readonly number[]): ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: ONNX_TYPES[dtype],
        shape: { dim: shape.map((d, i) => (i === 0 ? { dimParam: "batch" } : { dimValue: d })) },
      },
    },
  });
}
