// Deterministic synthetic data and initial weights, generated once as Float32Arrays so that every
// implementation (Dendrite, tfjs, the hand-written reference) starts from the same numbers.

/** A seeded generator of uniform [0, 1) numbers (mulberry32) and standard normals (Box–Muller). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  uniform(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
  normal(): number {
    const u = 1 - this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
  /** `n` normals scaled by `scale`. */
  normals(n: number, scale = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal() * scale;
    return out;
  }
  /** `n` uniforms in [-1, 1). */
  signed(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = 2 * this.uniform() - 1;
    return out;
  }
}

/** A dense layer's weights: row-major [inputs, outputs] plus a bias of `outputs` zeros. */
export interface Dense {
  readonly w: Float32Array;
  readonly b: Float32Array;
  readonly inputs: number;
  readonly outputs: number;
}

/** He-normal weights (std √(2/inputs)) and zero biases. */
export function heDense(rng: Rng, inputs: number, outputs: number): Dense {
  return {
    w: rng.normals(inputs * outputs, Math.sqrt(2 / inputs)),
    b: new Float32Array(outputs),
    inputs,
    outputs,
  };
}

/** A regression data set: `x` is row-major [rows, features], `y` is [rows, 1]. */
export interface Regression {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly rows: number;
  readonly features: number;
}

/**
 * Auto-MPG-shaped data: 314 rows (the usual 80% training split of the 392 complete rows) of 7
 * standardized features, and a target that is a smooth nonlinear function of them plus noise,
 * scaled like standardized MPG.
 */
export function autoMpgLike(rows = 314, features = 7, seed = 1): Regression {
  const rng = new Rng(seed);
  const x = rng.normals(rows * features);
  const y = new Float32Array(rows);
  const coef = [-0.8, -0.5, -0.6, -0.9, 0.3, 0.4, 0.2];
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let f = 0; f < features; f++) s += coef[f % coef.length]! * x[r * features + f]!;
    const w = x[r * features + 3]!;
    y[r] = 0.7 * s + 0.3 * w * w - 0.3 + 0.2 * rng.normal();
  }
  return { x, y, rows, features };
}

/** A classification data set: `x` is row-major [rows, features], `onehot` is [rows, classes]. */
export interface Classification {
  readonly x: Float32Array;
  readonly onehot: Float32Array;
  readonly labels: Int32Array;
  readonly rows: number;
  readonly features: number;
  readonly classes: number;
}

/**
 * Iris-shaped data: 150 rows, 4 raw (unstandardized) features, 3 classes of 50, drawn around the
 * per-class means and standard deviations of Fisher's Iris.
 */
export function irisLike(seed = 2): Classification {
  const means = [
    [5.01, 3.42, 1.46, 0.24],
    [5.94, 2.77, 4.26, 1.33],
    [6.59, 2.97, 5.55, 2.03],
  ];
  const stds = [
    [0.35, 0.38, 0.17, 0.11],
    [0.52, 0.31, 0.47, 0.2],
    [0.64, 0.32, 0.55, 0.27],
  ];
  const rng = new Rng(seed);
  const rows = 150;
  const features = 4;
  const classes = 3;
  const x = new Float32Array(rows * features);
  const onehot = new Float32Array(rows * classes);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = Math.floor(r / 50);
    labels[r] = c;
    onehot[r * classes + c] = 1;
    for (let f = 0; f < features; f++)
      x[r * features + f] = Math.max(0.1, means[c]![f]! + stds[c]![f]! * rng.normal());
  }
  return { x, onehot, labels, rows, features, classes };
}
