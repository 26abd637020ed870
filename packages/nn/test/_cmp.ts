import * as nx from "@dendrite/tensor";
import "../src/layers/methods.ts";
import { input } from "../src/layers/core.ts";
import * as nn from "../src/index.ts";
import { adamInit, adamUpdate, type Params } from "../../../bench/adam.ts";

const x = nx.random.normal(nx.random.key(1), [314, 7]);
const y = x.dot(nx.random.normal(nx.random.key(2), [7, 1]));
const xs = [...nx.toBatched(x, 1)], ys = [...nx.toBatched(y, 1)];
function mlpLoss(p: Params, x: nx.Tensor, y: nx.Tensor): nx.Tensor {
  const h1 = nx.maximum(nx.add(nx.dot(x, p.w1!), p.b1!), 0);
  const h2 = nx.maximum(nx.add(nx.dot(h1, p.w2!), p.b2!), 0);
  const out = nx.add(nx.dot(h2, p.w3!), p.b3!);
  const d = nx.subtract(out, y);
  return nx.mean(nx.multiply(d, d));
}
const step = nx.jit((p: Params, m: Params, v: Params, t: nx.Tensor, x: nx.Tensor, y: nx.Tensor) => {
  const [loss, g] = nx.valueAndGrad(mlpLoss)(p, x, y);
  const [np, nm, nv, t1] = adamUpdate(p, g, m, v, t);
  return [np, nm, nv, t1, loss] as const;
});
const p0: Params = { w1: nx.random.normal(nx.random.key(3), [7, 32]), b1: nx.zeros([32]), w2: nx.random.normal(nx.random.key(4), [32, 8]), b2: nx.zeros([8]), w3: nx.random.normal(nx.random.key(5), [8, 1]), b3: nx.zeros([1]) };
const model = (input("x", [null, 7]) as any).dense(32, { activation: "relu" }).dense(8, { activation: "relu" }).dense(1);
const loop = nn.trainer(model, "meanSquaredError", "adam", { seed: 0, log: 0 }).metric("meanAbsoluteError");
const data = nn.batches(x, y, { batchSize: 1 });
for (let r = 0; r < 5; r++) {
  let t0 = performance.now();
  let { m, v, t } = adamInit(p0); let p = p0; let loss;
  for (let e = 0; e < 40; e++) for (let i = 0; i < 314; i++) [p, m, v, t, loss] = step(p, m, v, t, xs[i]!, ys[i]!);
  const hand = (performance.now() - t0) * 1e3 / 12560;
  t0 = performance.now();
  await loop.run(data, { epochs: 40 });
  const mine = (performance.now() - t0) * 1e3 / 12560;
  console.log(`hand ${hand.toFixed(1)} loop ${mine.toFixed(1)} ratio ${(mine / hand).toFixed(2)}`);
}
const [p1] = [p0]; const { m, v, t } = adamInit(p0);
console.log("hand nodes", step.debugExpr(p1, m, v, t, xs[0]!, ys[0]!).split("\n").length);
process.exit(0);
const res = await loop.run(data, { epochs: 1 });
const st = res.state as any;
const j = (loop as any).jitted;
const expr = j.debugExpr([xs[0], ys[0]], st._tree, st._metricValues, st._counter);
console.log("loop nodes", expr.split("\n").length);
console.log(expr.split("\n").slice(0, 400).join("\n"));
