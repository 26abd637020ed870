/**
 * Layers with several outputs (tuple nodes, `LayerDef.outputs` > 1) are seen by users through
 * `part` layers: each picks one output of its tuple parent, whose tensors it gets as its inputs.
 * The tuple node computes once; its parts cost nothing.
 */
import * as nx from "@dendrite/tensor";
import { addNode, outputCount, type LayerDef, type Model } from "../model.js";
import { defineBuiltinLayer } from "./define.js";
import { plain } from "./options.js";

const PART = defineBuiltinLayer({
  op: "part",
  options: {
    /** Which output of the parent (from 0). */
    index: plain(
      (x, where) => {
        if (typeof x !== "number" || !Number.isInteger(x) || x < 0)
          throw new RangeError(`${where} must be a non-negative integer, got ${nx.show(x)}`);
        return x;
      },
      { display: "index" },
    ),
  },
  forward: (o, inputs) => {
    if (o.index >= inputs.length)
      throw new RangeError(
        `index ${o.index} is out of range: the parent has ${inputs.length} output${inputs.length === 1 ? "" : "s"}`,
      );
    return inputs[o.index]!;
  },
});

/** The layer reading output `index` of its tuple parent. */
export function partLayer(index: number): LayerDef {
  return PART.fromOptions({ index });
}

/**
 * The outputs of the tuple model `tuple` as models, one `part` layer each, keyed by `keys` in
 * output order. When the tuple node has a name, its parts are named `${name}_${key}`.
 */
export function parts<const K extends string>(
  tuple: Model,
  keys: readonly K[],
): { readonly [k in K]: Model } {
  const node = tuple.node;
  if (outputCount(node) !== keys.length)
    throw new Error(
      `${node.def.op}: the layer has ${outputCount(node)} outputs, not ${keys.length} (${keys.join(", ")})`,
    );
  const out = {} as Record<K, Model>;
  keys.forEach((key, index) => {
    out[key] = addNode(
      partLayer(index),
      [node],
      node.name === undefined ? undefined : `${node.name}_${key}`,
    );
  });
  return Object.freeze(out);
}
