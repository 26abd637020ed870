/**
 * Convolution and pooling over 1-D, 2-D (or 3-D) inputs with channels last: `[batch, width,
 * channels]`, `[batch, height, width, channels]`. Convolutions are `nx.conv` in its native
 * channels-last layout and pools are `nx.windowMax` / `nx.windowMean`, with the "same" padding of
 * Axon and Keras (output ceil(size / stride), the odd pad at the end) passed explicitly.
 */
import * as nx from "@dendrite/tensor";
import { resolveInitializer, type InitializerLike } from "../initializers.js";
import {
  addNode,
  describeValue,
  nodeOf,
  showShape,
  type Json,
  type LayerDef,
  type Model,
  type NameOption,
} from "../model.js";
import { initConfig, positiveInt, readInit, withActivation } from "./core.js";
import { builtin } from "./registry.js";

/** `"valid"`: no padding; `"same"`: zero padding so the output has ceil(size / stride) positions. */
export type Padding = "valid" | "same";

/** Window options shared by convolution and pooling. */
export interface WindowOptions extends NameOption {
  /** Window size per spatial axis (a number for all). */
  kernelSize?: number | readonly number[];
  /** Step per spatial axis (a number for all). */
  strides?: number | readonly number[];
  /** Default `"valid"`. */
  padding?: Padding;
  /** Spacing of the kernel taps per spatial axis (default 1). */
  dilation?: number | readonly number[];
}

/** Options of `conv`. */
export interface ConvOptions extends WindowOptions {
  /** An activation applied after the layer, as `dense`'s. */
  activation?: string;
  /** Default `"glorotUniform"`. */
  kernelInitializer?: InitializerLike;
  /** Default `"zeros"`. */
  biasInitializer?: InitializerLike;
  /** Default true. */
  useBias?: boolean;
}

type Window = { kernelSize: number[]; strides: number[]; padding: Padding; dilation: number[] };

function perAxis(op: string, option: string, v: number | readonly number[], n: number): number[] {
  const list = typeof v === "number" ? new Array<number>(n).fill(v) : [...v];
  if (list.length !== n)
    throw new RangeError(
      `${op}: ${option} needs ${n} values (one per spatial axis), got ${list.length}`,
    );
  list.forEach((x) => positiveInt(op, option, x));
  return list;
}

/** The window of an input of `rank` (batch and channel axes included). */
function windowFor(op: string, w: WindowConfig, rank: number): Window {
  if (rank < 3)
    throw new Error(
      `expected an input [batch, ...spatial, channels] of rank ≥ 3, got rank ${rank}`,
    );
  const n = rank - 2;
  return {
    kernelSize: perAxis(op, "kernelSize", w.kernelSize, n),
    strides: perAxis(op, "strides", w.strides, n),
    padding: w.padding,
    dilation: perAxis(op, "dilation", w.dilation, n),
  };
}

/** Low and high padding and the output size of each spatial axis. */
function geometry(
  shape: readonly number[],
  w: Window,
): { pads: [number, number][]; out: number[] } {
  const spatial = shape.slice(1, -1);
  const pads: [number, number][] = [];
  const out: number[] = [];
  spatial.forEach((size, i) => {
    const span = (w.kernelSize[i]! - 1) * w.dilation[i]! + 1;
    const s = w.strides[i]!;
    if (w.padding === "same") {
      const o = Math.ceil(size / s);
      const total = Math.max((o - 1) * s + span - size, 0);
      pads.push([Math.floor(total / 2), total - Math.floor(total / 2)]);
      out.push(o);
    } else {
      if (size < span)
        throw new Error(
          `spatial axis ${i + 1} of the input ${showShape(shape)} has ${size} positions, fewer than the window's ${span}`,
        );
      pads.push([0, 0]);
      out.push(Math.floor((size - span) / s) + 1);
    }
  });
  return { pads, out };
}

/** The channels-last layout of `nx.conv` for an input of `rank`: no transposes. */
function channelsLast(rank: number): nx.ConvOptions {
  const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 1);
  return {
    inputPermutation: [0, rank - 1, ...spatial],
    kernelPermutation: [rank - 1, rank - 2, ...spatial.map((d) => d - 1)],
    outputPermutation: [0, rank - 1, ...spatial],
  };
}

/** A window over the spatial axes of `x` as options of the `nx.window*` ops (batch and channels untouched). */
function poolWindow(x: nx.Tensor, w: Window): [number[], nx.WindowOptions] {
  const { pads } = geometry(x.shape, w);
  return [
    [1, ...w.kernelSize, 1],
    {
      strides: [1, ...w.strides, 1],
      padding: [[0, 0], ...pads, [0, 0]],
      windowDilations: [1, ...w.dilation, 1],
    },
  ];
}

type WindowConfig = {
  kernelSize: number | number[];
  strides: number | number[];
  padding: Padding;
  dilation: number | number[];
};

function windowDisplay(c: WindowConfig): [string, unknown][] {
  return [
    ["kernel_size", c.kernelSize],
    ["strides", c.strides],
    ["padding", c.padding],
    ["dilation", c.dilation],
  ];
}

function readWindow(op: string, o: WindowOptions, stridesDefault: number | number[]): WindowConfig {
  const check = (name: string, v: unknown): number | number[] => {
    if (typeof v === "number") return positiveInt(op, name, v);
    if (Array.isArray(v)) return v.map((x) => positiveInt(op, name, x));
    throw new TypeError(
      `${op}: ${name} must be a number or an array of numbers, got ${describeValue(v)}`,
    );
  };
  const padding = o.padding ?? "valid";
  if (padding !== "valid" && padding !== "same")
    throw new RangeError(`${op}: padding must be "valid" or "same", got ${describeValue(padding)}`);
  return {
    kernelSize: check("kernelSize", o.kernelSize ?? 1),
    strides: check("strides", o.strides ?? stridesDefault),
    padding,
    dilation: check("dilation", o.dilation ?? 1),
  };
}

// ---------------------------------------------------------------------------------------------
// conv

const convDef = builtin(
  "conv",
  (
    c: WindowConfig & {
      filters: number;
      useBias: boolean;
      kernelInitializer: Json;
      biasInitializer: Json;
    },
  ): LayerDef => {
    const kernelInit = readInit(c.kernelInitializer);
    const biasInit = readInit(c.biasInitializer);
    return {
      op: "conv",
      config: c,
      display: windowDisplay(c),
      params: ([x]) => {
        const w = windowFor("conv", c, x!.length);
        return {
          kernel: { shape: [...w.kernelSize, x!.at(-1)!, c.filters], initializer: kernelInit },
          ...(c.useBias ? { bias: { shape: [c.filters], initializer: biasInit } } : {}),
        };
      },
      forward: ([x], p) => {
        const w = windowFor("conv", c, x!.rank);
        const kernel = p.kernel!;
        if (kernel.rank !== x!.rank || kernel.shape.at(-2) !== x!.shape.at(-1))
          throw new Error(
            `expected an input with ${kernel.shape.at(-2)} channels on its last axis ` +
              `(kernel ${nx.formatType(kernel.shape, kernel.dtype)}), got shape ${showShape(x!.shape)}`,
          );
        const y = nx.conv(x!, kernel, {
          ...channelsLast(x!.rank),
          strides: w.strides,
          padding: geometry(x!.shape, w).pads,
          kernelDilation: w.dilation,
        });
        return c.useBias ? nx.add(y, p.bias!) : y;
      },
    };
  },
);

/**
 * A convolution over the spatial axes of a channels-last input (`[batch, width, channels]` for
 * 1-D, `[batch, height, width, channels]` for 2-D) with `filters` output channels. The kernel is
 * `[...kernelSize, channels, filters]`. Axon's defaults: kernelSize 1, strides 1, padding "valid".
 */
export function conv(x: Model, filters: number, options: ConvOptions = {}): Model {
  const node = nodeOf(x, "conv");
  positiveInt("conv", "filters", filters);
  const def = convDef({
    ...readWindow("conv", options, 1),
    filters,
    useBias: options.useBias ?? true,
    kernelInitializer: initConfig(
      resolveInitializer(options.kernelInitializer ?? "glorotUniform", "conv kernelInitializer"),
    ),
    biasInitializer: initConfig(
      resolveInitializer(options.biasInitializer ?? "zeros", "conv biasInitializer"),
    ),
  });
  return withActivation(addNode(def, [node], options.name), options.activation);
}

// ---------------------------------------------------------------------------------------------
// pooling

function poolDef(op: "max_pool" | "avg_pool") {
  return builtin(op, (c: WindowConfig): LayerDef => ({
    op,
    config: c,
    display: windowDisplay(c),
    forward: ([x]) => {
      const w = windowFor(op, c, x!.rank);
      const [window, options] = poolWindow(x!, w);
      return op === "max_pool"
        ? nx.windowMax(x!, window, options)
        : nx.windowMean(x!, window, options);
    },
  }));
}

const poolDefs = { max_pool: poolDef("max_pool"), avg_pool: poolDef("avg_pool") };

/** Options of the pooling layers; strides default to the kernel size (as Axon). */
export type PoolOptions = WindowOptions;

/** The largest value in each window (padding "same" pads with −∞). */
export function maxPool(x: Model, options: PoolOptions = {}): Model {
  const node = nodeOf(x, "max_pool");
  const ks = options.kernelSize ?? 1;
  return addNode(
    poolDefs.max_pool(readWindow("max_pool", options, typeof ks === "number" ? ks : [...ks])),
    [node],
    options.name,
  );
}

/** The mean of each window (padding "same" pads with zeros, counted in the mean, as Nx's window_mean). */
export function avgPool(x: Model, options: PoolOptions = {}): Model {
  const node = nodeOf(x, "avg_pool");
  const ks = options.kernelSize ?? 1;
  return addNode(
    poolDefs.avg_pool(readWindow("avg_pool", options, typeof ks === "number" ? ks : [...ks])),
    [node],
    options.name,
  );
}

function globalDef(op: "global_avg_pool" | "global_max_pool") {
  return builtin(op, (c: { keepAxes: boolean }): LayerDef => ({
    op,
    config: c,
    display: [["keep_axes", c.keepAxes]],
    forward: ([x]) => {
      if (x!.rank < 3)
        throw new Error(
          `expected an input [batch, ...spatial, channels] of rank ≥ 3, got shape ${showShape(x!.shape)}`,
        );
      const axes = x!.shape.slice(1, -1).map((_, i) => i + 1);
      return op === "global_avg_pool"
        ? nx.mean(x!, { axes, keepAxes: c.keepAxes })
        : nx.reduceMax(x!, { axes, keepAxes: c.keepAxes });
    },
  }));
}

const globalDefs = {
  global_avg_pool: globalDef("global_avg_pool"),
  global_max_pool: globalDef("global_max_pool"),
};

/** Options of the global pooling layers. */
export interface GlobalPoolOptions extends NameOption {
  /** Keep the spatial axes with size 1 (default false: the output is `[batch, channels]`). */
  keepAxes?: boolean;
}

/** The mean over all spatial axes. */
export function globalAvgPool(x: Model, options: GlobalPoolOptions = {}): Model {
  return addNode(
    globalDefs.global_avg_pool({ keepAxes: options.keepAxes ?? false }),
    [nodeOf(x, "global_avg_pool")],
    options.name,
  );
}

/** The maximum over all spatial axes. */
export function globalMaxPool(x: Model, options: GlobalPoolOptions = {}): Model {
  return addNode(
    globalDefs.global_max_pool({ keepAxes: options.keepAxes ?? false }),
    [nodeOf(x, "global_max_pool")],
    options.name,
  );
}
