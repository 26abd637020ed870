/** Reductions over axes (sum, product, max, min), arg-reductions and scans along one axis. */
import type { DerivativeOps, Monoid, Primitive, Vjp } from "../primitive.js";
import { definePrimitive, noDerivative } from "../primitive.js";
import { checkIndexable, normalizeAxis, sizeOf } from "../shape.js";
import { CodegenError, flag } from "../compile/literal.js";
import {
  argReduceKernel,
  cumulativeExtremeKernel,
  cumulativeProductKernel,
  cumulativeSumKernel,
} from "../kernels/scan.js";
import type { Tensor } from "../tensor.js";

/** `shape` seen as [outer, n, inner] around `axis`. */
const lines = (shape: readonly number[], axis: number): [number, number, number] => [
  sizeOf(shape.slice(0, axis)),
  shape[axis]!,
  sizeOf(shape.slice(axis + 1)),
];

/** Parameters of a reduction: sorted, distinct axes to remove. */
export interface ReduceParams {
  readonly axes: readonly number[];
}

const keptShape = (shape: readonly number[], axes: readonly number[]) =>
  shape.filter((_, d) => !axes.includes(d));
/** The shape of the result with reduced axes kept as size 1 (for broadcasting back). */
const keepDims = (shape: readonly number[], axes: readonly number[]) =>
  shape.map((d, i) => (axes.includes(i) ? 1 : d));

function reducePrim(name: string, vjp: Vjp<ReduceParams>): Primitive<ReduceParams> {
  const monoid = name.replace("reduce", "").toLowerCase() as Monoid;
  return definePrimitive<ReduceParams>({
    name,
    infer: ([x], { axes }) => ({ shape: keptShape(x!.shape, axes), dtype: x!.dtype }),
    lowering: { kind: "reduce", monoid },
    vjp,
    // A complex sum is the sum of the pairs over the same (leading) axes.
    ...(monoid === "sum" ? { complex: (params: ReduceParams) => params } : {}),
  });
}

/** g broadcast back over the reduced axes of x. */
function spread(nx: DerivativeOps, g: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return nx.broadcastTo(nx.reshape(g, keepDims(x.shape, axes)), x.shape);
}

export const reduceSum = reducePrim("reduceSum", (g, [x], _out, { axes }, nx) => [
  spread(nx, g, x!, axes),
]);
/**
 * ∂/∂xᵢ Πx = Π_{j≠i} xⱼ, without dividing by zero: out / xᵢ when no element is zero; at the only
 * zero, the product of the others; 0 elsewhere. (Second derivatives are exact away from zeros.)
 */
export const reduceProduct = reducePrim("reduceProduct", (g, [x], _out, { axes }, nx) => {
  const isZero = nx.equal(x!, 0);
  const nonZero = nx.select(isZero, 1, x!); // also keeps 0/0 out of the unused branch (and its derivative)
  const others = spread(nx, nx.product(nonZero, { axes }), x!, axes);
  const zeros = nx.sum(isZero, { axes, keepAxes: true });
  const partial = nx.select(
    nx.equal(zeros, 0),
    nx.divide(others, nonZero),
    nx.select(nx.logicalAnd(isZero, nx.equal(zeros, 1)), others, 0),
  );
  return [nx.multiply(spread(nx, g, x!, axes), partial)];
});
/** The gradient of max/min is shared equally by the elements that attain it. */
const extremumVjp: Vjp<ReduceParams> = (g, [x], out, { axes }, nx) => {
  const hit = nx.asType(nx.equal(x!, spread(nx, out, x!, axes)), g.dtype);
  const count = nx.sum(hit, { axes, keepAxes: true });
  return [nx.divide(nx.multiply(spread(nx, g, x!, axes), hit), count)];
};
export const reduceMax = reducePrim("reduceMax", extremumVjp);
export const reduceMin = reducePrim("reduceMin", extremumVjp);

/** Index of the max (or min) along one axis: the first one on ties; NaN counts as the extreme (NumPy). */
export const argReduce = definePrimitive<{ axis: number; op: "max" | "min" }>({
  name: "argReduce",
  infer: ([x], { axis, op }) => {
    checkIndexable(`arg${op}`, x!.shape[axis]!);
    return { shape: x!.shape.filter((_, d) => d !== axis), dtype: "s32" };
  },
  vjp: noDerivative("its result is an integer index"),
  lowering: {
    kind: "call",
    call: ({ inputs: [x], params: { axis, op } }) => {
      const shape = x!.shape;
      if (shape[axis] === 0)
        throw new RangeError(`arg${op}: cannot take the arg${op} of an empty axis`);
      if (op !== "max" && op !== "min") throw new CodegenError(`argReduce: unknown op`);
      return {
        kernel: argReduceKernel,
        args: [{ output: true }, { input: 0 }, ...lines(shape, axis), op === "max"],
      };
    },
  },
});

/** Running sum along an axis (from the end when `reverse`). */
export const cumulativeSum = definePrimitive<{ axis: number; reverse: boolean }>({
  name: "cumulativeSum",
  infer: ([x], { axis }) => {
    normalizeAxis("cumulativeSum", axis, x!.shape.length);
    return { shape: x!.shape, dtype: x!.dtype };
  },
  lowering: {
    kind: "call",
    call: ({ shape, params: { axis, reverse } }) => ({
      kernel: cumulativeSumKernel,
      args: [
        { output: true },
        { input: 0 },
        ...lines(shape, axis),
        flag(reverse, "cumulativeSum reverse"),
      ],
    }),
  },
  vjp: (g, _x, _out, { axis, reverse }, nx) => [nx.cumulativeSum(g, { axis, reverse: !reverse })],
});

/** Parameters of a scan: the axis, and whether it runs from the end. */
export interface ScanParams {
  readonly axis: number;
  readonly reverse: boolean;
}

/**
 * Running product. Its derivative divides by no zero: with z the first zero of a line (in scan
 * order), ∂out_i/∂x_j is out_i / x_j before z, the product of the others (a running product with
 * x_z taken as 1) at z, and 0 after it, where every product holds x_z.
 */
export const cumulativeProduct = definePrimitive<ScanParams>({
  name: "cumulativeProduct",
  infer: ([x], { axis }) => {
    normalizeAxis("cumulativeProduct", axis, x!.shape.length);
    return { shape: x!.shape, dtype: x!.dtype };
  },
  lowering: {
    kind: "call",
    call: ({ shape, inputs: [x], params: { axis, reverse } }) => ({
      kernel: cumulativeProductKernel,
      args: [
        { output: true },
        { input: 0 },
        ...lines(shape, axis),
        flag(reverse, "cumulativeProduct reverse"),
        x!.dtype === "s32" || x!.dtype === "u32",
      ],
    }),
  },
  vjp: (g, [x], out, { axis, reverse }, nx) => {
    const isZero = nx.equal(x!, 0);
    const zerosSoFar = nx.cumulativeSum(isZero, { axis, reverse });
    const beforeZero = nx.equal(zerosSoFar, 0);
    const firstZero = nx.logicalAnd(isZero, nx.equal(zerosSoFar, 1));
    // Sums over i from j on (in scan order): a scan the other way.
    const after = (t: Tensor) => nx.cumulativeSum(t, { axis, reverse: !reverse });
    const safe = nx.select(isZero, 1, x!);
    const others = nx.divide(after(nx.multiply(g, out)), safe);
    const withoutFirstZero = nx.cumulativeProduct(nx.select(firstZero, 1, x!), { axis, reverse });
    const atZero = after(nx.multiply(g, withoutFirstZero));
    return [nx.select(beforeZero, others, nx.select(firstZero, atZero, 0))];
  },
});

/**
 * Running maximum or minimum. The gradient of each output goes to the element it was taken from:
 * the latest (in scan order) element equal to the running value (PyTorch's cummax rule), or the
 * latest NaN once the running value is NaN.
 */
function cumulativeExtreme(name: "cumulativeMax" | "cumulativeMin"): Primitive<ScanParams> {
  const max = name === "cumulativeMax";
  return definePrimitive<ScanParams>({
    name,
    infer: ([x], { axis }) => {
      normalizeAxis(name, axis, x!.shape.length);
      return { shape: x!.shape, dtype: x!.dtype };
    },
    lowering: {
      kind: "call",
      call: ({ shape, params: { axis, reverse } }) => ({
        kernel: cumulativeExtremeKernel,
        args: [
          { output: true },
          { input: 0 },
          ...lines(shape, axis),
          flag(reverse, `${name} reverse`),
          max,
        ],
      }),
    },
    vjp: (g, [x], out, { axis, reverse }, nx) => {
      const n = x!.shape[axis]!;
      const taken = nx.logicalOr(nx.equal(x!, out), nx.isNan(x!));
      const index = nx.iota(x!.shape, { axis, dtype: "s32" });
      // The running index of the latest element taken: the largest so far, or the smallest from
      // the end.
      const source = reverse
        ? nx.cumulativeMin(nx.select(taken, index, n), { axis, reverse })
        : nx.cumulativeMax(nx.select(taken, index, -1), { axis, reverse });
      return [nx.scatterAlong(g, source, x!.shape, axis)];
    },
  });
}
export const cumulativeMax = cumulativeExtreme("cumulativeMax");
export const cumulativeMin = cumulativeExtreme("cumulativeMin");
