/**
 * Core layers: inputs, dense, activations, dropout, shape layers, embedding and the combinators
 * (add, subtract, multiply, concatenate, container).
 */
import * as nx from "@dendrite/tensor";
import {
  ACTIVATIONS,
  activationName,
  type ActivationName,
  type ActivationOptions,
} from "../activations.js";
import {
  resolveInitializer,
  initializerFromConfig,
  uniform,
  type InitializerLike,
  type Initializer,
} from "../initializers.js";
import {
  Model,
  addInput,
  addNode,
  describeValue,
  isNode,
  nodeOf,
  showShape,
  type GraphNode,
  type Json,
  type LayerDef,
  type NameOption,
  type OutputTree,
  type ShapeSpec,
} from "../model.js";
import { builtin, registerLayer } from "./registry.js";

type Config = { readonly [k: string]: Json };

/** An initializer's saved form. */
export function initConfig(init: Initializer): Config {
  return init.config;
}

/** Reads a saved initializer. */
export function readInit(c: Json | undefined): Initializer {
  return initializerFromConfig(c as { name: string });
}

/** Checks that `x` is a positive integer, naming the layer option. */
export function positiveInt(op: string, option: string, x: unknown): number {
  if (typeof x !== "number" || !Number.isInteger(x) || x < 1)
    throw new RangeError(`${op}: ${option} must be a positive integer, got ${describeValue(x)}`);
  return x;
}

// ---------------------------------------------------------------------------------------------
// input

const inputDef = builtin("input", (c: { name: string; shape: Json }): LayerDef => ({
  op: "input",
  config: c,
  display:
    c.shape === null
      ? [["optional", false]]
      : [
          ["shape", c.shape],
          ["optional", false],
        ],
  forward: () => {
    throw new Error(`input "${c.name}" has no value`);
  },
}));

/**
 * A named model input. `shape` gives the size of each axis, `null` for any size (the batch axis):
 * `nn.input("car_features", [null, 7])`. Without a shape, inputs of any shape are accepted.
 */
export function input(name: string, shape?: ShapeSpec): Model {
  if (typeof name !== "string" || name.length === 0)
    throw new TypeError(`input: the name must be a non-empty string, got ${describeValue(name)}`);
  if (shape !== undefined) {
    if (!Array.isArray(shape) || !shape.every((d) => d === null || (Number.isInteger(d) && d >= 0)))
      throw new TypeError(
        `input "${name}": shape must be an array of sizes or null (any size), got ${JSON.stringify(shape)}`,
      );
  }
  return addInput(name, shape, inputDef({ name, shape: shape === undefined ? null : [...shape] }));
}

// ---------------------------------------------------------------------------------------------
// dense

/** Options of `dense`. */
export interface DenseOptions extends NameOption {
  /** An activation applied after the layer (a separate `relu_0`-style node, as Axon). */
  activation?: ActivationName | string;
  /** Default `"glorotUniform"`. */
  kernelInitializer?: InitializerLike;
  /** Default `"zeros"`. */
  biasInitializer?: InitializerLike;
  /** Default true. */
  useBias?: boolean;
}

/** Checks that the last axis of `x` matches what a kernel expects. */
export function checkFeatures(x: nx.Tensor, kernel: nx.Tensor, axisOfKernel: number): void {
  const want = kernel.shape[axisOfKernel]!;
  if (x.shape.at(-1) !== want) {
    throw new Error(
      `expected an input whose last axis is ${want} (kernel ${nx.formatType(kernel.shape, kernel.dtype)}), ` +
        `got shape ${showShape(x.shape)}`,
    );
  }
}

const denseDef = builtin(
  "dense",
  (c: {
    units: number;
    useBias: boolean;
    kernelInitializer: Json;
    biasInitializer: Json;
  }): LayerDef => {
    const kernelInit = readInit(c.kernelInitializer);
    const biasInit = readInit(c.biasInitializer);
    return {
      op: "dense",
      config: c,
      params: ([x]) => {
        if (x!.length < 1) throw new Error(`expected an input of rank ≥ 1, got a scalar`);
        return {
          kernel: { shape: [x!.at(-1)!, c.units], initializer: kernelInit },
          ...(c.useBias ? { bias: { shape: [c.units], initializer: biasInit } } : {}),
        };
      },
      forward: ([x], p) => {
        checkFeatures(x!, p.kernel!, 0);
        const y = nx.dot(x!, p.kernel!);
        return c.useBias ? nx.add(y, p.bias!) : y;
      },
    };
  },
);

/** Adds the activation layer named by `activation` after `m` (nothing for undefined). */
export function withActivation(m: Model, activation: string | undefined): Model {
  return activation === undefined ? m : activate(m, activation);
}

/**
 * A fully connected layer: `x · kernel + bias`, kernel `[features, units]`, over the last axis.
 * With `activation`, an activation layer follows (named `relu_0` etc., as Axon does).
 */
export function dense(x: Model, units: number, options: DenseOptions = {}): Model {
  const node = nodeOf(x, "dense");
  positiveInt("dense", "units", units);
  const def = denseDef({
    units,
    useBias: options.useBias ?? true,
    kernelInitializer: initConfig(
      resolveInitializer(options.kernelInitializer ?? "glorotUniform", "dense kernelInitializer"),
    ),
    biasInitializer: initConfig(
      resolveInitializer(options.biasInitializer ?? "zeros", "dense biasInitializer"),
    ),
  });
  return withActivation(addNode(def, [node], options.name), options.activation);
}

// ---------------------------------------------------------------------------------------------
// activations

/** Axon's op name of an activation: `leakyRelu` → `leaky_relu`. */
export function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

function activationDef(c: { activation: string; options: Json }): LayerDef {
  const name = activationName(c.activation, "activation");
  const fn = ACTIVATIONS[name];
  const options = c.options as ActivationOptions;
  return {
    op: snake(name),
    config: c,
    display: Object.entries(options),
    forward: ([x]) => fn(x!, options),
  };
}
for (const name of Object.keys(ACTIVATIONS)) registerLayer(snake(name), activationDef as never);

/** Options of an activation layer. */
export interface ActivationLayerOptions extends ActivationOptions, NameOption {}

/** An activation layer by name: `nn.activate(x, "relu")` (its op and generated name follow the activation). */
export function activate(
  x: Model,
  activation: string,
  options: ActivationLayerOptions = {},
): Model {
  const node = nodeOf(x, snake(String(activation)));
  const name = activationName(activation, "activation");
  const { name: layerName, ...rest } = options;
  const opts: Record<string, number> = {};
  for (const [k, v] of Object.entries(rest)) {
    if (v === undefined) continue;
    if (typeof v !== "number") throw new TypeError(`${snake(name)}: option ${k} must be a number`);
    opts[k] = v;
  }
  return addNode(activationDef({ activation: name, options: opts }), [node], layerName);
}

type ActivationLayer = (x: Model, options?: ActivationLayerOptions) => Model;
const act =
  (name: ActivationName): ActivationLayer =>
  (x, options) =>
    activate(x, name, options);

/** Activation layers, one per activation (`nn.relu(x)`, `x.relu()`). */
export const relu = act("relu");
export const relu6 = act("relu6");
export const sigmoid = act("sigmoid");
export const softmax = act("softmax");
export const logSoftmax = act("logSoftmax");
export const logSumexp = act("logSumexp");
export const logSigmoid = act("logSigmoid");
export const tanh = act("tanh");
export const gelu = act("gelu");
export const silu = act("silu");
export const elu = act("elu");
export const celu = act("celu");
export const selu = act("selu");
export const leakyRelu = act("leakyRelu");
export const softplus = act("softplus");
export const softsign = act("softsign");
export const linear = act("linear");
export const mish = act("mish");
export const exp = act("exp");
export const hardSigmoid = act("hardSigmoid");
export const hardSilu = act("hardSilu");
export const hardTanh = act("hardTanh");

// ---------------------------------------------------------------------------------------------
// dropout

/** Options of the dropout layers. */
export interface DropoutOptions extends NameOption {
  /** Probability of dropping an element (default 0.5). */
  rate?: number;
}

type DropoutKind = "dropout" | "spatial_dropout" | "alpha_dropout";

/** SELU's saturation value −λα, where alpha dropout sends dropped units. */
const ALPHA_PRIME = -1.7580993408473766;

function dropoutDef(kind: DropoutKind) {
  return builtin(kind, (c: { rate: number }): LayerDef => ({
    op: kind,
    config: c,
    display: [["rate", c.rate]],
    params: () => ({
      key: { shape: [2], dtype: "u32", kind: "state", initializer: keyInitializer },
    }),
    forward: ([x], _p, ctx) => {
      if (ctx.mode !== "train" || c.rate === 0) return x!;
      const [use, next] = nx.random.split(ctx.state.key!);
      const keep = 1 - c.rate;
      const noiseShape =
        kind === "spatial_dropout"
          ? x!.shape.map((n, i) => (i === 0 || i === x!.rank - 1 ? n : 1))
          : x!.shape;
      const mask = nx.less(nx.random.uniform(use!, noiseShape, { dtype: "f32" }), keep);
      let y: nx.Tensor;
      if (kind === "alpha_dropout") {
        const a = 1 / Math.sqrt(keep + ALPHA_PRIME * ALPHA_PRIME * keep * c.rate);
        const b = -a * ALPHA_PRIME * c.rate;
        y = nx.add(nx.multiply(nx.select(mask, x!, ALPHA_PRIME), a), b);
      } else {
        y = nx.select(mask, nx.divide(x!, keep), 0);
      }
      return { output: nx.asType(y, x!.dtype), state: { key: next! } };
    },
  }));
}

/** The dropout key initializer: the layer's own key from the build seed. */
const keyInitializer: Initializer = Object.assign((key: nx.Tensor) => key, {
  config: Object.freeze({ name: "randomKey" }),
});

const dropoutDefs = {
  dropout: dropoutDef("dropout"),
  spatial_dropout: dropoutDef("spatial_dropout"),
  alpha_dropout: dropoutDef("alpha_dropout"),
};

function addDropout(kind: DropoutKind, x: Model, options: DropoutOptions): Model {
  const node = nodeOf(x, kind);
  const rate = options.rate ?? 0.5;
  if (typeof rate !== "number" || !(rate >= 0 && rate < 1))
    throw new RangeError(`${kind}: rate must be in [0, 1), got ${describeValue(rate)}`);
  return addNode(dropoutDefs[kind]({ rate }), [node], options.name);
}

/**
 * Zeroes each element with probability `rate` in train mode and scales the rest by 1/(1 − rate);
 * the identity in inference. Its random key is layer state, so a seeded run is reproducible.
 */
export function dropout(x: Model, options: DropoutOptions = {}): Model {
  return addDropout("dropout", x, options);
}

/** Dropout of whole channels (one draw per example and channel, shared over the spatial axes). */
export function spatialDropout(x: Model, options: DropoutOptions = {}): Model {
  return addDropout("spatial_dropout", x, options);
}

/** Dropout for SELU networks: keeps mean and variance by sending dropped units to −λα and rescaling. */
export function alphaDropout(x: Model, options: DropoutOptions = {}): Model {
  return addDropout("alpha_dropout", x, options);
}

// ---------------------------------------------------------------------------------------------
// shape layers

const flattenDef = builtin("flatten", (c: Config): LayerDef => ({
  op: "flatten",
  config: c,
  forward: ([x]) => {
    if (x!.rank < 1) throw new Error("expected an input with a batch axis, got a scalar");
    return nx.reshape(x!, [x!.shape[0]!, x!.size / Math.max(1, x!.shape[0]!)]);
  },
}));

/** Flattens every axis but the batch axis: `[n, a, b]` → `[n, a·b]`. */
export function flatten(x: Model, options: NameOption = {}): Model {
  return addNode(flattenDef({}), [nodeOf(x, "flatten")], options.name);
}

const reshapeDef = builtin("reshape", (c: { shape: number[] }): LayerDef => ({
  op: "reshape",
  config: c,
  display: [["shape", c.shape]],
  forward: ([x]) => {
    const rest = x!.shape.slice(1).reduce((a, b) => a * b, 1);
    const known = c.shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const ok = c.shape.includes(-1) ? known > 0 && rest % known === 0 : known === rest;
    if (!ok)
      throw new Error(
        `cannot reshape an input of shape ${showShape(x!.shape)} to [batch, ${c.shape.join(", ")}]`,
      );
    return nx.reshape(x!, [x!.shape[0]!, ...c.shape]);
  },
}));

/** Reshapes every axis but the batch axis: `reshape(x, [4, -1])` (one `-1` is inferred). */
export function reshape(x: Model, shape: readonly number[], options: NameOption = {}): Model {
  const node = nodeOf(x, "reshape");
  if (
    !Array.isArray(shape) ||
    !shape.every((d) => Number.isInteger(d) && (d >= 1 || d === -1)) ||
    shape.filter((d) => d === -1).length > 1
  )
    throw new TypeError(
      `reshape: shape must list positive sizes (one may be -1), without the batch axis; got ${JSON.stringify(shape)}`,
    );
  return addNode(reshapeDef({ shape: [...shape] }), [node], options.name);
}

// ---------------------------------------------------------------------------------------------
// embedding

/** Options of `embedding`. */
export interface EmbeddingOptions extends NameOption {
  /** Default `uniform` on ±0.01 (Axon's default). */
  kernelInitializer?: InitializerLike;
}

const embeddingDef = builtin(
  "embedding",
  (c: { vocabSize: number; embeddingSize: number; kernelInitializer: Json }): LayerDef => {
    const init = readInit(c.kernelInitializer);
    return {
      op: "embedding",
      config: c,
      params: () => ({ kernel: { shape: [c.vocabSize, c.embeddingSize], initializer: init } }),
      forward: ([x], p) => nx.take(p.kernel!, nx.asType(x!, "s32"), { axis: 0 }),
    };
  },
);

/**
 * A lookup table: integer ids `[...]` → vectors `[..., embeddingSize]` from a learned
 * `[vocabSize, embeddingSize]` kernel.
 */
export function embedding(
  x: Model,
  vocabSize: number,
  embeddingSize: number,
  options: EmbeddingOptions = {},
): Model {
  const node = nodeOf(x, "embedding");
  positiveInt("embedding", "vocabSize", vocabSize);
  positiveInt("embedding", "embeddingSize", embeddingSize);
  const init = options.kernelInitializer
    ? resolveInitializer(options.kernelInitializer, "embedding kernelInitializer")
    : uniform();
  return addNode(
    embeddingDef({ vocabSize, embeddingSize, kernelInitializer: initConfig(init) }),
    [node],
    options.name,
  );
}

// ---------------------------------------------------------------------------------------------
// combinators

/** Throws unless all shapes are equal (null matches any size), naming them. */
function checkSameShapes(shapes: readonly ShapeSpec[], what: string): void {
  const first = shapes[0]!;
  for (const s of shapes.slice(1)) {
    const same =
      s.length === first.length &&
      s.every((d, i) => d === null || first[i] === null || d === first[i]);
    if (!same)
      throw new Error(
        `${what} needs inputs of the same shape, got ${shapes.map(showShape).join(" and ")}`,
      );
  }
}

function mergeDef(op: "add" | "subtract" | "multiply") {
  const fn = { add: nx.add, subtract: nx.subtract, multiply: nx.multiply }[op];
  return builtin(op, (c: Config): LayerDef => ({
    op,
    config: c,
    forward: (xs) => {
      checkSameShapes(
        xs.map((t) => t.shape),
        op,
      );
      return xs.slice(1).reduce((a, b) => fn(a, b), xs[0]!);
    },
  }));
}

const mergeDefs = {
  add: mergeDef("add"),
  subtract: mergeDef("subtract"),
  multiply: mergeDef("multiply"),
};

function parentsOf(op: string, xs: readonly Model[], min: number): GraphNode[] {
  if (!Array.isArray(xs) || xs.length < min)
    throw new TypeError(`${op}: expected an array of at least ${min} models`);
  const nodes = xs.map((x) => nodeOf(x, op));
  const shapes = nodes.map((n) => n.shape);
  if (shapes.every((s) => s !== undefined) && op !== "concatenate")
    checkSameShapes(shapes as ShapeSpec[], op);
  return nodes;
}

/** Elementwise sum of models of the same shape. */
export function add(xs: readonly Model[], options: NameOption = {}): Model {
  return addNode(mergeDefs.add({}), parentsOf("add", xs, 2), options.name);
}

/** The first model minus the others. */
export function subtract(xs: readonly Model[], options: NameOption = {}): Model {
  return addNode(mergeDefs.subtract({}), parentsOf("subtract", xs, 2), options.name);
}

/** Elementwise product of models of the same shape. */
export function multiply(xs: readonly Model[], options: NameOption = {}): Model {
  return addNode(mergeDefs.multiply({}), parentsOf("multiply", xs, 2), options.name);
}

const concatenateDef = builtin("concatenate", (c: { axis: number }): LayerDef => ({
  op: "concatenate",
  config: c,
  display: [["axis", c.axis]],
  forward: (xs) => {
    const rank = xs[0]!.rank;
    const axis = c.axis < 0 ? c.axis + rank : c.axis;
    if (axis < 0 || axis >= rank)
      throw new RangeError(`axis ${c.axis} is out of range for inputs of rank ${rank}`);
    const ok = xs.every(
      (t) => t.rank === rank && t.shape.every((n, i) => i === axis || n === xs[0]!.shape[i]),
    );
    if (!ok)
      throw new Error(
        `inputs must match on every axis but ${c.axis}, got ${xs.map((t) => showShape(t.shape)).join(" and ")}`,
      );
    return nx.concatenate(xs, { axis });
  },
}));

/** Joins models along `axis` (default −1, the feature axis). */
export function concatenate(
  xs: readonly Model[],
  options: NameOption & { axis?: number } = {},
): Model {
  const axis = options.axis ?? -1;
  if (!Number.isInteger(axis))
    throw new TypeError(`concatenate: axis must be an integer, got ${axis}`);
  return addNode(concatenateDef({ axis }), parentsOf("concatenate", xs, 1), options.name);
}

/** A tree of models: arrays and plain objects whose leaves are models. */
export type ModelTree = Model | readonly ModelTree[] | { readonly [k: string]: ModelTree };

/** The prediction type of a tree of models. */
export type PredictionOf<T> =
  T extends Model<infer O> ? O : { -readonly [K in keyof T]: PredictionOf<T[K]> };

/**
 * Several outputs as one model: `nn.container({ price: a, kind: b })` predicts `{ price, kind }`
 * (Axon's container).
 */
export function container<T extends ModelTree>(outputs: T): Model<PredictionOf<T>> {
  const walk = (t: ModelTree): OutputTree => {
    if (t instanceof Model) return t.output;
    if (Array.isArray(t)) return t.map(walk);
    if (typeof t === "object" && t !== null)
      return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, walk(v)]));
    throw new TypeError(
      `container: expected models, arrays or objects of models, got ${describeValue(t)}`,
    );
  };
  const out = walk(outputs);
  if (isNode(out)) return new Model(out) as Model<PredictionOf<T>>;
  return new Model(out) as Model<PredictionOf<T>>;
}
