/**
 * The exponential core of the Wasm math functions (math.ts), in f64x2 lanes: e^x and e^x − 1, each
 * to a few units in the last place of a double, which math.ts rounds once to f32 as the
 * JavaScript loops round `Math.exp` and `Math.expm1`.
 *
 * x is clamped to [−708, 709], where 2^k below stays a normal double; past either end the f32
 * result of every function built on these (exp, expm1, sigmoid, tanh, sinh, cosh) is already 0,
 * −1, ±1 or ±∞. NaN passes through. Then e^x = 2^k · e^r with k = round(x / ln 2) and
 * r = x − k · ln 2 (ln 2 in two parts, so k · LN2_HI is exact), |r| ≤ ln 2 / 2, and
 * e^r − 1 = r + r² · (1/2! + r/3! + … + r¹²/14!): the first omitted term is below 1.3e-17 of the
 * sum. e^x − 1 = 2^k · (e^r − 1) + (2^k − 1), exact when k = 0 (so tiny x keep their relative
 * accuracy) and free of cancellation otherwise (|2^k − 1| ≥ 1/2 and e^r − 1 is small beside it).
 */
import type { Lane, Lanes } from "./f64x2.js";

const LOG2E = 1.4426950408889634;
/** ln 2 with its low 32 bits of mantissa zero (k · LN2_HI is exact), and the rest. */
export const LN2_HI = 6.9314718036912381649e-1;
export const LN2_LO = 1.90821492927058770002e-10;
/** 1/n! for n = 2 … 14. */
const TAYLOR = Array.from({ length: 13 }, (_, i) => {
  let f = 1;
  for (let j = 2; j <= i + 2; j++) f *= j;
  return 1 / f;
});

/** 2^k for integer-valued lanes k in [−1022, 1023]: the bits (k + 1023) << 52. */
function pow2(v: Lanes, k: Lane): Lane {
  // k + 2⁵² + 1023 holds k + 1023 in its low mantissa bits; the shift drops the rest.
  return v.i64Shl(v.add(k, v.k(2 ** 52 + 1023)), 52);
}

/** `{ scale: 2^k, m1: e^r − 1 }` for the clamped x, both in locals. */
function reduce(v: Lanes, x: Lane) {
  const xc = v.let(v.max(v.min(x, v.k(709)), v.k(-708)));
  const k = v.let(v.nearest(v.mul(xc, v.k(LOG2E))));
  const r = v.let(v.sub(v.sub(xc, v.mul(k, v.k(LN2_HI))), v.mul(k, v.k(LN2_LO))));
  const m1 = v.let(v.add(r, v.mul(v.mul(r, r), v.poly(r, TAYLOR))));
  return { scale: v.let(pow2(v, k)), m1 };
}

/** e^x lane-wise. */
export function exp(v: Lanes, x: Lane): Lane {
  const { scale, m1 } = reduce(v, x);
  return v.mul(v.add(v.k(1), m1), scale);
}

/** e^x − 1 lane-wise (−0 stays −0). */
export function expm1(v: Lanes, x: Lane): Lane {
  const xl = v.let(x);
  const { scale, m1 } = reduce(v, xl);
  const y = v.add(v.mul(scale, m1), v.sub(scale, v.k(1)));
  return v.select(v.eq(xl, v.k(0)), xl, y);
}
