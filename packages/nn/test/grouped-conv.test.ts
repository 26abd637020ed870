// Grouped and depthwise convolutions: known answers from PyTorch 1.13 (torch.nn.functional.conv2d
// with groups=2 on the channels-first transpose of the same input, kernel and bias, in f64), and
// separableConv as a depthwise then a 1×1 convolution.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { pattern } from "./numeric.js";

// x = (arange(32).reshape(1, 4, 4, 2) * 0.29) % 1.3 - 0.6; kernel = (arange(36).reshape(3, 3, 1, 4)
// * 0.17) % 0.9 - 0.4 ([kh, kw, in / groups, out]); bias [0.1, -0.2, 0.3, 0.05].
const x = pattern([1, 4, 4, 2], 0.29, 1.3, 0.6);
const kernel = pattern([3, 3, 1, 4], 0.17, 0.9, 0.4);
const bias = nx.tensor([0.1, -0.2, 0.3, 0.05], { dtype: "f64" });
const TORCH = [
  0.3712, -0.0138, 0.1244, -0.2344, 0.3464, 0.1042, 0.0892, 0.2818, -0.0624, -0.376, 0.4456, 0.2658,
  0.1552, -0.104, 0.4232, -0.3228, -0.1296, -0.5894, 0.6128, 0.0348, 0.5912, 0.2742, -0.0742,
  -0.3215, -0.1904, -0.504, 0.421, 0.3031, -0.1276, -0.2882, 0.435, -0.0828, -0.1664, -0.4698,
  0.5608, 0.1702, 0.0908, -0.2126, 0.5286, -0.3711, 0.5052, 0.2052, -0.1202, 0.2795, -0.42, -0.6452,
  0.4994, 0.39, 0.2896, -0.0342, 0.2058, 0.1692, -0.3472, -0.7186, 0.5186, 0.011, 0.4928, 0.271,
  -0.1922, -0.1232, 0.1932, -0.0048, 0.3812, 0.2094,
];

test("depthwiseConv (two kernels per channel) gives PyTorch's grouped convolution", () => {
  const model = nn
    .input("x", [null, 4, 4, 2])
    .depthwiseConv({ kernelSize: 3, padding: "same", depthMultiplier: 2, name: "dw" });
  const state = nn.build(model, { dtype: "f64" }).init(nx.template([1, 4, 4, 2], "f64"));
  assert.deepEqual(state.parameters.dw!.kernel!.shape, [3, 3, 1, 4]);
  const ours = new nn.ModelState({ dw: { kernel, bias } }, {}, []);
  const got = nn.predict(model, ours, x).data();
  TORCH.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < 1e-9, `[${i}] ${got[i]} vs ${w}`));
  assert.throws(
    () => nn.input("x", [null, 4, null]).depthwiseConv(),
    /depthwiseConv: the input's channel count must be declared/,
  );
  assert.throws(
    () =>
      nn
        .build(nn.input("x", [null, 4, 4, 3]).conv(4, { featureGroups: 2 }))
        .init(nx.template([1, 4, 4, 3])),
    /featureGroups 2 must divide the 3 input channels and the 4 filters/,
  );
});

test("separableConv is a depthwise convolution then a 1×1 convolution, and trains", async () => {
  const model = nn
    .input("x", [null, 4, 4, 2])
    .separableConv(3, { kernelSize: 3, padding: "same", activation: "relu" });
  const table = String(nn.display.asTable(model, nx.template([1, 4, 4, 2])));
  assert.match(table, /conv_0 \( conv\["x"\] \).*kernel: f32\[3\]\[3\]\[1\]\[2\]/s);
  assert.match(table, /conv_1 \( conv\["conv_0"\] \).*kernel: f32\[1\]\[1\]\[2\]\[3\]/s);
  const xs = nx.asType(nx.concatenate([x, nx.negate(x)]), "f32");
  const ys = nx.reshape(nx.tensor([1, 0]), [2, 1]);
  const head = model.flatten().dense(1);
  const { state } = await nn
    .trainer(head, "meanSquaredError", nn.optimizers.adam({ learningRate: 1e-2 }), { log: 0 })
    .run(nn.repeat([xs, ys]), undefined, { epochs: 2, iterations: 60 });
  assert.ok(state.history[1]!.loss! < state.history[0]!.loss!, "its loss falls");
});
