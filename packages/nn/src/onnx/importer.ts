/**
 * `importModel`: an ONNX graph as a Dendrite model. Each ONNX node becomes one layer whose forward
 * is the op's mapping onto tensor ops (a node with several outputs used at run time, an LSTM's Y
 * and Y_h, becomes one layer with several outputs read through `part` layers: it runs once); float
 * initializers become trainable parameters (one layer per initializer, holding `value`); other
 * initializers, Constant nodes and everything computable from them at import (Shape of a known
 * shape, say) are folded into constants.
 */
import * as nx from "@dendrite/tensor";
import { Model, addNodeUnchecked, type GraphNode, type LayerDef } from "../model.js";
import { input } from "../layers/input.js";
import { container } from "../layers/container.js";
import { partLayer } from "../layers/part.js";
import { ModelState, type LayerTensors } from "../state.js";
import { OPS, OpContext, describeNode, mapAtRun, type Forward } from "./context.js";
import { NodeError, OnnxImportError } from "./errors.js";
import { decodeModel, type GraphInfo } from "./proto.js";
import { onnxTypeName, requireDType, tensorFromProto } from "./tensors.js";
import "./ops/elementwise.js";
import "./ops/reduce.js";
import "./ops/shape.js";
import "./ops/nn.js";
import "./ops/losses.js";
import "./ops/attention.js";
import "./ops/recurrent.js";
import "./ops/resize.js";
import "./ops/signal.js";
import "./ops/control.js";

/** Options of `importModel`. */
export interface ImportOptions {
  /**
   * Values of graph inputs to fix at import, by input name: inputs that decide shapes (a Reshape's
   * shape, a Slice's starts) when the model feeds them as inputs. They are no longer model inputs.
   */
  readonly constants?: { readonly [inputName: string]: nx.Tensor };
}

/** What `importModel` returns. */
export interface ImportedModel {
  /** The model: one output is a tensor; several are an object keyed by output name. */
  readonly model: Model<any>;
  /** The initializers as parameters (`parameters[initializerName].value`). */
  readonly modelState: ModelState;
  /** The names of the model's inputs (the keys of `predict`'s inputs), in graph order. */
  readonly inputNames: readonly string[];
  /** The names of its outputs, in graph order. */
  readonly outputNames: readonly string[];
}

/** A value of the graph at import. */
type Value =
  | { readonly kind: "constant"; readonly tensor: nx.Tensor }
  | { readonly kind: "parameter"; readonly tensor: nx.Tensor; readonly initializer: string }
  | { readonly kind: "runtime"; readonly node: GraphNode; readonly type: nx.Tensor | undefined };

/** Names that would reach an object's prototype if used as keys. */
function isUnsafeName(name: string): boolean {
  return name === "__proto__" || name in Object.prototype;
}

/** The ONNX domains whose ops are the standard ones. */
const DEFAULT_DOMAINS = new Set(["", "ai.onnx"]);

/**
 * Imports an ONNX model (the bytes of a `.onnx` file) as a Dendrite model and its state, so that
 * `nn.predict(model, modelState, { [inputName]: x })` runs it and `nn.trainer` fine-tunes it.
 *
 * int64 values (shapes, indices) are carried as s32 and must fit; bool as u8. Ops without a
 * mapping are one error listing every such node; bad bytes, wrong types and missing values are
 * errors naming the node or tensor.
 *
 * @example
 * const { model, modelState, inputNames } = nn.onnx.importModel(fs.readFileSync("mlp.onnx"));
 * nn.predict(model, modelState, { [inputNames[0]!]: x });
 */
export function importModel(bytes: Uint8Array, options: ImportOptions = {}): ImportedModel {
  const graph = decodeModel(bytes);

  const unsupported = new Map<string, string[]>();
  const check = (g: GraphInfo, within: string) => {
    for (const n of g.nodes) {
      const key = DEFAULT_DOMAINS.has(n.domain) ? n.opType : `${n.domain}:${n.opType}`;
      if (!DEFAULT_DOMAINS.has(n.domain) || !OPS.has(n.opType)) {
        const list = unsupported.get(key) ?? [];
        list.push(JSON.stringify(n.name || `#${n.index}`) + within);
        unsupported.set(key, list);
      }
      for (const [attr, sub] of n.graphs)
        check(sub, ` in ${attr} of ${JSON.stringify(n.name || `#${n.index}`)}${within}`);
    }
  };
  check(graph, "");
  if (unsupported.size > 0)
    throw new OnnxImportError(
      `unsupported ops: ${[...unsupported].map(([op, nodes]) => `${op} (${nodes.length === 1 ? "node" : "nodes"} ${nodes.join(", ")})`).join("; ")}`,
      { unsupported: [...unsupported.keys()] },
    );

  const given = new Map<string, nx.Tensor>();
  const constants = options.constants ?? {};
  for (const name of Object.keys(constants)) {
    const t = constants[name];
    if (!(t instanceof nx.Tensor))
      throw new OnnxImportError(`constant "${name}" must be a tensor, got ${nx.describeValue(t)}`);
    if (!graph.inputs.some((v) => v.name === name))
      throw new OnnxImportError(`constant "${name}" is not an input of the graph`);
    given.set(name, t);
  }

  const values = new Map<string, Value>();
  const taken = new Set<string>();
  let generated = 0;
  /** A unique, prototype-safe layer name for an ONNX value name. */
  const layerName = (name: string) => {
    let n = name !== "" && !isUnsafeName(name) && !taken.has(name) ? name : "";
    while (n === "" || taken.has(n)) n = `onnx_value_${generated++}`;
    taken.add(n);
    return n;
  };

  for (const [name, proto] of graph.initializers) {
    const tensor = tensorFromProto(proto, `initializer ${JSON.stringify(name)}`);
    values.set(
      name,
      nx.isFloat(tensor.dtype)
        ? { kind: "parameter", tensor, initializer: name }
        : { kind: "constant", tensor },
    );
  }

  const inputNames: string[] = [];
  for (const v of graph.inputs) {
    const fixed = given.get(v.name);
    if (fixed) {
      values.set(v.name, { kind: "constant", tensor: fixed });
      continue;
    }
    if (v.elemType === undefined)
      throw new OnnxImportError(
        `input ${JSON.stringify(v.name)} has type ${v.otherType}; only tensor inputs are supported`,
      );
    const dtype = requireDType(v.elemType, `input ${JSON.stringify(v.name)}`);
    if (isUnsafeName(v.name) || taken.has(v.name))
      throw new OnnxImportError(`input name ${JSON.stringify(v.name)} cannot be used as a key`);
    taken.add(v.name);
    const shape = v.shape;
    const type =
      shape && shape.every((d): d is number => d !== null)
        ? nx.template([...shape], dtype)
        : undefined;
    values.set(v.name, { kind: "runtime", node: input(v.name).node, type });
    inputNames.push(v.name);
  }

  // Layers made on first use: a parameter or constant used as data, and each node output.
  const parameters: Record<string, LayerTensors> = {};
  const valueLayers = new Map<string, GraphNode>();
  const nodeOfValue = (name: string): GraphNode => {
    const v = values.get(name)!;
    if (v.kind === "runtime") return v.node;
    let node = valueLayers.get(name);
    if (node) return node;
    const lname = layerName(name);
    const tensor = v.tensor;
    const def: LayerDef =
      v.kind === "parameter"
        ? {
            op: "onnx_initializer",
            params: () => ({
              value: {
                shape: tensor.shape,
                dtype: tensor.dtype,
                initializer: Object.assign(() => tensor, {
                  config: { name: "onnx_initializer" },
                }),
              },
            }),
            forward: (_inputs, p) => p.value!,
          }
        : { op: "onnx_constant", forward: () => tensor };
    if (v.kind === "parameter") parameters[lname] = { value: tensor };
    node = addNodeUnchecked(def, [], lname).node;
    valueLayers.set(name, node);
    return node;
  };

  const needed = new Map<string, string[]>();
  const pending = new Set<string>();
  for (const n of graph.nodes) {
    const where = describeNode(n);
    // A node waiting for a value that is not known at import leaves its outputs unknown too.
    if (n.inputs.some((name) => pending.has(name))) {
      for (const o of n.outputs) pending.add(o);
      continue;
    }
    const inputs = n.inputs.map((name) => {
      if (name === "") return undefined;
      const v = values.get(name);
      if (!v)
        throw new OnnxImportError(
          `${where}: its input ${JSON.stringify(name)} is not a graph input, an initializer or an earlier node's output`,
        );
      return v;
    });
    const known = inputs.map((v) => (v && v.kind !== "runtime" ? v.tensor : undefined));
    const types = inputs.map((v) =>
      v === undefined ? undefined : v.kind === "runtime" ? v.type : v.tensor,
    );
    const ctx = new OpContext(n, graph.opset, known, types);
    let forward: Forward | undefined;
    let failure: unknown;
    try {
      forward = OPS.get(n.opType)!(ctx);
    } catch (err) {
      failure = err;
    }
    // A value needed at import but computed by the graph (say a shape built from a dynamic
    // batch: Shape → Gather → Concat) is read when the model runs instead: values derived from
    // shapes are concrete then, also while jit traces. A graph input's value must be given.
    let deferred = false;
    if (ctx.missing.length > 0) {
      const fed = ctx.missing.filter((m) => inputNames.includes(m.input));
      for (const m of fed) {
        const list = needed.get(m.input) ?? [];
        list.push(`${where}, ${m.role}`);
        needed.set(m.input, list);
      }
      if (fed.length > 0) {
        for (const o of n.outputs) pending.add(o);
        continue;
      }
      deferred = true;
    }
    if (!deferred && forward === undefined) throw wrap(where, failure);
    const compute =
      forward && !deferred
        ? forward
        : (xs: readonly (nx.Tensor | undefined)[]) => mapAtRun(n, graph.opset, xs, types)(xs);
    const run = (xs: readonly (nx.Tensor | undefined)[]) => {
      const out = compute(xs);
      return Array.isArray(out) ? out : [out];
    };

    // Fold what is known at import; otherwise infer output types on templates when possible.
    let outs: nx.Tensor[] | undefined;
    const allConstant = inputs.every((v) => v === undefined || v.kind === "constant");
    const allTyped = types.every((t, i) => inputs[i] === undefined || t !== undefined);
    if (!deferred && (allConstant || allTyped)) {
      try {
        outs = run(
          inputs.map((v, i) =>
            v === undefined
              ? undefined
              : v.kind === "constant"
                ? v.tensor
                : nx.template(types[i]!.shape, types[i]!.dtype),
          ),
        );
      } catch (err) {
        throw wrap(where, err);
      }
    }
    if (outs && outs.length < n.outputs.filter((o) => o !== "").length)
      throw new OnnxImportError(`${where}: produces ${outs.length} outputs, the graph uses more`);

    const parents: GraphNode[] = [];
    const slots: number[] = [];
    inputs.forEach((v, i) => {
      if (v === undefined) return;
      slots.push(i);
      parents.push(nodeOfValue(n.inputs[i]!));
    });
    // Outputs computed when the model runs. A node with several is one tuple node read through
    // part layers, so that its computation (an LSTM's recurrence) runs once.
    const runtime: [string, number, nx.Tensor | undefined][] = [];
    n.outputs.forEach((out, j) => {
      if (out === "") return;
      if (values.has(out))
        throw new OnnxImportError(`${where}: its output ${JSON.stringify(out)} is defined twice`);
      const t = outs?.[j];
      if (t !== undefined && !t.isTemplate && !t.isTraced) {
        values.set(out, { kind: "constant", tensor: t });
        return;
      }
      runtime.push([out, j, t]);
    });
    const runFrom = (xs: readonly nx.Tensor[]) => {
      const full: (nx.Tensor | undefined)[] = n.inputs.map(() => undefined);
      slots.forEach((slot, k) => (full[slot] = xs[k]));
      try {
        return run(full);
      } catch (err) {
        throw wrap(where, err);
      }
    };
    const op = `onnx_${n.opType}`;
    const tuple =
      runtime.length > 1
        ? addNodeUnchecked(
            {
              op,
              outputs: runtime.length,
              forward: (xs) => {
                const all = runFrom(xs);
                return runtime.map(([, j]) => all[j]!);
              },
            },
            parents,
            layerName(n.name),
          ).node
        : undefined;
    runtime.forEach(([out, j, t], k) => {
      const node = tuple
        ? addNodeUnchecked(partLayer(k), [tuple], layerName(out)).node
        : addNodeUnchecked({ op, forward: (xs) => runFrom(xs)[j]! }, parents, layerName(out)).node;
      values.set(out, {
        kind: "runtime",
        node,
        type: t === undefined ? undefined : nx.template(t.shape, t.dtype),
      });
    });
  }
  if (needed.size > 0)
    throw new OnnxImportError(
      `these inputs decide shapes and must be known at import; pass their values in options.constants: ${[
        ...needed,
      ]
        .map(([name, uses]) => `${JSON.stringify(name)} (${uses.join("; ")})`)
        .join(", ")}`,
      { staticInputs: [...needed.keys()] },
    );

  const outputNames = graph.outputs.map((o) => o.name);
  const outputModels = outputNames.map((name) => {
    if (!values.has(name))
      throw new OnnxImportError(`output ${JSON.stringify(name)} is not computed by the graph`);
    return new Model(nodeOfValue(name));
  });
  if (outputModels.length === 0) throw new OnnxImportError("the graph has no outputs");
  let model: Model<any>;
  if (outputModels.length === 1) model = outputModels[0]!;
  else {
    const tree: Record<string, Model> = Object.create(null);
    outputNames.forEach((name, i) => {
      if (isUnsafeName(name))
        throw new OnnxImportError(`output name ${JSON.stringify(name)} cannot be used as a key`);
      tree[name] = outputModels[i]!;
    });
    model = container(tree);
  }
  // Inputs whose only uses were folded away (a Shape of a declared shape) are not model inputs.
  const used = new Set(Object.keys(model.inputs()));
  return {
    model,
    modelState: new ModelState(parameters),
    inputNames: inputNames.filter((name) => used.has(name)),
    outputNames,
  };
}

function wrap(where: string, err: unknown): Error {
  if (err instanceof OnnxImportError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const e =
    err instanceof NodeError || !(err instanceof Error)
      ? new OnnxImportError(`${where}: ${message}`)
      : new OnnxImportError(`${where}: ${message}`);
  if (err instanceof Error) e.cause = err;
  return e;
}

export { onnxTypeName };
