/**
 * Normalisation layers: batch normalisation (with running statistics as layer state) and layer
 * normalisation. Features are on the last axis (channels last).
 */
import * as nx from "@dendrite/tensor";
import { resolveInitializer, type InitializerLike } from "../initializers.js";
import {
  addNode,
  describeValue,
  nodeOf,
  type Json,
  type LayerDef,
  type Model,
  type NameOption,
} from "../model.js";
import { initConfig, readInit } from "./core.js";
import { builtin } from "./registry.js";

/** Options of `batchNorm` and `layerNorm`. */
export interface NormOptions extends NameOption {
  /** Added to the variance before the square root (default 1e-5). */
  epsilon?: number;
  /** Scale initializer (default `"ones"`). */
  gammaInitializer?: InitializerLike;
  /** Offset initializer (default `"zeros"`). */
  betaInitializer?: InitializerLike;
}

/** Options of `batchNorm`. */
export interface BatchNormOptions extends NormOptions {
  /** Weight of the new batch in the running statistics (default 0.1, as Axon and PyTorch). */
  momentum?: number;
}

type NormConfig = { epsilon: number; gammaInitializer: Json; betaInitializer: Json };

function checkNumber(op: string, option: string, x: unknown, ok: (v: number) => boolean): number {
  if (typeof x !== "number" || !ok(x))
    throw new RangeError(`${op}: ${option} is out of range: ${describeValue(x)}`);
  return x;
}

function normConfig(op: string, o: NormOptions): NormConfig {
  return {
    epsilon: checkNumber(op, "epsilon", o.epsilon ?? 1e-5, (v) => v >= 0),
    gammaInitializer: initConfig(
      resolveInitializer(o.gammaInitializer ?? "ones", `${op} gammaInitializer`),
    ),
    betaInitializer: initConfig(
      resolveInitializer(o.betaInitializer ?? "zeros", `${op} betaInitializer`),
    ),
  };
}

/** All axes but the last. */
function batchAxes(x: nx.Tensor): number[] {
  return x.shape.slice(0, -1).map((_, i) => i);
}

const batchNormDef = builtin("batch_norm", (c: NormConfig & { momentum: number }): LayerDef => {
  const gamma = readInit(c.gammaInitializer);
  const beta = readInit(c.betaInitializer);
  const zeros = readInit({ name: "zeros" });
  const ones = readInit({ name: "ones" });
  return {
    op: "batch_norm",
    config: c,
    display: [
      ["epsilon", c.epsilon],
      ["momentum", c.momentum],
    ],
    params: ([x]) => {
      if (x!.length < 2)
        throw new Error(
          `expected an input of rank ≥ 2 (batch, ..., features), got rank ${x!.length}`,
        );
      const f = [x!.at(-1)!];
      return {
        gamma: { shape: f, initializer: gamma },
        beta: { shape: f, initializer: beta },
        mean: { shape: f, initializer: zeros, kind: "state" },
        var: { shape: f, initializer: ones, kind: "state" },
      };
    },
    forward: ([x], p, ctx) => {
      const normalize = (mean: nx.Tensor, variance: nx.Tensor) =>
        nx.add(
          nx.multiply(
            nx.multiply(nx.subtract(x!, mean), nx.rsqrt(nx.add(variance, c.epsilon))),
            p.gamma!,
          ),
          p.beta!,
        );
      if (ctx.mode !== "train") return normalize(ctx.state.mean!, ctx.state.var!);
      const axes = batchAxes(x!);
      const mean = nx.mean(x!, { axes });
      const variance = nx.mean(nx.pow(nx.subtract(x!, mean), 2), { axes });
      const ema = (old: nx.Tensor, batch: nx.Tensor) =>
        nx.add(nx.multiply(old, 1 - c.momentum), nx.multiply(nx.stopGradient(batch), c.momentum));
      return {
        output: normalize(mean, variance),
        state: { mean: ema(ctx.state.mean!, mean), var: ema(ctx.state.var!, variance) },
      };
    },
  };
});

/**
 * Batch normalisation over the last (feature) axis: in train mode it normalises with the batch's
 * mean and (biased) variance and updates the running statistics (layer state `mean`, `var`);
 * in inference it uses the running statistics. Learned `gamma` (scale) and `beta` (offset).
 */
export function batchNorm(x: Model, options: BatchNormOptions = {}): Model {
  const node = nodeOf(x, "batch_norm");
  const momentum = checkNumber(
    "batch_norm",
    "momentum",
    options.momentum ?? 0.1,
    (v) => v >= 0 && v <= 1,
  );
  return addNode(
    batchNormDef({ ...normConfig("batch_norm", options), momentum }),
    [node],
    options.name,
  );
}

const layerNormDef = builtin("layer_norm", (c: NormConfig): LayerDef => {
  const gamma = readInit(c.gammaInitializer);
  const beta = readInit(c.betaInitializer);
  return {
    op: "layer_norm",
    config: c,
    display: [["epsilon", c.epsilon]],
    params: ([x]) => {
      if (x!.length < 1) throw new Error("expected an input of rank ≥ 1, got a scalar");
      const f = [x!.at(-1)!];
      return { gamma: { shape: f, initializer: gamma }, beta: { shape: f, initializer: beta } };
    },
    forward: ([x], p) => {
      const axes = [x!.rank - 1];
      const mean = nx.mean(x!, { axes, keepAxes: true });
      const centered = nx.subtract(x!, mean);
      const variance = nx.mean(nx.pow(centered, 2), { axes, keepAxes: true });
      return nx.add(
        nx.multiply(nx.multiply(centered, nx.rsqrt(nx.add(variance, c.epsilon))), p.gamma!),
        p.beta!,
      );
    },
  };
});

/** Layer normalisation: each example normalised over its last axis, then scaled and shifted. */
export function layerNorm(x: Model, options: NormOptions = {}): Model {
  const node = nodeOf(x, "layer_norm");
  return addNode(layerNormDef(normConfig("layer_norm", options)), [node], options.name);
}
