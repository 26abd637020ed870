/**
 * Update combinators (Polaris.Updates): the pieces optimizers are made of. Chain them with
 * `chain` (alias `compose`) to build your own optimizer:
 *
 * @example
 * import * as nn from "@dendrite/nn";
 * const { chain, clipByGlobalNorm, scaleByAdam, scaleByLearningRate } = nn.optimizers;
 * const myAdam = chain(clipByGlobalNorm({ maxNorm: 1 }), scaleByAdam(), scaleByLearningRate(1e-3));
 */
import * as nx from "@dendrite/tensor";
import { type Tree, treeLeaves, treeMap } from "../tree.js";
import type { Schedule } from "../schedules.js";
import {
  type GradientTransformation,
  fullLike,
  requireParams,
  scalarDtype,
  stateless,
  zeroCount,
} from "./transform.js";

/** A learning rate: a number, or a schedule of the step count. */
export type LearningRate = number | Schedule;

// ---------------------------------------------------------------------------------------------
// Helpers (leaf level)

/** (1 − decay) · gᵒʳᵈᵉʳ + decay · m */
function moment(g: nx.Tensor, m: nx.Tensor, decay: number, order: 1 | 2): nx.Tensor {
  const gk = order === 1 ? g : nx.multiply(g, g);
  return nx.add(nx.multiply(gk, 1 - decay), nx.multiply(m, decay));
}

/**
 * m / (1 − decayᵗ) with t the (1-based) step as a tensor, as m · (1 / (1 − decayᵗ)): one scalar
 * division per step instead of one per element (divisions dominate an Adam update's time).
 */
function biasCorrected(m: nx.Tensor, decay: number, t: nx.Tensor): nx.Tensor {
  return nx.multiply(m, nx.divide(1, nx.subtract(1, nx.pow(decay, nx.asType(t, m.dtype)))));
}

/** Adam's step direction m̂ / (√(v̂ + epsRoot) + eps), with both moments bias-corrected at step t. */
function adamDirection(
  m: nx.Tensor,
  v: nx.Tensor,
  o: { b1: number; b2: number; eps: number; epsRoot: number },
  t: nx.Tensor,
): nx.Tensor {
  return nx.divide(
    biasCorrected(m, o.b1, t),
    nx.add(nx.sqrt(nx.add(biasCorrected(v, o.b2, t), o.epsRoot)), o.eps),
  );
}

/** The L2 norm of a tensor. */
function norm(x: nx.Tensor): nx.Tensor {
  return nx.sqrt(nx.sum(nx.multiply(x, x)));
}

function checkRate(name: string, what: string, value: number, min: number, max: number): void {
  if (!(typeof value === "number" && value >= min && value <= max))
    throw new RangeError(`${name}: ${what} must be a number in [${min}, ${max}], got ${value}`);
}

// ---------------------------------------------------------------------------------------------
// Scaling

/** Multiplies the updates by a fixed number. */
export function scale(stepSize: number): GradientTransformation<Record<string, never>> {
  if (typeof stepSize !== "number" || !Number.isFinite(stepSize))
    throw new RangeError(`scale: stepSize must be a finite number, got ${stepSize}`);
  return stateless((updates) => treeMap(updates, (g) => nx.multiply(g, stepSize)));
}

/** State of `scaleByState`: the factor, as a tensor so a handler can change it between steps. */
export interface ScaleState {
  readonly [key: string]: nx.Tensor;
  scale: nx.Tensor;
}

/**
 * Multiplies the updates by a factor kept in the state (`{ scale }`), so it can be changed during
 * training without recompiling (see `scaleLearningRate`, used by reduce-on-plateau).
 */
export function scaleByState(initScale: number): GradientTransformation<ScaleState> {
  if (typeof initScale !== "number" || !Number.isFinite(initScale))
    throw new RangeError(`scaleByState: initScale must be a finite number, got ${initScale}`);
  return {
    init: (params) => ({ scale: nx.tensor(initScale, { dtype: scalarDtype(params) }) }),
    update: (updates, state) => ({
      updates: treeMap(updates, (g) => nx.multiply(g, state.scale)),
      state,
    }),
  };
}

/** State of `scaleBySchedule`: the step count. */
export interface CountState {
  readonly [key: string]: nx.Tensor;
  count: nx.Tensor;
}

/** Multiplies the updates by `schedule(count)` and counts the step. */
export function scaleBySchedule(schedule: Schedule): GradientTransformation<CountState> {
  if (typeof schedule !== "function")
    throw new TypeError("scaleBySchedule: expected a schedule function (step) => tensor");
  return {
    init: () => ({ count: zeroCount() }),
    update: (updates, state) => {
      const factor = schedule(state.count);
      return {
        updates: treeMap(updates, (g) => nx.multiply(g, nx.asType(factor, g.dtype))),
        state: { count: nx.add(state.count, 1) },
      };
    },
  };
}

/**
 * Multiplies the updates by −learningRate (a descent step): a number is kept in the state as
 * `{ scale }` (see `scaleByState`); a schedule is evaluated at the step count.
 */
export function scaleByLearningRate(
  learningRate: LearningRate,
): GradientTransformation<ScaleState> | GradientTransformation<CountState> {
  if (typeof learningRate === "function")
    return scaleBySchedule((step) => nx.negate(learningRate(step)));
  if (typeof learningRate !== "number" || !Number.isFinite(learningRate))
    throw new RangeError(
      `learningRate must be a finite number or a schedule function, got ${nx.show(learningRate)}`,
    );
  return scaleByState(-learningRate);
}

/**
 * Multiplies every `scale` (the learning rate of a numeric `learningRate`) in an optimizer state by
 * `factor`, giving a new state: how reduce-on-plateau lowers the learning rate mid-run.
 */
export function scaleLearningRate<S extends Tree>(state: S, factor: number): S {
  const { leaves, paths, spec } = nx.flattenTree(state, "");
  const scaled = leaves.map((t, i) => (paths[i]!.endsWith(".scale") ? nx.multiply(t, factor) : t));
  return nx.unflattenTree(spec, scaled) as S;
}

// ---------------------------------------------------------------------------------------------
// Adaptive scalings

/** Options of `scaleByAdam`. */
export interface AdamOptions {
  /** First-moment decay. Default 0.9. */
  b1?: number;
  /** Second-moment decay. Default 0.999. */
  b2?: number;
  /** Added to √v̂. Default 1e-8. */
  eps?: number;
  /** Added to v̂ under the root. Default 1e-15 (Polaris' scale_by_adam). */
  epsRoot?: number;
}

/** State of the Adam-like scalings: first and second moments and the step count. */
export interface MomentState {
  readonly [key: string]: Tree;
  mu: Tree;
  nu: Tree;
  count: nx.Tensor;
}

/**
 * Adam's scaling: m = b1·m + (1−b1)·g, v = b2·v + (1−b2)·g², update = m̂ / (√(v̂ + epsRoot) + eps)
 * with the bias-corrected m̂ = m/(1−b1ᵗ), v̂ = v/(1−b2ᵗ).
 */
export function scaleByAdam(options: AdamOptions = {}): GradientTransformation<MomentState> {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 1e-15 } = options;
  checkRate("scaleByAdam", "b1", b1, 0, 1);
  checkRate("scaleByAdam", "b2", b2, 0, 1);
  return {
    init: (params) => ({ mu: fullLike(params), nu: fullLike(params), count: zeroCount() }),
    update(updates, state) {
      const t = nx.add(state.count, 1);
      const mu = treeMap(updates, (g, m) => moment(g, m!, b1, 1), state.mu);
      const nu = treeMap(updates, (g, v) => moment(g, v!, b2, 2), state.nu);
      const out = treeMap(mu, (m, v) => adamDirection(m, v!, { b1, b2, eps, epsRoot }, t), nu);
      return { updates: out, state: { mu, nu, count: t } };
    },
  };
}

/** Options of `scaleByBelief`. */
export interface BeliefOptions {
  /** First-moment decay. Default 0.9. */
  b1?: number;
  /** Decay of the belief (variance of g around m). Default 0.999. */
  b2?: number;
  /** Added to √ŝ. Default 0 (Polaris). */
  eps?: number;
  /** Added to ŝ under the root. Default 1e-16 (Polaris). */
  epsRoot?: number;
}

/**
 * AdaBelief's scaling (the paper's algorithm): m = b1·m + (1−b1)·g, s = b2·s + (1−b2)·(g − m)²,
 * update = m̂ / (√(ŝ + epsRoot) + eps). (Polaris tracks g² instead of (g − m)², which is Adam.)
 */
export function scaleByBelief(options: BeliefOptions = {}): GradientTransformation<MomentState> {
  const { b1 = 0.9, b2 = 0.999, eps = 0, epsRoot = 1e-16 } = options;
  checkRate("scaleByBelief", "b1", b1, 0, 1);
  checkRate("scaleByBelief", "b2", b2, 0, 1);
  return {
    init: (params) => ({ mu: fullLike(params), nu: fullLike(params), count: zeroCount() }),
    update(updates, state) {
      const t = nx.add(state.count, 1);
      const mu = treeMap(updates, (g, m) => moment(g, m!, b1, 1), state.mu);
      const nu = treeMap(updates, (g, s, m) => moment(nx.subtract(g, m!), s!, b2, 2), state.nu, mu);
      const out = treeMap(mu, (m, v) => adamDirection(m, v!, { b1, b2, eps, epsRoot }, t), nu);
      return { updates: out, state: { mu, nu, count: t } };
    },
  };
}

/** Options of `scaleByRadam`. */
export interface RadamOptions extends AdamOptions {
  /** The length of the approximated SMA above which the rectified step is used. Default 5. */
  threshold?: number;
}

/**
 * Rectified Adam's scaling (Liu et al. 2019, as optax and PyTorch): with ρ∞ = 2/(1−b2) − 1 and
 * ρt = ρ∞ − 2t·b2ᵗ/(1−b2ᵗ), the update is r·m̂/(√(v̂ + epsRoot) + eps) when ρt ≥ threshold, with
 * r = √((ρt−4)(ρt−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρt)), else m̂. (Polaris computes ρ∞ from b1, which delays
 * rectification by thousands of steps.) Default epsRoot 0.
 */
export function scaleByRadam(options: RadamOptions = {}): GradientTransformation<MomentState> {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 0, threshold = 5 } = options;
  checkRate("scaleByRadam", "b1", b1, 0, 1);
  checkRate("scaleByRadam", "b2", b2, 0, 0.9999999);
  const roInf = 2 / (1 - b2) - 1;
  return {
    init: (params) => ({ mu: fullLike(params), nu: fullLike(params), count: zeroCount() }),
    update(updates, state) {
      const t = nx.add(state.count, 1);
      const mu = treeMap(updates, (g, m) => moment(g, m!, b1, 1), state.mu);
      const nu = treeMap(updates, (g, v) => moment(g, v!, b2, 2), state.nu);
      const out = treeMap(
        mu,
        (m, v) => {
          const tf = nx.asType(t, m.dtype);
          const b2t = nx.pow(b2, tf);
          const ro = nx.subtract(
            roInf,
            nx.divide(nx.multiply(nx.multiply(tf, 2), b2t), nx.subtract(1, b2t)),
          );
          const rectify = nx.greaterEqual(ro, threshold);
          // Where the rectifier is not used, ro may be ≤ 4: keep the root's argument positive.
          const safeRo = nx.select(rectify, ro, roInf);
          const r = nx.sqrt(
            nx.divide(
              nx.multiply(nx.multiply(nx.subtract(safeRo, 4), nx.subtract(safeRo, 2)), roInf),
              nx.multiply(safeRo, (roInf - 4) * (roInf - 2)),
            ),
          );
          const mHat = biasCorrected(m, b1, t);
          const adaptive = nx.divide(
            nx.multiply(r, mHat),
            nx.add(nx.sqrt(nx.add(biasCorrected(v!, b2, t), epsRoot)), eps),
          );
          return nx.select(rectify, adaptive, mHat);
        },
        nu,
      );
      return { updates: out, state: { mu, nu, count: t } };
    },
  };
}

/** Options of `scaleByYogi`. */
export interface YogiOptions extends AdamOptions {
  /** Initial value of both moments. Default 1e-6 (Polaris, optax). */
  initialAccumulatorValue?: number;
}

/**
 * Yogi's scaling: m as Adam, v = v − (1−b2)·sign(v − g²)·g², update = m̂/(√(v̂ + epsRoot) + eps).
 * Defaults as Polaris' scale_by_yogi: eps 1e-3, epsRoot 0, initial accumulators 1e-6.
 */
export function scaleByYogi(options: YogiOptions = {}): GradientTransformation<MomentState> {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-3, epsRoot = 0, initialAccumulatorValue = 1e-6 } = options;
  checkRate("scaleByYogi", "b1", b1, 0, 1);
  checkRate("scaleByYogi", "b2", b2, 0, 1);
  return {
    init: (params) => ({
      mu: fullLike(params, initialAccumulatorValue),
      nu: fullLike(params, initialAccumulatorValue),
      count: zeroCount(),
    }),
    update(updates, state) {
      const t = nx.add(state.count, 1);
      const mu = treeMap(updates, (g, m) => moment(g, m!, b1, 1), state.mu);
      const nu = treeMap(
        updates,
        (g, v) => {
          const g2 = nx.multiply(g, g);
          return nx.subtract(
            v!,
            nx.multiply(nx.multiply(nx.sign(nx.subtract(v!, g2)), g2), 1 - b2),
          );
        },
        state.nu,
      );
      const out = treeMap(mu, (m, v) => adamDirection(m, v!, { b1, b2, eps, epsRoot }, t), nu);
      return { updates: out, state: { mu, nu, count: t } };
    },
  };
}

/** Options of `scaleByRms`. */
export interface RmsOptions {
  /** Decay of the moving average of g². Default 0.9. */
  decay?: number;
  /** Added under the root. Default 1e-8. */
  eps?: number;
  /** Initial value of the moving averages. Default 0. */
  initialScale?: number;
}

/** RMSProp's scaling: v = decay·v + (1−decay)·g², update = g / √(v + eps). */
export function scaleByRms(
  options: RmsOptions = {},
): GradientTransformation<{ readonly [key: string]: Tree; nu: Tree }> {
  const { decay = 0.9, eps = 1e-8, initialScale = 0 } = options;
  checkRate("scaleByRms", "decay", decay, 0, 1);
  return {
    init: (params) => ({ nu: fullLike(params, initialScale) }),
    update(updates, state) {
      const nu = treeMap(updates, (g, v) => moment(g, v!, decay, 2), state.nu);
      const out = treeMap(updates, (g, v) => nx.multiply(g, nx.rsqrt(nx.add(v!, eps))), nu);
      return { updates: out, state: { nu } };
    },
  };
}

/**
 * Centered RMSProp's scaling: m and v the moving averages of g and g², update = g / √(v − m² + eps).
 */
export function scaleByStddev(
  options: RmsOptions = {},
): GradientTransformation<{ readonly [key: string]: Tree; mu: Tree; nu: Tree }> {
  const { decay = 0.9, eps = 1e-8, initialScale = 0 } = options;
  checkRate("scaleByStddev", "decay", decay, 0, 1);
  return {
    init: (params) => ({ mu: fullLike(params), nu: fullLike(params, initialScale) }),
    update(updates, state) {
      const mu = treeMap(updates, (g, m) => moment(g, m!, decay, 1), state.mu);
      const nu = treeMap(updates, (g, v) => moment(g, v!, decay, 2), state.nu);
      const out = treeMap(
        updates,
        (g, m, v) => nx.multiply(g, nx.rsqrt(nx.add(nx.subtract(v!, nx.multiply(m!, m!)), eps))),
        mu,
        nu,
      );
      return { updates: out, state: { mu, nu } };
    },
  };
}

/** Options of `scaleByRss`. */
export interface RssOptions {
  /** Initial sum of squares. Default 0.1 (Polaris). */
  initialAccumulatorValue?: number;
  /** Added under the root. Default 1e-7. */
  eps?: number;
}

/** AdaGrad's scaling: s = s + g², update = g / √(s + eps) (0 where s is 0). */
export function scaleByRss(
  options: RssOptions = {},
): GradientTransformation<{ readonly [key: string]: Tree; sumOfSquares: Tree }> {
  const { initialAccumulatorValue = 0.1, eps = 1e-7 } = options;
  return {
    init: (params) => ({ sumOfSquares: fullLike(params, initialAccumulatorValue) }),
    update(updates, state) {
      const sumOfSquares = treeMap(
        updates,
        (g, s) => nx.add(s!, nx.multiply(g, g)),
        state.sumOfSquares,
      );
      const out = treeMap(
        updates,
        (g, s) => nx.select(nx.greater(s!, 0), nx.multiply(g, nx.rsqrt(nx.add(s!, eps))), 0),
        sumOfSquares,
      );
      return { updates: out, state: { sumOfSquares } };
    },
  };
}

/** Options of `trace`. */
export interface TraceOptions {
  /** The momentum. Default 0.9. */
  decay?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/** Momentum: t = decay·t + g; the update is t, or decay·t + g with `nesterov`. */
export function trace(
  options: TraceOptions = {},
): GradientTransformation<{ readonly [key: string]: Tree; trace: Tree }> {
  const { decay = 0.9, nesterov = false } = options;
  checkRate("trace", "decay", decay, 0, 1);
  return {
    init: (params) => ({ trace: fullLike(params) }),
    update(updates, state) {
      const next = treeMap(updates, (g, t) => nx.add(nx.multiply(t!, decay), g), state.trace);
      const out = nesterov
        ? treeMap(updates, (g, t) => nx.add(nx.multiply(t!, decay), g), next)
        : next;
      return { updates: out, state: { trace: next } };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Clipping, weight decay, trust ratio

/** Clips every update into [−delta, delta] (default delta 2, as Polaris). */
export function clip(
  options: { delta?: number } = {},
): GradientTransformation<Record<string, never>> {
  const { delta = 2 } = options;
  if (!(delta > 0)) throw new RangeError(`clip: delta must be positive, got ${delta}`);
  return stateless((updates) => treeMap(updates, (g) => nx.clip(g, -delta, delta)));
}

/**
 * Rescales all updates together so that their global L2 norm is at most `maxNorm` (default 1):
 * g · maxNorm / ‖g‖ when ‖g‖ ≥ maxNorm.
 */
export function clipByGlobalNorm(
  options: { maxNorm?: number } = {},
): GradientTransformation<Record<string, never>> {
  const { maxNorm = 1 } = options;
  if (!(maxNorm > 0))
    throw new RangeError(`clipByGlobalNorm: maxNorm must be positive, got ${maxNorm}`);
  return stateless((updates) => {
    const leaves = treeLeaves(updates);
    if (leaves.length === 0) return updates;
    let total: nx.Tensor = nx.sum(nx.multiply(leaves[0]!, leaves[0]!));
    for (const g of leaves.slice(1)) total = nx.add(total, nx.sum(nx.multiply(g, g)));
    const globalNorm = nx.sqrt(total);
    const factor = nx.select(nx.less(globalNorm, maxNorm), 1, nx.divide(maxNorm, globalNorm));
    return treeMap(updates, (g) => nx.multiply(g, nx.asType(factor, g.dtype)));
  });
}

/** Adds decay · param to each update (decoupled weight decay, as AdamW). */
export function addDecayedWeights(
  options: { decay?: number } = {},
): GradientTransformation<Record<string, never>> {
  const { decay = 0 } = options;
  if (typeof decay !== "number" || !Number.isFinite(decay))
    throw new RangeError(`addDecayedWeights: decay must be a finite number, got ${decay}`);
  return stateless((updates, params) => {
    if (decay === 0) return updates;
    const p = requireParams("addDecayedWeights", params);
    return treeMap(updates, (g, w) => nx.add(g, nx.multiply(w!, decay)), p);
  });
}

/** Options of `scaleByTrustRatio`. */
export interface TrustRatioOptions {
  /** Norms at or below this are replaced by it. Default 0. */
  minNorm?: number;
  /** Multiplies the ratio. Default 1. */
  trustCoefficient?: number;
  /** Added to the update's norm. Default 0. */
  eps?: number;
}

/**
 * LAMB's layer-wise trust ratio: each update is multiplied by trustCoefficient · ‖param‖ /
 * (‖update‖ + eps), or by 1 where either norm is 0.
 */
export function scaleByTrustRatio(
  options: TrustRatioOptions = {},
): GradientTransformation<Record<string, never>> {
  const { minNorm = 0, trustCoefficient = 1, eps = 0 } = options;
  const safeNorm = (x: nx.Tensor) => nx.maximum(norm(x), minNorm);
  return stateless((updates, params) => {
    const p = requireParams("scaleByTrustRatio", params);
    return treeMap(
      updates,
      (g, w) => {
        const paramNorm = safeNorm(w!);
        const updateNorm = safeNorm(g);
        const ratio = nx.divide(nx.multiply(paramNorm, trustCoefficient), nx.add(updateNorm, eps));
        const zero = nx.logicalOr(nx.equal(paramNorm, 0), nx.equal(updateNorm, 0));
        return nx.multiply(g, nx.select(zero, 1, ratio));
      },
      p,
    );
  });
}

/** Gradient centralisation: subtracts from each update of rank > 1 its mean over all but axis 0. */
export function centralize(): GradientTransformation<Record<string, never>> {
  return stateless((updates) =>
    treeMap(updates, (g) =>
      g.rank > 1
        ? nx.subtract(g, nx.mean(g, { axes: g.shape.map((_, i) => i).slice(1), keepAxes: true }))
        : g,
    ),
  );
}
