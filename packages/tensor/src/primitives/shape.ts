/**
 * Shape primitives. reshape/identity/stopGradient share the input's buffer; the rest are affine
 * copies (transpose, slice, pad, reverse, concatenate, updateSlice). Gathers are in gather.ts.
 */
import { definePrimitive, noDerivative } from "../primitive.js";
import type { Aval } from "../primitive.js";
import { formatType } from "../format.js";
import { stridesOf } from "../shape.js";
import type { CopyPlan, StridedView } from "../primitive.js";

const view = (offset: number, strides: readonly number[]): StridedView => ({ offset, strides });
/** One copy of input `input` over `shape`, from `src` to `dst`. */
const part = (input: number, shape: readonly number[], src: StridedView, dst: StridedView) => ({
  input,
  shape,
  src,
  dst,
});
/** A plan of the single copy `part(...)`. */
const single = (...args: Parameters<typeof part>): CopyPlan => ({ parts: [part(...args)] });

/**
 * The complex rule of a primitive whose params mean the same on pair views (c64[...] as
 * f32[..., 2], see core.ts's bind): the axes it names are the leading ones.
 */
const same = <P>(params: P): P => params;

/** Same data, new shape (sizes must match). */
export const reshape = definePrimitive<{ shape: readonly number[] }>({
  name: "reshape",
  infer: ([x], { shape }) => ({ shape, dtype: x!.dtype }),
  lowering: { kind: "alias" },
  vjp: (g, [x], _out, _params, nx) => [nx.reshape(g, x!.shape)],
  complex: ({ shape }) => ({ shape: [...shape, 2] }),
});

/** The same value as a new tensor (how `grad` marks its inputs). */
export const identity = definePrimitive({
  name: "identity",
  infer: ([x]) => x!,
  lowering: { kind: "alias" },
  vjp: (g) => [g],
  complex: same,
});

/** The same value, with no derivative flowing through it. */
export const stopGradient = definePrimitive({
  name: "stopGradient",
  infer: ([x]) => x!,
  lowering: { kind: "alias" },
  vjp: noDerivative("it exists to stop gradients"),
  complex: same,
});

/** Permutes axes: output axis d is input axis perm[d]. */
export const transpose = definePrimitive<{ perm: readonly number[] }>({
  name: "transpose",
  infer: ([x], { perm }) => ({ shape: perm.map((p) => x!.shape[p]!), dtype: x!.dtype }),
  lowering: {
    kind: "copy",
    copy: ({ inputs: [x], shape, params: { perm } }) => {
      const st = stridesOf(x!.shape);
      return single(
        0,
        shape,
        view(
          0,
          perm.map((p) => st[p]!),
        ),
        view(0, stridesOf(shape)),
      );
    },
  },
  vjp: (g, _x, _o, { perm }, nx) => {
    const inv = new Array<number>(perm.length);
    perm.forEach((p, d) => (inv[p] = d));
    return [nx.transpose(g, inv)];
  },
  complex: ({ perm }) => ({ perm: [...perm, perm.length] }),
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
    kind: "copy",
    copy: ({ inputs: [x], shape, params: { starts, steps } }) => {
      const st = stridesOf(x!.shape);
      const offset = starts.reduce((acc, a, d) => acc + a * st[d]!, 0);
      const src = view(
        offset,
        st.map((v, d) => v * steps[d]!),
      );
      return single(0, shape, src, view(0, stridesOf(shape)));
    },
  },
  vjp: (g, [x], _o, { starts, sizes, steps }, nx) => [
    nx.padPrim(
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
  complex: ({ starts, sizes, steps }) => ({
    starts: [...starts, 0],
    sizes: [...sizes, 2],
    steps: [...steps, 1],
  }),
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
    kind: "copy",
    copy: ({ inputs: [x], shape, params: { value, config } }) => {
      const ost = stridesOf(shape);
      const offset = config.reduce((acc, [lo], d) => acc + lo * ost[d]!, 0);
      const dst = view(
        offset,
        ost.map((v, d) => v * (config[d]![2] + 1)),
      );
      return { fill: value, parts: [part(0, x!.shape, view(0, stridesOf(x!.shape)), dst)] };
    },
  },
  vjp: (g, [x], _o, { config }, nx) => [
    nx.slice(
      g,
      config.map(([lo]) => lo),
      // slice takes lengths (it keeps ceil(length / stride) elements): n elements span (n − 1)·(mid + 1) + 1.
      x!.shape.map((n, d) => (n === 0 ? 0 : (n - 1) * (config[d]![2] + 1) + 1)),
      config.map(([, , mid]) => mid + 1),
    ),
  ],
  complex: ({ value, config }) => {
    if (value !== 0)
      throw new RangeError(`pad: a complex tensor pads with 0 only, got the value ${value}`);
    return { value, config: [...config, [0, 0, 0] as const] };
  },
});

/** Reverses the order of elements along `axes`. */
export const reverse = definePrimitive<{ axes: readonly number[] }>({
  name: "reverse",
  infer: ([x]) => x!,
  lowering: {
    kind: "copy",
    copy: ({ shape, params: { axes } }) => {
      const st = stridesOf(shape);
      const offset = axes.reduce((acc, d) => acc + (shape[d]! - 1) * st[d]!, 0);
      const src = view(
        offset,
        st.map((v, d) => (axes.includes(d) ? -v : v)),
      );
      return single(0, shape, src, view(0, st));
    },
  },
  vjp: (g, _x, _o, { axes }, nx) => [nx.reverse(g, { axes })],
  complex: same,
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
    kind: "copy",
    copy: ({ inputs, shape, params: { axis } }) => {
      const ost = stridesOf(shape);
      let at = 0;
      const parts = inputs.map((x, i) => {
        const p = part(i, x.shape, view(0, stridesOf(x.shape)), view(at * ost[axis]!, ost));
        at += x.shape[axis]!;
        return p;
      });
      return { parts };
    },
  },
  vjp: (g, xs, _o, { axis }, nx) => {
    let at = 0;
    return xs.map((x) => {
      const part = nx.sliceAlong(g, at, x.shape[axis]!, { axis });
      at += x.shape[axis]!;
      return part;
    });
  },
  complex: same,
});

/** x with the block `update` written at `starts`. */
export const updateSlice = definePrimitive<{ starts: readonly number[] }>({
  name: "updateSlice",
  infer: ([x]) => x!,
  lowering: {
    kind: "copy",
    copy: ({ inputs: [x, u], shape, params: { starts } }) => {
      const st = stridesOf(shape);
      const offset = starts.reduce((acc, a, d) => acc + a * st[d]!, 0);
      const whole = part(0, x!.shape, view(0, st), view(0, st));
      const block = part(1, u!.shape, view(0, stridesOf(u!.shape)), view(offset, st));
      return { parts: [whole, block] };
    },
  },
  vjp: (g, [, u], _o, { starts }, nx) => [
    nx.putSlice(g, starts, nx.zeros(u!.shape, { dtype: g.dtype })),
    nx.slice(g, starts, u!.shape),
  ],
  complex: ({ starts }) => ({ starts: [...starts, 0] }),
});
