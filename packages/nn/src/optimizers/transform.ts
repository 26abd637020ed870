/**
 * The optimizer interface (Polaris style): an optimizer — or any piece of one — is a gradient
 * transformation `{ init, update }` over parameter trees. `init(params)` gives the state (a tree of
 * tensors only, so the state passes through `nx.jit` and a changing step count never recompiles);
 * `update(updates, state, params)` transforms the updates (at first, the gradients) and gives the
 * next state. Optimizers return the step to ADD to the parameters (`applyUpdates`).
 */
import * as nx from "@dendrite/tensor";
import { type Tree, treeMap } from "../tree.js";

/** An optimizer's state: a tree of tensors (`{}` for none). */
export type OptState = Tree;

/** The result of one `update`. */
export interface UpdateResult<P extends Tree = Tree, S extends OptState = OptState> {
  /** Transformed updates, with the structure of the gradients. */
  updates: P;
  /** The next state. */
  state: S;
}

/** A gradient transformation — a whole optimizer or one step of one (see `chain`). */
export interface GradientTransformation<S extends OptState = OptState> {
  /** The initial state for these parameters. */
  init(params: Tree): S;
  /** Transforms `updates`; `params` are the current parameters (needed by weight decay, LAMB). */
  update<P extends Tree>(updates: P, state: S, params?: P): UpdateResult<P, S>;
}

/** An optimizer: a gradient transformation whose updates are added to the parameters. */
export type Optimizer = GradientTransformation;

/** params + updates, leaf by leaf (updates are cast to each parameter's dtype). */
export function applyUpdates<P extends Tree>(params: P, updates: Tree): P {
  return treeMap(params, (p, u) => nx.add(p, nx.asType(u!, p.dtype)), updates);
}

/** Transformations applied one after the other; the state is the array of their states. */
export function chain(
  ...transforms: GradientTransformation<any>[]
): GradientTransformation<OptState[]> {
  transforms.forEach((t, i) => {
    if (!t || typeof t.init !== "function" || typeof t.update !== "function")
      throw new TypeError(
        `chain: argument ${i} is not a gradient transformation ({ init, update })`,
      );
  });
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update(updates, state, params) {
      if (!Array.isArray(state) || state.length !== transforms.length)
        throw new TypeError(
          `chain: expected a state of ${transforms.length} parts (from this optimizer's init)`,
        );
      const next: OptState[] = [];
      let u = updates;
      transforms.forEach((t, i) => {
        const r = t.update(u, state[i]!, params);
        u = r.updates;
        next.push(r.state);
      });
      return { updates: u, state: next };
    },
  };
}

/** The same as `chain` (Polaris calls it `compose`). */
export const compose = chain;

/** A transformation without state: `fn(updates, params)` maps the updates. */
export function stateless(
  fn: <P extends Tree>(updates: P, params: P | undefined) => P,
): GradientTransformation<Record<string, never>> {
  return {
    init: () => ({}),
    update: (updates, state, params) => ({ updates: fn(updates, params), state }),
  };
}

/** Throws a clear error when a transformation needs the parameters and got none. */
export function requireParams<P extends Tree>(name: string, params: P | undefined): P {
  if (params === undefined)
    throw new TypeError(`${name}: update(grads, state, params) needs the current parameters`);
  return params;
}

/** f64 when every parameter is f64, else f32: the dtype of scalar state such as the learning rate. */
export function scalarDtype(params: Tree): nx.DType {
  let allF64 = true;
  let any = false;
  treeMap(params, (p) => {
    any = true;
    if (p.dtype !== "f64") allF64 = false;
    return p;
  });
  return any && allF64 ? "f64" : "f32";
}

/** Zeros (or `value`) shaped like each parameter, in its float dtype. */
export function fullLike<P extends Tree>(params: P, value = 0): P {
  return treeMap(params, (p) =>
    nx.full(p.shape, value, { dtype: p.dtype === "f64" ? "f64" : "f32" }),
  );
}

/** The step counter state starts at: an s32 scalar 0. */
export function zeroCount(): nx.Tensor {
  return nx.tensor(0, { dtype: "s32" });
}
