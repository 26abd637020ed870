/**
 * Activation functions (Axon.Activations), as plain tensor functions. Each is also a layer
 * (`x.relu()`, `nn.relu(x)`) and a `dense(..., { activation: "relu" })` option.
 *
 * @example
 * nn.activations.softmax(nx.tensor([[1, 2, 3]])); // [[0.090, 0.245, 0.665]]
 */
import * as nx from "@dendrite/tensor";
import { recordLogits } from "./logits.js";
import { canonicalName } from "./names.js";

/** Options of the activations that take some (alpha, axis, ...). */
export interface ActivationOptions {
  /** elu, celu, leakyRelu, selu, hardSigmoid: the slope / scale α. */
  alpha?: number;
  /** hardSigmoid: the offset β; */
  beta?: number;
  /** selu: the scale λ. */
  gamma?: number;
  /** softmax, logSoftmax, logSumexp: the axis (default -1). */
  axis?: number;
}

type Activation = (x: nx.Tensor, options?: ActivationOptions) => nx.Tensor;

/** max(x, 0), with derivative 0 at 0 (as Axon and PyTorch). */
export const relu: Activation = (x) => nx.select(nx.greater(x, 0), x, 0);

/** min(max(x, 0), 6), derivative 0 at both kinks. */
export const relu6: Activation = (x) =>
  nx.select(nx.logicalAnd(nx.greater(x, 0), nx.less(x, 6)), x, nx.select(nx.greater(x, 0), 6, 0));

/** 1 / (1 + e^-x). */
export const sigmoid: Activation = (x) => recordLogits(nx.sigmoid(x), x, "sigmoid");

/** tanh(x). */
export const tanh: Activation = (x) => nx.tanh(x);

/** The identity. */
export const linear: Activation = (x) => x;

/** e^x. */
export const exp: Activation = (x) => nx.exp(x);

/**
 * log(1 + eˣ), stable for any x, with derivative σ(x) everywhere (½ at 0). The losses use this
 * definition too.
 */
export const softplus: Activation = (x) => {
  // softplus(x) = p + log1p(e^(n − p)) with p = max(x, 0), n = min(x, 0): e^(n − p) = e^−|x| ≤ 1
  // never overflows. p and n are selects, so at x = 0 all of x's derivative goes to n, giving
  // σ(0) = ½ (with |x| and max(x, 0) it would be 0).
  const positive = nx.greater(x, 0);
  const p = nx.select(positive, x, 0);
  const n = nx.select(positive, 0, x);
  return nx.add(p, nx.log1p(nx.exp(nx.subtract(n, p))));
};

/** x / (|x| + 1). */
export const softsign: Activation = (x) => nx.divide(x, nx.add(nx.abs(x), 1));

/** x · sigmoid(x) (also called swish). */
export const silu: Activation = (x) => nx.multiply(x, nx.sigmoid(x));

/** x · Φ(x) = x/2 · (1 + erf(x/√2)), the exact GELU (as Axon). */
export const gelu: Activation = (x) =>
  nx.multiply(nx.multiply(x, 0.5), nx.add(nx.erf(nx.multiply(x, Math.SQRT1_2)), 1));

/** x · tanh(softplus(x)). */
export const mish: Activation = (x) => nx.multiply(x, nx.tanh(softplus(x)));

/** x for x > 0, α(e^x − 1) otherwise (α = 1). */
export const elu: Activation = (x, o = {}) => {
  const alpha = o.alpha ?? 1;
  const positive = nx.greater(x, 0);
  return nx.select(positive, x, nx.multiply(nx.expm1(nx.select(positive, 0, x)), alpha));
};

/** x for x > 0, α(e^(x/α) − 1) otherwise (α = 1, non-zero). */
export const celu: Activation = (x, o = {}) => {
  const alpha = o.alpha ?? 1;
  if (alpha === 0) throw new RangeError("celu: alpha must be non-zero");
  const positive = nx.greater(x, 0);
  return nx.select(
    positive,
    x,
    nx.multiply(nx.expm1(nx.divide(nx.select(positive, 0, x), alpha)), alpha),
  );
};

/** λ · elu(x, α) with the self-normalising constants λ ≈ 1.0507, α ≈ 1.6733. */
export const selu: Activation = (x, o = {}) =>
  nx.multiply(elu(x, { alpha: o.alpha ?? 1.6732632423543772 }), o.gamma ?? 1.0507009873554805);

/** x for x > 0, αx otherwise (α = 0.01). */
export const leakyRelu: Activation = (x, o = {}) =>
  nx.select(nx.greater(x, 0), x, nx.multiply(x, o.alpha ?? 0.01));

/** clip(αx + β, 0, 1) with Axon's α = 0.2, β = 0.2. */
export const hardSigmoid: Activation = (x, o = {}) =>
  nx.clip(nx.add(nx.multiply(x, o.alpha ?? 0.2), o.beta ?? 0.2), 0, 1);

/** x · hardSigmoid(x). */
export const hardSilu: Activation = (x, o = {}) => nx.multiply(x, hardSigmoid(x, o));

/** clip(x, −1, 1). */
export const hardTanh: Activation = (x) => nx.clip(x, -1, 1);

/** log(sigmoid(x)) = −softplus(−x), with derivative σ(−x) (½ at 0). */
export const logSigmoid: Activation = (x) => nx.negate(softplus(nx.negate(x)));

function axisOf(x: nx.Tensor, o: ActivationOptions, op: string): number {
  const axis = o.axis ?? -1;
  if (!Number.isInteger(axis) || axis < -x.rank || axis >= x.rank)
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${x.rank}`);
  return axis < 0 ? axis + x.rank : axis;
}

/**
 * The pieces of softmax and logSoftmax along `axes` (kept): `shifted` = x − the row maximum as a
 * constant (or 0 where that is infinite, as `nx.logsumexp` does); `e` = e^shifted; `sum` = Σ e,
 * made 1 where it is 0. A row masked entirely to −∞ sums to 0: its softmax is 0 and its
 * logSoftmax −∞, with finite gradients (never 0/0 or ∞ · 0). Other rows are unchanged.
 */
function shiftedExpSum(
  x: nx.Tensor,
  axes: number[],
): { shifted: nx.Tensor; e: nx.Tensor; sum: nx.Tensor } {
  const m = nx.reduceMax(x, { axes, keepAxes: true });
  const shift = nx.stopGradient(nx.select(nx.isInfinite(m), 0, m));
  const shifted = nx.subtract(x, shift);
  const e = nx.exp(shifted);
  const s = nx.sum(e, { axes, keepAxes: true });
  return { shifted, e, sum: nx.select(nx.equal(s, 0), 1, s) };
}

/**
 * e^x / Σ e^x along `axis` (default −1), shifted by the (constant) maximum for stability. A row
 * that is all −∞ (fully masked) gives 0s, with gradient 0.
 */
export const softmax: Activation = (x, o = {}) => {
  const axes = [axisOf(x, o, "softmax")];
  const { e, sum } = shiftedExpSum(x, axes);
  const out = nx.divide(e, sum);
  return axes[0] === x.rank - 1 ? recordLogits(out, x, "softmax") : out;
};

/**
 * x − log Σ e^x along `axis` (default −1), computed stably. A row that is all −∞ gives −∞ (the
 * log of softmax's 0s); its Jacobian is I − softmax = I, as for the masked entries of any row.
 */
export const logSoftmax: Activation = (x, o = {}) => {
  const axes = [axisOf(x, o, "logSoftmax")];
  const { shifted, sum } = shiftedExpSum(x, axes);
  return nx.subtract(shifted, nx.log(sum));
};

/**
 * log Σ e^x along `axis` (default −1), keeping the axis (size 1). A row that is all −∞ gives −∞
 * (as `nx.logsumexp`), with gradient softmax = 0.
 */
export const logSumexp: Activation = (x, o = {}) => {
  return nx.logsumexp(x, { axes: axisOf(x, o, "logSumexp"), keepAxes: true });
};

/** Every activation by its camelCase name. */
export const ACTIVATIONS = {
  celu,
  elu,
  exp,
  gelu,
  hardSigmoid,
  hardSilu,
  hardTanh,
  leakyRelu,
  linear,
  logSigmoid,
  logSoftmax,
  logSumexp,
  mish,
  relu,
  relu6,
  selu,
  sigmoid,
  silu,
  softmax,
  softplus,
  softsign,
  tanh,
} as const;

/** The name of an activation (camelCase; snake_case such as `"leaky_relu"` is accepted too). */
export type ActivationName = keyof typeof ACTIVATIONS;

/** The camelCase name of an activation, or an error listing the valid names. */
export function activationName(name: string, where: string): ActivationName {
  try {
    return canonicalName("activation", ACTIVATIONS, String(name)) as ActivationName;
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}
