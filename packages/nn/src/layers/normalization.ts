/**
 * Normalisation layers: batch normalisation (with running statistics as layer state) and layer
 * normalisation. Features are on the last axis (channels last).
 */
import * as nx from "@dendrite/tensor";
import { initializerFromConfig } from "../initializers.js";
import { nodeOf, type Model, type NameOption } from "../model.js";
import { defineBuiltinLayer, type OptionsIn } from "./define.js";
import { initializer, number } from "./options.js";

const NORM_OPTIONS = {
  /** Added to the variance before the square root (default 1e-5). */
  epsilon: number("≥ 0", (v) => v >= 0, { default: 1e-5, display: "epsilon" }),
  /** Scale initializer (default `"ones"`). */
  gammaInitializer: initializer("ones"),
  /** Offset initializer (default `"zeros"`). */
  betaInitializer: initializer("zeros"),
};

const BATCH_NORM_OPTIONS = {
  ...NORM_OPTIONS,
  /** Weight of the new batch in the running statistics (default 0.1, as Axon and PyTorch). */
  momentum: number("in [0, 1]", (v) => v >= 0 && v <= 1, { default: 0.1, display: "momentum" }),
};

/** Options of `batchNorm` and `layerNorm`. */
export interface NormOptions extends OptionsIn<typeof NORM_OPTIONS>, NameOption {}

/** Options of `batchNorm`. */
export interface BatchNormOptions extends OptionsIn<typeof BATCH_NORM_OPTIONS>, NameOption {}

/** All axes but the last. */
function batchAxes(x: nx.Tensor): number[] {
  return x.shape.slice(0, -1).map((_, i) => i);
}

const zeros = initializerFromConfig({ name: "zeros" });
const ones = initializerFromConfig({ name: "ones" });

const BATCH_NORM = defineBuiltinLayer({
  op: "batch_norm",
  options: BATCH_NORM_OPTIONS,
  params: (o, [x]) => {
    if (x!.length < 2)
      throw new Error(
        `expected an input of rank ≥ 2 (batch, ..., features), got rank ${x!.length}`,
      );
    const f = [x!.at(-1)!];
    return {
      gamma: { shape: f, initializer: o.gammaInitializer },
      beta: { shape: f, initializer: o.betaInitializer },
      mean: { shape: f, initializer: zeros, kind: "state" },
      var: { shape: f, initializer: ones, kind: "state" },
    };
  },
  forward: (c, [x], p, ctx) => {
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
});

/**
 * Batch normalisation over the last (feature) axis: in train mode it normalises with the batch's
 * mean and (biased) variance and updates the running statistics (layer state `mean`, `var`);
 * in inference it uses the running statistics. Learned `gamma` (scale) and `beta` (offset).
 */
export function batchNorm(x: Model, options: BatchNormOptions = {}): Model {
  return BATCH_NORM.apply([nodeOf(x, "batch_norm")], options);
}

const LAYER_NORM = defineBuiltinLayer({
  op: "layer_norm",
  options: NORM_OPTIONS,
  params: (o, [x]) => {
    if (x!.length < 1) throw new Error("expected an input of rank ≥ 1, got a scalar");
    const f = [x!.at(-1)!];
    return {
      gamma: { shape: f, initializer: o.gammaInitializer },
      beta: { shape: f, initializer: o.betaInitializer },
    };
  },
  forward: (c, [x], p) => {
    const axes = [x!.rank - 1];
    const mean = nx.mean(x!, { axes, keepAxes: true });
    const centered = nx.subtract(x!, mean);
    const variance = nx.mean(nx.pow(centered, 2), { axes, keepAxes: true });
    return nx.add(
      nx.multiply(nx.multiply(centered, nx.rsqrt(nx.add(variance, c.epsilon))), p.gamma!),
      p.beta!,
    );
  },
});

/** Layer normalisation: each example normalised over its last axis, then scaled and shifted. */
export function layerNorm(x: Model, options: NormOptions = {}): Model {
  return LAYER_NORM.apply([nodeOf(x, "layer_norm")], options);
}
