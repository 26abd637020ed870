/** ONNX reductions (ReduceSum … ReduceLogSumExp), ArgMax/ArgMin and CumSum. */
import * as nx from "@dendrite/tensor";
import { axisOf, defineOp, type OpContext } from "../context.js";

type Reducer = (x: nx.Tensor, axes: number[], keep: boolean) => nx.Tensor;

function reduction(f: Reducer) {
  return (ctx: OpContext) => {
    const keep = ctx.int("keepdims", 1) === 1;
    const noop = ctx.int("noop_with_empty_axes", 0) === 1;
    const given = ctx.has(1) ? ctx.static(1, "axes") : ctx.ints("axes");
    return ([x]: readonly (nx.Tensor | undefined)[]) => {
      const t = x!;
      if (given === undefined || given.length === 0) {
        if (noop) return t;
      }
      const axes =
        given === undefined || given.length === 0
          ? t.shape.map((_, i) => i)
          : [...new Set(given.map((a) => axisOf(a, t.rank, "axes")))];
      const y = f(t, axes, keep);
      return y.dtype === t.dtype ? y : nx.asType(y, t.dtype);
    };
  };
}

const opts = (axes: number[], keepAxes: boolean) => ({ axes, keepAxes });
defineOp(
  "ReduceSum",
  reduction((x, a, k) => nx.sum(x, opts(a, k))),
);
defineOp(
  "ReduceMean",
  reduction((x, a, k) => nx.mean(x, opts(a, k))),
);
defineOp(
  "ReduceProd",
  reduction((x, a, k) => nx.product(x, opts(a, k))),
);
defineOp(
  "ReduceMax",
  reduction((x, a, k) => nx.reduceMax(x, opts(a, k))),
);
defineOp(
  "ReduceMin",
  reduction((x, a, k) => nx.reduceMin(x, opts(a, k))),
);
defineOp(
  "ReduceL1",
  reduction((x, a, k) => nx.sum(nx.abs(x), opts(a, k))),
);
defineOp(
  "ReduceL2",
  reduction((x, a, k) => nx.sqrt(nx.sum(nx.multiply(x, x), opts(a, k)))),
);
defineOp(
  "ReduceSumSquare",
  reduction((x, a, k) => nx.sum(nx.multiply(x, x), opts(a, k))),
);
defineOp(
  "ReduceLogSum",
  reduction((x, a, k) => nx.log(nx.sum(x, opts(a, k)))),
);
defineOp(
  "ReduceLogSumExp",
  reduction((x, a, k) => nx.logsumexp(x, opts(a, k))),
);

function argReduce(f: typeof nx.argmax) {
  return (ctx: OpContext) => {
    const axis = ctx.int("axis", 0);
    const keep = ctx.int("keepdims", 1) === 1;
    const last = ctx.int("select_last_index", 0) === 1;
    return ([x]: readonly (nx.Tensor | undefined)[]) => {
      const a = axisOf(axis, x!.rank);
      if (!last) return nx.asType(f(x!, { axis: a, keepAxis: keep }), "s32");
      const i = f(nx.reverse(x!, { axes: [a] }), { axis: a, keepAxis: keep });
      return nx.asType(nx.subtract(x!.shape[a]! - 1, nx.asType(i, "s32")), "s32");
    };
  };
}
defineOp("ArgMax", argReduce(nx.argmax));
defineOp("ArgMin", argReduce(nx.argmin));

defineOp("CumSum", (ctx) => {
  const exclusive = ctx.int("exclusive", 0) === 1;
  const reverse = ctx.int("reverse", 0) === 1;
  const [axisValue] = ctx.static(1, "axis");
  return ([x]) => {
    const axis = axisOf(axisValue!, x!.rank);
    let y = nx.cumulativeSum(x!, { axis, reverse });
    if (exclusive) y = nx.subtract(y, x!);
    return y.dtype === x!.dtype ? y : nx.asType(y, x!.dtype);
  };
});

defineOp("CumProd", (ctx) => {
  const exclusive = ctx.int("exclusive", 0) === 1;
  const reverse = ctx.int("reverse", 0) === 1;
  const [axisValue] = ctx.static(1, "axis");
  return ([x]) => {
    const axis = axisOf(axisValue!, x!.rank);
    let y = x!;
    if (exclusive && x!.shape[axis]! > 0) {
      // Shift by one along the axis (in scan order), with 1 first: no division, so zeros are exact.
      const config = y.shape.map((_, i) =>
        i === axis ? (reverse ? [-1, 1, 0] : [1, -1, 0]) : [0, 0, 0],
      );
      y = nx.pad(y, 1, config);
    }
    y = nx.cumulativeProduct(y, { axis, reverse });
    return y.dtype === x!.dtype ? y : nx.asType(y, x!.dtype);
  };
});
