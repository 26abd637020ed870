/**
 * nx.conv: known answers (Nx's documentation, PyTorch, NumPy), a direct reference over many option
 * combinations and awkward sizes, layouts, batches cut into chunks, f64 finite-difference
 * gradients of first and second order, jit against eager, and errors.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { bindUnchecked } from "./unchecked.js";
import { convPlan, COLS_LIMIT } from "../src/kernels/conv.js";
import * as pc from "../src/primitives/conv.js";
import { assertGradient, rand, weightedSum } from "./gradcheck.js";

/** Integers ((i·a) mod m) − off in row-major order: exact in f32 and f64, as in the Python below. */
function ints(shape: number[], a: number, m: number, off: number, dtype: nx.DType = "f64") {
  const n = shape.reduce((p, q) => p * q, 1);
  const values = Array.from({ length: n }, (_, i) => ((i * a) % m) - off);
  return nx.reshape(nx.tensor(values, { dtype }), shape);
}

/** Options of the channels-last layout for a rank-r convolution (input NHWC, kernel HWIO). */
function channelsLast(r: number): nx.ConvOptions {
  const spatial = Array.from({ length: r - 2 }, (_, i) => i + 1);
  return {
    inputPermutation: [0, r - 1, ...spatial],
    kernelPermutation: [r - 1, r - 2, ...spatial.map((d) => d - 1)],
    outputPermutation: [0, r - 1, ...spatial],
  };
}

const dilate = (n: number, d: number) => (n === 0 ? 0 : (n - 1) * d + 1);

/**
 * Nx.conv by its definition, one output element at a time, in Nx's default layout: the input
 * dilated and padded, the kernel dilated, feature groups splitting the channels, batch groups the
 * batch (output feature group j reads batch elements j·N/B + i). Independent of the im2col code.
 */
function referenceConv(x: nx.Tensor, w: nx.Tensor, o: nx.ConvOptions): nx.Tensor {
  const [n, c, ...xs] = x.shape as number[];
  const [out, inK, ...ks] = w.shape as number[];
  const s = xs.length;
  const per = (v: number | readonly number[] | undefined) =>
    v === undefined ? xs.map(() => 1) : typeof v === "number" ? xs.map(() => v) : [...v];
  const [st, id, kd] = [per(o.strides), per(o.inputDilation), per(o.kernelDilation)];
  const spans = ks.map((k, d) => dilate(k, kd[d]!));
  const pads =
    o.padding === undefined || o.padding === "valid"
      ? xs.map(() => [0, 0])
      : o.padding === "same"
        ? spans.map((k) => [Math.floor((k - 1) / 2), Math.ceil((k - 1) / 2)])
        : o.padding.map((p) => [...p]);
  const fg = o.featureGroupSize ?? 1;
  const bg = o.batchGroupSize ?? 1;
  const groupOut = out / (fg * bg);
  const ys = xs.map(
    (size, d) =>
      Math.floor((pads[d]![0]! + pads[d]![1]! + dilate(size, id[d]!) - spans[d]!) / st[d]!) + 1,
  );
  const xd = x.data();
  const wd = w.data();
  const strides = (shape: number[]) =>
    shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const [xst, wst] = [strides([n, c, ...xs]), strides([out, inK, ...ks])];
  const positions = ys.reduce((a, b) => a * b, 1);
  const taps = ks.reduce((a, b) => a * b, 1);
  const [yst, kst] = [strides(ys), strides(ks)];
  const result: number[] = [];
  for (let b = 0; b < n / bg; b++) {
    for (let f = 0; f < out; f++) {
      const group = Math.floor(f / groupOut);
      const item = bg > 1 ? group * (n / bg) + b : b;
      const c0 = fg > 1 ? group * inK : 0;
      for (let p = 0; p < positions; p++) {
        const yIdx = ys.map((_, d) => Math.floor(p / yst[d]!) % ys[d]!);
        let sum = 0;
        for (let t = 0; t < taps; t++) {
          const kIdx = ks.map((_, d) => Math.floor(t / kst[d]!) % ks[d]!);
          let xOff = item * xst[0]!;
          let inside = true;
          for (let d = 0; d < s; d++) {
            const u = yIdx[d]! * st[d]! + kIdx[d]! * kd[d]! - pads[d]![0]!;
            if (u < 0 || u % id[d]! !== 0 || u / id[d]! >= xs[d]!) inside = false;
            xOff += (u / id[d]!) * xst[d + 2]!;
          }
          if (!inside) continue;
          let wOff = f * wst[0]!;
          for (let d = 0; d < s; d++) wOff += kIdx[d]! * wst[d + 2]!;
          for (let ch = 0; ch < inK; ch++)
            sum += xd[xOff + (c0 + ch) * xst[1]!]! * wd[wOff + ch * wst[1]!]!;
        }
        result.push(sum);
      }
    }
  }
  return nx.reshape(nx.tensor(result, { dtype: "f64" }), [n / bg, out, ...ys]);
}

function assertClose(actual: nx.Tensor, expected: nx.Tensor, tol = 1e-12): void {
  assert.deepEqual(actual.shape, expected.shape, "shape");
  const [a, e] = [actual.data(), expected.data()];
  for (let i = 0; i < e.length; i++)
    assert.ok(
      Math.abs(a[i]! - e[i]!) <= tol * Math.max(1, Math.abs(e[i]!)),
      `element ${i}: got ${a[i]}, expected ${e[i]}`,
    );
}

describe("conv: known answers", () => {
  it("Nx's documented examples (nx/lib/nx.ex, Nx.conv)", () => {
    const left = nx.iota([1, 1, 3, 3], { dtype: "f32" });
    assert.deepEqual(
      nx.conv(left, nx.iota([4, 1, 1, 1], { dtype: "f32" }), { strides: [1, 1] }).toArray(),
      [
        [
          [
            [0, 0, 0],
            [0, 0, 0],
            [0, 0, 0],
          ],
          [
            [0, 1, 2],
            [3, 4, 5],
            [6, 7, 8],
          ],
          [
            [0, 2, 4],
            [6, 8, 10],
            [12, 14, 16],
          ],
          [
            [0, 3, 6],
            [9, 12, 15],
            [18, 21, 24],
          ],
        ],
      ],
    );
    const y = nx.conv(left, nx.iota([4, 1, 2, 1], { dtype: "f32" }), {
      strides: 2,
      padding: "same",
      kernelDilation: [2, 1],
    });
    assert.equal(y.dtype, "f32");
    assert.deepEqual(y.toArray(), [
      [
        [
          [3, 5],
          [0, 0],
        ],
        [
          [9, 15],
          [6, 10],
        ],
        [
          [15, 25],
          [12, 20],
        ],
        [
          [21, 35],
          [18, 30],
        ],
      ],
    ]);
  });

  // Produced with PyTorch 1.13 (torch.nn.functional.conv1d/2d/3d in float64, asymmetric padding
  // by F.pad, layouts by permute) and NumPy 1.24 (input dilation and batch groups, which PyTorch
  // lacks, by their definition):
  //
  //   ints = lambda shape, a, m, off: torch.tensor([((i * a) % m) - off
  //            for i in range(prod(shape))], dtype=torch.float64).reshape(shape)
  //   c2d:  F.conv2d(F.pad(ints([2,4,5,6],37,17,8), (2,1,1,0)), ints([6,2,3,2],11,13,6),
  //                  stride=(2,1), dilation=(1,2), groups=2)
  //   c1d:  F.conv1d(x.permute(0,2,1), w.permute(2,1,0), stride=2, padding=1).permute(0,2,1)
  //         with x = ints([3,7,2],5,7,3) (NWC), w = ints([3,2,4],3,5,2) (WIO)
  //   c3d:  F.conv3d(F.pad(ints([1,2,4,3,5],7,11,5), (1,1,1,0,0,1)), ints([3,2,2,2,2],5,9,4),
  //                  stride=(1,2,1), dilation=(1,1,2))
  //   dw:   F.conv2d(ints([2,3,6,5],13,19,9), ints([6,1,3,3],7,5,2), stride=2, padding=1, groups=3)
  //   idil: x = ints([2,2,5],3,7,3) with a zero between elements, first element cropped, 2 zeros
  //         appended; w = ints([3,2,2],5,9,4) with a zero between taps; y[b,o,p] =
  //         Σ x[b,:,p:p+3]·w[o] (NumPy)
  //   bg:   y[i,o,p] = Σ x[(o // 2)·2 + i, :, p:p+2]·w[o] with x = ints([4,2,4],7,10,4),
  //         w = ints([4,2,2],3,8,3) (NumPy)
  const CASES: [string, () => nx.Tensor, number[], number[]][] = [
    [
      "2-D, feature groups, asymmetric padding, strides, kernel dilation (PyTorch)",
      () =>
        nx.conv(ints([2, 4, 5, 6], 37, 17, 8), ints([6, 2, 3, 2], 11, 13, 6), {
          strides: [2, 1],
          padding: [
            [1, 0],
            [2, 1],
          ],
          kernelDilation: [1, 2],
          featureGroupSize: 2,
        }),
      [2, 6, 2, 7],
      // prettier-ignore
      [11, 5, -30, -18, -6, 6, -25, -40, -13, 49, 95, -29, 17, -8, -29, -11, -62, -2, -10, 50, -37, 35, 20, -2, 4, 27, -35, -8, -69, -27, 49, 79, -27, 3, 3, -7, 14, 77, 43, -8, -178, -8, -6, -1, -30, 21, -64, 4, 14, -11, -15, 48, 25, 2, -4, 25, 34, -5, -147, -7, 65, 69, 1, -1, -3, 30, -33, 57, 45, -22, -69, -9, 22, 30, 38, -22, 1, 35, -43, 77, -26, -44, -62, -4, 5, -1, -18, -6, 6, -16, -7, -13, 14, 95, -29, 17, -39, -57, -11, 7, -2, -10, 50, -60, 5, 20, 5, 4, 27, -35, 22, -89, -27, 15, 79, -27, 3, -52, -9, 14, 35, 43, -8, -178, -8, 22, -1, -64, 21, -64, 4, -64, 26, -15, 49, 25, 2, -4, 24, 40, -5, -78, -7, 65, 69, -63, -41, -3, -5, -33, 57, 45, -35, -49, -9, 51, 30, 38, -22, 3, -17, -43, 32, -26, -44, -62, -29, 5],
    ],
    [
      "1-D, channels last by permutations, strides, Nx's same (PyTorch)",
      () =>
        nx.conv(ints([3, 7, 2], 5, 7, 3), ints([3, 2, 4], 3, 5, 2), {
          strides: 2,
          padding: "same",
          ...channelsLast(3),
        }),
      [3, 4, 4],
      // prettier-ignore
      [-4, 2, 8, -11, 10, 4, -7, -3, -2, 10, -13, 9, 7, -10, 3, -4, -4, 2, 8, -11, 10, 4, -7, -3, -2, 10, -13, 9, 7, -10, 3, -4, -4, 2, 8, -11, 10, 4, -7, -3, -2, 10, -13, 9, 7, -10, 3, -4],
    ],
    [
      "3-D, padding, strides, kernel dilation (PyTorch)",
      () =>
        nx.conv(ints([1, 2, 4, 3, 5], 7, 11, 5), ints([3, 2, 2, 2, 2], 5, 9, 4), {
          padding: [
            [0, 1],
            [1, 0],
            [1, 1],
          ],
          strides: [1, 2, 1],
          kernelDilation: [1, 1, 2],
        }),
      [1, 3, 4, 2, 5],
      // prettier-ignore
      [-19, 37, 18, -34, -13, 19, -33, 27, -1, 7, 4, 16, -3, -11, -2, -3, -13, -19, 41, -17, -17, 39, -2, -32, 20, 19, -48, 23, 17, 3, -4, 20, -1, -22, 0, -16, -4, 3, 10, -31, -21, 44, 13, -29, -16, -21, -43, 53, 39, -26, 0, 19, -1, -10, 4, 7, -22, 8, 5, 0, -23, 38, -4, -35, 24, -20, -34, 51, -18, -29, -2, 13, -3, -19, -4, -6, 31, 31, -13, -13, 13, 6, -10, -15, 26, -43, -17, 16, 16, -41, -13, -14, -8, 9, 10, 35, 5, -28, 5, 35, 16, 10, -6, -11, -17, -41, 16, 16, -17, -43, 0, -12, 4, 20, 1, 22, 3, -4, 0, 23],
    ],
    [
      "depthwise 2-D: one feature group per channel, two filters each (PyTorch)",
      () =>
        nx.conv(ints([2, 3, 6, 5], 13, 19, 9), ints([6, 1, 3, 3], 7, 5, 2), {
          strides: 2,
          padding: "same",
          featureGroupSize: 3,
        }),
      [2, 6, 3, 3],
      // prettier-ignore
      [-12, 22, 1, -26, 1, -24, 6, -34, 14, -1, 16, -21, 14, -28, 32, 14, -12, 38, -11, 23, -25, -5, 35, 4, -18, 3, 20, -7, 26, 9, -16, -6, -26, 19, -25, 15, 10, -11, -12, -16, -1, -3, 6, 31, -28, -12, 21, 3, -5, 0, -24, -30, 3, 14, -12, 11, 4, 34, -29, 14, -10, -7, -24, 2, -38, 25, 14, 2, -28, -5, 37, -3, -22, -15, 24, 30, -6, 15, 36, 0, -26, 23, -15, 6, 14, -25, 20, -27, -6, 4, 7, 19, -12, -27, 2, 38, 14, -23, 32, -12, -9, 6, 36, -30, 14, 30, 11, -24],
    ],
    [
      "input dilation, kernel dilation, negative padding (NumPy)",
      () =>
        nx.conv(ints([2, 2, 5], 3, 7, 3), ints([3, 2, 2], 5, 9, 4), {
          inputDilation: 2,
          kernelDilation: 2,
          padding: [[-1, 2]],
        }),
      [2, 3, 8],
      // prettier-ignore
      [0, -6, 0, -4, 0, 12, 0, -17, 0, -4, 0, -6, 0, 20, 0, -7, 0, -2, 0, 1, 0, -17, 0, 3, 0, -21, 0, 16, 0, -17, 0, 18, 0, -17, 0, 16, 0, -21, 0, 8, 0, 14, 0, -11, 0, 20, 0, -2],
    ],
    [
      "batch groups (NumPy)",
      () => nx.conv(ints([4, 2, 4], 7, 10, 4), ints([4, 2, 2], 3, 8, 3), { batchGroupSize: 2 }),
      [2, 4, 3],
      // prettier-ignore
      [22, -2, -16, 6, -2, 0, -12, -6, 0, 28, 10, -8, 0, -14, 22, -8, -6, 6, -4, 2, -12, 4, -14, 28],
    ],
  ];
  for (const [name, run, shape, values] of CASES) {
    it(name, () => {
      const y = run();
      assert.equal(y.dtype, "f64");
      assert.deepEqual(y.shape, shape);
      assert.deepEqual(Array.from(y.data()), values);
    });
  }

  it("f32 gives the same integers; integer operands give f32, f32 with f64 gives f64", () => {
    const x = ints([2, 4, 5, 6], 37, 17, 8, "f32");
    const w = ints([6, 2, 3, 2], 11, 13, 6, "s32");
    const o: nx.ConvOptions = { strides: [2, 1], featureGroupSize: 2 };
    const y = nx.conv(x, w, o);
    assert.equal(y.dtype, "f32");
    assert.deepEqual(y.toArray(), nx.conv(nx.asType(x, "f64"), nx.asType(w, "f64"), o).toArray());
    assert.equal(nx.conv(nx.asType(x, "s32"), w, o).dtype, "f32");
    assert.equal(nx.conv(x, nx.asType(w, "f64"), o).dtype, "f64");
    assert.deepEqual(x.conv(w, o).toArray(), y.toArray(), "as a method");
  });
});

/** Options used at two sizes below: every 2-D option at once, and 3-D dilations with groups. */
const EVERYTHING_2D: nx.ConvOptions = {
  strides: [2, 1],
  padding: [
    [2, -1],
    [1, 3],
  ],
  inputDilation: [1, 2],
  kernelDilation: [2, 1],
  featureGroupSize: 2,
};
const DILATED_GROUPS_3D: nx.ConvOptions = {
  featureGroupSize: 2,
  kernelDilation: [1, 1, 2],
  inputDilation: [2, 1, 1],
  padding: "same",
};

describe("conv: against the direct definition", () => {
  // Awkward sizes (1, 3, 17), every option, 1-D to 3-D.
  const cases: [string, number[], number[], nx.ConvOptions][] = [
    ["1-D, one of everything", [1, 1, 1], [1, 1, 1], {}],
    ["1-D, 17 positions, strides 3", [3, 3, 17], [1, 3, 3], { strides: 3 }],
    ["1-D, 17 channels", [1, 17, 5], [3, 17, 2], { padding: "same" }],
    ["1-D, 17 filters, padding past the kernel", [2, 3, 4], [17, 3, 2], { padding: [[3, 4]] }],
    ["1-D, negative padding both sides", [2, 2, 9], [3, 2, 3], { padding: [[-2, -1]] }],
    ["1-D, input dilation 3, strides 2", [2, 2, 5], [2, 2, 3], { inputDilation: 3, strides: 2 }],
    ["2-D, everything at once", [3, 6, 5, 7], [4, 3, 2, 3], EVERYTHING_2D],
    ["2-D, batch groups 3", [3, 2, 4, 3], [6, 2, 2, 2], { batchGroupSize: 3, padding: "same" }],
    ["2-D, depthwise 17", [1, 17, 3, 3], [17, 1, 3, 3], { featureGroupSize: 17 }],
    ["2-D, 1×1 kernel (no im2col)", [2, 3, 4, 5], [4, 3, 1, 1], {}],
    ["2-D, 1×1 kernel with strides", [2, 3, 4, 5], [4, 3, 1, 1], { strides: 2 }],
    ["3-D, dilations and groups", [2, 4, 3, 4, 5], [2, 2, 2, 1, 3], DILATED_GROUPS_3D],
  ];
  for (const [name, xs, ks, o] of cases) {
    it(name, () => {
      const x = rand(xs.length + xs[0]!, xs);
      const w = rand(ks.length + ks[0]! + 100, ks);
      assertClose(nx.conv(x, w, o), referenceConv(x, w, o));
    });
  }

  it("permutations: any layout gives the transposed result, channels last without a transpose", () => {
    const x = rand(1, [2, 3, 5, 4]);
    const w = rand(2, [4, 3, 2, 3]);
    const o: nx.ConvOptions = { strides: [1, 2], padding: "same" };
    const want = nx.conv(x, w, o);
    const got = nx.conv(nx.transpose(x, [2, 0, 3, 1]), nx.transpose(w, [3, 1, 0, 2]), {
      ...o,
      inputPermutation: [1, 3, 0, 2],
      kernelPermutation: [2, 1, 3, 0],
      outputPermutation: [3, 0, 2, 1],
    });
    // Result axis 3 is the batch, 0 the channels, 2 and 1 the spatial axes.
    assert.deepEqual(got.toArray(), nx.transpose(want, [1, 3, 2, 0]).toArray());
    const last = nx.jit((a: nx.Tensor, b: nx.Tensor) =>
      nx.conv(a, b, { ...o, ...channelsLast(4) }),
    );
    const src = last.source(nx.transpose(x, [0, 2, 3, 1]), nx.transpose(w, [2, 3, 1, 0]));
    assert.ok(!src.includes("transpose"), "the channels-last layout is the primitive's own");
    assert.ok(src.includes("// conv"));
    assert.deepEqual(
      last(nx.transpose(x, [0, 2, 3, 1]), nx.transpose(w, [2, 3, 1, 0])).toArray(),
      nx.transpose(want, [0, 2, 3, 1]).toArray(),
    );
  });

  it("a batch larger than the im2col limit runs in chunks, with the same results", () => {
    // 26 × 26 × 3 × 3 × 17 channels = 103,428 columns per element: 41 elements fit under the limit.
    const [n, c] = [43, 17];
    const shapes = { batch: n, inChannels: c, outChannels: 2, groups: 1, batchGroups: false };
    const plan = convPlan({
      ...shapes,
      inSize: [1, 28, 28],
      kernelSize: [1, 3, 3],
      outSize: [1, 26, 26],
      strides: [1, 1, 1],
      padLow: [0, 0, 0],
      inputDilation: [1, 1, 1],
      kernelDilation: [1, 1, 1],
    });
    assert.ok(plan.chunk < n && plan.colsSize <= COLS_LIMIT, `chunk ${plan.chunk}`);
    const x = rand(3, [n, 28, 28, c]);
    const w = rand(4, [3, 3, c, 2]);
    const g = rand(5, [n, 26, 26, 2]);
    const o = channelsLast(4);
    const nchw = (t: nx.Tensor) => nx.transpose(t, [0, 3, 1, 2]);
    const want = referenceConv(nchw(x), nx.transpose(w, [3, 2, 0, 1]), {});
    assertClose(nx.conv(x, w, o), nx.transpose(want, [0, 2, 3, 1]), 1e-11);
    const [gx, gw] = nx.grad((p: nx.Tensor[]) => nx.sum(nx.multiply(nx.conv(p[0]!, p[1]!, o), g)))([
      x,
      w,
    ]) as nx.Tensor[];
    // Σ g·conv(x, w) is bilinear: its gradient in w is Σ over the batch of per-element gradients.
    let sum = nx.zerosLike(w);
    for (let i = 0; i < n; i++) {
      const xi = nx.sliceAlong(x, i, 1);
      const gi = nx.sliceAlong(g, i, 1);
      sum = nx.add(sum, nx.grad((k: nx.Tensor) => nx.sum(nx.multiply(nx.conv(xi, k, o), gi)))(w));
    }
    assertClose(gw!, sum, 1e-10);
    // ... and in x, per element.
    const gx0 = nx.grad((t: nx.Tensor) =>
      nx.sum(nx.multiply(nx.conv(t, w, o), nx.sliceAlong(g, n - 1, 1))),
    )(nx.sliceAlong(x, n - 1, 1));
    assertClose(nx.sliceAlong(gx!, n - 1, 1), gx0);
  });
});

describe("conv: the im2col copies in WebAssembly (f32 operands in its memory)", () => {
  // Inputs of 1,000+ f32 elements, which jit keeps in the Wasm memory (the `add` makes them
  // intermediates), so the wasm backend builds the im2col matrix in WebAssembly; an error there
  // would be far above f32 rounding.
  const cases: [string, number[], number[], nx.ConvOptions][] = [
    ["2-D, 3×3 on one channel (runs of 3)", [8, 1, 14, 14], [8, 1, 3, 3], {}],
    ["2-D, everything at once", [3, 6, 9, 11], [4, 3, 2, 3], EVERYTHING_2D],
    ["2-D, batch groups 3", [6, 5, 8, 7], [6, 5, 3, 2], { batchGroupSize: 3, padding: "same" }],
    ["3-D, dilations and groups", [2, 4, 7, 6, 5], [2, 2, 2, 1, 3], DILATED_GROUPS_3D],
  ];
  for (const [name, xs, ks, o] of cases) {
    it(name, () => {
      const x = nx.asType(rand(xs.length + xs[0]!, xs), "f32");
      const w = nx.asType(rand(ks.length + ks[0]! + 100, ks), "f32");
      const f = (a: nx.Tensor, b: nx.Tensor) => nx.conv(nx.add(a, 0), b, o);
      const expected = referenceConv(nx.asType(x, "f64"), nx.asType(w, "f64"), o);
      for (const backend of ["wasm", "js"] as const)
        assertClose(nx.asType(nx.jit(f, { backend })(x, w), "f64"), expected, 1e-5);
    });
  }
});

describe("conv: gradients (f64 finite differences)", () => {
  const cases: [string, number[], number[], nx.ConvOptions][] = [
    ["1-D valid", [2, 2, 5], [3, 2, 2], {}],
    ["1-D strides 2, same", [2, 2, 6], [2, 2, 3], { strides: 2, padding: "same" }],
    ["1-D negative padding", [1, 2, 7], [2, 2, 2], { padding: [[-1, 2]], strides: 2 }],
    [
      "1-D input and kernel dilation",
      [2, 1, 4],
      [2, 1, 2],
      { inputDilation: 2, kernelDilation: 2, padding: [[1, 0]] },
    ],
    ["2-D feature groups", [1, 4, 4, 3], [4, 2, 2, 2], { featureGroupSize: 2, padding: "same" }],
    [
      "2-D batch groups, strides",
      [4, 2, 4, 3],
      [2, 2, 2, 2],
      { batchGroupSize: 2, strides: [2, 1] },
    ],
    ["2-D 1×1", [2, 3, 2, 2], [2, 3, 1, 1], {}],
    [
      "3-D",
      [1, 2, 3, 3, 2],
      [2, 2, 2, 2, 1],
      {
        padding: [
          [1, 0],
          [0, 0],
          [0, 1],
        ],
        kernelDilation: [1, 2, 1],
      },
    ],
  ];
  for (const [name, xs, ks, o] of cases) {
    it(name, () => {
      const input = { x: rand(7, xs), w: rand(8, ks) };
      assertGradient((p: typeof input) => weightedSum(nx.conv(p.x, p.w, o)), input);
    });
  }

  it("channels-last permutations", () => {
    const input = { x: rand(9, [2, 4, 3, 2]), w: rand(10, [2, 2, 2, 3]) };
    const o = { ...channelsLast(4), strides: [1, 2], padding: "same" as const };
    assertGradient((p: typeof input) => weightedSum(nx.conv(p.x, p.w, o)), input);
  });

  // The derivative rules of the gradient primitives (the transposed convolution and the kernel
  // gradient) are exercised by differentiating a gradient.
  const o: nx.ConvOptions = {
    strides: [2, 1],
    padding: [
      [1, 0],
      [0, 1],
    ],
    kernelDilation: [1, 2],
    featureGroupSize: 2,
  };
  const x0 = rand(11, [2, 4, 5, 4]);
  const w0 = rand(12, [2, 2, 2, 2]);
  it("second order: the kernel-derivative of the input gradient", () => {
    const f = (w: nx.Tensor) =>
      weightedSum(nx.grad((x: nx.Tensor) => weightedSum(nx.tanh(nx.conv(x, w, o))))(x0), 1);
    assertGradient(f, w0);
  });
  it("second order: the input-derivative of the kernel gradient", () => {
    const f = (x: nx.Tensor) =>
      weightedSum(nx.grad((w: nx.Tensor) => weightedSum(nx.tanh(nx.conv(x, w, o))))(w0), 2);
    assertGradient(f, x0);
  });
  it("second order with batch groups, inside jit", () => {
    const ob: nx.ConvOptions = { batchGroupSize: 2, inputDilation: [2, 1], padding: "same" };
    const xb = rand(13, [2, 2, 3, 3]);
    const f = (x: nx.Tensor) =>
      weightedSum(nx.grad((w: nx.Tensor) => weightedSum(nx.sin(nx.conv(x, w, ob))))(w0), 3);
    assertGradient(f, xb);
    const g = nx.grad(f);
    assert.deepEqual(nx.jit(g)(xb).toArray(), g(xb).toArray());
  });
});

describe("conv: jit equals eager", () => {
  const x = nx.asType(rand(14, [3, 17, 5, 2]), "f32");
  const w = nx.asType(rand(15, [3, 2, 2, 17]), "f32");
  const o: nx.ConvOptions = { ...channelsLast(4), strides: [2, 1], padding: "same" };
  const snap = (t: unknown) =>
    (t as nx.Tensor[]).map((v) => ({ shape: v.shape, dtype: v.dtype, values: v.toArray() }));
  it("forward, gradients and a second derivative give the same bits", () => {
    const f = (a: nx.Tensor, b: nx.Tensor) => {
      const [loss, [ga, gb]] = nx.valueAndGrad((p: nx.Tensor[]) =>
        nx.sum(nx.tanh(nx.conv(p[0]!, p[1]!, o))),
      )([a, b]) as [nx.Tensor, nx.Tensor[]];
      const second = nx.grad((k: nx.Tensor) =>
        nx.sum(nx.multiply(nx.grad((t: nx.Tensor) => nx.sum(nx.sin(nx.conv(t, k, o))))(a), a)),
      )(b);
      return [nx.conv(a, b, o), loss, ga!, gb!, second];
    };
    const jf = nx.jit(f);
    const eager = snap(f(x, w));
    assert.deepEqual(snap(jf(x, w)), eager);
    assert.deepEqual(snap(jf(x, w)), eager, "second (cached) call");
  });
});

describe("conv: errors name the op and the shapes", () => {
  const x = nx.zeros([1, 2, 5, 5]);
  const w = nx.zeros([3, 2, 2, 2]);
  const cases: [() => unknown, RegExp][] = [
    [() => nx.conv(x, "w" as never), /^conv: kernel must be a Tensor, got "w"$/],
    [
      () => nx.conv(nx.zeros([2, 3]), nx.zeros([2, 3])),
      /^conv: expected an input with 1 to 3 spatial axes .*got input f32\[2\]\[3\], kernel f32\[2\]\[3\]/,
    ],
    [
      () => nx.conv(x, nx.zeros([3, 2, 2])),
      /^conv: .*a kernel of the same rank, got input f32\[1\]\[2\]\[5\]\[5\], kernel f32\[3\]\[2\]\[2\]$/,
    ],
    [
      () => nx.conv(nx.zeros([1, 1, 2, 2, 2, 2]), nx.zeros([1, 1, 1, 1, 1, 1])),
      /^conv: expected an input with 1 to 3 spatial axes/,
    ],
    [
      () => nx.conv(x, nx.zeros([3, 3, 2, 2])),
      /^conv: the input has 2 channels; the kernel takes 3 × featureGroupSize 1 \(input f32\[1\]\[2\]\[5\]\[5\], kernel f32\[3\]\[3\]\[2\]\[2\]\)$/,
    ],
    [
      () => nx.conv(x, w, { featureGroupSize: 2 }),
      /^conv: featureGroupSize 2 does not divide the kernel's 3 output channels/,
    ],
    [
      () => nx.conv(x, w, { batchGroupSize: 2 }),
      /^conv: batchGroupSize 2 does not divide the batch size 1/,
    ],
    [
      () =>
        nx.conv(nx.zeros([2, 2, 5, 5]), nx.zeros([2, 1, 2, 2]), {
          featureGroupSize: 2,
          batchGroupSize: 2,
        }),
      /^conv: featureGroupSize 2 or batchGroupSize 2 must be 1/,
    ],
    [() => nx.conv(x, w, { strides: 0 }), /^conv: strides must be a positive integer, got 0$/],
    [
      () => nx.conv(x, w, { kernelDilation: [1, 2, 3] }),
      /^conv: kernelDilation must be a positive integer or 2 of them \(one per axis\), got \[1,2,3\]$/,
    ],
    [
      () => nx.conv(x, w, { inputDilation: 1.5 }),
      /^conv: inputDilation must be a positive integer, got 1\.5$/,
    ],
    [
      () => nx.conv(x, w, { padding: "full" as never }),
      /^conv: padding must be "valid", "same" or 2 \[low, high\] pairs of integers/,
    ],
    [() => nx.conv(x, w, { padding: [[0, 0]] }), /^conv: padding must be/],
    [
      () =>
        nx.conv(x, w, {
          padding: [
            [-4, 0],
            [0, 0],
          ],
        }),
      /^conv: spatial axis 0 has 1 positions after padding and input dilation, fewer than the dilated kernel's 2/,
    ],
    [
      () => nx.conv(x, w, { kernelDilation: 5 }),
      /^conv: spatial axis 0 has 5 positions .* fewer than the dilated kernel's 6 \(input f32\[1\]\[2\]\[5\]\[5\], kernel f32\[3\]\[2\]\[2\]\[2\]\)$/,
    ],
    [
      () => nx.conv(x, w, { inputPermutation: [0, 1, 2, 2] }),
      /^conv: inputPermutation must list each of the 4 axes once, got \[0,1,2,2\]$/,
    ],
    [() => nx.conv(x, w, { outputPermutation: [0, 1] }), /^conv: outputPermutation must list/],
    [() => nx.conv(x, w, "same" as never), /^conv: options must be an object/],
  ];
  for (const [i, [call, re]] of cases.entries()) {
    it(`case ${i + 1}: ${re.source.slice(1, 60)}`, () =>
      assert.throws(call, (e: Error) => {
        assert.match(e.message, re);
        return e instanceof TypeError || e instanceof RangeError;
      }));
  }
});

describe("conv: primitive params never become code", () => {
  it("a string where a size goes is refused, eagerly and under jit", () => {
    const g = globalThis as { __pwned?: unknown };
    const bad = "0);globalThis.__pwned=1;//";
    const x = nx.ones([1, 4, 4, 2]);
    const w = nx.ones([2, 2, 2, 3]);
    const base: pc.ConvParams = {
      strides: [1, 1],
      padding: [
        [0, 0],
        [0, 0],
      ],
      inputDilation: [1, 1],
      kernelDilation: [1, 1],
      featureGroups: 1,
      batchGroups: 1,
    };
    const calls = [
      () => bindUnchecked(pc.conv, [x, w], { ...base, strides: [bad, 1] }),
      () =>
        bindUnchecked(pc.conv, [x, w], {
          ...base,
          padding: [
            [bad, 0],
            [0, 0],
          ],
        }),
      () =>
        bindUnchecked(pc.convInputGrad, [nx.ones([1, 3, 3, 3]), w], {
          ...base,
          shape: [1, bad, 4, 2],
        }),
      () =>
        bindUnchecked(pc.convKernelGrad, [x, nx.ones([1, 3, 3, 3])], {
          ...base,
          kernelDilation: [1, bad],
          shape: [2, 2, 2, 3],
        }),
    ];
    for (const call of calls) {
      for (const run of [call, () => nx.jit(call)()]) {
        g.__pwned = undefined;
        assert.throws(run, (e: Error) => /^conv\w*[ :]/.test(e.message));
        assert.equal(g.__pwned, undefined);
      }
    }
  });
});
