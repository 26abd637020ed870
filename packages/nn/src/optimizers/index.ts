/**
 * Optimizers (Polaris): ready-made optimizers, the update combinators they are built from, and
 * lookup by name.
 *
 * @example
 * import * as nx from "@dendrite/tensor";
 * import * as nn from "@dendrite/nn";
 * const opt = nn.optimizers.adam({ learningRate: 1e-3 });
 * let params = { w: nx.ones([3]) };
 * let state = opt.init(params);
 * const grads = { w: nx.tensor([0.1, -0.2, 0.3]) };
 * const { updates, state: next } = opt.update(grads, state, params);
 * params = nn.optimizers.applyUpdates(params, updates);
 * state = next;
 */
import { lookupName } from "../names.js";
import * as named from "./optimizers.js";
import type { Optimizer } from "./transform.js";

export * from "./transform.js";
export * from "./updates.js";
export * from "./optimizers.js";

const OPTIMIZERS = {
  sgd: named.sgd,
  adam: named.adam,
  adamw: named.adamw,
  rmsprop: named.rmsprop,
  adagrad: named.adagrad,
  adabelief: named.adabelief,
  radam: named.radam,
  lamb: named.lamb,
  yogi: named.yogi,
} as const satisfies Record<string, () => Optimizer>;

/** The names of the built-in optimizers. */
export const names: readonly string[] = Object.keys(OPTIMIZERS);

/**
 * An optimizer by name with Polaris' defaults (`"adam"` → `adam()`), or an optimizer object as it
 * is. An unknown name throws, listing the valid names and the closest one.
 */
export function get(nameOrOptimizer: string | Optimizer): Optimizer {
  if (typeof nameOrOptimizer === "string")
    return lookupName("optimizer", OPTIMIZERS, nameOrOptimizer)();
  if (
    nameOrOptimizer &&
    typeof nameOrOptimizer === "object" &&
    typeof nameOrOptimizer.init === "function" &&
    typeof nameOrOptimizer.update === "function"
  )
    return nameOrOptimizer;
  throw new TypeError(
    `optimizers.get: expected an optimizer name (${names.join(", ")}) or an { init, update } object`,
  );
}
