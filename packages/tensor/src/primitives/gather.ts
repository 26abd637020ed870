/**
 * Gathers along one axis (take, takeAlong) and their transposes (scatter-adds), which are each
 * other's derivatives. Indices follow NumPy: negative ones count from the end of the axis.
 */
import { definePrimitive, type KernelCall } from "../primitive.js";
import { formatType } from "../format.js";
import { sizeOf } from "../shape.js";
import * as K from "../kernels/gather.js";

interface AxisParams {
  readonly axis: number;
}

/** The call of a gather/scatter kernel over x (or the scatter's output) viewed as [outer, n, inner]. */
function along(
  axis: number,
  kernel: (...args: any[]) => void,
  full: readonly number[],
  indexCount: number,
): KernelCall {
  const sizes = [
    sizeOf(full.slice(0, axis)),
    full[axis]!,
    indexCount,
    sizeOf(full.slice(axis + 1)),
    axis,
  ];
  return { kernel, args: [{ output: true }, { input: 0 }, { input: 1 }, ...sizes] };
}

/** Gathers entries of x along `axis` at integer `indices`: shape x[:axis] + indices + x[axis+1:]. */
export const take = definePrimitive<AxisParams>({
  name: "take",
  infer: ([x, idx], { axis }) => ({
    shape: [...x!.shape.slice(0, axis), ...idx!.shape, ...x!.shape.slice(axis + 1)],
    dtype: x!.dtype,
  }),
  lowering: {
    kind: "call",
    call: ({ inputs: [x, idx], params: { axis } }) =>
      along(axis, K.takeKernel, x!.shape, sizeOf(idx!.shape)),
  },
  vjp: (grad, [x, idx], _o, { axis }, nx) => [nx.scatterAdd(grad, idx!, x!.shape, axis), null],
  // On pair views the same axis is taken, the pairs riding along as part of each row.
  complex: (params) => params,
});

/** The transpose of `take`: adds `updates` into zeros of `shape` at `indices` along `axis`. */
export const scatterAdd = definePrimitive<AxisParams & { shape: readonly number[] }>({
  name: "scatterAdd",
  infer: ([u], { shape }) => ({ shape, dtype: u!.dtype }),
  lowering: {
    kind: "call",
    call: ({ inputs: [, idx], params: { axis, shape } }) =>
      along(axis, K.takeGradKernel, shape, sizeOf(idx!.shape)),
  },
  vjp: (grad, [, idx], _o, { axis }, nx) => [nx.take(grad, idx!, { axis }), null],
});

/**
 * NumPy's take_along_axis on operands of one shape except along `axis`: out[…, k, …] =
 * x[…, indices[…, k, …], …]. The result has the shape of the indices.
 */
export const takeAlong = definePrimitive<AxisParams>({
  name: "takeAlong",
  infer: ([x, idx], { axis }) => {
    const fits =
      x!.shape.length === idx!.shape.length &&
      x!.shape.every((n, d) => d === axis || n === idx!.shape[d]);
    if (!fits)
      throw new RangeError(
        `takeAlongAxis: indices ${formatType(idx!.shape, idx!.dtype)} do not fit ${formatType(x!.shape, x!.dtype)} along axis ${axis}`,
      );
    return { shape: idx!.shape, dtype: x!.dtype };
  },
  lowering: {
    kind: "call",
    call: ({ inputs: [x], shape, params: { axis } }) =>
      along(axis, K.takeAlongKernel, x!.shape, shape[axis]!),
  },
  vjp: (grad, [x, idx], _o, { axis }, nx) => [nx.scatterAlong(grad, idx!, x!.shape, axis), null],
});

/** The transpose of `takeAlong`: adds `updates` into zeros of `shape` at `indices` along `axis`. */
export const scatterAlong = definePrimitive<AxisParams & { shape: readonly number[] }>({
  name: "scatterAlong",
  infer: ([u], { shape }) => ({ shape, dtype: u!.dtype }),
  lowering: {
    kind: "call",
    call: ({ inputs: [u], params: { axis, shape } }) =>
      along(axis, K.takeAlongGradKernel, shape, u!.shape[axis]!),
  },
  vjp: (grad, [, idx], _o, { axis }, nx) => [nx.takeAlong(grad, idx!, axis), null],
});
