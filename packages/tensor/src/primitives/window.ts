/**
 * Window primitives: reductions over sliding windows (sum, product, max, min), and the
 * select-and-scatter / select-and-gather pair that differentiates window max and min. All lower to
 * the kernels of `kernels/window.ts`.
 */
import {
  definePrimitive,
  type Aval,
  type KernelArg,
  type KernelCall,
  type LoweredNode,
  type Primitive,
} from "../primitive.js";
import type { DType } from "../dtype.js";
import { isFloat } from "../dtype.js";
import { formatType, formatShape } from "../format.js";
import type { Shape } from "../shape.js";
import { sizeOf } from "../shape.js";
import { whole } from "../compile/literal.js";
import * as K from "../kernels/window.js";

/** A window over every axis of the input. */
export interface WindowParams {
  readonly window: readonly number[];
  readonly strides: readonly number[];
  /** `[low, high]` padding per axis (≥ 0), filled with the reduction's identity. */
  readonly padding: readonly (readonly [number, number])[];
  readonly dilations: readonly number[];
}

/** The kernel geometry of a window over `shape`; a RangeError naming `op` if it does not fit. */
export function windowGeometry(op: string, shape: Shape, p: WindowParams): K.WindowGeometry {
  const r = shape.length;
  const fail = (why: string): never => {
    throw new RangeError(`${op}: ${why} (input ${formatShape(shape)})`);
  };
  for (const xs of [p.window, p.strides, p.padding, p.dilations])
    if (!Array.isArray(xs) || xs.length !== r) fail(`expected ${r} entries per window option`);
  const outShape = shape.map((n, d) => {
    const [lo, hi] = p.padding[d]!;
    const span = (p.window[d]! - 1) * p.dilations[d]! + 1;
    const padded = n + lo + hi;
    if (padded < span)
      fail(`axis ${d} has ${padded} positions with padding, fewer than the window's ${span}`);
    return Math.floor((padded - span) / p.strides[d]!) + 1;
  });
  return {
    shape,
    window: p.window,
    strides: p.strides,
    padLow: p.padding.map(([lo]) => lo),
    dilations: p.dilations,
    outShape,
  };
}

/** The geometry as an object literal for a generated call (every value through `int`). */
function geometryArg(op: string, geo: K.WindowGeometry): KernelArg {
  const list = (xs: readonly number[]) => xs.map((x) => whole(x, `${op} geometry`));
  return {
    fields: {
      shape: list(geo.shape),
      window: list(geo.window),
      strides: list(geo.strides),
      padLow: list(geo.padLow),
      dilations: list(geo.dilations),
      outShape: list(geo.outShape),
    },
  };
}

type Reduction = "sum" | "product" | "max" | "min";

const KERNEL_OP: Record<Reduction, number> = {
  sum: K.WINDOW_SUM,
  product: K.WINDOW_PRODUCT,
  max: K.WINDOW_MAX,
  min: K.WINDOW_MIN,
};

/** The value of a window that lies entirely on padding: the reduction's identity in `dtype`. */
function identityOf(reduction: Reduction, dtype: DType): number {
  if (reduction === "sum") return 0;
  if (reduction === "product") return 1;
  if (isFloat(dtype)) return reduction === "max" ? -Infinity : Infinity;
  // s64 windows run on f64 copies, whose nearest values to the s64 extremes are ±2^63.
  const lowest: Record<string, number> = { s32: -(2 ** 31), u32: 0, u8: 0, s64: -(2 ** 63) };
  const highest: Record<string, number> = {
    s32: 2 ** 31 - 1,
    u32: 2 ** 32 - 1,
    u8: 255,
    s64: 2 ** 63,
  };
  return (reduction === "max" ? lowest : highest)[dtype]!;
}

function windowReduction(
  name: string,
  reduction: Reduction,
  vjp: Primitive<WindowParams>["vjp"],
): Primitive<WindowParams> {
  return definePrimitive<WindowParams>({
    name,
    infer: ([x], p) => ({ shape: windowGeometry(name, x!.shape, p).outShape, dtype: x!.dtype }),
    lowering: {
      kind: "call",
      call: ({ inputs: [x], params }) => ({
        kernel: K.windowReduce,
        args: [
          { output: true },
          { input: 0 },
          geometryArg(name, windowGeometry(name, x!.shape, params)),
          KERNEL_OP[reduction],
          identityOf(reduction, x!.dtype),
          // s32 and u32 products wrap at 32 bits (s64 runs on f64 copies: exact within 2^53).
          reduction === "product" && !isFloat(x!.dtype) && x!.dtype !== "s64",
        ],
      }),
    },
    vjp,
  });
}

/** Sum over each window. */
export const windowSum = windowReduction("windowSum", "sum", (g, [x], _out, p, nx) => [
  nx.windowSumTranspose(g, x!.shape, p),
]);

/** Product over each window (the derivative avoids dividing by zero, as `reduceProduct`'s). */
export const windowProduct = windowReduction("windowProduct", "product", (g, [x], _out, p, nx) => [
  nx.windowProductGrad(g, x!, p),
]);

/** Maximum over each window (NaN propagates); its gradient goes to the first maximal element. */
export const windowMax = windowReduction("windowMax", "max", (g, [x], out, p, nx) => [
  nx.windowSelectScatterPrim(x!, out, g, p),
]);

/** Minimum over each window (NaN propagates); its gradient goes to the first minimal element. */
export const windowMin = windowReduction("windowMin", "min", (g, [x], out, p, nx) => [
  nx.windowSelectScatterPrim(x!, out, g, p),
]);

const sameShape = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Checks select-and-scatter's or -gather's operands: x, the windows' extremes y (the window
 * reduction's shape and x's dtype), and a float `v` of shape `want`. Returns v's dtype.
 */
function checkSelect(
  op: string,
  [x, y, v]: readonly Aval[],
  p: WindowParams,
  want: "x" | "y",
): DType {
  const outShape = windowGeometry(op, x!.shape, p).outShape;
  const expected = want === "x" ? x!.shape : outShape;
  if (!sameShape(y!.shape, outShape) || y!.dtype !== x!.dtype)
    throw new RangeError(
      `${op}: the window extremes are ${formatType(y!.shape, y!.dtype)}; the window over ${formatType(x!.shape, x!.dtype)} gives ${formatType(outShape, x!.dtype)}`,
    );
  if (!sameShape(v!.shape, expected) || !isFloat(v!.dtype))
    throw new RangeError(
      `${op}: expected a float tensor of shape ${formatShape(expected)} for the window over ${formatType(x!.shape, x!.dtype)}, got ${formatType(v!.shape, v!.dtype)}`,
    );
  return v!.dtype;
}

/** A call of select-and-scatter's or -gather's kernel on (x, y, v), with one s32 scratch. */
function selectCall(
  op: string,
  kernel: (...args: any[]) => void,
  { inputs: [x], params }: LoweredNode<WindowParams>,
): KernelCall {
  const geo = windowGeometry(op, x!.shape, params);
  return {
    kernel,
    args: [
      { output: true },
      { input: 0 },
      { input: 1 },
      { input: 2 },
      geometryArg(op, geo),
      { scratch: "s32", size: sizeOf(geo.outShape) },
    ],
  };
}

/**
 * Select and scatter (x, y, g) → x's shape, where y is the window max (or min) of x: each window's
 * `g` added at its first element equal to y — its first maximal (minimal) element. Linear in g;
 * x and y only select.
 */
export const windowSelectScatter = definePrimitive<WindowParams>({
  name: "windowSelectScatter",
  infer: (ins, p) => ({
    shape: ins[0]!.shape,
    dtype: checkSelect("windowSelectScatter", ins, p, "y"),
  }),
  lowering: {
    kind: "call",
    call: (node) => selectCall("windowSelectScatter", K.windowSelectScatter, node),
  },
  vjp: (h, [x, y], _out, p, nx) => [null, null, nx.windowSelectGatherPrim(x!, y!, h, p)],
});

/** Select and gather (x, y, h) → the windows' shape: h at each window's selected element of x. */
export const windowSelectGather = definePrimitive<WindowParams>({
  name: "windowSelectGather",
  infer: (ins, p) => {
    const dtype = checkSelect("windowSelectGather", ins, p, "x");
    return { shape: windowGeometry("windowSelectGather", ins[0]!.shape, p).outShape, dtype };
  },
  lowering: {
    kind: "call",
    call: (node) => selectCall("windowSelectGather", K.windowSelectGather, node),
  },
  vjp: (k, [x, y], _out, p, nx) => [null, null, nx.windowSelectScatterPrim(x!, y!, k, p)],
});
