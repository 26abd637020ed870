// Threefry-2x32 counter-based random bit generator (Salmon, Moraes, Dror, Shaw: "Parallel Random
// Numbers: As Easy as 1, 2, 3", SC'11; the Random123 library), 20 rounds, as used by JAX's default
// PRNG. Rotation constants R_32x2 = {13, 15, 26, 6, 17, 29, 16, 24}; key-schedule parity 0x1BD11BDA.
//
// Internally every word is kept as an int32 (`| 0`), which V8 holds unboxed; additions wrap mod 2^32
// via `| 0` and rotations use `<<` / `>>>`. Results are converted to uint32 with `>>> 0` on the way
// out (or by the Uint32Array store).

const PARITY = 0x1bd11bda;

/** Scratch for the one block whose second output word falls past `n` in {@link randomBits}. */
const scratch = new Uint32Array(2);

/**
 * Encrypts (x0, x1) under (k0, k1) and writes y0 to out[i0] and y1 to out[i1].
 * All 20 rounds and 5 key injections are unrolled; no allocation.
 */
function block(
  k0: number,
  k1: number,
  k2: number,
  x0: number,
  x1: number,
  out: Uint32Array,
  i0: number,
  i1: number,
): void {
  x0 = (x0 + k0) | 0;
  x1 = (x1 + k1) | 0;

  // Rounds 1-4, then inject ks[1], ks[2] + 1.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + k1) | 0;
  x1 = (x1 + k2 + 1) | 0;

  // Rounds 5-8, then inject ks[2], ks[0] + 2.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + k2) | 0;
  x1 = (x1 + k0 + 2) | 0;

  // Rounds 9-12, then inject ks[0], ks[1] + 3.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + k0) | 0;
  x1 = (x1 + k1 + 3) | 0;

  // Rounds 13-16, then inject ks[1], ks[2] + 4.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + k1) | 0;
  x1 = (x1 + k2 + 4) | 0;

  // Rounds 17-20, then inject ks[2], ks[0] + 5.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + k2) | 0;
  x1 = (x1 + k0 + 5) | 0;

  out[i0] = x0;
  out[i1] = x1;
}

/** Threefry-2x32 with 20 rounds (Salmon et al., Random123): encrypts counter pair (x0, x1) with key (k0, k1); returns [y0, y1] as uint32 numbers. */
export function threefry2x32(k0: number, k1: number, x0: number, x1: number): [number, number] {
  k0 |= 0;
  k1 |= 0;
  block(k0, k1, k0 ^ k1 ^ PARITY, x0 | 0, x1 | 0, scratch, 0, 1);
  return [scratch[0]!, scratch[1]!];
}

/** Fills out (length n) with random 32-bit words from key (k0,k1), using the same counter layout as JAX's `threefry_2x32` / `random_bits`: counters 0..n-1 (padded to even length with one extra counter if n is odd), first half of the counters as x0 and second half as x1, outputs concatenated [all y0..., all y1...] and truncated to n. */
export function randomBits(out: Uint32Array, k0: number, k1: number, n: number): void {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`randomBits: n must be a non-negative integer, got ${n}`);
  if (n > out.length)
    throw new RangeError(`randomBits: n = ${n} exceeds out.length = ${out.length}`);
  // JAX's original (non-partitionable) random_bits switches to split sub-keys at 2^32 - 1 words.
  if (n >= 0xffffffff)
    throw new RangeError(`randomBits: n = ${n} needs JAX's multi-block path (unsupported)`);
  k0 |= 0;
  k1 |= 0;
  const k2 = k0 ^ k1 ^ PARITY;
  // Counters 0..n-1, plus a 0 pad when n is odd (JAX concatenates np.uint32([0])), split in halves:
  // pair j is (x0, x1) = (j, half + j); y0 lands at j and y1 at half + j.
  const half = (n + 1) >>> 1;
  const full = n >>> 1; // pairs whose y1 lies inside [0, n)
  for (let j = 0; j < full; j++) block(k0, k1, k2, j, half + j, out, j, half + j);
  if (n & 1) {
    // Last pair: x1 is the zero pad, and its y1 (index n) is truncated away.
    block(k0, k1, k2, full, 0, scratch, 0, 1);
    out[full] = scratch[0]!;
  }
}
