/** Sorting: the stable argsort primitive (sort and topK gather with it). */
import { definePrimitive, noDerivative } from "../primitive.js";
import { checkIndexable, stridesOf } from "../shape.js";
import { flag } from "../compile/literal.js";

/** Stable argsort along `axis`; NaN counts as the largest value (as in NumPy). */
export const argsort = definePrimitive<{ axis: number; descending: boolean }>({
  name: "argsort",
  infer: ([x], { axis }) => {
    checkIndexable("argsort", x!.shape[axis] ?? 1);
    return { shape: x!.shape, dtype: "s32" };
  },
  vjp: noDerivative("its result is an integer index"),
  lowering: {
    kind: "call",
    call: ({ shape, params: { axis, descending } }) => {
      const n = shape[axis]!;
      const stride = stridesOf(shape)[axis]!;
      const lines = n === 0 ? 0 : shape.reduce((a, b) => a * b, 1) / n;
      return {
        kernel: argsortLines,
        args: [
          { output: true },
          { input: 0 },
          lines,
          n,
          stride,
          flag(descending, "argsort descending"),
        ],
      };
    },
  },
});

function argsortLines(
  out: Int32Array,
  x: ArrayLike<number>,
  lines: number,
  n: number,
  stride: number,
  descending: boolean,
): void {
  const order = new Array<number>(n);
  const values = new Float64Array(n);
  const sign = descending ? -1 : 1;
  for (let line = 0; line < lines; line++) {
    const outer = Math.floor(line / stride);
    const base = outer * n * stride + (line % stride);
    for (let i = 0; i < n; i++) {
      order[i] = i;
      values[i] = x[base + i * stride]!;
    }
    order.sort((a, b) => {
      const va = values[a]!;
      const vb = values[b]!;
      if (va !== va || vb !== vb) return va !== va ? (vb !== vb ? a - b : sign) : -sign;
      return va === vb ? a - b : va < vb ? -sign : sign;
    });
    for (let i = 0; i < n; i++) out[base + i * stride] = order[i]!;
  }
}
