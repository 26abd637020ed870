/**
 * Dropout layers: `dropout`, `spatialDropout` (whole channels) and `alphaDropout` (for SELU
 * networks). Active only in train mode; their random key is layer state, so seeded runs repeat.
 */
import * as nx from "@dendrite/tensor";
import type { Initializer } from "../initializers.js";
import { nodeOf, type Model, type NameOption } from "../model.js";
import { defineBuiltinLayer, type OptionsIn } from "./define.js";
import { number } from "./options.js";

type DropoutKind = "dropout" | "spatial_dropout" | "alpha_dropout";

/** SELU's saturation value −λα, where alpha dropout sends dropped units. */
const ALPHA_PRIME = -1.7580993408473766;

/** The dropout key initializer: the layer's own key from the build seed. */
const keyInitializer: Initializer = Object.assign((key: nx.Tensor) => key, {
  config: Object.freeze({ name: "randomKey" }),
});

const OPTIONS = {
  /** Probability of dropping an element (default 0.5). */
  rate: number("in [0, 1)", (r) => r >= 0 && r < 1, { default: 0.5, display: "rate" }),
};

function defineDropout(kind: DropoutKind) {
  return defineBuiltinLayer({
    op: kind,
    options: OPTIONS,
    params: () => ({
      key: { shape: [2], dtype: "u32", kind: "state", initializer: keyInitializer },
    }),
    forward: (o, [x], _p, ctx) => {
      if (ctx.mode !== "train" || o.rate === 0) return x!;
      const [use, next] = nx.random.split(ctx.state.key!);
      const keep = 1 - o.rate;
      const noiseShape =
        kind === "spatial_dropout"
          ? x!.shape.map((n, i) => (i === 0 || i === x!.rank - 1 ? n : 1))
          : x!.shape;
      const mask = nx.less(nx.random.uniform(use!, noiseShape, { dtype: "f32" }), keep);
      let y: nx.Tensor;
      if (kind === "alpha_dropout") {
        const a = 1 / Math.sqrt(keep + ALPHA_PRIME * ALPHA_PRIME * keep * o.rate);
        const b = -a * ALPHA_PRIME * o.rate;
        y = nx.add(nx.multiply(nx.select(mask, x!, ALPHA_PRIME), a), b);
      } else {
        y = nx.select(mask, nx.divide(x!, keep), 0);
      }
      return { output: nx.asType(y, x!.dtype), state: { key: next! } };
    },
  });
}

const LAYERS = {
  dropout: defineDropout("dropout"),
  spatial_dropout: defineDropout("spatial_dropout"),
  alpha_dropout: defineDropout("alpha_dropout"),
};

/** Options of the dropout layers. */
export interface DropoutOptions extends OptionsIn<typeof OPTIONS>, NameOption {}

/**
 * Zeroes each element with probability `rate` in train mode and scales the rest by 1/(1 − rate);
 * the identity in inference. Its random key is layer state, so a seeded run is reproducible.
 */
export function dropout(x: Model, options: DropoutOptions = {}): Model {
  return LAYERS.dropout.apply([nodeOf(x, "dropout")], options);
}

/** Dropout of whole channels (one draw per example and channel, shared over the spatial axes). */
export function spatialDropout(x: Model, options: DropoutOptions = {}): Model {
  return LAYERS.spatial_dropout.apply([nodeOf(x, "spatial_dropout")], options);
}

/** Dropout for SELU networks: keeps mean and variance by sending dropped units to −λα and rescaling. */
export function alphaDropout(x: Model, options: DropoutOptions = {}): Model {
  return LAYERS.alpha_dropout.apply([nodeOf(x, "alpha_dropout")], options);
}
