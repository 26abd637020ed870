/**
 * jit(f)(x) against f(x) for every public op. Eager ops run the same generated code one primitive at
 * a time, and fused loops store every intermediate with its dtype's rounding (Math.fround for f32),
 * so results must be bit-identical: compared with deepStrictEqual of toArray() (NaN equals NaN,
 * −0 differs from 0), plus shape and dtype. Also the jit cache and jit's errors.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { rand } from "./gradcheck.js";

/** Tensors of a result tree as { dtype, shape, values }; other leaves unchanged. */
function snapshot(x: unknown): unknown {
  if (x instanceof nx.Tensor)
    // The bytes too: s64 values past 2^53 differ there only.
    return { dtype: x.dtype, shape: [...x.shape], values: x.toArray(), bytes: x.toBytes() };
  if (Array.isArray(x)) return x.map(snapshot);
  if (x !== null && typeof x === "object")
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, snapshot(v)]));
  return x;
}

/**
 * jit(f)(...args) equals f(...args) exactly, on the first (tracing) call and on a second (cached)
 * call, and the first result is not overwritten by the second run (pooled buffers stay internal).
 */
function same<A extends unknown[]>(f: (...args: A) => unknown, ...args: A): void {
  const jf = nx.jit(f);
  const eager = snapshot(f(...args));
  const first = jf(...args);
  const firstSnap = snapshot(first);
  assert.deepEqual(firstSnap, eager);
  assert.deepEqual(snapshot(jf(...args)), eager, "second (cached) call");
  assert.deepEqual(snapshot(first), firstSnap, "the first result changed after a second call");
}

const f32 = (t: nx.Tensor) => nx.asType(t, "f32");

// Inputs with the awkward values: signed zeros, NaN, infinities, tiny and huge magnitudes.
const SPECIAL = [0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, 1e-30, 3e38, 0.1, -0.7, 2.5];
const INPUTS: Record<(typeof DTYPES)[number], nx.Tensor> = {
  f32: nx.reshape(nx.tensor(SPECIAL, { dtype: "f32" }), [4, 3]),
  f64: nx.reshape(
    nx.tensor([...SPECIAL.slice(0, 8), 1e300, 0.1, -0.7, 2.5], { dtype: "f64" }),
    [4, 3],
  ),
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
  // 16-bit floats: SPECIAL rounded (1e-30 to 0, 3e38 to Infinity in f16), plus their largest value.
  f16: nx.reshape(
    nx.tensor([...SPECIAL.slice(0, 8), 65504, 0.1, -0.7, 2.5], { dtype: "f16" }),
    [4, 3],
  ),
  bf16: nx.reshape(nx.tensor(SPECIAL, { dtype: "bf16" }), [4, 3]),
  // s64: beyond 2^53 (exact as bigints), the extremes, and values that overflow when combined.
  s64: nx.reshape(
    nx.tensor(
      new BigInt64Array([
        0n,
        -1n,
        7n,
        -(2n ** 63n),
        2n ** 63n - 1n,
        2n ** 53n + 1n,
        -5n,
        3n,
        100000n,
        -100000n,
        2n,
        3037000500n,
      ]),
    ),
    [4, 3],
  ),
};
/** A [3] operand that broadcasts against the [4,3] inputs (no zeros, so integer division is defined). */
const ROW: Record<(typeof DTYPES)[number], nx.Tensor> = {
  f32: nx.tensor([0.3, -1.7, NaN], { dtype: "f32" }),
  f64: nx.tensor([0.3, -1.7, Infinity], { dtype: "f64" }),
  s32: nx.tensor([3, -7, 65536], { dtype: "s32" }),
  u32: nx.tensor([3, 4000000000, 65536], { dtype: "u32" }),
  u8: nx.tensor([3, 250, 16], { dtype: "u8" }),
  f16: nx.tensor([0.3, -1.7, NaN], { dtype: "f16" }),
  bf16: nx.tensor([0.3, -1.7, Infinity], { dtype: "bf16" }),
  s64: nx.tensor(new BigInt64Array([3n, -7n, 2n ** 40n])),
};
const DTYPES = ["f32", "f64", "s32", "u32", "u8", "f16", "bf16", "s64"] as const;

describe("jit vs eager: elementwise", () => {
  const unary: [string, (x: nx.Tensor) => nx.Tensor][] = [
    ["negate", nx.negate],
    ["abs", nx.abs],
    ["sign", nx.sign],
    ["exp", nx.exp],
    ["expm1", nx.expm1],
    ["log", nx.log],
    ["log1p", nx.log1p],
    ["sqrt", nx.sqrt],
    ["rsqrt", nx.rsqrt],
    ["sin", nx.sin],
    ["cos", nx.cos],
    ["tan", nx.tan],
    ["tanh", nx.tanh],
    ["sigmoid", nx.sigmoid],
    ["erf", nx.erf],
    ["floor", nx.floor],
    ["ceil", nx.ceil],
    ["round", nx.round],
    ["trunc", nx.trunc],
    ["isNan", nx.isNan],
    ["isInfinite", nx.isInfinite],
    ["logicalNot", nx.logicalNot],
    ["clip", (x) => nx.clip(x, -1, 2)],
  ];
  for (const [name, f] of unary) {
    it(`${name} on every dtype`, () => {
      for (const dt of DTYPES) same(f, INPUTS[dt]);
    });
    it(`${name} fused after a multiply (f32)`, () =>
      same((x: nx.Tensor) => f(nx.multiply(x, 1.25)), INPUTS.f32));
  }

  const binary: [string, (a: nx.Tensor | number, b: nx.Tensor | number) => nx.Tensor][] = [
    ["add", nx.add],
    ["subtract", nx.subtract],
    ["multiply", nx.multiply],
    ["divide", nx.divide],
    ["pow", nx.pow],
    ["remainder", nx.remainder],
    ["maximum", nx.maximum],
    ["minimum", nx.minimum],
    ["equal", nx.equal],
    ["notEqual", nx.notEqual],
    ["less", nx.less],
    ["lessEqual", nx.lessEqual],
    ["greater", nx.greater],
    ["greaterEqual", nx.greaterEqual],
    ["logicalAnd", nx.logicalAnd],
    ["logicalOr", nx.logicalOr],
  ];
  for (const [name, f] of binary) {
    it(`${name}: [4,3] with a broadcast [3], every dtype`, () => {
      for (const dt of DTYPES) same(f, INPUTS[dt], ROW[dt]);
    });
    it(`${name}: with JS numbers on either side (integer and fractional)`, () => {
      for (const dt of DTYPES) {
        same((x: nx.Tensor) => f(x, 3), INPUTS[dt]);
        same((x: nx.Tensor) => f(-2.5, x), INPUTS[dt]);
      }
    });
    it(`${name}: mixed dtypes promote the same way`, () => {
      same(f, INPUTS.s32, ROW.f32);
      same(f, INPUTS.u8, ROW.s32);
      same(f, INPUTS.f32, ROW.f64);
    });
  }

  it("select with broadcasting predicate and branches", () => {
    const pred = nx.tensor([1, 0, 1], { dtype: "u8" });
    for (const dt of DTYPES)
      same(
        (p: nx.Tensor, a: nx.Tensor, b: nx.Tensor) => nx.select(p, a, b),
        pred,
        INPUTS[dt],
        ROW[dt],
      );
    same((x: nx.Tensor) => nx.select(nx.greater(x, 0), x, -1), INPUTS.f32);
  });

  it("asType between every pair of dtypes (truncation, wrapping, f32 rounding)", () => {
    for (const from of DTYPES)
      for (const to of DTYPES) same((x: nx.Tensor) => nx.asType(x, to), INPUTS[from]);
  });

  it("asType fused inside a chain (intermediates are rounded to their dtype)", () => {
    for (const to of DTYPES)
      same((x: nx.Tensor) => nx.add(nx.asType(nx.multiply(x, 3.7), to), 1), INPUTS.f64);
  });
});

describe("jit vs eager: fused chains", () => {
  const x = f32(rand(1, [3, 1], -2, 2));
  const y = f32(rand(2, [1, 4], 0.5, 2));

  it("x·2 + 1 → exp → ÷ y with [3,1] and [1,4] inputs", () => {
    same((a: nx.Tensor, b: nx.Tensor) => a.multiply(2).add(1).exp().divide(b), x, y);
  });
  it("a fully fused chain (one loop, broadcast reads) matches eager", () => {
    const a = f32(rand(7, [2, 3], -2, 2));
    const b = f32(rand(8, [3], 0.5, 2));
    const f = (p: nx.Tensor, q: nx.Tensor) => p.multiply(2).add(1).exp().divide(q);
    assert.match(nx.jit(f).source(a, b), /\/\/ multiply,add,exp,divide\n/);
    same(f, a, b);
  });
  it("a chain crossing f32 → f64 → f32", () => {
    same(
      (a: nx.Tensor, b: nx.Tensor) =>
        nx.add(nx.asType(nx.multiply(nx.sin(nx.asType(a, "f64")), nx.asType(b, "f64")), "f32"), a),
      x,
      y,
    );
  });
  it("a chain whose intermediate is used twice and also returned", () => {
    same(
      (a: nx.Tensor, b: nx.Tensor) => {
        const t = nx.tanh(nx.multiply(a, b));
        return [nx.add(nx.multiply(t, t), t), t];
      },
      x,
      y,
    );
  });
  it("select of a comparison inside a chain", () => {
    same(
      (a: nx.Tensor) => nx.select(nx.greater(a, 0), nx.sqrt(a), nx.log1p(nx.negate(a))).multiply(3),
      f32(rand(3, [2, 5], -0.9, 2)),
    );
  });
  it("softmax: reduction in the middle of elementwise chains", () => {
    same(
      (a: nx.Tensor) => {
        const e = nx.exp(nx.subtract(a, nx.reduceMax(a, { axes: [1], keepAxes: true })));
        return nx.divide(e, nx.sum(e, { axes: [1], keepAxes: true }));
      },
      f32(rand(4, [3, 5], -3, 3)),
    );
  });
  it("an s32 chain that overflows (Math.imul and |0 wrapping)", () => {
    same(
      (a: nx.Tensor, b: nx.Tensor) => nx.remainder(nx.add(nx.multiply(a, b), 2147483000), 1000),
      INPUTS.s32,
      ROW.s32,
    );
  });
  it("a u8 chain that wraps", () => {
    same((a: nx.Tensor) => nx.subtract(nx.multiply(a, 3), 7), INPUTS.u8);
  });
  it("scalar inputs and scalar constants", () => {
    same(
      (a: nx.Tensor, b: nx.Tensor) => nx.add(nx.multiply(a, 0.1), nx.divide(b, 3)),
      nx.tensor(1.7),
      f32(rand(5, [2, 3])),
    );
  });
  it("a long chain of 20 ops", () => {
    same(
      (a: nx.Tensor) => {
        let t = a;
        for (let i = 0; i < 20; i++) t = i % 2 ? nx.sin(nx.add(t, 0.3)) : nx.multiply(t, 1.1);
        return t;
      },
      f32(rand(6, [7])),
    );
  });
});

describe("jit vs eager: reductions", () => {
  const x32 = f32(rand(1, [2, 3, 4], -3, 3));
  const x64 = rand(2, [2, 3, 4], -3, 3);
  const xs32 = nx.asType(nx.multiply(rand(3, [2, 3, 4], -9, 9), 1), "s32");
  const options: { axes?: number[]; keepAxes?: boolean }[] = [
    {},
    { axes: [1] },
    { axes: [0, 2] },
    { axes: [-1], keepAxes: true },
    { axes: [0], keepAxes: true },
  ];
  const reductions: [
    string,
    (x: nx.Tensor, o: { axes?: number[]; keepAxes?: boolean }) => nx.Tensor,
  ][] = [
    ["sum", nx.sum],
    ["product", nx.product],
    ["mean", nx.mean],
    ["reduceMax", nx.reduceMax],
    ["reduceMin", nx.reduceMin],
    ["variance", nx.variance],
    ["standardDeviation", (x, o) => nx.standardDeviation(x, { ...o, ddof: 1 })],
    ["logsumexp", nx.logsumexp],
    ["all", nx.all],
    ["any", nx.any],
  ];
  for (const [name, f] of reductions) {
    it(`${name} over several axes, f32/f64/s32`, () => {
      for (const o of options) for (const x of [x32, x64, xs32]) same((t: nx.Tensor) => f(t, o), x);
    });
  }
  it("reductions of special values (NaN, ±Infinity)", () => {
    for (const [, f] of reductions) same((t: nx.Tensor) => f(t, { axes: [1] }), INPUTS.f32);
  });
  it("argmax/argmin with and without an axis, keepAxis", () => {
    for (const x of [x32, INPUTS.f32, xs32]) {
      same((t: nx.Tensor) => [nx.argmax(t), nx.argmin(t)], x);
      same(
        (t: nx.Tensor) => [nx.argmax(t, { axis: 1 }), nx.argmin(t, { axis: 0, keepAxis: true })],
        x,
      );
    }
  });
  it("cumulativeSum forward and reverse on each axis", () => {
    for (const x of [x32, x64, xs32, INPUTS.u8]) {
      for (let axis = 0; axis < x.rank; axis++)
        for (const reverse of [false, true])
          same((t: nx.Tensor) => nx.cumulativeSum(t, { axis, reverse }), x);
    }
  });
});

describe("jit vs eager: shape ops", () => {
  const x = f32(rand(1, [2, 3, 4]));
  const cases: [string, (t: nx.Tensor) => unknown][] = [
    ["reshape", (t) => nx.reshape(t, [6, -1])],
    ["flatten", (t) => nx.flatten(t)],
    ["squeeze/newAxis", (t) => nx.squeeze(nx.newAxis(t, 1), { axes: [1] })],
    ["broadcast", (t) => nx.broadcast(nx.slice(t, [0, 0, 0], [1, 3, 1]), [2, 2, 3, 4])],
    [
      "broadcast with axes",
      (t) => nx.broadcast(nx.sum(t, { axes: [0, 2] }), [3, 2], { axes: [0] }),
    ],
    ["transpose", (t) => [nx.transpose(t), nx.transpose(t, [1, 2, 0])]],
    ["slice with strides", (t) => nx.slice(t, [0, 1, 1], [2, 2, 3], [1, 2, 2])],
    ["sliceAlong", (t) => nx.sliceAlong(t, 1, 3, { axis: 2 })],
    [
      "take",
      (t) => [
        nx.take(t, [2, 0, 2], { axis: 1 }),
        nx.take(
          t,
          nx.tensor(
            [
              [1, 0],
              [0, 0],
            ],
            { dtype: "s32" },
          ),
        ),
      ],
    ],
    ["putSlice", (t) => nx.putSlice(t, [1, 0, 2], nx.ones([1, 2, 2]))],
    [
      "pad",
      (t) => [
        nx.pad(t, 0.5, [
          [1, 0],
          [0, 2, 1],
          [-1, 1, 2],
        ]),
        nx.pad(t, -Infinity, [
          [0, 0],
          [1, 1],
          [0, 0],
        ]),
      ],
    ],
    ["reverse", (t) => [nx.reverse(t), nx.reverse(t, { axes: [1] })]],
    ["tile", (t) => nx.tile(t, [2, 1, 1, 2])],
    [
      "concatenate",
      (t) => nx.concatenate([t, nx.multiply(t, 2), nx.slice(t, [0, 0, 0], [2, 1, 4])], { axis: 1 }),
    ],
    ["stack", (t) => nx.stack([t, nx.negate(t)], { axis: 2 })],
    ["stopGradient", (t) => nx.stopGradient(nx.exp(t))],
    ["squeeze without axes", (t) => nx.squeeze(nx.slice(t, [0, 1, 0], [2, 1, 1]))],
    ["iteration over axis 0", (t) => [...t]],
    // Eagerly a batch is a view of the data; traced, it is a slice (and a take for "repeat").
    [
      "toBatched",
      (t) => [
        ...nx.toBatched(nx.reshape(t, [6, 4]), 4, { leftover: "repeat" }),
        ...nx.toBatched(t, 1),
      ],
    ],
  ];
  for (const [name, f] of cases) it(name, () => same(f, x));
  it("shape ops on integer dtypes", () => {
    for (const dt of ["s32", "u8"] as const)
      for (const [name, f] of cases)
        if (name !== "stopGradient") same(f, nx.asType(nx.multiply(x, 50), dt));
  });
});

describe("jit vs eager: linalg", () => {
  const a = rand(1, [3, 4]);
  const b = rand(2, [4, 2]);
  for (const dt of ["f32", "f64"] as const) {
    const cast = (t: nx.Tensor) => nx.asType(t, dt);
    const spd = cast(
      nx.add(
        nx.matmul(rand(3, [2, 3, 3]), nx.transpose(rand(3, [2, 3, 3]), [0, 2, 1])),
        nx.multiply(nx.eye(3, { dtype: "f64" }), 3),
      ),
    );
    const sq = cast(nx.add(rand(4, [2, 3, 3]), nx.multiply(nx.eye(3, { dtype: "f64" }), 2)));
    it(`dot in all its forms (${dt})`, () => {
      same((p: nx.Tensor, q: nx.Tensor) => nx.dot(p, q), cast(a), cast(b));
      same((p: nx.Tensor, q: nx.Tensor) => nx.dot(p, [0], q, [1]), cast(b), cast(rand(5, [3, 4])));
      same(
        (p: nx.Tensor, q: nx.Tensor) => nx.dot(p, [2], [0], q, [1], [0]),
        cast(rand(6, [2, 3, 4])),
        cast(rand(7, [2, 4, 5])),
      );
      same((p: nx.Tensor, q: nx.Tensor) => nx.dot(p, q), cast(rand(8, [4])), cast(rand(9, [4])));
      same(
        (p: nx.Tensor, q: nx.Tensor) => [
          nx.dotGeneral(p, [0], [2], q, [1], [0]),
          p.dot(nx.matrixTranspose(p)),
        ],
        cast(rand(22, [4, 3, 2])),
        cast(rand(23, [2, 4])),
      );
    });
    it(`matmul, batch matmul and outer (${dt})`, () => {
      same(nx.matmul, cast(rand(10, [2, 1, 3, 4])), cast(rand(11, [3, 4, 2])));
      same(nx.matmul, cast(rand(12, [4])), cast(rand(13, [4, 2])));
      same(nx.outer, cast(rand(14, [3])), cast(rand(15, [2])));
    });
    it(`cholesky, triangularSolve, solve, inverse, determinant (${dt})`, () => {
      same(nx.cholesky, spd);
      same(
        (t: nx.Tensor, r: nx.Tensor) => nx.triangularSolve(nx.cholesky(t), r, { transposeA: true }),
        spd,
        cast(rand(16, [2, 3, 2])),
      );
      same(
        (t: nx.Tensor, r: nx.Tensor) =>
          nx.triangularSolve(t, r, { lower: false, unitDiagonal: true }),
        sq,
        cast(rand(17, [2, 3, 2])),
      );
      same(nx.solve, sq, cast(rand(18, [2, 3, 2])));
      same(nx.inverse, sq);
      same(nx.determinant, sq);
    });
    it(`qr reduced and complete, tril/triu (${dt})`, () => {
      same((t: nx.Tensor) => nx.qr(t), cast(rand(19, [5, 3])));
      same((t: nx.Tensor) => nx.qr(t, { mode: "complete" }), cast(rand(20, [2, 4, 3])));
      same((t: nx.Tensor) => nx.qr(t), cast(rand(21, [2, 4])));
      same((t: nx.Tensor) => [nx.tril(t), nx.triu(t, 1), nx.tril(t, -1)], sq);
    });
    it(`eigh, lu and pinv (${dt})`, () => {
      same((t: nx.Tensor) => nx.eigh(t), spd);
      same((t: nx.Tensor) => nx.eigh(t), cast(rand(28, [2, 4, 4])));
      same((t: nx.Tensor) => nx.lu(t), sq);
      same((t: nx.Tensor) => nx.lu(t), cast(rand(29, [2, 4, 4])));
      same((t: nx.Tensor) => nx.pinv(t), cast(rand(30, [2, 5, 3])));
      same((t: nx.Tensor) => nx.pinv(t, { eps: 0.5 }), cast(rand(31, [3, 6])));
      same((t: nx.Tensor) => nx.pinv(t), cast(rand(32, [4])));
      // The derivatives of svd (through pinv), eigh and lu.
      same(
        nx.grad((m: nx.Tensor) =>
          nx.add(
            nx.add(
              nx.sum(nx.pinv(m)),
              nx.sum(nx.eigh(nx.matmul(m, nx.matrixTranspose(m))).eigenvecs),
            ),
            nx.sum(nx.lu(m).u),
          ),
        ),
        sq,
      );
    });
    it(`svd and leastSquares (${dt})`, () => {
      same((t: nx.Tensor) => nx.svd(t), cast(rand(22, [2, 5, 3])));
      same((t: nx.Tensor) => nx.svd(t), cast(rand(23, [3, 6])));
      same(
        (a: nx.Tensor, b: nx.Tensor) => nx.leastSquares(a, b),
        cast(rand(24, [9, 3])),
        cast(rand(25, [9, 2])),
      );
      same(
        (a: nx.Tensor, b: nx.Tensor) => nx.leastSquares(a, b),
        cast(rand(26, [2, 4])),
        cast(rand(27, [2])),
      );
    });
  }
});

describe("jit vs eager: sorting, oneHot, random", () => {
  const x = nx.tensor(
    [
      [3, 1, NaN, 1, -0, 0],
      [2, 2, -Infinity, 5, 0.5, 2],
    ],
    { dtype: "f32" },
  );
  it("sort and argsort (ties are stable, NaN sorts last), ascending and descending, both axes", () => {
    for (const descending of [false, true]) {
      for (const axis of [0, 1])
        same(
          (t: nx.Tensor) => [nx.sort(t, { axis, descending }), nx.argsort(t, { axis, descending })],
          x,
        );
    }
    same((t: nx.Tensor) => nx.sort(t), INPUTS.s32);
  });
  it("topK and takeAlongAxis", () => {
    same((t: nx.Tensor) => nx.topK(t, 3), x);
    same(
      (t: nx.Tensor, i: nx.Tensor) => nx.takeAlongAxis(t, i, 1),
      x,
      nx.tensor(
        [
          [5, 0],
          [1, 1],
        ],
        { dtype: "s32" },
      ),
    );
  });
  it("oneHot with default and explicit dtype", () => {
    const labels = nx.tensor(
      [
        [0, 2],
        [1, 1],
      ],
      { dtype: "s32" },
    );
    same((l: nx.Tensor) => [nx.oneHot(l, 3), nx.oneHot(l, 4, { dtype: "f32" })], labels);
  });
  it("random with a key argument: split, uniform (f32, f64), normal, randint, permutation, shuffle", () => {
    const key = nx.random.key(42);
    same((k: nx.Tensor) => {
      const [k1, k2, k3, k4] = nx.random.split(k, 4);
      return {
        keys: nx.random.split(k, 3),
        u32: nx.random.uniform(k1!, [3, 4]),
        u64: nx.random.uniform(k1!, [5], { dtype: "f64", min: -2, max: 3 }),
        normal: nx.random.normal(k2!, [2, 3], { mean: 1, std: 2 }),
        ints: nx.random.randint(k3!, [6], { min: -5, max: 5 }),
        perm: nx.random.permutation(k4!, 7),
        shuffled: nx.random.shuffle(k4!, nx.arange(10)),
      };
    }, key);
  });
  it("random with a captured key (a constant in the compiled program)", () => {
    const key = nx.random.key(7);
    same((shift: nx.Tensor) => nx.add(nx.random.normal(key, [4]), shift), nx.tensor(0.5));
  });
});

describe("jit: trees, identities and constants", () => {
  const x = nx.tensor([1, 2, 3]);
  const y = nx.tensor([[4], [5]]);

  it("returns trees {a, b: [c]} with static leaves kept", () => {
    same(
      (p: { x: nx.Tensor; y: nx.Tensor }) => ({
        a: nx.add(p.x, 1),
        b: [nx.multiply(p.y, p.x)],
        n: 3,
        s: "text",
      }),
      { x, y },
    );
  });
  it("takes trees with static leaves", () => {
    same((p: { w: nx.Tensor[]; scale: number }) => nx.multiply(nx.add(p.w[0]!, p.w[1]!), p.scale), {
      w: [x, x],
      scale: 2,
    });
  });
  it("returns one of its inputs unchanged (and reshaped, an alias)", () => {
    same((a: nx.Tensor, b: nx.Tensor) => [a, nx.reshape(b, [2]), nx.add(a, 1)], x, y);
    const jf = nx.jit((a: nx.Tensor) => a);
    assert.deepEqual(jf(x).toArray(), [1, 2, 3]);
    assert.deepEqual(jf(nx.tensor([7, 8, 9])).toArray(), [7, 8, 9]);
  });
  it("uses a captured constant, and may return it", () => {
    const c = nx.tensor([10, 20, 30]);
    same((a: nx.Tensor) => nx.add(a, c), x);
    same(() => c);
    same(() => [
      c,
      nx.iota([2, 3], { axis: 1 }),
      nx.eye(2),
      nx.linspace(0, 1, { n: 5 }),
      nx.arange(1, 2, 0.25),
    ]);
    same(
      (a: nx.Tensor) => [
        nx.add(a, nx.zeros([2, 3])),
        nx.multiply(nx.ones([3], { dtype: "s32" }), nx.full([1], 7)),
        nx.add(nx.zerosLike(a), nx.onesLike(a)),
        nx.add(a, nx.fromBuffer(new Float32Array([0.5, 1.5, 2.5]), "f32")),
        nx.add(a, nx.tensor([[1], [2]], { dtype: "u8" })),
      ],
      x,
    );
  });
  it("the same output twice", () => {
    same((a: nx.Tensor) => {
      const t = nx.exp(a);
      return [t, t];
    }, x);
  });
});

describe("jit: multi-output fusion", () => {
  /** Number of steps (`{ // op,op` blocks: fused loops and kernels) in a jitted program. */
  const loops = (source: string) => source.split("\n").filter((l) => /^\{ \/\/ \w/.test(l)).length;
  const adam = (p: nx.Tensor, m: nx.Tensor, v: nx.Tensor, g: nx.Tensor) => {
    const m2 = nx.add(nx.multiply(m, 0.9), nx.multiply(g, 0.1));
    const v2 = nx.add(nx.multiply(v, 0.999), nx.multiply(nx.multiply(g, g), 0.001));
    const p2 = nx.subtract(p, nx.divide(nx.multiply(m2, 1e-3), nx.add(nx.sqrt(v2), 1e-8)));
    return { p2, m2, v2 };
  };
  const args = [rand(1, [4, 3]), rand(2, [4, 3]), nx.abs(rand(3, [4, 3])), rand(4, [4, 3])].map(
    f32,
  ) as [nx.Tensor, nx.Tensor, nx.Tensor, nx.Tensor];

  it("Adam's new m, v and parameter come out of one loop, equal to eager", () => {
    assert.equal(loops(nx.jit(adam, { backend: "js" }).source(...args)), 1);
    same(adam, ...args);
  });

  it("a value a kernel reads between the two loops keeps its own loop", () => {
    // m2 feeds a matmul whose result the second loop needs: m2 must be in memory before it.
    const f = (m: nx.Tensor, g: nx.Tensor) => {
      const m2 = nx.multiply(nx.add(m, g), 0.5);
      const s = nx.matmul(m2, nx.transpose(m2));
      return { m2, out: nx.add(m2, nx.sum(s)) };
    };
    const blocks = nx
      .jit(f, { backend: "js" })
      .source(args[1], args[3])
      .split("\n")
      .filter((l) => l.startsWith("{ // "));
    assert.deepEqual(blocks, [
      "{ // add,multiply",
      "{ // transpose",
      "{ // matmul",
      "{ // reduceSum",
      "{ // add",
    ]);
    same(f, args[1], args[3]);
  });

  it("an alias of a value (a reshape) read by the next loop is not fused into it", () => {
    const f = (a: nx.Tensor) => {
      const b = nx.exp(a);
      const c = nx.reshape(b, [3, 4]);
      return { b, c: nx.add(nx.reshape(c, [4, 3]), b) };
    };
    same(f, args[0]);
  });
});

describe("jit cache", () => {
  it("a second call with the same shapes does not retrace; a new shape or dtype does", () => {
    let calls = 0;
    const f = nx.jit((a: nx.Tensor) => {
      calls++;
      return nx.multiply(a, 2);
    });
    assert.deepEqual(f(nx.tensor([1, 2])).toArray(), [2, 4]);
    assert.deepEqual(f(nx.tensor([3, 4])).toArray(), [6, 8]);
    assert.equal(calls, 1);
    assert.deepEqual(f(nx.tensor([1, 2, 3])).toArray(), [2, 4, 6]);
    assert.equal(calls, 2);
    f(nx.tensor([1, 2], { dtype: "f64" }));
    assert.equal(calls, 3);
    f(nx.tensor([5, 6]));
    assert.equal(calls, 3);
  });

  it("a non-tensor argument is static: the same value reuses, a new value retraces", () => {
    let calls = 0;
    const f = nx.jit((a: nx.Tensor, k: number, opts: { mode: string }) => {
      calls++;
      return opts.mode === "add" ? nx.add(a, k) : nx.multiply(a, k);
    });
    const x = nx.tensor([1, 2]);
    assert.deepEqual(f(x, 2, { mode: "add" }).toArray(), [3, 4]);
    assert.deepEqual(f(x, 2, { mode: "add" }).toArray(), [3, 4]);
    assert.equal(calls, 1);
    assert.deepEqual(f(x, 3, { mode: "add" }).toArray(), [4, 5]);
    assert.equal(calls, 2);
    assert.deepEqual(f(x, 3, { mode: "mul" }).toArray(), [3, 6]);
    assert.equal(calls, 3);
  });

  it("a new tree structure retraces; debugExpr and source share the cache", () => {
    let calls = 0;
    const f = nx.jit((p: Record<string, nx.Tensor>) => {
      calls++;
      return nx.sum(nx.stack(Object.values(p)));
    });
    const x = nx.tensor([1, 2]);
    f({ a: x });
    f({ a: x, b: x });
    f({ b: x });
    assert.equal(calls, 3);
    assert.match(f.debugExpr({ a: x }), /reduceSum/);
    assert.match(f.source({ a: x }), /function run/);
    assert.equal(calls, 3);
  });

  it("inside another jit the inner function is inlined (traced with the outer program)", () => {
    let calls = 0;
    const inner = nx.jit((a: nx.Tensor) => {
      calls++;
      return nx.exp(a);
    });
    const outer = nx.jit((a: nx.Tensor) => nx.add(inner(a), 1));
    same((a: nx.Tensor) => nx.add(inner(a), 1), nx.tensor([0.5]));
    calls = 0;
    outer(nx.tensor([1, 2]));
    outer(nx.tensor([3, 4]));
    assert.equal(calls, 1);
  });

  it("under grad, a jitted function runs its ops on the tape (also on captured tensors)", () => {
    // d/dx Σ (y·x) over y = [1,1,1] is 3; a compiled program would have baked x in as a constant.
    const ones = nx.ones([3], { dtype: "f64" });
    const g = nx.grad((x: nx.Tensor) => nx.jit((y: nx.Tensor) => nx.sum(nx.multiply(y, x)))(ones))(
      nx.tensor(2, { dtype: "f64" }),
    );
    assert.equal(g.toNumber(), 3);
  });
});

describe("jit errors", () => {
  it("reading a traced value (toNumber, toArray, data) says it is not possible inside jit", () => {
    const x = nx.tensor([1, 2, 3]);
    assert.throws(
      () => nx.jit((a: nx.Tensor) => nx.multiply(a, a.toNumber()))(nx.tensor(2)),
      (e: Error) =>
        /toNumber/.test(e.message) &&
        /traced tensor/.test(e.message) &&
        /inside jit/.test(e.message),
    );
    assert.throws(
      () => nx.jit((a: nx.Tensor) => a.toArray())(x),
      /toArray: cannot read the values of a traced tensor \(f32\[3\]\) inside jit/,
    );
    assert.throws(() => nx.jit((a: nx.Tensor) => a.data())(x), /data: .*inside jit/);
  });

  it("jit of a non-function", () => {
    assert.throws(() => nx.jit(3 as any), /jit: expected a function/);
  });
});

describe("jit vs eager: complex", () => {
  const re = nx.tensor([
    [0.5, -1.25, 2, 3.5],
    [1, 0.75, -0.5, 2.25],
  ]);
  const im = nx.tensor([
    [1, 0.5, -2, 0.25],
    [-1.5, 2, 0.125, -0.75],
  ]);
  it("complex arithmetic, parts, shape ops and sum (c64 and c128)", () => {
    const f = (a: nx.Tensor, b: nx.Tensor) => {
      const z = nx.complex(a, b);
      const w = nx.divide(nx.multiply(nx.exp(z), nx.conjugate(z)), nx.add(z, 3));
      const t = nx.concatenate([nx.transpose(w), nx.slice(nx.reshape(w, [4, 2]), [0, 0], [4, 1])], {
        axis: 1,
      });
      return [nx.sum(t, { axes: [1] }), nx.abs(t), nx.real(t), nx.imag(nx.negate(t))];
    };
    same(f, re, im);
    same(f, nx.asType(re, "f64"), nx.asType(im, "f64"));
  });
  it("fft and ifft with padding and truncation", () => {
    same((a: nx.Tensor) => nx.fft(a, { length: 7 }), re);
    same((a: nx.Tensor, b: nx.Tensor) => nx.ifft(nx.complex(a, b), { length: 3 }), re, im);
  });
});

describe("jit vs eager: control flow and vectorize", () => {
  const x = INPUTS.f32;
  it("cond on each branch, over special values (NaN and infinities in the operands)", () => {
    const f = (t: nx.Tensor, p: nx.Tensor) =>
      nx.cond(
        nx.greater(p, 0),
        (u: nx.Tensor) => ({ a: nx.exp(nx.multiply(u, 0.5)), b: nx.sum(u, { axes: [0] }) }),
        (u: nx.Tensor) => ({ a: nx.tanh(u), b: nx.reduceMax(u, { axes: [0] }) }),
        t,
      );
    same(f, x, nx.tensor(1));
    same(f, x, nx.tensor(-1));
    // A NaN predicate counts as true (it is not 0).
    same(f, x, nx.tensor(NaN));
  });
  it("whileLoop whose trip count depends on the values", () => {
    const f = (t: nx.Tensor) =>
      nx.whileLoop(
        [t, nx.tensor(0, { dtype: "s32" })] as [nx.Tensor, nx.Tensor],
        ([u, k]) => nx.logicalAnd(nx.less(k, 50), nx.greater(nx.reduceMax(nx.abs(u)), 1e-3)),
        ([u, k]) => [nx.multiply(nx.sin(u), 0.9), nx.add(k, 1)] as [nx.Tensor, nx.Tensor],
      );
    same(f, f32(rand(5, [2, 3], -3, 3)));
    same(f, nx.slice(x, [0, 0], [2, 3])); // NaN in it: no iteration
    same(f, INPUTS.f64);
  });
  it("vectorize of a row function", () => {
    same(
      nx.vectorize((r: nx.Tensor) => nx.divide(nx.exp(r), nx.sum(nx.exp(r)))),
      INPUTS.f64,
    );
  });
});
