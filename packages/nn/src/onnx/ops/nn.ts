/**
 * ONNX neural-network ops: MatMul, Einsum, Det, Gemm, Conv, pooling, normalizations, Softmax and friends,
 * Dropout (inference), TopK.
 */
import * as nx from "@dendrite/tensor";
import { axisOf, defineOp, type OpContext } from "../context.js";
import { NodeError } from "../errors.js";

defineOp(
  "MatMul",
  () =>
    ([a, b]) =>
      nx.matmul(a!, b!),
);

defineOp("Einsum", (ctx) => {
  const equation = ctx.string("equation", "");
  return (inputs) => nx.einsum(equation, ...inputs.map((x) => x!));
});

defineOp(
  "Det",
  () =>
    ([x]) =>
      nx.determinant(x!),
);

defineOp("Gemm", (ctx) => {
  const alpha = ctx.float("alpha", 1);
  const beta = ctx.float("beta", 1);
  const transA = ctx.int("transA", 0) === 1;
  const transB = ctx.int("transB", 0) === 1;
  return ([a, b, c]) => {
    const y = nx.matmul(transA ? nx.transpose(a!) : a!, transB ? nx.transpose(b!) : b!);
    const scaled = alpha === 1 ? y : nx.multiply(y, alpha);
    if (c === undefined) return scaled;
    return nx.add(scaled, beta === 1 ? c : nx.multiply(c, beta));
  };
});

/** Spatial padding pairs from ONNX's pads / auto_pad for input sizes, windows, strides. */
function spatialPadding(
  ctx: OpContext,
  sizes: readonly number[],
  windows: readonly number[],
  strides: readonly number[],
): [number, number][] {
  const n = sizes.length;
  const autoPad = ctx.string("auto_pad", "NOTSET");
  if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    return sizes.map((size, i) => {
      const out = Math.ceil(size / strides[i]!);
      const total = Math.max((out - 1) * strides[i]! + windows[i]! - size, 0);
      const small = Math.floor(total / 2);
      return autoPad === "SAME_UPPER" ? [small, total - small] : [total - small, small];
    });
  }
  if (autoPad === "VALID") return sizes.map(() => [0, 0]);
  if (autoPad !== "NOTSET") throw new NodeError(`unknown auto_pad "${autoPad}"`);
  const pads = ctx.ints("pads", Array(2 * n).fill(0));
  return sizes.map((_, i) => [pads[i]!, pads[i + n]!]);
}

defineOp("Conv", (ctx) => {
  const group = ctx.int("group", 1);
  return ([x, w, b]) => {
    const s = x!.rank - 2;
    const kernel = ctx.ints("kernel_shape", w!.shape.slice(2));
    const strides = ctx.ints("strides", Array(s).fill(1));
    const dilations = ctx.ints("dilations", Array(s).fill(1));
    const dilated = kernel.map((k, i) => (k - 1) * dilations[i]! + 1);
    const padding = spatialPadding(ctx, x!.shape.slice(2), dilated, strides);
    const y = nx.conv(x!, w!, {
      strides,
      padding,
      kernelDilation: dilations,
      featureGroupSize: group,
    });
    if (b === undefined) return y;
    return nx.add(y, nx.reshape(b, [1, b.size, ...Array(s).fill(1)]));
  };
});

defineOp("ConvTranspose", (ctx) => {
  const group = ctx.int("group", 1);
  if (ctx.hasAttr("output_shape")) throw ctx.error("the output_shape attribute is not supported");
  const autoPad = ctx.string("auto_pad", "NOTSET");
  return ([x, w, b]) => {
    const s = x!.rank - 2;
    const kernel = ctx.ints("kernel_shape", w!.shape.slice(2));
    const strides = ctx.ints("strides", Array(s).fill(1));
    const dilations = ctx.ints("dilations", Array(s).fill(1));
    const extra = ctx.ints("output_padding", Array(s).fill(0));
    const spans = kernel.map((k, i) => (k - 1) * dilations[i]! + 1);
    // ONNX's pads crop the full output; auto_pad SAME_* crops it to input × strides.
    const pads: [number, number][] = spans.map((span, i) => {
      if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
        const total = Math.max(span + extra[i]! - strides[i]!, 0);
        const small = Math.floor(total / 2);
        return autoPad === "SAME_UPPER" ? [small, total - small] : [total - small, small];
      }
      const p = ctx.ints("pads", Array(2 * s).fill(0));
      return [p[i]!, p[i + s]!];
    });
    // The scatter of each input value times the kernel is a convolution of the input dilated by
    // the strides with the kernel flipped and its channel axes swapped (per group).
    const [cin, perGroup] = [w!.shape[0]!, w!.shape[1]!];
    const spatial = Array.from({ length: s }, (_, i) => i + 3);
    const grouped = nx.reshape(w!, [group, cin / group, perGroup, ...w!.shape.slice(2)]);
    const swapped = nx.transpose(grouped, [0, 2, 1, ...spatial]);
    const k = nx.reverse(
      nx.reshape(swapped, [group * perGroup, cin / group, ...w!.shape.slice(2)]),
      {
        axes: spatial.map((a) => a - 1),
      },
    );
    const y = nx.conv(x!, k, {
      inputDilation: strides,
      padding: spans.map((span, i) => [span - 1 - pads[i]![0], span - 1 - pads[i]![1] + extra[i]!]),
      kernelDilation: dilations,
      featureGroupSize: group,
    });
    if (b === undefined) return y;
    return nx.add(y, nx.reshape(b, [1, b.size, ...Array(s).fill(1)]));
  };
});

function pool(kind: "max" | "average" | "lp") {
  return (ctx: OpContext) => {
    if (ctx.outputCount > 1 && ctx.node.outputs[1] !== "")
      throw ctx.error("the Indices output of MaxPool is not supported");
    const kernel = ctx.ints("kernel_shape");
    if (kernel === undefined) throw ctx.error(`attribute "kernel_shape" is required`);
    const ceil = ctx.int("ceil_mode", 0) === 1;
    const includePad = ctx.int("count_include_pad", 0) === 1;
    const p = ctx.int("p", 2);
    return ([x]: readonly (nx.Tensor | undefined)[]) => {
      const s = kernel.length;
      const strides = ctx.ints("strides", Array(s).fill(1));
      const dilations = ctx.ints("dilations", Array(s).fill(1));
      const dilated = kernel.map((k, i) => (k - 1) * dilations[i]! + 1);
      const sizes = x!.shape.slice(2);
      const pads = spatialPadding(ctx, sizes, dilated, strides);
      // ceil_mode: extra padding at the end for a last, partial window that starts inside.
      const extra = sizes.map((size, i) => {
        if (!ceil) return 0;
        const span = size + pads[i]![0] + pads[i]![1] - dilated[i]!;
        let out = Math.ceil(span / strides[i]!) + 1;
        if ((out - 1) * strides[i]! >= size + pads[i]![0]) out--;
        return Math.max(
          0,
          (out - 1) * strides[i]! + dilated[i]! - (size + pads[i]![0] + pads[i]![1]),
        );
      });
      const padding: [number, number][] = [
        [0, 0],
        [0, 0],
        ...pads.map(([lo, hi], i): [number, number] => [lo, hi + extra[i]!]),
      ];
      const options = {
        strides: [1, 1, ...strides],
        padding,
        windowDilations: [1, 1, ...dilations],
      };
      const window = [1, 1, ...kernel];
      if (kind === "max") return nx.windowMax(x!, window, options);
      if (kind === "lp") {
        const sum = nx.windowSum(nx.pow(nx.abs(x!), p), window, options);
        return nx.pow(sum, 1 / p);
      }
      const sum = nx.windowSum(x!, window, options);
      // The count of each window: real elements, plus explicit padding with count_include_pad.
      const ones = nx.onesLike(x!);
      const counted = includePad
        ? nx.windowSum(
            nx.pad(ones, 1, [[0, 0, 0], [0, 0, 0], ...pads.map(([lo, hi]) => [lo, hi, 0])]),
            window,
            {
              ...options,
              padding: [[0, 0], [0, 0], ...extra.map((e): [number, number] => [0, e])],
            },
          )
        : nx.windowSum(ones, window, options);
      return nx.divide(sum, counted);
    };
  };
}
defineOp("MaxPool", pool("max"));
defineOp("AveragePool", pool("average"));
defineOp("LpPool", pool("lp"));

const spatialAxes = (x: nx.Tensor) => x.shape.map((_, i) => i).slice(2);
defineOp(
  "GlobalAveragePool",
  () =>
    ([x]) =>
      nx.mean(x!, { axes: spatialAxes(x!), keepAxes: true }),
);
defineOp(
  "GlobalMaxPool",
  () =>
    ([x]) =>
      nx.reduceMax(x!, { axes: spatialAxes(x!), keepAxes: true }),
);

/** A per-channel vector [C] shaped to broadcast against [N, C, ...]. */
const perChannel = (v: nx.Tensor, rank: number) =>
  nx.reshape(v, [1, v.size, ...Array(rank - 2).fill(1)]);

defineOp("BatchNormalization", (ctx) => {
  const eps = ctx.float("epsilon", 1e-5);
  if (ctx.int("training_mode", 0) === 1)
    throw ctx.error("training_mode=1 is not supported (inference only)");
  if (ctx.node.outputs.slice(1).some((o) => o !== ""))
    throw ctx.error("the running-statistics outputs are not supported (inference only)");
  return ([x, scale, bias, mean, variance]) => {
    const r = x!.rank;
    const inv = nx.rsqrt(nx.add(perChannel(variance!, r), eps));
    const y = nx.multiply(nx.subtract(x!, perChannel(mean!, r)), inv);
    return nx.add(nx.multiply(y, perChannel(scale!, r)), perChannel(bias!, r));
  };
});

defineOp("InstanceNormalization", (ctx) => {
  const eps = ctx.float("epsilon", 1e-5);
  return ([x, scale, bias]) => {
    const axes = spatialAxes(x!);
    const mean = nx.mean(x!, { axes, keepAxes: true });
    const variance = nx.variance(x!, { axes, keepAxes: true });
    const y = nx.multiply(nx.subtract(x!, mean), nx.rsqrt(nx.add(variance, eps)));
    const r = x!.rank;
    return nx.add(nx.multiply(y, perChannel(scale!, r)), perChannel(bias!, r));
  };
});

defineOp("GroupNormalization", (ctx) => {
  const eps = ctx.float("epsilon", 1e-5);
  const groups = ctx.int("num_groups");
  if (groups === undefined) throw ctx.error("the num_groups attribute is required");
  return ([x, scale, bias]) => {
    const [n, c] = x!.shape as [number, number];
    if (groups <= 0 || c % groups !== 0)
      throw ctx.error(`num_groups ${groups} does not divide the ${c} channels`);
    const grouped = nx.reshape(x!, [n, groups, -1]);
    const mean = nx.mean(grouped, { axes: [2], keepAxes: true });
    const variance = nx.variance(grouped, { axes: [2], keepAxes: true });
    const normal = nx.divide(nx.subtract(grouped, mean), nx.sqrt(nx.add(variance, eps)));
    const y = nx.reshape(normal, x!.shape);
    // Opset 18 gives one scale and bias per group, opset 21 one per channel.
    const channels = (v: nx.Tensor) =>
      v.size === c
        ? v
        : nx.reshape(nx.broadcast(nx.reshape(v, [groups, 1]), [groups, c / groups]), [c]);
    const r = x!.rank;
    return nx.add(nx.multiply(y, perChannel(channels(scale!), r)), perChannel(channels(bias!), r));
  };
});

defineOp("LayerNormalization", (ctx) => {
  const axis = ctx.int("axis", -1);
  const eps = ctx.float("epsilon", 1e-5);
  return ([x, scale, bias]) => {
    const a = axisOf(axis, x!.rank);
    const axes = x!.shape.map((_, i) => i).slice(a);
    const mean = nx.mean(x!, { axes, keepAxes: true });
    const centered = nx.subtract(x!, mean);
    const variance = nx.mean(nx.multiply(centered, centered), { axes, keepAxes: true });
    const inv = nx.rsqrt(nx.add(variance, eps));
    let y = nx.multiply(nx.multiply(centered, inv), scale!);
    if (bias !== undefined) y = nx.add(y, bias);
    return [y, mean, inv];
  };
});

defineOp("RMSNormalization", (ctx) => {
  const axis = ctx.int("axis", -1);
  const eps = ctx.float("epsilon", 1e-5);
  return ([x, scale]) => {
    const a = axisOf(axis, x!.rank);
    const axes = x!.shape.map((_, i) => i).slice(a);
    const meanSquare = nx.mean(nx.multiply(x!, x!), { axes, keepAxes: true });
    return nx.multiply(nx.multiply(x!, nx.rsqrt(nx.add(meanSquare, eps))), scale!);
  };
});

defineOp("MeanVarianceNormalization", (ctx) => {
  const axes = ctx.ints("axes", [0, 2, 3]);
  return ([x]) => {
    const a = axes.map((v) => axisOf(v, x!.rank));
    const mean = nx.mean(x!, { axes: a, keepAxes: true });
    const variance = nx.variance(x!, { axes: a, keepAxes: true });
    return nx.divide(nx.subtract(x!, mean), nx.add(nx.sqrt(variance), 1e-9));
  };
});

defineOp("LpNormalization", (ctx) => {
  const axis = ctx.int("axis", -1);
  const p = ctx.int("p", 2);
  return ([x]) => {
    const a = axisOf(axis, x!.rank);
    const norm =
      p === 1
        ? nx.sum(nx.abs(x!), { axes: [a], keepAxes: true })
        : nx.sqrt(nx.sum(nx.multiply(x!, x!), { axes: [a], keepAxes: true }));
    // A zero vector stays zero (ONNX's reference), rather than 0 / 0.
    return nx.select(nx.equal(norm, 0), nx.zerosLike(x!), nx.divide(x!, norm));
  };
});

defineOp("LRN", (ctx) => {
  const size = ctx.int("size");
  if (size === undefined) throw ctx.error(`attribute "size" is required`);
  const alpha = ctx.float("alpha", 1e-4);
  const beta = ctx.float("beta", 0.75);
  const bias = ctx.float("bias", 1);
  return ([x]) => {
    const lo = Math.floor((size - 1) / 2);
    const padding: [number, number][] = x!.shape.map((_, i) =>
      i === 1 ? [lo, size - 1 - lo] : [0, 0],
    );
    const sq = nx.windowSum(
      nx.multiply(x!, x!),
      x!.shape.map((_, i) => (i === 1 ? size : 1)),
      {
        padding,
      },
    );
    return nx.divide(x!, nx.pow(nx.add(nx.multiply(sq, alpha / size), bias), beta));
  };
});

/** Softmax-like ops: one axis from opset 13, the flattened trailing axes before. */
function softmaxLike(f: (x: nx.Tensor, axis: number) => nx.Tensor) {
  return (ctx: OpContext) => {
    const legacy = ctx.opset < 13;
    const axis = ctx.int("axis", legacy ? 1 : -1);
    return ([x]: readonly (nx.Tensor | undefined)[]) => {
      const a = axisOf(axis, Math.max(x!.rank, 1));
      if (!legacy || x!.rank === 0) return f(x!, a);
      const lead = x!.shape.slice(0, a).reduce((p, d) => p * d, 1);
      const flat = nx.reshape(x!, [lead, x!.size / Math.max(lead, 1) || 0]);
      return nx.reshape(f(flat, 1), x!.shape);
    };
  };
}
defineOp(
  "Softmax",
  softmaxLike((x, a) => {
    const e = nx.exp(nx.subtract(x, nx.reduceMax(x, { axes: [a], keepAxes: true })));
    return nx.divide(e, nx.sum(e, { axes: [a], keepAxes: true }));
  }),
);
defineOp(
  "LogSoftmax",
  softmaxLike((x, a) => nx.subtract(x, nx.logsumexp(x, { axes: [a], keepAxes: true }))),
);
defineOp(
  "Hardmax",
  softmaxLike((x, a) => {
    const i = nx.argmax(x, { axis: a, keepAxis: true });
    const pos = nx.iota(x.shape, { axis: a });
    return nx.asType(nx.equal(pos, nx.asType(i, "s32")), x.dtype);
  }),
);

defineOp("Dropout", (ctx) => {
  const training = ctx.optionalStatic(2, "training_mode")?.[0] ?? 0;
  const ratio = ctx.optionalStatic(1, "ratio")?.[0] ?? ctx.float("ratio", 0.5);
  if (training && ratio > 0)
    throw ctx.error("training_mode=true is not supported (dropout runs in inference mode)");
  return ([x]) => [x!, nx.asType(nx.onesLike(x!), "u8")];
});

defineOp("TopK", (ctx) => {
  const axis = ctx.int("axis", -1);
  const largest = ctx.int("largest", 1) === 1;
  const [k] = ctx.opset < 10 ? [ctx.int("k", 1)] : ctx.static(1, "K");
  return ([x]) => {
    const a = axisOf(axis, x!.rank);
    const last = x!.rank - 1;
    const perm = x!.shape.map((_, i) => (i === a ? last : i === last ? a : i));
    const moved = a === last ? x! : nx.transpose(x!, perm);
    const { values, indices } = nx.topK(largest ? moved : nx.negate(moved), k!);
    const v = largest ? values : nx.negate(values);
    const back = (t: nx.Tensor) => (a === last ? t : nx.transpose(t, perm));
    return [back(v), nx.asType(back(indices), "s32")];
  };
});
