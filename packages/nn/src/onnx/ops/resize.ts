/**
 * ONNX's Resize (and Upsample): nearest, linear and cubic interpolation, one axis at a time, each
 * output position a weighted sum of a few input positions. The positions and weights depend only
 * on the sizes, so they are computed on the host once and applied with `take`.
 */
import * as nx from "@dendrite/tensor";
import { axisOf, defineOp, type OpContext } from "../context.js";

/**
 * Where output position `x` of an axis reads from, in input coordinates; `outSize` is the
 * unrounded output length `scale × inSize`, as ONNX's reference computes it.
 */
type Transform = (x: number, scale: number, inSize: number, outSize: number) => number;

const TRANSFORMS: Readonly<Record<string, Transform>> = {
  half_pixel: (x, s) => (x + 0.5) / s - 0.5,
  half_pixel_symmetric: (x, s, n) => {
    const exact = s * n;
    const offset = (n / 2) * (1 - Math.floor(exact) / exact);
    return offset + (x + 0.5) / s - 0.5;
  },
  pytorch_half_pixel: (x, s, _n, out) => (out > 1 ? (x + 0.5) / s - 0.5 : 0),
  align_corners: (x, _s, n, out) => (out === 1 ? 0 : (x * (n - 1)) / (out - 1)),
  asymmetric: (x, s) => x / s,
};

/** Rounding of a source position for "nearest". */
const NEAREST: Readonly<Record<string, (v: number) => number>> = {
  round_prefer_floor: (v) => (v - Math.floor(v) === 0.5 ? Math.floor(v) : Math.round(v)),
  round_prefer_ceil: (v) => Math.round(v),
  floor: Math.floor,
  ceil: Math.ceil,
};

/**
 * The interpolation taps of one axis: for each tap, the source index and weight per output, and
 * the outputs that read outside the input (tf_crop_and_resize gives them `extrapolation_value`).
 */
interface Taps {
  readonly index: Int32Array[];
  readonly weight: Float64Array[];
  readonly outside: Uint8Array;
}

function cubicWeights(r: number, a: number): number[] {
  const t = [1 + r, r, 1 - r, 2 - r];
  return t.map((d) => {
    const x = Math.abs(d);
    return x <= 1
      ? ((a + 2) * x - (a + 3)) * x * x + 1
      : x < 2
        ? ((x - 5) * x + 8) * x * a - 4 * a
        : 0;
  });
}

function taps(
  ctx: OpContext,
  mode: string,
  inSize: number,
  outSize: number,
  scale: number,
  roi: [number, number] | undefined,
): Taps {
  const crop: Transform | undefined =
    roi &&
    ((x, _s, n, out) => {
      const [start, end] = roi;
      return out > 1
        ? start * (n - 1) + (x * (end - start) * (n - 1)) / (out - 1)
        : 0.5 * (start + end) * (n - 1);
    });
  const transform = crop ?? TRANSFORMS[ctx.string("coordinate_transformation_mode", "half_pixel")];
  if (transform === undefined)
    throw ctx.error(
      `coordinate_transformation_mode ${ctx.string("coordinate_transformation_mode")} is not supported`,
    );
  const k = mode === "nearest" ? 1 : mode === "linear" ? 2 : 4;
  const index = Array.from({ length: k }, () => new Int32Array(outSize));
  const weight = Array.from({ length: k }, () => new Float64Array(outSize));
  const outside = new Uint8Array(outSize);
  const clamp = (i: number) => Math.min(Math.max(i, 0), inSize - 1);
  const round = NEAREST[ctx.string("nearest_mode", "round_prefer_floor")];
  if (round === undefined)
    throw ctx.error(`nearest_mode ${ctx.string("nearest_mode")} is not supported`);
  const a = ctx.float("cubic_coeff_a", -0.75);
  const exclude = ctx.int("exclude_outside", 0) === 1;
  for (let o = 0; o < outSize; o++) {
    const x = transform(o, scale, inSize, crop ? outSize : scale * inSize);
    if (crop && (x < 0 || x > inSize - 1)) outside[o] = 1;
    if (mode === "nearest") {
      index[0]![o] = clamp(round(x));
      weight[0]![o] = 1;
      continue;
    }
    const base = Math.floor(x);
    const r = x - base;
    const ws = mode === "linear" ? [1 - r, r] : cubicWeights(r, a);
    const first = mode === "linear" ? base : base - 1;
    // Outside positions read the edge (ONNX pads by repeating it), or count for nothing.
    if (exclude) {
      let sum = 0;
      ws.forEach((w, j) => (sum += first + j < 0 || first + j >= inSize ? 0 : w));
      ws.forEach((w, j) => (ws[j] = first + j < 0 || first + j >= inSize ? 0 : w / sum));
    }
    ws.forEach((w, j) => {
      index[j]![o] = clamp(first + j);
      weight[j]![o] = w;
    });
  }
  return { index, weight, outside };
}

function resize(ctx: OpContext, opsetUpsample: boolean) {
  const mode = ctx.string("mode", "nearest");
  if (!["nearest", "linear", "cubic"].includes(mode))
    throw ctx.error(`mode ${mode} is not supported (nearest, linear, cubic)`);
  if (ctx.int("antialias", 0) !== 0) throw ctx.error("antialias is not supported");
  const cropping = ctx.string("coordinate_transformation_mode") === "tf_crop_and_resize";
  const roi = cropping ? ctx.static(1, "roi") : undefined;
  const extrapolation = ctx.float("extrapolation_value", 0);
  const scalesGiven = opsetUpsample ? ctx.static(1, "scales") : ctx.optionalStatic(2, "scales");
  const sizesGiven = opsetUpsample ? undefined : ctx.optionalStatic(3, "sizes");
  const policy = ctx.string("keep_aspect_ratio_policy", "stretch");
  return ([x]: readonly (nx.Tensor | undefined)[]) => {
    const rank = x!.rank;
    const axes = (ctx.ints("axes") ?? x!.shape.map((_, i) => i)).map((a) =>
      axisOf(a, rank, "axes"),
    );
    const inSizes = axes.map((a) => x!.shape[a]!);
    let scales: number[];
    let outSizes: number[];
    if (sizesGiven !== undefined && sizesGiven.length > 0) {
      const ratios = sizesGiven.map((s, i) => s / inSizes[i]!);
      if (policy === "stretch") {
        scales = ratios;
        outSizes = sizesGiven;
      } else {
        const s = policy === "not_larger" ? Math.min(...ratios) : Math.max(...ratios);
        scales = ratios.map(() => s);
        outSizes = inSizes.map((n) => Math.round(n * s));
      }
    } else if (scalesGiven !== undefined && scalesGiven.length > 0) {
      scales = scalesGiven;
      outSizes = inSizes.map((n, i) => Math.floor(n * scales[i]!));
    } else throw ctx.error("needs scales or sizes");
    let y = mode === "nearest" ? x! : nx.asType(x!, x!.dtype === "f64" ? "f64" : "f32");
    axes.forEach((axis, i) => {
      if (outSizes[i] === inSizes[i] && scales[i] === 1 && roi === undefined) return;
      const region = roi && ([roi[i]!, roi[i + axes.length]!] as [number, number]);
      const t = taps(ctx, mode, inSizes[i]!, outSizes[i]!, scales[i]!, region);
      const shape = y.shape.map((d, j) => (j === axis ? outSizes[i]! : 1));
      let sum: nx.Tensor | undefined;
      t.index.forEach((idx, j) => {
        const picked = nx.take(y, nx.tensor(idx), { axis });
        const term =
          mode === "nearest"
            ? picked
            : nx.multiply(picked, nx.reshape(nx.tensor(t.weight[j]!, { dtype: y.dtype }), shape));
        sum = sum === undefined ? term : nx.add(sum, term);
      });
      y = sum!;
      if (t.outside.some((v) => v === 1)) {
        const mask = nx.reshape(nx.tensor(t.outside), shape);
        y = nx.select(mask, nx.asType(nx.tensor(extrapolation), y.dtype), y);
      }
    });
    // f16 and bf16 are interpolated in f32 and rounded back once.
    return nx.isFloat(x!.dtype) && y.dtype !== x!.dtype ? nx.asType(y, x!.dtype) : y;
  };
}

defineOp("Resize", (ctx) => resize(ctx, false));
defineOp("Upsample", (ctx) => resize(ctx, true));
