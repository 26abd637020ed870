/**
 * Control flow: `cond` (one of two traced branches runs) and `whileLoop` (a traced body runs while
 * a traced condition holds). Both carry sub-programs in their params and lower to the `control`
 * kind; a primitive with several results is bound once per result (see `ControlPlan`).
 */
import { definePrimitive, derivativeUndefined, type Aval, type SubProgram } from "../primitive.js";
import { formatType } from "../format.js";

let nextId = 0;

/** The sub-programs of one `cond` or `whileLoop` application, shared by its results. */
export interface ControlCall {
  /** Tells calls apart in cache keys and printed graphs (`cond#3`). */
  readonly id: number;
  toJSON(): string;
}

/** The two branches of a `cond`: `[onFalse, onTrue]`, taking the same operands. */
export interface CondCall extends ControlCall {
  readonly branches: readonly [SubProgram, SubProgram];
}

/** The condition and body of a `whileLoop`, taking the state then the loop's constants. */
export interface WhileCall extends ControlCall {
  readonly condition: SubProgram;
  readonly body: SubProgram;
  /** How many leading operands are the state. */
  readonly state: number;
}

/** A new call object (with its id) around sub-programs. */
export function controlCall<T extends object>(kind: string, fields: T): T & ControlCall {
  const id = nextId++;
  return Object.freeze({ ...fields, id, toJSON: () => `${kind}#${id}` });
}

/** Params of `cond`: the branches and which of their results this application is. */
export interface CondParams {
  readonly call: CondCall;
  readonly output: number;
}

/** Params of `whileLoop`: the loop and which state leaf this application is. */
export interface WhileParams {
  readonly call: WhileCall;
  readonly output: number;
}

/** Checks operands against a sub-program's inputs (an internal error: ops build both). */
function checkOperands(op: string, operands: readonly Aval[], program: SubProgram): void {
  const want = program.graph.inputs;
  const ok =
    operands.length === want.length &&
    operands.every(
      (a, k) =>
        a.dtype === want[k]!.dtype &&
        a.shape.length === want[k]!.shape.length &&
        a.shape.every((d, i) => d === want[k]!.shape[i]),
    );
  if (!ok)
    throw new Error(
      `internal: ${op} got operands ${operands.map((a) => formatType(a.shape, a.dtype)).join(", ")} ` +
        `for a sub-program taking ${want.map((a) => formatType(a.shape, a.dtype)).join(", ")}`,
    );
}

const resultOf = (program: SubProgram, output: number): Aval => {
  const n = program.outputs[output];
  if (!n) throw new Error(`internal: no result ${output} in a sub-program`);
  return { shape: n.shape, dtype: n.dtype };
};

/** Runs `call.branches[1]` when the scalar predicate (input 0) is not 0, else `branches[0]`. */
export const cond = definePrimitive<CondParams>({
  name: "cond",
  infer: ([pred, ...operands], { call, output }) => {
    if (!pred || pred.shape.length !== 0)
      throw new TypeError(
        `cond: the predicate must be a scalar, got ${pred ? formatType(pred.shape, pred.dtype) : "none"}`,
      );
    for (const b of call.branches) checkOperands("cond", operands, b);
    return resultOf(call.branches[1], output);
  },
  lowering: {
    kind: "control",
    control: ({ params: { call, output } }) => ({
      kind: "cond",
      group: call,
      branches: call.branches,
      output,
    }),
  },
  vjp: (g, inputs, _out, params, nx) => nx.condVjp(g, inputs, params, nx),
});

/** Runs `call.body` on the state while `call.condition` is not 0; result `output` of the state. */
export const whileLoop = definePrimitive<WhileParams>({
  name: "whileLoop",
  infer: (operands, { call, output }) => {
    checkOperands("whileLoop", operands, call.condition);
    checkOperands("whileLoop", operands, call.body);
    return resultOf(call.body, output);
  },
  lowering: {
    kind: "control",
    control: ({ params: { call, output } }) => ({
      kind: "while",
      group: call,
      condition: call.condition,
      body: call.body,
      state: call.state,
      output,
    }),
  },
  vjp: derivativeUndefined(
    "whileLoop",
    "reverse-mode derivatives through whileLoop are not defined: its number of iterations depends " +
      "on the values, so the backward pass cannot know which steps to reverse; loop a fixed number " +
      "of times in JavaScript instead (unrolled under jit), or wrap the loop's inputs in stopGradient",
  ),
});
