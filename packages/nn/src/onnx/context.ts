/**
 * What an op mapping sees of its node at import: the attributes (typed getters with ONNX's
 * defaults), the values of inputs known at import (initializers, constants, folded shapes) and
 * the opset. A mapping turns this into the node's forward function, written with tensor ops.
 */
import * as nx from "@dendrite/tensor";
import { NodeError, OnnxImportError } from "./errors.js";
import { longToNumber, type AttributeProto, type NodeInfo } from "./proto.js";
import { hostValues, tensorFromProto } from "./tensors.js";

/** The computation of a node: its inputs (undefined for an omitted optional one) → its outputs. */
export type Forward = (inputs: readonly (nx.Tensor | undefined)[]) => nx.Tensor | nx.Tensor[];

/** Thrown by `OpContext.static` when an input's value is needed at import and is not known. */
export class StaticInputNeeded extends Error {
  constructor(
    readonly input: string,
    readonly role: string,
  ) {
    super(`needs the value of its input "${input}" (${role}) at import`);
  }
}

const ATTR_TYPES: Record<number, string> = {
  1: "float",
  2: "int",
  3: "string",
  4: "tensor",
  5: "graph",
  6: "floats",
  7: "ints",
  8: "strings",
};

/** A node at import, as op mappings see it. */
export class OpContext {
  constructor(
    readonly node: NodeInfo,
    readonly opset: number,
    /** Values known at import, by input position (undefined when computed at run time). */
    private readonly known: readonly (nx.Tensor | undefined)[],
    /** Shapes and dtypes of the inputs when known at import (templates or concrete tensors). */
    readonly inputTypes: readonly (nx.Tensor | undefined)[],
  ) {}

  /** The number of outputs the node declares. */
  get outputCount(): number {
    return this.node.outputs.length;
  }

  /** True when input `i` is given (present and not the empty name of an omitted optional input). */
  has(i: number): boolean {
    return i < this.node.inputs.length && this.node.inputs[i] !== "";
  }

  /** The value of input `i` when it is known at import. */
  constant(i: number): nx.Tensor | undefined {
    return this.has(i) ? this.known[i] : undefined;
  }

  /** Inputs whose values were asked for and are not known at import (see `static`). */
  readonly missing: StaticInputNeeded[] = [];

  /**
   * The values of input `i`, which must be known at import (`role` words the error). An unknown
   * one is recorded in `missing` (so that one error lists them all) and read as zeros.
   */
  static(i: number, role: string): number[] {
    const t = this.constant(i);
    if (t === undefined) {
      this.missing.push(new StaticInputNeeded(this.node.inputs[i]!, role));
      const type = this.inputTypes[i];
      return type ? Array(type.size).fill(0) : [0];
    }
    return hostValues(t);
  }

  /** Input `i`'s values when given (known at import), else undefined. */
  optionalStatic(i: number, role: string): number[] | undefined {
    return this.has(i) ? this.static(i, role) : undefined;
  }

  private attr(name: string, type: number): AttributeProto | undefined {
    const a = this.node.attributes.get(name);
    if (a === undefined) return undefined;
    const t = a.type ?? 0;
    if (t !== 0 && t !== type)
      throw new NodeError(
        `attribute "${name}" should be ${ATTR_TYPES[type]}, got ${ATTR_TYPES[t] ?? `type ${t}`}`,
      );
    if (a.refAttrName) throw new NodeError(`attribute "${name}" refers to a function attribute`);
    return a;
  }

  /** True when the node has attribute `name`. */
  hasAttr(name: string): boolean {
    return this.node.attributes.has(name);
  }

  /** An int attribute (as a JavaScript number). */
  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const a = this.attr(name, 2);
    if (!a) return fallback;
    const v = longToNumber(a.i ?? 0);
    return v >= 2 ** 63 - 1024 ? 2 ** 31 - 1 : v <= -(2 ** 63) ? -(2 ** 31) : v;
  }

  /** An ints attribute. */
  ints(name: string, fallback: readonly number[]): number[];
  ints(name: string): number[] | undefined;
  ints(name: string, fallback?: readonly number[]): number[] | undefined {
    const a = this.attr(name, 7);
    if (!a) return fallback && [...fallback];
    return (a.ints ?? []).map((v) => {
      const n = longToNumber(v);
      return n >= 2 ** 63 - 1024 ? 2 ** 31 - 1 : n <= -(2 ** 63) ? -(2 ** 31) : n;
    });
  }

  /** A float attribute. */
  float(name: string, fallback: number): number;
  float(name: string): number | undefined;
  float(name: string, fallback?: number): number | undefined {
    const a = this.attr(name, 1);
    return a ? (a.f ?? 0) : fallback;
  }

  /** A floats attribute. */
  floats(name: string): number[] | undefined {
    const a = this.attr(name, 6);
    return a ? [...(a.floats ?? [])] : undefined;
  }

  /** A string attribute (UTF-8). */
  string(name: string, fallback: string): string;
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    const a = this.attr(name, 3);
    return a ? new TextDecoder().decode(a.s ?? new Uint8Array()) : fallback;
  }

  /** A strings attribute (UTF-8). */
  strings(name: string): string[] | undefined {
    const a = this.attr(name, 8);
    return a ? (a.strings ?? []).map((b) => new TextDecoder().decode(b)) : undefined;
  }

  /** A tensor attribute as a concrete tensor. */
  tensor(name: string): nx.Tensor | undefined {
    const a = this.attr(name, 4);
    return a?.t ? tensorFromProto(a.t as never, `attribute "${name}"`) : undefined;
  }

  /** An error about this node's attributes or inputs (the importer adds the node's name). */
  error(message: string): NodeError {
    return new NodeError(message);
  }
}

/** An op's mapping: from the node at import to its forward function. */
export type OpMapping = (ctx: OpContext) => Forward;

/** The mappings by ONNX op type (default domain). */
export const OPS = new Map<string, OpMapping>();

/** Registers the mapping of one or more op types. */
export function defineOp(opTypes: string | readonly string[], mapping: OpMapping): void {
  for (const op of typeof opTypes === "string" ? [opTypes] : opTypes) OPS.set(op, mapping);
}

/** Normalises a possibly negative axis against `rank` (an error names the attribute). */
export function axisOf(axis: number, rank: number, what = "axis"): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank)
    throw new NodeError(`${what} ${axis} is out of range for rank ${rank}`);
  return a;
}

/** A node as error messages name it: `node "conv1" (Conv)`, or its position when unnamed. */
export const describeNode = (n: NodeInfo) =>
  `node ${JSON.stringify(n.name || `#${n.index}`)} (${n.opType})`;

/**
 * The forward function of node `n` mapped when the model runs, with the inputs that are concrete
 * then (not traced: values derived from shapes) as its values known "at import".
 */
export function mapAtRun(
  n: NodeInfo,
  opset: number,
  xs: readonly (nx.Tensor | undefined)[],
  types: readonly (nx.Tensor | undefined)[],
): Forward {
  const known = xs.map((x) => (x !== undefined && !x.isTraced && !x.isTemplate ? x : undefined));
  const ctx = new OpContext(n, opset, known, types);
  const forward = OPS.get(n.opType)!(ctx);
  if (ctx.missing.length > 0)
    throw new OnnxImportError(
      `${describeNode(n)} needs the value of ${ctx.missing.map((m) => `${JSON.stringify(m.input)} (${m.role})`).join(", ")}, which depends on the input's values, not only on its shape`,
    );
  return forward;
}
