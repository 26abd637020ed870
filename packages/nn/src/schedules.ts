/**
 * Learning-rate schedules (Polaris.Schedules): functions from the step count (an integer scalar
 * tensor, 0 at the first update) to a value, written with tensor ops so they trace inside one
 * `nx.jit` program — the step changing never recompiles.
 *
 * @example
 * import * as nn from "@dendrite/nn";
 * const lr = nn.schedules.exponentialDecay(1e-2, { decayRate: 0.5, transitionSteps: 100 });
 * const opt = nn.optimizers.adam({ learningRate: lr });
 */
import * as nx from "@dendrite/tensor";

/** A schedule: step count in, a scalar value (f32) out. */
export type Schedule = (step: nx.Tensor) => nx.Tensor;

function asFloat(step: nx.Tensor | number): nx.Tensor {
  return nx.asType(step, "f32");
}

function check(name: string, what: string, value: number, ok: boolean): void {
  if (!ok || !Number.isFinite(value))
    throw new RangeError(`schedules.${name}: invalid ${what} ${value}`);
}

/** The same value at every step. */
export function constant(initValue = 1e-2): Schedule {
  check("constant", "initValue", initValue, true);
  return (step) => nx.add(nx.multiply(asFloat(step), 0), initValue);
}

/** Options of `exponentialDecay`. */
export interface ExponentialDecayOptions {
  /** The factor per `transitionSteps` steps. Default 0.95. */
  decayRate?: number;
  /** Steps per factor of `decayRate`. Default 10. */
  transitionSteps?: number;
  /** The step decay starts at (the value is `initValue` before). Default 0. */
  transitionBegin?: number;
  /** Decay in whole transitions (a staircase) rather than smoothly. Default false. */
  staircase?: boolean;
}

/** initValue · decayRate^((step − transitionBegin) / transitionSteps), initValue before the start. */
export function exponentialDecay(
  initValue = 1e-2,
  options: ExponentialDecayOptions = {},
): Schedule {
  const {
    decayRate = 0.95,
    transitionSteps = 10,
    transitionBegin = 0,
    staircase = false,
  } = options;
  check("exponentialDecay", "transitionSteps", transitionSteps, transitionSteps > 0);
  check("exponentialDecay", "decayRate", decayRate, decayRate > 0);
  return (step) => {
    const t = nx.subtract(asFloat(step), transitionBegin);
    let p = nx.divide(t, transitionSteps);
    if (staircase) p = nx.floor(p);
    const decayed = nx.multiply(nx.exp(nx.multiply(p, Math.log(decayRate))), initValue);
    return nx.select(nx.lessEqual(t, 0), nx.add(nx.multiply(t, 0), initValue), decayed);
  };
}

/** Options of `cosineDecay`. */
export interface CosineDecayOptions {
  /** Steps over which the value falls. Default 10. */
  decaySteps?: number;
  /** The final value as a fraction of `initValue`. Default 0. */
  alpha?: number;
}

/** initValue · ((1 − alpha) · ½(1 + cos(π · min(step, decaySteps) / decaySteps)) + alpha). */
export function cosineDecay(initValue = 1e-2, options: CosineDecayOptions = {}): Schedule {
  const { decaySteps = 10, alpha = 0 } = options;
  check("cosineDecay", "decaySteps", decaySteps, decaySteps > 0);
  return (step) => {
    const theta = nx.multiply(nx.minimum(asFloat(step), decaySteps), Math.PI / decaySteps);
    const cos = nx.multiply(nx.add(nx.cos(theta), 1), 0.5 * (1 - alpha));
    return nx.multiply(nx.add(cos, alpha), initValue);
  };
}

/** Options of `linearDecay`. */
export interface LinearDecayOptions {
  /** Steps of linear warm-up from 0 to `initValue`. Default 0. */
  warmup?: number;
  /** The step at which the value reaches 0. Default 1000. */
  steps?: number;
}

/**
 * Linear warm-up from 0 over `warmup` steps, then a straight fall to 0 at `steps`:
 * initValue · step / warmup, then initValue · max(0, (steps − step) / (steps − warmup)).
 */
export function linearDecay(initValue = 1e-2, options: LinearDecayOptions = {}): Schedule {
  const { warmup = 0, steps = 1000 } = options;
  check("linearDecay", "warmup", warmup, warmup >= 0);
  check("linearDecay", "steps", steps, steps > 0);
  return (step) => {
    const s = asFloat(step);
    const up = nx.divide(s, Math.max(1, warmup));
    const down = nx.maximum(0, nx.divide(nx.subtract(steps, s), Math.max(1, steps - warmup)));
    return nx.multiply(nx.select(nx.less(s, warmup), up, down), initValue);
  };
}

/** Options of `polynomialDecay`. */
export interface PolynomialDecayOptions {
  /** The value at the end. Default 1e-3. */
  endValue?: number;
  /** The power of the polynomial. Default 2. */
  power?: number;
  /** Steps over which the value falls. Default 10. */
  transitionSteps?: number;
  /** The step the fall starts at. Default 0. */
  transitionBegin?: number;
}

/**
 * (initValue − endValue) · (1 − t / transitionSteps)^power + endValue, with
 * t = clip(step − transitionBegin, 0, transitionSteps).
 */
export function polynomialDecay(initValue = 1e-2, options: PolynomialDecayOptions = {}): Schedule {
  const { endValue = 1e-3, power = 2, transitionSteps = 10, transitionBegin = 0 } = options;
  check("polynomialDecay", "transitionSteps", transitionSteps, transitionSteps > 0);
  return (step) => {
    const t = nx.clip(nx.subtract(asFloat(step), transitionBegin), 0, transitionSteps);
    const frac = nx.subtract(1, nx.divide(t, transitionSteps));
    return nx.add(nx.multiply(nx.pow(frac, power), initValue - endValue), endValue);
  };
}
