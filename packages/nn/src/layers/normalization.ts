/**
 * Normalisation layers: batch normalisation (with running statistics as layer state), layer, RMS,
 * group and instance normalisation. Features are on the last axis (channels last).
 */
import * as nx from "@dendrite/tensor";
import { initializerFromConfig } from "../initializers.js";
import { nodeOf, type Model, type NameOption } from "../model.js";
import { defineBuiltinLayer, type OptionsIn } from "./define.js";
import { initializer, number, positiveInt } from "./options.js";

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

/** (x − mean) / √(variance + ε) over `axes`, the statistics kept as size-1 axes. */
function standardize(x: nx.Tensor, axes: number[], epsilon: number): nx.Tensor {
  const mean = nx.mean(x, { axes, keepAxes: true });
  const centered = nx.subtract(x, mean);
  const variance = nx.mean(nx.multiply(centered, centered), { axes, keepAxes: true });
  return nx.multiply(centered, nx.rsqrt(nx.add(variance, epsilon)));
}

const RMS_NORM = defineBuiltinLayer({
  op: "rms_norm",
  options: {
    /** Added to the mean square before the square root (default 1e-6, as Axon). */
    epsilon: number("≥ 0", (v) => v >= 0, { default: 1e-6, display: "epsilon" }),
    /** Scale initializer (default `"ones"`). */
    gammaInitializer: initializer("ones"),
  },
  params: (o, [x]) => {
    if (x!.length < 1) throw new Error("expected an input of rank ≥ 1, got a scalar");
    return { gamma: { shape: [x!.at(-1)!], initializer: o.gammaInitializer } };
  },
  forward: (c, [x], p) => {
    const meanSquare = nx.mean(nx.multiply(x!, x!), { axes: [x!.rank - 1], keepAxes: true });
    return nx.multiply(nx.multiply(x!, nx.rsqrt(nx.add(meanSquare, c.epsilon))), p.gamma!);
  },
});

/** Options of `rmsNorm`. */
export interface RmsNormOptions extends OptionsIn<typeof RMS_NORM.options>, NameOption {}

/**
 * RMS normalisation (Axon's `rms_norm`, T5 and Llama's): each example divided by the root mean
 * square of its last axis, `x / √(mean(x²) + ε)`, then scaled by a learned `gamma`.
 */
export function rmsNorm(x: Model, options: RmsNormOptions = {}): Model {
  return RMS_NORM.apply([nodeOf(x, "rms_norm")], options);
}

/** Learned per-channel `gamma` and `beta` for a channels-last input of rank ≥ 3. */
function channelParams(
  o: { gammaInitializer: unknown; betaInitializer: unknown },
  x: readonly number[],
  rankNeeded: number,
) {
  if (x.length < rankNeeded)
    throw new Error(
      `expected an input [batch, ...spatial, channels] of rank ≥ ${rankNeeded}, got rank ${x.length}`,
    );
  const f = [x.at(-1)!];
  return {
    gamma: { shape: f, initializer: o.gammaInitializer as never },
    beta: { shape: f, initializer: o.betaInitializer as never },
  };
}

const GROUP_NORM = defineBuiltinLayer({
  op: "group_norm",
  options: {
    /** How many groups the channels are split into (it must divide the channel count). */
    numGroups: positiveInt({ display: "num_groups" }),
    ...NORM_OPTIONS,
  },
  params: (o, [x]) => {
    const channels = x!.at(-1)!;
    if (channels % o.numGroups !== 0)
      throw new Error(`${channels} channels cannot be split into ${o.numGroups} groups`);
    return channelParams(o, x!, 2);
  },
  forward: (c, [x], p) => {
    const shape = x!.shape;
    const channels = shape.at(-1)!;
    // [batch, positions, groups, channels per group]: statistics over positions and the group.
    const grouped = nx.reshape(x!, [shape[0]!, -1, c.numGroups, channels / c.numGroups]);
    const y = nx.reshape(standardize(grouped, [1, 3], c.epsilon), shape);
    return nx.add(nx.multiply(y, p.gamma!), p.beta!);
  },
});

/** Options of `groupNorm`. */
export interface GroupNormOptions
  extends Omit<OptionsIn<typeof GROUP_NORM.options>, "numGroups">, NameOption {}

/**
 * Group normalisation (Axon's `group_norm`): the channels (last axis) split into `numGroups`
 * groups, each example normalised over its positions and the channels of a group, then scaled and
 * shifted per channel by learned `gamma` and `beta`.
 */
export function groupNorm(x: Model, numGroups: number, options: GroupNormOptions = {}): Model {
  return GROUP_NORM.apply([nodeOf(x, "group_norm")], { ...options, numGroups });
}

const INSTANCE_NORM = defineBuiltinLayer({
  op: "instance_norm",
  options: NORM_OPTIONS,
  params: (o, [x]) => channelParams(o, x!, 3),
  forward: (c, [x], p) => {
    const spatial = x!.shape.slice(1, -1).map((_, i) => i + 1);
    return nx.add(nx.multiply(standardize(x!, spatial, c.epsilon), p.gamma!), p.beta!);
  },
});

/**
 * Instance normalisation (Axon's `instance_norm`): each example's channels normalised over the
 * spatial axes of a channels-last input, then scaled and shifted per channel.
 */
export function instanceNorm(x: Model, options: NormOptions = {}): Model {
  return INSTANCE_NORM.apply([nodeOf(x, "instance_norm")], options);
}
