/**
 * Activation layers, one per activation of `nn.activations` (`x.relu()`, `nn.relu(x)`,
 * `nn.activate(x, "leaky_relu", { alpha: 0.2 })`), and the `activation` option of dense and conv.
 * A layer's op is the activation's snake_case name, as Axon's.
 */
import * as nx from "@dendrite/tensor";
import {
  ACTIVATIONS,
  activationName,
  type ActivationName,
  type ActivationOptions,
} from "../activations.js";
import { nodeOf, type Json, type Model, type NameOption } from "../model.js";
import { defineBuiltinLayer, type BuiltinLayer } from "./define.js";
import type { OptionKind } from "./options.js";

/** Axon's op name of an activation: `leakyRelu` → `leaky_relu`. */
export function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** The activation's name, which must be the layer's own (saved for Axon's sake). */
function activationKind(own: ActivationName): OptionKind<string, ActivationName> {
  const check = (x: unknown, where: string): ActivationName => {
    const name = activationName(String(x ?? own), "activation");
    if (name !== own) throw new TypeError(`${where} must be "${own}", got ${nx.describeValue(x)}`);
    return name;
  };
  return { save: check, read: check };
}

/** Numeric options of the activation function (alpha, beta, gamma, axis), shown by asTable. */
const numbers: OptionKind<ActivationOptions, ActivationOptions> = {
  save: (x, where) => readNumbers(x ?? {}, where) as Json,
  read: (x, where) => readNumbers(x, where),
};

function readNumbers(x: unknown, where: string): ActivationOptions {
  if (typeof x !== "object" || x === null || Array.isArray(x))
    throw new TypeError(`${where} must be an object of numbers, got ${nx.describeValue(x)}`);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(x)) {
    if (v === undefined) continue;
    if (typeof v !== "number")
      throw new TypeError(
        `${where.replace(/: options$/, "")}: ${k} must be a number, got ${nx.describeValue(v)}`,
      );
    out[k] = v;
  }
  return out;
}

function defineActivation(name: ActivationName) {
  const fn = ACTIVATIONS[name];
  return defineBuiltinLayer({
    op: snake(name),
    options: { activation: activationKind(name), options: numbers },
    display: (c) => Object.entries(c.options as { [k: string]: Json }),
    forward: (o, [x]) => fn(x!, o.options),
  });
}

const LAYERS = Object.fromEntries(
  Object.keys(ACTIVATIONS).map((name) => [name, defineActivation(name as ActivationName)]),
) as unknown as Record<ActivationName, BuiltinLayer>;

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
  return LAYERS[name].apply([node], { activation: name, options: rest, name: layerName } as never);
}

/** Adds the activation layer named by `activation` after `m` (nothing for undefined). */
export function withActivation(m: Model, activation: string | undefined): Model {
  return activation === undefined ? m : activate(m, activation);
}

// Activation layers, one per activation (`nn.relu(x)`, `x.relu()`).
/** max(x, 0) as a layer (derivative 0 at 0). */
export function relu(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "relu", options);
}

/** min(max(x, 0), 6) as a layer. */
export function relu6(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "relu6", options);
}

/** 1 / (1 + e⁻ˣ) as a layer (its output remembers its logits for the cross-entropies). */
export function sigmoid(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "sigmoid", options);
}

/** Softmax over `axis` (default −1) as a layer (its output remembers its logits). */
export function softmax(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "softmax", options);
}

/** log(softmax(x)) over `axis` (default −1) as a layer. */
export function logSoftmax(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "logSoftmax", options);
}

/** log Σ eˣ over `axis` (default −1, kept with size 1) as a layer. */
export function logSumexp(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "logSumexp", options);
}

/** log(sigmoid(x)) as a layer. */
export function logSigmoid(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "logSigmoid", options);
}

/** tanh(x) as a layer. */
export function tanh(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "tanh", options);
}

/** x · Φ(x), the exact GELU, as a layer. */
export function gelu(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "gelu", options);
}

/** x · sigmoid(x) (swish) as a layer. */
export function silu(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "silu", options);
}

/** x for x > 0, α(eˣ − 1) otherwise (`alpha`, default 1), as a layer. */
export function elu(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "elu", options);
}

/** x for x > 0, α(e^(x/α) − 1) otherwise (`alpha`, default 1), as a layer. */
export function celu(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "celu", options);
}

/** λ · elu(x, α) with the self-normalising constants (`alpha`, `gamma`), as a layer. */
export function selu(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "selu", options);
}

/** x for x > 0, αx otherwise (`alpha`, default 0.01), as a layer. */
export function leakyRelu(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "leakyRelu", options);
}

/** log(1 + eˣ), stable for any x, as a layer. */
export function softplus(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "softplus", options);
}

/** x / (|x| + 1) as a layer. */
export function softsign(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "softsign", options);
}

/** The identity as a layer. */
export function linear(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "linear", options);
}

/** x · tanh(softplus(x)) as a layer. */
export function mish(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "mish", options);
}

/** eˣ as a layer. */
export function exp(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "exp", options);
}

/** max(0, min(1, αx + β)) (`alpha`, `beta`) as a layer. */
export function hardSigmoid(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "hardSigmoid", options);
}

/** x · hardSigmoid(x) as a layer. */
export function hardSilu(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "hardSilu", options);
}

/** max(−1, min(1, x)) as a layer. */
export function hardTanh(x: Model, options?: ActivationLayerOptions): Model {
  return activate(x, "hardTanh", options);
}
