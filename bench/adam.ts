// Adam (bias-corrected) as Dendrite tensor ops, for use inside a jitted training step, and as a
// plain loop over Float32Arrays for the hand-written references.
import * as nx from "@dendrite/tensor";

export const ADAM = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** Named parameters (or their moments) as tensors. */
export type Params = Record<string, nx.Tensor>;

/** The Adam state for `params`: zero first and second moments and step count 0. */
export function adamInit(params: Params): { m: Params; v: Params; t: nx.Tensor } {
  const m: Params = {};
  const v: Params = {};
  for (const [k, p] of Object.entries(params)) {
    m[k] = nx.zeros(p.shape);
    v[k] = nx.zeros(p.shape);
  }
  return { m, v, t: nx.tensor(0) };
}

/**
 * One Adam update with tensor ops (traced into the jitted step):
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr·m̂ / (√v̂ + ε), m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
 */
export function adamUpdate(
  p: Params,
  g: Params,
  m: Params,
  v: Params,
  t: nx.Tensor,
): [Params, Params, Params, nx.Tensor] {
  const { lr, beta1, beta2, eps } = ADAM;
  const t1 = nx.add(t, 1);
  const c1 = nx.subtract(1, nx.pow(beta1, t1));
  const c2 = nx.subtract(1, nx.pow(beta2, t1));
  const np: Params = {};
  const nm: Params = {};
  const nv: Params = {};
  for (const k of Object.keys(p)) {
    const gk = g[k]!;
    nm[k] = nx.add(nx.multiply(m[k]!, beta1), nx.multiply(gk, 1 - beta1));
    nv[k] = nx.add(nx.multiply(v[k]!, beta2), nx.multiply(nx.multiply(gk, gk), 1 - beta2));
    const mHat = nx.divide(nm[k]!, c1);
    const vHat = nx.divide(nv[k]!, c2);
    np[k] = nx.subtract(p[k]!, nx.divide(nx.multiply(mHat, lr), nx.add(nx.sqrt(vHat), eps)));
  }
  return [np, nm, nv, t1];
}

/** Adam over one flat parameter buffer, for the hand-written references. */
export class FlatAdam {
  readonly m: Float32Array;
  readonly v: Float32Array;
  private t = 0;
  constructor(readonly size: number) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }
  /** Applies gradient `g` to parameters `p` (both of length `size`). */
  step(p: Float32Array, g: Float32Array): void {
    const { lr, beta1, beta2, eps } = ADAM;
    const m = this.m;
    const v = this.v;
    this.t++;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    for (let j = 0; j < this.size; j++) {
      const gj = g[j]!;
      const mj = (m[j] = beta1 * m[j]! + (1 - beta1) * gj);
      const vj = (v[j] = beta2 * v[j]! + (1 - beta2) * gj * gj);
      p[j] = p[j]! - (lr * (mj / c1)) / (Math.sqrt(vj / c2) + eps);
    }
  }
}
