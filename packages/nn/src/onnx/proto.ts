/**
 * Reading ONNX protobuf messages with `onnx-proto` (protobufjs code generated from ONNX's own
 * `onnx.proto`), into plain read-only structures. Names from the file are kept as strings in arrays
 * and `Map`s only, never as object keys.
 */
import onnxProto from "onnx-proto";
import { OnnxImportError } from "./errors.js";

const { onnx } = onnxProto;

/** A decoded `TensorProto` (see `tensors.ts` for its values). */
export type TensorProto = InstanceType<typeof onnx.TensorProto>;

/** An attribute of a node, as decoded. */
export type AttributeProto = InstanceType<typeof onnx.AttributeProto>;

/** A graph input or output: its name and, when declared, element type and shape. */
export interface ValueInfo {
  readonly name: string;
  /** ONNX's `TensorProto.DataType` number, or undefined for non-tensor types (sequences, maps). */
  readonly elemType: number | undefined;
  /** Axis sizes; `null` for a symbolic or missing size; undefined when no shape is declared. */
  readonly shape: readonly (number | null)[] | undefined;
  /** The kind of a non-tensor type (`"sequenceType"`), for error messages. */
  readonly otherType?: string;
}

/** One node of the graph. */
export interface NodeInfo {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  /**
   * The node's inputs, then its `captures`: a node with subgraphs (If, Loop, Scan) reads values of
   * the enclosing graphs by name inside them, and these are its inputs too.
   */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, AttributeProto>;
  /** The graph attributes (an If's branches, a Loop's body), decoded. */
  readonly graphs: ReadonlyMap<string, GraphInfo>;
  /** The names of enclosing values its subgraphs read (the last `captures.length` inputs). */
  readonly captures: readonly string[];
  /** Its position in the graph's node list (for names of unnamed nodes). */
  readonly index: number;
}

/** A decoded graph (a model's, or a subgraph of a node) and the opset of the default domain. */
export interface GraphInfo {
  readonly name: string;
  readonly nodes: readonly NodeInfo[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly initializers: ReadonlyMap<string, TensorProto>;
  readonly opset: number;
  /** Values it reads that it does not define (a subgraph's reads of enclosing graphs). */
  readonly freeNames: readonly string[];
}

/** A protobuf int64 as protobufjs gives it (a `Long`, or a number), as a JavaScript number. */
export function longToNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "object" && v !== null && "low" in v && "high" in v) {
    const { low, high, unsigned } = v as { low: number; high: number; unsigned: boolean };
    return (unsigned ? high >>> 0 : high) * 2 ** 32 + (low >>> 0);
  }
  if (typeof v === "string") return Number(v);
  return NaN;
}

function valueInfo(v: onnxProto.onnx.IValueInfoProto, what: string): ValueInfo {
  const name = typeof v.name === "string" ? v.name : "";
  if (name === "") throw new OnnxImportError(`a graph ${what} has no name`);
  const type = v.type;
  const tensor = type?.tensorType;
  if (!tensor) {
    const kind = type ? Object.keys(type).find((k) => k.endsWith("Type")) : undefined;
    return { name, elemType: undefined, shape: undefined, otherType: kind ?? "no type" };
  }
  const dims = tensor.shape?.dim;
  const shape = dims
    ? dims.map((d) => {
        if (d.dimValue === undefined || d.dimValue === null || d.dimParam) return null;
        const n = longToNumber(d.dimValue);
        return Number.isSafeInteger(n) && n >= 0 ? n : null;
      })
    : undefined;
  return { name, elemType: tensor.elemType ?? 0, shape };
}

/**
 * Decodes the bytes of an ONNX `ModelProto`. Truncated or corrupt bytes, a missing graph and
 * unnamed values are `OnnxImportError`s.
 */
export function decodeModel(bytes: Uint8Array): GraphInfo {
  if (!(bytes instanceof Uint8Array))
    throw new OnnxImportError(`expected the model's bytes as a Uint8Array`);
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new OnnxImportError(
      `the bytes are not a valid ONNX model (truncated or corrupt protobuf: ${(err as Error).message})`,
    );
  }
  const graph = model.graph;
  if (!graph) throw new OnnxImportError("the model has no graph (is this an ONNX model file?)");
  let opset = 0;
  for (const o of model.opsetImport ?? [])
    if (!o.domain || o.domain === "ai.onnx") opset = longToNumber(o.version);
  if (opset === 0) opset = 1;
  return decodeGraph(graph, opset, false);
}

/** A `GraphProto` as a `GraphInfo`; a subgraph's inputs include those that share an initializer's name. */
function decodeGraph(graph: onnxProto.onnx.IGraphProto, opset: number, sub: boolean): GraphInfo {
  const initializers = new Map<string, TensorProto>();
  for (const t of graph.initializer ?? []) {
    if (!t.name) throw new OnnxImportError("an initializer has no name");
    initializers.set(t.name, t as TensorProto);
  }
  const nodes = (graph.node ?? []).map((n, index): NodeInfo => {
    const attributes = new Map<string, AttributeProto>();
    const graphs = new Map<string, GraphInfo>();
    for (const a of n.attribute ?? []) {
      attributes.set(a.name ?? "", a as AttributeProto);
      if (a.g) graphs.set(a.name ?? "", decodeGraph(a.g, opset, true));
    }
    const inputs = [...(n.input ?? [])];
    const captures = [...new Set([...graphs.values()].flatMap((g) => g.freeNames))];
    return {
      name: n.name ?? "",
      opType: n.opType ?? "",
      domain: n.domain ?? "",
      inputs: [...inputs, ...captures],
      outputs: [...(n.output ?? [])],
      attributes,
      graphs,
      captures,
      index,
    };
  });
  const inputs = (graph.input ?? []).map((v) => valueInfo(v, "input"));
  const outputs = (graph.output ?? []).map((v) => valueInfo(v, "output"));
  const defined = new Set([
    ...inputs.map((v) => v.name),
    ...initializers.keys(),
    ...nodes.flatMap((n) => n.outputs),
  ]);
  const used = [...nodes.flatMap((n) => n.inputs), ...outputs.map((v) => v.name)];
  return {
    name: graph.name ?? "",
    nodes,
    inputs: sub ? inputs : inputs.filter((v) => !initializers.has(v.name)),
    outputs,
    initializers,
    opset,
    freeNames: [...new Set(used.filter((name) => name !== "" && !defined.has(name)))],
  };
}

/** Decodes a serialized `TensorProto` (the node tests' `input_0.pb` files). */
export function decodeTensorProto(bytes: Uint8Array): TensorProto {
  try {
    return onnx.TensorProto.decode(bytes) as TensorProto;
  } catch (err) {
    throw new OnnxImportError(
      `the bytes are not a valid ONNX TensorProto (${(err as Error).message})`,
    );
  }
}

/** The protobufjs namespace of ONNX's messages (to build models, as tests do). */
export const protos = onnx;
