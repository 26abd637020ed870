/**
 * Complex tensors (c64, c128): creation from parts, the parts, and the arithmetic that mixes them
 * (multiply, divide, exp, abs), written on the pair views of primitives/complex.ts with the real
 * primitives, so that they trace, fuse and differentiate as real code does. Add, subtract, negate,
 * the shape ops and sum need nothing here: `bind` applies them to the pair views (core.ts). This
 * module binds primitives only (the elementwise ops call it, so it cannot call them).
 */
import { bind } from "../core.js";
import {
  complexPart,
  complexType,
  floatType,
  isComplex,
  isFloat,
  promoteTypes,
  type ComplexDType,
  type DType,
} from "../dtype.js";
import { describeValue } from "../describe.js";
import * as c from "../primitives/complex.js";
import * as e from "../primitives/elementwise.js";
import * as s from "../primitives/shape.js";
import { broadcastShapes, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { scalar, tensor, type NestedArray } from "./creation.js";

/** What `complex` takes for each part: a tensor, a number or nested arrays of numbers. */
export type PartLike = Tensor | NestedArray;

function checkComplex(op: string, z: unknown): asserts z is Tensor {
  if (!(z instanceof Tensor) || !isComplex(z.dtype))
    throw new TypeError(`${op}: expected a complex tensor (c64 or c128), got ${describeValue(z)}`);
}

function checkPart(op: string, x: unknown, what: string): Tensor {
  if (x instanceof Tensor) {
    if (isComplex(x.dtype))
      throw new TypeError(`${op}: ${what} must be real, got ${describeValue(x)}`);
    return x;
  }
  if (typeof x !== "number" && typeof x !== "boolean" && !Array.isArray(x))
    throw new TypeError(
      `${op}: ${what} must be a Tensor, a number or nested arrays of numbers, got ${describeValue(x)}`,
    );
  return tensor(x as NestedArray);
}

/**
 * c64[...] as f32[..., 2] (c128 as f64[..., 2]): the real and imaginary part of each element side
 * by side, in the same memory (no copy). Its inverse is {@link viewAsComplex}.
 */
export function viewAsReal(z: Tensor): Tensor {
  checkComplex("viewAsReal", z);
  return bind(c.viewAsReal, [z]);
}

/**
 * f32[..., 2] as c64[...] (f64[..., 2] as c128): pairs (real, imaginary) as complex elements, in
 * the same memory (no copy). Its inverse is {@link viewAsReal}.
 */
export function viewAsComplex(x: Tensor): Tensor {
  if (!(x instanceof Tensor) || !isFloat(x.dtype) || x.rank === 0 || x.shape[x.rank - 1] !== 2)
    throw new TypeError(
      `viewAsComplex: expected an f32 or f64 tensor whose last axis is 2, got ${describeValue(x)}`,
    );
  return bind(c.viewAsComplex, [x]);
}

/** Part `k` (0 real, 1 imaginary) of a complex tensor, as a real tensor of its shape. */
function part(z: Tensor, k: 0 | 1): Tensor {
  const pairs = bind(c.viewAsReal, [z]);
  const rank = z.rank;
  const one = bind(s.slice, [pairs], {
    starts: [...new Array<number>(rank).fill(0), k],
    sizes: [...z.shape, 1],
    steps: new Array<number>(rank + 1).fill(1),
  });
  return bind(s.reshape, [one], { shape: z.shape });
}

/** The complex tensor with parts `re` and `im` (real, of one float dtype and one shape). */
function fromParts(re: Tensor, im: Tensor): Tensor {
  const column = (x: Tensor) => bind(s.reshape, [x], { shape: [...x.shape, 1] });
  const pairs = bind(s.concatenate, [column(re), column(im)], { axis: re.rank });
  return bind(c.viewAsComplex, [pairs]);
}

/** `x` (real) as the complex type `dtype`, with imaginary part 0. */
function realToComplex(x: Tensor, dtype: ComplexDType): Tensor {
  const partType = complexPart(dtype);
  const re = x.dtype === partType ? x : bind(e.convert, [x], { dtype: partType });
  const column = bind(s.reshape, [re], { shape: [...x.shape, 1] });
  const config = [...x.shape.map(() => [0, 0, 0] as const), [0, 1, 0] as const];
  return bind(c.viewAsComplex, [bind(s.pad, [column], { value: 0, config })]);
}

/**
 * @internal `x` converted to `dtype` where one of the two is complex: a real tensor becomes
 * complex with imaginary part 0; a complex one becomes real by keeping its real part (as NumPy
 * and the array API standard do); between complex types the parts convert.
 */
export function castComplex(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  if (!isComplex(x.dtype)) return realToComplex(x, dtype as ComplexDType);
  if (isComplex(dtype)) return bind(e.convert, [x], { dtype });
  const re = part(x, 0);
  return re.dtype === dtype ? re : bind(e.convert, [re], { dtype });
}

/**
 * The complex tensor `re + i·im` (Nx.complex). The parts are tensors, numbers or nested arrays of
 * numbers; they broadcast together, and the result is c128 when either is f64, c64 otherwise.
 * @example complex([1, 2], [3, -4]) // c64[2] [1.0+3.0i, 2.0-4.0i]
 */
export function complex(re: PartLike, im: PartLike): Tensor {
  let a = checkPart("complex", re, "the real part");
  let b = checkPart("complex", im, "the imaginary part");
  const shape = broadcastShapes("complex", a.shape, a.dtype, b.shape, b.dtype);
  const partType = complexPart(complexType(floatType(promoteTypes(a.dtype, b.dtype))));
  const fit = (x: Tensor): Tensor => {
    const t = x.dtype === partType ? x : bind(e.convert, [x], { dtype: partType });
    return shapesEqual(t.shape, shape) ? t : bind(e.broadcast, [t], { shape });
  };
  a = fit(a);
  b = fit(b);
  return fromParts(a, b);
}

/** The real part of each element (Nx.real): f32 for c64, f64 for c128; a real tensor itself. */
export function real(z: Tensor): Tensor {
  checkTensor("real", z);
  return isComplex(z.dtype) ? part(z, 0) : z;
}

/**
 * The imaginary part of each element (Nx.imag): f32 for c64, f64 for c128; zeros of a real
 * tensor's float type for a real tensor.
 */
export function imag(z: Tensor): Tensor {
  checkTensor("imag", z);
  return part(isComplex(z.dtype) ? z : realToComplex(z, complexType(z.dtype)), 1);
}

/** The complex conjugate re − i·im of each element (Nx.conjugate); a real tensor itself. */
export function conjugate(z: Tensor): Tensor {
  checkTensor("conjugate", z);
  if (!isComplex(z.dtype)) return z;
  return fromParts(part(z, 0), bind(e.negate, [part(z, 1)]));
}

function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor))
    throw new TypeError(`${op}: expected a Tensor, got ${describeValue(x)}`);
}

const mul = (a: Tensor, b: Tensor) => bind(e.multiply, [a, b]);
const add = (a: Tensor, b: Tensor) => bind(e.add, [a, b]);
const sub = (a: Tensor, b: Tensor) => bind(e.subtract, [a, b]);
const div = (a: Tensor, b: Tensor) => bind(e.divide, [a, b]);

/**
 * @internal The complex form of a real bilinear `product` (elementwise or matrix) of two complex
 * tensors of one type: (ac − bd) + i(ad + bc) for a = a + ib, b = c + id.
 */
export function complexProduct(
  a: Tensor,
  b: Tensor,
  product: (x: Tensor, y: Tensor) => Tensor,
): Tensor {
  const [ar, ai, br, bi] = [part(a, 0), part(a, 1), part(b, 0), part(b, 1)];
  return fromParts(sub(product(ar, br), product(ai, bi)), add(product(ar, bi), product(ai, br)));
}

/** @internal a · b of two complex tensors of one type (they broadcast). */
export function complexMultiply(a: Tensor, b: Tensor): Tensor {
  return complexProduct(a, b, mul);
}

/**
 * @internal a / b of two complex tensors of one type (they broadcast):
 * ((ac + bd) + i(bc − ad)) / (c² + d²), in the part type (so |b| beyond about 1e19 overflows in c64).
 */
export function complexDivide(a: Tensor, b: Tensor): Tensor {
  const [ar, ai, br, bi] = [part(a, 0), part(a, 1), part(b, 0), part(b, 1)];
  const d = add(mul(br, br), mul(bi, bi));
  return fromParts(div(add(mul(ar, br), mul(ai, bi)), d), div(sub(mul(ai, br), mul(ar, bi)), d));
}

/** @internal e^z of a complex tensor: e^re · (cos im + i sin im). */
export function complexExp(z: Tensor): Tensor {
  const m = bind(e.exp, [part(z, 0)]);
  const im = part(z, 1);
  return fromParts(mul(m, bind(e.cos, [im])), mul(m, bind(e.sin, [im])));
}

/**
 * @internal |z| = √(re² + im²) of a complex tensor, in its part type. Its derivative at z = 0 is
 * taken as 0 (as PyTorch does), not the NaN of √ at 0.
 */
export function complexAbs(z: Tensor): Tensor {
  const [re, im] = [part(z, 0), part(z, 1)];
  const squared = add(mul(re, re), mul(im, im));
  const dtype = squared.dtype;
  const zero = bind(e.equal, [squared, scalar(0, dtype)]);
  const safe = bind(e.select, [zero, scalar(1, dtype), squared]);
  return bind(e.select, [zero, scalar(0, dtype), bind(e.sqrt, [safe])]);
}
