/**
 * Where every op goes through: `bind` applies a primitive eagerly (running the same compiled code
 * `jit` uses), symbolically (adding a node to the graph being traced), or to templates (shape and
 * dtype only), and records it on the active autodiff tapes.
 */
import {
  derivativeOf,
  type AnyPrimitive,
  type Aval,
  type NoParams,
  type Primitive,
} from "./primitive.js";
import { Tensor } from "./tensor.js";
import { programInputs } from "./placement.js";
import { Graph, type Node } from "./graph.js";
import type { Program } from "./compile/compiler.js";
import { getDefaultBackend } from "./compile/backend.js";
import { LruCache } from "./lru.js";
import { isComplex } from "./dtype.js";
import { describeValue } from "./describe.js";
import { viewAsComplex, viewAsReal } from "./primitives/complex.js";

/** A record of one primitive application, kept by a tape for the backward pass. */
export interface TapeRecord {
  readonly prim: AnyPrimitive;
  readonly inputs: readonly Tensor[];
  readonly params: unknown;
  readonly out: Tensor;
}

/** The tape of one `grad` call: which tensors depend on its inputs, and how. */
export class Tape {
  readonly tracked = new Set<Tensor>();
  readonly records: TapeRecord[] = [];
}

const tapes: Tape[] = [];
const traces: Graph[] = [];

/** @internal Runs `fn` with `tape` active. */
export function withTape<T>(tape: Tape, fn: () => T): T {
  tapes.push(tape);
  try {
    return fn();
  } finally {
    const i = tapes.lastIndexOf(tape);
    if (i >= 0) tapes.splice(i, 1);
  }
}

/** @internal Runs `fn` with `tape` switched off (the backward pass of that tape). */
export function withoutTape<T>(tape: Tape, fn: () => T): T {
  const i = tapes.indexOf(tape);
  if (i >= 0) tapes.splice(i, 1);
  try {
    return fn();
  } finally {
    if (i >= 0) tapes.splice(i, 0, tape);
  }
}

/** @internal True when some active tape tracks one of `xs`. */
export function anyTracked(xs: readonly Tensor[]): boolean {
  for (const t of tapes) for (const x of xs) if (t.tracked.has(x)) return true;
  return false;
}

/** @internal True while some `grad` is recording (a tape is active). */
export function isTaping(): boolean {
  return tapes.length > 0;
}

/** @internal Runs `fn` while tracing into `graph`. */
export function withTrace<T>(graph: Graph, fn: () => T): T {
  traces.push(graph);
  try {
    return fn();
  } finally {
    traces.pop();
  }
}

/**
 * @internal Traces `fn` into `graph` as a sub-program of the trace (or eager code) around it:
 * tensors from outside become inputs of `graph` (`graph.captures`), and the active tapes are set
 * aside, since the primitive carrying the sub-program is what they record.
 */
export function withSubTrace<T>(graph: Graph, fn: () => T): T {
  const saved = tapes.splice(0);
  // Inside another sub-program, the tapes set aside around that one count too.
  const outer = traces[traces.length - 1]?.captures;
  graph.captures = {
    tensors: [],
    nodes: new Map(),
    tracked: (x) => saved.some((t) => t.tracked.has(x)) || (outer?.tracked(x) ?? false),
  };
  traces.push(graph);
  try {
    return fn();
  } finally {
    traces.pop();
    tapes.push(...saved);
  }
}

/** @internal True while a `jit` trace is running. */
export function isTracing(): boolean {
  return traces.length > 0;
}

/** @internal The graph node standing for `x` inside `graph` (a constant when `x` is concrete). */
export function nodeOf(x: Tensor, graph: Graph, op: string): Node {
  if (x._node) {
    if (x._node.graph !== graph) {
      if (graph.captures && traces.includes(x._node.graph)) return graph.capture(x);
      throw new Error(
        `${op}: a tensor traced by an earlier jit call was used outside it; return it from the jitted function instead`,
      );
    }
    return x._node;
  }
  if (graph.captures?.tracked(x)) return graph.capture(x);
  return graph.constant(x._concrete(op), x.shape, x.dtype);
}

/**
 * Applies a primitive to tensors: the single entry point of every op. `params` has the
 * primitive's params type (omitted for a primitive that takes none).
 */
export function bind<P>(
  prim: Primitive<P>,
  inputs: readonly Tensor[],
  ...rest: NoParams extends P ? [params?: P] : [params: P]
): Tensor {
  const params = (rest[0] ?? {}) as P;
  if (prim.complex !== "native" && inputs.some((x) => isComplex(x.dtype)))
    return bindComplex(prim, inputs, params);
  const aval = prim.infer(inputs, params);
  const { graph, template } = placement(prim.name, inputs);
  let out: Tensor;
  if (graph) {
    const node = graph.apply(
      prim,
      inputs.map((x) => nodeOf(x, graph, prim.name)),
      params,
      aval.shape,
      aval.dtype,
    );
    out = new Tensor(aval.shape, aval.dtype, undefined, node);
  } else if (template) {
    out = new Tensor(aval.shape, aval.dtype);
  } else {
    out = runEager(prim, inputs, [params], [aval])[0]!;
  }
  if (tapes.length && derivativeOf(prim)) record(prim, inputs, params, out);
  return out;
}

/**
 * A primitive applied to complex tensors: by its complex rule, as itself on the complex inputs'
 * pair views (c64[...] as f32[..., 2]; real inputs such as indices unchanged) with the params the
 * rule gives, the result seen as complex again. Each
 * of the three steps is an ordinary application (traced, recorded, differentiated).
 */
function bindComplex<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
  const z = inputs.find((x) => isComplex(x.dtype))!;
  const rule = prim.complex;
  if (typeof rule !== "function")
    throw new TypeError(
      `${prim.name}: got ${describeValue(z)}; ${prim.name} does not take complex tensors`,
    );
  const other = inputs.find((x) => isComplex(x.dtype) && x.dtype !== z.dtype);
  if (other)
    throw new TypeError(
      `internal: ${prim.name} got ${describeValue(z)} with ${describeValue(other)}; the op converts them to one type first`,
    );
  // Real inputs (a take's indices) pass as they are; the rule's primitive expects them so.
  const pairs = inputs.map((x) => (isComplex(x.dtype) ? bind(viewAsReal, [x]) : x));
  const bindPairs = bind as (p: Primitive<P>, xs: readonly Tensor[], params: P) => Tensor;
  return bind(viewAsComplex, [bindPairs(prim, pairs, rule(params, inputs))]);
}

/**
 * Applies a primitive with several results (a control-flow primitive bound once per result, see
 * `ControlPlan`): as `bind` for each params, except that eagerly the results come from one run.
 */
export function bindResults<P>(
  prim: Primitive<P>,
  inputs: readonly Tensor[],
  paramsList: readonly P[],
): Tensor[] {
  // Complex inputs go through bind, which applies a complex rule or refuses them.
  if (inputs.some((x) => isComplex(x.dtype)))
    return paramsList.map((p) => bind(prim, inputs, ...([p] as [P])));
  const { graph, template } = placement(prim.name, inputs);
  if (graph || template || paramsList.length < 2)
    return paramsList.map((p) => bind(prim, inputs, ...([p] as [P])));
  const avals = paramsList.map((p) => prim.infer(inputs, p));
  const outs = runEager(prim, inputs, paramsList, avals);
  if (tapes.length && derivativeOf(prim))
    outs.forEach((out, k) => record(prim, inputs, paramsList[k], out));
  return outs;
}

/** Where an application goes: into a graph being traced, to templates, or (neither) eagerly. */
function placement(op: string, inputs: readonly Tensor[]): { graph?: Graph; template: boolean } {
  let graph: Graph | undefined;
  let template = false;
  const innermost = traces[traces.length - 1];
  for (const x of inputs) {
    if (x._node) {
      if (!traces.includes(x._node.graph)) {
        throw new Error(
          `${op}: a tensor traced inside jit was used after its trace ended; return it from the jitted function instead`,
        );
      }
      // Inside a sub-program, values from the traces around it are captured as its inputs.
      graph = innermost?.captures ? innermost : x._node.graph;
    } else if (innermost?.captures?.tracked(x)) {
      graph = innermost;
    } else if (!x._data) {
      if (x._disposed) x._concrete(op);
      template = true;
    }
  }
  return { graph, template };
}

function record(prim: AnyPrimitive, inputs: readonly Tensor[], params: unknown, out: Tensor): void {
  for (const tape of tapes) {
    if (inputs.some((x) => tape.tracked.has(x))) {
      tape.tracked.add(out);
      tape.records.push({ prim, inputs, params, out });
    }
  }
}

/** Compiled single-op programs, per primitive, keyed by params, shapes and dtypes. */
const eagerPrograms = new WeakMap<AnyPrimitive, LruCache<string, Program>>();
const EAGER_CACHE_LIMIT = 4096;

/**
 * JSON of params with every value told apart: non-finite numbers and −0 (which JSON would print as
 * null and 0) are spelled out, and strings are marked so no string can pass for one of them.
 */
function paramsKey(_k: string, v: unknown): unknown {
  if (typeof v === "number")
    return Number.isFinite(v) && !Object.is(v, -0) ? v : `#${Object.is(v, -0) ? "-0" : v}`;
  if (typeof v === "bigint") return `#${v}n`;
  return typeof v === "string" ? `'${v}` : v;
}

function runEager<P>(
  prim: Primitive<P>,
  inputs: readonly Tensor[],
  paramsList: readonly P[],
  avals: readonly Aval[],
): Tensor[] {
  if (prim.lowering.kind === "alias")
    return avals.map((aval) => new Tensor(aval.shape, aval.dtype, inputs[0]!._data));
  let cache = eagerPrograms.get(prim);
  if (!cache) eagerPrograms.set(prim, (cache = new LruCache(EAGER_CACHE_LIMIT)));
  const backend = getDefaultBackend();
  const params = paramsList.length === 1 ? paramsList[0] : paramsList;
  let key = `${backend.name}|${JSON.stringify(params, paramsKey)}`;
  for (const x of inputs) key += `|${x.dtype}${x.shape.join(",")}`;
  let program = cache.get(key);
  if (!program) {
    const graph = new Graph();
    const ins = inputs.map((x) => graph.input(x.shape, x.dtype));
    const nodes = paramsList.map((p, k) =>
      graph.apply(prim, ins, p, avals[k]!.shape, avals[k]!.dtype),
    );
    program = backend.compile(graph, nodes, { inlineScalars: false });
    cache.set(key, program);
  }
  const results = program.run(programInputs(program, inputs));
  return avals.map((aval, k) => new Tensor(aval.shape, aval.dtype, results[k]));
}
