import * as nx from "@dendrite/tensor";
import "../src/layers/methods.ts";
import { input } from "../src/layers/core.ts";
import * as nn from "../src/index.ts";

const x = nx.random.normal(nx.random.key(1), [314, 7]);
const y = x.dot(nx.random.normal(nx.random.key(2), [7, 1]));
const model = (input("x", [null, 7]) as any).dense(32, { activation: "relu" }).dense(8, { activation: "relu" }).dense(1);
const loop = nn.trainer(model, "meanSquaredError", "adam", { seed: 0, log: 0 }).metric("meanAbsoluteError");
const data = nn.batches(x, y, { batchSize: 1 });
for (let r = 0; r < 4; r++) {
  const t0 = performance.now();
  await loop.run(data, { epochs: 40 });
  console.log(((performance.now() - t0) * 1e3 / (314 * 40)).toFixed(1), "µs/step");
}
