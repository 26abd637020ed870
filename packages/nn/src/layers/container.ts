/** Containers: several outputs as one model (Axon's container). */
import * as nx from "@dendrite/tensor";
import { Model, isNode, type OutputTree } from "../model.js";

/** A tree of models: arrays and plain objects whose leaves are models. */
export type ModelTree = Model | readonly ModelTree[] | { readonly [k: string]: ModelTree };

/** The prediction type of a tree of models. */
export type PredictionOf<T> =
  T extends Model<infer O> ? O : { -readonly [K in keyof T]: PredictionOf<T[K]> };

/**
 * Several outputs as one model: `nn.container({ price: a, kind: b })` predicts `{ price, kind }`
 * (Axon's container).
 */
export function container<T extends ModelTree>(outputs: T): Model<PredictionOf<T>> {
  const walk = (t: ModelTree): OutputTree => {
    if (t instanceof Model) return t.output;
    if (Array.isArray(t)) return t.map(walk);
    if (typeof t === "object" && t !== null)
      return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, walk(v)]));
    throw new TypeError(
      `container: expected models, arrays or objects of models, got ${nx.describeValue(t)}`,
    );
  };
  const out = walk(outputs);
  if (isNode(out)) return new Model(out) as Model<PredictionOf<T>>;
  return new Model(out) as Model<PredictionOf<T>>;
}
