/**
 * Test helper: checks reverse-mode gradients against central finite differences in f64.
 *
 * For every element of every tensor in the input tree, the numeric derivative
 * (f(x + eps·eᵢ) − f(x − eps·eᵢ)) / (2·eps) must match the analytic one from `nx.grad` within
 * atol + rtol·|numeric|.
 */
import { AssertionError } from "node:assert";
import * as nx from "../src/index.js";

/** A tensor, or arrays and plain objects of them. */
export type Tree = nx.Tensor | readonly Tree[] | { readonly [key: string]: Tree };

/** The tensors of a tree in order (depth first, object keys in insertion order), with their paths. */
export function leaves(tree: Tree, path = "x"): { tensor: nx.Tensor; path: string }[] {
  if (tree instanceof nx.Tensor) return [{ tensor: tree, path }];
  if (Array.isArray(tree)) return tree.flatMap((t: Tree, i) => leaves(t, `${path}[${i}]`));
  return Object.entries(tree).flatMap(([k, t]) => leaves(t, `${path}.${k}`));
}

/** The same tree with its k-th tensor replaced by `fn(tensor, k)`. */
export function mapLeaves(tree: Tree, fn: (t: nx.Tensor, k: number) => nx.Tensor): Tree {
  let k = 0;
  const walk = (t: Tree): Tree => {
    if (t instanceof nx.Tensor) return fn(t, k++);
    if (Array.isArray(t)) return t.map(walk);
    return Object.fromEntries(Object.entries(t).map(([key, v]) => [key, walk(v)]));
  };
  return walk(tree);
}

/** Deterministic numbers in [0, 1) from a 32-bit LCG (Numerical Recipes constants). */
export function lcg(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** An f64 tensor of `shape` with deterministic values uniform in [lo, hi). */
export function rand(seed: number, shape: readonly number[], lo = -1, hi = 1): nx.Tensor {
  const next = lcg(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = lo + (hi - lo) * next();
  return nx.reshape(nx.tensor(data), shape);
}

/** Like `rand`, with magnitudes in [lo, hi) and random signs (kept away from zero). */
export function randAway(seed: number, shape: readonly number[], lo = 0.5, hi = 1.5): nx.Tensor {
  const next = lcg(seed + 7919);
  const mag = rand(seed, shape, lo, hi);
  const signs = new Float64Array(mag.size).map(() => (next() < 0.5 ? -1 : 1));
  return nx.multiply(mag, nx.reshape(nx.tensor(signs), shape));
}

/**
 * Σ y ⊙ w for fixed weights w in [-1, 1) (f64, seeded by the shape): a scalar loss that gives every
 * element of y its own cotangent, so a transposed or misplaced gradient cannot cancel out.
 */
export function weightedSum(y: nx.Tensor, seed = 0): nx.Tensor {
  const w = rand(1000 + seed + 31 * y.size + y.rank, y.shape);
  return nx.sum(nx.multiply(nx.asType(y, "f64"), w));
}

/** Options of `checkGradient`. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Relative tolerance against the numeric derivative (default 1e-3). */
  rtol?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
}

/** One compared element. */
export interface GradcheckEntry {
  readonly path: string;
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
}

/** What `checkGradient` found. */
export interface GradcheckReport {
  readonly ok: boolean;
  readonly entries: readonly GradcheckEntry[];
  readonly failures: readonly GradcheckEntry[];
}

/** Compares `nx.grad(f)(x)` with central differences of `f` at `x` (a f64 tensor or tree of them). */
export function checkGradient(
  f: (x: any) => nx.Tensor,
  x: Tree,
  options: GradcheckOptions = {},
): GradcheckReport {
  const { eps = 1e-6, rtol = 1e-3, atol = 1e-5 } = options;
  const inputs = leaves(x);
  for (const { tensor, path } of inputs) {
    if (tensor.dtype !== "f64")
      throw new TypeError(`checkGradient: ${path} is ${tensor.dtype}; the checker works in f64`);
  }
  const value = f(x);
  if (!(value instanceof nx.Tensor) || value.size !== 1 || value.dtype !== "f64") {
    throw new TypeError("checkGradient: f must return a scalar f64 tensor");
  }
  const grads = leaves(nx.grad(f)(x) as Tree);
  if (grads.length !== inputs.length)
    throw new AssertionError({
      message: "checkGradient: the gradient tree does not match the input",
    });

  const entries: GradcheckEntry[] = [];
  const failures: GradcheckEntry[] = [];
  inputs.forEach(({ tensor, path }, k) => {
    const g = grads[k]!.tensor;
    if (g.dtype !== tensor.dtype || g.shape.join() !== tensor.shape.join()) {
      throw new AssertionError({
        message: `checkGradient: gradient at ${path} is ${g.dtype}[${g.shape}], input is ${tensor.dtype}[${tensor.shape}]`,
      });
    }
    const analytic = g.data();
    const base = tensor.data();
    const at = (i: number, delta: number): number => {
      const data = base.slice();
      data[i] = data[i]! + delta;
      const moved = nx.reshape(nx.tensor(data), tensor.shape);
      return f(mapLeaves(x, (t, j) => (j === k ? moved : t))).toNumber();
    };
    for (let i = 0; i < base.length; i++) {
      const numeric = (at(i, eps) - at(i, -eps)) / (2 * eps);
      const entry = { path, index: i, analytic: analytic[i]!, numeric };
      entries.push(entry);
      if (!(Math.abs(entry.analytic - numeric) <= atol + rtol * Math.abs(numeric)))
        failures.push(entry);
    }
  });
  return { ok: failures.length === 0, entries, failures };
}

/** Throws an AssertionError listing the mismatching elements when `checkGradient` fails. */
export function assertGradient(
  f: (x: any) => nx.Tensor,
  x: Tree,
  options: GradcheckOptions = {},
): void {
  const report = checkGradient(f, x, options);
  if (report.ok) return;
  const lines = report.failures
    .slice(0, 8)
    .map((e) => `  ${e.path}[${e.index}]: analytic ${e.analytic}, numeric ${e.numeric}`);
  throw new AssertionError({
    message: `gradient mismatch in ${report.failures.length} of ${report.entries.length} elements:\n${lines.join("\n")}`,
  });
}
