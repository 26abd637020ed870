/**
 * Building an ONNX graph: unique value names, nodes with typed attributes, initializers from
 * tensors, and the tensors' layout (Dendrite is channels-last; ONNX's conv and pooling are
 * channels-first, so a value may be held transposed until an op needs Dendrite's order back).
 */
import * as nx from "@dendrite/tensor";
import { protos as onnx } from "./proto.js";
import { ONNX_TYPES } from "./tensors.js";

export { onnx };
type NodeProto = InstanceType<typeof onnx.NodeProto>;
type TensorProto = InstanceType<typeof onnx.TensorProto>;
type AttributeProto = InstanceType<typeof onnx.AttributeProto>;

/** An attribute value: `{ i }` an int, `{ f }` a float, `{ ints }`, `{ floats }`, `{ s }` a string. */
export type Attribute =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly s: string };

/**
 * A value of the graph: its name, rank, and whether it is held channels-first (`[N, C, ...spatial]`)
 * instead of Dendrite's channels-last order.
 */
export interface Value {
  readonly name: string;
  readonly rank: number;
  readonly channelsFirst: boolean;
}

/** Nodes and initializers of one graph under construction. */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly names = new Set<string>();

  /** A name not used yet in the graph, from `base`. */
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }

  /** Marks `name` as used (graph inputs). */
  reserve(name: string): string {
    if (this.names.has(name)) throw new Error(`onnx export: the name "${name}" is used twice`);
    this.names.add(name);
    return name;
  }

  /** Adds an initializer holding `t`; returns its name. */
  tensor(base: string, t: nx.Tensor): string {
    const name = this.fresh(base);
    const bytes = t.toBytes();
    this.initializers.push(
      onnx.TensorProto.create({
        name,
        dims: [...t.shape],
        dataType: ONNX_TYPES[t.dtype],
        rawData: bytes,
      }),
    );
    return name;
  }

  /** Adds an int64 initializer (shapes, axes, pads); returns its name. */
  int64s(base: string, values: readonly number[]): string {
    const name = this.fresh(base);
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push(
      onnx.TensorProto.create({
        name,
        dims: [values.length],
        dataType: onnx.TensorProto.DataType.INT64,
        rawData: new Uint8Array(data.buffer),
      }),
    );
    return name;
  }

  /** Adds a node; returns the names of its outputs (`outputs` of them, named from `base`). */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: { readonly [name: string]: Attribute } = {},
    base: string = opType.toLowerCase(),
    outputs = 1,
  ): string[] {
    const out = Array.from({ length: outputs }, (_, k) =>
      this.fresh(outputs > 1 ? `${base}_${k}` : base),
    );
    this.nodes.push(
      onnx.NodeProto.create({
        name: this.fresh(`${base}_node`),
        opType,
        input: [...inputs],
        output: out,
        attribute: Object.entries(attributes).map(([name, a]) => attributeProto(name, a)),
      }),
    );
    return out;
  }

  /** `v` in Dendrite's channels-last order (a Transpose when it is held channels-first). */
  channelsLast(v: Value): Value {
    if (!v.channelsFirst) return v;
    const perm = [0, ...Array.from({ length: v.rank - 2 }, (_, i) => i + 2), 1];
    const [name] = this.node("Transpose", [v.name], { perm: { ints: perm } }, `${v.name}_nhwc`);
    return { name: name!, rank: v.rank, channelsFirst: false };
  }

  /** `v` channels-first (a Transpose unless it already is). */
  channelsFirst(v: Value): Value {
    if (v.channelsFirst) return v;
    const perm = [0, v.rank - 1, ...Array.from({ length: v.rank - 2 }, (_, i) => i + 1)];
    const [name] = this.node("Transpose", [v.name], { perm: { ints: perm } }, `${v.name}_nchw`);
    return { name: name!, rank: v.rank, channelsFirst: true };
  }
}

function attributeProto(name: string, a: Attribute): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ("i" in a) return onnx.AttributeProto.create({ name, type: T.INT, i: a.i });
  if ("f" in a) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: a.f });
  if ("ints" in a) return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...a.ints] });
  if ("floats" in a)
    return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...a.floats] });
  return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(a.s) });
}
