/**
 * A primitive is defined once: its shape/dtype rule, how the compiler lowers it to code (the same
 * code runs eagerly and under `jit`), and its derivative rule (a vector-Jacobian product written
 * with other ops, so derivatives are themselves differentiable and traceable).
 */
import type { Expr } from "./compile/expr.js";
import type { DType } from "./dtype.js";
import type { Node } from "./graph.js";
import type { Shape } from "./shape.js";
import type { Tensor } from "./tensor.js";

/** Shape and dtype of a value: what a primitive's rule computes. */
export interface Aval {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** What an elementwise primitive's expression builder receives besides its operands. */
export interface ExprContext<P> {
  readonly params: P;
}

/** What a kernel primitive's code emitter receives. */
export interface KernelContext<P> {
  readonly node: Omit<Node, "params"> & { readonly params: P };
  /** Variable names of the input buffers. */
  readonly ins: readonly string[];
  /** Variable name of the output buffer (already allocated, contents undefined). */
  readonly out: string;
  /** Makes a function available to the generated code; returns its name there. */
  helper(fn: (...args: any[]) => any): string;
  /** A scratch buffer allocated once per compiled program; returns its name. */
  scratch(dtype: DType, size: number): string;
}

/** How the compiler turns a primitive application into code. */
export type Lowering<P> =
  /**
   * One expression per element, built from the operands' expressions in the target-neutral IR
   * (`compile/expr.ts`); fused with neighbours into single loops. Inputs broadcast.
   */
  | { kind: "elementwise"; expr(args: readonly Expr[], ctx: ExprContext<P>): Expr }
  /** Statements that fill the output buffer from the input buffers. */
  | { kind: "kernel"; emit(ctx: KernelContext<P>): string }
  /** The output is the input's buffer seen with another shape (no code, no copy). */
  | { kind: "alias" };

/** A primitive operation. */
export interface Primitive<P = any> {
  readonly name: string;
  /** Shape and dtype of the result; throws an error naming the op when the inputs do not fit. */
  infer(inputs: readonly Aval[], params: P): Aval;
  readonly lowering: Lowering<P>;
  /**
   * Cotangents of the inputs given the cotangent `g` of the output (null where an input gets none).
   * Shapes may be broadcast-compatible with the input's shape: the caller sums them down.
   * Undefined for primitives that are not differentiable (comparisons, argmax, sort order, bits).
   */
  readonly vjp?: (
    g: Tensor,
    inputs: readonly Tensor[],
    out: Tensor,
    params: P,
  ) => readonly (Tensor | null)[];
}

/** Defines a primitive (an identity function that checks the object's type). */
export function definePrimitive<P>(p: Primitive<P>): Primitive<P> {
  return p;
}
