/** Elementwise ONNX ops: arithmetic, math functions, activations, comparisons, logic, casts. */
import * as nx from "@dendrite/tensor";
import { defineOp, type OpContext } from "../context.js";
import { requireDType } from "../tensors.js";

const isFloat = (t: nx.Tensor) => nx.isFloat(t.dtype);
const unary = (f: (x: nx.Tensor, ctx: OpContext) => nx.Tensor) => (ctx: OpContext) => {
  return ([x]: readonly (nx.Tensor | undefined)[]) => f(x!, ctx);
};
const binary = (f: (a: nx.Tensor, b: nx.Tensor) => nx.Tensor) => () => {
  return ([a, b]: readonly (nx.Tensor | undefined)[]) => f(a!, b!);
};
/** A float result of an op on a float input, in the input's own float type. */
const same = (x: nx.Tensor, y: nx.Tensor) => (y.dtype === x.dtype ? y : nx.asType(y, x.dtype));

defineOp("Add", binary(nx.add));
defineOp("Sub", binary(nx.subtract));
defineOp("Mul", binary(nx.multiply));
defineOp(
  "Div",
  binary((a, b) => (isFloat(a) ? nx.divide(a, b) : nx.asType(nx.trunc(nx.divide(a, b)), a.dtype))),
);
defineOp(
  "Pow",
  binary((a, b) =>
    isFloat(a) ? nx.pow(a, nx.asType(b, a.dtype)) : nx.pow(a, nx.asType(b, a.dtype)),
  ),
);
defineOp("Mod", (ctx) => {
  const fmod = ctx.int("fmod", 0) === 1;
  return ([a, b]) => {
    const r = nx.remainder(a!, b!);
    if (fmod) return r;
    // The sign of the divisor (Python's %): add b where r and b have opposite signs.
    const fix = nx.logicalAnd(nx.notEqual(r, 0), nx.notEqual(nx.less(r, 0), nx.less(b!, 0)));
    return nx.select(fix, nx.add(r, b!), r);
  };
});
const variadic = (f: (a: nx.Tensor, b: nx.Tensor) => nx.Tensor) => () => {
  return (xs: readonly (nx.Tensor | undefined)[]) => {
    const given = xs.filter((x): x is nx.Tensor => x !== undefined);
    return given.slice(1).reduce(f, given[0]!);
  };
};
defineOp("Max", variadic(nx.maximum));
defineOp("Min", variadic(nx.minimum));
defineOp("Sum", variadic(nx.add));
defineOp("Mean", () => (xs) => {
  const given = xs.filter((x): x is nx.Tensor => x !== undefined);
  const s = given.slice(1).reduce(nx.add, given[0]!);
  return same(s, nx.divide(s, given.length));
});

defineOp("Neg", unary(nx.negate));
defineOp("Abs", unary(nx.abs));
defineOp("Sign", unary(nx.sign));
defineOp("Exp", unary(nx.exp));
// A one-argument call: nx.log takes an optional base second.
defineOp(
  "Log",
  unary((x) => nx.log(x)),
);
defineOp("Sqrt", unary(nx.sqrt));
defineOp(
  "Reciprocal",
  unary((x) => same(x, nx.divide(1, x))),
);
defineOp("Floor", unary(nx.floor));
defineOp("Ceil", unary(nx.ceil));
defineOp(
  "Round",
  unary((x) => {
    // Halves to even: nx.round takes them away from zero.
    const r = nx.round(x);
    const half = nx.equal(nx.abs(nx.subtract(x, nx.trunc(x))), 0.5);
    return nx.select(half, nx.multiply(nx.round(nx.divide(x, 2)), 2), r);
  }),
);
defineOp("Sin", unary(nx.sin));
defineOp("Cos", unary(nx.cos));
defineOp("Tan", unary(nx.tan));
defineOp("Tanh", unary(nx.tanh));
defineOp("Sinh", unary(nx.sinh));
defineOp("Cosh", unary(nx.cosh));
defineOp("Asinh", unary(nx.asinh));
defineOp("Acosh", unary(nx.acosh));
defineOp("Atanh", unary(nx.atanh));
defineOp("Atan", unary(nx.atan));
defineOp("Asin", unary(nx.asin));
defineOp("Acos", unary(nx.acos));
defineOp("Erf", unary(nx.erf));
defineOp("Sigmoid", unary(nx.sigmoid));
defineOp(
  "Relu",
  unary((x) => nx.maximum(x, 0)),
);
defineOp("LeakyRelu", (ctx) => {
  const alpha = ctx.float("alpha", 0.01);
  return ([x]) => nx.select(nx.less(x!, 0), nx.multiply(x!, alpha), x!);
});
defineOp(
  "PRelu",
  () =>
    ([x, slope]) =>
      nx.select(nx.less(x!, 0), nx.multiply(x!, slope!), x!),
);
defineOp("Elu", (ctx) => {
  const alpha = ctx.float("alpha", 1);
  return ([x]) => nx.select(nx.less(x!, 0), nx.multiply(nx.expm1(x!), alpha), x!);
});
defineOp("Celu", (ctx) => {
  const alpha = ctx.float("alpha", 1);
  return ([x]) =>
    nx.add(nx.maximum(x!, 0), nx.minimum(0, nx.multiply(nx.expm1(nx.divide(x!, alpha)), alpha)));
});
defineOp("Selu", (ctx) => {
  const alpha = ctx.float("alpha", 1.67326319217681884765625);
  const gamma = ctx.float("gamma", 1.05070102214813232421875);
  return ([x]) =>
    nx.multiply(nx.select(nx.less(x!, 0), nx.multiply(nx.expm1(x!), alpha), x!), gamma);
});
defineOp("HardSigmoid", (ctx) => {
  const alpha = ctx.float("alpha", 0.2);
  const beta = ctx.float("beta", 0.5);
  return ([x]) => nx.clip(nx.add(nx.multiply(x!, alpha), beta), 0, 1);
});
defineOp(
  "HardSwish",
  unary((x) => nx.multiply(x, nx.clip(nx.add(nx.divide(x, 6), 0.5), 0, 1))),
);
defineOp(
  "Softplus",
  unary((x) => nx.add(nx.maximum(x, 0), nx.log1p(nx.exp(nx.negate(nx.abs(x)))))),
);
defineOp(
  "Softsign",
  unary((x) => nx.divide(x, nx.add(nx.abs(x), 1))),
);
defineOp(
  "Mish",
  unary((x) =>
    nx.multiply(x, nx.tanh(nx.add(nx.maximum(x, 0), nx.log1p(nx.exp(nx.negate(nx.abs(x))))))),
  ),
);
defineOp("Swish", (ctx) => {
  const alpha = ctx.float("alpha", 1);
  return ([x]) => nx.multiply(x!, nx.sigmoid(nx.multiply(x!, alpha)));
});
defineOp("ThresholdedRelu", (ctx) => {
  const alpha = ctx.float("alpha", 1);
  return ([x]) => nx.select(nx.greater(x!, alpha), x!, nx.zerosLike(x!));
});
defineOp("Gelu", (ctx) => {
  const approx = ctx.string("approximate", "none");
  if (approx !== "none" && approx !== "tanh")
    throw ctx.error(`approximate must be "none" or "tanh", got "${approx}"`);
  return ([x]) => {
    const inner =
      approx === "tanh"
        ? nx.add(
            1,
            nx.tanh(
              nx.multiply(nx.add(x!, nx.multiply(nx.pow(x!, 3), 0.044715)), Math.sqrt(2 / Math.PI)),
            ),
          )
        : nx.add(1, nx.erf(nx.multiply(x!, Math.SQRT1_2)));
    return nx.multiply(nx.multiply(x!, inner), 0.5);
  };
});
defineOp("Shrink", (ctx) => {
  const bias = ctx.float("bias", 0);
  const lambd = ctx.float("lambd", 0.5);
  return ([x]) =>
    nx.select(
      nx.less(x!, -lambd),
      nx.add(x!, bias),
      nx.select(nx.greater(x!, lambd), nx.subtract(x!, bias), nx.zerosLike(x!)),
    );
});
defineOp("Clip", (ctx) => {
  // Opset < 11: min and max are attributes; later, optional inputs.
  const lo = ctx.float("min");
  const hi = ctx.float("max");
  return ([x, min, max]) => {
    let y = x!;
    const a = min ?? lo;
    const b = max ?? hi;
    if (a !== undefined) y = nx.maximum(y, a);
    if (b !== undefined) y = nx.minimum(y, b);
    return y.dtype === x!.dtype ? y : nx.asType(y, x!.dtype);
  };
});

defineOp("IsNaN", unary(nx.isNan));
defineOp("IsInf", (ctx) => {
  const pos = ctx.int("detect_positive", 1) === 1;
  const neg = ctx.int("detect_negative", 1) === 1;
  return ([x]) =>
    nx.logicalAnd(
      nx.isInfinite(x!),
      pos && neg ? 1 : pos ? nx.greater(x!, 0) : neg ? nx.less(x!, 0) : 0,
    );
});
defineOp("Not", unary(nx.logicalNot));
defineOp("And", binary(nx.logicalAnd));
defineOp("Or", binary(nx.logicalOr));
defineOp(
  "Xor",
  binary((a, b) => nx.notEqual(nx.notEqual(a, 0), nx.notEqual(b, 0))),
);
defineOp("BitwiseAnd", binary(nx.bitwiseAnd));
defineOp("BitwiseOr", binary(nx.bitwiseOr));
defineOp("BitwiseXor", binary(nx.bitwiseXor));
defineOp("BitwiseNot", unary(nx.bitwiseNot));
defineOp("BitShift", (ctx) => {
  const direction = ctx.string("direction");
  if (direction !== "LEFT" && direction !== "RIGHT")
    throw ctx.error(`direction must be "LEFT" or "RIGHT", got ${JSON.stringify(direction)}`);
  const shift = direction === "LEFT" ? nx.leftShift : nx.rightShift;
  return ([x, count]) => shift(x!, count!);
});
defineOp("Equal", binary(nx.equal));
defineOp("Less", binary(nx.less));
defineOp("LessOrEqual", binary(nx.lessEqual));
defineOp("Greater", binary(nx.greater));
defineOp("GreaterOrEqual", binary(nx.greaterEqual));
defineOp(
  "Where",
  () =>
    ([c, a, b]) =>
      nx.select(c!, a!, b!),
);
defineOp(
  "Identity",
  unary((x) => x),
);

/** ONNX's Cast: to an integer type from a float truncates; to bool is "non-zero". */
function castTo(x: nx.Tensor, to: number, dtype: nx.DType): nx.Tensor {
  if (to === 9) return nx.notEqual(x, 0);
  if (dtype === x.dtype) return x;
  if (dtype === "u8" && nx.isFloat(x.dtype)) return nx.asType(nx.trunc(x), dtype);
  return nx.asType(x, dtype);
}
defineOp("Cast", (ctx) => {
  const to = ctx.int("to");
  if (to === undefined) throw ctx.error(`attribute "to" is required`);
  const dtype = requireDType(to, `its target type`);
  return ([x]) => castTo(x!, to, dtype);
});
defineOp(
  "CastLike",
  () =>
    ([x, like]) =>
      like!.dtype === x!.dtype ? x! : nx.asType(x!, like!.dtype),
);
