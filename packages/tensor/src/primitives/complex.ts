/**
 * The two views between a complex tensor and its pairs of parts: c64[...] is f32[..., 2] (re, im)
 * in the same buffer, so both are aliases (no code, no copy). Every complex computation is built
 * on them: `bind` applies the primitives that have a complex rule to these views, and the complex
 * ops (ops/complex.ts) work on the parts.
 */
import { complexPart, complexType, isComplex } from "../dtype.js";
import { formatType } from "../format.js";
import { definePrimitive } from "../primitive.js";

/** c64[...] as f32[..., 2] (c128 as f64[..., 2]): each element's real and imaginary parts. */
export const viewAsReal = definePrimitive({
  name: "viewAsReal",
  infer: ([z]) => {
    if (!isComplex(z!.dtype))
      throw new TypeError(
        `viewAsReal: expected a complex tensor, got ${formatType(z!.shape, z!.dtype)}`,
      );
    return { shape: [...z!.shape, 2], dtype: complexPart(z!.dtype) };
  },
  lowering: { kind: "alias" },
  vjp: (g, _z, _out, _params, nx) => [nx.viewAsComplex(g)],
  complex: "native",
});

/** f32[..., 2] as c64[...] (f64[..., 2] as c128): pairs (re, im) as complex elements. */
export const viewAsComplex = definePrimitive({
  name: "viewAsComplex",
  infer: ([x]) => {
    const { shape, dtype } = x!;
    if ((dtype !== "f32" && dtype !== "f64") || shape[shape.length - 1] !== 2)
      throw new TypeError(
        `viewAsComplex: expected a float tensor whose last axis is 2, got ${formatType(shape, dtype)}`,
      );
    return { shape: shape.slice(0, -1), dtype: complexType(dtype) };
  },
  lowering: { kind: "alias" },
  vjp: (g, _x, _out, _params, nx) => [nx.viewAsReal(g)],
  complex: "native",
});
