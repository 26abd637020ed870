/**
 * Activation layers, one per activation of `nn.activations` (`x.relu()`, `nn.relu(x)`,
 * `nn.activate(x, "leaky_relu", { alpha: 0.2 })`), and the `activation` option of dense and conv.
 * A layer's op is the activation's snake_case name, as Axon's.
 */
import {
  ACTIVATIONS,
  activationName,
  type ActivationName,
  type ActivationOptions,
} from "../activations.js";
import { describeValue, nodeOf, type Json, type Model, type NameOption } from "../model.js";
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
    if (name !== own) throw new TypeError(`${where} must be "${own}", got ${describeValue(x)}`);
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
    throw new TypeError(`${where} must be an object of numbers, got ${describeValue(x)}`);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(x)) {
    if (v === undefined) continue;
    if (typeof v !== "number")
      throw new TypeError(
        `${where.replace(/: options$/, "")}: ${k} must be a number, got ${describeValue(v)}`,
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
