/**
 * Window reductions (windowSum, windowMean, windowMax, windowMin, windowProduct): Nx's documented
 * examples, a direct reference over many option combinations and awkward sizes, dtypes and
 * padding values, select-and-scatter's choice on ties and NaN, f64 finite-difference gradients of
 * first and second order, jit against eager, and errors.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { bindUnchecked } from "./unchecked.js";
import * as pw from "../src/primitives/window.js";
import { assertGradient, rand, weightedSum } from "./gradcheck.js";

type WindowOp = (x: nx.Tensor, window: readonly number[], options?: nx.WindowOptions) => nx.Tensor;

const OPS: Record<string, WindowOp> = {
  windowSum: nx.windowSum,
  windowMean: nx.windowMean,
  windowMax: nx.windowMax,
  windowMin: nx.windowMin,
  windowProduct: nx.windowProduct,
};

const s32 = (x: unknown) => nx.tensor(x as number[], { dtype: "s32" });
const T1 = () =>
  s32([
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
  ]);
const T2 = () =>
  nx.tensor([
    [
      [4.0, 2.0, 3.0],
      [2.0, 5.0, 6.5],
    ],
    [
      [1.2, 2.2, 3.2],
      [4.0, 5.0, 6.2],
    ],
  ]);
const T3 = () =>
  s32([
    [
      [4, 2, 1, 3],
      [4, 2, 1, 7],
    ],
    [
      [1, 2, 5, 7],
      [1, 8, 9, 2],
    ],
  ]);
const PAD: nx.WindowOptions = {
  strides: [1, 2, 3],
  padding: [
    [0, 1],
    [2, 0],
    [1, 1],
  ],
};
const PAD2: nx.WindowOptions = {
  strides: [2, 1, 1],
  padding: [
    [1, 1],
    [0, 0],
    [1, 1],
  ],
};
const DIL: nx.WindowOptions = { strides: [2, 1, 1], windowDilations: [1, 2, 2] };

/** Rounds f32 results to 7 significant digits, as Nx prints them. */
const digits = (x: nx.Tensor): unknown => {
  const round = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(round) : +(v as number).toPrecision(7);
  return round(x.toArray());
};

describe("windows: Nx's documented examples (nx/lib/nx.ex)", () => {
  it("windowSum", () => {
    assert.deepEqual(nx.windowSum(T1(), [1, 2, 1]).toArray(), [[[5, 7, 9]], [[5, 7, 9]]]);
    assert.deepEqual(nx.windowSum(T1(), [2, 2, 1], PAD).toArray(), [
      [
        [0, 0],
        [0, 18],
      ],
      [
        [0, 0],
        [0, 9],
      ],
    ]);
    assert.deepEqual(digits(nx.windowSum(T2(), [2, 1, 1], PAD2)), [
      [
        [0, 4, 2, 3, 0],
        [0, 2, 5, 6.5, 0],
      ],
      [
        [0, 1.2, 2.2, 3.2, 0],
        [0, 4, 5, 6.2, 0],
      ],
    ]);
    const y = nx.windowSum(T3(), [1, 1, 2], { strides: [2, 1, 1], windowDilations: [1, 2, 1] });
    assert.equal(y.dtype, "s32");
    assert.deepEqual(y.toArray(), [
      [
        [6, 3, 4],
        [6, 3, 8],
      ],
    ]);
    assert.deepEqual(nx.windowSum(T3(), [1, 1, 2], DIL).toArray(), [
      [
        [5, 5],
        [5, 9],
      ],
    ]);
    const padded = nx.windowSum(T3(), [2, 1, 2], {
      ...DIL,
      padding: [
        [2, 1],
        [3, 1],
        [1, 0],
      ],
    });
    assert.deepEqual(padded.toArray(), [
      [0, 0, 0, 0, 0, 0].map(() => [0, 0, 0]),
      [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [4, 11, 14],
        [10, 15, 19],
        [0, 0, 0],
      ],
    ]);
    // The vectorized example, with the two vectorized axes as windowless axes.
    assert.deepEqual(
      nx
        .windowSum(nx.iota([2, 1, 2, 5]), [1, 1, 2, 2], {
          strides: [1, 1, 1, 2],
          windowDilations: [1, 1, 1, 2],
        })
        .toArray(),
      [[[[14, 22]]], [[[54, 62]]]],
    );
  });

  it("windowMean", () => {
    const y = nx.windowMean(T1(), [1, 2, 1]);
    assert.equal(y.dtype, "f32");
    assert.deepEqual(y.toArray(), [[[2.5, 3.5, 4.5]], [[2.5, 3.5, 4.5]]]);
    assert.deepEqual(nx.windowMean(T1(), [2, 2, 1], PAD).toArray(), [
      [
        [0, 0],
        [0, 4.5],
      ],
      [
        [0, 0],
        [0, 2.25],
      ],
    ]);
    assert.deepEqual(digits(nx.windowMean(T2(), [2, 1, 1], PAD2)), [
      [
        [0, 2, 1, 1.5, 0],
        [0, 1, 2.5, 3.25, 0],
      ],
      [
        [0, 0.6, 1.1, 1.6, 0],
        [0, 2, 2.5, 3.1, 0],
      ],
    ]);
    const y2 = nx.windowMean(T3(), [1, 1, 2], { strides: [2, 1, 1], windowDilations: [1, 2, 1] });
    assert.deepEqual(y2.toArray(), [
      [
        [3, 1.5, 2],
        [3, 1.5, 4],
      ],
    ]);
    assert.deepEqual(nx.windowMean(T3(), [1, 1, 2], DIL).toArray(), [
      [
        [2.5, 2.5],
        [2.5, 4.5],
      ],
    ]);
  });

  it("windowMax: padding holds the dtype's lowest value", () => {
    assert.deepEqual(nx.windowMax(T1(), [1, 2, 1]).toArray(), [[[4, 5, 6]], [[4, 5, 6]]]);
    const low = -2147483648;
    const y = nx.windowMax(T1(), [2, 2, 1], PAD);
    assert.equal(y.dtype, "s32");
    assert.deepEqual(y.toArray(), [
      [
        [low, low],
        [low, 6],
      ],
      [
        [low, low],
        [low, 6],
      ],
    ]);
    assert.deepEqual(digits(nx.windowMax(T2(), [2, 1, 1], PAD2)), [
      [
        [-Infinity, 4, 2, 3, -Infinity],
        [-Infinity, 2, 5, 6.5, -Infinity],
      ],
      [
        [-Infinity, 1.2, 2.2, 3.2, -Infinity],
        [-Infinity, 4, 5, 6.2, -Infinity],
      ],
    ]);
    assert.deepEqual(nx.windowMax(T3(), [1, 1, 2], DIL).toArray(), [
      [
        [4, 3],
        [4, 7],
      ],
    ]);
  });

  it("windowMin: padding holds the dtype's highest value", () => {
    assert.deepEqual(nx.windowMin(T1(), [1, 2, 1]).toArray(), [[[1, 2, 3]], [[1, 2, 3]]]);
    const high = 2147483647;
    assert.deepEqual(nx.windowMin(T1(), [2, 2, 1], PAD).toArray(), [
      [
        [high, high],
        [high, 3],
      ],
      [
        [high, high],
        [high, 3],
      ],
    ]);
    assert.deepEqual(digits(nx.windowMin(T2(), [2, 1, 1], PAD2)), [
      [
        [Infinity, 4, 2, 3, Infinity],
        [Infinity, 2, 5, 6.5, Infinity],
      ],
      [
        [Infinity, 1.2, 2.2, 3.2, Infinity],
        [Infinity, 4, 5, 6.2, Infinity],
      ],
    ]);
    assert.deepEqual(nx.windowMin(T3(), [1, 1, 2], DIL).toArray(), [
      [
        [1, 2],
        [1, 2],
      ],
    ]);
  });

  it("windowProduct: padding holds 1", () => {
    assert.deepEqual(nx.windowProduct(T1(), [1, 2, 1]).toArray(), [[[4, 10, 18]], [[4, 10, 18]]]);
    assert.deepEqual(nx.windowProduct(T1(), [2, 2, 1], PAD).toArray(), [
      [
        [1, 1],
        [1, 324],
      ],
      [
        [1, 1],
        [1, 18],
      ],
    ]);
    assert.deepEqual(digits(nx.windowProduct(T2(), [2, 1, 1], PAD2)), [
      [
        [1, 4, 2, 3, 1],
        [1, 2, 5, 6.5, 1],
      ],
      [
        [1, 1.2, 2.2, 3.2, 1],
        [1, 4, 5, 6.2, 1],
      ],
    ]);
    assert.deepEqual(nx.windowProduct(T3(), [1, 1, 2], DIL).toArray(), [
      [
        [4, 6],
        [4, 14],
      ],
    ]);
    assert.deepEqual(
      nx
        .windowProduct(nx.iota([2, 1, 2, 5]), [1, 1, 2, 2], {
          strides: [1, 1, 1, 2],
          windowDilations: [1, 1, 1, 2],
        })
        .toArray(),
      [[[[0, 504]]], [[[30600, 54264]]]],
    );
  });
});

describe("windows: dtypes and special values", () => {
  it("u8 sums and products as u32; means are floats; max and min keep the dtype", () => {
    const u8 = nx.tensor([200, 100, 255, 2], { dtype: "u8" });
    assert.deepEqual(nx.windowSum(u8, [2]).toArray(), [300, 355, 257]);
    assert.equal(nx.windowSum(u8, [2]).dtype, "u32");
    assert.deepEqual(nx.windowProduct(u8, [2]).toArray(), [20000, 25500, 510]);
    assert.equal(nx.windowMean(u8, [2]).dtype, "f32");
    assert.deepEqual(nx.windowMean(u8, [2]).toArray(), [150, 177.5, 128.5]);
    // Windows that lie entirely on padding.
    const pad = { padding: [[1, 1]] as [number, number][] };
    assert.deepEqual(nx.windowMin(u8, [1], pad).toArray(), [255, 200, 100, 255, 2, 255]);
    assert.deepEqual(nx.windowMax(u8, [1], pad).toArray(), [0, 200, 100, 255, 2, 0]);
    const u32 = nx.tensor([5], { dtype: "u32" });
    assert.deepEqual(nx.windowMin(u32, [1], { padding: [[1, 0]] }).toArray(), [4294967295, 5]);
    assert.equal(nx.windowMax(nx.tensor([1, 2], { dtype: "f64" }), [2]).dtype, "f64");
  });

  it("s32 products wrap at 32 bits (as product)", () => {
    const big = nx.tensor([65536, 65536, 3], { dtype: "s32" });
    assert.deepEqual(nx.windowProduct(big, [2]).toArray(), [0, 196608]);
    assert.deepEqual(nx.product(nx.slice(big, [0], [2])).toArray(), 0);
  });

  it("max and min propagate NaN; infinities are ordinary values", () => {
    const x = nx.tensor([1, NaN, 2, -Infinity, Infinity, 0], { dtype: "f64" });
    assert.deepEqual(nx.windowMax(x, [2]).toArray(), [NaN, NaN, 2, Infinity, Infinity]);
    assert.deepEqual(nx.windowMin(x, [2]).toArray(), [NaN, NaN, -Infinity, -Infinity, 0]);
    assert.deepEqual(nx.windowSum(x, [2], { strides: 2 }).toArray(), [NaN, -Infinity, Infinity]);
  });
});

/** A window reduction by its definition, one output element at a time (padding skipped). */
function referenceWindow(
  x: nx.Tensor,
  window: readonly number[],
  o: nx.WindowOptions,
  op: "sum" | "product" | "max" | "min",
): nx.Tensor {
  const r = x.rank;
  const per = (v: number | readonly number[] | undefined) =>
    v === undefined ? x.shape.map(() => 1) : typeof v === "number" ? x.shape.map(() => v) : [...v];
  const [st, dl] = [per(o.strides), per(o.windowDilations)];
  const spans = window.map((k, d) => (k - 1) * dl[d]! + 1);
  const pads =
    o.padding === undefined || o.padding === "valid"
      ? spans.map(() => [0, 0])
      : o.padding === "same"
        ? spans.map((k) => [Math.floor((k - 1) / 2), Math.ceil((k - 1) / 2)])
        : o.padding.map((p) => [...p]);
  const out = x.shape.map(
    (n, d) => Math.floor((n + pads[d]![0]! + pads[d]![1]! - spans[d]!) / st[d]!) + 1,
  );
  const strides = (shape: readonly number[]) =>
    shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const [xst, ost, wst] = [strides(x.shape), strides(out), strides(window)];
  const data = x.data();
  const values: number[] = [];
  const outSize = out.reduce((a, b) => a * b, 1);
  const taps = window.reduce((a, b) => a * b, 1);
  const init = { sum: 0, product: 1, max: -Infinity, min: Infinity }[op];
  for (let k = 0; k < outSize; k++) {
    let acc: number | undefined;
    for (let t = 0; t < taps; t++) {
      let at = 0;
      let inside = true;
      for (let d = 0; d < r; d++) {
        const od = Math.floor(k / ost[d]!) % out[d]!;
        const td = Math.floor(t / wst[d]!) % window[d]!;
        const i = od * st[d]! + td * dl[d]! - pads[d]![0]!;
        if (i < 0 || i >= x.shape[d]!) inside = false;
        at += i * xst[d]!;
      }
      if (!inside) continue;
      const v = data[at]!;
      acc =
        acc === undefined
          ? v
          : op === "sum"
            ? acc + v
            : op === "product"
              ? acc * v
              : op === "max"
                ? Math.max(acc, v)
                : Math.min(acc, v);
    }
    values.push(acc ?? init);
  }
  return nx.reshape(nx.tensor(values, { dtype: "f64" }), out);
}

describe("windows: against the direct definition", () => {
  // Awkward sizes (1, 3, 17); trailing windowless axes (computed as one block) and not.
  const cases: [string, number[], number[], nx.WindowOptions][] = [
    ["one element", [1], [1], {}],
    ["17 elements, window 3, strides 2", [17], [3], { strides: 2 }],
    ["same padding, dilation 3", [17], [3], { padding: "same", windowDilations: 3 }],
    ["padding wider than the window", [3], [2], { padding: [[4, 5]] }],
    ["pooling over a channels-last batch", [3, 5, 4, 17], [1, 2, 2, 1], { strides: [1, 2, 2, 1] }],
    [
      "pooling with same padding and strides 3",
      [1, 7, 3, 3],
      [1, 3, 2, 1],
      { strides: [1, 3, 2, 1], padding: "same" },
    ],
    [
      "every option, window on the last axis",
      [2, 3, 5, 6],
      [2, 1, 2, 3],
      {
        strides: [1, 2, 1, 2],
        padding: [
          [0, 1],
          [1, 1],
          [2, 0],
          [1, 2],
        ],
        windowDilations: [2, 1, 2, 1],
      },
    ],
    ["a window over everything", [3, 4], [3, 4], {}],
  ];
  for (const [name, shape, window, o] of cases) {
    it(name, () => {
      const x = rand(shape.length + 3, shape, -2, 2);
      for (const op of ["sum", "product", "max", "min"] as const) {
        const fn = {
          sum: nx.windowSum,
          product: nx.windowProduct,
          max: nx.windowMax,
          min: nx.windowMin,
        }[op];
        const got = fn(x, window, o);
        const want = referenceWindow(x, window, o, op);
        assert.deepEqual(got.shape, want.shape, op);
        const [a, e] = [got.data(), want.data()];
        for (let i = 0; i < e.length; i++)
          assert.ok(
            Object.is(a[i], e[i]) ||
              Math.abs(a[i]! - e[i]!) <= 1e-12 * Math.max(1, Math.abs(e[i]!)),
            `${op} element ${i}: got ${a[i]}, expected ${e[i]}`,
          );
      }
      const mean = nx.windowMean(x, window, o).data();
      const sum = referenceWindow(x, window, o, "sum").data();
      const size = window.reduce((p, q) => p * q, 1);
      sum.forEach((v, i) => assert.ok(Math.abs(mean[i]! - v / size) <= 1e-12));
    });
  }
});

describe("windows: gradients (f64 finite differences)", () => {
  const options: [string, number[], number[], nx.WindowOptions][] = [
    ["valid", [2, 5], [2, 2], {}],
    [
      "strides, padding, dilations",
      [2, 5, 6],
      [2, 2, 2],
      {
        strides: [1, 2, 1],
        padding: [
          [0, 1],
          [1, 1],
          [2, 0],
        ],
        windowDilations: [1, 1, 2],
      },
    ],
    [
      "pooling, channels last",
      [2, 4, 5, 3],
      [1, 2, 2, 1],
      { strides: [1, 2, 2, 1], padding: "same" },
    ],
    ["overlapping windows", [7], [3], { windowDilations: 2, padding: [[2, 1]] }],
  ];
  for (const [name, f] of Object.entries(OPS)) {
    for (const [what, shape, window, o] of options) {
      it(`${name}: ${what}`, () => {
        // Distinct values keep max and min off their kinks; for products, zeros are tried below.
        const x = rand(shape.length * 7 + window.length, shape, -2, 2);
        assertGradient((t: nx.Tensor) => weightedSum(f(t, window, o)), x);
      });
    }
  }

  it("windowProduct at zeros: one zero in a window, two zeros, none", () => {
    const x = nx.tensor([0.5, 0, 2, -1.5, 0, 0, 3, 1.25], { dtype: "f64" });
    for (const o of [{}, { strides: 2 }, { padding: [[1, 2]] as [number, number][] }])
      assertGradient((t: nx.Tensor) => weightedSum(nx.windowProduct(t, [3], o)), x);
    assertGradient((t: nx.Tensor) => weightedSum(nx.windowProduct(t, [2], {})), x);
  });

  it("windowMax and windowMin: the first extreme of each window takes the gradient", () => {
    // Ties: windows (1, 3), (3, 3), (3, 2) pick positions 1, 1, 2 (XLA's select with >=).
    const x = nx.tensor([1, 3, 3, 2], { dtype: "f64" });
    const g = (f: WindowOp, t: nx.Tensor, o: nx.WindowOptions = {}) =>
      nx
        .grad((u: nx.Tensor) => nx.sum(f(u, [2], o)))(t)
        .toArray();
    assert.deepEqual(g(nx.windowMax, x), [0, 2, 1, 0]);
    assert.deepEqual(g(nx.windowMin, nx.tensor([3, 1, 1, 2], { dtype: "f64" })), [0, 2, 1, 0]);
    // A NaN counts as the extreme: the first NaN of a window takes it.
    const nan = nx.tensor([1, NaN, 2, NaN, NaN], { dtype: "f64" });
    assert.deepEqual(g(nx.windowMax, nan), [0, 2, 0, 2, 0]);
    assert.deepEqual(g(nx.windowMin, nan), [0, 2, 0, 2, 0]);
    // A window entirely on padding sends its gradient nowhere.
    assert.deepEqual(g(nx.windowMax, x, { padding: [[3, 0]] }), [1, 2, 1, 0]);
    // Rows of a 2-D window are scanned in row-major order.
    const plateau = nx.tensor(
      [
        [1, 5],
        [5, 5],
      ],
      { dtype: "f64" },
    );
    assert.deepEqual(
      nx
        .grad((u: nx.Tensor) => nx.sum(nx.windowMax(u, [2, 2])))(plateau)
        .toArray(),
      [
        [0, 1],
        [0, 0],
      ],
    );
  });

  // Second order: the derivative rules of select-and-scatter and select-and-gather, and of the
  // transposed window sum.
  const o: nx.WindowOptions = {
    strides: [1, 2],
    padding: [
      [1, 0],
      [1, 1],
    ],
  };
  const x0 = rand(21, [3, 5], -2, 2);
  for (const f of [nx.windowMax, nx.windowMin]) {
    it(`${f.name}: second order (scatter and gather)`, () => {
      const v0 = rand(22, [3, 3]);
      const scatter = (v: nx.Tensor) =>
        nx.grad((x: nx.Tensor) => nx.sum(nx.multiply(f(x, [2, 2], o), v)))(x0);
      assertGradient((v: nx.Tensor) => weightedSum(scatter(v)), v0);
      const gather = (u: nx.Tensor) =>
        nx.grad((v: nx.Tensor) => nx.sum(nx.multiply(scatter(v), u)))(v0);
      assertGradient((u: nx.Tensor) => weightedSum(gather(u)), rand(23, [3, 5]));
    });
  }
  it("windowSum, windowMean, windowProduct: second order", () => {
    for (const f of [nx.windowSum, nx.windowMean, nx.windowProduct]) {
      const h = (x: nx.Tensor) =>
        weightedSum(nx.grad((t: nx.Tensor) => weightedSum(nx.sin(f(t, [2, 2], o))))(x), 4);
      assertGradient(h, x0);
    }
  });
});

describe("windows: jit equals eager", () => {
  const x = nx.asType(rand(31, [3, 17, 5, 2], -3, 3), "f32");
  const o: nx.WindowOptions = {
    strides: [1, 2, 2, 1],
    padding: "same",
    windowDilations: [1, 1, 2, 1],
  };
  const snap = (ts: nx.Tensor[]) =>
    ts.map((v) => ({ shape: v.shape, dtype: v.dtype, values: v.toArray() }));
  for (const [name, f] of Object.entries(OPS)) {
    it(`${name}: value, gradient, second derivative`, () => {
      const run = (t: nx.Tensor) => {
        const [value, g] = nx.valueAndGrad((u: nx.Tensor) =>
          nx.sum(nx.tanh(f(u, [1, 3, 2, 1], o))),
        )(t);
        const second = nx.grad((u: nx.Tensor) =>
          nx.sum(
            nx.multiply(nx.grad((w: nx.Tensor) => nx.sum(nx.sin(f(w, [1, 3, 2, 1], o))))(u), u),
          ),
        )(t);
        return [f(t, [1, 3, 2, 1], o), value, g, second];
      };
      const eager = snap(run(x));
      const jf = nx.jit(run);
      assert.deepEqual(snap(jf(x)), eager);
      assert.deepEqual(snap(jf(x)), eager, "second (cached) call");
    });
  }
  it("as methods", () => {
    assert.deepEqual(x.windowMax([1, 2, 2, 1]).toArray(), nx.windowMax(x, [1, 2, 2, 1]).toArray());
    assert.deepEqual(
      x.windowMean([3, 1, 1, 2]).toArray(),
      nx.windowMean(x, [3, 1, 1, 2]).toArray(),
    );
  });
});

describe("windows: errors name the op and the shapes", () => {
  const x = nx.zeros([2, 5]);
  for (const name of Object.keys(OPS)) {
    const f = OPS[name]!;
    const cases: [() => unknown, RegExp][] = [
      [
        () => f([1, 2] as never, [1]),
        new RegExp(`^${name}: input must be a Tensor, got an array of 2$`),
      ],
      [
        () => f(x, [2]),
        new RegExp(
          `^${name}: windowDimensions must list 2 sizes \\(one per axis of f32\\[2\\]\\[5\\]\\), got \\[2\\]$`,
        ),
      ],
      [
        () => f(x, [1, 0]),
        new RegExp(`^${name}: windowDimensions must be a positive integer, got 0$`),
      ],
      [
        () => f(x, [1, 6]),
        new RegExp(
          `^${name}: axis 1 of f32\\[2\\]\\[5\\] has 5 positions with padding, fewer than the window's 6$`,
        ),
      ],
      [
        () => f(x, [1, 3], { windowDilations: [1, 3] }),
        new RegExp(
          `^${name}: axis 1 of f32\\[2\\]\\[5\\] has 5 positions with padding, fewer than the window's 7$`,
        ),
      ],
      [
        () => f(x, [1, 2], { strides: [1] }),
        new RegExp(`^${name}: strides must be a positive integer or 2 of them`),
      ],
      [
        () =>
          f(x, [1, 2], {
            padding: [
              [0, 0],
              [-1, 0],
            ],
          }),
        new RegExp(
          `^${name}: padding must be "valid", "same" or 2 \\[low, high\\] pairs of non-negative integers`,
        ),
      ],
      [() => f(x, [1, 2], { padding: "full" as never }), new RegExp(`^${name}: padding must be`)],
      [() => f(x, [1, 2], 3 as never), new RegExp(`^${name}: options must be an object`)],
    ];
    it(name, () => {
      for (const [call, re] of cases)
        assert.throws(call, (e: Error) => {
          assert.match(e.message, re);
          return e instanceof TypeError || e instanceof RangeError;
        });
    });
  }
});

describe("windows: primitive params never become code", () => {
  it("a string where a size goes is refused, eagerly and under jit", () => {
    const g = globalThis as { __pwned?: unknown };
    const bad = "0);globalThis.__pwned=1;//";
    const x = nx.ones([1, 4, 4, 2]);
    const y = nx.ones([1, 3, 3, 2]);
    const base: pw.WindowParams = {
      window: [1, 2, 2, 1],
      strides: [1, 1, 1, 1],
      padding: [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      dilations: [1, 1, 1, 1],
    };
    const calls = [
      () => bindUnchecked(pw.windowMax, [x], { ...base, strides: [1, bad, 1, 1] }),
      () => bindUnchecked(pw.windowSum, [x], { ...base, window: [1, bad, 2, 1] }),
      () => bindUnchecked(pw.windowSelectScatter, [x, y, y], { ...base, strides: [1, 1, bad, 1] }),
      () => bindUnchecked(pw.windowSelectGather, [x, y, x], { ...base, dilations: [bad, 1, 1, 1] }),
    ];
    for (const call of calls) {
      for (const run of [call, () => nx.jit(call)()]) {
        g.__pwned = undefined;
        assert.throws(run, (e: Error) => /^window\w*[ :]/.test(e.message));
        assert.equal(g.__pwned, undefined);
      }
    }
  });
});
