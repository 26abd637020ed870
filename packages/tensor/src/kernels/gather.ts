/**
 * Gather and scatter-add along one axis of an array viewed as [outer, n, inner], with NumPy's index
 * rules: an index i in [-n, n) picks element i (negative ones count from the end); anything else is
 * a RangeError naming the op, the axis and the index as given.
 *
 * `take` shares one list of m indices across every outer and inner position; `takeAlongAxis` has
 * one index per output element (indices laid out as [outer, m, inner]).
 */

/** Any typed array the tensors use. */
type Data = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;

function outOfBounds(op: string, i: number, axis: number, n: number): RangeError {
  return new RangeError(`${op}: index ${i} is out of bounds for axis ${axis} with size ${n}`);
}

/** out[a, k, b] = x[a, idx[k], b] (NumPy's take). */
export function takeKernel(
  out: Data,
  x: Data,
  idx: Data,
  outer: number,
  n: number,
  m: number,
  inner: number,
  axis: number,
): void {
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (let k = 0; k < m; k++) {
      const given = idx[k]!;
      const i = given < 0 ? given + n : given;
      if (!(i >= 0 && i < n)) throw outOfBounds("take", given, axis, n);
      const base = (a * n + i) * inner;
      for (let b = 0; b < inner; b++) out[o++] = x[base + b]!;
    }
  }
}

/** The transpose of `takeKernel`: out (zeroed here) gets u[a, k, b] added at [a, idx[k], b]. */
export function takeGradKernel(
  out: Data,
  u: Data,
  idx: Data,
  outer: number,
  n: number,
  m: number,
  inner: number,
  axis: number,
): void {
  out.fill(0);
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (let k = 0; k < m; k++) {
      const given = idx[k]!;
      const i = given < 0 ? given + n : given;
      if (!(i >= 0 && i < n)) throw outOfBounds("take", given, axis, n);
      const base = (a * n + i) * inner;
      for (let b = 0; b < inner; b++) out[base + b] += u[o++]!;
    }
  }
}

/** out[a, k, b] = x[a, idx[a, k, b], b] (NumPy's take_along_axis). */
export function takeAlongKernel(
  out: Data,
  x: Data,
  idx: Data,
  outer: number,
  n: number,
  m: number,
  inner: number,
  axis: number,
): void {
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (let k = 0; k < m; k++) {
      for (let b = 0; b < inner; b++, o++) {
        const given = idx[o]!;
        const i = given < 0 ? given + n : given;
        if (!(i >= 0 && i < n)) throw outOfBounds("takeAlongAxis", given, axis, n);
        out[o] = x[(a * n + i) * inner + b]!;
      }
    }
  }
}

/** The transpose of `takeAlongKernel`: out (zeroed here) gets u[a, k, b] added at [a, idx[a, k, b], b]. */
export function takeAlongGradKernel(
  out: Data,
  u: Data,
  idx: Data,
  outer: number,
  n: number,
  m: number,
  inner: number,
  axis: number,
): void {
  out.fill(0);
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (let k = 0; k < m; k++) {
      for (let b = 0; b < inner; b++, o++) {
        const given = idx[o]!;
        const i = given < 0 ? given + n : given;
        if (!(i >= 0 && i < n)) throw outOfBounds("takeAlongAxis", given, axis, n);
        out[(a * n + i) * inner + b] += u[o]!;
      }
    }
  }
}
