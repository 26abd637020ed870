/**
 * Windows over the spatial axes of channels-last inputs, shared by convolution and pooling: the
 * window options (kernel size, strides, padding, dilation), their per-axis form for an input, and
 * the "same" padding of Axon and Keras (output ceil(size / stride), the odd pad at the end).
 */
import * as nx from "@dendrite/tensor";
import { type NameOption } from "../model.js";
import { checkPositiveInt, oneOf, sizes } from "./options.js";

/** `"valid"`: no padding; `"same"`: zero padding so the output has ceil(size / stride) positions. */
export type Padding = "valid" | "same";

/** Window options shared by convolution and pooling. */
export interface WindowOptions extends NameOption {
  /** Window size per spatial axis (a number for all). */
  kernelSize?: number | readonly number[];
  /** Step per spatial axis (a number for all). */
  strides?: number | readonly number[];
  /** Default `"valid"`. */
  padding?: Padding;
  /** Spacing of the kernel taps per spatial axis (default 1). */
  dilation?: number | readonly number[];
}

/** The window options' schema; `strides` defaults to `stridesDefault` (1, or the kernel size). */
export function windowOptions(stridesDefault: "one" | "kernelSize") {
  return {
    kernelSize: sizes({ default: 1, display: "kernel_size" }),
    strides: sizes({
      default: (earlier) => (stridesDefault === "one" ? 1 : (earlier.kernelSize as number)),
      display: "strides",
    }),
    padding: oneOf<Padding>(["valid", "same"], { default: "valid", display: "padding" }),
    dilation: sizes({ default: 1, display: "dilation" }),
  };
}

/** A window's options as saved: one size for all axes, or one per axis. */
export interface WindowConfig {
  readonly kernelSize: number | readonly number[];
  readonly strides: number | readonly number[];
  readonly padding: Padding;
  readonly dilation: number | readonly number[];
}

/** A window with one size per spatial axis. */
export type Window = {
  kernelSize: number[];
  strides: number[];
  padding: Padding;
  dilation: number[];
};

function perAxis(op: string, option: string, v: number | readonly number[], n: number): number[] {
  const list = typeof v === "number" ? new Array<number>(n).fill(v) : [...v];
  if (list.length !== n)
    throw new RangeError(
      `${op}: ${option} needs ${n} values (one per spatial axis), got ${list.length}`,
    );
  list.forEach((x) => checkPositiveInt(x, `${op}: ${option}`));
  return list;
}

/** The window of an input of `rank` (batch and channel axes included). */
export function windowFor(op: string, w: WindowConfig, rank: number): Window {
  if (rank < 3)
    throw new Error(
      `expected an input [batch, ...spatial, channels] of rank ≥ 3, got rank ${rank}`,
    );
  const n = rank - 2;
  return {
    kernelSize: perAxis(op, "kernelSize", w.kernelSize, n),
    strides: perAxis(op, "strides", w.strides, n),
    padding: w.padding,
    dilation: perAxis(op, "dilation", w.dilation, n),
  };
}

/** Low and high padding and the output size of each spatial axis. */
export function geometry(
  shape: readonly number[],
  w: Window,
): { pads: [number, number][]; out: number[] } {
  const spatial = shape.slice(1, -1);
  const pads: [number, number][] = [];
  const out: number[] = [];
  spatial.forEach((size, i) => {
    const span = (w.kernelSize[i]! - 1) * w.dilation[i]! + 1;
    const s = w.strides[i]!;
    if (w.padding === "same") {
      const o = Math.ceil(size / s);
      const total = Math.max((o - 1) * s + span - size, 0);
      pads.push([Math.floor(total / 2), total - Math.floor(total / 2)]);
      out.push(o);
    } else {
      if (size < span)
        throw new Error(
          `spatial axis ${i + 1} of the input ${nx.formatShape(shape)} has ${size} positions, fewer than the window's ${span}`,
        );
      pads.push([0, 0]);
      out.push(Math.floor((size - span) / s) + 1);
    }
  });
  return { pads, out };
}

/** A window over the spatial axes of `x` as options of the `nx.window*` ops (batch and channels untouched). */
export function poolWindow(x: nx.Tensor, w: Window): [number[], nx.WindowOptions] {
  const { pads } = geometry(x.shape, w);
  return [
    [1, ...w.kernelSize, 1],
    {
      strides: [1, ...w.strides, 1],
      padding: [[0, 0], ...pads, [0, 0]],
      windowDilations: [1, ...w.dilation, 1],
    },
  ];
}

/**
 * The windows of an adaptive pool of an axis of size `n` into `m` outputs: output `i` covers
 * `[⌊i·n/m⌋, ⌈(i+1)·n/m⌉)` (PyTorch's and Axon's rule; windows overlap when `m` does not divide `n`).
 */
export function adaptiveWindows(n: number, m: number): [start: number, end: number][] {
  return Array.from({ length: m }, (_, i) => [
    Math.floor((i * n) / m),
    Math.ceil(((i + 1) * n) / m),
  ]);
}
