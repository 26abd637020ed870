// The 64-bit integer dtype s64 (a BigInt64Array): exact bigint arithmetic wrapped to 64 bits in
// the generated code, checked against NumPy's int64; conversions, reads (numbers) and printing
// (exact); reductions; kernels (through f64, exact up to 2^53); indices; jit against eager; the
// WebAssembly engine leaving s64 programs in JavaScript; and what refuses s64.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";

const s64 = (values: bigint[]) => nx.tensor(new BigInt64Array(values));
const exact = (t: nx.Tensor) => Array.from(new BigInt64Array(t.toBytes().buffer));

// /usr/bin/python3, numpy (with np.errstate(all="ignore")):
//   a = np.array([2**53+1, -5, 7, 2**62, 2**63-1, -2**63], dtype=np.int64)
//   b = np.array([3, 2, -2, 3, 1, -1], dtype=np.int64)
const A = [2n ** 53n + 1n, -5n, 7n, 2n ** 62n, 2n ** 63n - 1n, -(2n ** 63n)];
const B = [3n, 2n, -2n, 3n, 1n, -1n];

describe("s64: creation and reads", () => {
  it("keeps a BigInt64Array exactly; numbers convert truncating", () => {
    const t = s64(A);
    assert.equal(t.dtype, "s64");
    // data() gives numbers (a Float64Array); toBytes the exact integers.
    assert.ok(t.data() instanceof Float64Array);
    assert.equal(t.data()[0], 2 ** 53);
    assert.deepEqual(exact(t), A);
    assert.deepEqual(exact(nx.tensor([1.9, -2.7, 3], { dtype: "s64" })), [1n, -2n, 3n]);
    assert.deepEqual(exact(nx.iota([3], { dtype: "s64" })), [0n, 1n, 2n]);
    assert.deepEqual(exact(nx.full([2], -4, { dtype: "s64" })), [-4n, -4n]);
    const bytes = new Uint8Array(new BigInt64Array([-2n, 2n ** 60n]).buffer);
    assert.deepEqual(exact(nx.fromBuffer(bytes, "s64")), [-2n, 2n ** 60n]);
  });

  it("toArray, toNumber and data() give numbers (exact up to 2^53); printing is exact", () => {
    assert.deepEqual(s64([1n, -2n]).toArray(), [1, -2]);
    assert.equal(s64([2n ** 53n + 1n]).toArray()[0], 2 ** 53);
    assert.equal(nx.sum(s64([5n, 6n])).toNumber(), 11);
    assert.equal(
      s64([2n ** 53n + 1n, -(2n ** 63n)]).toString(),
      ["Tensor<", "  s64[2]", "  [9007199254740993, -9223372036854775808]", ">"].join("\n"),
    );
  });
});

describe("s64: exact arithmetic, as NumPy's int64", () => {
  const a = s64(A);
  const b = s64(B);
  const cases: [string, nx.Tensor, bigint[]][] = [
    // (a + b).tolist() and so on
    [
      "add",
      nx.add(a, b),
      [
        9007199254740996n,
        -3n,
        5n,
        4611686018427387907n,
        -9223372036854775808n,
        9223372036854775807n,
      ],
    ],
    [
      "subtract",
      nx.subtract(a, b),
      [
        9007199254740990n,
        -7n,
        9n,
        4611686018427387901n,
        9223372036854775806n,
        -9223372036854775807n,
      ],
    ],
    [
      "multiply",
      nx.multiply(a, b),
      [
        27021597764222979n,
        -10n,
        -14n,
        -4611686018427387904n,
        9223372036854775807n,
        -9223372036854775808n,
      ],
    ],
    [
      "negate",
      nx.negate(a),
      [
        -9007199254740993n,
        5n,
        -7n,
        -4611686018427387904n,
        -9223372036854775807n,
        -9223372036854775808n,
      ],
    ],
    [
      "abs",
      nx.abs(a),
      [
        9007199254740993n,
        5n,
        7n,
        4611686018427387904n,
        9223372036854775807n,
        -9223372036854775808n,
      ],
    ],
    [
      "maximum",
      nx.maximum(a, b),
      [9007199254740993n, 2n, 7n, 4611686018427387904n, 9223372036854775807n, -1n],
    ],
    // np.fmod (truncated, as JavaScript's %)
    ["remainder", nx.remainder(a, b), [0n, -1n, 1n, 1n, 0n, 0n]],
    [
      "bitwiseXor",
      nx.bitwiseXor(a, b),
      [
        9007199254740994n,
        -7n,
        -7n,
        4611686018427387907n,
        9223372036854775806n,
        9223372036854775807n,
      ],
    ],
    [
      "bitwiseNot",
      nx.bitwiseNot(a),
      [
        -9007199254740994n,
        4n,
        -8n,
        -4611686018427387905n,
        -9223372036854775808n,
        9223372036854775807n,
      ],
    ],
    ["sign", nx.sign(a), [1n, -1n, 1n, 1n, 1n, -1n]],
  ];
  for (const [name, got, want] of cases) {
    it(name, () => {
      assert.equal(got.dtype, "s64");
      assert.deepEqual(exact(got), want);
    });
  }

  it("pow wraps (np.array([3, -2, 7]) ** np.array([40, 63, 25]), int64); negative powers give 0", () => {
    const p = nx.pow(s64([3n, -2n, 7n, 3n, -1n]), s64([40n, 63n, 25n, -1n, -3n]));
    assert.deepEqual(exact(p), [
      -6289078614652622815n,
      -9223372036854775808n,
      -5543697716832367161n,
      0n,
      -1n,
    ]);
  });

  it("comparisons are exact beyond 2^53 and give u8", () => {
    const x = s64([2n ** 53n + 1n, 5n]);
    const y = s64([2n ** 53n, 5n]);
    const gt = nx.greater(x, y);
    assert.equal(gt.dtype, "u8");
    assert.deepEqual(gt.toArray(), [1, 0]);
    assert.deepEqual(nx.equal(x, y).toArray(), [0, 1]);
  });

  it("shifts follow XLA: counts of 64 or more (or negative) shift every bit out", () => {
    const l = nx.leftShift(s64([2n, 3n, 4n, 1n]), s64([62n, 64n, -1n, 63n]));
    assert.deepEqual(exact(l), [-(2n ** 63n), 0n, 0n, -(2n ** 63n)]);
    const r = nx.rightShift(s64([-8n, 8n, -8n]), s64([1n, 70n, 70n]));
    assert.deepEqual(exact(r), [-4n, 0n, -1n]);
  });

  it("division and remainder by zero give 0 (as s32's)", () => {
    assert.deepEqual(exact(nx.remainder(s64([5n]), s64([0n]))), [0n]);
    assert.deepEqual(nx.remainder(nx.tensor([5], { dtype: "s32" }), 0).toArray(), [0]);
  });

  it("reductions accumulate in s64, wrapping (np.sum, np.prod of int64)", () => {
    assert.deepEqual(exact(nx.sum(s64(A.slice(0, 4)))), [4620693217682128899n]);
    assert.deepEqual(exact(nx.product(s64(A.slice(0, 3)))), [-315251973915934755n]);
    assert.deepEqual(exact(nx.reduceMax(s64(A))), [2n ** 63n - 1n]);
    assert.deepEqual(exact(nx.reduceMin(s64(A))), [-(2n ** 63n)]);
    const m = nx.reshape(s64([1n, 2n ** 60n, 3n, 2n ** 60n]), [2, 2]);
    assert.deepEqual(exact(nx.sum(m, { axes: [0] })), [4n, 2n ** 61n]);
    assert.deepEqual(exact(nx.sum(m, { axes: [1] })), [2n ** 60n + 1n, 2n ** 60n + 3n]);
  });
});

describe("s64: promotion and conversion", () => {
  it("s64 is the widest integer and gives way to floats; JS numbers are weak", () => {
    const x = s64([1n, 2n]);
    assert.equal(nx.add(x, nx.tensor([1, 2], { dtype: "s32" })).dtype, "s64");
    assert.equal(nx.add(x, nx.tensor([1, 2], { dtype: "u32" })).dtype, "s64");
    assert.equal(nx.add(x, nx.tensor([1, 2], { dtype: "f32" })).dtype, "f32");
    assert.equal(nx.add(x, 3).dtype, "s64");
    assert.equal(nx.add(x, 0.5).dtype, "f32");
    assert.equal(nx.divide(x, 2).dtype, "f32");
    assert.equal(nx.exp(x).dtype, "f32");
    assert.equal(nx.mean(x).toNumber(), 1.5);
  });

  it("casts as NumPy's astype: to f64 rounds, to s32 and u8 wrap; floats truncate into s64", () => {
    const a = s64(A);
    // a.astype(np.float64), a.astype(np.int32), a.astype(np.uint8)
    assert.deepEqual(
      nx.asType(a, "f64").toArray(),
      [9007199254740992, -5, 7, 4.611686018427388e18, 9.223372036854776e18, -9.223372036854776e18],
    );
    assert.deepEqual(nx.asType(a, "s32").toArray(), [1, -5, 7, 0, -1, 0]);
    assert.deepEqual(nx.asType(a, "u8").toArray(), [1, 251, 7, 0, 255, 0]);
    const f = nx.tensor([1.9, -2.7, NaN, -Infinity, 2 ** 60], { dtype: "f64" });
    assert.deepEqual(exact(nx.asType(f, "s64")), [1n, -2n, 0n, 0n, 2n ** 60n]);
    assert.deepEqual(exact(nx.asType(nx.tensor([-1], { dtype: "s32" }), "s64")), [-1n]);
    assert.deepEqual(exact(nx.asType(nx.tensor([4294967295], { dtype: "u32" }), "s64")), [
      4294967295n,
    ]);
  });
});

describe("s64: kernels, indices, jit and engines", () => {
  it("kernels compute through f64: exact while values stay within 2^53", () => {
    const m = nx.reshape(s64([1n, -2n, 3n, 4n]), [2, 2]);
    const mm = nx.matmul(m, m);
    assert.equal(mm.dtype, "s64");
    assert.deepEqual(exact(mm), [-5n, -10n, 15n, 10n]);
    assert.deepEqual(exact(nx.sort(s64([3n, -(2n ** 40n), 0n]))), [-(2n ** 40n), 0n, 3n]);
    assert.deepEqual(exact(nx.cumulativeSum(s64([1n, 2n, 3n]))), [1n, 3n, 6n]);
    assert.deepEqual(nx.argmax(s64([3n, 2n ** 50n, -1n])).toArray(), 1);
    assert.deepEqual(exact(nx.pad(s64([1n]), -3, [[1, 1, 0]])), [-3n, 1n, -3n]);
    assert.deepEqual(exact(nx.concatenate([s64([2n ** 62n]), s64([1n])])), [2n ** 62n, 1n]);
    // Products do not wrap at 32 bits as s32's do (100000² = 10¹⁰).
    const w = s64([3n, -4n, 100000n, 100000n, 7n]);
    assert.deepEqual(exact(nx.windowProduct(w, [2])), [-12n, -400000n, 10000000000n, 700000n]);
    assert.deepEqual(exact(nx.cumulativeProduct(w)), [
      3n,
      -12n,
      -1200000n,
      -120000000000n,
      -840000000000n,
    ]);
    assert.deepEqual(exact(nx.windowMax(w, [2])), [3n, 100000n, 100000n, 100000n]);
    assert.deepEqual(exact(nx.windowMin(w, [2], { padding: [[1, 1]] })), [
      3n,
      -4n,
      -4n,
      100000n,
      7n,
      7n,
    ]);
  });

  it("s64 indices select (take, takeAlongAxis, gather)", () => {
    const x = nx.tensor([10, 20, 30]);
    assert.deepEqual(nx.take(x, s64([2n, 0n])).toArray(), [30, 10]);
    assert.deepEqual(nx.takeAlongAxis(x, s64([1n, 1n]), 0).toArray(), [20, 20]);
    assert.deepEqual(nx.gather(x, nx.reshape(s64([2n, 1n]), [2, 1])).toArray(), [30, 20]);
  });

  it("random.randint gives s64 in range", () => {
    const r = nx.random.randint(nx.random.key(3), [200], { min: -5, max: 5, dtype: "s64" });
    assert.equal(r.dtype, "s64");
    assert.ok(exact(r).every((v) => v >= -5n && v < 5n));
  });

  it("jit equals eager on s64 chains, beyond 2^53", () => {
    const f = (x: nx.Tensor, y: nx.Tensor) =>
      nx.select(nx.greater(x, y), nx.add(nx.multiply(x, 3), 1), nx.bitwiseAnd(x, nx.negate(y)));
    const x = s64(A);
    const y = s64(B);
    assert.deepEqual(exact(nx.jit(f)(x, y)), exact(f(x, y)));
    assert.deepEqual(
      exact(nx.jit((t: nx.Tensor) => nx.sum(nx.multiply(t, t)))(x)),
      exact(nx.sum(nx.multiply(x, x))),
    );
  });

  it("s64 programs stay in JavaScript under the wasm backend", () => {
    const x = nx.asType(nx.iota([64, 32]), "s64");
    const f = (t: nx.Tensor) => [nx.add(nx.multiply(t, 3), 1), nx.sum(t, { axes: [1] })];
    const wasm = nx.jit(f, { backend: "wasm" });
    assert.doesNotMatch(wasm.source(x), /wasm/);
    const js = nx.jit(f, { backend: "js" })(x);
    wasm(x).forEach((t, i) => assert.deepEqual(exact(t), exact(js[i]!), `output ${i}`));
  });

  it("gradients refuse s64 (an integer type), as they refuse s32", () => {
    assert.throws(() => nx.grad((t: nx.Tensor) => nx.sum(t))(s64([1n])), /s64/);
  });
});
