import fs from "node:fs";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
const [header, ...lines] = fs.readFileSync("packages/data/datasets/iris.csv", "utf8").trim().split("\n");
const cols = header!.split(",");
const rows = lines.map((l) => Object.fromEntries(l.split(",").map((c, i) => [cols[i], c])));
const fc = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
const features = fc.map((c) => { const v = rows.map((r) => Number(r[c])); const m = v.reduce((a, b) => a + b) / v.length; const va = v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1); return v.map((x) => (x - m) / va); });
const species = [...new Set(rows.map((r) => r.species))];
const x = nx.tensor(rows.map((_, i) => features.map((f) => f[i]!)));
const labels = nx.tensor(rows.map((r) => species.indexOf(r.species)), { dtype: "s32" });
const y = nx.equal(labels.reshape([-1, 1]), nx.iota([1, 3], { axis: -1 }));
const model = nn.input("iris_features", [null, 4]).dense(3, { activation: "softmax" });
for (const seed of [0, 2, 9]) {
  const r = await nn.trainer(model, "categoricalCrossEntropy", nn.optimizers.adam({ learningRate: 1e-3 }), { seed, log: 0 }).metric("accuracy").run(nn.repeat([x, y]), { epochs: 20, iterations: 300 });
  { const l = r.history.map((h) => h.loss); const cum = l.map((_, i) => l.slice(0, i + 1).reduce((a, b) => a + b) / (i + 1)); console.log(seed, cum.map((v) => v.toFixed(4)).join(" ")); }
}
