import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { irisLike } from "../../../bench/data.ts";
const data = irisLike();
const X = nx.fromBuffer(data.x, "f32", [150, 4]);
const Y = nx.fromBuffer(data.onehot, "f32", [150, 3]);
const model = nn.input("iris_features", [null, 4]).dense(3, { activation: "softmax" });
const withAcc = nn.trainer(model, "categoricalCrossEntropy", "adam", { log: 0 }).metric("accuracy");
for (let r = 0; r < 6; r++) await withAcc.run(nn.repeat([X, Y]), { epochs: 20, iterations: 300 });
