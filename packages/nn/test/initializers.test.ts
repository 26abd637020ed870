/**
 * Initializers: sample statistics against the formulas (Glorot & Bengio 2010, He et al. 2015,
 * LeCun et al. 1998: uniform limit √(3·scale/n), normal std √(scale/n)), bounds, determinism.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

const I = nn.initializers;
const key = nx.random.key(0);

function stats(t: nx.Tensor): { mean: number; std: number; min: number; max: number } {
  const d = Array.from(t.data());
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  return { mean, std, min: Math.min(...d), max: Math.max(...d) };
}

test("constant initializers", () => {
  assert.deepEqual(I.zeros()(key, [2], "f32").toArray(), [0, 0]);
  assert.deepEqual(I.ones()(key, [2], "f64").toArray(), [1, 1]);
  assert.deepEqual(I.full(0.5)(key, [1, 2], "f32").toArray(), [[0.5, 0.5]]);
});

test("uniform, normal and truncated normal have Axon's default scale 0.01", () => {
  const u = stats(I.uniform()(key, [200, 100], "f32"));
  assert.ok(u.min >= -0.01 && u.max < 0.01 && Math.abs(u.std - 0.01 / Math.sqrt(3)) < 2e-4);
  const n = stats(I.normal({ mean: 1 })(key, [200, 100], "f64"));
  assert.ok(Math.abs(n.mean - 1) < 5e-4 && Math.abs(n.std - 0.01) < 3e-4);
  const t = stats(I.truncatedNormal({ scale: 1 })(key, [200, 100], "f64"));
  assert.ok(t.min >= -2 && t.max <= 2 && t.max > 1.95);
  assert.ok(Math.abs(t.std - nn.initializers.TRUNCATED_STD) < 0.01, `std ${t.std}`);
});

test("variance-scaling family: limits and standard deviations follow the formulas", () => {
  const shape = [300, 200];
  const [fanIn, fanOut] = shape as [number, number];
  const cases: [string, nn.Initializer, number, "uniform" | "normal"][] = [
    ["glorotUniform", I.glorotUniform(), 2 / (fanIn + fanOut), "uniform"],
    ["glorotNormal", I.glorotNormal(), 2 / (fanIn + fanOut), "normal"],
    ["heUniform", I.heUniform(), 2 / fanIn, "uniform"],
    ["heNormal", I.heNormal(), 2 / fanIn, "normal"],
    ["lecunUniform", I.lecunUniform(), 1 / fanIn, "uniform"],
    ["lecunNormal", I.lecunNormal(), 1 / fanIn, "normal"],
  ];
  for (const [name, init, variance, kind] of cases) {
    const s = stats(init(key, shape, "f64"));
    assert.ok(Math.abs(s.mean) < 0.02 * Math.sqrt(variance), `${name} mean ${s.mean}`);
    assert.ok(
      Math.abs(s.std / Math.sqrt(variance) - 1) < 0.02,
      `${name} std ${s.std} vs ${Math.sqrt(variance)}`,
    );
    const bound =
      kind === "uniform"
        ? Math.sqrt(3 * variance)
        : (2 * Math.sqrt(variance)) / nn.initializers.TRUNCATED_STD;
    assert.ok(s.min >= -bound && s.max <= bound, `${name} within ±${bound}`);
  }
  assert.deepEqual(nn.initializers.fans([3, 3, 16, 32]), [144, 288]);
});

test("orthogonal gives orthonormal columns (or rows) and a given scale", () => {
  for (const shape of [
    [6, 4],
    [4, 6],
    [2, 3, 4],
  ]) {
    const w = I.orthogonal()(key, shape, "f64");
    assert.deepEqual(w.shape, shape);
    const m = w.reshape([-1, shape.at(-1)!]);
    const gram =
      m.shape[0]! >= m.shape[1]! ? nx.matmul(m.transpose(), m) : nx.matmul(m, m.transpose());
    const eye = nx.eye(gram.shape[0]!, { dtype: "f64" });
    assert.ok(nx.reduceMax(nx.abs(nx.subtract(gram, eye))).toNumber() < 1e-12);
  }
  const scaled = I.orthogonal({ scale: 2 })(key, [3, 3], "f64");
  assert.ok(Math.abs(nx.sum(nx.pow(scaled, 2)).toNumber() - 12) < 1e-9);
  assert.throws(() => I.orthogonal()(key, [3], "f32"), /orthogonal: needs a shape of rank ≥ 2/);
});

test("initializers are deterministic per key and accepted by name (camelCase or snake_case)", () => {
  assert.deepEqual(I.heNormal()(key, [5], "f32").data(), I.heNormal()(key, [5], "f32").data());
  assert.notDeepEqual(
    I.heNormal()(key, [5], "f32").data(),
    I.heNormal()(nx.random.key(1), [5], "f32").data(),
  );
  const model = nn
    .input("x", [null, 3])
    .dense(2, { kernelInitializer: "he_uniform", biasInitializer: "ones" });
  const state = nn.build(model).init(nx.template([1, 3]));
  assert.deepEqual(state.parameters.dense_0!.bias!.toArray(), [1, 1]);
  assert.ok(state.parameters.dense_0!.kernel!.data().every((w) => Math.abs(w) <= Math.sqrt(6 / 3)));
  assert.throws(
    () => I.uniform({ scale: -1 }),
    /initializers\.uniform: scale must be a positive number, got -1/,
  );
});
