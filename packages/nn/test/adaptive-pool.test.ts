// Adaptive pooling: known answers from PyTorch 1.13 (/usr/bin/python3:
// F.adaptive_avg_pool2d / F.adaptive_max_pool2d of x = sin(0.7 · arange(140).reshape(2, 5, 7, 2)) · 3,
// channels moved first and back, output (3, 4): windows that overlap, of sizes 2 and 3), the
// gradient of the mean pool, and the option errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

const AVG = [
  -0.270155346311, 0.007195636258, 0.246957390748, 0.213576503719, -0.219848566354, -0.244710534886,
  0.014389238114, 0.286547458924, -0.653653626227, -0.550867745744, 0.152858283565, 0.344195317345,
  -0.025841186642, -0.266903038255, -0.544726210642, -0.178368798393, -0.183244021499,
  -0.389298752719, -0.140928989233, 0.025170644658, 0.201924122556, 0.059576292596, -0.392232348938,
  -0.410270937511, -0.39776605902, -0.405945028298, 0.037675901885, 0.187975301669, 0.047262451466,
  -0.121945679667, -0.403609602199, -0.217030693557, -0.12108856564, -0.509542272311,
  -0.290540099924, -0.059977946285, 0.358116579126, 0.183737190941, -0.516481431492, -0.65810040741,
  0.313774359277, 0.052506854212, -0.239205721875, -0.229578318675, 0.20114102105, 0.249392882395,
  0.045358159649, -0.239453133203,
];
const MAX = [
  2.956349189965, 2.589628099947, 2.971822067085, 2.589628099947, 2.971822067085, 2.964504701631,
  2.563796724265, 2.964504701631, 2.509966915608, 2.978299217508, 2.971822067085, 2.988725786265,
  2.983934321634, 2.537240493429, 2.983934321634, 2.481983701786, 2.992672256723, 2.423920211001,
  2.453298763579, 2.988725786265, 2.453298763579, 2.995772617235, 2.393856350168, 2.153923778315,
  2.331706894579, 2.222917832405, 2.998025991244, 2.363115680952, 2.999989471037, 2.299638871166,
  2.256476973223, 2.999431741659, 2.331706894579, 2.999699021692, 2.384241702052, 2.999699021692,
  2.999989471037, 2.996574155086, 2.998560475742, 2.353289542883, 2.993740621309, 2.414519771161,
  2.993740621309, 2.996574155086, 2.444115189775, 2.996574155086, 2.444115189775, 2.99006067553,
];

const x = nx.multiply(
  nx.sin(nx.multiply(nx.reshape(nx.iota([140], { dtype: "f64" }), [2, 5, 7, 2]), 0.7)),
  3,
);

function run(model: nn.Model, input: nx.Tensor): nx.Tensor {
  const state = nn
    .build(model, { dtype: "f64" })
    .init(nx.template([1, ...input.shape.slice(1)], "f64"));
  return nn.predict(model, state, input);
}

test("adaptiveAvgPool and adaptiveMaxPool give PyTorch's values", () => {
  for (const [make, want] of [
    [(m: nn.Model) => m.adaptiveAvgPool([3, 4]), AVG],
    [(m: nn.Model) => m.adaptiveMaxPool([3, 4]), MAX],
  ] as const) {
    const y = run(make(nn.input("x", [null, 5, 7, 2])), x);
    assert.deepEqual([...y.shape], [2, 3, 4, 2]);
    Array.from(y.data()).forEach((v, i) =>
      assert.ok(Math.abs(v - want[i]!) < 1e-11, `[${i}] ${v} vs ${want[i]}`),
    );
  }
  // One size for every axis; an output as large as the input is the identity.
  const same = run(nn.input("x", [null, 5, 7, 2]).adaptiveAvgPool([5, 7]), x);
  assert.deepEqual(same.toArray(), x.toArray());
  // [1, 2, 3, 4, 5] into 3: windows [0, 2), [1, 4), [3, 5) (F.adaptive_avg_pool1d → 1.5, 3, 4.5).
  const line = nx.reshape(nx.tensor([1, 2, 3, 4, 5], { dtype: "f64" }), [1, 5, 1]);
  assert.deepEqual(run(nn.input("x", [null, 5, 1]).adaptiveAvgPool(3), line).toArray(), [
    [[1.5], [3], [4.5]],
  ]);
});

test("adaptiveAvgPool's gradient spreads each output over its window", () => {
  const model = nn.input("x", [null, 5, 1]).adaptiveAvgPool(3);
  const state = nn.build(model, { dtype: "f64" }).init(nx.template([1, 5, 1], "f64"));
  const line = nx.reshape(nx.tensor([1, 2, 3, 4, 5], { dtype: "f64" }), [1, 5, 1]);
  const g = nx.grad((t: nx.Tensor) => nx.sum(nn.predict(model, state, t)))(line);
  // Position 0: 1/2; 1: 1/2 + 1/3; 2: 1/3; 3: 1/3 + 1/2; 4: 1/2.
  const want = [1 / 2, 1 / 2 + 1 / 3, 1 / 3, 1 / 3 + 1 / 2, 1 / 2];
  Array.from(g.data()).forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-15));
});

test("adaptive pools: errors name the layer and the shapes", () => {
  assert.throws(
    () => nn.input("x", [null, 5, 7, 2]).adaptiveAvgPool([3, 4, 5]),
    /adaptive_avg_pool_0 \(adaptive_avg_pool\): outputSize has 3 sizes for the 2 spatial axes of shape \[2, 5, 7, 2\]/,
  );
  assert.throws(
    () => nn.input("x", [null, 5]).adaptiveMaxPool(2),
    /expected an input \[batch, \.\.\.spatial, channels\] of rank ≥ 3/,
  );
  assert.throws(
    () => nn.input("x", [null, 5, 2]).adaptiveMaxPool(0),
    /outputSize must be a positive integer/,
  );
});
