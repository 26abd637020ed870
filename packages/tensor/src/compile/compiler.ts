/**
 * The JavaScript backend: turns a traced graph into one generated function. Chains of elementwise
 * primitives become single fused loops, every other primitive becomes the code its kernel emitter
 * writes, and intermediate buffers are planned once (reused by liveness) and kept across calls.
 * Eager ops run through the same compiler, one primitive at a time.
 */
import type { DType, TypedArray } from "../dtype.js";
import { liveNodes, type Graph, type Node } from "../graph.js";
import { shapesEqual, sizeOf, stridesOf } from "../shape.js";
import { broadcastStrides, coerce, ctorName, indexExpr, load, loopNest, store } from "./codegen.js";
import { HALF_CODECS, isHalf } from "../half.js";
import { leaf } from "./expr.js";
import { printJs } from "./js-expr.js";
import { printCall, printCopy, printReduce, type KernelContext } from "./js-kernels.js";
import { columnSum, rowReducers, wasmReduceAvailable } from "../wasm/reduce.js";
import { kernelForEngine } from "./engines.js";
import { allocateF32, isHeapView, releaseF32 } from "../wasm/memory.js";
import { outputF32 } from "../wasm/outputs.js";
import { simdSupported } from "../wasm/features.js";
import type { ControlPlan, Monoid } from "../primitive.js";
import { CodegenError, elementLit, int, lit } from "./literal.js";
import { numbersIntoS64, s64IntoNumbers } from "../int64.js";
import { compileLoop, type FusedLoop, type LoopRead } from "../wasm/elementwise.js";

/** A compiled program: buffers in, buffers out. */
export interface Program {
  /** Runs the program; the results are fresh buffers (or input/constant buffers passed through). */
  run(inputs: readonly TypedArray[]): TypedArray[];
  /** The generated JavaScript, for debugging. */
  readonly source: string;
  /**
   * Indices of the inputs whose kernels may read them in the Wasm memory (large enough f32
   * arrays under an engine that uses it); see placement.ts.
   */
  readonly heapInputs: readonly number[];
}

/**
 * Which engine runs the kernels that have a WebAssembly form: `"js"` never uses it, `"wasm"`
 * always does, `"auto"` does where the work is large enough to pay for moving the data.
 */
export type Engine = "auto" | "js" | "wasm";

/** Compiler options. */
export interface CompileOptions {
  /** Write one-element constants into the code as literals (true under jit). */
  readonly inlineScalars: boolean;
  /** Default `"auto"`. */
  readonly engine?: Engine;
}

/** Fused loops with fewer elements than this stay in JavaScript under `"auto"` (measured). */
export const WASM_LOOP_MIN = 1024;

interface Cluster {
  readonly root: Node;
  readonly members: Node[];
}

/** Compiles the part of `graph` that `outputs` depend on. */
export function compile(graph: Graph, outputs: readonly Node[], options: CompileOptions): Program {
  const live = liveNodes(graph, outputs);
  const users = new Map<Node, Node[]>();
  for (const n of live) users.set(n, []);
  for (const n of live) for (const i of n.inputs) users.get(i)!.push(n);
  const isOutput = new Set(outputs);
  const base = (n: Node): Node => (n.prim?.lowering.kind === "alias" ? base(n.inputs[0]!) : n);

  // Fusion: walk backwards; an elementwise node joins its users' cluster when all of them are in
  // one cluster of its own shape and nothing else needs its value in memory.
  const clusterOf = new Map<Node, Cluster>();
  for (let k = live.length - 1; k >= 0; k--) {
    const n = live[k]!;
    if (n.prim?.lowering.kind !== "elementwise") continue;
    const us = users.get(n)!;
    const c = us.length ? clusterOf.get(us[0]!) : undefined;
    if (
      c &&
      !isOutput.has(n) &&
      shapesEqual(n.shape, c.root.shape) &&
      us.every((u) => clusterOf.get(u) === c)
    ) {
      clusterOf.set(n, c);
      c.members.push(n);
    } else {
      clusterOf.set(n, { root: n, members: [n] });
    }
  }

  const steps = live.filter(
    (n) =>
      n.prim &&
      n.prim.lowering.kind !== "alias" &&
      (n.prim.lowering.kind !== "elementwise" || clusterOf.get(n)?.root === n),
  );
  mergeProducers(steps, clusterOf, base);
  const readsOf = (step: Node): Node[] => {
    const c = clusterOf.get(step);
    if (!c) return step.inputs.map(base);
    const inside = new Set(c.members);
    const ext = new Set<Node>();
    for (const m of c.members) for (const i of m.inputs) if (!inside.has(i)) ext.add(base(i));
    return [...ext];
  };
  /** The nodes a step writes to memory: a kernel's node, or the cluster members needed outside it. */
  const writesOf = (step: Node): Node[] => {
    const c = clusterOf.get(step);
    if (!c) return [step];
    const inside = new Set(c.members);
    return c.members
      .filter((m) => m === c.root || isOutput.has(m) || users.get(m)!.some((u) => !inside.has(u)))
      .sort((a, b) => a.id - b.id);
  };

  // Liveness of buffers, for reuse.
  const lastUse = new Map<Node, number>();
  steps.forEach((s, k) => {
    for (const r of readsOf(s)) lastUse.set(r, k);
  });
  const escaping = new Set(outputs.map(base));

  const emitter = new Emitter(options);
  const body: string[] = [];
  const readers = new Map<Node, number>();
  for (const s of steps) for (const r of readsOf(s)) readers.set(r, (readers.get(r) ?? 0) + 1);
  for (const n of graph.inputs) {
    // A large f32 input that several steps read is copied into the Wasm memory once (unless it
    // is there already), rather than by each Wasm kernel that reads it.
    const stage = (readers.get(n) ?? 0) > 1 && !escaping.has(n);
    body.push(`const b${n.id} = ${emitter.input(n, stage)};`);
  }
  for (const n of live)
    if (n.op === "const")
      emitter.prelude.push(`const b${n.id} = C[${emitter.constant(n.value!)}];`);

  const free = new Map<string, string[]>();
  steps.forEach((s, k) => naming(s.op, () => emitStep(s, k)));
  function emitStep(s: Node, k: number): void {
    const writes = writesOf(s);
    for (const w of writes) {
      const key = `${w.dtype}:${sizeOf(w.shape)}`;
      if (escaping.has(w)) {
        body.push(`const b${w.id} = ${emitter.result(w.dtype, sizeOf(w.shape))};`);
      } else {
        const pooled = free.get(key)?.pop() ?? emitter.pool(w.dtype, sizeOf(w.shape));
        body.push(`const b${w.id} = ${pooled};`);
        emitter.buffers.set(w, pooled);
      }
    }
    const c = clusterOf.get(s);
    if (c) body.push(emitter.cluster(c, new Set(writes), base));
    else if (s.prim!.lowering.kind === "control") body.push(...emitter.control(s, base));
    else body.push(emitter.kernel(s, base));
    for (const r of readsOf(s)) {
      const pooled = emitter.buffers.get(r);
      if (pooled && lastUse.get(r) === k) {
        const rk = `${r.dtype}:${sizeOf(r.shape)}`;
        if (!free.has(rk)) free.set(rk, []);
        free.get(rk)!.push(pooled);
      }
    }
  }
  body.push(`return [${outputs.map((o) => `b${base(o).id}`).join(", ")}];`);

  const source = `"use strict";\n${emitter.prelude.join("\n")}\nreturn function run(inp) {\n${body.join("\n")}\n};`;
  const factory = new Function("H", "C", source) as (
    h: unknown[],
    c: TypedArray[],
  ) => Program["run"];
  const run = factory(emitter.helpers, emitter.constants);
  // The blocks go back to the Wasm memory when nothing can call this program any more.
  if (emitter.heapBlocks.length > 0) heapOwners.register(run, emitter.heapBlocks);
  const heapInputs = graph.inputs
    .filter((n) => emitter.inHeap(n.dtype, sizeOf(n.shape)))
    .map((n) => n.index!);
  return { run, source, heapInputs };
}

/**
 * The function a control step calls: its sub-programs compiled with the same options, run on the
 * step's input buffers; it returns the results of the sub-program that ran last.
 */
function controlRunner(
  plan: ControlPlan,
  options: CompileOptions,
): (...inputs: TypedArray[]) => TypedArray[] {
  const build = (p: { graph: Graph; outputs: readonly Node[] }) =>
    compile(p.graph, p.outputs, options);
  if (plan.kind === "cond") {
    const [onFalse, onTrue] = plan.branches.map(build) as [Program, Program];
    return (pred, ...operands) => (pred![0] !== 0 ? onTrue : onFalse).run(operands);
  }
  const condition = build(plan.condition);
  const body = build(plan.body);
  const count = plan.state;
  return (...inputs) => {
    let state = inputs.slice(0, count);
    const constants = inputs.slice(count);
    while (condition.run([...state, ...constants])[0]![0] !== 0)
      state = body.run([...state, ...constants]);
    return state;
  };
}

/** `x` where it already is in the Wasm memory, else `copy` filled from it. */
function staged(x: Float32Array, copy: Float32Array): Float32Array {
  if (isHeapView(x)) return x;
  copy.set(x.length === copy.length ? x : x.subarray(0, copy.length));
  return copy;
}

const heapOwners = new FinalizationRegistry<[number, number][]>((blocks) => {
  for (const [address, length] of blocks) releaseF32(address, length);
});

/** Collects the closure (helpers, constants, pooled buffers) and writes each step's code. */
class Emitter {
  readonly prelude: string[] = [];
  readonly helpers: ((...args: any[]) => any)[] = [];
  readonly constants: TypedArray[] = [];
  readonly buffers = new Map<Node, string>();
  private names = 0;

  constructor(private readonly options: CompileOptions) {}

  helper = (fn: (...args: any[]) => any): string => {
    let k = this.helpers.indexOf(fn);
    if (k < 0) {
      k = this.helpers.push(fn) - 1;
      this.prelude.push(`const h${k} = H[${k}];`);
    }
    return `h${k}`;
  };

  constant(value: TypedArray): number {
    return this.constants.push(value) - 1;
  }

  pool(dtype: DType, size: number): string {
    const name = `p${this.names++}`;
    const n = int(size, "buffer size");
    // Large f32 buffers live in the Wasm memory, where the Wasm kernels use them without copying.
    if (this.inHeap(dtype, size))
      this.prelude.push(`const ${name} = ${this.helper(this.heapArray)}(${n});`);
    else this.prelude.push(`const ${name} = new ${ctorName(dtype)}(${n});`);
    return name;
  }

  /**
   * A fresh array for a result: large f32 results of a program that may use Wasm kernels go to
   * the Wasm memory (see wasm/outputs.ts), so the next program reads them in place.
   */
  result(dtype: DType, size: number): string {
    const n = int(size, "buffer size");
    if (this.inHeap(dtype, size)) return `${this.helper(outputF32)}(${n})`;
    return `new ${ctorName(dtype)}(${n})`;
  }

  /** Whether a buffer of `size` elements of `dtype` belongs in the Wasm memory. */
  inHeap(dtype: DType, size: number): boolean {
    return (
      dtype === "f32" && size >= WASM_LOOP_MIN && this.options.engine !== "js" && simdSupported()
    );
  }

  /** The expression for input `n`: the argument, or (`stage`) where it is in the Wasm memory. */
  input(n: Node, stage: boolean): string {
    const arg = `inp[${int(n.index!, "input index")}]`;
    const size = sizeOf(n.shape);
    if (!stage || !this.inHeap(n.dtype, size)) return arg;
    return `${this.helper(staged)}(${arg}, ${this.pool(n.dtype, size)})`;
  }

  /** Blocks of the Wasm memory this program's buffers took: [byte address, length]. */
  readonly heapBlocks: [number, number][] = [];

  private readonly heapArray = (length: number): Float32Array => {
    const a = allocateF32(length);
    this.heapBlocks.push([a.byteOffset, length]);
    return a as Float32Array;
  };

  scratch = (dtype: DType, size: number): string => this.pool(dtype, size);

  /** Per control group, per inputs: the variable holding the results of its one evaluation. */
  private readonly controlRuns = new Map<object, Map<string, string>>();

  /**
   * A control-flow step: the first application of a group (see `ControlPlan`) runs the compiled
   * sub-programs into a variable; each application copies its result from there.
   */
  control(n: Node, base: (n: Node) => Node): string[] {
    const lowering = n.prim!.lowering;
    if (lowering.kind !== "control") throw new Error(`internal: ${n.op} is not control flow`);
    const plan = lowering.control(n);
    const ins = n.inputs.map((i) => `b${base(i).id}`);
    let runs = this.controlRuns.get(plan.group);
    if (!runs) this.controlRuns.set(plan.group, (runs = new Map()));
    const key = ins.join(",");
    const lines: string[] = [];
    let results = runs.get(key);
    if (results === undefined) {
      results = `r${this.names++}`;
      runs.set(key, results);
      const runner = this.helper(controlRunner(plan, this.options));
      lines.push(`const ${results} = ${runner}(${ins.join(", ")}); // ${comment(n.op)}`);
    }
    lines.push(`b${n.id}.set(${results}[${int(plan.output, "result index")}]);`);
    return lines;
  }

  kernel(n: Node, base: (n: Node) => Node): string {
    const lowering = n.prim!.lowering;
    const ctx = {
      node: n,
      ins: n.inputs.map((i) => `b${base(i).id}`),
      out: `b${n.id}`,
      helper: this.helper,
      scratch: this.scratch,
    };
    const code = naming(n.op, () => {
      switch (lowering.kind) {
        case "call": {
          const c = lowering.call(n);
          const wide = [n, ...n.inputs].some((x) => widens(x.dtype));
          // Kernels compute in numbers: f16, bf16 and s64 buffers are widened around them, in
          // JavaScript.
          const engine = wide ? "js" : (this.options.engine ?? "auto");
          const kernel = kernelForEngine(c.kernel, engine);
          return wide
            ? this.widened(n, ctx, (wide) => printCall({ kernel, args: c.args }, wide))
            : printCall({ kernel, args: c.args }, ctx);
        }
        case "copy":
          return printCopy(lowering.copy(n), ctx);
        case "reduce":
          return this.wasmReduce(n, lowering.monoid, ctx) ?? printReduce(lowering.monoid, ctx);
        default:
          throw new Error(`internal: ${n.op} is not a kernel`);
      }
    });
    return `{ // ${comment(n.op)}\n${code}\n}`;
  }

  /**
   * A kernel's code run on number copies of its f16, bf16 and s64 buffers (f32 for the 16-bit
   * floats, f64 for s64): the inputs are converted into them before, the output converted from
   * its copy after, and its scratch of those dtypes is a copy's type.
   */
  private widened(
    n: Node,
    ctx: KernelContext<unknown>,
    print: (ctx: KernelContext<unknown>) => string,
  ): string {
    const before: string[] = [];
    const after: string[] = [];
    const wide = (dtype: DType, size: number): string => {
      const name = `w${this.names++}`;
      const array = dtype === "s64" ? "Float64Array" : "Float32Array";
      this.prelude.push(`const ${name} = new ${array}(${int(size, "buffer size")});`);
      return name;
    };
    const ins = n.inputs.map((x, k) => {
      const name = ctx.ins[k]!;
      if (!widens(x.dtype)) return name;
      const w = wide(x.dtype, sizeOf(x.shape));
      const into = isHalf(x.dtype) ? HALF_CODECS[x.dtype].decodeInto : s64IntoNumbers;
      before.push(`${this.helper(into)}(${w}, ${name});`);
      return w;
    });
    let out = ctx.out;
    if (widens(n.dtype)) {
      out = wide(n.dtype, sizeOf(n.shape));
      const from = isHalf(n.dtype) ? HALF_CODECS[n.dtype].encodeInto : numbersIntoS64;
      after.push(`${this.helper(from)}(${ctx.out}, ${out});`);
    }
    const scratch = (dtype: DType, size: number) =>
      widens(dtype) ? wide(dtype, size) : ctx.scratch(dtype, size);
    return [...before, print({ ...ctx, ins, out, scratch }), ...after].join("\n");
  }

  /**
   * The call of a WebAssembly loop for a fused loop, or undefined where the engine, the size, an
   * operation or a read keeps it in JavaScript. The loop runs over [outer, inner = last axis];
   * each read is a full array, a row (broadcast over the leading axes), a column (broadcast along
   * the last axis), a scalar or a constant.
   */
  private wasmLoop(
    members: readonly Node[],
    stored: ReadonlySet<Node>,
    readNodes: readonly Node[],
    shape: readonly number[],
    base: (n: Node) => Node,
  ): string | undefined {
    const engine = this.options.engine ?? "auto";
    const size = sizeOf(shape);
    if (engine === "js" || size === 0 || (engine === "auto" && size < WASM_LOOP_MIN))
      return undefined;
    // f16, bf16 and s64 loops stay in JavaScript (the Wasm loops compute and store f32 and u8).
    if ([...members, ...readNodes].some((m) => isHalf(m.dtype) || m.dtype === "s64"))
      return undefined;
    const inner = shape.length > 0 ? shape[shape.length - 1]! : 1;
    const leading = stridesOf(shape.slice(0, -1));
    const loopReads: (LoopRead | undefined)[] = readNodes.map((i) => {
      const n = sizeOf(i.shape);
      if (n === size)
        return i.dtype === "f32" || i.dtype === "u8"
          ? { kind: "array", dtype: i.dtype }
          : undefined;
      if (i.dtype !== "f32") return undefined;
      if (n === 1) {
        const b = base(i);
        return this.options.inlineScalars && b.op === "const"
          ? { kind: "const", value: b.value![0] as number }
          : { kind: "scalar" };
      }
      const st = broadcastStrides(i.shape, shape);
      const last = st[st.length - 1];
      const lead = st.slice(0, -1);
      if (last === 1 && lead.every((x) => x === 0)) return { kind: "row" };
      if (last === 0 && lead.every((x, d) => shape[d] === 1 || x === leading[d]))
        return { kind: "column" };
      return undefined;
    });
    if (loopReads.some((r) => r === undefined)) return undefined;
    const R = readNodes.length;
    const index = new Map(members.map((m, j) => [m, j]));
    const loop: FusedLoop = {
      reads: loopReads as LoopRead[],
      members: members.map((m) => {
        const lowering = m.prim!.lowering;
        if (lowering.kind !== "elementwise")
          throw new Error(`internal: ${m.op} is not elementwise`);
        const operands = m.inputs.map((i) =>
          leaf(index.has(i) ? R + index.get(i)! : readNodes.indexOf(i), i.dtype),
        );
        return { expr: lowering.expr(operands, { params: m.params }), stored: stored.has(m) };
      }),
    };
    const runner = compileLoop(loop);
    if (runner === undefined) return undefined;
    const args = readNodes.map((i, k) => {
      const b = `b${base(i).id}`;
      const kind = loopReads[k]!.kind;
      return kind === "scalar" ? `${b}[0]` : kind === "const" ? "0" : b;
    });
    const outs = members.filter((m) => stored.has(m)).map((m) => `b${m.id}`);
    const sizes = `${int(size / inner, "loop size")}, ${int(inner, "loop size")}`;
    const ops = comment(members.map((m) => m.op).join(","));
    return `{ // ${ops} (wasm)\n${this.helper(runner)}(${sizes}, [${args.join(", ")}], [${outs.join(", ")}]);\n}`;
  }

  /**
   * An f32 reduction as a call of a Wasm one (bit-identical to the JavaScript reduction): a sum
   * over leading axes, or a sum, maximum or minimum over trailing axes. Undefined where the
   * engine, the size, the dtype or the axes keep it in JavaScript.
   */
  private wasmReduce(
    n: Node,
    monoid: Monoid,
    ctx: KernelContext<{ readonly axes: readonly number[] }>,
  ): string | undefined {
    const engine = this.options.engine ?? "auto";
    const x = n.inputs[0]!;
    const size = sizeOf(x.shape);
    const rank = x.shape.length;
    const axes = (n.params as { axes: readonly number[] }).axes;
    const partial = axes.length > 0 && axes.length < rank;
    const leading = partial && axes.every((a, k) => a === k);
    const trailing = partial && axes.every((a, k) => a === rank - axes.length + k);
    if (engine === "js" || n.dtype !== "f32" || x.dtype !== "f32" || size === 0) return undefined;
    if ((engine === "auto" && size < WASM_LOOP_MIN) || !wasmReduceAvailable()) return undefined;
    const kept = sizeOf(n.shape);
    const sizes = (rows: number, cols: number) =>
      `${int(rows, "reduce size")}, ${int(cols, "reduce size")}`;
    if (leading && monoid === "sum")
      return `${ctx.helper(columnSum)}(${ctx.out}, ${ctx.ins[0]}, ${sizes(size / kept, kept)}); // wasm`;
    if (trailing && monoid !== "product") {
      const reducer = ctx.helper(rowReducers[monoid]);
      return `${reducer}(${ctx.out}, ${ctx.ins[0]}, ${sizes(kept, size / kept)}); // wasm`;
    }
    return undefined;
  }

  /** A fused loop computing every member of `c`, storing those in `stored`. */
  cluster(c: Cluster, stored: ReadonlySet<Node>, base: (n: Node) => Node): string {
    const members = [...c.members].sort((a, b) => a.id - b.id);
    const inside = new Set(members);
    const shape = c.root.shape;
    const size = sizeOf(shape);
    const hoisted: string[] = [];
    const reads = new Map<Node, (vars: readonly string[] | null) => string>();
    let flat = true;
    for (const m of members) {
      for (const i of m.inputs) {
        if (inside.has(i) || reads.has(i)) continue;
        const b = `b${base(i).id}`;
        const n = sizeOf(i.shape);
        const value = (element: string) => load(element, i.dtype, this.helper);
        if (n === 1 && this.options.inlineScalars && base(i).op === "const") {
          const stored = base(i).value![0]!;
          const v = isHalf(i.dtype)
            ? lit(HALF_CODECS[i.dtype].decode(stored as number))
            : elementLit(stored);
          reads.set(i, () => v);
        } else if (n === 1) {
          const v = `s${this.names++}`;
          hoisted.push(`const ${v} = ${value(`${b}[0]`)};`);
          reads.set(i, () => v);
        } else if (n === size) {
          reads.set(i, (vars) => value(`${b}[${vars ? "o" : "j"}]`));
        } else {
          flat = false;
          const strides = broadcastStrides(i.shape, shape);
          reads.set(i, (vars) => value(`${b}[${indexExpr(vars!, strides)}]`));
        }
      }
    }
    const wasm = this.wasmLoop(members, stored, [...reads.keys()], shape, base);
    if (wasm !== undefined) return wasm;
    const bodyFor = (vars: readonly string[] | null): string => {
      const lines: string[] = [];
      for (const m of members) {
        const lowering = m.prim!.lowering;
        if (lowering.kind !== "elementwise")
          throw new Error(`internal: ${m.op} is not elementwise`);
        // Operand k of the member is leaf k; its text is a temporary or a read of the input.
        const args = m.inputs.map((i) => (inside.has(i) ? `t${i.id}` : reads.get(i)!(vars)));
        const tree = naming(m.op, () =>
          lowering.expr(
            m.inputs.map((i, k) => leaf(k, i.dtype)),
            { params: m.params },
          ),
        );
        const expr = printJs(tree, (k) => args[k]!, this.helper);
        const at = `b${m.id}[${vars ? "o" : "j"}]`;
        if (m === c.root) lines.push(`${at} = ${store(expr, m.dtype, this.helper)};`);
        else {
          // Rounded as storing would round it, so a fused value equals an unfused one.
          lines.push(`const t${m.id} = ${coerce(expr, m.dtype, this.helper)};`);
          if (stored.has(m)) lines.push(`${at} = ${store(`t${m.id}`, m.dtype, this.helper)};`);
        }
      }
      if (vars) lines.push("o++;");
      return lines.join("\n");
    };
    const ops = comment(members.map((m) => m.op).join(","));
    if (flat) {
      return `{ // ${ops}\n${hoisted.join("\n")}\nfor (let j = 0; j < ${int(size, "loop size")}; j++) {\n${bodyFor(null)}\n}\n}`;
    }
    return `{ // ${ops}\n${hoisted.join("\n")}\nlet o = 0;\n${loopNest(shape, "i", (vars) => bodyFor(vars))}\n}`;
  }
}

/**
 * Multi-output fusion: a fused loop whose value another loop of the same shape reads directly is
 * moved into that loop when no step between the two reads anything it computes (so nothing can
 * depend on it in between). The reader's loop then computes both and stores each value needed
 * elsewhere: Adam's new m, v and parameter come out of one pass. `steps` and `clusterOf` are
 * updated in place.
 */
function mergeProducers(
  steps: Node[],
  clusterOf: Map<Node, Cluster>,
  base: (n: Node) => Node,
): void {
  const position = () => new Map(steps.map((s, k) => [s, k]));
  for (let b = 0; b < steps.length; b++) {
    const into = clusterOf.get(steps[b]!);
    if (!into || into.root !== steps[b]) continue;
    for (let again = true; again;) {
      again = false;
      const inside = new Set(into.members);
      for (const m of [...into.members]) {
        for (const input of m.inputs) {
          const from = clusterOf.get(input);
          if (!from || from === into || !shapesEqual(from.root.shape, into.root.shape)) continue;
          const pos = position();
          const a = pos.get(from.root)!;
          if (a >= b) continue;
          const mine = new Set(from.members);
          // Every read of `from` by the other loop must be direct (an alias could read ahead).
          const direct = [...inside].every((x) =>
            x.inputs.every((i) => i === base(i) || !mine.has(base(i))),
          );
          const between = steps.slice(a + 1, b);
          const untouched = between.every((s) => !readsAny(s, clusterOf, mine, base));
          if (!direct || !untouched) continue;
          for (const n of from.members) {
            clusterOf.set(n, into);
            into.members.push(n);
          }
          steps.splice(a, 1);
          b--;
          again = true;
          break;
        }
        if (again) break;
      }
    }
  }
}

/** Whether step `s` reads (directly or through an alias) any node of `nodes`. */
function readsAny(
  s: Node,
  clusterOf: ReadonlyMap<Node, Cluster>,
  nodes: ReadonlySet<Node>,
  base: (n: Node) => Node,
): boolean {
  const c = clusterOf.get(s);
  const members = c ? c.members : [s];
  return members.some((m) => m.inputs.some((i) => nodes.has(base(i))));
}

/** Whether kernels see a `dtype` buffer as a copy of numbers (f16, bf16 and s64 do). */
function widens(dtype: DType): boolean {
  return isHalf(dtype) || dtype === "s64";
}

/** Runs a step's emitter so that a refused value's error names the primitive it came from. */
function naming<T>(op: string, emit: () => T): T {
  try {
    return emit();
  } catch (e) {
    const named = e instanceof Error && /^\w+/.exec(e.message)?.[0] === op;
    if (e instanceof CodegenError && !named)
      throw new CodegenError(`${op}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Text for a `//` comment: only word characters and commas (op names are ours, but a comment never ends a line early). */
function comment(text: string): string {
  return text.replace(/[^\w,]/g, "_");
}
