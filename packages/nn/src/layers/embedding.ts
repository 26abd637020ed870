/** The embedding layer: integer ids → learned vectors. */
import * as nx from "@dendrite/tensor";
import { uniform } from "../initializers.js";
import { nodeOf, type Model, type NameOption } from "../model.js";
import { defineBuiltinLayer, type OptionsIn } from "./define.js";
import { initializer, positiveInt } from "./options.js";

const EMBEDDING = defineBuiltinLayer({
  op: "embedding",
  options: {
    /** How many ids there are (the kernel's first axis). */
    vocabSize: positiveInt(),
    /** The length of each vector (the kernel's last axis). */
    embeddingSize: positiveInt(),
    /** Default `uniform` on ±0.01 (Axon's default). */
    kernelInitializer: initializer(uniform()),
  },
  params: (o) => ({
    kernel: { shape: [o.vocabSize, o.embeddingSize], initializer: o.kernelInitializer },
  }),
  forward: (_o, [x], p) => nx.take(p.kernel!, nx.asType(x!, "s32"), { axis: 0 }),
});

/** Options of `embedding`. */
export interface EmbeddingOptions
  extends Omit<OptionsIn<typeof EMBEDDING.options>, "vocabSize" | "embeddingSize">, NameOption {}

/**
 * A lookup table: integer ids `[...]` → vectors `[..., embeddingSize]` from a learned
 * `[vocabSize, embeddingSize]` kernel.
 */
export function embedding(
  x: Model,
  vocabSize: number,
  embeddingSize: number,
  options: EmbeddingOptions = {},
): Model {
  const node = nodeOf(x, "embedding");
  return EMBEDDING.apply([node], { ...options, vocabSize, embeddingSize });
}
