/**
 * ONNX shape ops: Reshape, Transpose, Concat, Slice, Gather, Squeeze, Unsqueeze, Flatten, Expand,
 * Tile, Shape, Size, Split, Pad, ConstantOfShape, Range, Trilu, OneHot, and friends. Values that
 * decide shapes (a Reshape's shape, a Slice's starts) must be known at import.
 */
import * as nx from "@dendrite/tensor";
import { axisOf, defineOp } from "../context.js";
import { NodeError } from "../errors.js";

defineOp("Reshape", (ctx) => {
  const allowZero = ctx.int("allowzero", 0) === 1;
  const target = ctx.has(1) ? ctx.static(1, "shape") : ctx.ints("shape", []);
  return ([x]) => {
    const shape = target.map((d, i) => (d === 0 && !allowZero ? x!.shape[i]! : d));
    return nx.reshape(x!, shape);
  };
});

defineOp("Transpose", (ctx) => {
  const perm = ctx.ints("perm");
  return ([x]) => nx.transpose(x!, perm ?? x!.shape.map((_, i) => x!.rank - 1 - i));
});

defineOp("Concat", (ctx) => {
  const axis = ctx.int("axis");
  if (axis === undefined) throw ctx.error(`attribute "axis" is required`);
  return (xs) => {
    const given = xs.filter((x): x is nx.Tensor => x !== undefined);
    return nx.concatenate(given, { axis: axisOf(axis, given[0]!.rank) });
  };
});

defineOp("Flatten", (ctx) => {
  const axis = ctx.int("axis", 1);
  return ([x]) => {
    const a = axis < 0 ? axis + x!.rank : axis;
    if (a < 0 || a > x!.rank) throw new NodeError(`axis ${axis} is out of range`);
    const lead = x!.shape.slice(0, a).reduce((p, d) => p * d, 1);
    return nx.reshape(x!, [lead, x!.size / Math.max(lead, 1) || 0]);
  };
});

function squeezeAxes(ctx: Parameters<Parameters<typeof defineOp>[1]>[0]): number[] | undefined {
  return ctx.has(1) ? ctx.static(1, "axes") : ctx.ints("axes");
}

defineOp("Squeeze", (ctx) => {
  const axes = squeezeAxes(ctx);
  return ([x]) =>
    nx.squeeze(x!, axes === undefined ? {} : { axes: axes.map((a) => axisOf(a, x!.rank)) });
});

defineOp("Unsqueeze", (ctx) => {
  const axes = squeezeAxes(ctx);
  if (axes === undefined) throw ctx.error("needs axes");
  return ([x]) => {
    const rank = x!.rank + axes.length;
    const sorted = axes.map((a) => axisOf(a, rank, "axes")).sort((a, b) => a - b);
    const shape = [...x!.shape];
    for (const a of sorted) shape.splice(a, 0, 1);
    return nx.reshape(x!, shape);
  };
});

defineOp("Expand", (ctx) => {
  const target = ctx.static(1, "shape");
  return ([x]) => {
    const rank = Math.max(x!.rank, target.length);
    const xs = [...Array(rank - x!.rank).fill(1), ...x!.shape];
    const ts = [...Array(rank - target.length).fill(1), ...target];
    const shape = xs.map((d, i) => (d === 1 ? ts[i]! : d));
    return nx.broadcast(x!, shape);
  };
});

defineOp("Tile", (ctx) => {
  const reps = ctx.static(1, "repeats");
  return ([x]) => nx.tile(x!, reps);
});

defineOp("Shape", (ctx) => {
  const start = ctx.int("start", 0);
  const end = ctx.int("end");
  return ([x]) => {
    const r = x!.rank;
    const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + r : i, 0), r);
    const dims = x!.shape.slice(clampIdx(start), end === undefined ? r : clampIdx(end));
    return nx.tensor(Int32Array.from(dims));
  };
});
defineOp(
  "Size",
  () =>
    ([x]) =>
      nx.tensor(Int32Array.from([x!.size])).reshape([]),
);

defineOp("ConstantOfShape", (ctx) => {
  const shape = ctx.static(0, "shape");
  const value = ctx.tensor("value");
  return () => {
    const v = value ?? nx.tensor(Float32Array.from([0]));
    return nx.broadcast(nx.reshape(v, []), shape);
  };
});

defineOp("Constant", (ctx) => {
  const t = ctx.tensor("value");
  if (t) return () => t;
  const f = ctx.float("value_float");
  if (f !== undefined) return () => nx.tensor(Float32Array.from([f])).reshape([]);
  const fs = ctx.floats("value_floats");
  if (fs !== undefined) return () => nx.tensor(Float32Array.from(fs));
  const i = ctx.int("value_int");
  if (i !== undefined) return () => nx.tensor(Int32Array.from([i])).reshape([]);
  const is = ctx.ints("value_ints");
  if (is !== undefined) return () => nx.tensor(Int32Array.from(is));
  throw ctx.error("has no value attribute Dendrite can read (value, value_float(s), value_int(s))");
});

defineOp("Slice", (ctx) => {
  const old = ctx.opset < 10;
  const starts = old ? ctx.ints("starts", []) : ctx.static(1, "starts");
  const ends = old ? ctx.ints("ends", []) : ctx.static(2, "ends");
  const axesGiven = old ? ctx.ints("axes") : ctx.optionalStatic(3, "axes");
  const steps = old ? undefined : ctx.optionalStatic(4, "steps");
  return ([x]) => {
    let y = x!;
    const axes = axesGiven ?? starts.map((_, i) => i);
    axes.forEach((axis, i) => {
      const a = axisOf(axis, y.rank);
      const n = y.shape[a]!;
      const step = steps?.[i] ?? 1;
      if (step === 0) throw new NodeError("a step of 0");
      let s = starts[i]!;
      let e = ends[i]!;
      if (s < 0) s += n;
      if (e < 0) e += n;
      if (step > 0) {
        s = Math.min(Math.max(s, 0), n);
        e = Math.min(Math.max(e, 0), n);
        const count = Math.max(0, Math.ceil((e - s) / step));
        y = nx.sliceAlong(y, s, count && (count - 1) * step + 1, { axis: a, stride: step });
      } else {
        s = Math.min(Math.max(s, -1), n - 1);
        e = Math.min(Math.max(e, -1), n - 1);
        const count = Math.max(0, Math.ceil((s - e) / -step));
        // Reverse the axis, then slice forward from the mirrored start.
        const r = nx.reverse(y, { axes: [a] });
        y = nx.sliceAlong(r, n - 1 - s, count && (count - 1) * -step + 1, {
          axis: a,
          stride: -step,
        });
      }
    });
    return y;
  };
});

defineOp("Gather", (ctx) => {
  const axis = ctx.int("axis", 0);
  return ([x, idx]) => {
    const a = axisOf(axis, x!.rank);
    const n = x!.shape[a]!;
    const i = nx.asType(idx!, "s32");
    const fixed = nx.select(nx.less(i, 0), nx.add(i, n), i);
    return nx.take(x!, fixed, { axis: a });
  };
});

defineOp("GatherElements", (ctx) => {
  const axis = ctx.int("axis", 0);
  return ([x, idx]) => {
    const a = axisOf(axis, x!.rank);
    const n = x!.shape[a]!;
    const i = nx.asType(idx!, "s32");
    return nx.takeAlongAxis(x!, nx.select(nx.less(i, 0), nx.add(i, n), i), a);
  };
});

defineOp("GatherND", (ctx) => {
  if (ctx.int("batch_dims", 0) !== 0) throw ctx.error("batch_dims other than 0 is not supported");
  return ([x, idx]) => nx.gather(x!, nx.asType(idx!, "s32"));
});

defineOp("ScatterND", (ctx) => {
  const reduction = ctx.string("reduction", "none");
  if (reduction !== "none" && reduction !== "add")
    throw ctx.error(`reduction "${reduction}" is not supported (none, add)`);
  return ([x, idx, updates]) => {
    const i = nx.asType(idx!, "s32");
    return reduction === "add" ? nx.indexedAdd(x!, i, updates!) : nx.indexedPut(x!, i, updates!);
  };
});

/** ScatterElements' (and the old Scatter's) indices as full coordinates `[...shape, rank]`. */
function elementCoordinates(idx: nx.Tensor, axis: number, size: number): nx.Tensor {
  const i = nx.asType(idx, "s32");
  const wrapped = nx.select(nx.less(i, 0), nx.add(i, size), i);
  const coords = idx.shape.map((_, d) =>
    d === axis ? wrapped : nx.broadcast(nx.iota(idx.shape, { axis: d, dtype: "s32" }), idx.shape),
  );
  return nx.stack(coords, { axis: -1 });
}

defineOp(["ScatterElements", "Scatter"], (ctx) => {
  const axis = ctx.int("axis", 0);
  const reduction = ctx.string("reduction", "none");
  if (reduction !== "none" && reduction !== "add")
    throw ctx.error(`reduction "${reduction}" is not supported (none, add)`);
  return ([x, idx, updates]) => {
    const a = axisOf(axis, x!.rank);
    const coords = elementCoordinates(idx!, a, x!.shape[a]!);
    return reduction === "add"
      ? nx.indexedAdd(x!, coords, updates!)
      : nx.indexedPut(x!, coords, updates!);
  };
});

defineOp("Split", (ctx) => {
  const axis = ctx.int("axis", 0);
  const splitGiven = ctx.has(1) ? ctx.static(1, "split") : ctx.ints("split");
  const numOutputs = ctx.int("num_outputs") ?? ctx.outputCount;
  return ([x]) => {
    const a = axisOf(axis, x!.rank);
    const n = x!.shape[a]!;
    const chunk = Math.ceil(n / numOutputs);
    const sizes =
      splitGiven ??
      Array.from({ length: numOutputs }, (_, i) => Math.max(0, Math.min(chunk, n - i * chunk)));
    let at = 0;
    return sizes.map((len) => {
      const part = nx.sliceAlong(x!, at, len, { axis: a });
      at += len;
      return part;
    });
  };
});

defineOp("Pad", (ctx) => {
  const mode = ctx.string("mode", "constant");
  const modes: Record<string, nx.ReflectionMode> = {
    reflect: "reflect",
    edge: "edge",
    wrap: "wrap",
  };
  if (mode !== "constant" && !Object.hasOwn(modes, mode))
    throw ctx.error(`pad mode "${mode}" is not supported (constant, reflect, edge, wrap)`);
  const pads = ctx.opset < 11 ? ctx.ints("pads", []) : ctx.static(1, "pads");
  const value =
    ctx.opset < 11 ? ctx.float("value", 0) : (ctx.optionalStatic(2, "constant_value")?.[0] ?? 0);
  const axesGiven = ctx.optionalStatic(3, "axes");
  return ([x]) => {
    const r = x!.rank;
    const axes = (axesGiven ?? x!.shape.map((_, i) => i)).map((a) => axisOf(a, r));
    const config = x!.shape.map(() => [0, 0, 0]);
    axes.forEach((a, i) => {
      config[a] = [pads[i]!, pads[i + axes.length]!, 0];
    });
    if (mode === "constant") return nx.pad(x!, value, config);
    // Negative pads crop first; the rest is filled from the tensor itself.
    const cropped = nx.pad(
      x!,
      0,
      config.map(([lo, hi]) => [Math.min(lo!, 0), Math.min(hi!, 0)]),
    );
    const paddingConfig = config.map(([lo, hi]) => [Math.max(lo!, 0), Math.max(hi!, 0)] as const);
    return nx.reflect(cropped, { paddingConfig, reflectionMode: modes[mode]! });
  };
});

defineOp("CenterCropPad", (ctx) => {
  const target = ctx.static(1, "shape");
  return ([x]) => {
    const r = x!.rank;
    const axes = (ctx.ints("axes") ?? x!.shape.map((_, i) => i)).map((a) => axisOf(a, r, "axes"));
    const config = x!.shape.map(() => [0, 0, 0]);
    // A crop takes the centre (the extra position at the end); a pad adds the extra one at the end.
    axes.forEach((a, i) => {
      const diff = target[i]! - x!.shape[a]!;
      const low = diff >= 0 ? Math.floor(diff / 2) : -Math.floor(-diff / 2);
      config[a] = [low, diff - low, 0];
    });
    return nx.pad(x!, 0, config);
  };
});

defineOp("ReverseSequence", (ctx) => {
  const lengths = ctx.static(1, "sequence_lens");
  const batchAxis = ctx.int("batch_axis", 1);
  const timeAxis = ctx.int("time_axis", 0);
  return ([x]) => {
    const b = axisOf(batchAxis, x!.rank);
    const t = axisOf(timeAxis, x!.rank);
    const steps = x!.shape[t]!;
    // Each batch entry's first `length` steps reversed, the rest kept: one gather per entry.
    const rows = lengths.map((len, i) => {
      const order = Array.from({ length: steps }, (_, k) => (k < len ? len - 1 - k : k));
      const entry = nx.sliceAlong(x!, i, 1, { axis: b });
      return nx.take(entry, order, { axis: t });
    });
    return nx.concatenate(rows, { axis: b });
  };
});

defineOp("Range", (ctx) => {
  const [start] = ctx.static(0, "start");
  const [limit] = ctx.static(1, "limit");
  const [delta] = ctx.static(2, "delta");
  return ([s]) => {
    const n = Math.max(Math.ceil((limit! - start!) / delta!), 0);
    const values = Array.from({ length: n }, (_, i) => start! + i * delta!);
    return nx.tensor(values, { dtype: s!.dtype });
  };
});

defineOp("Trilu", (ctx) => {
  const upper = ctx.int("upper", 1) === 1;
  const k = ctx.optionalStatic(1, "k")?.[0] ?? 0;
  return ([x]) => {
    if (x!.shape.includes(0)) return x!;
    return upper ? nx.triu(x!, k) : nx.tril(x!, k);
  };
});

defineOp("EyeLike", (ctx) => {
  const k = ctx.int("k", 0);
  const to = ctx.int("dtype");
  return ([x]) => {
    const [rows, cols] = x!.shape as [number, number];
    const i = nx.iota([rows, cols], { axis: 0 });
    const j = nx.iota([rows, cols], { axis: 1 });
    const eq = nx.equal(nx.add(i, k), j);
    const dtype = to === undefined ? x!.dtype : to === 1 ? "f32" : to === 11 ? "f64" : "s32";
    return nx.asType(eq, dtype);
  };
});

defineOp("OneHot", (ctx) => {
  const axis = ctx.int("axis", -1);
  const [depth] = ctx.static(1, "depth");
  return ([idx, , values]) => {
    const d = Math.trunc(depth!);
    const i = nx.asType(idx!, "s32");
    const fixed = nx.select(nx.less(i, 0), nx.add(i, d), i);
    const rank = idx!.rank + 1;
    const a = axisOf(axis, rank);
    const shape = [...idx!.shape];
    shape.splice(a, 0, d);
    const pos = nx.iota(shape, { axis: a });
    const expanded = nx.reshape(
      fixed,
      shape.map((s, k) => (k === a ? 1 : s)),
    );
    const hot = nx.equal(pos, expanded);
    const off = nx.take(values!, [0]).reshape([]);
    const on = nx.take(values!, [1]).reshape([]);
    return nx.select(hot, on, off);
  };
});

function depthSpace(toDepth: boolean) {
  return (ctx: Parameters<Parameters<typeof defineOp>[1]>[0]) => {
    const b = ctx.int("blocksize");
    if (b === undefined) throw ctx.error(`attribute "blocksize" is required`);
    const crd = ctx.string("mode", "DCR") === "CRD";
    return ([x]: readonly (nx.Tensor | undefined)[]) => {
      const [n, c, h, w] = x!.shape as [number, number, number, number];
      if (toDepth) {
        const t = nx.reshape(x!, [n, c, h / b, b, w / b, b]);
        return nx.reshape(nx.transpose(t, [0, 3, 5, 1, 2, 4]), [n, c * b * b, h / b, w / b]);
      }
      const t = crd
        ? nx.transpose(nx.reshape(x!, [n, c / (b * b), b, b, h, w]), [0, 1, 4, 2, 5, 3])
        : nx.transpose(nx.reshape(x!, [n, b, b, c / (b * b), h, w]), [0, 3, 4, 1, 5, 2]);
      return nx.reshape(t, [n, c / (b * b), h * b, w * b]);
    };
  };
}
defineOp("DepthToSpace", depthSpace(false));
defineOp("SpaceToDepth", depthSpace(true));
