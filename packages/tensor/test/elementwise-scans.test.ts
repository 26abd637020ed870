// Nx's further elementwise ops (inverse trigonometric and hyperbolic functions, log2, log10,
// log with a base, erfc, erfInv, cbrt, atan2, bitwise operations and shifts) and scans
// (cumulativeProduct, cumulativeMax, cumulativeMin): known answers, derivatives beyond the
// registry's one case each (zeros of a running product, ties of a running maximum), jit against
// eager, the WebAssembly engine against the JavaScript one, and errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { simdSupported } from "../src/wasm/features.js";
import { assertGradient, rand, weightedSum } from "./gradcheck.js";

const f64 = (values: number[]) => nx.tensor(values, { dtype: "f64" });

/** |actual − expected| ≤ rtol·|expected| elementwise (NaN matches NaN; exact where expected is 0). */
function close(actual: nx.Tensor, expected: readonly number[], rtol = 1e-14, what = ""): void {
  const a = actual.toArray().flat(Infinity) as number[];
  assert.equal(a.length, expected.length, `${what}: length`);
  a.forEach((v, i) => {
    const e = expected[i]!;
    if (Number.isNaN(e)) return assert.ok(Number.isNaN(v), `${what}[${i}]: ${v}, expected NaN`);
    assert.ok(Math.abs(v - e) <= rtol * Math.abs(e), `${what}[${i}]: ${v}, expected ${e}`);
  });
}

describe("elementwise: known answers (f64)", () => {
  // Expected values from NumPy 2.4 (np.arcsin, np.arccos, np.arctan, np.sinh, np.cosh,
  // np.arcsinh, np.arccosh, np.arctanh, np.cbrt, np.log2, np.log10, np.arctan2) and SciPy 1.17
  // (scipy.special.erfc, erfinv), printed as float64 at full precision.
  const unit = f64([-0.9, -0.5, 0, 0.25, 0.99]);
  const wide = f64([-3, -0.5, 0, 0.25, 2, 10]);
  const cases: [string, (x: nx.Tensor) => nx.Tensor, nx.Tensor, number[]][] = [
    [
      "asin",
      nx.asin,
      unit,
      [-1.1197695149986342, -0.5235987755982989, 0, 0.25268025514207865, 1.4292568534704693],
    ],
    [
      "acos",
      nx.acos,
      unit,
      [
        2.6905658417935308, 2.0943951023931957, 1.5707963267948966, 1.318116071652818,
        0.1415394733244273,
      ],
    ],
    [
      "atanh",
      nx.atanh,
      unit,
      [-1.4722194895832204, -0.5493061443340548, 0, 0.25541281188299536, 2.6466524123622457],
    ],
    [
      "erfInv",
      nx.erfInv,
      unit,
      [-1.1630871536766743, -0.4769362762044699, 0, 0.2253120550121781, 1.8213863677184496],
    ],
    [
      "atan",
      nx.atan,
      wide,
      [
        -1.2490457723982544, -0.4636476090008061, 0, 0.24497866312686414, 1.1071487177940904,
        1.4711276743037347,
      ],
    ],
    [
      "sinh",
      nx.sinh,
      wide,
      [
        -10.017874927409903, -0.5210953054937474, 0, 0.2526123168081683, 3.626860407847019,
        11013.232874703393,
      ],
    ],
    [
      "cosh",
      nx.cosh,
      wide,
      [
        10.067661995777765, 1.1276259652063807, 1, 1.0314130998795732, 3.7621956910836314,
        11013.232920103324,
      ],
    ],
    [
      "asinh",
      nx.asinh,
      wide,
      [
        -1.8184464592320668, -0.48121182505960347, 0, 0.24746646154726346, 1.4436354751788103,
        2.99822295029797,
      ],
    ],
    [
      "cbrt",
      nx.cbrt,
      wide,
      [
        -1.4422495703074083, -0.7937005259840998, 0, 0.6299605249474366, 1.2599210498948734,
        2.1544346900318834,
      ],
    ],
    [
      "erfc",
      nx.erfc,
      wide,
      [
        1.9999779095030015, 1.5204998778130465, 1, 0.7236736098317631, 0.004677734981047266,
        2.0884875837625446e-45,
      ],
    ],
    [
      "acosh",
      nx.acosh,
      f64([1, 1.5, 2, 10, 1e6]),
      [0, 0.9624236501192069, 1.3169578969248166, 2.993222846126381, 14.50865773852397],
    ],
    [
      "log2",
      nx.log2,
      f64([0.001, 0.5, 1, 8, 1000, 1e300]),
      [-9.965784284662087, -1, 0, 3, 9.965784284662087, 996.5784284662087],
    ],
    [
      "log10",
      nx.log10,
      f64([0.001, 0.5, 1, 8, 1000, 1e300]),
      [-3, -0.3010299956639812, 0, 0.9030899869919435, 3, 300],
    ],
  ];
  for (const [name, f, x, expected] of cases) {
    it(name, () => {
      const y = f(x);
      assert.equal(y.dtype, "f64");
      close(y, expected, 1e-14, name);
    });
  }

  it("domains: NaN outside, infinities at the ends (the functions' definitions)", () => {
    close(nx.asin(f64([1.5, -1])), [NaN, -Math.PI / 2]);
    close(nx.acos(f64([-1.01, 1])), [NaN, 0]);
    close(nx.acosh(f64([0.5])), [NaN]);
    assert.deepEqual(nx.atanh(f64([1, -1, 2])).toArray(), [Infinity, -Infinity, NaN]);
    assert.deepEqual(nx.erfInv(f64([1, -1, 1.5, NaN])).toArray(), [Infinity, -Infinity, NaN, NaN]);
    assert.deepEqual(nx.erfc(f64([Infinity, -Infinity, NaN])).toArray(), [0, 2, NaN]);
    assert.deepEqual(nx.log2(f64([0, -1])).toArray(), [-Infinity, NaN]);
  });

  it("log2 and log10 are exact at powers of their base (a reason they are primitives)", () => {
    const k = Array.from({ length: 41 }, (_, i) => i - 20);
    assert.deepEqual(nx.log2(f64(k.map((e) => 2 ** e))).toArray(), k);
    const tens = k.filter((e) => Math.abs(e) <= 15);
    assert.deepEqual(nx.log10(f64(tens.map((e) => Number(`1e${e}`)))).toArray(), tens);
    // ln 1000 / ln 10 is 2.9999999999999996 in doubles; log10 gives 3.
    assert.deepEqual(nx.log10(f64([1000])).toArray(), [3]);
  });

  it("erfInv inverts erf and erfc keeps its relative accuracy in the tail", () => {
    const x = f64([-0.999999, -0.3, 1e-12, 0.7, 0.999999, 1 - 2 ** -52]);
    close(nx.erf(nx.erfInv(x)), x.toArray() as number[], 1e-15, "erf(erfInv(x))");
    // mpmath.erfc at 40 digits: erfc(5) = 1.5374597944280348502e-12, erfc(26) = 5.663192408856143e-296.
    close(nx.erfc(f64([5, 26])), [1.5374597944280349e-12, 5.663192408856143e-296], 1e-14, "erfc");
  });

  it("atan2: quadrants and signed zeros (np.arctan2)", () => {
    const y = f64([1, 1, -1, -1, 0, -0, 0, 3]);
    const x = f64([1, -1, -1, 1, -0, -0, 0, 0]);
    assert.deepEqual(
      nx.atan2(y, x).toArray(),
      [
        0.7853981633974483, 2.356194490192345, -2.356194490192345, -0.7853981633974483,
        3.141592653589793, -3.141592653589793, 0, 1.5707963267948966,
      ],
    );
    // Integers give f32, like divide.
    assert.equal(nx.atan2(nx.tensor([1], { dtype: "s32" }), 1).dtype, "f32");
  });

  it("log with a base: ln x / ln base, broadcast, promoted to a float", () => {
    close(nx.log(f64([8, 100, 0.5]), f64([2, 10, 4])), [3, 2, -0.5], 1e-15);
    const m = nx.log(nx.tensor([[9], [27]], { dtype: "f64" }), 3);
    assert.deepEqual(m.shape, [2, 1]);
    close(m, [2, 3], 1e-15);
    assert.equal(nx.log(nx.tensor([8], { dtype: "s32" }), 2).dtype, "f32");
    assert.equal(nx.tensor([8], { dtype: "f64" }).log(2).dtype, "f64");
    assert.deepEqual(nx.log(f64([Math.E])).toArray(), [1]);
  });

  it("float ops of integers give f32 (like exp)", () => {
    for (const f of [nx.asin, nx.cosh, nx.log2, nx.cbrt, nx.erfc, nx.erfInv])
      assert.equal(f(nx.tensor([0], { dtype: "u8" })).dtype, "f32", f.name);
  });
});

describe("bitwise operations and shifts", () => {
  const s32 = (v: number[]) => nx.tensor(v, { dtype: "s32" });
  const u32 = (v: number[]) => nx.tensor(v, { dtype: "u32" });
  const u8 = (v: number[]) => nx.tensor(v, { dtype: "u8" });

  it("and, or, xor, not on s32 (np.bitwise_and, bitwise_or, bitwise_xor, invert on int32)", () => {
    const a = s32([12, -1, 5, -2147483648]);
    const b = s32([10, 7, -6, 2147483647]);
    assert.deepEqual(nx.bitwiseAnd(a, b).toArray(), [8, 7, 0, 0]);
    assert.deepEqual(nx.bitwiseOr(a, b).toArray(), [14, -1, -1, -1]);
    assert.deepEqual(nx.bitwiseXor(a, b).toArray(), [6, -8, -1, -1]);
    assert.deepEqual(nx.bitwiseNot(a).toArray(), [-13, 0, -6, 2147483647]);
    assert.equal(nx.bitwiseAnd(a, b).dtype, "s32");
  });

  it("u32 and u8 stay in range (np.invert on uint32 and uint8)", () => {
    assert.deepEqual(nx.bitwiseNot(u32([0, 5, 4294967295])).toArray(), [4294967295, 4294967290, 0]);
    assert.deepEqual(nx.bitwiseNot(u8([0, 5, 255])).toArray(), [255, 250, 0]);
    assert.deepEqual(nx.bitwiseXor(u32([4000000000]), 1).toArray(), [4000000001]);
    assert.deepEqual(nx.bitwiseOr(u8([0xf0, 3]), u8([0x0f, 4])).toArray(), [255, 7]);
    // A fused chain keeps u32 values unsigned between operations.
    const chained = nx.jit((x: nx.Tensor) => nx.greater(nx.bitwiseNot(x), 4000000000));
    assert.deepEqual(chained(u32([0, 300000000])).toArray(), [1, 0]);
  });

  it("shifts (np.left_shift, np.right_shift within the bit width)", () => {
    assert.deepEqual(
      nx.leftShift(s32([1, -3, 1]), s32([4, 2, 31])).toArray(),
      [16, -12, -2147483648],
    );
    assert.deepEqual(nx.rightShift(s32([-16, 16, -1]), 2).toArray(), [-4, 4, -1]); // arithmetic
    assert.deepEqual(nx.rightShift(u32([4294967280]), 4).toArray(), [268435455]); // logical
    assert.deepEqual(nx.leftShift(u8([200, 1]), u8([1, 7])).toArray(), [144, 128]); // wraps to 8 bits
    assert.deepEqual(nx.rightShift(u8([200]), 3).toArray(), [25]);
  });

  it("counts of the bit width or more, or negative, shift every bit out (XLA's rule)", () => {
    assert.deepEqual(nx.leftShift(s32([5, 5, 5]), s32([32, 40, -1])).toArray(), [0, 0, 0]);
    assert.deepEqual(nx.rightShift(s32([-5, 5, -5]), s32([32, 99, -1])).toArray(), [-1, 0, -1]);
    assert.deepEqual(nx.rightShift(u32([4294967295]), 32).toArray(), [0]);
    assert.deepEqual(nx.leftShift(u8([255]), 8).toArray(), [0]);
  });

  it("numbers: integers join a tensor's dtype; numbers alone are s32", () => {
    assert.equal(nx.bitwiseAnd(u8([7]), 3).dtype, "u8");
    const both = nx.bitwiseAnd(6, 3);
    assert.equal(both.dtype, "s32");
    assert.deepEqual(both.toArray(), 2);
    assert.deepEqual(s32([6]).bitwiseXor(3).toArray(), [5]);
  });

  it("floats are refused naming the op and the dtype", () => {
    assert.throws(
      () => nx.bitwiseAnd(nx.tensor([1, 2]), s32([1, 2])),
      /^TypeError: bitwiseAnd: expected an integer tensor \(s32, u32, u8 or s64\), got f32\[2\]$/,
    );
    assert.throws(
      () => nx.bitwiseNot(f64([1])),
      /^TypeError: bitwiseNot: expected an integer tensor \(s32, u32, u8 or s64\), got f64\[1\]$/,
    );
    assert.throws(
      () => nx.leftShift(s32([1]), 1.5),
      /^TypeError: leftShift: expected an integer, got the number 1.5$/,
    );
    assert.throws(
      () => nx.rightShift(s32([1]), "2" as never),
      /^TypeError: rightShift: second argument must be a Tensor or a number/,
    );
    assert.throws(() => nx.bitwiseOr(s32([1, 2]), s32([1, 2, 3])), /^RangeError: bitwiseOr: /);
  });
});

describe("scans: cumulativeProduct, cumulativeMax, cumulativeMin", () => {
  const m = () =>
    nx.tensor(
      [
        [2, -1, 3, 0.5],
        [1, 4, -2, 4],
        [0.5, 0, 5, -3],
      ],
      { dtype: "f64" },
    );

  it("known answers (np.cumprod, np.maximum.accumulate, np.minimum.accumulate; reverse = flip, scan, flip)", () => {
    assert.deepEqual(nx.cumulativeProduct(m(), { axis: 1 }).toArray(), [
      [2, -2, -6, -3],
      [1, 4, -8, -32],
      [0.5, 0, 0, -0],
    ]);
    assert.deepEqual(nx.cumulativeProduct(m()).toArray(), [
      [2, -1, 3, 0.5],
      [2, -4, -6, 2],
      [1, -0, -30, -6],
    ]);
    assert.deepEqual(nx.cumulativeProduct(m(), { axis: 1, reverse: true }).toArray(), [
      [-3, -1.5, 1.5, 0.5],
      [-32, -32, -8, 4],
      [-0, -0, -15, -3],
    ]);
    assert.deepEqual(nx.cumulativeMax(m(), { axis: 1 }).toArray(), [
      [2, 2, 3, 3],
      [1, 4, 4, 4],
      [0.5, 0.5, 5, 5],
    ]);
    assert.deepEqual(nx.cumulativeMin(m(), { axis: -1, reverse: true }).toArray(), [
      [-1, -1, 0.5, 0.5],
      [-2, -2, -2, 4],
      [-3, -3, -3, -3],
    ]);
    assert.deepEqual(nx.cumulativeMin(m(), { axis: 0 }).toArray(), [
      [2, -1, 3, 0.5],
      [1, -1, -2, 0.5],
      [0.5, -1, -2, -3],
    ]);
  });

  it("NaN stays from where it appears (np.maximum.accumulate)", () => {
    assert.deepEqual(nx.cumulativeMax(f64([1, NaN, 3])).toArray(), [1, NaN, NaN]);
    assert.deepEqual(nx.cumulativeMin(f64([1, NaN, 3]), { reverse: true }).toArray(), [
      NaN,
      NaN,
      3,
    ]);
  });

  it("integers: products wrap like int32 (np.cumprod(x, dtype=np.int32)), u8 multiplies as u32", () => {
    const p = nx.cumulativeProduct(nx.tensor([65536, 65536, 3], { dtype: "s32" }));
    assert.deepEqual(p.toArray(), [65536, 0, 0]);
    assert.deepEqual(
      nx.cumulativeProduct(nx.tensor([3, -5, 100000, 100000], { dtype: "s32" })).toArray(),
      [3, -15, -1500000, 323855360],
    );
    const b = nx.cumulativeProduct(nx.tensor([16, 16, 2], { dtype: "u8" }));
    assert.equal(b.dtype, "u32");
    assert.deepEqual(b.toArray(), [16, 256, 512]);
    const mx = nx.cumulativeMax(nx.tensor([3, 200, 7], { dtype: "u8" }));
    assert.equal(mx.dtype, "u8");
    assert.deepEqual(mx.toArray(), [3, 200, 200]);
    assert.deepEqual(
      nx.cumulativeMin(nx.tensor([4000000000, 5, 4294967295], { dtype: "u32" })).toArray(),
      [4000000000, 5, 5],
    );
  });

  it("empty axes and methods", () => {
    assert.deepEqual(nx.cumulativeProduct(nx.zeros([2, 0])).shape, [2, 0]);
    assert.deepEqual(f64([3, 1, 2]).cumulativeMax().toArray(), [3, 3, 3]);
    assert.deepEqual(f64([3, 1, 2]).cumulativeMin({ reverse: true }).toArray(), [1, 1, 2]);
    assert.deepEqual(f64([3, 1, 2]).cumulativeProduct().toArray(), [3, 3, 6]);
  });

  it("the product's gradient is exact at zeros: one, two, first and last (finite differences, f64)", () => {
    for (const values of [
      [1.5, 0, -2, 0.7],
      [0, 1.3, 0, 2],
      [0.4, -1.1, 2, 0],
      [0, 0, 0.5, 3],
    ]) {
      for (const reverse of [false, true])
        assertGradient(
          (t: nx.Tensor) => weightedSum(nx.cumulativeProduct(t, { reverse })),
          f64(values),
        );
    }
    // By hand: out = [x0, x0 x1, x0 x1 x2] at (2, 0, 5); ∂Σout = [1 + x1 + x1 x2, x0 + x0 x2, x0 x1].
    const g = nx.grad((t: nx.Tensor) => nx.sum(nx.cumulativeProduct(t)))(f64([2, 0, 5]));
    assert.deepEqual(g.toArray(), [1, 12, 0]);
    // A second derivative through the rule, checked against finite differences of the first.
    assertGradient(
      (t: nx.Tensor) =>
        weightedSum(nx.grad((u: nx.Tensor) => weightedSum(nx.cumulativeProduct(u)))(t)),
      f64([0.9, 1.4, -0.6, 1.1]),
    );
  });

  it("the product's gradient along an inner axis of a batch (finite differences, f64)", () => {
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.cumulativeProduct(t, { axis: 1, reverse: true })),
      m(),
    );
  });

  it("max/min: the gradient goes to the running argmax, the latest on ties (PyTorch's cummax rule)", () => {
    const ones = (f: (t: nx.Tensor) => nx.Tensor, v: number[]) =>
      nx
        .grad((t: nx.Tensor) => nx.sum(f(t)))(f64(v))
        .toArray();
    // outputs [1, 3, 3, 3, 5] come from elements 0, 1, 2, 2, 4
    assert.deepEqual(ones(nx.cumulativeMax, [1, 3, 3, 2, 5]), [1, 1, 2, 0, 1]);
    // reverse (scanning from the end): outputs [5, 5, 4, 4, 1] come from elements 1, 1, 2, 3, 4
    assert.deepEqual(
      ones((t) => nx.cumulativeMax(t, { reverse: true }), [2, 5, 4, 4, 1]),
      [0, 2, 1, 1, 1],
    );
    // outputs [3, 1, 1, 1, 0] come from elements 0, 1, 1, 3, 4
    assert.deepEqual(ones(nx.cumulativeMin, [3, 1, 2, 1, 0]), [1, 2, 0, 1, 1]);
    // After a NaN, the gradient goes to the NaN.
    assert.deepEqual(ones(nx.cumulativeMax, [1, NaN, 3]), [1, 2, 0]);
    // Weighted cotangents, distinct values: finite differences.
    for (const f of [nx.cumulativeMax, nx.cumulativeMin])
      for (const reverse of [false, true])
        assertGradient((t: nx.Tensor) => weightedSum(f(t, { axis: 1, reverse })), rand(40, [3, 5]));
  });

  it("errors name the op", () => {
    assert.throws(() => nx.cumulativeProduct(m(), { axis: 2 }), /^RangeError: cumulativeProduct: /);
    assert.throws(
      () => nx.cumulativeMax(m(), { reverse: 1 as never }),
      /^TypeError: cumulativeMax: reverse /,
    );
    assert.throws(() => nx.cumulativeMin("x" as never), /^TypeError: cumulativeMin: /);
  });
});

/** A tensor's dtype, shape and values, for exact comparison (NaN equals NaN, −0 differs from 0). */
const snap = (t: nx.Tensor) => ({ dtype: t.dtype, shape: [...t.shape], values: t.toArray() });

const SPECIAL = [0, -0, 0.5, -0.25, NaN, Infinity, -Infinity, 1e-30, 3e38, 0.999, -1, 2.5];
const FLOATS = {
  f32: nx.reshape(nx.tensor(SPECIAL, { dtype: "f32" }), [4, 3]),
  f64: nx.reshape(
    nx.tensor([...SPECIAL.slice(0, 8), 1e300, 0.999, -1, 2.5], { dtype: "f64" }),
    [4, 3],
  ),
};
const INTS = {
  s32: nx.reshape(
    nx.tensor([0, -1, 7, -2147483648, 2147483647, 12, -5, 3, 100000, -100000, 2, 46341], {
      dtype: "s32",
    }),
    [4, 3],
  ),
  u32: nx.reshape(
    nx.tensor([0, 1, 4294967295, 123456789, 7, 65536, 3, 2147483648, 12, 5, 99, 65537], {
      dtype: "u32",
    }),
    [4, 3],
  ),
  u8: nx.reshape(nx.tensor([0, 1, 200, 255, 7, 16, 3, 128, 12, 5, 99, 2], { dtype: "u8" }), [4, 3]),
};
const COUNTS = {
  s32: nx.tensor([1, 31, -2], { dtype: "s32" }),
  u32: nx.tensor([1, 31, 40], { dtype: "u32" }),
  u8: nx.tensor([1, 7, 9], { dtype: "u8" }),
};
const UNARY: [string, (x: nx.Tensor) => nx.Tensor][] = [
  ["asin", nx.asin],
  ["acos", nx.acos],
  ["atan", nx.atan],
  ["sinh", nx.sinh],
  ["cosh", nx.cosh],
  ["asinh", nx.asinh],
  ["acosh", nx.acosh],
  ["atanh", nx.atanh],
  ["log2", nx.log2],
  ["log10", nx.log10],
  ["erfc", nx.erfc],
  ["erfInv", nx.erfInv],
  ["cbrt", nx.cbrt],
];

/** jit(f) equals f exactly, on the tracing call and on a cached one. */
function sameUnderJit<A extends nx.Tensor[]>(f: (...args: A) => nx.Tensor, ...args: A): void {
  const eager = snap(f(...args));
  const jf = nx.jit(f);
  assert.deepEqual(snap(jf(...args)), eager);
  assert.deepEqual(snap(jf(...args)), eager, "second (cached) call");
}

describe("jit vs eager (bit for bit)", () => {
  for (const [name, f] of UNARY) {
    it(`${name}: every dtype, alone and fused after a multiply`, () => {
      for (const x of [...Object.values(FLOATS), ...Object.values(INTS)]) sameUnderJit(f, x);
      sameUnderJit((x: nx.Tensor) => f(nx.multiply(x, 0.75)), FLOATS.f32);
    });
  }
  it("atan2 and log with a base, broadcast", () => {
    for (const x of Object.values(FLOATS)) {
      sameUnderJit(nx.atan2, x, nx.tensor([0.5, -0, -2], { dtype: x.dtype }));
      sameUnderJit((a: nx.Tensor) => nx.log(a, 3), x);
    }
  });
  const bitwise: [string, (a: nx.Tensor, b: nx.Tensor) => nx.Tensor][] = [
    ["bitwiseAnd", nx.bitwiseAnd],
    ["bitwiseOr", nx.bitwiseOr],
    ["bitwiseXor", nx.bitwiseXor],
    ["leftShift", nx.leftShift],
    ["rightShift", nx.rightShift],
  ];
  for (const [name, f] of bitwise) {
    it(`${name}: every integer dtype, broadcast, and fused with bitwiseNot and an add`, () => {
      for (const dt of ["s32", "u32", "u8"] as const) {
        sameUnderJit(f, INTS[dt], COUNTS[dt]);
        sameUnderJit(
          (a: nx.Tensor, b: nx.Tensor) => nx.add(f(nx.bitwiseNot(a), b), 1),
          INTS[dt],
          COUNTS[dt],
        );
      }
    });
  }
  it("scans: every dtype, both directions, and under grad", () => {
    for (const x of [...Object.values(FLOATS), ...Object.values(INTS)])
      for (const f of [nx.cumulativeProduct, nx.cumulativeMax, nx.cumulativeMin])
        for (const reverse of [false, true])
          sameUnderJit((t: nx.Tensor) => f(t, { axis: 1, reverse }), x);
    const x = rand(41, [3, 4]);
    for (const f of [nx.cumulativeProduct, nx.cumulativeMax, nx.cumulativeMin])
      sameUnderJit(
        nx.grad((t: nx.Tensor) => weightedSum(f(t, { axis: 0 }))),
        x,
      );
  });
});

describe("the WebAssembly engine", () => {
  // Wasm loops lower only operations whose f32 result is correctly rounded (and exp, sigmoid);
  // these ops have no Wasm lowering, so a loop holding one stays in JavaScript under every engine.
  const big = (seed: number) => nx.asType(rand(seed, [64, 32], -0.9, 0.9), "f32");
  it("gives what the JavaScript engine gives, falling back for a loop with these ops", () => {
    const x = big(42);
    const y = big(43);
    for (const [name, f] of UNARY) {
      const g = (a: nx.Tensor, b: nx.Tensor) => nx.add(f(nx.multiply(a, 0.5)), b);
      const js = nx.jit(g, { backend: "js" });
      const wasm = nx.jit(g, { backend: "wasm" });
      assert.deepEqual(snap(wasm(x, y)), snap(js(x, y)), name);
      assert.doesNotMatch(wasm.source(x, y), /\(wasm\)/, name);
    }
    const a2 = nx.jit((a: nx.Tensor, b: nx.Tensor) => nx.atan2(a, b), { backend: "wasm" });
    assert.deepEqual(
      snap(a2(x, y)),
      snap(nx.jit((a: nx.Tensor, b: nx.Tensor) => nx.atan2(a, b), { backend: "js" })(x, y)),
    );
  });
  it("still lowers the loops around them (the engine is on)", (t) => {
    if (!simdSupported()) return t.skip("no WebAssembly SIMD here");
    const g = (a: nx.Tensor, b: nx.Tensor) => nx.add(nx.multiply(a, b), b);
    assert.match(nx.jit(g, { backend: "wasm" }).source(big(44), big(45)), /\(wasm\)/);
  });
});
