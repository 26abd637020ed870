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
import { geometry, windowFor, windowOptions, type WindowOptions } from "./window.js";

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
    /** Add a learned bias per filter (default true). */
    useBias: boolean({ default: true }),
    /** Default `"glorotUniform"`. */
    kernelInitializer: initializer("glorotUniform"),
    /** Default `"zeros"`. */
    biasInitializer: initializer("zeros"),
  },
  params: (o, [x]) => {
    const w = windowFor("conv", o, x!.length);
    return {
      kernel: { shape: [...w.kernelSize, x!.at(-1)!, o.filters], initializer: o.kernelInitializer },
      ...(o.useBias ? { bias: { shape: [o.filters], initializer: o.biasInitializer } } : {}),
    };
  },
  forward: (o, [x], p) => {
    const w = windowFor("conv", o, x!.rank);
    const kernel = p.kernel!;
    if (kernel.rank !== x!.rank || kernel.shape.at(-2) !== x!.shape.at(-1))
      throw new Error(
        `expected an input with ${kernel.shape.at(-2)} channels on its last axis ` +
          `(kernel ${nx.formatType(kernel.shape, kernel.dtype)}), got shape ${nx.formatShape(x!.shape)}`,
      );
    const y = nx.conv(x!, kernel, {
      ...channelsLast(x!.rank),
      strides: w.strides,
      padding: geometry(x!.shape, w).pads,
      kernelDilation: w.dilation,
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
