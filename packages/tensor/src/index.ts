/**
 * `@dendrite/tensor`: tensors, autodiff, explicit-key random numbers and a JIT compiler — the
 * TypeScript counterpart of Elixir's Nx and Nx.Defn.
 *
 * @example
 * import * as nx from "@dendrite/tensor";
 * const x = nx.tensor([[1, 2], [3, 4]]);
 * const f = nx.jit((w: nx.Tensor) => nx.sum(nx.tanh(nx.dot(x, w))));
 * const g = nx.jit(nx.grad(f));
 */
import "./methods.js";

export { Tensor, isTensor } from "./tensor.js";
export type { DType, TypedArray } from "./dtype.js";
export { DTYPES, promoteTypes } from "./dtype.js";
export type { Shape } from "./shape.js";
export { formatType } from "./format.js";
export * from "./ops/creation.js";
export * from "./ops/elementwise.js";
export * from "./ops/reduce.js";
export * from "./ops/shape.js";
export * from "./ops/linalg.js";
export * from "./ops/sort.js";
export { grad, valueAndGrad, type GradOptions } from "./autodiff.js";
export { jit, type Jitted, type JitOptions } from "./jit.js";
export { javascript, type Backend } from "./compile/backend.js";
export type { Program, CompileOptions } from "./compile/compiler.js";
export type { TensorTree } from "./tree.js";
export * as random from "./random.js";
