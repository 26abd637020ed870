// RMS, group and instance normalisation: known answers from PyTorch 1.13 (torch.nn.functional.
// group_norm / instance_norm on the channels-first transpose; RMS norm by its formula
// x / sqrt(mean(x^2) + 1e-6)), in f64; each layer trains (its loss falls).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { pattern } from "./numeric.js";

// x = (arange(48).reshape(2, 3, 2, 4) * 0.37) % 1.9 - 0.8, channels last [batch, h, w, c].
const x = pattern([2, 3, 2, 4], 0.37, 1.9, 0.8);

const GROUP = [
  -1.441071, -0.832862, -0.499749, 0.260143, 0.991764, 1.599972, -1.36233, -0.602437, 0.301365,
  0.909573, 1.67724, -1.465018, -0.389034, 0.219174, 0.81466, 1.574552, -1.079433, -0.471225,
  -0.047921, 0.711971, 1.353401, -1.161624, -0.910502, -0.150609, 0.432469, 1.123175, -1.236259,
  -0.599485, -0.351576, 0.33913, 1.310836, -1.322309, -1.13562, -0.444914, 0.588012, 1.224786,
  -1.919665, -1.228959, -0.134812, 0.501961, 0.843159, 1.533865, -0.857637, -0.220863, 0.059114,
  0.74982, 1.689458, -0.943687,
];
const INSTANCE = [
  -1.364868, -0.900342, -0.430985, 0.213196, 1.011608, 1.598108, -1.266432, -0.682227, 0.337203,
  0.889088, 1.677525, -1.577649, -0.337203, 0.180068, 0.842078, 1.577649, -1.011608, -0.528951,
  0.006631, 0.682227, 1.364868, -1.237971, -0.828817, -0.213196, 0.828817, 0.828817, -1.364868,
  -0.430985, -0.006631, -0.006631, 1.011608, -1.266432, -0.842078, -0.842078, 0.337203, 1.677525,
  -1.677525, -1.677525, -0.337203, 0.842078, 1.266432, 1.266432, -1.011608, 0.006631, 0.430985,
  0.430985, 1.364868, -0.828817,
];
const RMS = [
  -1.663957, -0.894377, -0.124797, 0.644783, 1.011606, 1.562038, -0.714075, -0.163642, 0.3936,
  0.953724, 1.513847, -0.802339, -0.279734, 0.367151, 1.014037, 1.660923, -1.399518, -0.506722,
  0.386074, 1.27887, 1.586902, -1.110831, -0.458438, 0.193955, 0.780874, 1.382798, -1.106238,
  -0.504314, 0.102846, 0.737064, 1.371281, -1.251294, -0.787177, 0.021866, 0.830909, 1.639953,
  -1.656387, -0.870665, -0.084943, 0.700779, 1.028022, 1.571405, -0.675557, -0.132174, 0.417237,
  0.968585, 1.519934, -0.759967,
];

function check(model: nn.Model, want: number[], what: string): void {
  const state = nn.build(model, { dtype: "f64" }).init(nx.template([1, 3, 2, 4], "f64"));
  const got = nn.predict(model, state, x).data();
  want.forEach((w, i) =>
    assert.ok(Math.abs(got[i]! - w) < 2e-6, `${what}[${i}]: ${got[i]} vs ${w}`),
  );
}

const input = () => nn.input("x", [null, 3, 2, 4]);

test("groupNorm, instanceNorm and rmsNorm give PyTorch's values", () => {
  check(input().groupNorm(2), GROUP, "groupNorm");
  check(input().instanceNorm(), INSTANCE, "instanceNorm");
  check(input().rmsNorm(), RMS, "rmsNorm");
  assert.throws(
    () => nn.build(input().groupNorm(3)).init(nx.template([1, 3, 2, 4])),
    /group_norm.*4 channels cannot be split into 3 groups/,
  );
});

test("each normalisation layer trains: its loss falls", async () => {
  const target = nx.sum(nx.sin(x), { axes: [1, 2, 3] });
  for (const layer of [
    (m: nn.Model) => m.groupNorm(2),
    (m: nn.Model) => m.instanceNorm(),
    (m: nn.Model) => m.rmsNorm(),
  ]) {
    const model = layer(input().dense(4)).flatten().dense(1);
    const loss = async (epochs: number) => {
      const { state } = await nn
        .trainer(model, "meanSquaredError", nn.optimizers.adam({ learningRate: 1e-2 }), {
          log: 0,
          seed: 1,
        })
        .run(
          nn.repeat([nx.asType(x, "f32"), nx.reshape(nx.asType(target, "f32"), [2, 1])]),
          undefined,
          { epochs, iterations: 50 },
        );
      return state.history.at(-1)!.loss!;
    };
    const first = await loss(1);
    const later = await loss(4);
    assert.ok(later < first / 2, `loss ${first} → ${later}`);
  }
});
