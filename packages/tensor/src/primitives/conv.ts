/**
 * Convolution primitives in the channels-last layout — input `[batch, ...spatial, channels]`,
 * kernel `[...spatial, channels / featureGroups, outChannels]`, output `[batch / batchGroups,
 * ...spatial, outChannels]` — lowered to the im2col/col2im kernels of `kernels/conv.ts`, which
 * spend their time in the matmul kernel.
 *
 * The three primitives are the partial derivatives of one trilinear form
 * T(x, w, y) = Σ y · conv(x, w): `conv` is ∂T/∂y, `convInputGrad` ∂T/∂x (the transposed
 * convolution) and `convKernelGrad` ∂T/∂w. So each one's derivative rule is the other two, and
 * derivatives of any order stay within the family.
 */
import { definePrimitive, type Aval, type KernelArg, type KernelCall } from "../primitive.js";
import { formatType, formatShape } from "../format.js";
import { isFloat, type DType } from "../dtype.js";
import type { Shape } from "../shape.js";
import { flag, whole } from "../compile/literal.js";
import * as K from "../kernels/conv.js";

/** Options of a convolution in the native layout (one entry per spatial axis). */
export interface ConvParams {
  readonly strides: readonly number[];
  /** `[low, high]` zero padding per spatial axis (negative crops). */
  readonly padding: readonly (readonly [number, number])[];
  readonly inputDilation: readonly number[];
  readonly kernelDilation: readonly number[];
  readonly featureGroups: number;
  readonly batchGroups: number;
}

/** A gradient primitive's params: the convolution's, and the shape of the result (x's or w's). */
export interface ConvGradParams extends ConvParams {
  readonly shape: Shape;
}

/** `n` elements dilated by `d`: (n − 1)·d + 1 (0 stays 0). */
export const dilated = (n: number, d: number): number => (n === 0 ? 0 : (n - 1) * d + 1);

/** Pads a per-spatial-axis list to three axes with `fill` in front. */
const three = <T>(xs: readonly T[], fill: T): T[] => [
  ...new Array<T>(3 - xs.length).fill(fill),
  ...xs,
];

/**
 * The kernel geometry of a convolution of `x` (native layout) with `w`, and its output shape.
 * Throws a RangeError naming `op` and the shapes when they do not fit.
 */
export function convGeometry(
  op: string,
  x: Shape,
  w: Shape,
  p: ConvParams,
): { geo: K.ConvGeometry; outShape: number[] } {
  const r = x.length;
  const s = r - 2;
  const shapes = `input ${formatShape(x)}, kernel ${formatShape(w)}`;
  const fail = (why: string): never => {
    throw new RangeError(`${op}: ${why} (${shapes})`);
  };
  if (r < 3 || r > 5 || w.length !== r) fail("expected ranks 3 to 5, equal for input and kernel");
  for (const xs of [p.strides, p.padding, p.inputDilation, p.kernelDilation])
    if (!Array.isArray(xs) || xs.length !== s) fail(`expected ${s} entries per spatial option`);
  const [fg, bg] = [p.featureGroups, p.batchGroups];
  const [n, c] = [x[0]!, x[r - 1]!];
  const [ci, o] = [w[r - 2]!, w[r - 1]!];
  if (fg !== 1 && bg !== 1) fail("featureGroups or batchGroups must be 1");
  if (n % bg !== 0 || o % bg !== 0) fail(`batchGroups ${bg} must divide the batch and the outputs`);
  if (o % fg !== 0) fail(`featureGroups ${fg} must divide the output channels`);
  if (c !== ci * fg) fail(`the input channels must be the kernel's × featureGroups ${fg}`);
  const outSpatial = x.slice(1, -1).map((size, d) => {
    const k = w[d]!;
    const [lo, hi] = p.padding[d]!;
    const padded = lo + hi + dilated(size, p.inputDilation[d]!);
    const span = dilated(k, p.kernelDilation[d]!);
    if (k < 1 || padded < span)
      fail(
        `spatial axis ${d} is ${padded} after padding and dilation, less than the kernel's ${span}`,
      );
    return Math.floor((padded - span) / p.strides[d]!) + 1;
  });
  const geo: K.ConvGeometry = {
    batch: n,
    inChannels: c,
    outChannels: o,
    groups: fg * bg,
    batchGroups: bg > 1,
    inSize: three(x.slice(1, -1), 1),
    kernelSize: three(w.slice(0, -2), 1),
    outSize: three(outSpatial, 1),
    strides: three(p.strides, 1),
    padLow: three(
      p.padding.map(([lo]) => lo),
      0,
    ),
    inputDilation: three(p.inputDilation, 1),
    kernelDilation: three(p.kernelDilation, 1),
  };
  return { geo, outShape: [n / bg, ...outSpatial, o] };
}

/** Two float operands of one dtype; the result has it too. */
function floatPair(op: string, [a, b]: readonly Aval[]): Aval["dtype"] {
  if (a!.dtype !== b!.dtype || !isFloat(a!.dtype))
    throw new TypeError(
      `${op}: expected two f32 or two f64 tensors, got ${formatType(a!.shape, a!.dtype)} and ${formatType(b!.shape, b!.dtype)}`,
    );
  return a!.dtype;
}

/** Checks that `got` is the shape the geometry gives for the output. */
function checkOutput(op: string, got: Shape, want: Shape): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i]))
    throw new RangeError(
      `${op}: the output cotangent is ${formatShape(got)}, the convolution gives ${formatShape(want)}`,
    );
}

/** The geometry as a kernel argument (every value checked: integers and one flag). */
function geometryArg(op: string, geo: K.ConvGeometry): KernelArg {
  const n = (x: number) => whole(x, `${op} geometry`);
  const list = (xs: readonly number[]) => xs.map(n);
  return {
    fields: {
      batch: n(geo.batch),
      inChannels: n(geo.inChannels),
      outChannels: n(geo.outChannels),
      groups: n(geo.groups),
      batchGroups: flag(geo.batchGroups, `${op} geometry`),
      inSize: list(geo.inSize),
      kernelSize: list(geo.kernelSize),
      outSize: list(geo.outSize),
      strides: list(geo.strides),
      padLow: list(geo.padLow),
      inputDilation: list(geo.inputDilation),
      kernelDilation: list(geo.kernelDilation),
    },
  };
}

/** A call of `kernel(out, in0, in1, geometry, scratch)` with scratch sized by `convPlan`. */
function convCall(
  op: string,
  kernel: (...args: any[]) => void,
  dtype: DType,
  geo: K.ConvGeometry,
): KernelCall {
  const plan = K.convPlan(geo);
  const scratch = {
    fields: {
      runs: { scratch: "s32" as const, size: plan.runsSize },
      cols: { scratch: dtype, size: plan.colsSize },
      packedKernel: { scratch: dtype, size: plan.packedKernelSize },
      packedOut: { scratch: dtype, size: plan.packedOutSize },
    },
  };
  return {
    kernel,
    args: [{ output: true }, { input: 0 }, { input: 1 }, geometryArg(op, geo), scratch],
  };
}

/** Convolution: `conv(x, w)`. */
export const conv = definePrimitive<ConvParams>({
  name: "conv",
  infer: (ins, p) => {
    const dtype = floatPair("conv", ins);
    return { shape: convGeometry("conv", ins[0]!.shape, ins[1]!.shape, p).outShape, dtype };
  },
  lowering: {
    kind: "call",
    call: ({ inputs: [x, w], dtype, params }) =>
      convCall("conv", K.convForward, dtype, convGeometry("conv", x!.shape, w!.shape, params).geo),
  },
  vjp: (g, [x, w], _y, p, nx) => [
    nx.convInputGradPrim(g, w!, p, x!.shape),
    nx.convKernelGradPrim(x!, g, p, w!.shape),
  ],
});

/** The input gradient (transposed convolution) of `conv` in `x`, from the output cotangent and `w`. */
export const convInputGrad = definePrimitive<ConvGradParams>({
  name: "convInputGrad",
  infer: (ins, p) => {
    const dtype = floatPair("convInputGrad", ins);
    const { outShape } = convGeometry("convInputGrad", p.shape, ins[1]!.shape, p);
    checkOutput("convInputGrad", ins[0]!.shape, outShape);
    return { shape: p.shape, dtype };
  },
  lowering: {
    kind: "call",
    call: ({ inputs: [, w], dtype, params }) =>
      convCall(
        "convInputGrad",
        K.convInputGrad,
        dtype,
        convGeometry("convInputGrad", params.shape, w!.shape, params).geo,
      ),
  },
  vjp: (h, [g, w], _dx, p, nx) => [
    nx.convPrim(h, w!, p),
    nx.convKernelGradPrim(h, g!, p, w!.shape),
  ],
});

/** The kernel gradient of `conv` in `w`, from `x` and the output cotangent. */
export const convKernelGrad = definePrimitive<ConvGradParams>({
  name: "convKernelGrad",
  infer: (ins, p) => {
    const dtype = floatPair("convKernelGrad", ins);
    const { outShape } = convGeometry("convKernelGrad", ins[0]!.shape, p.shape, p);
    checkOutput("convKernelGrad", ins[1]!.shape, outShape);
    return { shape: p.shape, dtype };
  },
  lowering: {
    kind: "call",
    call: ({ inputs: [x], dtype, params }) =>
      convCall(
        "convKernelGrad",
        K.convKernelGrad,
        dtype,
        convGeometry("convKernelGrad", x!.shape, params.shape, params).geo,
      ),
  },
  vjp: (h, [x, g], _dw, p, nx) => [nx.convInputGradPrim(g!, h, p, x!.shape), nx.convPrim(x!, h, p)],
});
