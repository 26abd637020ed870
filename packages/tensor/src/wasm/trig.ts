/**
 * sin, cos and tan of f32 arguments in f64x2 lanes (math.ts), each to a few units in the last
 * place of a double for every f32, up to ±3.4e38.
 *
 * Range reduction: x · 2/π = 4m + q + f with q an integer and |f| ≤ 1/2, then x = (4m + q)·π/2 + r
 * with r = f · π/2, |r| ≤ π/4. 2/π is split into eight 28-bit chunks Cᵢ (224 bits, from Machin's
 * formula in integers), so each x · Cᵢ is exact (24 + 28 bits) and is reduced modulo 4 exactly;
 * the eight remainders are summed in double-double (TwoSum), which keeps f to ~2⁻¹⁰⁰ even when
 * x is within 2⁻⁴⁰ of a multiple of π/2 (Payne and Hanek's method, with the whole table used for
 * every x: the chunks past those that matter contribute multiples of 4). r = f · π/2 in
 * double-double (Dekker's product), rounded to a double.
 *
 * On |r| ≤ π/4, sin r = r + r · Σₙ (−1)ⁿ r²ⁿ/(2n + 1)!, n = 1 … 8, and cos r = Σₙ (−1)ⁿ r²ⁿ/(2n)!,
 * n = 0 … 9 (first omitted terms below 1e-19). The quadrant q mod 4 picks ±sin r or ±cos r;
 * tan is their quotient. ±0 stay themselves (sin, tan), ±∞ and NaN give NaN.
 */
import type { Local } from "./encoder.js";
import type { Lane, Lanes } from "./f64x2.js";

/** 2/π = Σ CHUNKS[i] · 2^(−28(i + 1)): its first 224 bits. */
const CHUNKS = [
  170891318, 240010261, 44024437, 131200308, 232525238, 43358524, 70845471, 240214955,
].map((n, i) => n * 2 ** (-28 * (i + 1)));
/** π/2 as a double, and the rest (from the same integer computation of π). */
const PIO2_HI = 1.5707963267948966;
const PIO2_LO = 6.123233995736766e-17;
/** Dekker's splitting constant 2²⁷ + 1, and PIO2_HI's halves (26 bits each). */
const SPLIT = 134217729;
const PIO2_HH = ((): number => {
  const c = SPLIT * PIO2_HI;
  return c - (c - PIO2_HI);
})();
const PIO2_HL = PIO2_HI - PIO2_HH;

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
/** (−1)ⁿ/(2n + 1)! for n = 1 … 8, and (−1)ⁿ/(2n)! for n = 1 … 9. */
const SIN = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? -1 : 1) / factorial(2 * i + 3));
const COS = Array.from({ length: 9 }, (_, i) => (i % 2 === 0 ? -1 : 1) / factorial(2 * i + 2));

/** `(s, e)` with s + e = a + b exactly (Knuth's TwoSum). */
function twoSum(v: Lanes, a: Lane, b: Lane): { s: Lane; e: Lane } {
  const s = v.let(v.add(a, b));
  const bb = v.let(v.sub(s, a));
  const e = v.add(v.sub(a, v.sub(s, bb)), v.sub(b, bb));
  return { s, e };
}

/** `y − 4 · round(y / 4)`, exact. */
const mod4 = (v: Lanes, y: Lane): Lane => {
  const yl = v.let(y);
  return v.sub(yl, v.mul(v.k(4), v.nearest(v.mul(yl, v.k(0.25)))));
};

/** The quadrant q mod 4 (0 … 3, integer-valued) and r, for x = q · π/2 + r (mod 2π). */
function reduce(v: Lanes, x: Lane): { quadrant: Lane; r: Lane } {
  const xl = v.let(x);
  let hi: Lane = v.k(0);
  let lo: Lane = v.k(0);
  for (const c of CHUNKS) {
    const { s, e } = twoSum(v, hi, mod4(v, v.mul(xl, v.k(c))));
    hi = s;
    lo = v.let(v.add(lo, e));
  }
  const q = v.let(v.nearest(hi));
  const { s: f, e: fe } = twoSum(v, v.sub(hi, q), lo);
  // r = (f + fe) · π/2: f · PIO2_HI exactly as rh + its error (Dekker), plus the small products.
  const rh = v.let(v.mul(f, v.k(PIO2_HI)));
  const c = v.let(v.mul(f, v.k(SPLIT)));
  const fh = v.let(v.sub(c, v.sub(c, f)));
  const fl = v.let(v.sub(f, fh));
  const exact = v.add(
    v.add(
      v.add(v.sub(v.mul(fh, v.k(PIO2_HH)), rh), v.mul(fh, v.k(PIO2_HL))),
      v.mul(fl, v.k(PIO2_HH)),
    ),
    v.mul(fl, v.k(PIO2_HL)),
  );
  const rl = v.add(exact, v.add(v.mul(f, v.k(PIO2_LO)), v.mul(fe, v.k(PIO2_HI))));
  const quadrant = v.sub(q, v.mul(v.k(4), v.floor(v.mul(q, v.k(0.25)))));
  return { quadrant: v.let(quadrant), r: v.add(rh, rl) };
}

/** sin r and cos r for |r| ≤ π/4. */
function sinCos(v: Lanes, r: Lane): { sin: Local; cos: Local } {
  const rl = v.let(r);
  const z = v.let(v.mul(rl, rl));
  const sin = v.let(v.add(rl, v.mul(rl, v.mul(z, v.poly(z, SIN)))));
  const cos = v.let(v.add(v.k(1), v.mul(z, v.poly(z, COS))));
  return { sin, cos };
}

/** Where the quadrant equals `n`. */
const isQuadrant = (v: Lanes, quadrant: Lane, n: number): Lane => v.eq(quadrant, v.k(n));
/** −a */
const neg = (v: Lanes, a: Lane): Lane => v.mul(a, v.k(-1));

/** `value`, or x itself where x is ±0. */
const keepZero = (v: Lanes, x: Local, value: Lane): Lane => v.select(v.eq(x, v.k(0)), x, value);

/** sin x lane-wise. */
export function sin(v: Lanes, x: Lane): Lane {
  const xl = v.let(x);
  const { quadrant, r } = reduce(v, xl);
  const { sin: s, cos: c } = sinCos(v, r);
  const odd = v.let(v.or(isQuadrant(v, quadrant, 1), isQuadrant(v, quadrant, 3)));
  const magnitude = v.let(v.select(odd, c, s));
  const negative = v.ge(quadrant, v.k(2));
  return keepZero(v, xl, v.select(negative, neg(v, magnitude), magnitude));
}

/** cos x lane-wise. */
export function cos(v: Lanes, x: Lane): Lane {
  const { quadrant, r } = reduce(v, x);
  const { sin: s, cos: c } = sinCos(v, r);
  const odd = v.let(v.or(isQuadrant(v, quadrant, 1), isQuadrant(v, quadrant, 3)));
  const magnitude = v.let(v.select(odd, s, c));
  const negative = v.or(isQuadrant(v, quadrant, 1), isQuadrant(v, quadrant, 2));
  return v.select(negative, neg(v, magnitude), magnitude);
}

/** tan x lane-wise. */
export function tan(v: Lanes, x: Lane): Lane {
  const xl = v.let(x);
  const { quadrant, r } = reduce(v, xl);
  const { sin: s, cos: c } = sinCos(v, r);
  const odd = v.or(isQuadrant(v, quadrant, 1), isQuadrant(v, quadrant, 3));
  return keepZero(v, xl, v.select(odd, neg(v, v.div(c, s)), v.div(s, c)));
}
