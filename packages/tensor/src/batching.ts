/**
 * Batching rules (JAX's vmap rules): how to apply a primitive to values that carry an extra
 * leading batch axis, given the params it was applied with to one example. Elementwise
 * primitives, reductions, shape primitives, scans and the matrix product have rules; every other
 * primitive falls back to applying itself per example and stacking the results, which is correct
 * for all of them (control flow included).
 */
import { bind } from "./core.js";
import type { Node } from "./graph.js";
import type { AnyPrimitive } from "./primitive.js";
import { Tensor } from "./tensor.js";
import { zeros } from "./ops/creation.js";
import { broadcastTo, reshape, slice, stack } from "./ops/shape.js";

/** A value while batching: `batched` values have the batch as their leading axis. */
export interface Batched {
  readonly t: Tensor;
  readonly batched: boolean;
}

/** A rule: the batched result of `node`'s primitive on `args` (some batched) for batch size `size`. */
type Rule = (node: Node, args: readonly Batched[], size: number) => Tensor;

const shifted = (axes: readonly number[]) => axes.map((a) => a + 1);

/** `v` with a leading batch axis of `size` (an unbatched value is broadcast along it). */
export function materialize(v: Batched, size: number): Tensor {
  if (v.batched) return v.t;
  return broadcastTo(reshape(v.t, [1, ...v.t.shape]), [size, ...v.t.shape]);
}

const bindWith = (node: Node, inputs: readonly Tensor[], params: unknown): Tensor =>
  bind(node.prim as AnyPrimitive, inputs, params);

/** Materializes every input and shifts the axes named in `params[key]` (a number or a list). */
const onAxes =
  (key: string): Rule =>
  (node, args, size) => {
    const v = (node.params as Record<string, unknown>)[key];
    const moved = typeof v === "number" ? v + 1 : shifted(v as number[]);
    return bindWith(
      node,
      args.map((a) => materialize(a, size)),
      { ...node.params, [key]: moved },
    );
  };

/** Materializes every input and prepends `lead` to the per-axis lists named in `keys`. */
const withLeading =
  (lead: (size: number) => Record<string, unknown>): Rule =>
  (node, args, size) => {
    const extra = lead(size);
    const params: Record<string, unknown> = { ...node.params };
    for (const [k, v] of Object.entries(extra))
      params[k] = [v, ...((node.params as Record<string, unknown[]>)[k] ?? [])];
    return bindWith(
      node,
      args.map((a) => materialize(a, size)),
      params,
    );
  };

/**
 * Elementwise primitives broadcast their operands against each other: a batched operand gets
 * size-1 axes after its batch axis up to the result's rank, an unbatched one broadcasts as is.
 */
const elementwise: Rule = (node, args) =>
  bindWith(
    node,
    args.map(({ t, batched }) => (batched ? lifted(t, node.shape.length) : t)),
    node.params,
  );

/** A batched `t` with size-1 axes after the batch axis, so its example has rank `rank`. */
function lifted(t: Tensor, rank: number): Tensor {
  const example = t.shape.slice(1);
  return reshape(t, [t.shape[0]!, ...Array<number>(rank - example.length).fill(1), ...example]);
}

const RULES: Readonly<Record<string, Rule>> = {
  broadcast: (node, [x], size) =>
    bindWith(node, [lifted(x!.t, node.shape.length)], {
      shape: [size, ...(node.params as { shape: number[] }).shape],
    }),
  reduceSum: onAxes("axes"),
  reduceProduct: onAxes("axes"),
  reduceMax: onAxes("axes"),
  reduceMin: onAxes("axes"),
  argReduce: onAxes("axis"),
  cumulativeSum: onAxes("axis"),
  cumulativeProduct: onAxes("axis"),
  cumulativeMax: onAxes("axis"),
  cumulativeMin: onAxes("axis"),
  argsort: onAxes("axis"),
  reverse: onAxes("axes"),
  concatenate: onAxes("axis"),
  takeAlong: onAxes("axis"),
  reshape: withLeading((size) => ({ shape: size })),
  identity: (node, [x]) => bindWith(node, [x!.t], node.params),
  stopGradient: (node, [x]) => bindWith(node, [x!.t], node.params),
  // The complex views and the transform act on trailing axes (the pairs, the transformed axis).
  viewAsReal: (node, [x]) => bindWith(node, [x!.t], node.params),
  viewAsComplex: (node, [x]) => bindWith(node, [x!.t], node.params),
  fftPairs: (node, [x]) => bindWith(node, [x!.t], node.params),
  transpose: (node, [x], size) =>
    bindWith(node, [materialize(x!, size)], {
      perm: [0, ...shifted((node.params as { perm: number[] }).perm)],
    }),
  slice: withLeading((size) => ({ starts: 0, sizes: size, steps: 1 })),
  pad: withLeading(() => ({ config: [0, 0, 0] })),
  updateSlice: withLeading(() => ({ starts: 0 })),
  // Gathering from a batched tensor at shared indices; batched indices go per example.
  take: (node, args, size) =>
    args[1]!.batched
      ? perExample(node, args, size)
      : bindWith(node, [args[0]!.t, args[1]!.t], {
          ...node.params,
          axis: (node.params as { axis: number }).axis + 1,
        }),
  matmul: (node, args, size) =>
    bindWith(
      node,
      args.map((a) => materialize(a, size)),
      node.params,
    ),
};

/** The fallback: the primitive applied to each example, the results stacked. */
export function perExample(node: Node, args: readonly Batched[], size: number): Tensor {
  if (size === 0) return zeros([0, ...node.shape], { dtype: node.dtype });
  const results: Tensor[] = [];
  for (let i = 0; i < size; i++) {
    const inputs = args.map(({ t, batched }) =>
      batched
        ? reshape(
            slice(t, [i, ...t.shape.slice(1).map(() => 0)], [1, ...t.shape.slice(1)]),
            t.shape.slice(1),
          )
        : t,
    );
    results.push(bindWith(node, inputs, node.params));
  }
  return stack(results, { axis: 0 });
}

/** The batched result of `node` on `args`, by its primitive's rule (or per example). */
export function batchNode(node: Node, args: readonly Batched[], size: number): Batched {
  if (!args.some((a) => a.batched))
    return {
      t: bindWith(
        node,
        args.map((a) => a.t),
        node.params,
      ),
      batched: false,
    };
  const prim = node.prim as AnyPrimitive;
  const rule =
    RULES[prim.name] ?? (prim.lowering.kind === "elementwise" ? elementwise : perExample);
  return { t: rule(node, args, size), batched: true };
}
