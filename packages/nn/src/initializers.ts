/**
 * Parameter initializers (Axon.Initializers): functions `(key, shape, dtype) => Tensor`, seeded by
 * explicit random keys. Each carries its name and options (`config`) so saved models can rebuild it.
 *
 * @example
 * const init = nn.initializers.heNormal();
 * const w = init(nx.random.key(0), [64, 32], "f32");
 */
import * as nx from "@dendrite/tensor";
import type { Json } from "./model.js";

/** Makes a tensor of `shape` and `dtype` from a random key. */
export interface Initializer {
  (key: nx.Tensor, shape: readonly number[], dtype: nx.DType): nx.Tensor;
  /** The initializer's name and options (what `save` writes). */
  readonly config: { readonly name: string; readonly [option: string]: Json };
}

/** An initializer by name (`"glorotUniform"` or `"glorot_uniform"`) or as a function. */
export type InitializerLike = Initializer | string;

function make(
  name: string,
  options: { readonly [k: string]: Json },
  fn: (key: nx.Tensor, shape: number[], dtype: nx.DType) => nx.Tensor,
): Initializer {
  const init = (key: nx.Tensor, shape: readonly number[], dtype: nx.DType) =>
    fn(key, [...shape], dtype);
  return Object.assign(init, { config: Object.freeze({ name, ...options }) });
}

function checkPositive(name: string, option: string, value: number): void {
  if (!(typeof value === "number" && Number.isFinite(value) && value > 0))
    throw new RangeError(`initializers.${name}: ${option} must be a positive number, got ${value}`);
}

/** All zeros. */
export function zeros(): Initializer {
  return make("zeros", {}, (_k, shape, dtype) => nx.zeros(shape, { dtype }));
}

/** All ones. */
export function ones(): Initializer {
  return make("ones", {}, (_k, shape, dtype) => nx.ones(shape, { dtype }));
}

/** Every element `value`. */
export function full(value: number): Initializer {
  if (typeof value !== "number") throw new TypeError(`initializers.full: value must be a number`);
  return make("full", { value }, (_k, shape, dtype) => nx.full(shape, value, { dtype }));
}

/** Uniform in [-scale, scale) (default scale 0.01, as Axon). */
export function uniform(options: { scale?: number } = {}): Initializer {
  const scale = options.scale ?? 1e-2;
  checkPositive("uniform", "scale", scale);
  return make("uniform", { scale }, (key, shape, dtype) =>
    nx.random.uniform(key, shape, { min: -scale, max: scale, dtype }),
  );
}

/** Normal with `mean` (default 0) and standard deviation `scale` (default 0.01, as Axon). */
export function normal(options: { mean?: number; scale?: number } = {}): Initializer {
  const mean = options.mean ?? 0;
  const scale = options.scale ?? 1e-2;
  checkPositive("normal", "scale", scale);
  return make("normal", { mean, scale }, (key, shape, dtype) =>
    nx.random.normal(key, shape, { mean, std: scale, dtype }),
  );
}

/**
 * Normal with `mean` and standard deviation `scale` (default 0.01), truncated to within two
 * standard deviations of the mean: values outside are redrawn (as JAX and Keras; Axon clips).
 */
export function truncatedNormal(options: { mean?: number; scale?: number } = {}): Initializer {
  const mean = options.mean ?? 0;
  const scale = options.scale ?? 1e-2;
  checkPositive("truncatedNormal", "scale", scale);
  return make("truncatedNormal", { mean, scale }, (key, shape, dtype) =>
    nx.add(nx.multiply(standardTruncated(key, shape, dtype), scale), mean),
  );
}

/**
 * Standard normal samples restricted to [-2, 2], by rejection: draw, keep the samples inside, draw
 * again with a fresh key for the rest. Deterministic for a key.
 */
function standardTruncated(key: nx.Tensor, shape: number[], dtype: nx.DType): nx.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  let filled = 0;
  let k = key;
  while (filled < n) {
    const [use, next] = nx.random.split(k);
    k = next!;
    const draw = nx.random
      .normal(use!, [Math.ceil((n - filled) * 1.1) + 16], { dtype: "f64" })
      .data();
    for (let i = 0; i < draw.length && filled < n; i++) {
      const z = draw[i]!;
      if (z >= -2 && z <= 2) out[filled++] = z;
    }
  }
  return nx.asType(nx.reshape(nx.tensor(out), shape), dtype);
}

/** Standard deviation of a standard normal truncated to [-2, 2]. */
export const TRUNCATED_STD = 0.8796256610342398;

/** `[fanIn, fanOut]` of a kernel: `[in, out]` for dense, `[...window, in, out]` for convolutions. */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape.at(-2)! * receptive, shape.at(-1)! * receptive];
}

/** How `varianceScaling` counts units. */
export type FanMode = "fanIn" | "fanOut" | "fanAvg";
/** The distribution `varianceScaling` draws from. */
export type Distribution = "normal" | "truncatedNormal" | "uniform";

/**
 * Samples with variance `scale / n`, `n` the fan in, fan out or their mean (`mode`), from a normal,
 * a normal truncated at two standard deviations (rescaled so the variance is still `scale / n`) or
 * a uniform distribution on ±√(3·scale/n).
 */
export function varianceScaling(
  options: { scale?: number; mode?: FanMode; distribution?: Distribution } = {},
): Initializer {
  const scale = options.scale ?? 1;
  const mode = options.mode ?? "fanIn";
  const distribution = options.distribution ?? "normal";
  checkPositive("varianceScaling", "scale", scale);
  if (!["fanIn", "fanOut", "fanAvg"].includes(mode))
    throw new RangeError(
      `initializers.varianceScaling: mode must be fanIn, fanOut or fanAvg, got ${mode}`,
    );
  if (!["normal", "truncatedNormal", "uniform"].includes(distribution))
    throw new RangeError(
      `initializers.varianceScaling: distribution must be normal, truncatedNormal or uniform, got ${distribution}`,
    );
  return make("varianceScaling", { scale, mode, distribution }, (key, shape, dtype) => {
    const [fanIn, fanOut] = fans(shape);
    const n = mode === "fanIn" ? fanIn : mode === "fanOut" ? fanOut : (fanIn + fanOut) / 2;
    const variance = scale / Math.max(n, 1);
    if (distribution === "uniform") {
      const limit = Math.sqrt(3 * variance);
      return nx.random.uniform(key, shape, { min: -limit, max: limit, dtype });
    }
    if (distribution === "normal")
      return nx.random.normal(key, shape, { std: Math.sqrt(variance), dtype });
    return nx.multiply(standardTruncated(key, shape, dtype), Math.sqrt(variance) / TRUNCATED_STD);
  });
}

function named(
  name: string,
  defaultScale: number,
  mode: FanMode,
  distribution: Distribution,
): (options?: { scale?: number }) => Initializer {
  return (options = {}) => {
    const scale = options.scale ?? defaultScale;
    const inner = varianceScaling({ scale, mode, distribution });
    return make(name, { scale }, (key, shape, dtype) => inner(key, shape, dtype));
  };
}

/** Glorot (Xavier) uniform: U(±√(6/(fanIn+fanOut))) — the default kernel initializer of dense layers. */
export const glorotUniform = named("glorotUniform", 1, "fanAvg", "uniform");
/** Glorot (Xavier) normal: truncated normal with variance 2/(fanIn+fanOut). */
export const glorotNormal = named("glorotNormal", 1, "fanAvg", "truncatedNormal");
/** He (Kaiming) uniform: U(±√(6/fanIn)). */
export const heUniform = named("heUniform", 2, "fanIn", "uniform");
/** He (Kaiming) normal: truncated normal with variance 2/fanIn. */
export const heNormal = named("heNormal", 2, "fanIn", "truncatedNormal");
/** LeCun uniform: U(±√(3/fanIn)). */
export const lecunUniform = named("lecunUniform", 1, "fanIn", "uniform");
/** LeCun normal: truncated normal with variance 1/fanIn. */
export const lecunNormal = named("lecunNormal", 1, "fanIn", "truncatedNormal");

/**
 * A (semi-)orthogonal matrix from the QR decomposition of a normal sample, signs fixed so it is
 * uniformly distributed; tensors of rank > 2 are made as `[prod(shape[:-1]), shape[-1]]` and reshaped.
 */
export function orthogonal(options: { scale?: number } = {}): Initializer {
  const scale = options.scale ?? 1;
  checkPositive("orthogonal", "scale", scale);
  return make("orthogonal", { scale }, (key, shape, dtype) => {
    if (shape.length < 2)
      throw new RangeError(
        `initializers.orthogonal: needs a shape of rank ≥ 2, got ${nx.formatShape(shape)}`,
      );
    const cols = shape.at(-1)!;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const tall = rows >= cols;
    const [m, n] = tall ? [rows, cols] : [cols, rows];
    const a = nx.random.normal(key, [m, n], { dtype: "f64" });
    const { q, r } = nx.qr(a);
    // Multiply each column by the sign of R's diagonal: makes the decomposition unique.
    const d = nx.sign(nx.sum(nx.multiply(r, nx.eye(n, { dtype: "f64" })), { axes: [0] }));
    let w = nx.multiply(q, nx.select(nx.equal(d, 0), 1, d));
    if (!tall) w = nx.transpose(w);
    return nx.asType(nx.multiply(nx.reshape(w, shape), scale), dtype);
  });
}

/** The initializers by name, for `kernelInitializer: "heNormal"` and for loading saved models. */
const FACTORIES: Readonly<Record<string, (options: any) => Initializer>> = {
  zeros,
  ones,
  full: (o: { value: number }) => full(o.value),
  uniform,
  normal,
  truncatedNormal,
  varianceScaling,
  glorotUniform,
  glorotNormal,
  heUniform,
  heNormal,
  lecunUniform,
  lecunNormal,
  orthogonal,
};

/** Resolves a name (camelCase or snake_case) or an initializer function. */
export function resolveInitializer(init: InitializerLike, where: string): Initializer {
  if (typeof init === "function") {
    if (!("config" in init))
      throw new TypeError(
        `${where}: an initializer must come from nn.initializers (or carry a config); got a plain function`,
      );
    return init;
  }
  if (typeof init !== "string")
    throw new TypeError(
      `${where}: expected an initializer name or function, got ${nx.describeValue(init)}`,
    );
  const key = init.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const factory = Object.hasOwn(FACTORIES, key) ? FACTORIES[key] : undefined;
  if (!factory || key === "full")
    throw new Error(
      `${where}: unknown initializer "${init}"; known: ${Object.keys(FACTORIES)
        .filter((k) => k !== "full")
        .join(", ")} (or nn.initializers.full(value))`,
    );
  return factory({});
}

/** Rebuilds an initializer from its `config` (used by `load`). */
export function initializerFromConfig(config: {
  readonly name: string;
  readonly [k: string]: Json;
}): Initializer {
  // own keys only: a saved name such as "constructor" must not reach Object.prototype
  const factory = Object.hasOwn(FACTORIES, config.name) ? FACTORIES[config.name] : undefined;
  if (!factory) throw new Error(`load: unknown initializer ${JSON.stringify(config.name)}`);
  const { name: _name, ...options } = config;
  return factory(options);
}
