/**
 * Shape primitives. reshape/identity/stopGradient share the input's buffer; the rest are affine
 * copies (transpose, slice, pad, reverse, concatenate, updateSlice). Gathers are in gather.ts.
 */
import { definePrimitive } from "../primitive.js";
import type { Aval } from "../primitive.js";
import { formatType } from "../format.js";
import { stridesOf } from "../shape.js";
import { stridedCopy } from "../compile/codegen.js";
import { lit } from "../compile/literal.js";
import * as s from "../ops/shape.js";
import { zeros } from "../ops/creation.js";

/** Same data, new shape (sizes must match). */
export const reshape = definePrimitive<{ shape: readonly number[] }>({
  name: "reshape",
  infer: ([x], { shape }) => ({ shape, dtype: x!.dtype }),
  lowering: { kind: "alias" },
  vjp: (g, [x]) => [s.reshape(g, x!.shape)],
});

/** The same value as a new tensor (how `grad` marks its inputs). */
export const identity = definePrimitive({
  name: "identity",
  infer: ([x]) => x!,
  lowering: { kind: "alias" },
  vjp: (g) => [g],
});

/** The same value, with no derivative flowing through it. */
export const stopGradient = definePrimitive({
  name: "stopGradient",
  infer: ([x]) => x!,
  lowering: { kind: "alias" },
});

/** Permutes axes: output axis d is input axis perm[d]. */
export const transpose = definePrimitive<{ perm: readonly number[] }>({
  name: "transpose",
  infer: ([x], { perm }) => ({ shape: perm.map((p) => x!.shape[p]!), dtype: x!.dtype }),
  lowering: {
    kind: "kernel",
    emit: ({ node, ins, out }) => {
      const st = stridesOf(node.inputs[0]!.shape);
      return stridedCopy(
        out,
        0,
        stridesOf(node.shape),
        ins[0]!,
        0,
        node.params.perm.map((p) => st[p]!),
        node.shape,
      );
    },
  },
  vjp: (g, _x, _o, { perm }) => {
    const inv = new Array<number>(perm.length);
    perm.forEach((p, d) => (inv[p] = d));
    return [s.transpose(g, inv)];
  },
});

/** Static slice: starts, sizes and steps per axis (steps ≥ 1). */
export const slice = definePrimitive<{
  starts: readonly number[];
  sizes: readonly number[];
  steps: readonly number[];
}>({
  name: "slice",
  infer: ([x], { sizes }) => ({ shape: sizes, dtype: x!.dtype }),
  lowering: {
    kind: "kernel",
    emit: ({ node, ins, out }) => {
      const { starts, steps } = node.params;
      const st = stridesOf(node.inputs[0]!.shape);
      const offset = starts.reduce((acc, a, d) => acc + a * st[d]!, 0);
      return stridedCopy(
        out,
        0,
        stridesOf(node.shape),
        ins[0]!,
        offset,
        st.map((v, d) => v * steps[d]!),
        node.shape,
      );
    },
  },
  vjp: (g, [x], _o, { starts, sizes, steps }) => [
    s.padPrim(
      g,
      0,
      x!.shape.map((n, d) => {
        const last = sizes[d]! === 0 ? starts[d]! : starts[d]! + (sizes[d]! - 1) * steps[d]!;
        return [
          starts[d]!,
          sizes[d]! === 0 ? n - starts[d]! : n - last - 1,
          sizes[d]! === 0 ? 0 : steps[d]! - 1,
        ] as const;
      }),
    ),
  ],
});

/** Pads with a constant: per axis [low, high, interior] (all ≥ 0). */
export const pad = definePrimitive<{
  value: number;
  config: readonly (readonly [number, number, number])[];
}>({
  name: "pad",
  infer: ([x], { config }) => ({
    shape: x!.shape.map((n, d) => {
      const [lo, hi, mid] = config[d]!;
      return lo + hi + n + Math.max(0, n - 1) * mid;
    }),
    dtype: x!.dtype,
  }),
  lowering: {
    kind: "kernel",
    emit: ({ node, ins, out }) => {
      const { value, config } = node.params;
      const ost = stridesOf(node.shape);
      const offset = config.reduce((acc, [lo], d) => acc + lo * ost[d]!, 0);
      const xs = node.inputs[0]!.shape;
      return `${out}.fill(${lit(value, "pad value")});\n${stridedCopy(
        out,
        offset,
        ost.map((v, d) => v * (config[d]![2] + 1)),
        ins[0]!,
        0,
        stridesOf(xs),
        xs,
      )}`;
    },
  },
  vjp: (g, [x], _o, { config }) => [
    s.slice(
      g,
      config.map(([lo]) => lo),
      // slice takes lengths (it keeps ceil(length / stride) elements): n elements span (n − 1)·(mid + 1) + 1.
      x!.shape.map((n, d) => (n === 0 ? 0 : (n - 1) * (config[d]![2] + 1) + 1)),
      config.map(([, , mid]) => mid + 1),
    ),
  ],
});

/** Reverses the order of elements along `axes`. */
export const reverse = definePrimitive<{ axes: readonly number[] }>({
  name: "reverse",
  infer: ([x]) => x!,
  lowering: {
    kind: "kernel",
    emit: ({ node, ins, out }) => {
      const shape = node.shape;
      const st = stridesOf(shape);
      const axes = node.params.axes;
      const offset = axes.reduce((acc, d) => acc + (shape[d]! - 1) * st[d]!, 0);
      return stridedCopy(
        out,
        0,
        st,
        ins[0]!,
        offset,
        st.map((v, d) => (axes.includes(d) ? -v : v)),
        shape,
      );
    },
  },
  vjp: (g, _x, _o, { axes }) => [s.reverse(g, { axes })],
});

/** Joins tensors along an axis (same dtype; other axes equal). */
export const concatenate = definePrimitive<{ axis: number }>({
  name: "concatenate",
  infer: (xs, { axis }) => {
    const first = xs[0]!;
    xs.forEach((x: Aval, i) => {
      const ok =
        x.dtype === first.dtype &&
        x.shape.length === first.shape.length &&
        x.shape.every((d, k) => k === axis || d === first.shape[k]);
      if (!ok) {
        throw new RangeError(
          `concatenate: tensor ${i} is ${formatType(x.shape, x.dtype)}, which does not match ${formatType(first.shape, first.dtype)} on the axes other than ${axis}`,
        );
      }
    });
    const shape = first.shape.slice();
    shape[axis] = xs.reduce((acc: number, x: Aval) => acc + x.shape[axis]!, 0);
    return { shape, dtype: first.dtype };
  },
  lowering: {
    kind: "kernel",
    emit: ({ node, ins, out }) => {
      const axis = node.params.axis;
      const ost = stridesOf(node.shape);
      let at = 0;
      return node.inputs
        .map((x, i) => {
          const code = stridedCopy(
            out,
            at * ost[axis]!,
            ost,
            ins[i]!,
            0,
            stridesOf(x.shape),
            x.shape,
          );
          at += x.shape[axis]!;
          return code;
        })
        .join("\n");
    },
  },
  vjp: (g, xs, _o, { axis }) => {
    let at = 0;
    return xs.map((x) => {
      const part = s.sliceAlong(g, at, x.shape[axis]!, { axis });
      at += x.shape[axis]!;
      return part;
    });
  },
});

/** x with the block `update` written at `starts`. */
export const updateSlice = definePrimitive<{ starts: readonly number[] }>({
  name: "updateSlice",
  infer: ([x]) => x!,
  lowering: {
    kind: "kernel",
    emit: ({ node, ins, out }) => {
      const st = stridesOf(node.shape);
      const u = node.inputs[1]!.shape;
      const offset = node.params.starts.reduce((acc, a, d) => acc + a * st[d]!, 0);
      return `${out}.set(${ins[0]});\n${stridedCopy(out, offset, st, ins[1]!, 0, stridesOf(u), u)}`;
    },
  },
  vjp: (g, [, u], _o, { starts }) => [
    s.putSlice(g, starts, zeros(u!.shape, { dtype: g.dtype })),
    s.slice(g, starts, u!.shape),
  ],
});
