/** Reductions over axes (sum, product, max, min), arg-reductions and cumulative sums. */
import type { KernelContext, Primitive } from "../primitive.js";
import { definePrimitive } from "../primitive.js";
import { checkIndexable, normalizeAxis, sizeOf, stridesOf } from "../shape.js";
import { indexExpr, loopNest } from "../compile/codegen.js";
import { CodegenError, bool, int } from "../compile/literal.js";
import type { Tensor } from "../tensor.js";
import * as o from "../ops/elementwise.js";
import { broadcastTo, reshape } from "../ops/shape.js";
import { cumulativeSum as cumsumOp, product, sum } from "../ops/reduce.js";

/** Parameters of a reduction: sorted, distinct axes to remove. */
export interface ReduceParams {
  readonly axes: readonly number[];
}

const keptShape = (shape: readonly number[], axes: readonly number[]) =>
  shape.filter((_, d) => !axes.includes(d));
/** The shape of the result with reduced axes kept as size 1 (for broadcasting back). */
const keepDims = (shape: readonly number[], axes: readonly number[]) =>
  shape.map((d, i) => (axes.includes(i) ? 1 : d));

interface Monoid {
  readonly init: string;
  /** `int32`: the values are s32/u32, whose products must wrap like 32-bit integers. */
  step(acc: string, x: string, int32: boolean): string;
}

const MONOIDS: Record<string, Monoid> = {
  sum: { init: "0", step: (a, x) => `${a} + ${x}` },
  product: { init: "1", step: (a, x, int32) => (int32 ? `Math.imul(${a}, ${x})` : `${a} * ${x}`) },
  max: { init: "-Infinity", step: (a, x) => `(${x} > ${a} || ${x} !== ${x} ? ${x} : ${a})` },
  min: { init: "Infinity", step: (a, x) => `(${x} < ${a} || ${x} !== ${x} ? ${x} : ${a})` },
};

/**
 * Emits a reduction. When the last axis is reduced, the reduced axes are the inner loops and the
 * accumulator is a local double; otherwise the input is walked in memory order and partial results
 * accumulate in a double scratch buffer, which keeps both layouts cache-friendly and exact-ish.
 */
function emitReduce(monoid: Monoid, ctx: KernelContext<ReduceParams>): string {
  const [x] = ctx.node.inputs;
  const shape = x!.shape;
  const axes = ctx.node.params.axes;
  const inStrides = stridesOf(shape);
  const outSize = sizeOf(ctx.node.shape);
  const outStridesFull = stridesOf(keepDims(shape, axes)).map((s, d) => (axes.includes(d) ? 0 : s));
  const src = ctx.ins[0]!;
  const int32 = x!.dtype === "s32" || x!.dtype === "u32";
  if (sizeOf(shape) === 0) return `${ctx.out}.fill(${monoid.init});`;
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
          `acc = ${monoid.step("acc", `${src}[${indexExpr([...kv, ...rv], strides)}]`, int32)};`,
      );
      return `let acc = ${monoid.init};\n${red}\n${ctx.out}[o++] = acc;`;
    })}`;
  }
  const acc = ctx.scratch("f64", outSize);
  return [
    `${acc}.fill(${monoid.init});`,
    loopNest(shape, "i", (v) => {
      const oi = indexExpr(v, outStridesFull);
      return `${acc}[${oi}] = ${monoid.step(`${acc}[${oi}]`, `${src}[${indexExpr(v, inStrides)}]`, int32)};`;
    }),
    `for (let j = 0; j < ${int(outSize, "reduce size")}; j++) ${ctx.out}[j] = ${acc}[j];`,
  ].join("\n");
}

function reducePrim(name: string, vjp: Primitive<ReduceParams>["vjp"]): Primitive<ReduceParams> {
  const monoid = MONOIDS[name.replace("reduce", "").toLowerCase()]!;
  return definePrimitive<ReduceParams>({
    name,
    infer: ([x], { axes }) => ({ shape: keptShape(x!.shape, axes), dtype: x!.dtype }),
    lowering: { kind: "kernel", emit: (ctx) => emitReduce(monoid, ctx) },
    vjp,
  });
}

/** g broadcast back over the reduced axes of x. */
function spread(g: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return broadcastTo(reshape(g, keepDims(x.shape, axes)), x.shape);
}

export const reduceSum = reducePrim("reduceSum", (g, [x], _out, { axes }) => [spread(g, x!, axes)]);
/**
 * ∂/∂xᵢ Πx = Π_{j≠i} xⱼ, without dividing by zero: out / xᵢ when no element is zero; at the only
 * zero, the product of the others; 0 elsewhere. (Second derivatives are exact away from zeros.)
 */
export const reduceProduct = reducePrim("reduceProduct", (g, [x], _out, { axes }) => {
  const isZero = o.equal(x!, 0);
  const nonZero = o.select(isZero, 1, x!); // also keeps 0/0 out of the unused branch (and its derivative)
  const others = spread(product(nonZero, { axes }), x!, axes);
  const zeros = sum(isZero, { axes, keepAxes: true });
  const partial = o.select(
    o.equal(zeros, 0),
    o.divide(others, nonZero),
    o.select(o.logicalAnd(isZero, o.equal(zeros, 1)), others, 0),
  );
  return [o.multiply(spread(g, x!, axes), partial)];
});
/** The gradient of max/min is shared equally by the elements that attain it. */
const extremumVjp: Primitive<ReduceParams>["vjp"] = (g, [x], out, { axes }) => {
  const hit = o.asType(o.equal(x!, spread(out, x!, axes)), g.dtype);
  const count = sum(hit, { axes, keepAxes: true });
  return [o.divide(o.multiply(spread(g, x!, axes), hit), count)];
};
export const reduceMax = reducePrim("reduceMax", extremumVjp);
export const reduceMin = reducePrim("reduceMin", extremumVjp);

/** Index of the max (or min) along one axis: the first one on ties; NaN counts as the extreme (NumPy). */
export const argReduce = definePrimitive<{ axis: number; op: "max" | "min" }>({
  name: "argReduce",
  infer: ([x], { axis, op }) => {
    checkIndexable(`arg${op}`, x!.shape[axis]!);
    return { shape: x!.shape.filter((_, d) => d !== axis), dtype: "s32" };
  },
  lowering: {
    kind: "kernel",
    emit: (ctx) => {
      const shape = ctx.node.inputs[0]!.shape;
      const { axis, op } = ctx.node.params;
      const n = shape[axis]!;
      if (n === 0) throw new RangeError(`arg${op}: cannot take the arg${op} of an empty axis`);
      const strides = stridesOf(shape);
      const outer = shape.filter((_, d) => d !== axis);
      const outerStrides = strides.filter((_, d) => d !== axis);
      if (op !== "max" && op !== "min") throw new CodegenError(`argReduce: unknown op`);
      const better = op === "max" ? ">" : "<";
      const [count, stride] = [int(n, "argReduce size"), int(strides[axis]!, "argReduce stride")];
      const src = ctx.ins[0]!;
      return `let o = 0;\n${loopNest(outer, "k", (kv) => {
        const base = indexExpr(kv, outerStrides);
        return `const base = ${base};
let best = ${src}[base], at = 0;
if (best === best) for (let r = 1; r < ${count}; r++) {
  const v = ${src}[base + r * ${stride}];
  if (v !== v) { at = r; break; }
  if (v ${better} best) { best = v; at = r; }
}
${ctx.out}[o++] = at;`;
      })}`;
    },
  },
});

/** Running sum along an axis (from the end when `reverse`). */
export const cumulativeSum = definePrimitive<{ axis: number; reverse: boolean }>({
  name: "cumulativeSum",
  infer: ([x], { axis }) => {
    normalizeAxis("cumulativeSum", axis, x!.shape.length);
    return { shape: x!.shape, dtype: x!.dtype };
  },
  lowering: {
    kind: "kernel",
    emit: (ctx) => {
      const shape = ctx.node.shape;
      const { axis, reverse } = ctx.node.params;
      const strides = stridesOf(shape);
      const n = int(shape[axis]!, "cumulativeSum size");
      const last = int(shape[axis]! - 1, "cumulativeSum size");
      const s = int(strides[axis]!, "cumulativeSum stride");
      const outer = shape.map((d, i) => (i === axis ? 1 : d));
      const [src, dst] = [ctx.ins[0]!, ctx.out];
      bool(reverse, "cumulativeSum reverse"); // a flag that is not a boolean is refused
      return loopNest(outer, "k", (kv) => {
        const base = indexExpr(kv, strides);
        const idx = reverse ? `base + (${last} - r) * ${s}` : `base + r * ${s}`;
        return `const base = ${base};\nlet acc = 0;\nfor (let r = 0; r < ${n}; r++) { const q = ${idx}; acc += ${src}[q]; ${dst}[q] = acc; }`;
      });
    },
  },
  vjp: (g, _x, _out, { axis, reverse }) => [cumsumOp(g, { axis, reverse: !reverse })],
});
