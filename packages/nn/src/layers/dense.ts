/** The fully connected layer: `x.dense(32, { activation: "relu" })`. */
import * as nx from "@dendrite/tensor";
import type { ActivationName } from "../activations.js";
import { nodeOf, type Model, type NameOption } from "../model.js";
import { withActivation } from "./activation.js";
import { defineBuiltinLayer, type OptionsIn } from "./define.js";
import { boolean, initializer, positiveInt } from "./options.js";

/** Checks that the last axis of `x` matches what a kernel expects. */
export function checkFeatures(x: nx.Tensor, kernel: nx.Tensor, axisOfKernel: number): void {
  const want = kernel.shape[axisOfKernel]!;
  if (x.shape.at(-1) !== want) {
    throw new Error(
      `expected an input whose last axis is ${want} (kernel ${nx.formatType(kernel.shape, kernel.dtype)}), ` +
        `got shape ${nx.formatShape(x.shape)}`,
    );
  }
}

const DENSE = defineBuiltinLayer({
  op: "dense",
  options: {
    /** The number of outputs (the kernel's last axis). */
    units: positiveInt(),
    /** Add a learned bias (default true). */
    useBias: boolean({ default: true }),
    /** Default `"glorotUniform"`. */
    kernelInitializer: initializer("glorotUniform"),
    /** Default `"zeros"`. */
    biasInitializer: initializer("zeros"),
  },
  params: (o, [x]) => {
    if (x!.length < 1) throw new Error(`expected an input of rank ≥ 1, got a scalar`);
    return {
      kernel: { shape: [x!.at(-1)!, o.units], initializer: o.kernelInitializer },
      ...(o.useBias ? { bias: { shape: [o.units], initializer: o.biasInitializer } } : {}),
    };
  },
  forward: (o, [x], p) => {
    checkFeatures(x!, p.kernel!, 0);
    const y = nx.dot(x!, p.kernel!);
    return o.useBias ? nx.add(y, p.bias!) : y;
  },
});

/** Options of `dense`. */
export interface DenseOptions extends Omit<OptionsIn<typeof DENSE.options>, "units">, NameOption {
  /** An activation applied after the layer (a separate `relu_0`-style node, as Axon). */
  activation?: ActivationName | string;
}

/**
 * A fully connected layer: `x · kernel + bias`, kernel `[features, units]`, over the last axis.
 * With `activation`, an activation layer follows (named `relu_0` etc., as Axon does).
 */
export function dense(x: Model, units: number, options: DenseOptions = {}): Model {
  const node = nodeOf(x, "dense");
  const { activation, ...rest } = options;
  return withActivation(DENSE.apply([node], { ...rest, units }), activation);
}
