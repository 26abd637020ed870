/** Convolution with Nx's options and layouts (`Nx.conv`), on the channels-last primitives. */
import { bind } from "../core.js";
import { floatType, promoteTypes } from "../dtype.js";
import { formatType } from "../format.js";
import * as p from "../primitives/conv.js";
import type { Shape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { checkInteger, checkOptions, checkTensorArg } from "./check.js";
import { show } from "../describe.js";
import { cast } from "./elementwise.js";
import { transpose } from "./shape.js";

/** Padding of the spatial axes: none, Nx's "same", or `[low, high]` per spatial axis. */
export type ConvPadding = "valid" | "same" | readonly (readonly [number, number])[];

/** Options of `conv`: Nx.conv's, camelCased. Per-axis options take one number for every axis. */
export interface ConvOptions {
  /** Step of the window per spatial axis (default 1). */
  strides?: number | readonly number[];
  /**
   * `"valid"` (default): none. `"same"`: (k − 1) zeros split low ⌊·/2⌋, high ⌈·/2⌉ for the dilated
   * kernel size k, as Nx (so the output keeps the size only with unit strides). Or `[low, high]`
   * per spatial axis; negative values crop.
   */
  padding?: ConvPadding;
  /** Spacing of the input elements per spatial axis (d − 1 zeros between them; default 1). */
  inputDilation?: number | readonly number[];
  /** Spacing of the kernel taps per spatial axis (default 1). */
  kernelDilation?: number | readonly number[];
  /** Groups of input channels, each convolved with its share of the kernel's outputs (default 1). */
  featureGroupSize?: number;
  /** Groups of the batch, each convolved with its share of the kernel's outputs (default 1). */
  batchGroupSize?: number;
  /** Axes of the input that are `[batch, channels, ...spatial]` (default: in that order). */
  inputPermutation?: readonly number[];
  /** Axes of the kernel that are `[outChannels, inChannels, ...spatial]` (default: in that order). */
  kernelPermutation?: readonly number[];
  /** Axes of the result that are `[batch, channels, ...spatial]` (default: in that order). */
  outputPermutation?: readonly number[];
}

/** @internal Binds `conv` in the native layout (input NHWC, kernel HWIO), promoting to a float. */
export function convPrim(x: Tensor, w: Tensor, params: p.ConvParams): Tensor {
  const dtype = floatType(promoteTypes(x.dtype, w.dtype));
  return bind(p.conv, [cast(x, dtype), cast(w, dtype)], params);
}

/** @internal The input gradient of `convPrim` (a transposed convolution of `g`), of shape `shape`. */
export function convInputGradPrim(
  g: Tensor,
  w: Tensor,
  params: p.ConvParams,
  shape: Shape,
): Tensor {
  const dtype = floatType(promoteTypes(g.dtype, w.dtype));
  return bind(p.convInputGrad, [cast(g, dtype), cast(w, dtype)], { ...params, shape });
}

/** @internal The kernel gradient of `convPrim`, of shape `shape`. */
export function convKernelGradPrim(
  x: Tensor,
  g: Tensor,
  params: p.ConvParams,
  shape: Shape,
): Tensor {
  const dtype = floatType(promoteTypes(x.dtype, g.dtype));
  return bind(p.convKernelGrad, [cast(x, dtype), cast(g, dtype)], { ...params, shape });
}

/** A permutation of `rank` axes (negative ones count from the end); identity when undefined. */
function checkPermutation(name: string, perm: unknown, rank: number): number[] {
  if (perm === undefined) return [...Array(rank).keys()];
  const bad = () =>
    new RangeError(`conv: ${name} must list each of the ${rank} axes once, got ${show(perm)}`);
  if (!Array.isArray(perm) || perm.length !== rank) throw bad();
  const axes = perm.map((a: unknown) => {
    if (typeof a !== "number" || !Number.isInteger(a) || a < -rank || a >= rank) throw bad();
    return a < 0 ? a + rank : a;
  });
  if (new Set(axes).size !== rank) throw bad();
  return axes;
}

/** @internal A positive integer, or an array of `n` of them, as `n` values (`fallback` if undefined). */
export function perAxis(op: string, name: string, x: unknown, n: number, fallback = 1): number[] {
  if (x === undefined) return new Array<number>(n).fill(fallback);
  if (typeof x === "number") return new Array<number>(n).fill(checkInteger(op, name, x, 1));
  if (!Array.isArray(x) || x.length !== n)
    throw new RangeError(
      `${op}: ${name} must be a positive integer or ${n} of them (one per axis), got ${show(x)}`,
    );
  return x.map((v: unknown) => checkInteger(op, name, v, 1));
}

/** @internal `[low, high]` integer pairs, one per axis (non-negative unless `negative`). */
export function padPairs(
  op: string,
  padding: unknown,
  n: number,
  negative: boolean,
): [number, number][] {
  const pair = (x: unknown): x is [number, number] =>
    Array.isArray(x) &&
    x.length === 2 &&
    x.every((v) => typeof v === "number" && Number.isInteger(v) && (negative || v >= 0));
  if (!Array.isArray(padding) || padding.length !== n || !padding.every(pair))
    throw new RangeError(
      `${op}: padding must be "valid", "same" or ${n} [low, high] pairs of ${negative ? "" : "non-negative "}integers (one per axis), got ${show(padding)}`,
    );
  return padding.map(([lo, hi]) => [lo, hi]);
}

/** @internal Nx's "same": (span − 1) split low ⌊·/2⌋, high ⌈·/2⌉ for each dilated window span. */
export function samePadding(spans: readonly number[]): [number, number][] {
  return spans.map((k) => {
    const total = Math.max(k - 1, 0);
    return [Math.floor(total / 2), Math.ceil(total / 2)];
  });
}

/**
 * Convolution as Nx.conv: slides `kernel` over the spatial axes of `input` and sums the products
 * with every input channel of the window (a cross-correlation: the kernel is not flipped).
 *
 * Layouts are Nx's, channels first, unless the permutations say otherwise: `input` is `[batch,
 * channels, ...spatial]`, `kernel` `[outChannels, channels / featureGroupSize, ...spatial]` and
 * the result `[batch / batchGroupSize, outChannels, ...spatial]`; 1 to 3 spatial axes. The
 * channels-last layout (input `[batch, ...spatial, channels]`, kernel `[...spatial, in, out]`,
 * `inputPermutation: [0, r−1, 1, …]`, `kernelPermutation: [r−1, r−2, 0, …]`,
 * `outputPermutation: [0, r−1, 1, …]`) is the primitive's own and needs no transpose.
 *
 * Spatial output sizes are ⌊(padded − dilated kernel) / stride⌋ + 1. Integer operands give f32
 * results (Nx). Gradients: the input's is a transposed convolution, the kernel's a convolution of
 * the input with the output's cotangent, both of any order.
 */
export function conv(input: Tensor, kernel: Tensor, options: ConvOptions = {}): Tensor {
  checkTensorArg("conv", input, "input");
  checkTensorArg("conv", kernel, "kernel");
  const o = checkOptions("conv", options);
  const shapes = `input ${formatType(input.shape, input.dtype)}, kernel ${formatType(kernel.shape, kernel.dtype)}`;
  const r = input.rank;
  const s = r - 2;
  if (r < 3 || r > 5 || kernel.rank !== r)
    throw new RangeError(
      `conv: expected an input with 1 to 3 spatial axes ([batch, channels, ...spatial]) and a kernel of the same rank, got ${shapes}`,
    );
  const ip = checkPermutation("inputPermutation", o.inputPermutation, r);
  const kp = checkPermutation("kernelPermutation", o.kernelPermutation, r);
  const op = checkPermutation("outputPermutation", o.outputPermutation, r);
  const strides = perAxis("conv", "strides", o.strides, s);
  const inputDilation = perAxis("conv", "inputDilation", o.inputDilation, s);
  const kernelDilation = perAxis("conv", "kernelDilation", o.kernelDilation, s);
  const featureGroups = checkInteger("conv", "featureGroupSize", o.featureGroupSize ?? 1, 1);
  const batchGroups = checkInteger("conv", "batchGroupSize", o.batchGroupSize ?? 1, 1);

  // Sizes in Nx's order: [batch, channels, ...spatial] and [out, in, ...spatial].
  const [n, c, ...xs] = ip.map((a) => input.shape[a]!);
  const [out, inK, ...ks] = kp.map((a) => kernel.shape[a]!);
  const fail = (why: string): never => {
    throw new RangeError(`conv: ${why} (${shapes})`);
  };
  if (featureGroups > 1 && batchGroups > 1)
    fail(`featureGroupSize ${featureGroups} or batchGroupSize ${batchGroups} must be 1`);
  if (n! % batchGroups !== 0)
    fail(`batchGroupSize ${batchGroups} does not divide the batch size ${n}`);
  for (const [name, g] of [
    ["featureGroupSize", featureGroups],
    ["batchGroupSize", batchGroups],
  ] as const)
    if (out! % g !== 0) fail(`${name} ${g} does not divide the kernel's ${out} output channels`);
  if (c !== inK! * featureGroups)
    fail(
      `the input has ${c} channels; the kernel takes ${inK} × featureGroupSize ${featureGroups}`,
    );
  if (ks.some((k) => k < 1)) fail("the kernel has an empty spatial axis");
  const spans = ks.map((k, d) => p.dilated(k, kernelDilation[d]!));
  const padding =
    o.padding === undefined || o.padding === "valid"
      ? spans.map((): [number, number] => [0, 0])
      : o.padding === "same"
        ? samePadding(spans)
        : padPairs("conv", o.padding, s, true);
  xs.forEach((size, d) => {
    const padded = padding[d]![0] + padding[d]![1] + p.dilated(size, inputDilation[d]!);
    if (padded < spans[d]!)
      fail(
        `spatial axis ${d} has ${padded} positions after padding and input dilation, fewer than the dilated kernel's ${spans[d]}`,
      );
  });

  const params: p.ConvParams = {
    strides,
    padding,
    inputDilation,
    kernelDilation,
    featureGroups,
    batchGroups,
  };
  const x = transpose(input, [ip[0]!, ...ip.slice(2), ip[1]!]);
  const w = transpose(kernel, [...kp.slice(2), kp[1]!, kp[0]!]);
  const y = convPrim(x, w, params);
  // Result axis op[0] is the batch, op[1] the channels, op[2 + i] spatial axis i.
  const perm = new Array<number>(r);
  perm[op[0]!] = 0;
  perm[op[1]!] = r - 1;
  op.slice(2).forEach((a, i) => (perm[a] = i + 1));
  return transpose(y, perm);
}
