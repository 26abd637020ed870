import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBits, threefry2x32 } from "../src/kernels/threefry.js";

// Known-answer vectors for threefry2x32 with 20 rounds, from Random123's tests/kat_vectors
// (lines "threefry2x32 20 <ctr0> <ctr1> <key0> <key1> <out0> <out1>"), which JAX's
// tests/random_test.py `testThreefry2x32` also checks against `threefry_2x32(key, count)`.
// Our argument order is (k0, k1, x0, x1).
test("threefry2x32: Random123 known-answer vectors (20 rounds)", () => {
  assert.deepEqual(threefry2x32(0, 0, 0, 0), [0x6b200159, 0x99ba4efe]);
  assert.deepEqual(
    threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff),
    [0x1cb996fc, 0xbb002be7],
  );
  assert.deepEqual(
    threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3),
    [0xc4923a9c, 0x483df7a0],
  );
});

test("threefry2x32: accepts int32-style negative words and returns uint32", () => {
  assert.deepEqual(threefry2x32(-1, -1, -1, -1), [0x1cb996fc, 0xbb002be7]);
  const [y0, y1] = threefry2x32(-1, -1, -1, -1);
  assert.ok(y0 >= 0 && y0 <= 0xffffffff && Number.isInteger(y0));
  assert.ok(y1 >= 0 && y1 <= 0xffffffff && Number.isInteger(y1));
});

/** The JAX `threefry_2x32(key, iota(n))` layout spelled out with single-block calls. */
function reference(k0: number, k1: number, n: number): number[] {
  const counters = Array.from({ length: n }, (_, i) => i);
  if (n % 2 === 1) counters.push(0); // JAX pads with np.uint32([0])
  const half = counters.length / 2;
  const y0: number[] = [];
  const y1: number[] = [];
  for (let j = 0; j < half; j++) {
    const [a, b] = threefry2x32(k0, k1, counters[j]!, counters[half + j]!);
    y0.push(a);
    y1.push(b);
  }
  return [...y0, ...y1].slice(0, n);
}

test("randomBits: counter layout for odd and even n matches direct threefry2x32 calls", () => {
  for (const [k0, k1] of [
    [0, 0],
    [0, 42],
    [0x13198a2e, 0x03707344],
    [0xffffffff, 0x80000000],
  ] as const) {
    for (const n of [0, 1, 2, 3, 4, 5, 8, 33]) {
      const out = new Uint32Array(n);
      randomBits(out, k0, k1, n);
      assert.deepEqual(Array.from(out), reference(k0, k1, n), `key (${k0}, ${k1}), n = ${n}`);
    }
  }
});

test("randomBits: explicit layout for n = 1, 2, 3, 5", () => {
  const k0 = 7;
  const k1 = 11;
  const f = (x0: number, x1: number) => threefry2x32(k0, k1, x0, x1);
  const bits = (n: number) => {
    const out = new Uint32Array(n);
    randomBits(out, k0, k1, n);
    return Array.from(out);
  };
  // n = 1: counters [0, pad 0] -> one pair (0, 0); keep y0.
  assert.deepEqual(bits(1), [f(0, 0)[0]]);
  // n = 2: pair (0, 1) -> [y0, y1].
  assert.deepEqual(bits(2), [f(0, 1)[0], f(0, 1)[1]]);
  // n = 3: counters [0, 1, 2, pad 0] -> pairs (0, 2), (1, 0) -> [y0(0,2), y0(1,0), y1(0,2)].
  assert.deepEqual(bits(3), [f(0, 2)[0], f(1, 0)[0], f(0, 2)[1]]);
  // n = 5: counters [0..4, pad 0] -> pairs (0, 3), (1, 4), (2, 0).
  assert.deepEqual(bits(5), [f(0, 3)[0], f(1, 4)[0], f(2, 0)[0], f(0, 3)[1], f(1, 4)[1]]);
});

// JAX tests/random_test.py `testRngRandomBits` (original, non-partitionable threefry layout):
// key = PRNGKey(1701) = (0, 1701); `_random_bits(key, 32, (3,))` == [56197195, 4200222568,
// 961309823]; `_random_bits(key, 64, (3,))` draws 6 words and joins halves as hi << 32 | lo, giving
// [3982329540505020460, 16822122385914693683, 7882654074788531506] with x64 enabled.
test("randomBits: matches JAX's random_bits known outputs for PRNGKey(1701)", () => {
  const out3 = new Uint32Array(3);
  randomBits(out3, 0, 1701, 3);
  assert.deepEqual(Array.from(out3), [56197195, 4200222568, 961309823]);

  const out6 = new Uint32Array(6);
  randomBits(out6, 0, 1701, 6);
  const u64 = [0, 1, 2].map((i) => (BigInt(out6[i]!) << 32n) | BigInt(out6[i + 3]!));
  assert.deepEqual(u64, [3982329540505020460n, 16822122385914693683n, 7882654074788531506n]);
});

test("randomBits: deterministic, writes only the first n words, key-sensitive", () => {
  const a = new Uint32Array(1001);
  const b = new Uint32Array(1001);
  randomBits(a, 123, 456, 1001);
  randomBits(b, 123, 456, 1001);
  assert.deepEqual(a, b);

  const c = new Uint32Array(10).fill(0xdeadbeef);
  randomBits(c, 123, 456, 7);
  assert.deepEqual(Array.from(c.subarray(0, 7)), reference(123, 456, 7));
  assert.deepEqual(Array.from(c.subarray(7)), [0xdeadbeef, 0xdeadbeef, 0xdeadbeef]);

  const d = new Uint32Array(1001);
  randomBits(d, 123, 457, 1001);
  assert.notDeepEqual(a, d);
});

test("randomBits: rejects bad n", () => {
  const out = new Uint32Array(4);
  assert.throws(() => randomBits(out, 0, 0, 5), RangeError);
  assert.throws(() => randomBits(out, 0, 0, -1), RangeError);
  assert.throws(() => randomBits(out, 0, 0, 1.5), RangeError);
});
