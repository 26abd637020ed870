// Kernels that run along one axis of an array seen as [outer, n, inner] (row-major): the index of
// the extreme value, and the running sum, product, maximum and minimum.

/**
 * The index along the middle axis of the first maximum (`max`) or minimum of each line of `x`,
 * seen as `[outer, n, inner]`; `out` is `[outer, inner]`. NaN counts as the extreme (NumPy): the
 * first NaN of a line wins. `n` must be at least 1.
 */
export function argReduceKernel(
  out: Int32Array,
  x: ArrayLike<number>,
  outer: number,
  n: number,
  inner: number,
  max: boolean,
): void {
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (let c = 0; c < inner; c++, o++) {
      const base = a * n * inner + c;
      let best = x[base]!;
      let at = 0;
      if (best === best) {
        for (let r = 1; r < n; r++) {
          const v = x[base + r * inner]!;
          if (v !== v) {
            at = r;
            break;
          }
          if (max ? v > best : v < best) {
            best = v;
            at = r;
          }
        }
      }
      out[o] = at;
    }
  }
}

/**
 * The running sum along the middle axis of `x` seen as `[outer, n, inner]` (from the end when
 * `reverse`), accumulated in doubles and rounded only where stored.
 */
export function cumulativeSumKernel(
  out: { [i: number]: number },
  x: ArrayLike<number>,
  outer: number,
  n: number,
  inner: number,
  reverse: boolean,
): void {
  for (let a = 0; a < outer; a++) {
    for (let c = 0; c < inner; c++) {
      const base = a * n * inner + c;
      let acc = 0;
      for (let r = 0; r < n; r++) {
        const q = base + (reverse ? n - 1 - r : r) * inner;
        acc += x[q]!;
        out[q] = acc;
      }
    }
  }
}

/**
 * The running product along the middle axis of `x` seen as `[outer, n, inner]` (from the end when
 * `reverse`): in doubles, rounded where stored, or as wrapping 32-bit integers when `int32`.
 */
export function cumulativeProductKernel(
  out: { [i: number]: number },
  x: ArrayLike<number>,
  outer: number,
  n: number,
  inner: number,
  reverse: boolean,
  int32: boolean,
): void {
  for (let a = 0; a < outer; a++) {
    for (let c = 0; c < inner; c++) {
      const base = a * n * inner + c;
      let acc = 1;
      for (let r = 0; r < n; r++) {
        const q = base + (reverse ? n - 1 - r : r) * inner;
        acc = int32 ? Math.imul(acc, x[q]!) : acc * x[q]!;
        out[q] = acc;
      }
    }
  }
}

/**
 * The running maximum (`max`) or minimum along the middle axis of `x` seen as `[outer, n, inner]`
 * (from the end when `reverse`). A NaN stays the running value from where it appears on, as in
 * the max and min reductions.
 */
export function cumulativeExtremeKernel(
  out: { [i: number]: number },
  x: ArrayLike<number>,
  outer: number,
  n: number,
  inner: number,
  reverse: boolean,
  max: boolean,
): void {
  for (let a = 0; a < outer; a++) {
    for (let c = 0; c < inner; c++) {
      const base = a * n * inner + c;
      let acc = max ? -Infinity : Infinity;
      for (let r = 0; r < n; r++) {
        const q = base + (reverse ? n - 1 - r : r) * inner;
        const v = x[q]!;
        if (acc === acc && (v !== v || (max ? v > acc : v < acc))) acc = v;
        out[q] = acc;
      }
    }
  }
}
