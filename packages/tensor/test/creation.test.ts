// Creating tensors and reading them back: tensor(), the constant patterns, templates, raw bytes,
// the Tensor accessors, printing, methods and iteration, and the error messages of bad inputs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";

import * as nx from "../src/index.js";

const lines = (...ls: string[]) => ls.join("\n");

describe("tensor()", () => {
  it("makes an f32 scalar from a number", () => {
    const t = nx.tensor(3.5);
    assert.deepEqual(t.shape, []);
    assert.equal(t.dtype, "f32");
    assert.equal(t.rank, 0);
    assert.equal(t.size, 1);
    assert.equal(t.toArray(), 3.5);
    assert.equal(t.toNumber(), 3.5);
  });

  it("rounds numbers to the dtype (f32 by default)", () => {
    assert.equal(nx.tensor(0.1).toNumber(), Math.fround(0.1));
    assert.equal(nx.tensor(0.1, { dtype: "f64" }).toNumber(), 0.1);
  });

  it("infers the shape of nested arrays", () => {
    const t = nx.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.rank, 2);
    assert.equal(t.size, 6);
    assert.deepEqual(t.toArray(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(Array.from(t.data()), [1, 2, 3, 4, 5, 6]);
    const r3 = nx.tensor([
      [[1], [2]],
      [[3], [4]],
    ]);
    assert.deepEqual(r3.shape, [2, 2, 1]);
    assert.deepEqual(r3.toArray(), [
      [[1], [2]],
      [[3], [4]],
    ]);
  });

  it("handles empty arrays", () => {
    const t = nx.tensor([]);
    assert.deepEqual(t.shape, [0]);
    assert.equal(t.size, 0);
    assert.deepEqual(t.toArray(), []);
    const t2 = nx.tensor([[], []]);
    assert.deepEqual(t2.shape, [2, 0]);
    assert.deepEqual(t2.toArray(), [[], []]);
  });

  it("stores booleans as 1 and 0", () => {
    const t = nx.tensor([true, false, true]);
    assert.deepEqual(t.toArray(), [1, 0, 1]);
    assert.equal(t.dtype, "f32");
    assert.deepEqual(nx.tensor([[true], [false]], { dtype: "u8" }).toArray(), [[1], [0]]);
    assert.equal(nx.tensor(true, { dtype: "u8" }).toNumber(), 1);
  });

  it("takes the dtype of a typed array", () => {
    const cases: [nx.TypedArray, nx.DType][] = [
      [new Float32Array([1.5, 2]), "f32"],
      [new Float64Array([1.5, 2]), "f64"],
      [new Int32Array([-1, 2]), "s32"],
      [new Uint32Array([4294967295, 2]), "u32"],
      [new Uint8Array([255, 2]), "u8"],
      [new BigInt64Array([-(2n ** 62n), 2n]), "s64"],
    ];
    for (const [array, dtype] of cases) {
      const t = nx.tensor(array);
      assert.equal(t.dtype, dtype);
      assert.deepEqual(t.shape, [2]);
      assert.deepEqual(t.toBytes(), new Uint8Array(array.buffer));
    }
  });

  it("copies a typed array (later writes do not show)", () => {
    const a = new Float32Array([1, 2, 3]);
    const t = nx.tensor(a);
    a[0] = 100;
    assert.deepEqual(t.toArray(), [1, 2, 3]);
  });

  it("converts a typed array to the dtype option", () => {
    const t = nx.tensor(new Float32Array([1.7, -1.7]), { dtype: "s32" });
    assert.equal(t.dtype, "s32");
    assert.deepEqual(t.toArray(), [1, -1]);
  });

  it("honours the dtype option for JS values", () => {
    for (const dtype of nx.DTYPES) {
      const t = nx.tensor([1, 2], { dtype });
      assert.equal(t.dtype, dtype);
      // Numbers given a complex dtype are real parts.
      const complex = dtype === "c64" || dtype === "c128";
      assert.deepEqual(
        t.toArray(),
        complex
          ? [
              { re: 1, im: 0 },
              { re: 2, im: 0 },
            ]
          : [1, 2],
      );
    }
    assert.deepEqual(nx.tensor([1.9, -1.9], { dtype: "s32" }).toArray(), [1, -1]);
  });

  it("returns the same tensor, or a converted copy, for a tensor", () => {
    const t = nx.tensor([1.5, 2.5]);
    assert.equal(nx.tensor(t), t);
    assert.equal(nx.tensor(t, { dtype: "f32" }), t);
    const s = nx.tensor(t, { dtype: "s32" });
    assert.equal(s.dtype, "s32");
    assert.deepEqual(s.toArray(), [1, 2]);
  });
});

describe("constant patterns", () => {
  it("zeros, ones and full", () => {
    const z = nx.zeros([2, 3]);
    assert.equal(z.dtype, "f32");
    assert.deepEqual(z.shape, [2, 3]);
    assert.deepEqual(z.toArray(), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const o = nx.ones([2], { dtype: "u8" });
    assert.equal(o.dtype, "u8");
    assert.deepEqual(o.toArray(), [1, 1]);
    assert.deepEqual(nx.full([2, 2], 7, { dtype: "s32" }).toArray(), [
      [7, 7],
      [7, 7],
    ]);
    assert.equal(nx.full([], 2.5).toNumber(), 2.5);
    assert.deepEqual(nx.zeros([0, 4]).shape, [0, 4]);
    assert.deepEqual(nx.zerosLike(nx.tensor([1, 2], { dtype: "s32" })).toArray(), [0, 0]);
    const ol = nx.onesLike(nx.tensor([[1.5]], { dtype: "f64" }));
    assert.equal(ol.dtype, "f64");
    assert.deepEqual(ol.toArray(), [[1]]);
  });

  it("iota counts across all elements without an axis", () => {
    const t = nx.iota([2, 3]);
    assert.equal(t.dtype, "s32");
    assert.deepEqual(t.toArray(), [
      [0, 1, 2],
      [3, 4, 5],
    ]);
    assert.deepEqual(nx.iota([4], { dtype: "f32" }).toArray(), [0, 1, 2, 3]);
  });

  it("iota counts along an axis", () => {
    assert.deepEqual(nx.iota([2, 3], { axis: 0 }).toArray(), [
      [0, 0, 0],
      [1, 1, 1],
    ]);
    assert.deepEqual(nx.iota([2, 3], { axis: 1 }).toArray(), [
      [0, 1, 2],
      [0, 1, 2],
    ]);
    // As in the doc comment.
    assert.deepEqual(nx.iota([1, 3], { axis: -1 }).toArray(), [[0, 1, 2]]);
    // Negative axes count from the end: -2 is axis 1 of a rank-3 shape.
    assert.deepEqual(nx.iota([2, 2, 2], { axis: -2 }).toArray(), [
      [
        [0, 0],
        [1, 1],
      ],
      [
        [0, 0],
        [1, 1],
      ],
    ]);
  });

  it("eye", () => {
    assert.deepEqual(nx.eye(3).toArray(), [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    assert.deepEqual(nx.eye(2, { m: 3, dtype: "s32" }).toArray(), [
      [1, 0, 0],
      [0, 1, 0],
    ]);
    assert.deepEqual(nx.eye(3, { m: 2 }).toArray(), [
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    assert.equal(nx.eye(2, { dtype: "s32" }).dtype, "s32");
  });

  it("linspace", () => {
    // numpy.linspace(0, 1, 5) -> [0.0, 0.25, 0.5, 0.75, 1.0]
    assert.deepEqual(nx.linspace(0, 1, { n: 5 }).toArray(), [0, 0.25, 0.5, 0.75, 1]);
    // numpy.linspace(0, 1, 4, endpoint=False) -> [0.0, 0.25, 0.5, 0.75]
    assert.deepEqual(nx.linspace(0, 1, { n: 4, endpoint: false }).toArray(), [0, 0.25, 0.5, 0.75]);
    // numpy.linspace(2, 3, 1) -> [2.0]
    assert.deepEqual(nx.linspace(2, 3, { n: 1 }).toArray(), [2]);
    assert.equal(nx.linspace(0, 1).size, 50);
    assert.equal(nx.linspace(0, 1, { n: 3, dtype: "f64" }).dtype, "f64");
    assert.deepEqual(nx.linspace(0, 1, { n: 0 }).shape, [0]);
  });

  it("arange", () => {
    // numpy.arange(5) -> [0, 1, 2, 3, 4]
    const a = nx.arange(5);
    assert.equal(a.dtype, "s32");
    assert.deepEqual(a.toArray(), [0, 1, 2, 3, 4]);
    // numpy.arange(1, 2, 0.25) -> [1.0, 1.25, 1.5, 1.75]
    const b = nx.arange(1, 2, 0.25);
    assert.equal(b.dtype, "f32");
    assert.deepEqual(b.toArray(), [1, 1.25, 1.5, 1.75]);
    // numpy.arange(5, 0, -2) -> [5, 3, 1]
    assert.deepEqual(nx.arange(5, 0, -2).toArray(), [5, 3, 1]);
    // numpy.arange(0, 1, 0.3) -> [0.0, 0.3, 0.6, 0.8999999999999999]
    assert.deepEqual(
      nx.arange(0, 1, 0.3, { dtype: "f64" }).toArray(),
      [0, 0.3, 0.6, 0.8999999999999999],
    );
    // numpy.arange(3, 1) -> []
    assert.deepEqual(nx.arange(3, 1).shape, [0]);
    assert.equal(nx.arange(0, 4, 1, { dtype: "u8" }).dtype, "u8");
  });

  it("template has a shape and a dtype but no data", () => {
    const t = nx.template([2, 3], "s32");
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, "s32");
    assert.equal(t.isTemplate, true);
    assert.equal(nx.template([4]).dtype, "f32");
    assert.equal(nx.tensor(1).isTemplate, false);
    assert.throws(() => t.toArray(), /toArray: this tensor is a template/);
    assert.throws(() => t.data(), /data: this tensor is a template/);
    // Ops on templates give templates with the right shape and dtype.
    const u = nx.add(t, nx.template([3], "s32"));
    assert.equal(u.isTemplate, true);
    assert.deepEqual(u.shape, [2, 3]);
    assert.equal(String(t), lines("Tensor<", "  s32[2][3]", "  (template: no data)", ">"));
  });

  it("fromBuffer reads little-endian bytes", () => {
    // list(numpy.array([1.5, -2, 3.25, 0], dtype='<f4').tobytes())
    const bytes = new Uint8Array([0, 0, 192, 63, 0, 0, 0, 192, 0, 0, 80, 64, 0, 0, 0, 0]);
    const t = nx.fromBuffer(bytes, "f32");
    assert.deepEqual(t.shape, [4]);
    assert.deepEqual(t.toArray(), [1.5, -2, 3.25, 0]);
    assert.deepEqual(nx.fromBuffer(bytes.buffer, "f32", [2, 2]).toArray(), [
      [1.5, -2],
      [3.25, 0],
    ]);
    // list(numpy.array([1, -1, 256], dtype='<i4').tobytes())
    const ints = new Uint8Array([1, 0, 0, 0, 255, 255, 255, 255, 0, 1, 0, 0]);
    assert.deepEqual(nx.fromBuffer(ints, "s32").toArray(), [1, -1, 256]);
    assert.deepEqual(nx.fromBuffer(ints, "u8", [3, 4]).shape, [3, 4]);
  });

  it("fromBuffer reads a view at an unaligned offset and copies", () => {
    const backing = new Uint8Array([9, 0, 0, 192, 63]);
    const view = backing.subarray(1);
    const t = nx.fromBuffer(view, "f32");
    assert.deepEqual(t.toArray(), [1.5]);
    backing[4] = 0;
    assert.deepEqual(t.toArray(), [1.5]);
  });
});

describe("accessors", () => {
  it("data() is a copy of the right typed array", () => {
    const t = nx.tensor([1, 2, 3], { dtype: "s32" });
    const d = t.data();
    assert.ok(d instanceof Int32Array);
    d[0] = 99;
    assert.deepEqual(t.toArray(), [1, 2, 3]);
    assert.notEqual(t.data(), t.data());
  });

  it("toNumber reads one-element tensors of any rank", () => {
    assert.equal(nx.tensor([[4]]).toNumber(), 4);
    assert.equal(nx.tensor([7], { dtype: "u8" }).toNumber(), 7);
  });

  it("shape is frozen", () => {
    const t = nx.zeros([2, 3]);
    assert.ok(Object.isFrozen(t.shape));
  });

  it("isTensor", () => {
    assert.equal(nx.isTensor(nx.tensor(1)), true);
    assert.equal(nx.isTensor(1), false);
    assert.equal(nx.isTensor({ shape: [], dtype: "f32" }), false);
  });
});

describe("printing", () => {
  const t = nx.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const expected = lines(
    "Tensor<",
    "  f32[2][3]",
    "  [",
    "    [1.0, 2.0, 3.0],",
    "    [4.0, 5.0, 6.0]",
    "  ]",
    ">",
  );

  it("String() and util.inspect print like Nx", () => {
    assert.equal(String(t), expected);
    assert.equal(t.toString(), expected);
    assert.equal(inspect(t), expected);
  });

  it("prints integers, scalars and f32 values shortest", () => {
    assert.equal(
      String(nx.tensor([1, -2], { dtype: "s32" })),
      lines("Tensor<", "  s32[2]", "  [1, -2]", ">"),
    );
    assert.equal(String(nx.tensor(0.1)), lines("Tensor<", "  f32", "  0.1", ">"));
    assert.equal(
      String(nx.tensor([NaN, Infinity, -Infinity])),
      lines("Tensor<", "  f32[3]", "  [NaN, Inf, -Inf]", ">"),
    );
  });

  it("truncates big tensors", () => {
    const s = String(nx.iota([100]));
    assert.ok(s.startsWith("Tensor<\n  s32[100]\n  [0, 1, 2,"));
    assert.ok(s.includes(", 49, ...]"));
  });
});

describe("methods", () => {
  const a = nx.tensor([
    [1, -2.5, 3],
    [0.5, 4, -6],
  ]);
  const b = nx.tensor([
    [2, 2, 2],
    [3, 1, 0.5],
  ]);
  const v = nx.tensor([1, 2, 3]);
  type Case = [string, (x: nx.Tensor) => nx.Tensor | { values: nx.Tensor }, () => nx.Tensor];
  const cases: Case[] = [
    ["add", (x) => x.add(b), () => nx.add(a, b)],
    ["subtract", (x) => x.subtract(b), () => nx.subtract(a, b)],
    ["multiply", (x) => x.multiply(b), () => nx.multiply(a, b)],
    ["divide", (x) => x.divide(b), () => nx.divide(a, b)],
    ["pow", (x) => x.pow(2), () => nx.pow(a, 2)],
    ["remainder", (x) => x.remainder(b), () => nx.remainder(a, b)],
    ["maximum", (x) => x.maximum(b), () => nx.maximum(a, b)],
    ["minimum", (x) => x.minimum(b), () => nx.minimum(a, b)],
    ["negate", (x) => x.negate(), () => nx.negate(a)],
    ["abs", (x) => x.abs(), () => nx.abs(a)],
    ["sign", (x) => x.sign(), () => nx.sign(a)],
    ["exp", (x) => x.exp(), () => nx.exp(a)],
    ["expm1", (x) => x.expm1(), () => nx.expm1(a)],
    ["log", (x) => x.abs().log(), () => nx.log(nx.abs(a))],
    ["log1p", (x) => x.abs().log1p(), () => nx.log1p(nx.abs(a))],
    ["sqrt", (x) => x.abs().sqrt(), () => nx.sqrt(nx.abs(a))],
    ["rsqrt", (x) => x.abs().rsqrt(), () => nx.rsqrt(nx.abs(a))],
    ["sin", (x) => x.sin(), () => nx.sin(a)],
    ["cos", (x) => x.cos(), () => nx.cos(a)],
    ["tan", (x) => x.tan(), () => nx.tan(a)],
    ["tanh", (x) => x.tanh(), () => nx.tanh(a)],
    ["sigmoid", (x) => x.sigmoid(), () => nx.sigmoid(a)],
    ["erf", (x) => x.erf(), () => nx.erf(a)],
    ["floor", (x) => x.floor(), () => nx.floor(a)],
    ["ceil", (x) => x.ceil(), () => nx.ceil(a)],
    ["round", (x) => x.round(), () => nx.round(a)],
    ["clip", (x) => x.clip(-1, 1), () => nx.clip(a, -1, 1)],
    ["isNan", (x) => x.isNan(), () => nx.isNan(a)],
    ["isInfinite", (x) => x.isInfinite(), () => nx.isInfinite(a)],
    ["equal", (x) => x.equal(b), () => nx.equal(a, b)],
    ["notEqual", (x) => x.notEqual(b), () => nx.notEqual(a, b)],
    ["less", (x) => x.less(b), () => nx.less(a, b)],
    ["lessEqual", (x) => x.lessEqual(b), () => nx.lessEqual(a, b)],
    ["greater", (x) => x.greater(b), () => nx.greater(a, b)],
    ["greaterEqual", (x) => x.greaterEqual(b), () => nx.greaterEqual(a, b)],
    ["logicalAnd", (x) => x.logicalAnd(b), () => nx.logicalAnd(a, b)],
    ["logicalOr", (x) => x.logicalOr(b), () => nx.logicalOr(a, b)],
    ["logicalNot", (x) => x.logicalNot(), () => nx.logicalNot(a)],
    ["asType", (x) => x.asType("s32"), () => nx.asType(a, "s32")],
    ["sum", (x) => x.sum({ axes: 1 }), () => nx.sum(a, { axes: 1 })],
    ["product", (x) => x.product(), () => nx.product(a)],
    ["mean", (x) => x.mean({ axes: 0 }), () => nx.mean(a, { axes: 0 })],
    ["reduceMax", (x) => x.reduceMax(), () => nx.reduceMax(a)],
    ["reduceMin", (x) => x.reduceMin({ axes: 1 }), () => nx.reduceMin(a, { axes: 1 })],
    ["argmax", (x) => x.argmax({ axis: 1 }), () => nx.argmax(a, { axis: 1 })],
    ["argmin", (x) => x.argmin(), () => nx.argmin(a)],
    ["variance", (x) => x.variance(), () => nx.variance(a)],
    ["standardDeviation", (x) => x.standardDeviation(), () => nx.standardDeviation(a)],
    ["logsumexp", (x) => x.logsumexp({ axes: 1 }), () => nx.logsumexp(a, { axes: 1 })],
    ["all", (x) => x.all(), () => nx.all(a)],
    ["any", (x) => x.any(), () => nx.any(a)],
    ["cumulativeSum", (x) => x.cumulativeSum({ axis: 1 }), () => nx.cumulativeSum(a, { axis: 1 })],
    ["reshape", (x) => x.reshape([3, 2]), () => nx.reshape(a, [3, 2])],
    ["flatten", (x) => x.flatten(), () => nx.flatten(a)],
    ["squeeze", (x) => x.newAxis(0).squeeze(), () => a],
    ["newAxis", (x) => x.newAxis(1), () => nx.newAxis(a, 1)],
    ["broadcast", (x) => x.broadcast([4, 2, 3]), () => nx.broadcast(a, [4, 2, 3])],
    ["transpose", (x) => x.transpose(), () => nx.transpose(a)],
    ["slice", (x) => x.slice([0, 1], [2, 2]), () => nx.slice(a, [0, 1], [2, 2])],
    [
      "sliceAlong",
      (x) => x.sliceAlong(1, 2, { axis: 1 }),
      () => nx.sliceAlong(a, 1, 2, { axis: 1 }),
    ],
    ["take", (x) => x.take([1, 0, 1]), () => nx.take(a, [1, 0, 1])],
    [
      "putSlice",
      (x) => x.putSlice([0, 1], nx.tensor([[1, 2]])),
      () => nx.putSlice(a, [0, 1], nx.tensor([[1, 2]])),
    ],
    [
      "pad",
      (x) =>
        x.pad(0, [
          [1, 0],
          [0, 1],
        ]),
      () =>
        nx.pad(a, 0, [
          [1, 0],
          [0, 1],
        ]),
    ],
    ["reverse", (x) => x.reverse(), () => nx.reverse(a)],
    ["tile", (x) => x.tile([2, 1]), () => nx.tile(a, [2, 1])],
    ["matmul", (x) => x.matmul(nx.transpose(b)), () => nx.matmul(a, nx.transpose(b))],
    ["dot", (x) => x.dot(v), () => nx.dot(a, v)],
    ["outer", (x) => x.outer(v), () => nx.outer(a, v)],
    ["sort", (x) => x.sort(), () => nx.sort(a)],
    ["argsort", (x) => x.argsort({ descending: true }), () => nx.argsort(a, { descending: true })],
    ["topK", (x) => x.topK(2).values, () => nx.topK(a, 2).values],
  ];

  for (const [name, viaMethod, viaFunction] of cases) {
    it(`${name} as a method equals the function`, () => {
      assert.equal(typeof (a as any)[name], "function", `Tensor.prototype.${name}`);
      const m = viaMethod(a) as nx.Tensor;
      const f = viaFunction();
      assert.deepEqual(m.shape, f.shape);
      assert.equal(m.dtype, f.dtype);
      assert.deepEqual(m.toArray(), f.toArray());
    });
  }

  it("chains", () => {
    const r = nx.tensor([1, 2, 3]).add(1).multiply(2).sum();
    assert.equal(r.toNumber(), 18);
  });
});

describe("iteration", () => {
  it("iterates over axis 0", () => {
    const t = nx.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const rows = [...t];
    assert.equal(rows.length, 3);
    for (const r of rows) {
      assert.deepEqual(r.shape, [2]);
      assert.equal(r.dtype, "f32");
    }
    assert.deepEqual(
      rows.map((r) => r.toArray()),
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    );
    const [first, second] = t;
    assert.deepEqual(first!.toArray(), [1, 2]);
    assert.deepEqual(second!.toArray(), [3, 4]);
  });

  it("gives scalars for a vector, nothing for an empty axis", () => {
    assert.deepEqual(
      [...nx.tensor([7, 8], { dtype: "s32" })].map((x) => [x.rank, x.toNumber()]),
      [
        [0, 7],
        [0, 8],
      ],
    );
    assert.deepEqual([...nx.zeros([0, 3])], []);
  });

  it("refuses to iterate a scalar", () => {
    assert.throws(() => [...nx.tensor(1)], {
      name: "TypeError",
      message: "a scalar tensor is not iterable",
    });
  });
});

describe("creation errors", () => {
  it("ragged arrays name the position", () => {
    assert.throws(() => nx.tensor([[1, 2], [3]]), {
      name: "RangeError",
      message: "tensor: ragged nested array: the entry at [1] has length 1, expected length 2",
    });
    assert.throws(
      () =>
        nx.tensor([
          [
            [1, 2],
            [3, 4],
          ],
          [
            [5, 6],
            [7, 8, 9],
          ],
        ]),
      /tensor: ragged nested array: the entry at \[1\]\[1\] has length 3, expected length 2/,
    );
    assert.throws(
      () => nx.tensor([[1, 2], 3] as any),
      /tensor: ragged nested array: the entry at \[1\]/,
    );
    assert.throws(() => nx.tensor([1, [2]] as any), {
      name: "TypeError",
      message: "tensor: expected a number at [1], got an array of 1",
    });
  });

  it("non-numbers are refused", () => {
    assert.throws(
      () => nx.tensor(["a"] as any),
      /tensor: expected numbers, booleans, complex values \{ re, im \} or nested arrays/,
    );
    assert.throws(() => nx.tensor([1, "a"] as any), /tensor: expected a number at \[1\], got "a"/);
    assert.throws(
      () => nx.tensor([1, null] as any),
      /tensor: expected a number at \[1\], got null/,
    );
  });

  it("unknown dtypes are refused by every creation function", () => {
    const bad = { dtype: "f8" as nx.DType };
    const message =
      'unknown dtype "f8"; expected one of f32, f64, s32, u32, u8, f16, bf16, s64, c64, c128';
    assert.throws(() => nx.tensor([1], bad), { name: "TypeError", message: `tensor: ${message}` });
    assert.throws(() => nx.zeros([1], bad), { name: "TypeError", message: `zeros: ${message}` });
    assert.throws(() => nx.iota([1], bad), { name: "TypeError", message: `iota: ${message}` });
    assert.throws(() => nx.linspace(0, 1, bad), {
      name: "TypeError",
      message: `linspace: ${message}`,
    });
    assert.throws(() => nx.arange(3, undefined, 1, bad), {
      name: "TypeError",
      message: `arange: ${message}`,
    });
    assert.throws(() => nx.template([1], "int" as nx.DType), /template: unknown dtype "int"/);
    assert.throws(
      () => nx.fromBuffer(new Uint8Array(4), "float" as nx.DType),
      /fromBuffer: unknown dtype "float"/,
    );
  });

  it("negative or non-integer shapes are refused", () => {
    assert.throws(() => nx.zeros([2, -1]), {
      name: "RangeError",
      message: "zeros: shape [2, -1] has -1; every dimension must be a non-negative integer",
    });
    assert.throws(() => nx.ones([1.5]), {
      name: "RangeError",
      message: "ones: shape [1.5] has 1.5; every dimension must be a non-negative integer",
    });
    assert.throws(
      () => nx.iota([NaN]),
      /iota: shape \[NaN\] has NaN; every dimension must be a non-negative integer/,
    );
    assert.throws(() => nx.template([-3]), /template: shape \[-3\] has -3/);
    assert.throws(() => nx.eye(-1), /eye: shape \[-1, -1\] has -1/);
    assert.throws(() => nx.zeros(3 as any), {
      name: "TypeError",
      message: "zeros: shape must be an array of integers, got number 3",
    });
  });

  it("toNumber needs exactly one element", () => {
    assert.throws(() => nx.zeros([2, 3]).toNumber(), {
      name: "RangeError",
      message: "toNumber: expected a tensor with one element, got shape [2, 3]",
    });
    assert.throws(() => nx.zeros([0]).toNumber(), /got shape \[0\]/);
  });

  it("fromBuffer needs whole elements that fill the shape", () => {
    assert.throws(() => nx.fromBuffer(new Uint8Array(5), "f32"), {
      name: "RangeError",
      message: "fromBuffer: 5 bytes is not a whole number of f32 elements (4 bytes each)",
    });
    assert.throws(
      () => nx.fromBuffer(new Uint8Array(12), "f64"),
      /fromBuffer: 12 bytes is not a whole number of f64 elements \(8 bytes each\)/,
    );
    assert.throws(() => nx.fromBuffer(new Uint8Array(16), "f32", [3]), {
      name: "RangeError",
      message: "fromBuffer: shape [3] needs 3 elements, the bytes hold 4",
    });
  });

  it("arange refuses a zero step", () => {
    assert.throws(() => nx.arange(0, 3, 0), {
      name: "RangeError",
      message: "arange: step must not be zero",
    });
  });

  it("iota refuses an out-of-range axis", () => {
    assert.throws(() => nx.iota([2, 3], { axis: 2 }), {
      name: "RangeError",
      message: "iota: axis 2 is out of range for a tensor of rank 2",
    });
    assert.throws(
      () => nx.iota([2, 3], { axis: -3 }),
      /iota: axis -3 is out of range for a tensor of rank 2/,
    );
  });
});
