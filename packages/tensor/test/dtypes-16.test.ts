// The 16-bit float dtypes f16 and bf16: the conversions against NumPy's float16 and torch's
// bfloat16 bits, creation and reads, casts, printing, elementwise ops, reductions and kernels
// computed in f32 and rounded once, jit against eager, gradients, random values, the WebAssembly
// engine keeping these programs in JavaScript, and the ops that refuse them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { rand } from "./gradcheck.js";

const bitsOf = (t: nx.Tensor) => Array.from(new Uint16Array(t.toBytes().buffer));

describe("f16 bits", () => {
  // /usr/bin/python3, numpy 1.x:
  //   [int(np.float64(x).astype(np.float16).view(np.uint16)) for x in XS]
  const XS = [
    0,
    -0,
    1,
    65504, // the largest f16
    65519, // below half an ulp past it: rounds down to 65504
    65520, // half an ulp past it: a tie to even, which is Infinity
    1e5, // overflow
    2 ** -24, // the smallest subnormal
    2 ** -25, // half of it: a tie, to even (0)
    1.5 * 2 ** -25, // rounds up to the smallest subnormal
    2 ** -14, // the smallest normal
    1 + 2 ** -11, // a tie between 1 and 1 + 2⁻¹⁰: to even (1)
    1 + 3 * 2 ** -11, // a tie between 1 + 2⁻¹⁰ and 1 + 2⁻⁹: to even (the latter)
    -(1 + 2 ** -11),
    NaN,
    Infinity,
    -Infinity,
    0.1,
    -3.14159,
  ];
  const NUMPY = [
    0, 32768, 15360, 31743, 31743, 31744, 31744, 1, 0, 1, 1024, 15360, 15362, 48128, 32256, 31744,
    64512, 11878, 49736,
  ];

  it("toFloat16Bits rounds as NumPy's float16 (ties to even, subnormals, overflow, NaN)", () => {
    assert.deepEqual(XS.map(nx.toFloat16Bits), NUMPY);
  });

  it("every bit pattern decodes and encodes back to itself (NaNs to a NaN)", () => {
    for (let h = 0; h < 65536; h++) {
      const v = nx.fromFloat16Bits(h);
      if (Number.isNaN(v)) assert.ok((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0, `bits ${h}`);
      else assert.equal(nx.toFloat16Bits(v), h, `bits ${h}`);
    }
    assert.equal(nx.fromFloat16Bits(31743), 65504);
    assert.equal(nx.fromFloat16Bits(1), 2 ** -24);
    assert.ok(Object.is(nx.fromFloat16Bits(32768), -0));
  });
});

describe("bf16 bits", () => {
  // /usr/bin/python3, torch 1.13 (inputs are float32 values, as torch converts from float32):
  //   [int(torch.tensor(x, dtype=torch.float32).to(torch.bfloat16).view(torch.int16)) & 0xffff
  //    for x in XS]
  const XS = [
    0,
    -0,
    1,
    3.3895313892515355e38, // the largest bf16
    3.4028234663852886e38, // the largest f32: past the last half ulp, so Infinity
    2 ** -133, // the smallest subnormal
    2 ** -126, // the smallest normal
    1 + 2 ** -8, // a tie: to even (1)
    1 + 3 * 2 ** -8, // a tie: to even (1 + 2⁻⁶)
    NaN,
    Infinity,
    -Infinity,
    Math.fround(0.1),
    Math.fround(-3.14159),
    Math.fround(1e-40), // an f32 subnormal
  ];
  const TORCH = [
    0, 32768, 16256, 32639, 32640, 1, 128, 16256, 16258, 32704, 32640, 65408, 15821, 49225, 1,
  ];

  it("toBFloat16Bits rounds as torch.bfloat16", () => {
    assert.deepEqual(XS.map(nx.toBFloat16Bits), TORCH);
  });

  it("every bit pattern decodes to the f32 with those high bits", () => {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    for (let h = 0; h < 65536; h++) {
      u[0] = h << 16;
      const v = nx.fromBFloat16Bits(h);
      if (Number.isNaN(f[0]!)) assert.ok(Number.isNaN(v));
      else {
        assert.ok(Object.is(v, f[0]), `bits ${h}`);
        assert.equal(nx.toBFloat16Bits(v), h, `bits ${h}`);
      }
    }
  });
});

describe("16-bit tensors: creation and reads", () => {
  it("tensor() rounds numbers; toArray, toNumber and data() give the values, toBytes the bits", () => {
    const t = nx.tensor(
      [
        [0.1, 65504],
        [70000, -0],
      ],
      { dtype: "f16" },
    );
    assert.equal(t.dtype, "f16");
    assert.ok(t.data() instanceof Float32Array);
    assert.deepEqual([...t.data()], [nx.fromFloat16Bits(11878), 65504, Infinity, -0]);
    assert.deepEqual(bitsOf(t), [11878, 31743, 31744, 32768]);
    assert.deepEqual(t.toArray(), [
      [nx.fromFloat16Bits(11878), 65504],
      [Infinity, -0],
    ]);
    assert.equal(nx.tensor(1 / 3, { dtype: "bf16" }).toNumber(), nx.fromBFloat16Bits(16043));
  });

  it("a Uint16Array with dtype f16 or bf16 is taken as bits; without, it is refused", () => {
    const bits = new Uint16Array([15360, 49152]);
    assert.deepEqual(nx.tensor(bits, { dtype: "f16" }).toArray(), [1, -2]);
    assert.deepEqual(nx.tensor(bits, { dtype: "bf16" }).toArray(), [
      nx.fromBFloat16Bits(15360),
      nx.fromBFloat16Bits(49152),
    ]);
    assert.throws(() => nx.tensor(bits), /Uint16Array holds the bits of f16 or bf16/);
    // Other typed arrays are values, rounded.
    assert.deepEqual(bitsOf(nx.tensor(new Float32Array([0.1]), { dtype: "f16" })), [11878]);
  });

  it("fromBuffer reads little-endian bits; the creation functions round their values", () => {
    const bytes = new Uint8Array([0x00, 0x3c, 0xff, 0x7b]); // 1 and 65504
    assert.deepEqual(nx.fromBuffer(bytes, "f16").toArray(), [1, 65504]);
    assert.deepEqual(nx.full([2], 0.1, { dtype: "f16" }).toArray(), [
      nx.fromFloat16Bits(11878),
      nx.fromFloat16Bits(11878),
    ]);
    assert.deepEqual(nx.ones([2], { dtype: "bf16" }).toArray(), [1, 1]);
    assert.deepEqual(nx.eye(2, { dtype: "f16" }).toArray(), [
      [1, 0],
      [0, 1],
    ]);
    // f16 integers are exact up to 2048; 2049 rounds to even (2048).
    assert.deepEqual(nx.iota([3], { dtype: "f16" }).toArray(), [0, 1, 2]);
    assert.deepEqual(nx.arange(2047, 2050, 1, { dtype: "f16" }).toArray(), [2047, 2048, 2048]);
    assert.deepEqual(nx.linspace(0, 1, { n: 3, dtype: "bf16" }).toArray(), [0, 0.5, 1]);
  });

  it("prints like Nx, with the shortest decimal that reads back to the value", () => {
    const t = nx.tensor([0.1, 65504, -Infinity, NaN, 1], { dtype: "f16" });
    assert.equal(
      t.toString(),
      ["Tensor<", "  f16[5]", "  [0.1, 65500.0, -Inf, NaN, 1.0]", ">"].join("\n"),
    );
    assert.equal(
      nx.tensor([1 / 3], { dtype: "bf16" }).toString(),
      ["Tensor<", "  bf16[1]", "  [0.334]", ">"].join("\n"),
    );
  });
});

describe("16-bit tensors: casts", () => {
  it("f32 → f16 as NumPy's astype(np.float16), f32 → bf16 as torch's .to(torch.bfloat16)", () => {
    // np.array([0.1, 1/3, 2049, 70000, -1e-8], dtype=np.float32).astype(np.float16).view(np.uint16)
    const x = nx.tensor([0.1, 1 / 3, 2049, 70000, -1e-8], { dtype: "f32" });
    assert.deepEqual(bitsOf(nx.asType(x, "f16")), [11878, 13653, 26624, 31744, 32768]);
    // torch.tensor([...], dtype=torch.float32).to(torch.bfloat16).view(torch.int16) & 0xffff
    assert.deepEqual(bitsOf(nx.asType(x, "bf16")), [15821, 16043, 17664, 18313, 45612]);
  });

  it("16-bit floats cast to integers (truncating), to f32 exactly, and to each other", () => {
    const h = nx.tensor([2.75, -3.5, 65504], { dtype: "f16" });
    assert.deepEqual(nx.asType(h, "s32").toArray(), [2, -3, 65504]);
    assert.deepEqual(nx.asType(h, "f32").toArray(), [2.75, -3.5, 65504]);
    // 65504 is not a bf16: it rounds to 65536 (bits 18304).
    assert.deepEqual(bitsOf(nx.asType(h, "bf16")), [16432, 49248, 18304]);
    assert.deepEqual(nx.asType(nx.tensor([300], { dtype: "s32" }), "f16").toArray(), [300]);
  });
});

describe("16-bit tensors: computing", () => {
  it("an elementwise result is rounded once to the dtype (np.float16(2048) + np.float16(1))", () => {
    const r = nx.add(nx.tensor([2048], { dtype: "f16" }), nx.tensor([1], { dtype: "f16" }));
    assert.equal(r.dtype, "f16");
    assert.deepEqual(r.toArray(), [2048]);
    // np.exp(np.array([0.5, 1, -2, 3], dtype=np.float16)).view(np.uint16)
    assert.deepEqual(
      bitsOf(nx.exp(nx.tensor([0.5, 1, -2, 3], { dtype: "f16" }))),
      [16024, 16752, 12373, 19717],
    );
  });

  it("fused chains round each op's value, as unfused ops do", () => {
    const x = nx.tensor([0.1, 0.7, 1000, 3], { dtype: "f16" });
    const f = (t: nx.Tensor) => nx.multiply(nx.add(nx.multiply(t, 3), 1), t);
    const jitted = nx.jit(f)(x);
    assert.deepEqual(bitsOf(jitted), bitsOf(f(x)));
    // The chain, one op at a time in f32 with each result rounded to f16 (what eager does).
    const r = (v: number) => nx.fromFloat16Bits(nx.toFloat16Bits(v));
    const want = [0.1, 0.7, 1000, 3].map((v) => r(r(r(r(v) * 3) + 1) * r(v)));
    assert.deepEqual(jitted.toArray(), want);
  });

  it("sums accumulate wider than the dtype (torch.tensor([2048, 1, 1], dtype=torch.float16).sum() is 2050)", () => {
    const t = nx.tensor([2048, 1, 1], { dtype: "f16" });
    assert.equal(nx.sum(t).dtype, "f16");
    assert.equal(nx.sum(t).toNumber(), 2050);
    assert.equal(nx.mean(t).toNumber(), nx.fromFloat16Bits(nx.toFloat16Bits(2050 / 3)));
    assert.deepEqual(
      nx
        .reduceMax(
          nx.tensor(
            [
              [1, 5],
              [7, -2],
            ],
            { dtype: "bf16" },
          ),
          { axes: [0] },
        )
        .toArray(),
      [7, 5],
    );
  });

  it("matmul computes in f32 and rounds once ((A.float() @ B.float()).half() in torch)", () => {
    const a = nx.tensor(
      [
        [0.1, 0.2, 0.3],
        [1.5, -2.5, 3.25],
      ],
      { dtype: "f16" },
    );
    const b = nx.tensor(
      [
        [1.1, 2.2],
        [3.3, -4.4],
        [5.5, 0.7],
      ],
      { dtype: "f16" },
    );
    const c = nx.matmul(a, b);
    assert.equal(c.dtype, "f16");
    // (A.float() @ B.float()).half().view(torch.int16).tolist(), as unsigned
    assert.deepEqual(bitsOf(c), [16599, -18639 & 0xffff, 18851, 19493]);
  });

  it("kernels (sort, cumulative sum, gather, conv, window max, argmax) equal f32 on the values, rounded", () => {
    const x32 = nx.asType(nx.multiply(rand(3, [2, 6]), 40), "f32");
    for (const dtype of ["f16", "bf16"] as const) {
      const x = nx.asType(x32, dtype);
      const wide = nx.asType(x, "f32");
      const round = (t: nx.Tensor) => bitsOf(nx.asType(t, dtype));
      const cases: [string, (t: nx.Tensor) => nx.Tensor][] = [
        ["sort", (t) => nx.sort(t, { axis: 1 })],
        ["cumulativeSum", (t) => nx.cumulativeSum(t, { axis: 1 })],
        ["take", (t) => nx.take(t, nx.tensor([5, 0, 2], { dtype: "s32" }), { axis: 1 })],
        [
          "conv",
          (t) =>
            nx.conv(nx.reshape(t, [1, 2, 6]), nx.reshape(nx.slice(t, [0, 0], [2, 3]), [1, 2, 3])),
        ],
        ["windowMax", (t) => nx.windowMax(t, [1, 3])],
        ["dot", (t) => nx.dot(t, nx.transpose(t))],
      ];
      for (const [name, f] of cases) {
        const got = f(x);
        assert.equal(got.dtype, dtype, `${name} ${dtype}`);
        assert.deepEqual(bitsOf(got), round(f(wide)), `${name} ${dtype}`);
        assert.deepEqual(bitsOf(nx.jit(f)(x)), bitsOf(got), `${name} ${dtype} jit`);
      }
      assert.deepEqual(nx.argmax(x, { axis: 1 }).toArray(), nx.argmax(wide, { axis: 1 }).toArray());
    }
  });

  it("linear algebra and norm keep the 16-bit dtype, computed in f32 and rounded", () => {
    const a32 = nx.tensor([
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 2],
    ]);
    const a = nx.asType(a32, "f16");
    const wide = nx.asType(a, "f32");
    const cases: [string, (t: nx.Tensor) => nx.Tensor][] = [
      ["cholesky", nx.cholesky],
      ["inverse", nx.inverse],
      ["determinant", nx.determinant],
      ["solve", (t) => nx.solve(t, nx.asType(nx.tensor([1, 2, 3]), t.dtype))],
      ["norm", (t) => nx.norm(t)],
    ];
    for (const [name, f] of cases) {
      const got = f(a);
      assert.equal(got.dtype, "f16", name);
      assert.deepEqual(bitsOf(got), bitsOf(nx.asType(f(wide), "f16")), name);
    }
  });

  it("copies and shape ops move bits (pad fills with the rounded value)", () => {
    const x = nx.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "bf16" },
    );
    assert.deepEqual(nx.transpose(x).toArray(), [
      [1, 3],
      [2, 4],
    ]);
    assert.deepEqual(
      nx
        .pad(x, 0.1, [
          [0, 1, 0],
          [0, 0, 0],
        ])
        .toArray()[2],
      [nx.fromBFloat16Bits(nx.toBFloat16Bits(0.1)), nx.fromBFloat16Bits(nx.toBFloat16Bits(0.1))],
    );
    assert.deepEqual(nx.concatenate([x, x], { axis: 1 }).toArray(), [
      [1, 2, 1, 2],
      [3, 4, 3, 4],
    ]);
    assert.deepEqual(nx.reverse(nx.reshape(x, [4])).toArray(), [4, 3, 2, 1]);
  });

  it("the gradient through f16 is the f32 gradient within rounding", () => {
    const f = (x: nx.Tensor) => nx.sum(nx.add(nx.multiply(x, x), nx.sin(x)));
    const x32 = nx.asType(nx.multiply(rand(5, [8]), 3), "f32");
    const x16 = nx.asType(x32, "f16");
    const g16 = nx.grad(f)(x16);
    assert.equal(g16.dtype, "f16");
    // The f32 gradient at the same (f16) points, 2x + cos x, rounded to f16; the f16 one rounds
    // each step (cos x, then the sum), so they may differ by an ulp of f16 (2⁻¹⁰ relative).
    const g32 = nx.grad(f)(nx.asType(x16, "f32")).toArray() as number[];
    const got = g16.toArray() as number[];
    g32.forEach((v, i) => {
      const want = nx.fromFloat16Bits(nx.toFloat16Bits(v));
      assert.ok(Math.abs(got[i]! - want) <= Math.abs(want) * 2 ** -10, `${got[i]} vs ${want}`);
    });
    assert.deepEqual(bitsOf(nx.jit(nx.grad(f))(x16)), bitsOf(g16));
  });

  it("random.uniform gives 16-bit values in [0, 1) (the top mantissa bits)", () => {
    for (const dtype of ["f16", "bf16"] as const) {
      const u = nx.random.uniform(nx.random.key(7), [1000], { dtype });
      assert.equal(u.dtype, dtype);
      const v = u.toArray() as number[];
      assert.ok(v.every((x) => x >= 0 && x < 1));
      const step = dtype === "f16" ? 2 ** -10 : 2 ** -7;
      assert.ok(v.every((x) => Number.isInteger(x / step)));
      assert.ok(new Set(v).size > (dtype === "f16" ? 500 : 100));
    }
    assert.equal(nx.random.normal(nx.random.key(1), [3], { dtype: "bf16" }).dtype, "bf16");
  });
});

describe("16-bit tensors: engines and refusals", () => {
  it("fused loops, reductions and kernels of 16-bit floats stay in JavaScript under the wasm backend", () => {
    const x = nx.asType(rand(9, [64, 32]), "f16");
    const f = (t: nx.Tensor) => [
      nx.exp(nx.multiply(nx.add(t, 1), t)),
      nx.sum(t, { axes: [1] }),
      nx.matmul(t, nx.transpose(t)),
    ];
    const wasm = nx.jit(f, { backend: "wasm" });
    assert.doesNotMatch(wasm.source(x), /wasm/);
    const js = nx.jit(f, { backend: "js" })(x);
    wasm(x).forEach((t, i) => assert.deepEqual(bitsOf(t), bitsOf(js[i]!), `output ${i}`));
    // The same program in f32 does use WebAssembly (the check above can fail).
    assert.match(nx.jit(f, { backend: "wasm" }).source(nx.asType(x, "f32")), /wasm/);
  });

  it("bitwise ops and indices refuse 16-bit floats", () => {
    const h = nx.tensor([1, 2], { dtype: "f16" });
    assert.throws(() => nx.bitwiseAnd(h, h), /bitwiseAnd/);
    assert.throws(() => nx.take(nx.tensor([1, 2, 3]), h), /take/);
  });
});
