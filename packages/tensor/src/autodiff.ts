/**
 * Reverse-mode automatic differentiation. `grad(f)` runs `f` with a tape that records each
 * primitive applied to values depending on the first argument, then walks the tape backwards with
 * each primitive's derivative rule. Rules are written with ordinary ops, so they run eagerly or
 * under `jit`, and are themselves recorded by an enclosing `grad` (grad of grad).
 */
import { gradient } from "./backward.js";
import { isFloat } from "./dtype.js";
import * as derivativeOps from "./ops/derivative.js";
import { formatType } from "./format.js";
import { describeValue } from "./describe.js";
import { checkBoolean, checkOptions } from "./ops/check.js";
import { Tensor } from "./tensor.js";
import { flattenTree, unflattenTree, type TensorTree } from "./tree.js";

/** Options of `grad` and `valueAndGrad`. */
export interface GradOptions {
  /** `f` returns `[loss, aux]`; aux is passed through untouched (metrics, new layer state). */
  hasAux?: boolean;
}

type Fn = (x: any, ...rest: any[]) => any;

/**
 * Returns a function computing `[f(x, ...rest), ∇ₓf]`, the gradient having the structure of `x` (a
 * tensor or a tree of tensors). `f` must return a scalar float tensor (or `[scalar, aux]` with
 * `hasAux`).
 */
export function valueAndGrad<F extends Fn>(
  f: F,
  options: GradOptions = {},
): (...args: Parameters<F>) => [ReturnType<F>, Parameters<F>[0]] {
  return makeValueAndGrad("valueAndGrad", f, options);
}

function makeValueAndGrad<F extends Fn>(
  op: string,
  f: F,
  options: GradOptions,
): (...args: Parameters<F>) => [ReturnType<F>, Parameters<F>[0]] {
  if (typeof f !== "function") throw new TypeError(`${op}: expected a function`);
  const hasAux = checkBoolean(op, "hasAux", checkOptions(op, options).hasAux, false);
  return (...args: any[]) => {
    const [x, ...rest] = args;
    const flat = flattenTree(x as TensorTree, "x");
    checkDifferentiable(flat.spec, flat.leaves, flat.paths, x);
    let result: unknown;
    const grads = gradient(
      (inputs) => {
        result = f(unflattenTree(flat.spec, inputs), ...rest);
        const value = hasAux ? checkAuxResult(result) : result;
        checkScalar(value);
        return value;
      },
      flat.leaves,
      derivativeOps,
    );
    return [result as ReturnType<F>, unflattenTree(flat.spec, grads)];
  };
}

/** Returns a function computing ∇ₓf(x, ...rest) with the structure of `x` (see `valueAndGrad`). */
export function grad<F extends Fn>(
  f: F,
  options: GradOptions = {},
): (...args: Parameters<F>) => Parameters<F>[0] {
  const vg = makeValueAndGrad("grad", f, options);
  return (...args) => vg(...args)[1];
}

function checkDifferentiable(
  spec: ReturnType<typeof flattenTree>["spec"],
  leaves: Tensor[],
  paths: string[],
  x: unknown,
): void {
  const stat = findStatic(spec, "x");
  if (stat)
    throw new TypeError(
      `grad: the value at ${stat} is not a tensor; the differentiated argument must be a tensor or a tree (arrays, plain objects) of tensors`,
    );
  if (leaves.length === 0)
    throw new TypeError(
      `grad: the differentiated argument has no tensors (got ${describeValue(x)})`,
    );
  leaves.forEach((t, i) => {
    if (!isFloat(t.dtype))
      throw new TypeError(
        `grad: the input at ${paths[i]} is ${formatType(t.shape, t.dtype)}; gradients need f32 or f64 tensors`,
      );
  });
}

function findStatic(
  spec: ReturnType<typeof flattenTree>["spec"],
  path: string,
): string | undefined {
  switch (spec.kind) {
    case "tensor":
      return undefined;
    case "static":
      return `${path} (${describeValue(spec.value)})`;
    case "node":
      return findStatic(spec.children, path);
    case "array":
      for (let i = 0; i < spec.items.length; i++) {
        const r = findStatic(spec.items[i]!, `${path}[${i}]`);
        if (r) return r;
      }
      return undefined;
    case "object":
      for (let i = 0; i < spec.items.length; i++) {
        const r = findStatic(spec.items[i]!, `${path}.${spec.keys[i]}`);
        if (r) return r;
      }
      return undefined;
  }
}

function checkAuxResult(result: unknown): Tensor {
  if (!Array.isArray(result) || result.length !== 2)
    throw new TypeError("grad: with hasAux, the function must return [loss, aux]");
  return result[0];
}

function checkScalar(value: unknown): asserts value is Tensor {
  if (!(value instanceof Tensor))
    throw new TypeError(
      `grad: the function must return a scalar tensor, got ${describeValue(value)}`,
    );
  if (value.size !== 1 || !isFloat(value.dtype)) {
    throw new TypeError(
      `grad: the function must return a scalar float tensor, got ${formatType(value.shape, value.dtype)}`,
    );
  }
}
