/**
 * A primitive is defined once: its shape/dtype rule, how the compiler lowers it to code (the same
 * code runs eagerly and under `jit`), and its derivative rule (a vector-Jacobian product written
 * with other ops, so derivatives are themselves differentiable and traceable).
 */
import type { Expr } from "./compile/expr.js";
import type { DType } from "./dtype.js";
import type { Graph, Node } from "./graph.js";
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

/** The node a structural lowering describes (its params typed). */
export type LoweredNode<P> = Omit<Node, "params"> & { readonly params: P };

/**
 * A buffer a kernel call reads or writes: input `input` of the primitive, its output, or a scratch
 * buffer planned once per compiled program.
 */
export type KernelBuffer =
  | { readonly input: number }
  | { readonly output: true }
  | { readonly scratch: DType; readonly size: number };

/**
 * An argument of a kernel call: a buffer, a number or boolean passed by value, a list of numbers,
 * or a record of such arguments (a geometry, a set of scratch buffers).
 */
export type KernelArg =
  | KernelBuffer
  | number
  | boolean
  | readonly number[]
  | { readonly fields: Readonly<Record<string, KernelArg>> };

/**
 * A call of a hand-written kernel function (from `src/kernels/`) on typed arrays. A backend calls
 * the function itself, or an implementation of its own registered for the same function.
 */
export interface KernelCall {
  readonly kernel: (...args: any[]) => unknown;
  readonly args: readonly KernelArg[];
}

/** Where a strided copy reads or writes: `offset + Σ index[d] · strides[d]` (strides may be negative). */
export interface StridedView {
  readonly offset: number;
  readonly strides: readonly number[];
}

/**
 * An affine copy: the output is filled with `fill` (when given), then each part copies input
 * `input` seen through `src` over `shape` into the output seen through `dst`.
 */
export interface CopyPlan {
  readonly fill?: number;
  readonly parts: readonly {
    readonly input: number;
    readonly shape: Shape;
    readonly src: StridedView;
    readonly dst: StridedView;
  }[];
}

/**
 * A traced function carried by a control-flow primitive: the graph and its results. Its inputs
 * are `graph.inputs` in order (the primitive's operands after any it reads itself).
 */
export interface SubProgram {
  readonly graph: Graph;
  readonly outputs: readonly Node[];
}

/**
 * Control flow over sub-programs. A primitive with several results is bound once per result
 * (`output`); the applications sharing `group` and the same inputs form one evaluation, which a
 * backend runs once. Backends compile the sub-programs themselves (with the same backend), so no
 * sub-program reaches generated code as text.
 */
export type ControlPlan =
  /**
   * Input 0 chooses: `branches[1]` when its one element is not 0, else `branches[0]`; only the
   * chosen branch runs, on inputs 1… .
   */
  | {
      readonly kind: "cond";
      readonly group: object;
      readonly branches: readonly [SubProgram, SubProgram];
      readonly output: number;
    }
  /**
   * The first `state` inputs are the initial state, the others constants of the loop: while
   * `condition` (a one-element result) is not 0, the state becomes `body`'s results.
   */
  | {
      readonly kind: "while";
      readonly group: object;
      readonly condition: SubProgram;
      readonly body: SubProgram;
      readonly state: number;
      readonly output: number;
    };

/** The combining operation of a reduction (NaN propagates through max and min). */
export type Monoid = "sum" | "product" | "max" | "min";

/** How the compiler turns a primitive application into code. */
export type Lowering<P> =
  /**
   * One expression per element, built from the operands' expressions in the target-neutral IR
   * (`compile/expr.ts`); fused with neighbours into single loops. Inputs broadcast.
   */
  | { kind: "elementwise"; expr(args: readonly Expr[], ctx: ExprContext<P>): Expr }
  /** Fill the output by calling a kernel function on the buffers. */
  | { kind: "call"; call(node: LoweredNode<P>): KernelCall }
  /** Fill the output by affine copies of the inputs (transpose, slice, pad, concatenate …). */
  | { kind: "copy"; copy(node: LoweredNode<P>): CopyPlan }
  /** Reduce the single input over `params.axes` with `monoid`. */
  | { kind: "reduce"; monoid: Monoid }
  /** The output is the input's buffer seen with another shape (no code, no copy). */
  | { kind: "alias" }
  /** Control flow: sub-programs the backend compiles and runs (see {@link ControlPlan}). */
  | { kind: "control"; control(node: LoweredNode<P>): ControlPlan };

/** Params of a primitive that takes none. */
export type NoParams = Readonly<Record<string, never>>;

/** The ops a derivative rule is written with (`ops/derivative.ts`), handed to it by autodiff. */
export type DerivativeOps = typeof import("./ops/derivative.js");

/**
 * A derivative rule: the cotangents of the inputs given the cotangent `g` of the output (null
 * where an input gets none), written with the ops in `nx`. Shapes may be broadcast-compatible
 * with the input's shape: the caller sums them down.
 */
export type Vjp<P> = (
  g: Tensor,
  inputs: readonly Tensor[],
  out: Tensor,
  params: P,
  nx: DerivativeOps,
) => readonly (Tensor | null)[];

/**
 * The explicit marker of a primitive whose output carries no derivative (comparisons, argmax,
 * sort order, random bits, stopGradient): gradients do not flow through it, by design. See
 * {@link noDerivative}.
 */
export interface NoDerivative {
  /** Why the output carries no derivative. */
  readonly noDerivative: string;
}

/** Marks a primitive as having no derivative, saying why (e.g. "its output is an integer index"). */
export function noDerivative(reason: string): NoDerivative {
  return { noDerivative: reason };
}

/**
 * The derivative rule of a primitive whose derivative exists but is not written yet: `grad`
 * through it throws an error naming the op (never a silent zero). The registry test lists these.
 */
export function derivativeNotImplemented(op: string): Vjp<unknown> {
  const rule = (): never => {
    throw new Error(
      `${op}: gradients of ${op} are not implemented yet; wrap its inputs in stopGradient to treat them as constants`,
    );
  };
  return Object.assign(rule, { notImplemented: op });
}

/**
 * The derivative rule of a primitive whose reverse-mode derivative does not exist (a loop with a
 * data-dependent trip count): `grad` through it throws `${op}: ${reason}`, never a silent zero.
 */
export function derivativeUndefined(op: string, reason: string): Vjp<unknown> {
  const rule = (): never => {
    throw new Error(`${op}: ${reason}`);
  };
  return Object.assign(rule, { undefinedBecause: reason });
}

/** Whether `rule` is a {@link derivativeUndefined} rule. */
export function isDerivativeUndefined(rule: unknown): boolean {
  return typeof (rule as { undefinedBecause?: unknown })?.undefinedBecause === "string";
}

/** Whether `rule` is a {@link derivativeNotImplemented} placeholder. */
export function isDerivativeNotImplemented(rule: unknown): boolean {
  return typeof (rule as { notImplemented?: unknown })?.notImplemented === "string";
}

/**
 * How a primitive takes complex inputs (see `bind`): `"native"` for the two views between a
 * complex tensor and its pairs of parts, or a function giving the params with which the primitive
 * applied to the complex inputs' pair views ([..., 2] of the part type; real inputs such as
 * indices as they are) computes the pair view of the result (a transpose keeps the pair axis last, a sum reduces the same axes). The function throws
 * an error naming the op where the params have no complex meaning (a pad value other than 0).
 */
export type ComplexRule<P> = "native" | ((params: P, inputs: readonly Aval[]) => P);

/** A primitive operation. */
export interface Primitive<P = NoParams> {
  readonly name: string;
  /** Shape and dtype of the result; throws an error naming the op when the inputs do not fit. */
  infer(inputs: readonly Aval[], params: P): Aval;
  readonly lowering: Lowering<P>;
  /**
   * The derivative rule, or the {@link noDerivative} marker: every primitive says which, so a
   * forgotten derivative is a type error rather than a silent zero.
   */
  readonly vjp: Vjp<P> | NoDerivative;
  /** How it takes complex tensors; without one it refuses them. */
  readonly complex?: ComplexRule<P>;
}

/**
 * A primitive of any params, as stored where primitives of every kind meet (graph nodes, tapes,
 * caches); `bind` is where params are checked against the primitive's type.
 */
export type AnyPrimitive = Primitive<any>;

/** The derivative rule of `p`, or undefined when it is marked {@link noDerivative}. */
export function derivativeOf<P>(p: Primitive<P>): Vjp<P> | undefined {
  return typeof p.vjp === "function" ? p.vjp : undefined;
}

const registry = new Map<string, AnyPrimitive>();

/**
 * Defines a primitive: checks the object's type and registers it under its name (one primitive
 * per name).
 *
 * @throws Error when a primitive of that name is already defined.
 */
export function definePrimitive<P = NoParams>(p: Primitive<P>): Primitive<P> {
  if (registry.has(p.name)) throw new Error(`internal: primitive "${p.name}" is defined twice`);
  registry.set(p.name, p);
  return p;
}

/** @internal Every primitive defined so far (the registry tests walk it). */
export function definedPrimitives(): readonly AnyPrimitive[] {
  return [...registry.values()];
}
