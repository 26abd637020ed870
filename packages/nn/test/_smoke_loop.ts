import * as nx from "@dendrite/tensor";
import "../src/layers/methods.ts";
import { input } from "../src/layers/core.ts";
import * as nn from "../src/index.ts";

const key = nx.random.key(1);
const x = nx.random.normal(key, [64, 7]);
const w = nx.random.normal(nx.random.key(2), [7, 1]);
const y = x.dot(w);
const model = (input("x", [null, 7]) as any).dense(32, { activation: "relu" }).dense(8, { activation: "relu" }).dense(1);
const t0 = performance.now();
const out = await nn.trainer(model, "meanSquaredError", "adam", { seed: 0 })
  .metric("meanAbsoluteError")
  .run(nn.batches(x, y, { batchSize: 1 }), { epochs: 5 });
console.log(performance.now() - t0, "ms", out.history, String(out.modelState));
