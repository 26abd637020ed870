/**
 * L-BFGS with a strong-Wolfe line search (Nocedal & Wright, Numerical Optimization, algorithms
 * 7.4, 3.5 and 3.6), for smooth objectives on Float64Array parameters.
 */

/** Writes ∇f(w) into `grad` and returns f(w). */
export type Objective = (w: Float64Array, grad: Float64Array) => number;

/** The outcome of a minimisation. */
export interface MinimizeResult {
  readonly w: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** The largest |gradient component| at the end. */
  readonly gradientNorm: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/**
 * Minimises `f` from `w0` until max |∇f| ≤ `tol` (or `maxIterations` steps, or no further
 * decrease is possible in floating point).
 */
export function minimizeLBFGS(
  f: Objective,
  w0: Float64Array,
  options: { tol: number; maxIterations: number; memory?: number },
): MinimizeResult {
  const n = w0.length;
  const mem = options.memory ?? 10;
  let w: Float64Array = w0.slice();
  let g: Float64Array = new Float64Array(n);
  let value = f(w, g);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rho: number[] = [];
  const alphaBuf = new Float64Array(mem);
  const d = new Float64Array(n);
  let iterations = 0;
  let converged = maxAbs(g) <= options.tol;
  while (!converged && iterations < options.maxIterations) {
    // Two-loop recursion: d = −H g.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let k = sList.length - 1; k >= 0; k--) {
      const a = rho[k]! * dot(sList[k]!, d);
      alphaBuf[k] = a;
      const y = yList[k]!;
      for (let i = 0; i < n; i++) d[i] = d[i]! - a * y[i]!;
    }
    let gamma: number;
    if (sList.length > 0) {
      const s = sList[sList.length - 1]!;
      const y = yList[yList.length - 1]!;
      gamma = dot(s, y) / dot(y, y);
    } else {
      gamma = 1 / Math.max(1, Math.sqrt(dot(g, g)));
    }
    for (let i = 0; i < n; i++) d[i] = d[i]! * gamma;
    for (let k = 0; k < sList.length; k++) {
      const b = rho[k]! * dot(yList[k]!, d);
      const s = sList[k]!;
      const a = alphaBuf[k]!;
      for (let i = 0; i < n; i++) d[i] = d[i]! + (a - b) * s[i]!;
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (should not happen with positive curvature pairs): restart.
      sList.length = yList.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      slope = dot(g, d);
    }
    const step = wolfeLineSearch(f, w, value, g, d, slope);
    iterations++;
    if (!step) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = step.w[i]! - w[i]!;
      y[i] = step.g[i]! - g[i]!;
    }
    const sy = dot(s, y);
    const decrease = value - step.value;
    w = step.w;
    g = step.g;
    value = step.value;
    converged = maxAbs(g) <= options.tol;
    if (sy > 1e-16 * Math.sqrt(dot(y, y) * dot(s, s))) {
      sList.push(s);
      yList.push(y);
      rho.push(1 / sy);
      if (sList.length > mem) {
        sList.shift();
        yList.shift();
        rho.shift();
      }
    }
    if (
      !converged &&
      decrease <= 1e-15 * Math.max(Math.abs(value), 1) &&
      maxAbs(s) <= 1e-15 * Math.max(maxAbs(w), 1)
    )
      break;
  }
  return { w, value, iterations, converged, gradientNorm: maxAbs(g) };
}

interface Point {
  w: Float64Array;
  g: Float64Array;
  value: number;
  slope: number;
  t: number;
}

/** A step length satisfying the strong Wolfe conditions (c1 = 1e-4, c2 = 0.9), or undefined. */
function wolfeLineSearch(
  f: Objective,
  w: Float64Array,
  value: number,
  g: Float64Array,
  d: Float64Array,
  slope0: number,
): Point | undefined {
  const c1 = 1e-4;
  const c2 = 0.9;
  const n = w.length;
  const evaluate = (t: number): Point => {
    const wt = new Float64Array(n);
    for (let i = 0; i < n; i++) wt[i] = w[i]! + t * d[i]!;
    const gt = new Float64Array(n);
    const v = f(wt, gt);
    return { w: wt, g: gt, value: v, slope: dot(gt, d), t };
  };
  const zoom = (lo: Point, hi: Point): Point | undefined => {
    for (let k = 0; k < 40; k++) {
      // Cubic interpolation between lo and hi, kept inside the interval; bisection as fallback.
      let t = cubicMinimizer(lo, hi);
      const a = Math.min(lo.t, hi.t);
      const b = Math.max(lo.t, hi.t);
      const margin = 0.1 * (b - a);
      if (!Number.isFinite(t) || t < a + margin || t > b - margin) t = (lo.t + hi.t) / 2;
      const p = evaluate(t);
      if (p.value > value + c1 * t * slope0 || p.value >= lo.value) {
        hi = p;
      } else {
        if (Math.abs(p.slope) <= -c2 * slope0) return p;
        if (p.slope * (hi.t - lo.t) >= 0) hi = lo;
        lo = p;
      }
      if (Math.abs(hi.t - lo.t) < 1e-16 * Math.max(1, lo.t)) break;
    }
    return lo.t > 0 && lo.value < value ? lo : undefined;
  };
  let prev: Point = { w, g, value, slope: slope0, t: 0 };
  let t = 1;
  for (let k = 0; k < 30; k++) {
    const p = evaluate(t);
    if (!Number.isFinite(p.value)) {
      t = (prev.t + t) / 2;
      continue;
    }
    if (p.value > value + c1 * t * slope0 || (k > 0 && p.value >= prev.value)) return zoom(prev, p);
    if (Math.abs(p.slope) <= -c2 * slope0) return p;
    if (p.slope >= 0) return zoom(p, prev);
    prev = p;
    t *= 2;
  }
  return prev.t > 0 ? prev : undefined;
}

/** The minimiser of the cubic through two points with values and slopes. */
function cubicMinimizer(a: Point, b: Point): number {
  const d1 = a.slope + b.slope - (3 * (a.value - b.value)) / (a.t - b.t);
  const disc = d1 * d1 - a.slope * b.slope;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b.t - a.t) * Math.sqrt(disc);
  return b.t - ((b.t - a.t) * (b.slope + d2 - d1)) / (b.slope - a.slope + 2 * d2);
}
