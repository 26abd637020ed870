/**
 * Multi-head attention (Keras' `MultiHeadAttention`, Axon's attention blocks): queries from one
 * sequence attend over the keys and values of another (or the same), in `numHeads` heads of
 * `keyDim` features, with an optional causal mask and a key padding mask.
 */
import * as nx from "@dendrite/tensor";
import { softmax } from "../activations.js";
import { initializerFromConfig } from "../initializers.js";
import { nodeOf, type Model, type NameOption } from "../model.js";
import { defineBuiltinLayer, type OptionsIn } from "./define.js";
import { boolean, initializer, positiveInt } from "./options.js";

/** `[batch, time, heads·size]` → `[batch, heads, time, size]`. */
function splitHeads(x: nx.Tensor, heads: number): nx.Tensor {
  const [b, t, f] = x.shape as [number, number, number];
  return nx.transpose(nx.reshape(x, [b, t, heads, f / heads]), [0, 2, 1, 3]);
}

const ZEROS = initializerFromConfig({ name: "zeros" });

const ATTENTION = defineBuiltinLayer({
  op: "multi_head_attention",
  options: {
    /** How many heads attend in parallel. */
    numHeads: positiveInt({ display: "num_heads" }),
    /** Features of each head's queries and keys. */
    keyDim: positiveInt({ display: "key_dim" }),
    /** Each query attends only to keys at its position or earlier (default false). */
    causal: boolean({ default: false, display: "causal" }),
    /** Biases on the projections (default true). */
    useBias: boolean({ default: true }),
    /** Default `"glorotUniform"`. */
    kernelInitializer: initializer("glorotUniform"),
  },
  params: (o, shapes) => {
    const [q, kv = q] = shapes as [number[], number[]?];
    if (q!.length !== 3 || kv!.length !== 3)
      throw new Error(
        `expected sequences [batch, time, features], got ${shapes.map((s) => nx.formatShape(s)).join(" and ")}`,
      );
    const inner = o.numHeads * o.keyDim;
    const kernel = (rows: number, cols: number) => ({
      shape: [rows, cols],
      initializer: o.kernelInitializer,
    });
    const bias = (n: number) => ({ shape: [n], initializer: ZEROS });
    return {
      query_kernel: kernel(q![2]!, inner),
      key_kernel: kernel(kv![2]!, inner),
      value_kernel: kernel(kv![2]!, inner),
      output_kernel: kernel(inner, q![2]!),
      ...(o.useBias
        ? {
            query_bias: bias(inner),
            key_bias: bias(inner),
            value_bias: bias(inner),
            output_bias: bias(q![2]!),
          }
        : {}),
    };
  },
  forward: (o, inputs, p) => {
    const [query, source = query, mask] = inputs as [nx.Tensor, nx.Tensor?, nx.Tensor?];
    const project = (x: nx.Tensor, w: string) => {
      const y = nx.dot(x, p[`${w}_kernel`]!);
      return o.useBias ? nx.add(y, p[`${w}_bias`]!) : y;
    };
    const q = splitHeads(project(query, "query"), o.numHeads);
    const k = splitHeads(project(source!, "key"), o.numHeads);
    const v = splitHeads(project(source!, "value"), o.numHeads);
    let scores = nx.multiply(nx.matmul(q, nx.matrixTranspose(k)), 1 / Math.sqrt(o.keyDim));
    const [tq, tk] = [query.shape[1]!, source!.shape[1]!];
    // A masked score is −1e9 (not −∞): a row with every key masked stays finite (uniform).
    if (o.causal) {
      const allowed = nx.greaterEqual(nx.iota([tq, 1]), nx.iota([1, tk], { axis: 1 }));
      scores = nx.select(allowed, scores, -1e9);
    }
    if (mask !== undefined) {
      const keep = nx.reshape(nx.notEqual(mask, 0), [mask.shape[0]!, 1, 1, tk]);
      scores = nx.select(keep, scores, -1e9);
    }
    const weights = softmax(scores, { axis: 3 });
    const heads = nx.matmul(weights, v); // [batch, heads, tq, keyDim]
    const [b] = query.shape as [number];
    const joined = nx.reshape(nx.transpose(heads, [0, 2, 1, 3]), [b, tq, o.numHeads * o.keyDim]);
    return project(joined, "output");
  },
});

/** Options of `multiHeadAttention`. */
export interface MultiHeadAttentionOptions
  extends Omit<OptionsIn<typeof ATTENTION.options>, "numHeads" | "keyDim">, NameOption {
  /** The sequence attended over (default: the query itself — self-attention). */
  source?: Model;
  /** `[batch, sourceTime]`: 0 marks keys no query may attend to (padding). */
  mask?: Model;
}

/**
 * Multi-head attention over sequences `[batch, time, features]`: queries from `x`, keys and values
 * from `source` (default `x`: self-attention), `numHeads` heads of `keyDim` features, scaled
 * dot-product weights (softmax over the keys), the heads joined and projected back to `x`'s
 * features. `causal` masks later positions; `mask` marks padding keys with 0.
 *
 * @example
 * const y = nn.input("tokens", [null, 16, 32]).multiHeadAttention(4, 8, { causal: true });
 */
export function multiHeadAttention(
  x: Model,
  numHeads: number,
  keyDim: number,
  options: MultiHeadAttentionOptions = {},
): Model {
  const { source, mask, ...rest } = options;
  const parents = [nodeOf(x, "multiHeadAttention")];
  if (source !== undefined || mask !== undefined)
    parents.push(nodeOf(source ?? x, "multiHeadAttention: source"));
  if (mask !== undefined) parents.push(nodeOf(mask, "multiHeadAttention: mask"));
  return ATTENTION.apply(parents, { ...rest, numHeads, keyDim });
}
