/**
 * Pooling over the spatial axes of channels-last inputs: `maxPool` and `avgPool` (`nx.windowMax`,
 * `nx.windowMean`; strides default to the window, as Axon), the adaptive pools and the global pools.
 */
import * as nx from "@dendrite/tensor";
import { nodeOf, type Model, type NameOption } from "../model.js";
import { defineBuiltinLayer, type OptionsIn } from "./define.js";
import { boolean, sizes } from "./options.js";
import {
  adaptiveWindows,
  poolWindow,
  windowFor,
  windowOptions,
  type WindowOptions,
} from "./window.js";

function definePool(op: "max_pool" | "avg_pool") {
  return defineBuiltinLayer({
    op,
    options: windowOptions("kernelSize"),
    forward: (o, [x]) => {
      const w = windowFor(op, o, x!.rank);
      const [window, options] = poolWindow(x!, w);
      return op === "max_pool"
        ? nx.windowMax(x!, window, options)
        : nx.windowMean(x!, window, options);
    },
  });
}

const POOLS = { max_pool: definePool("max_pool"), avg_pool: definePool("avg_pool") };

/** Options of the pooling layers; strides default to the kernel size (as Axon). */
export type PoolOptions = WindowOptions;

/** The largest value in each window (padding "same" pads with −∞). */
export function maxPool(x: Model, options: PoolOptions = {}): Model {
  return POOLS.max_pool.apply([nodeOf(x, "max_pool")], options);
}

/** The mean of each window (padding "same" pads with zeros, counted in the mean, as Nx's window_mean). */
export function avgPool(x: Model, options: PoolOptions = {}): Model {
  return POOLS.avg_pool.apply([nodeOf(x, "avg_pool")], options);
}

const GLOBAL_OPTIONS = {
  /** Keep the spatial axes with size 1 (default false: the output is `[batch, channels]`). */
  keepAxes: boolean({ default: false, display: "keep_axes" }),
};

function defineGlobalPool(op: "global_avg_pool" | "global_max_pool") {
  return defineBuiltinLayer({
    op,
    options: GLOBAL_OPTIONS,
    forward: (o, [x]) => {
      if (x!.rank < 3)
        throw new Error(
          `expected an input [batch, ...spatial, channels] of rank ≥ 3, got shape ${nx.formatShape(x!.shape)}`,
        );
      const axes = x!.shape.slice(1, -1).map((_, i) => i + 1);
      return op === "global_avg_pool"
        ? nx.mean(x!, { axes, keepAxes: o.keepAxes })
        : nx.reduceMax(x!, { axes, keepAxes: o.keepAxes });
    },
  });
}

const GLOBAL_POOLS = {
  global_avg_pool: defineGlobalPool("global_avg_pool"),
  global_max_pool: defineGlobalPool("global_max_pool"),
};

/** Options of the global pooling layers. */
export interface GlobalPoolOptions extends OptionsIn<typeof GLOBAL_OPTIONS>, NameOption {}

/** The mean over all spatial axes. */
export function globalAvgPool(x: Model, options: GlobalPoolOptions = {}): Model {
  return GLOBAL_POOLS.global_avg_pool.apply([nodeOf(x, "global_avg_pool")], options);
}

/** The maximum over all spatial axes. */
export function globalMaxPool(x: Model, options: GlobalPoolOptions = {}): Model {
  return GLOBAL_POOLS.global_max_pool.apply([nodeOf(x, "global_max_pool")], options);
}

const ADAPTIVE_OPTIONS = {
  /** The output size of every spatial axis, or one for all. */
  outputSize: sizes({ display: "output_size" }),
};

function defineAdaptivePool(op: "adaptive_avg_pool" | "adaptive_max_pool") {
  return defineBuiltinLayer({
    op,
    options: ADAPTIVE_OPTIONS,
    forward: (o, [x]) => {
      const spatial = x!.rank - 2;
      if (spatial < 1)
        throw new Error(
          `expected an input [batch, ...spatial, channels] of rank ≥ 3, got shape ${nx.formatShape(x!.shape)}`,
        );
      const out =
        typeof o.outputSize === "number" ? Array(spatial).fill(o.outputSize) : o.outputSize;
      if (out.length !== spatial)
        throw new Error(
          `outputSize has ${out.length} sizes for the ${spatial} spatial axes of shape ${nx.formatShape(x!.shape)}`,
        );
      const pool = op === "adaptive_avg_pool" ? nx.mean : nx.reduceMax;
      // A rectangle's mean (or maximum) is the mean of the means along each axis, so axes go one at a time.
      return out.reduce((y: nx.Tensor, m: number, i: number) => {
        const axis = i + 1;
        const n = y.shape[axis]!;
        if (n === 0)
          throw new Error(`cannot pool an empty axis of shape ${nx.formatShape(x!.shape)}`);
        const parts = adaptiveWindows(n, m).map(([start, end]) =>
          pool(nx.sliceAlong(y, start, end - start, { axis }), { axes: [axis], keepAxes: true }),
        );
        return nx.concatenate(parts, { axis });
      }, x!);
    },
  });
}

const ADAPTIVE_POOLS = {
  adaptive_avg_pool: defineAdaptivePool("adaptive_avg_pool"),
  adaptive_max_pool: defineAdaptivePool("adaptive_max_pool"),
};

/**
 * The mean over windows chosen so that the spatial axes come out with `outputSize` (one size for
 * all spatial axes, or one each), whatever the input size (PyTorch's `AdaptiveAvgPool2d`, Axon's
 * `adaptive_avg_pool`): output `i` of an axis of size `n` averages `[⌊i·n/m⌋, ⌈(i+1)·n/m⌉)`.
 */
export function adaptiveAvgPool(
  x: Model,
  outputSize: number | readonly number[],
  options: NameOption = {},
): Model {
  return ADAPTIVE_POOLS.adaptive_avg_pool.apply([nodeOf(x, "adaptiveAvgPool")], {
    ...options,
    outputSize,
  });
}

/** As `adaptiveAvgPool`, with the maximum of each window (PyTorch's `AdaptiveMaxPool2d`). */
export function adaptiveMaxPool(
  x: Model,
  outputSize: number | readonly number[],
  options: NameOption = {},
): Model {
  return ADAPTIVE_POOLS.adaptive_max_pool.apply([nodeOf(x, "adaptiveMaxPool")], {
    ...options,
    outputSize,
  });
}
