/**
 * How each built-in layer becomes ONNX nodes (opset 17). Elementwise layers keep their input's
 * layout; convolution, pooling and batch normalisation work channels-first; layers that act on
 * the last axis or on the element order (dense, flatten, reshape, layer norm) get channels-last.
 */
import * as nx from "@dendrite/tensor";
import type { GraphNode, Json } from "../model.js";
import type { LayerTensors } from "../state.js";
import { transposeCrop } from "../layers/conv.js";
import { upsampleFactors } from "../layers/reshape.js";
import {
  adaptiveWindows,
  geometry,
  windowFor,
  type Window,
  type WindowConfig,
} from "../layers/window.js";
import type { Attribute, GraphBuilder, Value } from "./graph-builder.js";

/** What an emitter gets: the graph, the layer, its config, tensors, inputs and input shapes. */
export interface LayerExport {
  readonly g: GraphBuilder;
  readonly node: GraphNode;
  readonly name: string;
  readonly config: { readonly [k: string]: Json };
  readonly tensors: LayerTensors;
  readonly inputs: readonly Value[];
  /** The input shapes with the batch axis as 1 (what the export's shapes were propagated with). */
  readonly inputShapes: readonly (readonly number[])[];
  readonly opset: number;
}

/** A layer's ONNX nodes; a layer with several outputs (a tuple node) gives one value each. */
type Emitter = (c: LayerExport) => Value | readonly Value[];

/** One node on the first input, keeping its layout. */
function unary(opType: string, attributes: { [k: string]: Attribute } = {}): Emitter {
  return (c) => {
    const x = c.inputs[0]!;
    const [name] = c.g.node(opType, [x.name], attributes, c.name);
    return { ...x, name: name! };
  };
}

/** A scalar f32 initializer. */
function scalar(c: LayerExport, base: string, v: number): string {
  return c.g.tensor(`${c.name}_${base}`, nx.tensor(v));
}

/** Composes nodes over one input: `build(x) → output name`, keeping the input's layout. */
function composed(build: (c: LayerExport, x: string) => string): Emitter {
  return (c) => {
    const x = c.inputs[0]!;
    return { ...x, name: build(c, x.name) };
  };
}

function activationOptions(c: LayerExport): { [k: string]: number } {
  return (c.config.options ?? {}) as { [k: string]: number };
}

/** An activation's axis in the layout the value is held in. */
function heldAxis(v: Value, axis: number): number {
  const a = axis < 0 ? axis + v.rank : axis;
  if (!v.channelsFirst) return a;
  return a === 0 ? 0 : a === v.rank - 1 ? 1 : a + 1;
}

function softmaxLike(opType: string): Emitter {
  return (c) => {
    const x = c.inputs[0]!;
    const axis = heldAxis(x, activationOptions(c).axis ?? -1);
    const [name] = c.g.node(opType, [x.name], { axis: { i: axis } }, c.name);
    return { ...x, name: name! };
  };
}

const ACTIVATIONS: { [op: string]: Emitter } = {
  relu: unary("Relu"),
  sigmoid: unary("Sigmoid"),
  tanh: unary("Tanh"),
  exp: unary("Exp"),
  linear: unary("Identity"),
  softplus: unary("Softplus"),
  softsign: unary("Softsign"),
  elu: (c) => unary("Elu", { alpha: { f: activationOptions(c).alpha ?? 1 } })(c),
  celu: (c) => unary("Celu", { alpha: { f: activationOptions(c).alpha ?? 1 } })(c),
  selu: (c) =>
    unary("Selu", {
      alpha: { f: activationOptions(c).alpha ?? 1.6732632423543772 },
      gamma: { f: activationOptions(c).gamma ?? 1.0507009873554805 },
    })(c),
  leaky_relu: (c) => unary("LeakyRelu", { alpha: { f: activationOptions(c).alpha ?? 0.01 } })(c),
  hard_sigmoid: (c) =>
    unary("HardSigmoid", {
      alpha: { f: activationOptions(c).alpha ?? 0.2 },
      beta: { f: activationOptions(c).beta ?? 0.2 },
    })(c),
  hard_silu: composed((c, x) => {
    const o = activationOptions(c);
    const attrs = { alpha: { f: o.alpha ?? 0.2 }, beta: { f: o.beta ?? 0.2 } };
    const [s] = c.g.node("HardSigmoid", [x], attrs, `${c.name}_gate`);
    return c.g.node("Mul", [x, s!], {}, c.name)[0]!;
  }),
  hard_tanh: composed(
    (c, x) => c.g.node("Clip", [x, scalar(c, "min", -1), scalar(c, "max", 1)], {}, c.name)[0]!,
  ),
  relu6: composed(
    (c, x) => c.g.node("Clip", [x, scalar(c, "min", 0), scalar(c, "max", 6)], {}, c.name)[0]!,
  ),
  silu: composed((c, x) => {
    const [s] = c.g.node("Sigmoid", [x], {}, `${c.name}_gate`);
    return c.g.node("Mul", [x, s!], {}, c.name)[0]!;
  }),
  mish: composed((c, x) => {
    const [sp] = c.g.node("Softplus", [x], {}, `${c.name}_softplus`);
    const [t] = c.g.node("Tanh", [sp!], {}, `${c.name}_tanh`);
    return c.g.node("Mul", [x, t!], {}, c.name)[0]!;
  }),
  gelu: composed((c, x) => {
    // x/2 · (1 + erf(x/√2)), as Dendrite's exact GELU (ONNX's Gelu op is opset 20).
    const [scaled] = c.g.node(
      "Mul",
      [x, scalar(c, "rsqrt2", Math.SQRT1_2)],
      {},
      `${c.name}_scaled`,
    );
    const [erf] = c.g.node("Erf", [scaled!], {}, `${c.name}_erf`);
    const [plus] = c.g.node("Add", [erf!, scalar(c, "one", 1)], {}, `${c.name}_plus1`);
    const [half] = c.g.node("Mul", [x, scalar(c, "half", 0.5)], {}, `${c.name}_half`);
    return c.g.node("Mul", [half!, plus!], {}, c.name)[0]!;
  }),
  log_sigmoid: composed((c, x) => {
    const [neg] = c.g.node("Neg", [x], {}, `${c.name}_neg`);
    const [sp] = c.g.node("Softplus", [neg!], {}, `${c.name}_softplus`);
    return c.g.node("Neg", [sp!], {}, c.name)[0]!;
  }),
  softmax: softmaxLike("Softmax"),
  log_softmax: softmaxLike("LogSoftmax"),
  log_sumexp: (c) => {
    const x = c.inputs[0]!;
    const axis = heldAxis(x, activationOptions(c).axis ?? -1);
    return { ...x, name: reduce(c, "ReduceLogSumExp", x.name, [axis], c.name) };
  },
};

/**
 * A Reduce* node keeping the reduced axes: the axes are an attribute up to opset 17, an input
 * from 18.
 */
function reduce(c: LayerExport, opType: string, x: string, axes: number[], base: string): string {
  const keep = { keepdims: { i: 1 } };
  return c.opset < 18
    ? c.g.node(opType, [x], { axes: { ints: axes }, ...keep }, base)[0]!
    : c.g.node(opType, [x, c.g.int64s(`${base}_axes`, axes)], keep, base)[0]!;
}

/** (x − mean) / √(variance + ε) over `axes`, as Dendrite's normalisation layers compute it. */
function standardize(c: LayerExport, x: string, axes: number[], epsilon: number): string {
  const mean = reduce(c, "ReduceMean", x, axes, `${c.name}_mean`);
  const [centered] = c.g.node("Sub", [x, mean], {}, `${c.name}_centered`);
  const [square] = c.g.node("Mul", [centered!, centered!], {}, `${c.name}_square`);
  const variance = reduce(c, "ReduceMean", square!, axes, `${c.name}_var`);
  const [shifted] = c.g.node("Add", [variance, scalar(c, "epsilon", epsilon)], {}, `${c.name}_eps`);
  const [std] = c.g.node("Sqrt", [shifted!], {}, `${c.name}_std`);
  return c.g.node("Div", [centered!, std!], {}, `${c.name}_normalized`)[0]!;
}

/** `y · gamma + beta` with the layer's tensors (beta when it has one). */
function scaleShift(c: LayerExport, y: string): string {
  const [scaled] = c.g.node(
    "Mul",
    [y, c.g.tensor(`${c.name}_gamma`, c.tensors.gamma!)],
    {},
    c.tensors.beta ? `${c.name}_scaled` : c.name,
  );
  if (!c.tensors.beta) return scaled!;
  return c.g.node("Add", [scaled!, c.g.tensor(`${c.name}_beta`, c.tensors.beta)], {}, c.name)[0]!;
}

/** Add/Sub/Mul over all inputs, in one layout (channels-first only when every input is). */
function elementwise(opType: string): Emitter {
  return (c) => {
    const cf = c.inputs.every((v) => v.channelsFirst);
    const xs = c.inputs.map((v) => (cf ? v : c.g.channelsLast(v)));
    let acc = xs[0]!.name;
    xs.slice(1).forEach((v, i) => {
      acc = c.g.node(
        opType,
        [acc, v.name],
        {},
        i === xs.length - 2 ? c.name : `${c.name}_${i}`,
      )[0]!;
    });
    return { name: acc, rank: xs[0]!.rank, channelsFirst: cf };
  };
}

function identity(c: LayerExport): Value {
  return c.inputs[0]!;
}

/** The spatial attributes of a window op (conv, pooling) for an input of `shape`. */
/**
 * The spatial attributes of a window op (conv, pooling) for an input of `shape`; `padsOf` gives
 * the padding (default: the forward window's, "same" or "valid").
 */
function windowAttributes(
  c: LayerExport,
  shape: readonly number[],
  padsOf: (shape: readonly number[], w: Window) => [number, number][] = (sh, w) =>
    geometry(sh, w).pads,
): { [k: string]: Attribute } {
  const w = windowFor(c.node.def.op, c.config as unknown as WindowConfig, shape.length);
  const pads = padsOf(shape, w);
  return {
    kernel_shape: { ints: w.kernelSize },
    strides: { ints: w.strides },
    pads: { ints: [...pads.map((p) => p[0]), ...pads.map((p) => p[1])] },
    ...(w.dilation.some((d) => d !== 1) ? { dilations: { ints: w.dilation } } : {}),
  };
}

/**
 * Conv and ConvTranspose: the input channels-first, the kernel `[...kernelSize, in, out]` as ONNX's
 * `[out, in, ...]` (Conv) or `[in, out, ...]` (ConvTranspose), the bias when there is one.
 */
function convolution(opType: "Conv" | "ConvTranspose"): Emitter {
  return (c) => {
    const x = c.g.channelsFirst(c.inputs[0]!);
    const k = c.tensors.kernel!;
    const spatial = Array.from({ length: k.rank - 2 }, (_, i) => i);
    const [io, oi] = [k.rank - 2, k.rank - 1];
    const weight = nx.transpose(k, opType === "Conv" ? [oi, io, ...spatial] : [io, oi, ...spatial]);
    const inputs = [x.name, c.g.tensor(`${c.name}_kernel`, weight)];
    if (c.tensors.bias) inputs.push(c.g.tensor(`${c.name}_bias`, c.tensors.bias));
    const shape = c.inputShapes[0]!;
    const groups = (c.config.featureGroups as number | undefined) ?? 1;
    const attrs = {
      ...(opType === "Conv"
        ? windowAttributes(c, shape)
        : windowAttributes(c, shape, transposeCrop)),
      ...(groups > 1 ? { group: { i: groups } } : {}),
    };
    const [name] = c.g.node(opType, inputs, attrs, c.name);
    return { ...x, name: name! };
  };
}

function pool(opType: "MaxPool" | "AveragePool"): Emitter {
  return (c) => {
    const x = c.g.channelsFirst(c.inputs[0]!);
    const attrs = windowAttributes(c, c.inputShapes[0]!);
    if (opType === "AveragePool") {
      if ("dilations" in attrs && c.opset < 19)
        throw new Error(`a dilated average pool needs opset 19 (AveragePool's dilations)`);
      // Dendrite's windowMean divides by the window's size, padding included.
      attrs.count_include_pad = { i: 1 };
    }
    const [name] = c.g.node(opType, [x.name], attrs, c.name);
    return { ...x, name: name! };
  };
}

function globalPool(opType: "GlobalAveragePool" | "GlobalMaxPool"): Emitter {
  return (c) => {
    const x = c.g.channelsFirst(c.inputs[0]!);
    if (c.config.keepAxes === true) {
      const [name] = c.g.node(opType, [x.name], {}, c.name);
      return { ...x, name: name! };
    }
    const [pooled] = c.g.node(opType, [x.name], {}, `${c.name}_pooled`);
    const [name] = c.g.node("Flatten", [pooled!], { axis: { i: 1 } }, c.name);
    return { name: name!, rank: 2, channelsFirst: false };
  };
}

/** An adaptive pool: per spatial axis, each window sliced, reduced and joined again. */
function adaptivePool(opType: "ReduceMean" | "ReduceMax"): Emitter {
  return (c) => {
    let x = c.g.channelsLast(c.inputs[0]!);
    const shape = c.inputShapes[0]!;
    const spatial = shape.length - 2;
    const size = c.config.outputSize as number | number[];
    const out = typeof size === "number" ? Array<number>(spatial).fill(size) : size;
    out.forEach((m, i) => {
      const axis = i + 1;
      const int = (k: string, v: number) => c.g.int64s(`${c.name}_${axis}_${k}`, [v]);
      const parts = adaptiveWindows(shape[axis]!, m).map(([start, end], k) => {
        const [window] = c.g.node(
          "Slice",
          [x.name, int(`start${k}`, start), int(`end${k}`, end), int(`axis${k}`, axis)],
          {},
          `${c.name}_${axis}_window${k}`,
        );
        return reduce(c, opType, window!, [axis], `${c.name}_${axis}_pool${k}`);
      });
      const [joined] = c.g.node("Concat", parts, { axis: { i: axis } }, `${c.name}_${axis}`);
      x = { ...x, name: joined! };
    });
    return x;
  };
}

const LAYERS: { [op: string]: Emitter } = {
  ...ACTIVATIONS,
  dropout: identity,
  spatial_dropout: identity,
  alpha_dropout: identity,
  add: elementwise("Add"),
  subtract: elementwise("Sub"),
  multiply: elementwise("Mul"),
  concatenate: (c) => {
    const rank = c.inputs[0]!.rank;
    const cf = c.inputs.every((v) => v.channelsFirst);
    const xs = c.inputs.map((v) => (cf ? v : c.g.channelsLast(v)));
    const axis = heldAxis(xs[0]!, (c.config.axis as number | undefined) ?? -1);
    const [name] = c.g.node(
      "Concat",
      xs.map((v) => v.name),
      { axis: { i: axis } },
      c.name,
    );
    return { name: name!, rank, channelsFirst: cf };
  },
  dense: (c) => {
    const x = c.g.channelsLast(c.inputs[0]!);
    const kernel = c.g.tensor(`${c.name}_kernel`, c.tensors.kernel!);
    const bias = c.tensors.bias;
    const [product] = c.g.node("MatMul", [x.name, kernel], {}, bias ? `${c.name}_matmul` : c.name);
    if (!bias) return { ...x, name: product! };
    const [name] = c.g.node("Add", [product!, c.g.tensor(`${c.name}_bias`, bias)], {}, c.name);
    return { ...x, name: name! };
  },
  conv: convolution("Conv"),
  conv_transpose: convolution("ConvTranspose"),
  max_pool: pool("MaxPool"),
  avg_pool: pool("AveragePool"),
  adaptive_avg_pool: adaptivePool("ReduceMean"),
  adaptive_max_pool: adaptivePool("ReduceMax"),
  global_avg_pool: globalPool("GlobalAveragePool"),
  global_max_pool: globalPool("GlobalMaxPool"),
  batch_norm: (c) => {
    const x0 = c.inputs[0]!;
    const x = x0.rank > 2 ? c.g.channelsFirst(x0) : c.g.channelsLast(x0);
    const t = (k: string) => c.g.tensor(`${c.name}_${k}`, c.tensors[k]!);
    const [name] = c.g.node(
      "BatchNormalization",
      [x.name, t("gamma"), t("beta"), t("mean"), t("var")],
      { epsilon: { f: (c.config.epsilon as number | undefined) ?? 1e-5 } },
      c.name,
    );
    return { ...x, name: name! };
  },
  layer_norm: (c) => {
    const x = c.g.channelsLast(c.inputs[0]!);
    const t = (k: string) => c.g.tensor(`${c.name}_${k}`, c.tensors[k]!);
    const [name] = c.g.node(
      "LayerNormalization",
      [x.name, t("gamma"), t("beta")],
      { axis: { i: -1 }, epsilon: { f: (c.config.epsilon as number | undefined) ?? 1e-5 } },
      c.name,
    );
    return { ...x, name: name! };
  },
  rms_norm: (c) => {
    const x = c.g.channelsLast(c.inputs[0]!);
    const [square] = c.g.node("Mul", [x.name, x.name], {}, `${c.name}_square`);
    const meanSquare = reduce(c, "ReduceMean", square!, [x.rank - 1], `${c.name}_ms`);
    const eps = scalar(c, "epsilon", (c.config.epsilon as number | undefined) ?? 1e-6);
    const [shifted] = c.g.node("Add", [meanSquare, eps], {}, `${c.name}_eps`);
    const [rms] = c.g.node("Sqrt", [shifted!], {}, `${c.name}_rms`);
    const [y] = c.g.node("Div", [x.name, rms!], {}, `${c.name}_normalized`);
    return { ...x, name: scaleShift(c, y!) };
  },
  group_norm: (c) => {
    const x = c.g.channelsLast(c.inputs[0]!);
    const groups = c.config.numGroups as number;
    const channels = c.inputShapes[0]!.at(-1)!;
    // [batch, positions, groups, channels per group], as the layer computes it.
    const target = c.g.int64s(`${c.name}_groups`, [0, -1, groups, channels / groups]);
    const [grouped] = c.g.node("Reshape", [x.name, target], {}, `${c.name}_grouped`);
    const y = standardize(c, grouped!, [1, 3], (c.config.epsilon as number | undefined) ?? 1e-5);
    const [shape] = c.g.node("Shape", [x.name], {}, `${c.name}_shape`);
    const [back] = c.g.node("Reshape", [y, shape!], {}, `${c.name}_ungrouped`);
    return { ...x, name: scaleShift(c, back!) };
  },
  instance_norm: (c) => {
    const x = c.g.channelsFirst(c.inputs[0]!);
    const t = (k: string) => c.g.tensor(`${c.name}_${k}`, c.tensors[k]!);
    const [name] = c.g.node(
      "InstanceNormalization",
      [x.name, t("gamma"), t("beta")],
      { epsilon: { f: (c.config.epsilon as number | undefined) ?? 1e-5 } },
      c.name,
    );
    return { ...x, name: name! };
  },
  multi_head_attention: (c) => {
    const [query, source = query, mask] = c.inputs.map((v) => c.g.channelsLast(v));
    const heads = c.config.numHeads as number;
    const keyDim = c.config.keyDim as number;
    const [tq, tk] = [c.inputShapes[0]![1]!, (c.inputShapes[1] ?? c.inputShapes[0]!)[1]!];
    const project = (x: string, w: string) => {
      const kernel = c.g.tensor(`${c.name}_${w}_kernel`, c.tensors[`${w}_kernel`]!);
      const [y] = c.g.node("MatMul", [x, kernel], {}, `${c.name}_${w}`);
      const bias = c.tensors[`${w}_bias`];
      if (!bias) return y!;
      return c.g.node(
        "Add",
        [y!, c.g.tensor(`${c.name}_${w}_bias`, bias)],
        {},
        `${c.name}_${w}_b`,
      )[0]!;
    };
    // [batch, time, heads·keyDim] → [batch, heads, time, keyDim]
    const split = (x: string, time: number, what: string) => {
      const shape = c.g.int64s(`${c.name}_${what}_shape`, [0, time, heads, keyDim]);
      const [r] = c.g.node("Reshape", [x, shape], {}, `${c.name}_${what}_heads`);
      return c.g.node(
        "Transpose",
        [r!],
        { perm: { ints: [0, 2, 1, 3] } },
        `${c.name}_${what}_t`,
      )[0]!;
    };
    const q = split(project(query!.name, "query"), tq, "q");
    const k = split(project(source!.name, "key"), tk, "k");
    const v = split(project(source!.name, "value"), tk, "v");
    const [kt] = c.g.node("Transpose", [k], { perm: { ints: [0, 1, 3, 2] } }, `${c.name}_kt`);
    const [dots] = c.g.node("MatMul", [q, kt!], {}, `${c.name}_dots`);
    let [scores] = c.g.node(
      "Mul",
      [dots!, scalar(c, "scale", 1 / Math.sqrt(keyDim))],
      {},
      `${c.name}_scores`,
    );
    const masked = scalar(c, "masked", -1e9);
    if (c.config.causal === true) {
      const allowed = nx.asType(
        nx.greaterEqual(nx.iota([tq, 1]), nx.iota([1, tk], { axis: 1 })),
        "u8",
      );
      const [bool] = c.g.node(
        "Cast",
        [c.g.tensor(`${c.name}_causal`, allowed)],
        { to: { i: 9 } },
        `${c.name}_causal_bool`,
      );
      [scores] = c.g.node("Where", [bool!, scores!, masked], {}, `${c.name}_causal_scores`);
    }
    if (mask !== undefined) {
      const [keep] = c.g.node("Cast", [mask.name], { to: { i: 9 } }, `${c.name}_keep`); // BOOL
      const [keep4] = c.g.node(
        "Reshape",
        [keep!, c.g.int64s(`${c.name}_keep_shape`, [0, 1, 1, tk])],
        {},
        `${c.name}_keep4`,
      );
      [scores] = c.g.node("Where", [keep4!, scores!, masked], {}, `${c.name}_masked_scores`);
    }
    const [weights] = c.g.node("Softmax", [scores!], { axis: { i: 3 } }, `${c.name}_weights`);
    const [mixed] = c.g.node("MatMul", [weights!, v], {}, `${c.name}_mixed`);
    const [back] = c.g.node(
      "Transpose",
      [mixed!],
      { perm: { ints: [0, 2, 1, 3] } },
      `${c.name}_mixed_t`,
    );
    const [joined] = c.g.node(
      "Reshape",
      [back!, c.g.int64s(`${c.name}_joined_shape`, [0, tq, heads * keyDim])],
      {},
      `${c.name}_joined`,
    );
    return { name: project(joined!, "output"), rank: 3, channelsFirst: false };
  },
  flatten: (c) => {
    const x = c.g.channelsLast(c.inputs[0]!);
    const [name] = c.g.node("Flatten", [x.name], { axis: { i: 1 } }, c.name);
    return { name: name!, rank: 2, channelsFirst: false };
  },
  reshape: (c) => {
    const x = c.g.channelsLast(c.inputs[0]!);
    const shape = c.config.shape as number[];
    // 0 keeps the batch axis as it is: the exported batch stays dynamic.
    const target = c.g.int64s(`${c.name}_shape`, [0, ...shape]);
    const [name] = c.g.node("Reshape", [x.name, target], {}, c.name);
    return { name: name!, rank: shape.length + 1, channelsFirst: false };
  },
  lstm: recurrent("LSTM", 4, [0, 3, 1, 2]),
  // One output of a tuple parent: its value itself, no node.
  part: (c) => c.inputs[c.config.index as number]!,
  gru: recurrent("GRU", 3, [1, 0, 2]),
  upsample: (c) => {
    const x = c.g.channelsLast(c.inputs[0]!);
    const shape = c.inputShapes[0]!;
    const factors = upsampleFactors(c.config.size as number | number[], shape.length);
    const spatial = shape.slice(1, -1);
    const channels = shape.at(-1)!;
    // As the layer computes it: a size-1 axis after each spatial one, expanded, then merged.
    const spread = c.g.int64s(`${c.name}_spread`, [0, ...spatial.flatMap((d) => [d, 1]), channels]);
    const [r] = c.g.node("Reshape", [x.name, spread], {}, `${c.name}_spread`);
    const grown = c.g.int64s(`${c.name}_grown`, [
      1,
      ...spatial.flatMap((d, i) => [d, factors[i]!]),
      channels,
    ]);
    const [e] = c.g.node("Expand", [r!, grown], {}, `${c.name}_expanded`);
    const merged = c.g.int64s(`${c.name}_merged`, [
      0,
      ...spatial.map((d, i) => d * factors[i]!),
      channels,
    ]);
    const [name] = c.g.node("Reshape", [e!, merged], {}, c.name);
    return { ...x, name: name! };
  },
  reverse_time: (c) => {
    const x = c.g.channelsLast(c.inputs[0]!);
    const bound = (v: number, k: string) => c.g.int64s(`${c.name}_${k}`, [v]);
    const [name] = c.g.node(
      "Slice",
      [
        x.name,
        bound(-1, "starts"),
        bound(-(2 ** 63), "ends"),
        bound(1, "axes"),
        bound(-1, "steps"),
      ],
      {},
      c.name,
    );
    return { ...x, name: name! };
  },
  embedding: (c) => {
    const x = c.g.channelsLast(c.inputs[0]!);
    const [ids] = c.g.node("Cast", [x.name], { to: { i: 7 } }, `${c.name}_ids`); // INT64
    const table = c.g.tensor(`${c.name}_kernel`, c.tensors.kernel!);
    const [name] = c.g.node("Gather", [table, ids!], { axis: { i: 0 } }, c.name);
    return { name: name!, rank: x.rank + 1, channelsFirst: false };
  },
};

/**
 * A Dendrite gate-major matrix `[in, gates·units]` as ONNX's `[1, gates·units, in]`, its gates
 * taken in `order` (Dendrite's are PyTorch's: LSTM i, f, g, o; GRU r, z, n. ONNX's: LSTM i, o, f,
 * c; GRU z, r, h).
 */
function gateRows(t: nx.Tensor, units: number, order: readonly number[]): nx.Tensor {
  const rows = nx.matrixTranspose(t.rank === 1 ? nx.reshape(t, [1, -1]) : t);
  const blocks = order.map((k) => nx.sliceAlong(rows, k * units, units, { axis: 0 }));
  return nx.newAxis(nx.concatenate(blocks, { axis: 0 }), 0);
}

/**
 * LSTM and GRU as ONNX's ops over `[seq, batch, features]` (transposed at the edges); the GRU's
 * reset gate applies to the hidden projection and its bias (`linear_before_reset`), as Dendrite's.
 * Initial states (the layer's inputs after the sequence) map to `initial_h` and `initial_c`, the
 * final states of `returnState` to the outputs `Y_h` and `Y_c`.
 */
function recurrent(opType: "LSTM" | "GRU", gates: number, order: readonly number[]): Emitter {
  const states = opType === "LSTM" ? 2 : 1;
  return (c) => {
    const x = c.g.channelsLast(c.inputs[0]!);
    const units = c.config.units as number;
    const t = c.tensors;
    const w = gateRows(t.input_kernel!, units, order);
    const r = gateRows(t.hidden_kernel!, units, order);
    const biasOf = (b: nx.Tensor | undefined) =>
      b === undefined
        ? nx.zeros([1, gates * units])
        : nx.reshape(gateRows(b, units, order), [1, -1]);
    const bias =
      opType === "LSTM"
        ? nx.concatenate([biasOf(t.bias), biasOf(undefined)], { axis: 1 })
        : nx.concatenate([biasOf(t.input_bias), biasOf(t.hidden_bias)], { axis: 1 });
    const [seqMajor] = c.g.node(
      "Transpose",
      [x.name],
      { perm: { ints: [1, 0, 2] } },
      `${c.name}_time_major`,
    );
    // initial_h, initial_c: [batch, units] → [1, batch, units]
    const initial = c.inputs.slice(1).map((v, k) => {
      const [name] = c.g.node(
        "Unsqueeze",
        [c.g.channelsLast(v).name, c.g.int64s(`${c.name}_initial_axis`, [0])],
        {},
        `${c.name}_initial_${k === 0 ? "h" : "c"}`,
      );
      return name!;
    });
    const attrs: { [k: string]: Attribute } = { hidden_size: { i: units } };
    if (opType === "GRU") attrs.linear_before_reset = { i: 1 };
    const [y, ...finals] = c.g.node(
      opType,
      [
        seqMajor!,
        c.g.tensor(`${c.name}_W`, w),
        c.g.tensor(`${c.name}_R`, r),
        c.g.tensor(`${c.name}_B`, bias),
        ...(initial.length > 0 ? ["", ...initial] : []), // no sequence_lens
      ],
      attrs,
      `${c.name}_rnn`,
      1 + states,
    );
    // Without returnSequences the optional output Y is left out (an empty name).
    if (c.config.returnSequences !== true) c.g.nodes.at(-1)!.output[0] = "";
    // Y_h, Y_c: [1, batch, units] → [batch, units]
    const last = (k: number, base: string): Value => {
      const [name] = c.g.node("Squeeze", [finals[k]!, c.g.int64s(`${c.name}_dir`, [0])], {}, base);
      return { name: name!, rank: 2, channelsFirst: false };
    };
    let output: Value;
    if (c.config.returnSequences === true) {
      // Y: [seq, 1, batch, units] → [batch, seq, units]
      const [squeezed] = c.g.node(
        "Squeeze",
        [y!, c.g.int64s(`${c.name}_dir`, [1])],
        {},
        `${c.name}_seq`,
      );
      const [name] = c.g.node("Transpose", [squeezed!], { perm: { ints: [1, 0, 2] } }, c.name);
      output = { name: name!, rank: 3, channelsFirst: false };
    } else output = last(0, c.name);
    if (c.config.returnState !== true) return output;
    const hidden = c.config.returnSequences === true ? last(0, `${c.name}_hidden`) : output;
    return states === 2 ? [output, hidden, last(1, `${c.name}_cell`)] : [output, hidden];
  };
}

/** The emitter of a layer op, if it can be exported. */
export function emitterFor(op: string): Emitter | undefined {
  return Object.hasOwn(LAYERS, op) ? LAYERS[op] : undefined;
}
