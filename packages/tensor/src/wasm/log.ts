/**
 * The logarithm core of the Wasm math functions (math.ts), in f64x2 lanes: ln x, ln(1 + x), log₂ x
 * and log₁₀ x, each to a few units in the last place of a double, with `Math.log`'s answers at the
 * edges (−∞ at 0, NaN below it, +∞ at +∞, NaN for NaN).
 *
 * A positive finite u is split as u = 2^k · m with m in [√2/2, √2) by integer arithmetic on its
 * bits, so f = m − 1 is exact and ln m = 2 atanh(s) with s = f / (2 + f), |s| ≤ 0.1716:
 * ln m = f − (f²/2 − s · (f²/2 + R)) with R = Σₙ 2s²ⁿ/(2n + 1), n = 1 … 10 (the first omitted
 * term is below 1e-18 of ln m). ln u = k · ln 2 + ln m, with ln 2 in two parts so that k · LN2_HI
 * is exact. Every input here comes from an f32, so u is a normal double (f32 subnormals
 * included): no subnormal scaling is needed.
 */
import type { Local } from "./encoder.js";
import { LN2_HI, LN2_LO } from "./exp.js";
import type { Lane, Lanes } from "./f64x2.js";

/** The bits of √2/2 (rounded); m's range starts there. */
const SQRT_HALF_BITS = 0x3fe6a09e667f3bcdn;
/** 2/(2n + 1) for n = 1 … 10. */
const ATANH = Array.from({ length: 10 }, (_, i) => 2 / (2 * i + 3));
/** log₁₀ 2 with its low 32 bits of mantissa zero, and the rest (from Python's decimal, 50 digits). */
const LOG10_2_HI = 0.30102992057800293;
const LOG10_2_LO = 7.508597826552624e-8;
const INV_LN10 = 0.4342944819032518;
const INV_LN2 = 1.4426950408889634;

/** `k` (integer-valued) and `ln m` for u = 2^k · m, u positive, finite and normal. */
function split(v: Lanes, u: Lane) {
  // Adding 1 − bits(√2/2) carries into the exponent exactly when m ≥ √2 (then m is halved).
  const ix = v.let(v.i64Add(u, v.bits(0x3ff0000000000000n - SQRT_HALF_BITS)));
  // k + 1023 from the exponent field, converted through 2⁵² (its low bits are the integer).
  const biased = v.i64Add(v.i64ShrS(ix, 52), v.bits(0x4330000000000000n));
  const k = v.let(v.sub(biased, v.k(2 ** 52 + 1023)));
  const mantissa = v.and(ix, v.bits(0x000fffffffffffffn));
  const f = v.let(v.sub(v.i64Add(mantissa, v.bits(SQRT_HALF_BITS)), v.k(1)));
  const hfsq = v.let(v.mul(v.k(0.5), v.mul(f, f)));
  const s = v.let(v.div(f, v.add(v.k(2), f)));
  const z = v.let(v.mul(s, s));
  const r = v.mul(z, v.poly(z, ATANH));
  return { k, lnm: v.sub(f, v.sub(hfsq, v.mul(s, v.add(hfsq, r)))) };
}

/** `core` where u is positive and finite; else ln u's value at the edge (−∞, NaN or +∞). */
function edges(v: Lanes, u: Local, core: Lane): Lane {
  const inside = v.and(v.gt(u, v.k(0)), v.lt(u, v.k(Infinity)));
  // √u is NaN below 0 and for NaN, +∞ at +∞; 0 maps to −∞.
  const edge = v.select(v.eq(u, v.k(0)), v.k(-Infinity), v.sqrt(u));
  return v.select(inside, core, edge);
}

/** ln x lane-wise. */
export function log(v: Lanes, x: Lane): Lane {
  const u = v.let(x);
  const { k, lnm } = split(v, u);
  return edges(v, u, v.add(v.mul(k, v.k(LN2_HI)), v.add(v.mul(k, v.k(LN2_LO)), lnm)));
}

/** log₂ x lane-wise (exact at powers of two). */
export function log2(v: Lanes, x: Lane): Lane {
  const u = v.let(x);
  const { k, lnm } = split(v, u);
  return edges(v, u, v.add(k, v.mul(lnm, v.k(INV_LN2))));
}

/** log₁₀ x lane-wise. */
export function log10(v: Lanes, x: Lane): Lane {
  const u = v.let(x);
  const { k, lnm } = split(v, u);
  const lo = v.add(v.mul(k, v.k(LOG10_2_LO)), v.mul(lnm, v.k(INV_LN10)));
  return edges(v, u, v.add(v.mul(k, v.k(LOG10_2_HI)), lo));
}

/**
 * ln(1 + x) lane-wise: ln u for u = 1 + x rounded, plus c = (1 + x − u) / u (the rounding error
 * of u, exact: computed as 1 − (u − x) when x ≥ 1, else x − (u − 1), each difference exact by
 * Sterbenz's lemma). ±0 stay themselves.
 */
export function log1p(v: Lanes, x: Lane): Lane {
  const xl = v.let(x);
  const u = v.let(v.add(v.k(1), xl));
  const err = v.select(v.ge(xl, v.k(1)), v.sub(v.k(1), v.sub(u, xl)), v.sub(xl, v.sub(u, v.k(1))));
  const c = v.div(err, u);
  const { k, lnm } = split(v, u);
  const y = v.add(v.mul(k, v.k(LN2_HI)), v.add(v.add(v.mul(k, v.k(LN2_LO)), c), lnm));
  return v.select(v.eq(xl, v.k(0)), xl, edges(v, u, y));
}
