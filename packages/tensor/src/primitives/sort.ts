/** Sorting: the stable argsort primitive (sort and topK gather with it; topK keeps the first k). */
import { definePrimitive, noDerivative } from "../primitive.js";
import { checkIndexable, stridesOf } from "../shape.js";
import { flag } from "../compile/literal.js";

/**
 * Stable argsort along `axis`, keeping the first `k` indices of each line (all of them for a
 * sort, a few for `topK`); NaN counts as the largest value (as in NumPy).
 */
export const argsort = definePrimitive<{ axis: number; descending: boolean; k: number }>({
  name: "argsort",
  infer: ([x], { axis, k }) => {
    checkIndexable("argsort", x!.shape[axis] ?? 1);
    const shape = x!.shape.slice();
    if (shape.length > 0) shape[axis] = k;
    return { shape, dtype: "s32" };
  },
  vjp: noDerivative("its result is an integer index"),
  lowering: {
    kind: "call",
    call: ({ inputs: [x], params: { axis, descending, k } }) => {
      const n = x!.shape[axis]!;
      const stride = stridesOf(x!.shape)[axis]!;
      const lines = n === 0 ? 0 : x!.shape.reduce((a, b) => a * b, 1) / n;
      return {
        kernel: argsortLines,
        args: [
          { output: true },
          { input: 0 },
          lines,
          n,
          stride,
          k,
          flag(descending, "argsort descending"),
        ],
      };
    },
  },
});

/** Up to this many kept indices, a line is scanned once keeping the best so far (no sort). */
const SELECT_MAX = 32;

function argsortLines(
  out: Int32Array,
  x: ArrayLike<number>,
  lines: number,
  n: number,
  stride: number,
  k: number,
  descending: boolean,
): void {
  const keys = new Float64Array(n);
  let order = new Int32Array(n);
  let spare = new Int32Array(n);
  const sign = descending ? -1 : 1;
  for (let line = 0; line < lines; line++) {
    const outer = Math.floor(line / stride);
    const inner = line % stride;
    const base = outer * n * stride + inner;
    // NaN counts as the largest value: the NaNs keep their order at the end (at the start when
    // descending); the other indices are sorted by key, negated when descending, so equal values
    // still keep their order.
    let nans = 0;
    for (let i = 0; i < n; i++) {
      const v = x[base + i * stride]!;
      keys[i] = sign * v;
      if (v !== v) nans++;
    }
    const m = n - nans;
    let at = descending ? nans : 0;
    let nanAt = descending ? 0 : m;
    for (let i = 0; i < n; i++) {
      if (keys[i] !== keys[i]) order[nanAt++] = i;
      else order[at++] = i;
    }
    const from = descending ? nans : 0;
    const wanted = Math.min(m, Math.max(0, k - from));
    if (k <= SELECT_MAX && k < n) selectBest(order.subarray(from, from + m), keys, wanted);
    else if (mergeSort(order.subarray(from, from + m), spare.subarray(from, from + m), keys)) {
      spare.set(order.subarray(0, from), 0);
      spare.set(order.subarray(from + m), from + m);
      [order, spare] = [spare, order];
    }
    // Selection leaves the NaNs of an ascending line after position `wanted`: move them up.
    if (!descending && wanted < k) order.copyWithin(wanted, m, m + (k - wanted));
    const outBase = outer * k * stride + inner;
    for (let i = 0; i < k; i++) out[outBase + i * stride] = order[i]!;
  }
}

/**
 * Moves the `count` indices of `a` with the smallest keys, in order (ties: the earlier first), to
 * the front of `a`, by one scan that keeps the best so far sorted.
 */
function selectBest(a: Int32Array, keys: Float64Array, count: number): void {
  if (count === 0) return;
  const best = new Int32Array(count);
  let size = 0;
  for (let p = 0; p < a.length; p++) {
    const idx = a[p]!;
    const key = keys[idx]!;
    if (size === count && !(key < keys[best[count - 1]!]!)) continue;
    let j = size === count ? count - 1 : size++;
    while (j > 0 && keys[best[j - 1]!]! > key) {
      best[j] = best[j - 1]!;
      j--;
    }
    best[j] = idx;
  }
  a.set(best);
}

const RUN = 16;

/**
 * Stable sort of the indices in `a` by `keys` (insertion-sorted runs, then bottom-up
 * merges between `a` and `b`). Returns true when the result ended in `b`.
 */
function mergeSort(a: Int32Array, b: Int32Array, keys: Float64Array): boolean {
  const m = a.length;
  for (let lo = 0; lo < m; lo += RUN) {
    const hi = Math.min(lo + RUN, m);
    for (let i = lo + 1; i < hi; i++) {
      const idx = a[i]!;
      const k = keys[idx]!;
      let j = i - 1;
      while (j >= lo && keys[a[j]!]! > k) {
        a[j + 1] = a[j]!;
        j--;
      }
      a[j + 1] = idx;
    }
  }
  let src = a;
  let dst = b;
  let swapped = false;
  for (let width = RUN; width < m; width *= 2) {
    for (let lo = 0; lo < m; lo += 2 * width) {
      const mid = Math.min(lo + width, m);
      const hi = Math.min(lo + 2 * width, m);
      let i = lo;
      let j = mid;
      let o = lo;
      while (i < mid && j < hi) {
        // Take from the right run only when strictly smaller: equal keys keep their order.
        if (keys[src[j]!]! < keys[src[i]!]!) dst[o++] = src[j++]!;
        else dst[o++] = src[i++]!;
      }
      while (i < mid) dst[o++] = src[i++]!;
      while (j < hi) dst[o++] = src[j++]!;
    }
    [src, dst] = [dst, src];
    swapped = !swapped;
  }
  return swapped;
}
