/**
 * Ready-made optimizers (Polaris.Optimizers) with Polaris' defaults. Each is a `chain` of update
 * combinators ending in a step of −learningRate; `learningRate` is a number or a schedule.
 */
import {
  type AdamOptions,
  type BeliefOptions,
  type LearningRate,
  type RadamOptions,
  type RmsOptions,
  type YogiOptions,
  addDecayedWeights,
  scaleByAdam,
  scaleByBelief,
  scaleByLearningRate,
  scaleByRadam,
  scaleByRms,
  scaleByRss,
  scaleByStddev,
  scaleByTrustRatio,
  scaleByYogi,
  trace,
} from "./updates.js";
import { type GradientTransformation, type Optimizer, chain } from "./transform.js";

/** The learning rate option every optimizer takes. */
export interface LearningRateOption {
  /** A number, or a schedule `(step) => tensor` of the step count. */
  learningRate?: LearningRate;
}

/** Options of `sgd`. */
export interface SgdOptions extends LearningRateOption {
  /** Momentum (none by default). */
  momentum?: number;
  /** Nesterov momentum (with `momentum`). Default false. */
  nesterov?: boolean;
}

/** Stochastic gradient descent, with optional (Nesterov) momentum. Default learning rate 1e-2. */
export function sgd(options: SgdOptions = {}): Optimizer {
  const { learningRate = 1e-2, momentum, nesterov = false } = options;
  if (momentum === undefined || momentum === 0) {
    if (nesterov) throw new RangeError("sgd: nesterov needs a momentum");
    return chain(scaleByLearningRate(learningRate));
  }
  return chain(trace({ decay: momentum, nesterov }), scaleByLearningRate(learningRate));
}

/** Options of `adam`. */
export type AdamOptimizerOptions = LearningRateOption & AdamOptions;

/**
 * Adam (Kingma & Ba). Defaults: learningRate 1e-3, b1 0.9, b2 0.999, eps 1e-8, epsRoot 1e-15
 * (Polaris' scale_by_adam).
 */
export function adam(options: AdamOptimizerOptions = {}): Optimizer {
  const { learningRate = 1e-3, ...rest } = options;
  return chain(scaleByAdam(rest), scaleByLearningRate(learningRate));
}

/** Options of `adamw`. */
export interface AdamwOptions extends AdamOptimizerOptions {
  /** Weight decay, added as decay · param after Adam's scaling. Default 0. */
  decay?: number;
}

/** Adam with decoupled weight decay (Loshchilov & Hutter). Defaults as `adam`, decay 0. */
export function adamw(options: AdamwOptions = {}): Optimizer {
  const { learningRate = 1e-3, decay = 0, ...rest } = options;
  return chain(scaleByAdam(rest), addDecayedWeights({ decay }), scaleByLearningRate(learningRate));
}

/** Options of `rmsprop`. */
export interface RmspropOptions extends LearningRateOption, RmsOptions {
  /** Divide by the centred moving standard deviation rather than the RMS. Default false. */
  centered?: boolean;
  /** Momentum applied after the learning rate (none by default). */
  momentum?: number;
  /** Nesterov momentum (with `momentum`). Default false. */
  nesterov?: boolean;
}

/**
 * RMSProp, optionally centred and with momentum. Defaults: learningRate 1e-2, decay 0.9, eps 1e-8,
 * initialScale 0.
 */
export function rmsprop(options: RmspropOptions = {}): Optimizer {
  const { learningRate = 1e-2, centered = false, momentum, nesterov = false, ...rest } = options;
  const scaling = centered ? scaleByStddev(rest) : scaleByRms(rest);
  const steps: GradientTransformation<any>[] = [scaling, scaleByLearningRate(learningRate)];
  if (momentum !== undefined && momentum !== 0) steps.push(trace({ decay: momentum, nesterov }));
  return chain(...steps);
}

/** Options of `adagrad`. */
export interface AdagradOptions extends LearningRateOption {
  /** Added under the root. Default 1e-7. */
  eps?: number;
  /** Initial sum of squares. Default 0.1. */
  initialAccumulatorValue?: number;
}

/** AdaGrad (Duchi et al.). Defaults: learningRate 1e-3, eps 1e-7, initial accumulator 0.1. */
export function adagrad(options: AdagradOptions = {}): Optimizer {
  const { learningRate = 1e-3, ...rest } = options;
  return chain(scaleByRss(rest), scaleByLearningRate(learningRate));
}

/** Options of `adabelief`. */
export type AdabeliefOptions = LearningRateOption & BeliefOptions;

/** AdaBelief (Zhuang et al.). Defaults: learningRate 1e-3, b1 0.9, b2 0.999, eps 0, epsRoot 1e-16. */
export function adabelief(options: AdabeliefOptions = {}): Optimizer {
  const { learningRate = 1e-3, ...rest } = options;
  return chain(scaleByBelief(rest), scaleByLearningRate(learningRate));
}

/** Options of `radam`. */
export type RadamOptimizerOptions = LearningRateOption & RadamOptions;

/** Rectified Adam (Liu et al.). Defaults: learningRate 1e-3, b1 0.9, b2 0.999, eps 1e-8, threshold 5. */
export function radam(options: RadamOptimizerOptions = {}): Optimizer {
  const { learningRate = 1e-3, ...rest } = options;
  return chain(scaleByRadam(rest), scaleByLearningRate(learningRate));
}

/** Options of `lamb`. */
export interface LambOptions extends AdamOptimizerOptions {
  /** Weight decay. Default 0. */
  decay?: number;
  /** Norms at or below this are replaced by it in the trust ratio. Default 0. */
  minNorm?: number;
}

/**
 * LAMB (You et al.): Adam's step plus weight decay, scaled per parameter by the trust ratio
 * ‖param‖ / ‖step‖. Defaults: learningRate 1e-2, b1 0.9, b2 0.999, eps 1e-8, epsRoot 0, decay 0.
 */
export function lamb(options: LambOptions = {}): Optimizer {
  const { learningRate = 1e-2, decay = 0, minNorm = 0, epsRoot = 0, ...rest } = options;
  return chain(
    scaleByAdam({ epsRoot, ...rest }),
    addDecayedWeights({ decay }),
    scaleByTrustRatio({ minNorm }),
    scaleByLearningRate(learningRate),
  );
}

/** Options of `yogi`. */
export type YogiOptimizerOptions = LearningRateOption & YogiOptions;

/**
 * Yogi (Zaheer et al.). Defaults: learningRate 1e-2, b1 0.9, b2 0.999, eps 1e-3, epsRoot 0,
 * initial accumulators 1e-6 (Polaris' scale_by_yogi).
 */
export function yogi(options: YogiOptimizerOptions = {}): Optimizer {
  const { learningRate = 1e-2, ...rest } = options;
  return chain(scaleByYogi(rest), scaleByLearningRate(learningRate));
}
