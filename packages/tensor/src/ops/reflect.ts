/** Padding with values taken from the tensor itself: reflections, the edge, or wrapping around. */
import { show } from "../describe.js";
import { formatType } from "../format.js";
import { Tensor } from "../tensor.js";
import { checkChoice, checkOptions, checkTensorArg } from "./check.js";
import { take } from "./shape.js";

/** How `reflect` fills the padding (NumPy's `numpy.pad` modes of the same names). */
export type ReflectionMode = "reflect" | "symmetric" | "edge" | "wrap";

/** Options of `reflect`. */
export interface ReflectOptions {
  /** Per axis `[low, high]`: how many elements to add before and after (non-negative). */
  paddingConfig: readonly (readonly [number, number])[];
  /**
   * `"reflect"` (default) mirrors about the edge element without repeating it (`[1 2 3]` →
   * `3 2 [1 2 3] 2 1`), `"symmetric"` repeats it (`2 1 [1 2 3] 3 2`), `"edge"` repeats the edge
   * element (`1 1 [1 2 3] 3 3`), `"wrap"` continues periodically (`2 3 [1 2 3] 1 2`).
   */
  reflectionMode?: ReflectionMode;
}

/** The input index each position `j` (from `-low`) of a padded axis of size `n` reads. */
function sourceIndex(j: number, n: number, mode: ReflectionMode): number {
  const mod = (a: number, m: number) => ((a % m) + m) % m;
  switch (mode) {
    case "edge":
      return Math.min(Math.max(j, 0), n - 1);
    case "wrap":
      return mod(j, n);
    case "symmetric": {
      const i = mod(j, 2 * n);
      return i < n ? i : 2 * n - 1 - i;
    }
    case "reflect": {
      if (n === 1) return 0;
      const i = mod(j, 2 * (n - 1));
      return i < n ? i : 2 * (n - 1) - i;
    }
  }
}

/**
 * Pads each axis with values of `x` itself (as Nx.reflect, with NumPy's `edge` and `wrap` modes
 * too): `reflect(x, { paddingConfig: [[1, 2]] })` turns `[1, 2, 3]` into `[2, 1, 2, 3, 2, 1]`.
 * Padding may be longer than the axis (reflections repeat). Differentiable: the gradient of each
 * input element sums over the positions that copy it.
 */
export function reflect(x: Tensor, options: ReflectOptions): Tensor {
  checkTensorArg("reflect", x);
  const o = checkOptions("reflect", options);
  const mode = checkChoice("reflect", "reflectionMode", o.reflectionMode ?? "reflect", [
    "reflect",
    "symmetric",
    "edge",
    "wrap",
  ]);
  const config: unknown = o.paddingConfig;
  if (!Array.isArray(config) || config.length !== x.rank)
    throw new RangeError(
      `reflect: paddingConfig must have ${x.rank} [low, high] pairs (one per axis of ${formatType(x.shape, x.dtype)}), got ${show(config)}`,
    );
  let out = x;
  config.forEach((pair: unknown, axis) => {
    const ok =
      Array.isArray(pair) &&
      pair.length === 2 &&
      pair.every((v) => typeof v === "number" && Number.isInteger(v) && v >= 0);
    if (!ok)
      throw new RangeError(
        `reflect: paddingConfig[${axis}] must be two non-negative integers [low, high], got ${show(pair)}`,
      );
    const [low, high] = pair as [number, number];
    if (low === 0 && high === 0) return;
    const n = x.shape[axis]!;
    if (n === 0)
      throw new RangeError(
        `reflect: cannot pad axis ${axis} of ${formatType(x.shape, x.dtype)}: it has no elements to copy`,
      );
    const indices = Array.from({ length: low + n + high }, (_, j) => sourceIndex(j - low, n, mode));
    out = take(out, indices, { axis });
  });
  return out;
}
