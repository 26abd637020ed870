// fft and ifft (Nx.fft, Nx.ifft) against numpy.fft.fft / numpy.fft.ifft (values and the call in
// test/complex-reference.ts): lengths 1, 2, 3, 5, 8, 12, 17 (radix-2 and Bluestein), batches,
// complex input, `length` padding and truncation; the round trip; f64 finite-difference
// gradients of real losses through the transforms; jit = eager.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nx from "../src/index.js";
import { FFT } from "./complex-reference.js";
import { assertGradient, rand, weightedSum } from "./gradcheck.js";

/** The reference script's inp(n, phase): round(3 sin(1.3 j + phase) + cos(0.7 j), 3) in f64. */
function inp(n: number, phase = 0): nx.Tensor {
  const data = new Float64Array(n);
  for (let j = 0; j < n; j++)
    data[j] = Math.round((Math.sin(1.3 * j + phase) * 3 + Math.cos(0.7 * j)) * 1000) / 1000;
  return nx.tensor(data);
}

function closeComplex(z: nx.Tensor, v: { re: number[]; im: number[] }, tol: number) {
  const re = nx.real(z).data();
  const im = nx.imag(z).data();
  assert.equal(re.length, v.re.length);
  // Scaled by the largest value: the error of a transform is relative to its whole output.
  const scale = Math.max(1, ...v.re.map(Math.abs), ...v.im.map(Math.abs));
  for (let i = 0; i < v.re.length; i++) {
    assert.ok(Math.abs(re[i]! - v.re[i]!) <= tol * scale, `re ${i}: ${re[i]} vs ${v.re[i]}`);
    assert.ok(Math.abs(im[i]! - v.im[i]!) <= tol * scale, `im ${i}: ${im[i]} vs ${v.im[i]}`);
  }
}

const table = FFT as Record<string, { re: number[]; im: number[] }>;

describe("fft and ifft", () => {
  for (const n of [1, 2, 3, 5, 8, 12, 17]) {
    it(`length ${n} matches numpy.fft in f64 (c128) and f32 (c64)`, () => {
      const x = inp(n);
      const f = nx.fft(x);
      assert.equal(f.dtype, "c128");
      closeComplex(f, table[`fft${n}`]!, 1e-13);
      closeComplex(nx.ifft(x), table[`ifft${n}`]!, 1e-13);
      const f32 = nx.fft(nx.asType(x, "f32"));
      assert.equal(f32.dtype, "c64");
      closeComplex(f32, table[`fft${n}`]!, 1e-6);
    });
  }

  it("batches over the leading axes of a complex input", () => {
    const z = nx.reshape(nx.complex(inp(30), inp(30, 0.5)), [2, 3, 5]);
    const f = nx.fft(z);
    assert.deepEqual(f.shape, [2, 3, 5]);
    closeComplex(f, FFT.batched, 1e-13);
    closeComplex(nx.ifft(z), FFT.batchedInverse, 1e-13);
  });

  it("length pads with zeros or truncates the last axis first", () => {
    const padded = nx.fft(inp(5), { length: 8 });
    assert.deepEqual(padded.shape, [8]);
    closeComplex(padded, FFT.pad8, 1e-13);
    closeComplex(nx.fft(inp(12), { length: 5 }), FFT.truncate5, 1e-13);
    const w = nx.complex(inp(6), inp(6, 0.5));
    closeComplex(nx.ifft(w, { length: 9 }), FFT.ifftPad9, 1e-13);
    closeComplex(nx.ifft(w, { length: 4 }), FFT.ifftTruncate4, 1e-13);
  });

  it("ifft inverts fft, at lengths with large prime factors too", () => {
    for (const n of [64, 97, 100]) {
      const x = nx.complex(inp(n), inp(n, 0.3));
      const back = nx.ifft(nx.fft(x));
      const err = nx.reduceMax(nx.abs(nx.subtract(back, x))).toNumber();
      assert.ok(err < 1e-12, `n = ${n}: ${err}`);
    }
  });

  it("checks its arguments", () => {
    assert.throws(
      () => nx.fft(nx.tensor(1)),
      /^RangeError: fft: expected a tensor with at least one axis/,
    );
    assert.throws(
      () => nx.ifft(nx.tensor([1, 2]), { length: 0 }),
      /^RangeError: ifft: length must be a positive integer, got 0/,
    );
    assert.throws(
      () => nx.fft(nx.tensor([1, 2]), { length: 1.5 }),
      /^RangeError: fft: length must be a positive integer/,
    );
    assert.throws(
      () => nx.fft(nx.zeros([2, 0])),
      /^RangeError: fft: the last axis of a tensor f32\[2\]\[0\] is empty/,
    );
    assert.throws(
      () => nx.fft([1, 2] as never),
      /^TypeError: fft: expected a Tensor, got an array of 2/,
    );
  });

  it("gradients of real losses of real f64 inputs (finite differences)", () => {
    const x = rand(21, [2, 6]);
    // Parseval: Σ|fft(x)|² = n Σ x², so the gradient is 2n·x.
    const power = (t: nx.Tensor) => nx.sum(nx.multiply(nx.abs(nx.fft(t)), nx.abs(nx.fft(t))));
    assertGradient(power, x);
    const g = nx.grad(power)(x);
    const expected = nx.multiply(x, 12);
    assert.ok(nx.reduceMax(nx.abs(nx.subtract(g, expected))).toNumber() < 1e-10);
    // Weighted real and imaginary parts, with padding, truncation and the inverse.
    assertGradient((t: nx.Tensor) => weightedSum(nx.real(nx.fft(t, { length: 9 }))), x);
    assertGradient((t: nx.Tensor) => weightedSum(nx.imag(nx.fft(t, { length: 4 }))), x);
    assertGradient(
      (t: nx.Tensor) =>
        weightedSum(nx.viewAsReal(nx.ifft(nx.complex(t, nx.multiply(t, t)), { length: 7 }))),
      x,
    );
    assertGradient(
      (t: nx.Tensor) => weightedSum(nx.real(nx.ifft(nx.fft(t, { length: 5 })))),
      rand(22, [5]),
    );
  });

  it("gradients in f32 (through c64), eagerly and under jit", () => {
    // ∂/∂x_j Σ_k Re X_k = Σ_k cos(2πjk/n): n at j = 0, else 0.
    const f = (x: nx.Tensor) => nx.sum(nx.real(nx.fft(x)));
    const x = nx.asType(rand(24, [5]), "f32");
    const g = nx.grad(f)(x);
    assert.equal(g.dtype, "f32");
    const values = Array.from(g.data());
    assert.ok(Math.abs(values[0]! - 5) < 1e-5, `${values[0]}`);
    for (const v of values.slice(1)) assert.ok(Math.abs(v) < 1e-5, `${v}`);
    assert.deepEqual(Array.from(nx.jit(nx.grad(f))(x).data()), values);
  });

  it("jit equals eager", () => {
    const f = (x: nx.Tensor) => [
      nx.fft(x, { length: 12 }),
      nx.abs(nx.ifft(nx.fft(x), { length: 3 })),
    ];
    const x = nx.asType(rand(23, [3, 8]), "f32");
    const eager = f(x);
    const jitted = nx.jit(f)(x) as nx.Tensor[];
    assert.deepEqual(Array.from(jitted[0]!.data()), Array.from(eager[0]!.data()));
    assert.deepEqual(Array.from(jitted[1]!.data()), Array.from(eager[1]!.data()));
  });
});
