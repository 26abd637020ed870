// The discrete Fourier transform of rows of complex values (interleaved re, im), in f64: an
// iterative radix-2 transform for powers of two, and Bluestein's chirp-z algorithm (a circular
// convolution done with radix-2 transforms) for every other length, so any length is O(n log n).

/** The tables of a radix-2 transform of length `n` (a power of two). */
interface Radix2 {
  readonly n: number;
  /** cos(2πk/n) and sin(2πk/n) for k < n/2. */
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  /** The bit-reversed index of each k. */
  readonly rev: Uint32Array;
}

/** The tables of Bluestein's algorithm for length `m` in the direction `sign` (−1 forward). */
interface Bluestein {
  readonly inner: Radix2;
  /** c_k = e^{sign·iπk²/m}, k < m. */
  readonly chirpRe: Float64Array;
  readonly chirpIm: Float64Array;
  /** The forward transform (length inner.n) of b_t = conj(c_t) laid out circularly. */
  readonly kernelRe: Float64Array;
  readonly kernelIm: Float64Array;
}

const isPowerOfTwo = (n: number): boolean => (n & (n - 1)) === 0;

const radix2Plans = new Map<number, Radix2>();
const bluesteinPlans = new Map<string, Bluestein>();
/** Plans kept per length (and direction); past this many the oldest is dropped. */
const PLAN_LIMIT = 64;

function remember<K, V>(cache: Map<K, V>, key: K, make: () => V): V {
  let plan = cache.get(key);
  if (plan === undefined) {
    plan = make();
    if (cache.size >= PLAN_LIMIT) cache.delete(cache.keys().next().value as K);
    cache.set(key, plan);
  }
  return plan;
}

function radix2Plan(n: number): Radix2 {
  return remember(radix2Plans, n, () => {
    const half = n >> 1;
    const cos = new Float64Array(half);
    const sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    const rev = new Uint32Array(n);
    const bits = Math.round(Math.log2(n));
    for (let k = 0; k < n; k++) {
      let r = 0;
      for (let b = 0, v = k; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      rev[k] = r;
    }
    return { n, cos, sin, rev };
  });
}

/** In place: (re, im) ← Σ_j x_j e^{sign·2πi jk/n}, unscaled. */
function radix2(re: Float64Array, im: Float64Array, plan: Radix2, sign: number): void {
  const { n, cos, sin, rev } = plan;
  for (let k = 0; k < n; k++) {
    const r = rev[k]!;
    if (r > k) {
      const tr = re[k]!;
      re[k] = re[r]!;
      re[r] = tr;
      const ti = im[k]!;
      im[k] = im[r]!;
      im[r] = ti;
    }
  }
  for (let size = 2; size <= n; size *= 2) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let j = 0; j < half; j++) {
        const wr = cos[j * step]!;
        const wi = sign * sin[j * step]!;
        const a = start + j;
        const b = a + half;
        const tr = wr * re[b]! - wi * im[b]!;
        const ti = wr * im[b]! + wi * re[b]!;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

function bluesteinPlan(m: number, sign: number): Bluestein {
  return remember(bluesteinPlans, `${m}:${sign}`, () => {
    let size = 1;
    while (size < 2 * m - 1) size *= 2;
    const inner = radix2Plan(size);
    const chirpRe = new Float64Array(m);
    const chirpIm = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      // k² mod 2m keeps the angle small (e^{iπk²/m} has period 2m in k²) and exact.
      const angle = (Math.PI * ((k * k) % (2 * m))) / m;
      chirpRe[k] = Math.cos(angle);
      chirpIm[k] = sign * Math.sin(angle);
    }
    const kernelRe = new Float64Array(size);
    const kernelIm = new Float64Array(size);
    for (let t = 0; t < m; t++) {
      kernelRe[t] = chirpRe[t]!;
      kernelIm[t] = -chirpIm[t]!;
      if (t > 0) {
        kernelRe[size - t] = chirpRe[t]!;
        kernelIm[size - t] = -chirpIm[t]!;
      }
    }
    radix2(kernelRe, kernelIm, inner, -1);
    return { inner, chirpRe, chirpIm, kernelRe, kernelIm };
  });
}

/**
 * In place: (re, im) ← Σ_j x_j e^{sign·2πi jk/m} for length m, with jk = (j² + k² − (k−j)²)/2:
 * X_k = c_k Σ_j (x_j c_j) conj(c_{k−j}), a circular convolution of length ≥ 2m − 1.
 */
function bluestein(re: Float64Array, im: Float64Array, plan: Bluestein): void {
  const { inner, chirpRe, chirpIm, kernelRe, kernelIm } = plan;
  const m = chirpRe.length;
  const size = inner.n;
  const ar = new Float64Array(size);
  const ai = new Float64Array(size);
  for (let j = 0; j < m; j++) {
    ar[j] = re[j]! * chirpRe[j]! - im[j]! * chirpIm[j]!;
    ai[j] = re[j]! * chirpIm[j]! + im[j]! * chirpRe[j]!;
  }
  radix2(ar, ai, inner, -1);
  for (let k = 0; k < size; k++) {
    const r = ar[k]! * kernelRe[k]! - ai[k]! * kernelIm[k]!;
    ai[k] = ar[k]! * kernelIm[k]! + ai[k]! * kernelRe[k]!;
    ar[k] = r;
  }
  radix2(ar, ai, inner, 1);
  for (let k = 0; k < m; k++) {
    const cr = ar[k]! / size;
    const ci = ai[k]! / size;
    re[k] = cr * chirpRe[k]! - ci * chirpIm[k]!;
    im[k] = cr * chirpIm[k]! + ci * chirpRe[k]!;
  }
}

/**
 * The DFT of each of `lines` rows of `x` (n complex values each, as interleaved re, im) padded
 * with zeros or truncated to `m` values, into the rows of `out` (m values each): forward
 * X_k = Σ_j x_j e^{−2πi jk/m}, or with `inverse` x_k = (1/m) Σ_j X_j e^{2πi jk/m} (NumPy's and
 * Nx's conventions). Computed in f64 whatever the arrays hold. `m` must be at least 1.
 */
export function fftKernel(
  out: Float32Array | Float64Array,
  x: ArrayLike<number>,
  lines: number,
  n: number,
  m: number,
  inverse: boolean,
): void {
  const sign = inverse ? 1 : -1;
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  const keep = Math.min(n, m);
  const scale = inverse ? 1 / m : 1;
  for (let line = 0; line < lines; line++) {
    re.fill(0);
    im.fill(0);
    const from = 2 * n * line;
    for (let j = 0; j < keep; j++) {
      re[j] = x[from + 2 * j]!;
      im[j] = x[from + 2 * j + 1]!;
    }
    if (isPowerOfTwo(m)) radix2(re, im, radix2Plan(m), sign);
    else bluestein(re, im, bluesteinPlan(m, sign));
    const to = 2 * m * line;
    for (let k = 0; k < m; k++) {
      out[to + 2 * k] = re[k]! * scale;
      out[to + 2 * k + 1] = im[k]! * scale;
    }
  }
}
