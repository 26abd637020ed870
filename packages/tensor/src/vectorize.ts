/**
 * `vectorize(f)` maps `f` over an axis of its arguments (JAX's `vmap`): `f` is traced once on one
 * example into a graph, and the graph is evaluated on the whole batch, each node by its
 * primitive's batching rule (`batching.ts`).
 */
import { nodeOf, withSubTrace } from "./core.js";
import { batchNode, materialize, type Batched } from "./batching.js";
import { describeValue, show } from "./describe.js";
import { formatType } from "./format.js";
import { Graph } from "./graph.js";
import { checkOptions } from "./ops/check.js";
import { transpose } from "./ops/shape.js";
import { interpret } from "./subprogram.js";
import { Tensor } from "./tensor.js";
import { flattenTree, unflattenTree } from "./tree.js";

/** Options of `vectorize`. */
export interface VectorizeOptions {
  /**
   * The axis mapped over in each argument (every tensor of a tree argument), or null for an
   * argument passed whole to every example; one value for all arguments or one per argument.
   * Negative axes count from the end. Default 0.
   */
  inAxes?: number | null | readonly (number | null)[];
  /**
   * Where the mapped axis goes in the results: one axis for every result tensor, or one per item
   * when `f` returns an array. Negative axes count from the end of the result. Default 0.
   */
  outAxes?: number | readonly number[];
}

/**
 * Maps `f` over an axis of its arguments, like JAX's `vmap`: `vectorize(f)(xs)` stacks `f(x)` for
 * each `x` along `xs`'s leading axis, without a JavaScript loop over examples. `f` is traced on one
 * example and the trace is run on the whole batch by each primitive's batching rule (batched
 * matrix products, reductions over shifted axes, …; primitives without a rule run per example).
 * Composes with `jit` and `grad`: `vectorize(grad(loss))` gives per-example gradients.
 *
 * @example
 * const dots = nx.vectorize((a: nx.Tensor, b: nx.Tensor) => nx.dot(a, b));
 * dots(nx.ones([5, 3]), nx.ones([5, 3])); // f32[5]: each row's dot product
 * // b shared by every example:
 * nx.vectorize((a: nx.Tensor, b: nx.Tensor) => nx.dot(a, b), { inAxes: [0, null] });
 * @throws TypeError or RangeError for axes that do not fit the arguments, or mapped axes of
 *   different sizes.
 */
export function vectorize<F extends (...args: any[]) => any>(
  f: F,
  options: VectorizeOptions = {},
): (...args: Parameters<F>) => ReturnType<F> {
  if (typeof f !== "function")
    throw new TypeError(`vectorize: expected a function, got ${describeValue(f)}`);
  const o = checkOptions("vectorize", options);
  const inAxes = o.inAxes === undefined ? 0 : o.inAxes;
  const outAxes = o.outAxes === undefined ? 0 : o.outAxes;
  checkAxisList("inAxes", inAxes, true);
  checkAxisList("outAxes", outAxes, false);
  return (...args: unknown[]) => {
    if (Array.isArray(inAxes) && inAxes.length !== args.length)
      throw new RangeError(
        `vectorize: inAxes has ${inAxes.length} entries for ${args.length} arguments`,
      );
    const flat = flattenTree(args, "args");
    const argOf = flat.paths.map((p) => Number(/^args\[(\d+)\]/.exec(p)![1]));
    const axes = flat.leaves.map((t, k) => {
      const a = Array.isArray(inAxes) ? inAxes[argOf[k]!]! : (inAxes as number | null);
      if (a === null) return null;
      if (a < -t.rank || a >= t.rank)
        throw new RangeError(
          `vectorize: inAxes ${a} is out of range for ${flat.paths[k]}, a tensor ${formatType(t.shape, t.dtype)}`,
        );
      return a < 0 ? a + t.rank : a;
    });
    let size: number | undefined;
    let first = -1;
    axes.forEach((a, k) => {
      if (a === null) return;
      const n = flat.leaves[k]!.shape[a]!;
      if (size === undefined) [size, first] = [n, k];
      else if (n !== size)
        throw new RangeError(
          `vectorize: the mapped axes differ in size: ${flat.paths[first]} has ${size} and ${flat.paths[k]} has ${n}`,
        );
    });
    if (size === undefined)
      throw new TypeError("vectorize: no argument is mapped (give inAxes a number for one)");
    const batch = size;

    // Trace one example.
    const graph = new Graph();
    const symbolic = flat.leaves.map((t, k) => {
      const a = axes[k];
      const shape = a === null ? t.shape : t.shape.filter((_, d) => d !== a);
      return new Tensor(shape, t.dtype, undefined, graph.input(shape, t.dtype));
    });
    const traced = withSubTrace(graph, () => {
      const result = flattenTree(f(...(unflattenTree(flat.spec, symbolic) as unknown[])), "result");
      return { result, outputs: result.leaves.map((t) => nodeOf(t, graph, "vectorize")) };
    });

    // Run it on the batch.
    const inputs: Batched[] = flat.leaves.map((t, k) => {
      const a = axes[k]!;
      if (a === null) return { t, batched: false };
      return {
        t: a === 0 ? t : transpose(t, [a, ...t.shape.map((_, d) => d).filter((d) => d !== a)]),
        batched: true,
      };
    });
    for (const x of graph.captures!.tensors) inputs.push({ t: x, batched: false });
    const results = interpret<Batched>(
      { graph, outputs: traced.outputs },
      inputs,
      (n) => ({ t: new Tensor(n.shape, n.dtype, n.value), batched: false }),
      (n, vs) => batchNode(n, vs, batch),
    );
    const { result } = traced;
    const outs = results.map((v, k) => {
      const t = materialize(v, batch);
      const path = result.paths[k]!;
      const item = Array.isArray(outAxes) ? /^result\[(\d+)\]/.exec(path) : null;
      if (Array.isArray(outAxes) && (item === null || Number(item[1]) >= outAxes.length))
        throw new RangeError(
          `vectorize: outAxes has ${outAxes.length} entries, but f returned ${describeValue(unflattenTree(result.spec, result.leaves))}`,
        );
      const a = Array.isArray(outAxes) ? outAxes[Number(item![1])]! : (outAxes as number);
      if (a < -t.rank || a >= t.rank)
        throw new RangeError(
          `vectorize: outAxes ${a} is out of range for ${path}, a tensor ${formatType(t.shape, t.dtype)} with the mapped axis`,
        );
      const to = a < 0 ? a + t.rank : a;
      if (to === 0) return t;
      const perm = t.shape.map((_, d) => d).slice(1);
      perm.splice(to, 0, 0);
      return transpose(t, perm);
    });
    return unflattenTree(result.spec, outs) as ReturnType<F>;
  };
}

function checkAxisList(name: string, v: unknown, nullable: boolean): void {
  const ok = (a: unknown) =>
    (nullable && a === null) || (typeof a === "number" && Number.isInteger(a));
  if (Array.isArray(v) ? v.every(ok) : ok(v)) return;
  throw new TypeError(
    `vectorize: ${name} must be ${nullable ? "an integer or null" : "an integer"}, or an array of them, got ${show(v)}`,
  );
}
