/**
 * Elementwise primitives: one node of the expression IR (`compile/expr.ts`) per element, fused by
 * the compiler. Binary ones take inputs of one dtype (the ops layer promotes) and broadcast their
 * shapes as NumPy does.
 */
import type { DType } from "../dtype.js";
import { isFloat } from "../dtype.js";
import * as ir from "../compile/expr.js";
import type { BinaryOp, UnaryOp } from "../compile/expr.js";
import type { Aval, NoDerivative, Primitive, Vjp } from "../primitive.js";
import { definePrimitive, noDerivative } from "../primitive.js";
import { broadcastShapes, checkShape, shapesEqual } from "../shape.js";
import { formatType } from "../format.js";
import * as o from "../ops/elementwise.js";

function sameDtype(op: string, xs: readonly Aval[]): DType {
  for (const x of xs) {
    if (x.dtype !== xs[0]!.dtype) {
      throw new TypeError(
        `internal: ${op} got mixed dtypes ${xs.map((a) => formatType(a.shape, a.dtype)).join(", ")}`,
      );
    }
  }
  return xs[0]!.dtype;
}

function unary(name: string, op: UnaryOp, vjp: Vjp<unknown> | NoDerivative): Primitive {
  return definePrimitive({
    name,
    infer: ([x]) => ({ shape: x!.shape, dtype: x!.dtype }),
    lowering: { kind: "elementwise", expr: ([a]) => ir.unary(op, a!) },
    vjp,
  });
}

function binary(
  name: string,
  op: BinaryOp,
  vjp: Vjp<unknown> | NoDerivative,
  outDtype?: DType,
): Primitive {
  return definePrimitive({
    name,
    infer: ([a, b]) => {
      const dtype = sameDtype(name, [a!, b!]);
      return {
        shape: broadcastShapes(name, a!.shape, a!.dtype, b!.shape, b!.dtype),
        dtype: outDtype ?? dtype,
      };
    },
    lowering: { kind: "elementwise", expr: ([a, b]) => ir.binary(op, a!, b!) },
    vjp,
  });
}

export const add = binary("add", "add", (g) => [g, g]);
export const subtract = binary("subtract", "sub", (g) => [g, o.negate(g)]);
export const multiply = binary("multiply", "mul", (g, [a, b]) => [
  o.multiply(g, b!),
  o.multiply(g, a!),
]);
export const divide = binary("divide", "div", (g, [, b], out) => [
  o.divide(g, b!),
  o.negate(o.divide(o.multiply(g, out), b!)),
]);
export const pow = binary("pow", "pow", (g, [a, b], out) => [
  o.multiply(g, o.multiply(b!, o.pow(a!, o.subtract(b!, 1)))),
  // d/db a^b = a^b log a, taken as 0 where a = 0 (the limit for b > 0).
  o.multiply(g, o.select(o.equal(a!, 0), 0, o.multiply(out, o.log(a!)))),
]);
export const remainder = binary("remainder", "rem", (g, [a, b]) => [
  g,
  o.negate(o.multiply(g, o.trunc(o.divide(a!, b!)))),
]);
export const maximum = binary("maximum", "max", (g, [a, b]) => {
  const takeA = o.greaterEqual(a!, b!);
  return [o.select(takeA, g, 0), o.select(takeA, 0, g)];
});
export const minimum = binary("minimum", "min", (g, [a, b]) => {
  const takeA = o.lessEqual(a!, b!);
  return [o.select(takeA, g, 0), o.select(takeA, 0, g)];
});

export const negate = unary("negate", "neg", (g) => [o.negate(g)]);
export const abs = unary("abs", "abs", (g, [x]) => [o.multiply(g, o.sign(x!))]);
export const sign = unary("sign", "sign", (g) => [o.multiply(g, 0)]);
export const exp = unary("exp", "exp", (g, _x, out) => [o.multiply(g, out)]);
export const expm1 = unary("expm1", "expm1", (g, _x, out) => [o.multiply(g, o.add(out, 1))]);
export const log = unary("log", "log", (g, [x]) => [o.divide(g, x!)]);
export const log1p = unary("log1p", "log1p", (g, [x]) => [o.divide(g, o.add(x!, 1))]);
export const sqrt = unary("sqrt", "sqrt", (g, _x, out) => [o.divide(o.multiply(g, 0.5), out)]);
export const rsqrt = unary("rsqrt", "rsqrt", (g, [x], out) => [
  o.multiply(g, o.divide(o.multiply(out, -0.5), x!)),
]);
export const sin = unary("sin", "sin", (g, [x]) => [o.multiply(g, o.cos(x!))]);
export const cos = unary("cos", "cos", (g, [x]) => [o.negate(o.multiply(g, o.sin(x!)))]);
export const tan = unary("tan", "tan", (g, _x, out) => [
  o.multiply(g, o.add(o.multiply(out, out), 1)),
]);
export const tanh = unary("tanh", "tanh", (g, _x, out) => [
  o.multiply(g, o.subtract(1, o.multiply(out, out))),
]);
export const sigmoid = unary("sigmoid", "sigmoid", (g, _x, out) => [
  o.multiply(g, o.multiply(out, o.subtract(1, out))),
]);
export const erf = unary("erf", "erf", (g, [x]) => [
  o.multiply(g, o.multiply(o.exp(o.negate(o.multiply(x!, x!))), 2 / Math.sqrt(Math.PI))),
]);
export const floor = unary("floor", "floor", (g) => [o.multiply(g, 0)]);
export const ceil = unary("ceil", "ceil", (g) => [o.multiply(g, 0)]);
/** Rounds half away from zero, as Nx does. */
export const round = unary("round", "round", (g) => [o.multiply(g, 0)]);
export const trunc = unary("trunc", "trunc", (g) => [o.multiply(g, 0)]);

const BOOLEAN_RESULT = noDerivative("its result is a u8 truth value");

function predicate(name: string, op: UnaryOp): Primitive {
  return definePrimitive({
    name,
    infer: ([x]) => ({ shape: x!.shape, dtype: "u8" }),
    lowering: { kind: "elementwise", expr: ([a]) => ir.unary(op, a!) },
    vjp: BOOLEAN_RESULT,
  });
}
export const isNan = predicate("isNan", "isNan");
export const isInfinite = predicate("isInfinite", "isInfinite");
export const logicalNot = predicate("logicalNot", "not");

const compare = (name: string, op: BinaryOp) => binary(name, op, BOOLEAN_RESULT, "u8");
export const equal = compare("equal", "eq");
export const notEqual = compare("notEqual", "ne");
export const less = compare("less", "lt");
export const lessEqual = compare("lessEqual", "le");
export const greater = compare("greater", "gt");
export const greaterEqual = compare("greaterEqual", "ge");
export const logicalAnd = compare("logicalAnd", "and");
export const logicalOr = compare("logicalOr", "or");

/** select(pred, onTrue, onFalse): onTrue where pred ≠ 0. The three shapes broadcast together. */
export const select = definePrimitive({
  name: "select",
  infer: ([p, t, f]) => {
    const dtype = sameDtype("select", [t!, f!]);
    const s = broadcastShapes("select", t!.shape, t!.dtype, f!.shape, f!.dtype);
    return { shape: broadcastShapes("select", p!.shape, p!.dtype, s, dtype), dtype };
  },
  lowering: { kind: "elementwise", expr: ([p, t, f]) => ir.select(p!, t!, f!) },
  vjp: (g, [p]) => [null, o.select(p!, g, 0), o.select(p!, 0, g)],
});

/** Converts to another dtype: floats to integers truncate toward zero; integers wrap. */
export const convert = definePrimitive<{ dtype: DType }>({
  name: "convert",
  infer: ([x], { dtype }) => ({ shape: x!.shape, dtype }),
  lowering: { kind: "elementwise", expr: ([a], { params }) => ir.convert(a!, params.dtype) },
  vjp: (g, [x]) => (isFloat(x!.dtype) ? [o.asType(g, x!.dtype)] : [null]),
});

/** Broadcasts to `shape` (right-aligned, NumPy rules). Its derivative sums back down. */
export const broadcast = definePrimitive<{ shape: readonly number[] }>({
  name: "broadcast",
  infer: ([x], { shape }) => {
    const target = checkShape(shape, "broadcast");
    const b = broadcastShapes("broadcast", x!.shape, x!.dtype, target, x!.dtype);
    if (!shapesEqual(b, target)) {
      throw new RangeError(
        `broadcast: cannot broadcast ${formatType(x!.shape, x!.dtype)} to ${formatType(target, x!.dtype)}`,
      );
    }
    return { shape: target, dtype: x!.dtype };
  },
  lowering: { kind: "elementwise", expr: ([a]) => a! },
  vjp: (g) => [g],
});
