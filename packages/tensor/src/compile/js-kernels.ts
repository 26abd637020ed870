/**
 * The JavaScript backend's code for the structural lowerings: kernel calls, affine copies and
 * reductions. Every size, stride, offset and value goes through the literal formatter.
 */
import type { DType } from "../dtype.js";
import type { CopyPlan, KernelArg, KernelCall, LoweredNode, Monoid } from "../primitive.js";
import { sizeOf, stridesOf } from "../shape.js";
import { indexExpr, load, loopNest, store, stridedCopy } from "./codegen.js";
import { HALF_CODECS, isHalf } from "../half.js";
import { describeValue } from "../describe.js";
import { CodegenError, bigLit, int, lit, literal } from "./literal.js";
import { toS64 } from "../int64.js";

/** What the JavaScript code of one kernel step is written against: the names of its buffers. */
export interface KernelContext<P> {
  readonly node: LoweredNode<P>;
  /** Variable names of the input buffers. */
  readonly ins: readonly string[];
  /** Variable name of the output buffer (already allocated, contents undefined). */
  readonly out: string;
  /** Makes a function available to the generated code; returns its name there. */
  helper(fn: (...args: any[]) => any): string;
  /** A scratch buffer allocated once per compiled program; returns its name. */
  scratch(dtype: DType, size: number): string;
}

/** Statements that call `c.kernel` with the step's buffers and literal arguments. */
export function printCall(c: KernelCall, ctx: KernelContext<unknown>): string {
  const arg = (a: KernelArg): string => {
    // Anything but a buffer, a list or a record is a value: `literal` writes numbers and
    // booleans and refuses the rest.
    if (typeof a !== "object" || a === null) return literal(a, ctx.node.op);
    if (Array.isArray(a)) return `[${a.map((x) => literal(x, ctx.node.op)).join(", ")}]`;
    if ("input" in a) {
      const name = ctx.ins[a.input];
      if (name === undefined) throw new CodegenError(`codegen: no input ${String(a.input)}`);
      return name;
    }
    if ("output" in a) return ctx.out;
    if ("scratch" in a) return ctx.scratch(a.scratch, a.size);
    if ("fields" in a) {
      const fields = Object.entries(a.fields).map(([k, v]) => {
        if (!/^[A-Za-z_]\w*$/.test(k))
          throw new CodegenError(`codegen: refusing field name ${describeValue(k)}`);
        return `${k}: ${arg(v)}`;
      });
      return `{ ${fields.join(", ")} }`;
    }
    throw new CodegenError(`codegen: refusing kernel argument ${describeValue(a)}`);
  };
  return `${ctx.helper(c.kernel)}(${c.args.map(arg).join(", ")});`;
}

/** Statements for an affine copy plan. */
export function printCopy(plan: CopyPlan, ctx: KernelContext<unknown>): string {
  const lines: string[] = [];
  if (plan.fill !== undefined) {
    const dtype = ctx.node.dtype;
    const where = `${ctx.node.op} value`;
    if (dtype === "s64") lines.push(`${ctx.out}.fill(${bigLit(toS64(plan.fill), where)});`);
    else {
      const fill = isHalf(dtype) ? HALF_CODECS[dtype].encode(plan.fill) : plan.fill;
      lines.push(`${ctx.out}.fill(${lit(fill, where)});`);
    }
  }
  for (const p of plan.parts) {
    const src = ctx.ins[p.input];
    if (src === undefined) throw new CodegenError(`codegen: no input ${String(p.input)}`);
    // The part covers all of the output and all of the input, both in memory order: one `set`.
    const size = sizeOf(p.shape);
    const whole =
      size === sizeOf(ctx.node.shape) && size === sizeOf(ctx.node.inputs[p.input]!.shape);
    const contiguous = (v: CopyPlan["parts"][number]["src"]) =>
      v.offset === 0 && stridesOf(p.shape).every((s, d) => p.shape[d] === 1 || s === v.strides[d]);
    if (whole && contiguous(p.src) && contiguous(p.dst)) lines.push(`${ctx.out}.set(${src});`);
    else
      lines.push(
        stridedCopy(
          ctx.out,
          p.dst.offset,
          p.dst.strides,
          src,
          p.src.offset,
          p.src.strides,
          p.shape,
        ),
      );
  }
  return lines.join("\n");
}

interface MonoidCode {
  readonly init: string;
  /** `int32`: the values are s32/u32, whose products must wrap like 32-bit integers. */
  step(acc: string, x: string, int32: boolean): string;
}

const MONOIDS: Record<Monoid, MonoidCode> = {
  sum: { init: "0", step: (a, x) => `${a} + ${x}` },
  product: { init: "1", step: (a, x, int32) => (int32 ? `Math.imul(${a}, ${x})` : `${a} * ${x}`) },
  max: { init: "-Infinity", step: (a, x) => `(${x} > ${a} || ${x} !== ${x} ? ${x} : ${a})` },
  min: { init: "Infinity", step: (a, x) => `(${x} < ${a} || ${x} !== ${x} ? ${x} : ${a})` },
};

/** The monoids of s64: bigints wrapped to 64 bits, from the s64 extremes. */
const S64_MONOIDS: Record<Monoid, MonoidCode> = {
  sum: { init: "0n", step: (a, x) => `BigInt.asIntN(64, ${a} + ${x})` },
  product: { init: "1n", step: (a, x) => `BigInt.asIntN(64, ${a} * ${x})` },
  max: { init: "(-9223372036854775808n)", step: (a, x) => `(${x} > ${a} ? ${x} : ${a})` },
  min: { init: "9223372036854775807n", step: (a, x) => `(${x} < ${a} ? ${x} : ${a})` },
};

/**
 * A reduction of the input over `ctx.node.params.axes`. When the last axis is reduced, the
 * reduced axes are the inner loops and the accumulator is a local double; otherwise the input is
 * walked in memory order and partial results accumulate in a double scratch buffer, which keeps
 * both layouts cache-friendly.
 */
export function printReduce(
  monoid: Monoid,
  ctx: KernelContext<{ readonly axes: readonly number[] }>,
): string {
  if (!Object.prototype.hasOwnProperty.call(MONOIDS, monoid))
    throw new CodegenError(`codegen: unknown reduction ${String(monoid)}`);
  const [x] = ctx.node.inputs;
  const s64 = x!.dtype === "s64";
  const m = (s64 ? S64_MONOIDS : MONOIDS)[monoid];
  const shape = x!.shape;
  const axes = ctx.node.params.axes;
  const inStrides = stridesOf(shape);
  const outSize = sizeOf(ctx.node.shape);
  const keep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStridesFull = stridesOf(keep).map((s, d) => (axes.includes(d) ? 0 : s));
  const src = ctx.ins[0]!;
  const int32 = x!.dtype === "s32" || x!.dtype === "u32";
  // f16 and bf16 elements are decoded as read and accumulate in a double, rounded once stored.
  const read = (element: string) => load(element, x!.dtype, ctx.helper);
  const put = (value: string) => store(value, ctx.node.dtype, ctx.helper);
  if (sizeOf(shape) === 0) return `${ctx.out}.fill(${put(m.init)});`;
  if (axes.length === 0) return `${ctx.out}.set(${src});`;
  if (axes.includes(shape.length - 1)) {
    const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const order = [...kept, ...axes];
    const loopShape = order.map((d) => shape[d]!);
    const strides = order.map((d) => inStrides[d]!);
    const inner = kept.length;
    return `let o = 0;\n${loopNest(loopShape.slice(0, inner), "k", (kv) => {
      const red = loopNest(
        loopShape.slice(inner),
        "r",
        (rv) =>
          `acc = ${m.step("acc", read(`${src}[${indexExpr([...kv, ...rv], strides)}]`), int32)};`,
      );
      return `let acc = ${m.init};\n${red}\n${ctx.out}[o++] = ${put("acc")};`;
    })}`;
  }
  const acc = ctx.scratch(s64 ? "s64" : "f64", outSize);
  return [
    `${acc}.fill(${m.init});`,
    loopNest(shape, "i", (v) => {
      const oi = indexExpr(v, outStridesFull);
      return `${acc}[${oi}] = ${m.step(`${acc}[${oi}]`, read(`${src}[${indexExpr(v, inStrides)}]`), int32)};`;
    }),
    `for (let j = 0; j < ${int(outSize, "reduce size")}; j++) ${ctx.out}[j] = ${put(`${acc}[j]`)};`,
  ].join("\n");
}
