/**
 * Random numbers with explicit keys (Nx.Random, JAX): no hidden state; the same key always gives
 * the same numbers on every machine. Split a key to get independent streams.
 *
 * @example
 * const [k1, k2] = random.split(random.key(42));
 * const w = random.normal(k1, [3, 4]);
 */
import { bind } from "./core.js";
import { describeValue, show } from "./describe.js";
import type { DType } from "./dtype.js";
import { checkDType, isFloat } from "./dtype.js";
import { randomBits } from "./primitives/random.js";
import { checkShape } from "./shape.js";
import type { Shape } from "./shape.js";
import { Tensor } from "./tensor.js";
import { tensor } from "./ops/creation.js";
import * as e from "./ops/elementwise.js";
import { argsort } from "./ops/sort.js";
import { reshape, sliceAlong, take } from "./ops/shape.js";
import { checkInteger, checkNumber, checkOptions, checkTensorArg } from "./ops/check.js";
import { normalizeAxis } from "./shape.js";

function bits(key: Tensor, shape: Shape): Tensor {
  if (!(key instanceof Tensor))
    throw new TypeError("random: a key is a u32[2] tensor made by random.key(seed)");
  return bind(randomBits, [key], { shape: checkShape(shape, "random") });
}

/** A key from an integer seed (as JAX's PRNGKey: [high 32 bits, low 32 bits]). */
export function key(seed: number): Tensor {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed))
    throw new RangeError(`random.key: seed must be a safe integer, got ${show(seed)}`);
  const big = BigInt.asUintN(64, BigInt(seed));
  return tensor(new Uint32Array([Number(big >> 32n), Number(big & 0xffffffffn)]));
}

/** `n` new independent keys, as a u32[n][2] tensor (default n = 2); destructure it: `const [a, b] = split(k)`. */
export function split(key: Tensor, n = 2): Tensor {
  checkInteger("random.split", "n", n, 1);
  return reshape(bits(key, [2 * n]), [n, 2]);
}

/** Uniform floats in [min, max) (default [0, 1), f32). */
export function uniform(
  key: Tensor,
  shape: Shape,
  options: { min?: number; max?: number; dtype?: DType } = {},
): Tensor {
  checkShape(shape, "random.uniform");
  const o = checkOptions("random.uniform", options);
  const dtype = checkDType(o.dtype ?? "f32", "random.uniform");
  if (!isFloat(dtype))
    throw new TypeError(`random.uniform: dtype must be a float type, got ${dtype}`);
  const min = checkNumber("random.uniform", "min", o.min ?? 0);
  const max = checkNumber("random.uniform", "max", o.max ?? 1);
  let unit: Tensor;
  if (dtype !== "f64") {
    // The top m bits (m: the mantissa width of f32, f16 or bf16) as a multiple of 2⁻ᵐ: exactly
    // representable, in [0, 1).
    const m = { f32: 23, f16: 10, bf16: 7 }[dtype as "f32" | "f16" | "bf16"];
    unit = e.cast(
      e.multiply(e.floor(e.divide(e.cast(bits(key, shape), "f64"), 2 ** (32 - m))), 2 ** -m),
      dtype,
    );
  } else {
    // 52 bits from two words: 32 high bits and the top 20 of the second word.
    const words = e.cast(bits(key, [2, ...shape]), "f64");
    const hi = reshape(sliceAlong(words, 0, 1), shape);
    const lo = e.floor(e.divide(reshape(sliceAlong(words, 1, 1), shape), 4096));
    unit = e.multiply(e.add(e.multiply(hi, 2 ** 20), lo), 2 ** -52);
  }
  if (min === 0 && max === 1) return unit;
  return e.maximum(e.add(e.multiply(unit, max - min), min), min);
}

/** Normal (Gaussian) samples with `mean` and `std` (default 0 and 1, f32), by the Box–Muller transform. */
export function normal(
  key: Tensor,
  shape: Shape,
  options: { mean?: number; std?: number; dtype?: DType } = {},
): Tensor {
  const o = checkOptions("random.normal", options);
  const dtype = checkDType(o.dtype ?? "f32", "random.normal");
  const mean = checkNumber("random.normal", "mean", o.mean ?? 0);
  const std = checkNumber("random.normal", "std", o.std ?? 1);
  const s = checkShape(shape, "random.normal");
  const u = uniform(key, [2, ...s], { dtype: "f64" });
  const radius = e.sqrt(e.multiply(e.log(e.subtract(1, reshape(sliceAlong(u, 0, 1), s))), -2));
  const z = e.multiply(radius, e.cos(e.multiply(reshape(sliceAlong(u, 1, 1), s), 2 * Math.PI)));
  return e.cast(e.add(e.multiply(z, std), mean), dtype);
}

/** Uniform integers in [min, max) (default dtype s32). */
export function randint(
  key: Tensor,
  shape: Shape,
  options: { min: number; max: number; dtype?: DType },
): Tensor {
  checkShape(shape, "random.randint");
  const o = checkOptions("random.randint", options);
  const { min, max } = o;
  if (typeof min !== "number" || typeof max !== "number")
    throw new RangeError(
      `random.randint: need integers min < max, got min ${describeValue(min)}, max ${describeValue(max)}`,
    );
  if (!Number.isInteger(min) || !Number.isInteger(max) || max <= min)
    throw new RangeError(`random.randint: need integers min < max, got min ${min}, max ${max}`);
  const dtype = checkDType(o.dtype ?? "s32", "random.randint");
  const u = uniform(key, shape, { dtype: "f64" });
  return e.cast(e.add(e.floor(e.multiply(u, max - min)), min), dtype);
}

/** A random permutation of 0..n-1 (s32), or of the rows of a tensor. */
export function permutation(key: Tensor, n: number | Tensor): Tensor {
  if (n instanceof Tensor) return shuffle(key, n);
  checkInteger("random.permutation", "n", n, 0);
  return argsort(bits(key, [n]));
}

/** `x` with its slices along `axis` (default 0) in random order. */
export function shuffle(key: Tensor, x: Tensor, options: { axis?: number } = {}): Tensor {
  checkTensorArg("random.shuffle", x, "x");
  const axis = normalizeAxis(
    "random.shuffle",
    checkOptions("random.shuffle", options).axis ?? 0,
    x.rank,
  );
  return take(x, permutation(key, x.shape[axis]!), { axis });
}
