/** Shape layers: `flatten`, `reshape` and `upsample`, which keep the batch axis. */
import * as nx from "@dendrite/tensor";
import { nodeOf, type Model, type NameOption } from "../model.js";
import { defineBuiltinLayer } from "./define.js";
import { plain, sizes } from "./options.js";

const FLATTEN = defineBuiltinLayer({
  op: "flatten",
  options: {},
  forward: (_o, [x]) => {
    if (x!.rank < 1) throw new Error("expected an input with a batch axis, got a scalar");
    return nx.reshape(x!, [x!.shape[0]!, x!.size / Math.max(1, x!.shape[0]!)]);
  },
});

/** Flattens every axis but the batch axis: `[n, a, b]` → `[n, a·b]`. */
export function flatten(x: Model, options: NameOption = {}): Model {
  return FLATTEN.apply([nodeOf(x, "flatten")], options);
}

/** Positive sizes without the batch axis, one of which may be −1 (inferred). */
const targetShape = plain<number[]>(
  (x, where) => {
    if (
      !Array.isArray(x) ||
      !x.every((d) => Number.isInteger(d) && ((d as number) >= 1 || d === -1)) ||
      x.filter((d) => d === -1).length > 1
    )
      throw new TypeError(
        `${where} must list positive sizes (one may be -1), without the batch axis; got ${nx.show(x)}`,
      );
    return [...(x as number[])];
  },
  { display: "shape" },
);

const RESHAPE = defineBuiltinLayer({
  op: "reshape",
  options: { shape: targetShape },
  forward: (o, [x]) => {
    const rest = x!.shape.slice(1).reduce((a, b) => a * b, 1);
    const known = o.shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const ok = o.shape.includes(-1) ? known > 0 && rest % known === 0 : known === rest;
    if (!ok)
      throw new Error(
        `cannot reshape an input of shape ${nx.formatShape(x!.shape)} to [batch, ${o.shape.join(", ")}]`,
      );
    return nx.reshape(x!, [x!.shape[0]!, ...o.shape]);
  },
});

/** Reshapes every axis but the batch axis: `reshape(x, [4, -1])` (one `-1` is inferred). */
export function reshape(x: Model, shape: readonly number[], options: NameOption = {}): Model {
  return RESHAPE.apply([nodeOf(x, "reshape")], { ...options, shape: shape as number[] });
}

/** The factor of each spatial axis of an input of `rank` (batch and channels excluded). */
export function upsampleFactors(size: number | readonly number[], rank: number): number[] {
  const n = rank - 2;
  const list = typeof size === "number" ? new Array<number>(n).fill(size) : [...size];
  if (n < 1 || list.length !== n)
    throw new Error(
      n < 1
        ? `expected an input [batch, ...spatial, channels], got rank ${rank}`
        : `expected ${n} factor${n === 1 ? "" : "s"} (one per spatial axis), got [${list.join(", ")}] for rank ${rank}`,
    );
  return list;
}

const UPSAMPLE = defineBuiltinLayer({
  op: "upsample",
  options: {
    /** How many times each spatial axis grows: one factor, or one per axis (default 2). */
    size: sizes({ default: 2, display: "size" }),
  },
  forward: (o, [x]) => {
    const factors = upsampleFactors(o.size, x!.rank);
    // Each position repeated `factor` times along its axis: a size-1 axis after each spatial
    // axis, broadcast to the factor, then merged.
    const [batch, ...rest] = x!.shape as number[];
    const spatial = rest.slice(0, -1);
    const channels = rest.at(-1)!;
    const spread = spatial.flatMap((d) => [d, 1]);
    const grown = spatial.flatMap((d, i) => [d, factors[i]!]);
    const y = nx.broadcast(nx.reshape(x!, [batch!, ...spread, channels]), [
      batch!,
      ...grown,
      channels,
    ]);
    return nx.reshape(y, [batch!, ...spatial.map((d, i) => d * factors[i]!), channels]);
  },
});

/**
 * Nearest-neighbour upsampling of a channels-last input (Keras' `UpSampling2D`, Axon's `resize`
 * with `:nearest`): each spatial position repeated `size` times along each spatial axis.
 */
export function upsample(
  x: Model,
  options: { size?: number | readonly number[] } & NameOption = {},
): Model {
  return UPSAMPLE.apply([nodeOf(x, "upsample")], options);
}
