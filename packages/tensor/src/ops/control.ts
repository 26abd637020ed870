/**
 * Control flow on traced values: `cond` (JAX's `lax.cond`, Nx's `cond`) and `whileLoop` (Nx's
 * `while`, JAX's `lax.while_loop`). Eagerly they are plain JavaScript; under `jit` (or while a
 * value they depend on is traced) the functions are traced once into sub-programs carried by one
 * primitive, which the compiled program runs (only the chosen branch; the loop without re-tracing).
 */
import { bindResults, isTaping, isTracing } from "../core.js";
import { gradient } from "../backward.js";
import { describeValue } from "../describe.js";
import { isFloat } from "../dtype.js";
import { formatType } from "../format.js";
import type { DerivativeOps, SubProgram } from "../primitive.js";
import {
  cond as condPrimitive,
  controlCall,
  whileLoop as whilePrimitive,
  type CondParams,
} from "../primitives/control.js";
import { evaluate, traceTogether } from "../subprogram.js";
import { Tensor } from "../tensor.js";
import { flattenTree, unflattenTree, type Flat } from "../tree.js";
import { scalar } from "./creation.js";
import { add, less, logicalAnd, multiply } from "./elementwise.js";
import { checkInteger, checkOptions } from "./check.js";
import { sum } from "./reduce.js";

/** A predicate: a scalar tensor (true when not 0), a boolean or a number. */
export type Predicate = Tensor | boolean | number;

/**
 * Runs `onTrue(...operands)` when `pred` holds, else `onFalse(...operands)` — only the chosen
 * branch runs (Nx's `cond`, JAX's `lax.cond`). `pred` is a scalar tensor (true when it is not 0;
 * NaN counts as true), a boolean or a number.
 *
 * Eagerly, and whenever `pred` has a value, this calls the branch. When `pred` is traced (inside
 * `jit`), both branches are traced into sub-programs and the compiled program evaluates only the
 * one `pred` chooses; they must then return trees of the same structure, shapes and dtypes.
 * Tensors the branches close over become operands of the primitive, so `grad` reaches them: the
 * derivative is itself a `cond` of the branches' derivatives.
 *
 * @example
 * const f = nx.jit((x: nx.Tensor) =>
 *   nx.cond(nx.greater(nx.sum(x), 0), (t) => nx.multiply(t, 2), (t) => nx.negate(t), x),
 * );
 * f(nx.tensor([1, 2])); // [2, 4]
 * @throws TypeError when `pred` is not a scalar, or (traced) when the branches' results differ.
 */
export function cond<A extends unknown[], R>(
  pred: Predicate,
  onTrue: (...operands: A) => R,
  onFalse: (...operands: A) => R,
  ...operands: A
): R {
  checkFunction("cond", "onTrue", onTrue);
  checkFunction("cond", "onFalse", onFalse);
  if (typeof pred === "boolean" || typeof pred === "number")
    return pred !== false && pred !== 0 ? onTrue(...operands) : onFalse(...operands);
  if (!(pred instanceof Tensor))
    throw new TypeError(
      `cond: the predicate must be a scalar tensor, a boolean or a number, got ${describeValue(pred)}`,
    );
  checkScalarPredicate("cond", "the predicate", pred);
  if (pred._node === undefined && !pred.isTemplate)
    return pred._concrete("cond")[0] !== 0 ? onTrue(...operands) : onFalse(...operands);
  return tracedCond(pred, onTrue, onFalse, operands);
}

/**
 * @internal `cond` through its primitive even when `pred` has a value: what `cond` does when `pred`
 * is traced (the registry test differentiates the primitive eagerly with it).
 */
export function tracedCond<A extends unknown[], R>(
  pred: Tensor,
  onTrue: (...operands: A) => R,
  onFalse: (...operands: A) => R,
  operands: A,
): R {
  checkScalarPredicate("cond", "the predicate", pred);
  const flat = flattenTree(operands, "operands");
  const rebuild = (xs: Tensor[]) => unflattenTree(flat.spec, xs) as A;
  const traced = traceTogether(
    [(xs) => onFalse(...rebuild(xs)), (xs) => onTrue(...rebuild(xs))],
    flat.leaves,
    "result",
  );
  const [whenFalse, whenTrue] = traced.results as [Flat, Flat];
  if (whenTrue.key !== whenFalse.key)
    throw new TypeError(
      `cond: onTrue and onFalse must return the same structure, shapes and dtypes; ${difference(
        whenTrue,
        whenFalse,
        "onTrue",
        "onFalse",
      )}`,
    );
  const call = controlCall("cond", {
    branches: traced.programs as [SubProgram, SubProgram],
  });
  const inputs = [pred, ...flat.leaves, ...traced.captured];
  const outs = bindResults(
    condPrimitive,
    inputs,
    whenTrue.leaves.map((_, output) => ({ call, output })),
  );
  return unflattenTree(whenTrue.spec, outs) as R;
}

/**
 * @internal The derivative rule of `cond` for one of its results: a `cond` on the same predicate
 * of each branch's vector-Jacobian product with respect to the float operands (closed-over tensors
 * included, as they are operands of the primitive).
 */
export function condVjp(
  g: Tensor,
  inputs: readonly Tensor[],
  { call, output }: CondParams,
  nx: DerivativeOps,
): (Tensor | null)[] {
  const [pred, ...xs] = inputs;
  const differentiable = xs.map((x) => isFloat(x.dtype));
  const floats = xs.filter((_, k) => differentiable[k]);
  const others = xs.filter((_, k) => !differentiable[k]);
  if (!isFloat(g.dtype) || floats.length === 0) return inputs.map(() => null);
  const branchVjp =
    (program: SubProgram) =>
    (fs: Tensor[], os: Tensor[], cotangent: Tensor): Tensor[] =>
      gradient(
        (ps) => {
          let f = 0;
          let o = 0;
          const args = differentiable.map((d) => (d ? ps[f++]! : os[o++]!));
          return sum(multiply(evaluate(program, args)[output]!, cotangent));
        },
        fs,
        nx,
      );
  const grads = cond(
    pred!,
    branchVjp(call.branches[1]),
    branchVjp(call.branches[0]),
    floats,
    others,
    g,
  );
  let f = 0;
  return [null, ...differentiable.map((d) => (d ? grads[f++]! : null))];
}

/**
 * Runs `body` on the state while `condition(state)` holds, starting from `init`, and returns the
 * last state (Nx's `while`, JAX's `lax.while_loop`). `init` is a tensor or a tree of tensors;
 * `condition` returns a scalar tensor (true when not 0) or a boolean; `body` returns a tree of the
 * same structure, shapes and dtypes.
 *
 * Eagerly this is a JavaScript loop. Under `jit` (or while a gradient is being taken) the
 * condition and body are traced once into sub-programs and the compiled program runs the loop, so
 * a data-dependent number of iterations costs no re-tracing; results are bit-identical to eager.
 * Reverse-mode derivatives through the loop are not defined (its trip count depends on the
 * values): `grad` through it throws an error saying so. `{ maxIterations }` stops the loop after
 * that many iterations even if the condition still holds.
 *
 * @example
 * // Newton's iteration for √2, until the step is below 1e-12
 * const root = nx.whileLoop(
 *   nx.tensor(1, { dtype: "f64" }),
 *   (x) => nx.greater(nx.abs(nx.subtract(nx.multiply(x, x), 2)), 1e-12),
 *   (x) => nx.multiply(nx.add(x, nx.divide(2, x)), 0.5),
 * );
 * @throws TypeError when `condition` does not return a scalar or `body` changes the state's
 *   structure, a shape or a dtype (naming the leaf); RangeError for a bad `maxIterations`.
 */
export function whileLoop<S>(
  init: S,
  condition: (state: S) => Predicate,
  body: (state: S) => S,
  options: WhileLoopOptions = {},
): S {
  checkFunction("whileLoop", "condition", condition);
  checkFunction("whileLoop", "body", body);
  const o = checkOptions("whileLoop", options);
  const limit =
    o.maxIterations === undefined
      ? undefined
      : checkInteger("whileLoop", "maxIterations", o.maxIterations, 0);
  if (limit !== undefined && limit > MAX_ITERATIONS)
    throw new RangeError(
      `whileLoop: maxIterations must be at most ${MAX_ITERATIONS}, got ${limit}`,
    );
  const flat = flattenTree(init, "state");
  if (isTracing() || isTaping() || flat.leaves.some((t) => t.isTemplate))
    return tracedWhile(flat, condition, body, limit);
  let state = init;
  for (let i = 0; limit === undefined || i < limit; i++) {
    const c = condition(state);
    if (!truth("whileLoop", c)) return state;
    const next = body(state);
    const nextFlat = flattenTree(next, "state");
    if (nextFlat.key !== flat.key) throw bodyMismatch(flat, nextFlat);
    state = next;
  }
  return state;
}

/** The largest `maxIterations` (the traced loop counts in s32). */
const MAX_ITERATIONS = 2 ** 31 - 1;

/** Options of `whileLoop`. */
export interface WhileLoopOptions {
  /**
   * Stop after this many iterations even if the condition still holds (a guard against a loop
   * that would not end), returning the state reached. A non-negative integer; default no limit.
   */
  maxIterations?: number;
}

function tracedWhile<S>(
  flat: Flat,
  condition: (state: S) => Predicate,
  body: (state: S) => S,
  limit: number | undefined,
): S {
  const count = flat.leaves.length;
  const state = (xs: Tensor[]) => unflattenTree(flat.spec, xs.slice(0, count)) as S;
  // With a limit, an s32 iteration counter follows the state.
  const counter = limit === undefined ? [] : [scalar(0, "s32")];
  const traced = traceTogether(
    [
      (xs) => {
        const c = condition(state(xs));
        const p =
          typeof c === "boolean" || typeof c === "number" ? scalar(truth("", c) ? 1 : 0, "u8") : c;
        if (!(p instanceof Tensor) || p.rank !== 0)
          throw new TypeError(
            `whileLoop: condition must return a scalar tensor or a boolean, got ${
              p instanceof Tensor ? `a tensor ${formatType(p.shape, p.dtype)}` : describeValue(p)
            }`,
          );
        return limit === undefined ? p : logicalAnd(p, less(xs[count]!, limit));
      },
      (xs) => {
        const next = flattenTree(body(state(xs)), "state");
        if (next.key !== flat.key) throw bodyMismatch(flat, next);
        return limit === undefined ? next.leaves : [...next.leaves, add(xs[count]!, 1)];
      },
    ],
    [...flat.leaves, ...counter],
    "state",
  );
  const [conditionProgram, bodyProgram] = traced.programs as [SubProgram, SubProgram];
  const call = controlCall("whileLoop", {
    condition: conditionProgram,
    body: bodyProgram,
    state: count + counter.length,
  });
  const inputs = [...flat.leaves, ...counter, ...traced.captured];
  const outs = bindResults(
    whilePrimitive,
    inputs,
    flat.leaves.map((_, output) => ({ call, output })),
  );
  return unflattenTree(flat.spec, outs) as S;
}

function bodyMismatch(init: Flat, next: Flat): TypeError {
  return new TypeError(
    `whileLoop: body must return the structure, shapes and dtypes of the initial state; ${difference(
      init,
      next,
      "the initial state has",
      "body returned",
    )}`,
  );
}

/** Where two flattened trees first differ, in words (`a` and `b` say whose each is). */
function difference(a: Flat, b: Flat, aName: string, bName: string): string {
  const samePaths = a.paths.length === b.paths.length && a.paths.every((p, k) => p === b.paths[k]);
  if (samePaths) {
    for (let k = 0; k < a.leaves.length; k++) {
      const x = a.leaves[k]!;
      const y = b.leaves[k]!;
      const tx = formatType(x.shape, x.dtype);
      const ty = formatType(y.shape, y.dtype);
      if (tx !== ty) return `at ${a.paths[k]} ${aName} ${tx} and ${bName} ${ty}`;
    }
  }
  return `${aName} ${describeTree(a)} and ${bName} ${describeTree(b)}`;
}

/** A tree's tensors as `path: type` (its other leaves as values), for an error message. */
function describeTree(f: Flat): string {
  const value = unflattenTree(
    f.spec,
    f.leaves.map((t) => new Tensor(t.shape, t.dtype)),
  ) as unknown;
  const leaves = f.leaves.map((t, k) => `${f.paths[k]}: ${formatType(t.shape, t.dtype)}`);
  return leaves.length ? `${describeValue(value)} (${leaves.join(", ")})` : describeValue(value);
}

function checkFunction(op: string, name: string, f: unknown): void {
  if (typeof f !== "function")
    throw new TypeError(`${op}: ${name} must be a function, got ${describeValue(f)}`);
}

function checkScalarPredicate(op: string, what: string, pred: Tensor): void {
  if (pred.rank !== 0)
    throw new TypeError(
      `${op}: ${what} must be a scalar tensor, got a tensor ${formatType(pred.shape, pred.dtype)}`,
    );
}

/** Whether an eager predicate holds. */
function truth(op: string, c: unknown): boolean {
  if (typeof c === "boolean") return c;
  if (typeof c === "number") return c !== 0;
  if (!(c instanceof Tensor))
    throw new TypeError(
      `${op}: condition must return a scalar tensor or a boolean, got ${describeValue(c)}`,
    );
  checkScalarPredicate(op, "condition's result", c);
  return c._concrete(op)[0] !== 0;
}
