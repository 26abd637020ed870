/**
 * Elementwise primitives: one node of the expression IR (`compile/expr.ts`) per element, fused by
 * the compiler. Binary ones take inputs of one dtype (the ops layer promotes) and broadcast their
 * shapes as NumPy does.
 */
import type { DType } from "../dtype.js";
import { complexPart, isComplex, isFloat } from "../dtype.js";
import * as ir from "../compile/expr.js";
import type { BinaryOp, UnaryOp } from "../compile/expr.js";
import type {
  Aval,
  ComplexRule,
  DerivativeOps,
  NoDerivative,
  NoParams,
  Primitive,
  Vjp,
} from "../primitive.js";
import { definePrimitive, noDerivative } from "../primitive.js";
import { broadcastShapes, checkShape, shapesEqual } from "../shape.js";
import { formatType } from "../format.js";
import type { Tensor } from "../tensor.js";

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

/**
 * The complex rule of the elementwise primitives that act on a complex number as on its two parts
 * apart (add, subtract, negate, broadcast): the same params on the pair views.
 */
const PAIRWISE: { readonly complex: ComplexRule<NoParams> } = { complex: (params) => params };

function unary(
  name: string,
  op: UnaryOp,
  vjp: Vjp<unknown> | NoDerivative,
  pairwise = false,
): Primitive {
  return definePrimitive({
    name,
    infer: ([x]) => ({ shape: x!.shape, dtype: x!.dtype }),
    lowering: { kind: "elementwise", expr: ([a]) => ir.unary(op, a!) },
    vjp,
    ...(pairwise ? PAIRWISE : {}),
  });
}

function binary(
  name: string,
  op: BinaryOp,
  vjp: Vjp<unknown> | NoDerivative,
  outDtype?: DType,
  pairwise = false,
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
    ...(pairwise ? PAIRWISE : {}),
  });
}

export const add = binary("add", "add", (g) => [g, g], undefined, true);
export const subtract = binary(
  "subtract",
  "sub",
  (g, _inputs, _out, _params, nx) => [g, nx.negate(g)],
  undefined,
  true,
);
export const multiply = binary("multiply", "mul", (g, [a, b], _out, _params, nx) => [
  nx.multiply(g, b!),
  nx.multiply(g, a!),
]);
export const divide = binary("divide", "div", (g, [, b], out, _params, nx) => [
  nx.divide(g, b!),
  nx.negate(nx.divide(nx.multiply(g, out), b!)),
]);
export const pow = binary("pow", "pow", (g, [a, b], out, _params, nx) => [
  nx.multiply(g, nx.multiply(b!, nx.pow(a!, nx.subtract(b!, 1)))),
  // d/db a^b = a^b log a, taken as 0 where a = 0 (the limit for b > 0).
  nx.multiply(g, nx.select(nx.equal(a!, 0), 0, nx.multiply(out, nx.log(a!)))),
]);
export const remainder = binary("remainder", "rem", (g, [a, b], _out, _params, nx) => [
  g,
  nx.negate(nx.multiply(g, nx.trunc(nx.divide(a!, b!)))),
]);
/** atan2(y, x): the angle of the point (x, y), in (−π, π]. */
export const atan2 = binary("atan2", "atan2", (g, [y, x], _out, _params, nx) => {
  const r2 = nx.add(nx.multiply(x!, x!), nx.multiply(y!, y!));
  return [nx.divide(nx.multiply(g, x!), r2), nx.negate(nx.divide(nx.multiply(g, y!), r2))];
});
export const maximum = binary("maximum", "max", (g, [a, b], _out, _params, nx) => {
  const takeA = nx.greaterEqual(a!, b!);
  return [nx.select(takeA, g, 0), nx.select(takeA, 0, g)];
});
export const minimum = binary("minimum", "min", (g, [a, b], _out, _params, nx) => {
  const takeA = nx.lessEqual(a!, b!);
  return [nx.select(takeA, g, 0), nx.select(takeA, 0, g)];
});

export const negate = unary(
  "negate",
  "neg",
  (g, _inputs, _out, _params, nx) => [nx.negate(g)],
  true,
);
export const abs = unary("abs", "abs", (g, [x], _out, _params, nx) => [
  nx.multiply(g, nx.sign(x!)),
]);
export const sign = unary("sign", "sign", (g, _inputs, _out, _params, nx) => [nx.multiply(g, 0)]);
export const exp = unary("exp", "exp", (g, _x, out, _params, nx) => [nx.multiply(g, out)]);
export const expm1 = unary("expm1", "expm1", (g, _x, out, _params, nx) => [
  nx.multiply(g, nx.add(out, 1)),
]);
export const log = unary("log", "log", (g, [x], _out, _params, nx) => [nx.divide(g, x!)]);
export const log1p = unary("log1p", "log1p", (g, [x], _out, _params, nx) => [
  nx.divide(g, nx.add(x!, 1)),
]);
export const sqrt = unary("sqrt", "sqrt", (g, _x, out, _params, nx) => [
  nx.divide(nx.multiply(g, 0.5), out),
]);
export const rsqrt = unary("rsqrt", "rsqrt", (g, [x], out, _params, nx) => [
  nx.multiply(g, nx.divide(nx.multiply(out, -0.5), x!)),
]);
export const sin = unary("sin", "sin", (g, [x], _out, _params, nx) => [nx.multiply(g, nx.cos(x!))]);
export const cos = unary("cos", "cos", (g, [x], _out, _params, nx) => [
  nx.negate(nx.multiply(g, nx.sin(x!))),
]);
export const tan = unary("tan", "tan", (g, _x, out, _params, nx) => [
  nx.multiply(g, nx.add(nx.multiply(out, out), 1)),
]);
export const tanh = unary("tanh", "tanh", (g, _x, out, _params, nx) => [
  nx.multiply(g, nx.subtract(1, nx.multiply(out, out))),
]);
export const sigmoid = unary("sigmoid", "sigmoid", (g, _x, out, _params, nx) => [
  nx.multiply(g, nx.multiply(out, nx.subtract(1, out))),
]);
export const erf = unary("erf", "erf", (g, [x], _out, _params, nx) => [
  nx.multiply(g, nx.multiply(nx.exp(nx.negate(nx.multiply(x!, x!))), 2 / Math.sqrt(Math.PI))),
]);
/** erfc(x) = 1 − erf(x), accurate in the upper tail. */
export const erfc = unary("erfc", "erfc", (g, [x], _out, _params, nx) => [
  nx.multiply(g, nx.multiply(nx.exp(nx.negate(nx.multiply(x!, x!))), -2 / Math.sqrt(Math.PI))),
]);
/** The inverse of erf on (−1, 1). d/dx erfInv(x) = √π/2 · e^(erfInv(x)²). */
export const erfInv = unary("erfInv", "erfInv", (g, _x, out, _params, nx) => [
  nx.multiply(g, nx.multiply(nx.exp(nx.multiply(out, out)), Math.sqrt(Math.PI) / 2)),
]);
/** 1 − x², the derivative rules' common factor of the inverse sine, cosine and tanh. */
const oneMinusSquare = (nx: DerivativeOps, x: Tensor) => nx.subtract(1, nx.multiply(x, x));
export const asin = unary("asin", "asin", (g, [x], _out, _params, nx) => [
  nx.divide(g, nx.sqrt(oneMinusSquare(nx, x!))),
]);
export const acos = unary("acos", "acos", (g, [x], _out, _params, nx) => [
  nx.negate(nx.divide(g, nx.sqrt(oneMinusSquare(nx, x!)))),
]);
export const atan = unary("atan", "atan", (g, [x], _out, _params, nx) => [
  nx.divide(g, nx.add(nx.multiply(x!, x!), 1)),
]);
export const sinh = unary("sinh", "sinh", (g, [x], _out, _params, nx) => [
  nx.multiply(g, nx.cosh(x!)),
]);
export const cosh = unary("cosh", "cosh", (g, [x], _out, _params, nx) => [
  nx.multiply(g, nx.sinh(x!)),
]);
export const asinh = unary("asinh", "asinh", (g, [x], _out, _params, nx) => [
  nx.divide(g, nx.sqrt(nx.add(nx.multiply(x!, x!), 1))),
]);
/** d/dx acosh(x) = 1 / (√(x − 1) · √(x + 1)), which keeps x² − 1 from cancelling near 1. */
export const acosh = unary("acosh", "acosh", (g, [x], _out, _params, nx) => [
  nx.divide(g, nx.multiply(nx.sqrt(nx.subtract(x!, 1)), nx.sqrt(nx.add(x!, 1)))),
]);
export const atanh = unary("atanh", "atanh", (g, [x], _out, _params, nx) => [
  nx.divide(g, oneMinusSquare(nx, x!)),
]);
export const log2 = unary("log2", "log2", (g, [x], _out, _params, nx) => [
  nx.divide(g, nx.multiply(x!, Math.LN2)),
]);
export const log10 = unary("log10", "log10", (g, [x], _out, _params, nx) => [
  nx.divide(g, nx.multiply(x!, Math.LN10)),
]);
/** The real cube root (negative for negative x). d/dx ∛x = 1 / (3 ∛x²), infinite at 0. */
export const cbrt = unary("cbrt", "cbrt", (g, _x, out, _params, nx) => [
  nx.divide(g, nx.multiply(nx.multiply(out, out), 3)),
]);
export const floor = unary("floor", "floor", (g, _inputs, _out, _params, nx) => [
  nx.multiply(g, 0),
]);
export const ceil = unary("ceil", "ceil", (g, _inputs, _out, _params, nx) => [nx.multiply(g, 0)]);
/** Rounds half away from zero, as Nx does. */
export const round = unary("round", "round", (g, _inputs, _out, _params, nx) => [
  nx.multiply(g, 0),
]);
export const trunc = unary("trunc", "trunc", (g, _inputs, _out, _params, nx) => [
  nx.multiply(g, 0),
]);

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

const INTEGER_RESULT = noDerivative("it is defined on integers only");
/** Bitwise operations of integers (the ops layer refuses floats). */
export const bitwiseAnd = binary("bitwiseAnd", "bitAnd", INTEGER_RESULT);
export const bitwiseOr = binary("bitwiseOr", "bitOr", INTEGER_RESULT);
export const bitwiseXor = binary("bitwiseXor", "bitXor", INTEGER_RESULT);
export const bitwiseNot = unary("bitwiseNot", "bitNot", INTEGER_RESULT);
/** Shifts; counts of the bit width or more (or negative) shift every bit out (XLA's rule). */
export const leftShift = binary("leftShift", "shl", INTEGER_RESULT);
/** Arithmetic (sign-filling) for s32, logical for u32 and u8. */
export const rightShift = binary("rightShift", "shr", INTEGER_RESULT);

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
  vjp: (g, [p], _out, _params, nx) => [null, nx.select(p!, g, 0), nx.select(p!, 0, g)],
});

/** Converts to another dtype: floats to integers truncate toward zero; integers wrap. */
export const convert = definePrimitive<{ dtype: DType }>({
  name: "convert",
  infer: ([x], { dtype }) => ({ shape: x!.shape, dtype }),
  lowering: { kind: "elementwise", expr: ([a], { params }) => ir.convert(a!, params.dtype) },
  vjp: (g, [x], _out, _params, nx) => (isFloat(x!.dtype) ? [nx.asType(g, x!.dtype)] : [null]),
  // Between complex types it converts the parts (the ops layer converts to and from real types).
  complex: ({ dtype }) => {
    if (!isComplex(dtype))
      throw new TypeError(`internal: convert of a complex tensor to ${dtype}; take its real part`);
    return { dtype: complexPart(dtype) };
  },
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
  complex: ({ shape }) => ({ shape: [...shape, 2] }),
});
