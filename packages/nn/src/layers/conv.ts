/**
 * Convolution over 1-D, 2-D (or 3-D) inputs with channels last: `[batch, width, channels]`,
 * `[batch, height, width, channels]`. It is `nx.conv` in its native channels-last layout, with the
 * "same" padding of Axon and Keras passed explicitly.
 */
import * as nx from "@dendrite/tensor";
import { nodeOf, type Model } from "../model.js";
import { withActivation } from "./activation.js";
import { defineBuiltinLayer, type OptionsIn } from "./define.js";
import { boolean, initializer, positiveInt } from "./options.js";
import { geometry, windowFor, windowOptions, type Window, type WindowOptions } from "./window.js";

export type { Padding, WindowOptions } from "./window.js";

/** The channels-last layout of `nx.conv` for an input of `rank`: no transposes. */
function channelsLast(rank: number): nx.ConvOptions {
  const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 1);
  return {
    inputPermutation: [0, rank - 1, ...spatial],
    kernelPermutation: [rank - 1, rank - 2, ...spatial.map((d) => d - 1)],
    outputPermutation: [0, rank - 1, ...spatial],
  };
}

const CONV = defineBuiltinLayer({
  op: "conv",
  options: {
    ...windowOptions("one"),
    /** The number of output channels. */
    filters: positiveInt(),
    /**
     * Groups of input channels convolved separately (default 1): each group's `filters / groups`
     * outputs see only its `channels / groups` inputs; as many groups as channels is a depthwise
     * convolution.
     */
    featureGroups: positiveInt({ default: 1, display: "feature_groups" }),
    /** Add a learned bias per filter (default true). */
    useBias: boolean({ default: true }),
    /** Default `"glorotUniform"`. */
    kernelInitializer: initializer("glorotUniform"),
    /** Default `"zeros"`. */
    biasInitializer: initializer("zeros"),
  },
  params: (o, [x]) => {
    const w = windowFor("conv", o, x!.length);
    const channels = x!.at(-1)!;
    if (channels % o.featureGroups !== 0 || o.filters % o.featureGroups !== 0)
      throw new Error(
        `featureGroups ${o.featureGroups} must divide the ${channels} input channels and the ${o.filters} filters`,
      );
    return {
      kernel: {
        shape: [...w.kernelSize, channels / o.featureGroups, o.filters],
        initializer: o.kernelInitializer,
      },
      ...(o.useBias ? { bias: { shape: [o.filters], initializer: o.biasInitializer } } : {}),
    };
  },
  forward: (o, [x], p) => {
    const w = windowFor("conv", o, x!.rank);
    const kernel = p.kernel!;
    if (kernel.rank !== x!.rank || kernel.shape.at(-2)! * o.featureGroups !== x!.shape.at(-1))
      throw new Error(
        `expected an input with ${kernel.shape.at(-2)! * o.featureGroups} channels on its last axis ` +
          `(kernel ${nx.formatType(kernel.shape, kernel.dtype)}), got shape ${nx.formatShape(x!.shape)}`,
      );
    const y = nx.conv(x!, kernel, {
      ...channelsLast(x!.rank),
      strides: w.strides,
      padding: geometry(x!.shape, w).pads,
      kernelDilation: w.dilation,
      featureGroupSize: o.featureGroups,
    });
    return o.useBias ? nx.add(y, p.bias!) : y;
  },
});

/** Options of `conv`. */
export interface ConvOptions
  extends WindowOptions, Omit<OptionsIn<typeof CONV.options>, "filters" | keyof WindowOptions> {
  /** An activation applied after the layer, as `dense`'s. */
  activation?: string;
}

/**
 * A convolution over the spatial axes of a channels-last input (`[batch, width, channels]` for
 * 1-D, `[batch, height, width, channels]` for 2-D) with `filters` output channels. The kernel is
 * `[...kernelSize, channels, filters]`. Axon's defaults: kernelSize 1, strides 1, padding "valid".
 */
export function conv(x: Model, filters: number, options: ConvOptions = {}): Model {
  const node = nodeOf(x, "conv");
  const { activation, ...rest } = options;
  return withActivation(CONV.apply([node], { ...rest, filters }), activation);
}

const CONV_TRANSPOSE = defineBuiltinLayer({
  op: "conv_transpose",
  options: {
    ...windowOptions("one"),
    /** The number of output channels. */
    filters: positiveInt(),
    /** Add a learned bias per filter (default true). */
    useBias: boolean({ default: true }),
    /** Default `"glorotUniform"`. */
    kernelInitializer: initializer("glorotUniform"),
    /** Default `"zeros"`. */
    biasInitializer: initializer("zeros"),
  },
  params: (o, [x]) => {
    const w = windowFor("conv_transpose", o, x!.length);
    return {
      kernel: { shape: [...w.kernelSize, x!.at(-1)!, o.filters], initializer: o.kernelInitializer },
      ...(o.useBias ? { bias: { shape: [o.filters], initializer: o.biasInitializer } } : {}),
    };
  },
  forward: (o, [x], p) => {
    const w = windowFor("conv_transpose", o, x!.rank);
    const kernel = p.kernel!;
    const spatial = Array.from({ length: x!.rank - 2 }, (_, i) => i);
    // Each input position scatters kernel · value to its place in the output, `strides` apart:
    // a convolution of the input dilated by `strides` with the kernel flipped, padded by the
    // window's span less the forward convolution's padding on each side.
    const outer = transposePadding(x!.shape, w);
    const y = nx.conv(x!, nx.reverse(kernel, { axes: spatial }), {
      ...channelsLast(x!.rank),
      inputDilation: w.strides,
      padding: outer,
      kernelDilation: w.dilation,
    });
    return o.useBias ? nx.add(y, p.bias!) : y;
  },
});

/**
 * The forward convolution's padding `[low, high]` per spatial axis for a transposed convolution
 * of `shape` (what ONNX's ConvTranspose calls `pads`): none for "valid"; for "same" (outputs
 * `strides` × inputs), the padding of a "same" convolution of that output size.
 */
export function transposeCrop(shape: readonly number[], w: Window): [number, number][] {
  return shape.slice(1, -1).map((_, i) => {
    if (w.padding !== "same") return [0, 0];
    const span = (w.kernelSize[i]! - 1) * w.dilation[i]! + 1;
    const total = Math.max(span - w.strides[i]!, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
}

function transposePadding(shape: readonly number[], w: Window): [number, number][] {
  return transposeCrop(shape, w).map(([lo, hi], i) => {
    const span = (w.kernelSize[i]! - 1) * w.dilation[i]! + 1;
    return [span - 1 - lo, span - 1 - hi];
  });
}

/** Options of `convTranspose`. */
export interface ConvTransposeOptions
  extends
    WindowOptions,
    Omit<OptionsIn<typeof CONV_TRANSPOSE.options>, "filters" | keyof WindowOptions> {
  /** An activation applied after the layer, as `dense`'s. */
  activation?: string;
}

/**
 * A transposed convolution (Keras' `Conv2DTranspose`, Axon's `conv_transpose`) of a channels-last
 * input to `filters` channels: outputs `strides` times as large ("same") or
 * `(n − 1)·strides + span` ("valid"). The kernel is `[...kernelSize, channels, filters]`.
 */
export function convTranspose(
  x: Model,
  filters: number,
  options: ConvTransposeOptions = {},
): Model {
  const node = nodeOf(x, "convTranspose");
  const { activation, ...rest } = options;
  return withActivation(CONV_TRANSPOSE.apply([node], { ...rest, filters }), activation);
}

/** Options of `depthwiseConv`. */
export interface DepthwiseConvOptions extends Omit<ConvOptions, "featureGroups"> {
  /** Output channels per input channel (default 1). */
  depthMultiplier?: number;
}

/**
 * A depthwise convolution (Keras' `DepthwiseConv2D`): each input channel convolved with its own
 * `depthMultiplier` kernels — a `conv` with as many feature groups as channels. The input's
 * channel count must be declared.
 */
export function depthwiseConv(x: Model, options: DepthwiseConvOptions = {}): Model {
  const node = nodeOf(x, "depthwiseConv");
  const channels = node.shape?.at(-1);
  if (typeof channels !== "number")
    throw new Error(
      `depthwiseConv: the input's channel count must be declared, got shape ${nx.formatShape(node.shape ?? [])}`,
    );
  const { depthMultiplier = 1, ...rest } = options;
  return conv(x, channels * depthMultiplier, { ...rest, featureGroups: channels });
}

/** Options of `separableConv`. */
export type SeparableConvOptions = DepthwiseConvOptions;

/**
 * A separable convolution (Keras' `SeparableConv2D`): a depthwise convolution, then a 1×1
 * convolution to `filters` channels (two layers; the activation after the second).
 */
export function separableConv(
  x: Model,
  filters: number,
  options: SeparableConvOptions = {},
): Model {
  const { activation, name, useBias, kernelInitializer, biasInitializer, ...window } = options;
  const depthwise = depthwiseConv(x, { ...window, useBias: false, kernelInitializer });
  return conv(depthwise, filters, {
    activation,
    name,
    useBias,
    kernelInitializer,
    biasInitializer,
  });
}
