/**
 * The arctangent core of the Wasm math functions (math.ts), in f64x2 lanes: atan, asin, acos and
 * atan2, each to a few units in the last place of a double, with `Math`'s answers at the edges.
 *
 * For b ≥ 0: atan b = π/2 − atan(1/b) when b > 1, and atan c = π/6 + atan((c√3 − 1)/(c + √3))
 * when c > tan(π/12), leaving |d| ≤ tan(π/12) ≈ 0.268 for the series
 * atan d = d + d · Σₙ (−1)ⁿ d²ⁿ/(2n + 1), n = 1 … 13 (the first omitted term is below 4e-18 of d).
 * The offsets π/2 and π/6 are at least as large as what is added to them, so their rounding and
 * that of 1/b and c√3 − 1 cost at most an ulp or two of the result.
 */
import type { Lane, Lanes } from "./f64x2.js";

const TAN_PI_12 = 0.2679491924311227;
const SQRT3 = 1.7320508075688772;
const PI = 3.141592653589793;
/** (−1)ⁿ/(2n + 1) for n = 1 … 13. */
const SERIES = Array.from({ length: 13 }, (_, i) => (i % 2 === 0 ? -1 : 1) / (2 * i + 3));

/** atan b for b ≥ 0 (or +∞: π/2; NaN stays NaN). */
function atanNonNegative(v: Lanes, b: Lane): Lane {
  const bl = v.let(b);
  const inverted = v.let(v.gt(bl, v.k(1)));
  const c = v.let(v.select(inverted, v.div(v.k(1), bl), bl));
  const shifted = v.let(v.gt(c, v.k(TAN_PI_12)));
  const d = v.let(
    v.select(shifted, v.div(v.sub(v.mul(c, v.k(SQRT3)), v.k(1)), v.add(c, v.k(SQRT3))), c),
  );
  const z = v.mul(d, d);
  const series = v.add(d, v.mul(d, v.mul(z, v.poly(z, SERIES))));
  // The offset is added to the series in order, so `off + 0` stays exactly π/6.
  const q = v.let(v.add(v.select(shifted, v.k(PI / 6), v.k(0)), series));
  return v.select(inverted, v.sub(v.k(PI / 2), q), q);
}

/** atan x lane-wise. */
export function atan(v: Lanes, x: Lane): Lane {
  const xl = v.let(x);
  return v.copySign(atanNonNegative(v, v.abs(xl)), xl);
}

/** asin x = atan(x / √((1 − x)(1 + x))) lane-wise (NaN outside [−1, 1]). */
export function asin(v: Lanes, x: Lane): Lane {
  const xl = v.let(x);
  const a = v.let(v.abs(xl));
  const ratio = v.div(a, v.sqrt(v.mul(v.sub(v.k(1), a), v.add(v.k(1), a))));
  return v.copySign(atanNonNegative(v, ratio), xl);
}

/** acos x = 2 atan √((1 − x)/(1 + x)) lane-wise (NaN outside [−1, 1]). */
export function acos(v: Lanes, x: Lane): Lane {
  const xl = v.let(x);
  const ratio = v.div(v.sub(v.k(1), xl), v.add(v.k(1), xl));
  return v.mul(v.k(2), atanNonNegative(v, v.sqrt(ratio)));
}

/**
 * atan2(y, x) lane-wise, as `Math.atan2`: atan(|y| / |x|), which is 0 for two zeros and π/4 for
 * two infinities, taken from π where x's sign bit is set (−0 included), with y's sign.
 */
export function atan2(v: Lanes, y: Lane, x: Lane): Lane {
  const yl = v.let(y);
  const xl = v.let(x);
  const a = v.let(v.abs(yl));
  const b = v.let(v.abs(xl));
  const t0 = atanNonNegative(v, v.div(a, b));
  const zeros = v.and(v.eq(a, v.k(0)), v.eq(b, v.k(0)));
  const infinities = v.and(v.eq(a, v.k(Infinity)), v.eq(b, v.k(Infinity)));
  const t = v.let(v.select(zeros, v.k(0), v.select(infinities, v.k(PI / 4), t0)));
  return v.copySign(v.select(v.signSet(xl), v.sub(v.k(PI), t), t), yl);
}
