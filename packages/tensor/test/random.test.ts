// Explicit-key random numbers: JAX-compatible keys and splits, determinism, the distributions'
// moments on 100k samples, integers, permutations, jit, and errors for bad keys.
//
// Statistical tolerances are 5 standard errors of the estimate for n = 100 000 samples, so a correct
// generator fails with probability below 1e-6 per check (and the keys are fixed, so a passing test
// keeps passing):
// - mean of U(0, 1): σ/√n = √(1/12)/√n ≈ 9.1e-4 → 5σ ≈ 0.0046, use 0.005;
// - variance of U(0, 1): √((μ₄ − σ⁴)/n) with μ₄ = 1/80, σ⁴ = 1/144 → ≈ 2.4e-4 → 5σ ≈ 0.0012;
// - mean of N(0, 1): 1/√n ≈ 3.2e-3 → 5σ ≈ 0.016;
// - standard deviation of N(0, 1): ≈ 1/√(2n) ≈ 2.2e-3 → 5σ ≈ 0.011;
// - a count of one of k equally likely values: √(n p (1 − p)) with p = 1/k.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";

const { random } = nx;
const N = 100_000;

describe("keys", () => {
  it("key(seed) is [high 32 bits, low 32 bits] as u32[2] (jax.random.PRNGKey)", () => {
    const k = random.key(0);
    assert.equal(k.dtype, "u32");
    assert.deepEqual(k.shape, [2]);
    assert.deepEqual(k.toArray(), [0, 0]);
    assert.deepEqual(random.key(42).toArray(), [0, 42]);
    // jax.random.PRNGKey(-1) -> [4294967295, 4294967295]
    assert.deepEqual(random.key(-1).toArray(), [4294967295, 4294967295]);
    assert.deepEqual(random.key(2 ** 40 + 5).toArray(), [256, 5]);
  });

  it("split(key(0)) gives JAX's values", () => {
    // jax.random.split(jax.random.PRNGKey(0)) (legacy threefry layout)
    //   -> [[4146024105, 967050713], [2718843009, 1272950319]]
    const s = random.split(random.key(0));
    assert.equal(s.dtype, "u32");
    assert.deepEqual(s.shape, [2, 2]);
    assert.deepEqual(s.toArray(), [
      [4146024105, 967050713],
      [2718843009, 1272950319],
    ]);
  });

  it("split destructures into u32[2] keys and takes a count", () => {
    const [a, b] = random.split(random.key(0));
    assert.deepEqual(a!.toArray(), [4146024105, 967050713]);
    assert.deepEqual(b!.toArray(), [2718843009, 1272950319]);
    const three = random.split(random.key(7), 3);
    assert.deepEqual(three.shape, [3, 2]);
    const keys = [...three].map((k) => k.toArray().join(","));
    assert.equal(new Set(keys).size, 3);
    assert.deepEqual(random.split(random.key(7), 1).shape, [1, 2]);
  });
});

describe("determinism", () => {
  it("the same key gives the same numbers", () => {
    const k = random.key(123);
    assert.deepEqual(random.uniform(k, [50]).toArray(), random.uniform(k, [50]).toArray());
    assert.deepEqual(random.normal(k, [2, 5]).toArray(), random.normal(k, [2, 5]).toArray());
    assert.deepEqual(
      random.randint(k, [20], { min: 0, max: 100 }).toArray(),
      random.randint(random.key(123), [20], { min: 0, max: 100 }).toArray(),
    );
  });

  it("different keys give different numbers", () => {
    const a = random.uniform(random.key(1), [20]).toArray() as number[];
    const b = random.uniform(random.key(2), [20]).toArray() as number[];
    assert.ok(a.every((v, i) => v !== b[i]));
    const [k1, k2] = random.split(random.key(1));
    const c = random.uniform(k1!, [20]).toArray() as number[];
    const d = random.uniform(k2!, [20]).toArray() as number[];
    assert.notDeepEqual(c, d);
    assert.notDeepEqual(c, a);
  });

  it("the shape is part of the stream, values stay in [0, 1)", () => {
    const u = random.uniform(random.key(5), [3, 4]);
    assert.deepEqual(u.shape, [3, 4]);
    assert.equal(u.dtype, "f32");
    assert.equal(random.uniform(random.key(5), []).rank, 0);
  });
});

describe("distributions", () => {
  it("uniform: f32 in [0, 1), mean ≈ 1/2, variance ≈ 1/12", () => {
    const u = random.uniform(random.key(0), [N]);
    assert.equal(u.dtype, "f32");
    assert.ok(nx.reduceMin(u).toNumber() >= 0);
    assert.ok(nx.reduceMax(u).toNumber() < 1);
    const mean = nx.mean(u).toNumber();
    const variance = nx.variance(u).toNumber();
    assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1 / 12) < 0.0012, `variance ${variance}`);
    // f32 values are multiples of 2⁻²³ (23 random bits, exactly representable).
    for (const v of u.data().subarray(0, 1000)) assert.ok(Number.isInteger(v * 2 ** 23));
  });

  it("uniform with min and max", () => {
    const u = random.uniform(random.key(3), [N], { min: -2, max: 6 });
    const lo = nx.reduceMin(u).toNumber();
    const hi = nx.reduceMax(u).toNumber();
    assert.ok(lo >= -2 && hi < 6, `range [${lo}, ${hi}]`);
    // Scaled by 8: the mean's tolerance scales by 8 too.
    const mean = nx.mean(u).toNumber();
    assert.ok(Math.abs(mean - 2) < 8 * 0.005, `mean ${mean}`);
  });

  it("f64 uniform has more than 32 random bits", () => {
    const u = random.uniform(random.key(0), [N], { dtype: "f64" });
    assert.equal(u.dtype, "f64");
    assert.ok(nx.reduceMin(u).toNumber() >= 0);
    assert.ok(nx.reduceMax(u).toNumber() < 1);
    const mean = nx.mean(u).toNumber();
    const variance = nx.variance(u).toNumber();
    assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1 / 12) < 0.0012, `variance ${variance}`);
    const d = u.data();
    let fine = 0;
    for (let i = 0; i < 1000; i++) {
      assert.ok(Number.isInteger(d[i]! * 2 ** 52), "multiples of 2^-52");
      if (!Number.isInteger(d[i]! * 2 ** 32)) fine++;
    }
    assert.ok(fine > 900, `only ${fine} of 1000 values use bits below 2^-32`);
  });

  it("normal: mean ≈ 0, standard deviation ≈ 1", () => {
    const n = random.normal(random.key(1), [N]);
    assert.equal(n.dtype, "f32");
    const mean = nx.mean(n).toNumber();
    const std = nx.standardDeviation(n).toNumber();
    assert.ok(Math.abs(mean) < 0.016, `mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 0.011, `std ${std}`);
    assert.equal(nx.any(nx.isNan(n)).toNumber(), 0);
    assert.equal(nx.any(nx.isInfinite(n)).toNumber(), 0);
    // About 68.3% within one standard deviation: a binomial count, σ = √(n·0.683·0.317) ≈ 147 → 5σ ≈ 740.
    const within = nx.sum(nx.less(nx.abs(n), 1)).toNumber();
    assert.ok(Math.abs(within - 0.6827 * N) < 740, `within one sd: ${within}`);
  });

  it("normal with mean, std and f64", () => {
    const n = random.normal(random.key(4), [N], { mean: 10, std: 3, dtype: "f64" });
    assert.equal(n.dtype, "f64");
    const mean = nx.mean(n).toNumber();
    const std = nx.standardDeviation(n).toNumber();
    assert.ok(Math.abs(mean - 10) < 3 * 0.016, `mean ${mean}`);
    assert.ok(Math.abs(std - 3) < 3 * 0.011, `std ${std}`);
  });

  it("randint: in [min, max) with roughly equal counts", () => {
    const r = random.randint(random.key(3), [N], { min: -3, max: 7 });
    assert.equal(r.dtype, "s32");
    assert.equal(nx.reduceMin(r).toNumber(), -3);
    assert.equal(nx.reduceMax(r).toNumber(), 6);
    // Each of the 10 values: expected 10 000, σ = √(n · 0.1 · 0.9) ≈ 95 → 5σ ≈ 474.
    const counts = nx.sum(nx.oneHot(nx.add(r, 3), 10), { axes: 0 }).toArray() as number[];
    assert.equal(counts.length, 10);
    for (const c of counts) assert.ok(Math.abs(c - N / 10) < 474, `counts ${counts}`);
    assert.equal(random.randint(random.key(3), [4], { min: 0, max: 5, dtype: "u8" }).dtype, "u8");
  });
});

describe("permutations", () => {
  it("permutation(n) is a permutation of 0..n-1", () => {
    for (const n of [1, 10, 1000]) {
      const p = random.permutation(random.key(n), n);
      assert.equal(p.dtype, "s32");
      assert.deepEqual(p.shape, [n]);
      assert.deepEqual(nx.sort(p).toArray(), nx.iota([n]).toArray());
    }
    assert.deepEqual(random.permutation(random.key(0), 0).shape, [0]);
    // Not the identity (the chance of that for n = 1000 is 1/1000!).
    assert.notDeepEqual(
      random.permutation(random.key(1000), 1000).toArray(),
      nx.iota([1000]).toArray(),
    );
  });

  it("shuffle keeps the rows", () => {
    const x = nx.reshape(nx.iota([20], { dtype: "f32" }), [10, 2]);
    const s = random.shuffle(random.key(9), x);
    assert.deepEqual(s.shape, [10, 2]);
    const rows = s.toArray() as number[][];
    for (const [a, b] of rows) assert.equal(b, a! + 1, "each row stays whole");
    assert.deepEqual(
      rows.map((r) => r[0]).sort((a, b) => a! - b!),
      [0, 2, 4, 6, 8, 10, 12, 14, 16, 18],
    );
    assert.notDeepEqual(rows, x.toArray());
    // permutation of a tensor is a shuffle.
    assert.deepEqual(random.permutation(random.key(9), x).toArray(), rows);
  });

  it("shuffle along another axis keeps the columns", () => {
    const x = nx.reshape(nx.iota([12]), [2, 6]);
    const s = random.shuffle(random.key(2), x, { axis: 1 });
    const [top, bottom] = s.toArray() as number[][];
    for (let j = 0; j < 6; j++) assert.equal(bottom![j], top![j]! + 6);
    assert.deepEqual(
      [...top!].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5],
    );
    assert.deepEqual(random.shuffle(random.key(2), x, { axis: -1 }).toArray(), s.toArray());
  });
});

describe("jit", () => {
  it("a jitted random function equals the eager one", () => {
    const sample = (k: nx.Tensor) => {
      const [a, b] = random.split(k);
      return {
        u: random.uniform(a!, [3, 4], { min: -1, max: 1 }),
        n: random.normal(b!, [5]),
        i: random.randint(k, [6], { min: 0, max: 10 }),
        u64: random.uniform(k, [4], { dtype: "f64" }),
      };
    };
    const jitted = nx.jit(sample);
    for (const seed of [0, 1, 2]) {
      const k = random.key(seed);
      const e = sample(k);
      const j = jitted(k);
      for (const name of ["u", "n", "i", "u64"] as const) {
        assert.equal(j[name].dtype, e[name].dtype, name);
        assert.deepEqual(j[name].toArray(), e[name].toArray(), name);
      }
    }
  });

  it("jit of split equals the eager split", () => {
    const f = nx.jit((k: nx.Tensor) => random.split(k, 4));
    assert.deepEqual(f(random.key(0)).toArray(), random.split(random.key(0), 4).toArray());
    assert.deepEqual(
      nx.sliceAlong(f(random.key(0)), 0, 2).toArray(),
      random.split(random.key(0), 4).toArray().slice(0, 2),
    );
  });
});

describe("errors", () => {
  it("a key must be a u32[2] tensor", () => {
    assert.throws(() => random.uniform(nx.tensor([1, 2]), [3]), {
      name: "TypeError",
      message: "random: a key is a u32[2] tensor made by random.key(seed), got f32[2]",
    });
    assert.throws(() => random.normal(nx.tensor([1, 2, 3], { dtype: "u32" }), [3]), {
      name: "TypeError",
      message: "random: a key is a u32[2] tensor made by random.key(seed), got u32[3]",
    });
    assert.throws(() => random.split(nx.zeros([2, 2], { dtype: "u32" })), /got u32\[2\]\[2\]/);
    assert.throws(() => random.uniform([0, 0] as any, [3]), {
      name: "TypeError",
      message: "random: a key is a u32[2] tensor made by random.key(seed)",
    });
  });

  it("seeds must be safe integers", () => {
    assert.throws(() => random.key(1.5), {
      name: "RangeError",
      message: "random.key: seed must be a safe integer, got 1.5",
    });
    assert.throws(() => random.key(2 ** 53), /random.key: seed must be a safe integer/);
    assert.throws(() => random.key(NaN), /random.key: seed must be a safe integer, got NaN/);
  });

  it("bad counts, shapes, dtypes and ranges", () => {
    const k = random.key(0);
    assert.throws(() => random.split(k, 0), {
      name: "RangeError",
      message: "random.split: n must be a positive integer, got 0",
    });
    assert.throws(() => random.uniform(k, [2], { dtype: "s32" }), {
      name: "TypeError",
      message: "random.uniform: dtype must be a float type, got s32",
    });
    assert.throws(
      () => random.uniform(k, [2], { dtype: "f8" as nx.DType }),
      /random.uniform: unknown dtype "f8"/,
    );
    assert.throws(() => random.uniform(k, [-1]), /random\.uniform: shape \[-1\] has -1/);
    assert.throws(() => random.randint(k, [2], { min: 3, max: 3 }), {
      name: "RangeError",
      message: "random.randint: need integers min < max, got min 3, max 3",
    });
    assert.throws(
      () => random.randint(k, [2], { min: 0.5, max: 3 }),
      /random.randint: need integers min < max/,
    );
    assert.throws(
      () => random.permutation(k, -1),
      /random.permutation: n must be a non-negative integer, got -1/,
    );
    assert.throws(
      () => random.shuffle(k, nx.zeros([3]), { axis: 1 }),
      /random.shuffle: axis 1 is out of range for a tensor of rank 1/,
    );
  });
});
