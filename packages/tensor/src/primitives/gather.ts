/**
 * Gathers along one axis (take, takeAlong) and their transposes (scatter-adds), which are each
 * other's derivatives. Indices follow NumPy: negative ones count from the end of the axis.
 */
import { definePrimitive, type KernelContext } from "../primitive.js";
import { formatType } from "../format.js";
import { sizeOf } from "../shape.js";
import { int } from "../compile/literal.js";
import * as K from "../kernels/gather.js";
import * as s from "../ops/shape.js";
import * as g from "../ops/gather.js";

interface AxisParams {
  readonly axis: number;
}

/** The call of a gather/scatter kernel over x (or the scatter's output) viewed as [outer, n, inner]. */
function emitAlong(
  ctx: KernelContext<AxisParams>,
  kernel: (...args: any[]) => void,
  full: readonly number[],
  indexCount: number,
): string {
  const axis = ctx.node.params.axis;
  const sizes = [
    sizeOf(full.slice(0, axis)),
    full[axis]!,
    indexCount,
    sizeOf(full.slice(axis + 1)),
    axis,
  ].map((v) => int(v, "gather size"));
  return `${ctx.helper(kernel)}(${ctx.out}, ${ctx.ins[0]}, ${ctx.ins[1]}, ${sizes.join(", ")});`;
}

/** Gathers entries of x along `axis` at integer `indices`: shape x[:axis] + indices + x[axis+1:]. */
export const take = definePrimitive<AxisParams>({
  name: "take",
  infer: ([x, idx], { axis }) => ({
    shape: [...x!.shape.slice(0, axis), ...idx!.shape, ...x!.shape.slice(axis + 1)],
    dtype: x!.dtype,
  }),
  lowering: {
    kind: "kernel",
    emit: (ctx) => {
      const [x, idx] = ctx.node.inputs;
      return emitAlong(ctx, K.takeKernel, x!.shape, sizeOf(idx!.shape));
    },
  },
  vjp: (grad, [x, idx], _o, { axis }) => [s.scatterAdd(grad, idx!, x!.shape, axis), null],
});

/** The transpose of `take`: adds `updates` into zeros of `shape` at `indices` along `axis`. */
export const scatterAdd = definePrimitive<AxisParams & { shape: readonly number[] }>({
  name: "scatterAdd",
  infer: ([u], { shape }) => ({ shape, dtype: u!.dtype }),
  lowering: {
    kind: "kernel",
    emit: (ctx) =>
      emitAlong(ctx, K.takeGradKernel, ctx.node.params.shape, sizeOf(ctx.node.inputs[1]!.shape)),
  },
  vjp: (grad, [, idx], _o, { axis }) => [s.take(grad, idx!, { axis }), null],
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
    kind: "kernel",
    emit: (ctx) => {
      const [x] = ctx.node.inputs;
      return emitAlong(ctx, K.takeAlongKernel, x!.shape, ctx.node.shape[ctx.node.params.axis]!);
    },
  },
  vjp: (grad, [x, idx], _o, { axis }) => [g.scatterAlong(grad, idx!, x!.shape, axis), null],
});

/** The transpose of `takeAlong`: adds `updates` into zeros of `shape` at `indices` along `axis`. */
export const scatterAlong = definePrimitive<AxisParams & { shape: readonly number[] }>({
  name: "scatterAlong",
  infer: ([u], { shape }) => ({ shape, dtype: u!.dtype }),
  lowering: {
    kind: "kernel",
    emit: (ctx) =>
      emitAlong(
        ctx,
        K.takeAlongGradKernel,
        ctx.node.params.shape,
        ctx.node.inputs[0]!.shape[ctx.node.params.axis]!,
      ),
  },
  vjp: (grad, [, idx], _o, { axis }) => [g.takeAlong(grad, idx!, axis), null],
});
