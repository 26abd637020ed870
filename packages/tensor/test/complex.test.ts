// Complex tensors (c64, c128): creation, parts, arithmetic against NumPy complex64
// (test/complex-reference.ts says how each value was computed), the shape ops and sum on pairs,
// conversions, printing, errors, gradients through complex intermediates and jit = eager.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nx from "../src/index.js";
import { C64 } from "./complex-reference.js";
import { assertGradient, rand, weightedSum } from "./gradcheck.js";

const c64 = (v: { re: number[]; im: number[] }) => nx.complex(v.re, v.im);
const parts = (z: nx.Tensor) => ({
  re: Array.from(nx.real(z).data()),
  im: Array.from(nx.imag(z).data()),
});
/** |actual − expected| ≤ rtol·|expected| + atol for every value. */
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol = 0) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    assert.ok(
      Math.abs(actual[i]! - e) <= rtol * Math.abs(e) + atol,
      `at ${i}: ${actual[i]} vs ${e}`,
    );
  }
}
const closeComplex = (z: nx.Tensor, v: { re: number[]; im: number[] }, rtol: number, atol = 0) => {
  const p = parts(z);
  close(p.re, v.re, rtol, atol);
  close(p.im, v.im, rtol, atol);
};

describe("complex tensors", () => {
  it("complex(re, im) stores interleaved pairs; toArray gives { re, im } and tensor reads it back", () => {
    const z = nx.complex([1, 2], [3, -4]);
    assert.equal(z.dtype, "c64");
    assert.deepEqual(z.shape, [2]);
    assert.ok(z.data() instanceof Float32Array);
    assert.deepEqual(Array.from(z.data()), [1, 3, 2, -4]);
    assert.deepEqual(z.toArray(), [
      { re: 1, im: 3 },
      { re: 2, im: -4 },
    ]);
    const back = nx.tensor(z.toArray());
    assert.equal(back.dtype, "c64");
    assert.deepEqual(Array.from(back.data()), [1, 3, 2, -4]);
    assert.equal(nx.complex(nx.tensor([1], { dtype: "f64" }), 2).dtype, "c128");
    // The parts broadcast together.
    assert.deepEqual(nx.complex([[1], [2]], [5, 6, 7]).shape, [2, 3]);
    assert.equal(String(z), "Tensor<\n  c64[2]\n  [1.0+3.0i, 2.0-4.0i]\n>");
  });

  it("real, imag, abs, conjugate, multiply, divide and exp match NumPy complex64", () => {
    const a = c64(C64.a);
    const b = c64(C64.b);
    close(nx.real(a).data(), C64.real, 0);
    close(nx.imag(a).data(), C64.imag, 0);
    assert.equal(nx.abs(a).dtype, "f32");
    close(nx.abs(a).data(), C64.abs, 1e-6);
    closeComplex(nx.conjugate(a), C64.conjugate, 0);
    closeComplex(nx.multiply(a, b), C64.product, 1e-6, 1e-6);
    closeComplex(nx.divide(a, b), C64.quotient, 1e-6, 1e-6);
    closeComplex(nx.exp(a), C64.exp, 1e-5, 1e-6);
  });

  it("add, subtract and negate act on both parts; real operands promote", () => {
    const a = nx.complex([1, 2], [3, 4]);
    assert.deepEqual(Array.from(nx.add(a, 1).data()), [2, 3, 3, 4]);
    assert.deepEqual(Array.from(nx.subtract(nx.tensor([10, 20]), a).data()), [9, -3, 18, -4]);
    assert.deepEqual(Array.from(nx.negate(a).data()), [-1, -3, -2, -4]);
    assert.deepEqual(Array.from(nx.multiply(a, 2).data()), [2, 6, 4, 8]);
    assert.equal(nx.add(a, nx.tensor([1], { dtype: "f64" })).dtype, "c128");
    assert.equal(nx.add(a, nx.tensor([1], { dtype: "s32" })).dtype, "c64");
  });

  it("shape ops move pairs: reshape, transpose, slice, concatenate, broadcast, pad, reverse; sum adds pairs", () => {
    const z = nx.complex(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [
        [-1, -2, -3],
        [-4, -5, -6],
      ],
    );
    const re = (t: nx.Tensor) => nx.real(t).toArray();
    const im = (t: nx.Tensor) => nx.imag(t).toArray();
    assert.deepEqual(re(nx.transpose(z)), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    assert.deepEqual(im(nx.transpose(z)), [
      [-1, -4],
      [-2, -5],
      [-3, -6],
    ]);
    assert.deepEqual(re(nx.reshape(z, [3, 2])), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    assert.deepEqual(im(nx.slice(z, [0, 1], [2, 2])), [
      [-2, -3],
      [-5, -6],
    ]);
    assert.deepEqual(re(nx.concatenate([z, z], { axis: 1 }))[1], [4, 5, 6, 4, 5, 6]);
    assert.deepEqual(im(nx.broadcast(nx.slice(z, [0, 0], [1, 3]), [2, 3]))[1], [-1, -2, -3]);
    assert.deepEqual(re(nx.reverse(z, { axes: [1] }))[0], [3, 2, 1]);
    assert.deepEqual(
      im(
        nx.pad(z, 0, [
          [0, 0, 0],
          [1, 0, 0],
        ]),
      )[0],
      [0, -1, -2, -3],
    );
    assert.deepEqual(nx.sum(z).toArray(), { re: 21, im: -21 });
    assert.deepEqual(nx.sum(z, { axes: [0] }).toArray(), [
      { re: 5, im: -5 },
      { re: 7, im: -7 },
      { re: 9, im: -9 },
    ]);
    assert.throws(
      () =>
        nx.pad(z, 1, [
          [0, 0],
          [1, 0],
        ]),
      /^RangeError: pad: a complex tensor pads with 0 only/,
    );
  });

  it("asType: real to complex has imaginary part 0; complex to real keeps the real part; c64 ↔ c128", () => {
    const z = nx.asType(nx.tensor([1.5, -2], { dtype: "f64" }), "c64");
    assert.equal(z.dtype, "c64");
    assert.deepEqual(Array.from(z.data()), [1.5, 0, -2, 0]);
    const w = nx.complex([1.5, -2], [3, 4]);
    assert.deepEqual(nx.asType(w, "f64").toArray(), [1.5, -2]);
    assert.deepEqual(nx.asType(w, "s32").toArray(), [1, -2]);
    const wide = nx.asType(w, "c128");
    assert.ok(wide.data() instanceof Float64Array);
    assert.deepEqual(Array.from(wide.data()), [1.5, 3, -2, 4]);
    assert.deepEqual(Array.from(nx.zeros([2], { dtype: "c64" }).data()), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(nx.ones([2], { dtype: "c128" }).data()), [1, 0, 1, 0]);
    assert.deepEqual(Array.from(nx.tensor([1, 2], { dtype: "c64" }).data()), [1, 0, 2, 0]);
    assert.deepEqual(Array.from(nx.eye(2, { dtype: "c64" }).data()), [1, 0, 0, 0, 0, 0, 1, 0]);
    // Bytes: 8 a c64 element.
    const bytes = new Float32Array([1, 2, 3, 4]);
    assert.deepEqual(nx.fromBuffer(bytes, "c64").toArray(), [
      { re: 1, im: 2 },
      { re: 3, im: 4 },
    ]);
  });

  it("mean, variance and standardDeviation of complex values match NumPy", () => {
    // numpy: z = (array([[1, 2], [3, 4]]) + 1j * array([[5, 6], [7, 9]])).astype(complex64);
    // mean(z) = 2.5+6.75j, var(z) = 3.4375, var(z, axis=0, ddof=1) = [4, 6.5], std(z) = 1.8540496
    const z = nx.complex(
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 9],
      ],
    );
    assert.deepEqual(nx.mean(z).toArray(), { re: 2.5, im: 6.75 });
    const v = nx.variance(z);
    assert.equal(v.dtype, "f32");
    assert.equal(v.toNumber(), 3.4375);
    assert.deepEqual(nx.variance(z, { axes: [0], ddof: 1 }).toArray(), [4, 6.5]);
    close([nx.standardDeviation(z).toNumber()], [1.8540496], 1e-6);
  });

  it("ops without a complex form refuse complex tensors, naming the op and the dtype", () => {
    const z = nx.complex([1, 2], [3, 4]);
    assert.throws(
      () => nx.sin(z),
      /^TypeError: sin: got a tensor c64\[2\]; sin does not take complex tensors/,
    );
    assert.throws(() => nx.reduceMax(z), /reduceMax: got a tensor c64\[2\]/);
    assert.throws(() => nx.floor(z), /^TypeError: floor: got a tensor c64\[2\]/);
    assert.throws(() => nx.less(z, z), /less: got a tensor c64\[2\]/);
    assert.throws(
      () => nx.argsort(z),
      /^TypeError: argsort: got a tensor c64.*does not take complex tensors/,
    );
    assert.throws(
      () => nx.sum(z, { axes: [0] }).toNumber(),
      /^TypeError: toNumber: a c64 tensor has complex values/,
    );
    assert.throws(() => nx.complex(z, 1), /^TypeError: complex: the real part must be real/);
    assert.throws(
      () => nx.viewAsComplex(nx.tensor([1, 2, 3])),
      /^TypeError: viewAsComplex: expected/,
    );
  });

  it("batches and iteration take whole complex rows", () => {
    const z = nx.complex(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [
        [7, 8],
        [9, 10],
        [11, 12],
      ],
    );
    const batches = [...nx.toBatched(z, 2, { leftover: "repeat" })];
    assert.deepEqual(nx.imag(batches[1]!).toArray(), [
      [11, 12],
      [7, 8],
    ]);
    assert.deepEqual(nx.real(batches[0]!).toArray(), [
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(
      [...z].map((row) => row.toArray()),
      [0, 1, 2].map((i) => [
        { re: 2 * i + 1, im: 2 * i + 7 },
        { re: 2 * i + 2, im: 2 * i + 8 },
      ]),
    );
  });

  it("viewAsReal and viewAsComplex share the buffer", () => {
    const z = nx.complex([1, 2], [3, 4]);
    const pairs = nx.viewAsReal(z);
    assert.deepEqual(pairs.toArray(), [
      [1, 3],
      [2, 4],
    ]);
    assert.equal(pairs._data, z._data);
    assert.deepEqual(nx.viewAsComplex(pairs).toArray(), z.toArray());
  });

  it("matrix products (dot, matmul, contraction axes, batches) match NumPy; real operands promote", () => {
    // NumPy (complex128): a @ b, a.T @ a, ar.T (float32) @ a (complex64), and a batch of two.
    const a = nx.complex(
      [
        [1, -2, 0.5],
        [3, 0.25, -1],
      ],
      [
        [0.5, 1, -1],
        [2, 0, 1.5],
      ],
    );
    const b = nx.complex(
      [
        [1, 0],
        [-1, 2],
        [0.5, -0.5],
      ],
      [
        [0, 1],
        [2, -1],
        [1, 0.25],
      ],
    );
    const ab = { re: [2.25, -3.5, 0.75, -1.375], im: [-4.5, 5.625, 2.25, 1.75] };
    closeComplex(nx.dot(a, b), ab, 1e-6);
    closeComplex(nx.matmul(a, b), ab, 1e-6);
    const aTa = nx.dot(a, [0], a, [0]);
    assert.deepEqual(aTa.shape, [3, 3]);
    closeComplex(
      aTa,
      {
        re: [5.75, -1.75, -5.0, -1.75, 3.0625, -0.25, -5.0, -0.25, -2.0],
        im: [13.0, 0.5, 1.75, 0.5, -4.0, 2.875, 1.75, 2.875, -4.0],
      },
      1e-6,
    );
    const mixed = nx.matmul(nx.transpose(nx.real(a)), a);
    assert.equal(mixed.dtype, "c64");
    closeComplex(
      mixed,
      {
        re: [10.0, -1.25, -2.5, -1.25, 4.0625, -1.25, -2.5, -1.25, 1.25],
        im: [6.5, 1.0, 3.5, -0.5, -2.0, 2.375, -1.75, 0.5, -2.0],
      },
      1e-6,
    );
    const batched = nx.matmul(
      nx.stack([a, nx.multiply(a, nx.complex(0, 1))]),
      nx.stack([b, nx.conjugate(b)]),
    );
    assert.deepEqual(batched.shape, [2, 2, 2]);
    closeComplex(
      batched,
      {
        re: [2.25, -3.5, 0.75, -1.375, -2.5, 0.625, -3.25, 3.25],
        im: [-4.5, 5.625, 2.25, 1.75, 4.25, -5.0, 3.75, 3.375],
      },
      1e-6,
    );
    assert.equal(nx.matmul(nx.asType(a, "c128"), b).dtype, "c128");
    closeComplex(nx.jit((x: nx.Tensor, y: nx.Tensor) => nx.dot(x, y))(a, b), ab, 1e-6);
  });

  it("complex matrix products differentiate (f64 finite differences, c128 inside)", () => {
    assertGradient(
      ([ar, ai, br, bi]: nx.Tensor[]) => {
        const p = nx.matmul(nx.complex(ar!, ai!), nx.complex(br!, bi!));
        return weightedSum(nx.concatenate([nx.real(p), nx.imag(p)]));
      },
      [rand(21, [2, 3]), rand(22, [2, 3]), rand(23, [3, 4]), rand(24, [3, 4])],
    );
  });

  it("gradients flow through complex intermediates (f64 finite differences, c128 inside)", () => {
    const x = rand(11, [2, 3]);
    const y = rand(12, [2, 3]);
    // |x + iy|² summed, and the real part of a complex product, quotient and exponential.
    assertGradient(
      ([a, b]: nx.Tensor[]) => {
        const z = nx.complex(a!, b!);
        const w = nx.complex(nx.multiply(b!, 0.5), 1.25);
        const quotient = nx.divide(nx.multiply(z, w), nx.add(w, 2));
        const taken = nx.take(quotient, nx.tensor([2, 0, 1], { dtype: "s32" }), { axis: 1 });
        const mixed = nx.add(taken, nx.exp(nx.conjugate(z)));
        return nx.add(
          nx.sum(nx.multiply(nx.abs(z), nx.abs(z))),
          weightedSum(nx.concatenate([nx.real(mixed), nx.imag(mixed)])),
        );
      },
      [x, y],
    );
  });

  it("jit equals eager", () => {
    const f = (a: nx.Tensor, b: nx.Tensor) => {
      const z = nx.complex(a, b);
      const w = nx.transpose(nx.divide(nx.exp(z), nx.add(z, nx.complex(1, 1))));
      return [nx.sum(nx.multiply(w, nx.conjugate(w)), { axes: [0] }), nx.abs(w)];
    };
    const a = nx.asType(rand(13, [3, 2]), "f32");
    const b = nx.asType(rand(14, [3, 2]), "f32");
    const eager = f(a, b);
    const jitted = nx.jit(f)(a, b) as nx.Tensor[];
    assert.equal(jitted[0]!.dtype, "c64");
    assert.deepEqual(Array.from(jitted[0]!.data()), Array.from(eager[0]!.data()));
    assert.deepEqual(Array.from(jitted[1]!.data()), Array.from(eager[1]!.data()));
  });

  it("the js and wasm engines agree bit for bit on large complex programs (pair views are f32)", () => {
    const a = nx.asType(rand(15, [40, 64]), "f32");
    const b = nx.asType(rand(16, [40, 64]), "f32");
    const f = (x: nx.Tensor, y: nx.Tensor) => {
      const z = nx.complex(x, y);
      const w = nx.divide(nx.multiply(z, nx.conjugate(z)), nx.add(z, nx.complex(3, 1)));
      return [nx.sum(w, { axes: [0] }), nx.abs(nx.fft(w)), nx.real(nx.add(w, w))];
    };
    const before = nx.getDefaultBackend();
    const run = (engine: "js" | "wasm") => {
      nx.setDefaultBackend(engine);
      return [...(f(a, b) as nx.Tensor[]), ...(nx.jit(f)(a, b) as nx.Tensor[])].map((t) =>
        Array.from(t.data()),
      );
    };
    try {
      assert.deepEqual(run("wasm"), run("js"));
    } finally {
      nx.setDefaultBackend(before);
    }
  });
});
