// Element types: the promotion table of src/dtype.ts, weak JS numbers, the float results of
// divide and the transcendental ops, u8 comparisons, widened sums, conversions and integer wrapping.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";

// The table the module comment of src/dtype.ts describes: same type → itself; float with integer →
// the float; two floats → the wider (f16, bf16 < f32 < f64), f16 with bf16 → f32; integers → the
// wider (u8 < s32, u8 < u32), s32 with u32 → s32. The float rows are Nx.Type.merge's
// ({:f, 16} with {:bf, 16} is {:f, 32}; {:s, 32} with {:f, 16} is {:f, 16}).
// s64 is the widest integer ({:s, 64} with {:u, 32} is {:s, 64}) and gives way to any float.
type Real = Exclude<nx.DType, nx.ComplexDType>;
const ROWS: Real[] = ["f32", "f64", "s32", "u32", "u8", "f16", "bf16", "s64"];
const TABLE: Record<Real, Record<Real, nx.DType>> = {
  f32: {
    f32: "f32",
    f64: "f64",
    s32: "f32",
    u32: "f32",
    u8: "f32",
    f16: "f32",
    bf16: "f32",
    s64: "f32",
  },
  f64: {
    f32: "f64",
    f64: "f64",
    s32: "f64",
    u32: "f64",
    u8: "f64",
    f16: "f64",
    bf16: "f64",
    s64: "f64",
  },
  s32: {
    f32: "f32",
    f64: "f64",
    s32: "s32",
    u32: "s32",
    u8: "s32",
    f16: "f16",
    bf16: "bf16",
    s64: "s64",
  },
  u32: {
    f32: "f32",
    f64: "f64",
    s32: "s32",
    u32: "u32",
    u8: "u32",
    f16: "f16",
    bf16: "bf16",
    s64: "s64",
  },
  u8: {
    f32: "f32",
    f64: "f64",
    s32: "s32",
    u32: "u32",
    u8: "u8",
    f16: "f16",
    bf16: "bf16",
    s64: "s64",
  },
  f16: {
    f32: "f32",
    f64: "f64",
    s32: "f16",
    u32: "f16",
    u8: "f16",
    f16: "f16",
    bf16: "f32",
    s64: "f16",
  },
  bf16: {
    f32: "f32",
    f64: "f64",
    s32: "bf16",
    u32: "bf16",
    u8: "bf16",
    f16: "f32",
    bf16: "bf16",
    s64: "bf16",
  },
  s64: {
    f32: "f32",
    f64: "f64",
    s32: "s64",
    u32: "s64",
    u8: "s64",
    f16: "f16",
    bf16: "bf16",
    s64: "s64",
  },
};

const t = (values: number[], dtype: nx.DType) => nx.tensor(values, { dtype });

describe("promotion table", () => {
  it("DTYPES lists every dtype", () => {
    assert.deepEqual([...nx.DTYPES].sort(), [...ROWS, "c64", "c128"].sort());
  });

  it("complex with anything is complex, c128 where f64 or c128 takes part (as Nx)", () => {
    for (const a of ROWS) {
      assert.equal(nx.promoteTypes("c64", a), a === "f64" ? "c128" : "c64");
      assert.equal(nx.promoteTypes(a, "c128"), "c128");
    }
    assert.equal(nx.promoteTypes("c64", "c128"), "c128");
    assert.equal(nx.add(nx.complex([1], [2]), t([1], "f64")).dtype, "c128");
  });

  for (const a of ROWS) {
    for (const b of ROWS) {
      const want = TABLE[a][b];
      it(`${a} with ${b} is ${want}`, () => {
        assert.equal(nx.promoteTypes(a, b), want);
        // Binary ops use the same rule, and the values survive the conversion.
        const sum = nx.add(t([1, 2], a), t([3, 4], b));
        assert.equal(sum.dtype, want);
        assert.deepEqual(sum.toArray(), [4, 6]);
        assert.equal(nx.subtract(t([5], a), t([3], b)).dtype, want);
        assert.equal(nx.multiply(t([5], a), t([3], b)).dtype, want);
        assert.equal(nx.maximum(t([5], a), t([3], b)).dtype, want);
        assert.equal(nx.select(1, t([5], a), t([3], b)).dtype, want);
        assert.equal(nx.concatenate([t([5], a), t([3], b)]).dtype, want);
      });
    }
  }

  it("is symmetric", () => {
    for (const a of ROWS)
      for (const b of ROWS) assert.equal(nx.promoteTypes(a, b), nx.promoteTypes(b, a));
  });

  it("converts before the op (u8 + s32 does not wrap at 256)", () => {
    const r = nx.add(t([200], "u8"), t([100], "s32"));
    assert.equal(r.dtype, "s32");
    assert.deepEqual(r.toArray(), [300]);
  });
});

describe("weak JS numbers", () => {
  it("an integer number takes the tensor's type", () => {
    for (const dtype of ROWS) {
      const r = nx.add(t([1, 2], dtype), 1);
      assert.equal(r.dtype, dtype, dtype);
      assert.deepEqual(r.toArray(), [2, 3]);
      assert.equal(nx.multiply(2, t([1], dtype)).dtype, dtype);
    }
  });

  it("s32 tensor + 1 stays s32, + 1.5 gives f32", () => {
    const x = t([1, 2], "s32");
    const a = nx.add(x, 1);
    assert.equal(a.dtype, "s32");
    assert.deepEqual(a.toArray(), [2, 3]);
    const b = nx.add(x, 1.5);
    assert.equal(b.dtype, "f32");
    assert.deepEqual(b.toArray(), [2.5, 3.5]);
    assert.equal(nx.add(1.5, x).dtype, "f32");
    assert.equal(nx.add(t([1], "u8"), 0.5).dtype, "f32");
    assert.equal(nx.add(t([1], "u32"), 0.5).dtype, "f32");
  });

  it("a non-integer number keeps a float tensor's type", () => {
    assert.equal(nx.add(t([1], "f64"), 1.5).dtype, "f64");
    assert.equal(nx.add(t([1], "f32"), 1.5).dtype, "f32");
    // f64 keeps the full value of the number, f32 rounds it.
    assert.deepEqual(nx.add(t([0], "f64"), 0.1).toArray(), [0.1]);
    assert.deepEqual(nx.add(t([0], "f32"), 0.1).toArray(), [Math.fround(0.1)]);
  });

  it("two numbers give f32", () => {
    const r = nx.add(1, 2);
    assert.equal(r.dtype, "f32");
    assert.equal(r.rank, 0);
    assert.equal(r.toNumber(), 3);
  });

  it("comparisons with numbers use the tensor's type", () => {
    // 2.5 makes the comparison f32, so 2 < 2.5 holds (and is not truncated to 2 < 2).
    assert.deepEqual(nx.less(t([2, 3], "s32"), 2.5).toArray(), [1, 0]);
  });
});

describe("float results", () => {
  it("divide of integers gives f32", () => {
    for (const dtype of ["s32", "u32", "u8"] as const) {
      const r = nx.divide(t([1, 3], dtype), t([2, 2], dtype));
      assert.equal(r.dtype, "f32", dtype);
      assert.deepEqual(r.toArray(), [0.5, 1.5]);
    }
    assert.equal(nx.divide(t([1], "s32"), 2).dtype, "f32");
    assert.equal(nx.divide(t([1], "f64"), t([2], "s32")).dtype, "f64");
    assert.equal(nx.divide(t([1], "f64"), 2).dtype, "f64");
  });

  it("exp and the other transcendental ops of integers give f32", () => {
    const ops = [
      nx.exp,
      nx.expm1,
      nx.log,
      nx.log1p,
      nx.sqrt,
      nx.rsqrt,
      nx.sin,
      nx.cos,
      nx.tan,
      nx.tanh,
      nx.sigmoid,
      nx.erf,
    ];
    for (const op of ops) {
      for (const dtype of ["s32", "u32", "u8"] as const)
        assert.equal(op(t([1], dtype)).dtype, "f32", `${op.name} ${dtype}`);
      assert.equal(op(t([1], "f64")).dtype, "f64", op.name);
      assert.equal(op(t([1], "f32")).dtype, "f32", op.name);
      assert.equal(op(1).dtype, "f32", op.name);
    }
    assert.deepEqual(nx.exp(t([0, 1], "s32")).toArray(), [1, Math.fround(Math.E)]);
  });

  it("mean, variance and logsumexp of integers give f32", () => {
    assert.equal(nx.mean(t([1, 2], "s32")).dtype, "f32");
    assert.equal(nx.mean(t([1, 2], "s32")).toNumber(), 1.5);
    assert.equal(nx.variance(t([1, 2], "u8")).dtype, "f32");
    assert.equal(nx.logsumexp(t([1, 2], "u32")).dtype, "f32");
    assert.equal(nx.mean(t([1, 2], "f64")).dtype, "f64");
  });

  it("floor, ceil and round keep integer types", () => {
    for (const op of [nx.floor, nx.ceil, nx.round, nx.trunc]) {
      const x = t([3], "s32");
      assert.equal(op(x), x);
    }
  });
});

describe("u8 results and widened sums", () => {
  it("comparisons and logic give u8", () => {
    const ops = [
      nx.equal,
      nx.notEqual,
      nx.less,
      nx.lessEqual,
      nx.greater,
      nx.greaterEqual,
      nx.logicalAnd,
      nx.logicalOr,
    ];
    for (const op of ops) {
      for (const dtype of ROWS)
        assert.equal(op(t([1, 2], dtype), t([2, 2], dtype)).dtype, "u8", `${op.name} ${dtype}`);
      assert.equal(op(t([1], "f64"), t([1], "s32")).dtype, "u8");
    }
    for (const op of [nx.logicalNot, nx.isNan, nx.isInfinite]) {
      for (const dtype of ROWS) assert.equal(op(t([1], dtype)).dtype, "u8", `${op.name} ${dtype}`);
    }
  });

  it("sum, product and cumulativeSum of u8 give u32", () => {
    const x = t([200, 100, 255], "u8");
    // numpy.sum(numpy.array([200, 100, 255], dtype=numpy.uint8), dtype=numpy.uint32) -> 555
    const s = nx.sum(x);
    assert.equal(s.dtype, "u32");
    assert.equal(s.toNumber(), 555);
    const p = nx.product(t([200, 100], "u8"));
    assert.equal(p.dtype, "u32");
    assert.equal(p.toNumber(), 20000);
    // numpy.cumsum(numpy.array([200, 100, 255], dtype=numpy.uint8), dtype=numpy.uint32) -> [200, 300, 555]
    const c = nx.cumulativeSum(x);
    assert.equal(c.dtype, "u32");
    assert.deepEqual(c.toArray(), [200, 300, 555]);
  });

  it("sum keeps other types", () => {
    for (const dtype of ["f32", "f64", "s32", "u32"] as const)
      assert.equal(nx.sum(t([1, 2], dtype)).dtype, dtype);
  });

  it("argmax, argmin and argsort give s32", () => {
    assert.equal(nx.argmax(t([1, 2], "f64")).dtype, "s32");
    assert.equal(nx.argmin(t([1, 2], "u8")).dtype, "s32");
    assert.equal(nx.argsort(t([1, 2], "f32")).dtype, "s32");
  });
});

describe("asType", () => {
  it("truncates floats toward zero", () => {
    // numpy.array([-2.7, -0.5, 0.5, 2.7, -1e-30], dtype=numpy.float32).astype(numpy.int32) -> [-2, 0, 0, 2, 0]
    const r = nx.asType(nx.tensor([-2.7, -0.5, 0.5, 2.7, -1e-30]), "s32");
    assert.equal(r.dtype, "s32");
    assert.deepEqual(r.toArray(), [-2, 0, 0, 2, 0]);
    assert.deepEqual(nx.asType(nx.tensor([1.9, 254.9]), "u8").toArray(), [1, 254]);
    assert.deepEqual(nx.asType(nx.tensor([3.99], { dtype: "f64" }), "u32").toArray(), [3]);
  });

  it("wraps integers", () => {
    // numpy.array([-1, 256, 257], dtype=numpy.int32).astype(numpy.uint8) -> [255, 0, 1]
    assert.deepEqual(nx.asType(t([-1, 256, 257], "s32"), "u8").toArray(), [255, 0, 1]);
    // numpy.array([-1], dtype=numpy.int32).astype(numpy.uint32) -> [4294967295]
    assert.deepEqual(nx.asType(t([-1], "s32"), "u32").toArray(), [4294967295]);
    // numpy.array([4294967295, 2147483648], dtype=numpy.uint32).astype(numpy.int32) -> [-1, -2147483648]
    assert.deepEqual(
      nx.asType(t([4294967295, 2147483648], "u32"), "s32").toArray(),
      [-1, -2147483648],
    );
  });

  it("widens exactly and rounds to f32", () => {
    assert.deepEqual(nx.asType(t([255], "u8"), "s32").toArray(), [255]);
    assert.deepEqual(nx.asType(t([16777217], "s32"), "f32").toArray(), [16777216]);
    assert.deepEqual(nx.asType(t([16777217], "s32"), "f64").toArray(), [16777217]);
    assert.deepEqual(nx.asType(nx.tensor([0.1], { dtype: "f64" }), "f32").toArray(), [
      Math.fround(0.1),
    ]);
  });

  it("returns the tensor itself when the type already matches", () => {
    const x = t([1], "u32");
    assert.equal(nx.asType(x, "u32"), x);
  });

  it("makes a scalar tensor from a number", () => {
    const r = nx.asType(2.7, "s32");
    assert.equal(r.dtype, "s32");
    assert.equal(r.toNumber(), 2);
  });

  it("refuses unknown dtypes", () => {
    assert.throws(() => nx.asType(t([1], "f32"), "i64" as nx.DType), {
      name: "TypeError",
      message:
        'asType: unknown dtype "i64"; expected one of f32, f64, s32, u32, u8, f16, bf16, s64, c64, c128',
    });
  });
});

describe("integer overflow wraps", () => {
  it("s32 multiply uses 32-bit semantics", () => {
    // numpy.array([100000, 46341, 2147483647, -2147483648], dtype=numpy.int32)
    //   * numpy.array([100000, 46341, 2147483647, -1], dtype=numpy.int32)
    //   -> [1410065408, -2147479015, 1, -2147483648]
    // (2147483647² needs 62 bits: a float64 product would round before wrapping.)
    const r = nx.multiply(
      t([100000, 46341, 2147483647, -2147483648], "s32"),
      t([100000, 46341, 2147483647, -1], "s32"),
    );
    assert.equal(r.dtype, "s32");
    assert.deepEqual(r.toArray(), [1410065408, -2147479015, 1, -2147483648]);
  });

  it("u32 multiply uses 32-bit semantics", () => {
    // numpy.array([4294967295, 65537], dtype=numpy.uint32) ** 2 (as a product) -> [1, 131073]
    const x = t([4294967295, 65537], "u32");
    assert.deepEqual(nx.multiply(x, x).toArray(), [1, 131073]);
  });

  it("add and subtract wrap", () => {
    // numpy.array([2147483647], dtype=numpy.int32) + numpy.int32(1) -> [-2147483648]
    assert.deepEqual(nx.add(t([2147483647], "s32"), 1).toArray(), [-2147483648]);
    // numpy.array([4294967295], dtype=numpy.uint32) + numpy.uint32(1) -> [0]
    assert.deepEqual(nx.add(t([4294967295], "u32"), 1).toArray(), [0]);
    // numpy.array([250], dtype=numpy.uint8) + numpy.uint8(10) -> [4]
    assert.deepEqual(nx.add(t([250], "u8"), 10).toArray(), [4]);
    // numpy.array([0], dtype=numpy.uint8) - numpy.uint8(1) -> [255]
    assert.deepEqual(nx.subtract(t([0], "u8"), 1).toArray(), [255]);
    // numpy.array([200], dtype=numpy.uint8) * numpy.uint8(2) -> [144]
    assert.deepEqual(nx.multiply(t([200], "u8"), 2).toArray(), [144]);
  });

  it("negate and abs wrap", () => {
    // -numpy.array([1, 0], dtype=numpy.uint8) -> [255, 0]
    assert.deepEqual(nx.negate(t([1, 0], "u8")).toArray(), [255, 0]);
    // numpy.abs(numpy.array([-2147483648], dtype=numpy.int32)) -> [-2147483648]
    assert.deepEqual(nx.abs(t([-2147483648], "s32")).toArray(), [-2147483648]);
  });

  it("pow of s32 wraps", () => {
    // numpy.array([2, 3, -3], dtype=numpy.int32) ** numpy.array([31, 20, 21], dtype=numpy.int32)
    //   -> [-2147483648, -808182895, -1870418611]
    const r = nx.pow(t([2, 3, -3], "s32"), t([31, 20, 21], "s32"));
    assert.equal(r.dtype, "s32");
    assert.deepEqual(r.toArray(), [-2147483648, -808182895, -1870418611]);
  });

  it("product of s32 wraps like 32-bit multiplication", () => {
    // numpy.prod(numpy.array([100003, 100019, 100043, 100049], dtype=numpy.int32), dtype=numpy.int32)
    //   -> -376892957 (the exact product needs 67 bits)
    const x = t([100003, 100019, 100043, 100049], "s32");
    assert.equal(nx.product(x).toNumber(), -376892957);
    // The same along a non-last axis (the other reduction loop).
    const col = nx.reshape(x, [4, 1]);
    assert.deepEqual(
      nx.product(nx.concatenate([col, col], { axis: 1 }), { axes: 0 }).toArray(),
      [-376892957, -376892957],
    );
  });

  it("wraps the same way inside jit (fused loops)", () => {
    const f = nx.jit((a: nx.Tensor, b: nx.Tensor) => nx.add(nx.multiply(a, b), 1));
    const a = t([2147483647, 100000], "s32");
    const b = t([2147483647, 100000], "s32");
    assert.deepEqual(f(a, b).toArray(), nx.add(nx.multiply(a, b), 1).toArray());
    assert.deepEqual(f(a, b).toArray(), [2, 1410065409]);
    // The u8 intermediate x + 10 wraps before the comparison: 250 + 10 is 4, not 260.
    const g = nx.jit((x: nx.Tensor) => nx.greater(nx.add(x, 10), 100));
    const x = t([250, 95], "u8");
    assert.deepEqual(g(x).toArray(), [0, 1]);
    assert.deepEqual(nx.greater(nx.add(x, 10), 100).toArray(), [0, 1]);
  });
});
