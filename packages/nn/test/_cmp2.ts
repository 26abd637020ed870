import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { adamInit, adamUpdate, type Params } from "../../../bench/adam.ts";
import { irisLike } from "../../../bench/data.ts";
const data = irisLike();
const X = nx.fromBuffer(data.x, "f32", [150, 4]);
const Y = nx.fromBuffer(data.onehot, "f32", [150, 3]);
function logisticLoss(p: Params, x: nx.Tensor, onehot: nx.Tensor): nx.Tensor {
  const logits = nx.add(nx.dot(x, p.w!), p.b!);
  const logProbs = nx.subtract(logits, nx.logsumexp(logits, { axes: 1, keepAxes: true }));
  return nx.negate(nx.mean(nx.sum(nx.multiply(onehot, logProbs), { axes: 1 })));
}
const step = nx.jit((p: Params, m: Params, v: Params, t: nx.Tensor, x: nx.Tensor, y: nx.Tensor) => {
  const [loss, g] = nx.valueAndGrad(logisticLoss)(p, x, y);
  const [np, nm, nv, t1] = adamUpdate(p, g, m, v, t);
  return [np, nm, nv, t1, loss] as const;
});
const model = nn.input("iris_features", [null, 4]).dense(3, { activation: "softmax" });
const withAcc = nn.trainer(model, "categoricalCrossEntropy", "adam", { log: 0 }).metric("accuracy");
const noAcc = nn.trainer(model, "categoricalCrossEntropy", "adam", { log: 0 });
const p0: Params = { w: nx.random.normal(nx.random.key(3), [4, 3]), b: nx.zeros([3]) };
for (let r = 0; r < 5; r++) {
  let t0 = performance.now();
  let { m, v, t } = adamInit(p0); let p = p0;
  for (let i = 0; i < 6000; i++) [p, m, v, t] = step(p, m, v, t, X, Y);
  const hand = (performance.now() - t0) * 1e3 / 6000;
  t0 = performance.now();
  await withAcc.run(nn.repeat([X, Y]), { epochs: 20, iterations: 300 });
  const a = (performance.now() - t0) * 1e3 / 6000;
  t0 = performance.now();
  await noAcc.run(nn.repeat([X, Y]), { epochs: 20, iterations: 300 });
  const b = (performance.now() - t0) * 1e3 / 6000;
  console.log(`hand ${hand.toFixed(1)} acc ${a.toFixed(1)} (${(a / hand).toFixed(2)}) noacc ${b.toFixed(1)} (${(b / hand).toFixed(2)})`);
}
const res = await noAcc.run(nn.repeat([X, Y]), { epochs: 1, iterations: 1 });
const st = res.state as any;
console.log((noAcc as any).jitted.debugExpr([X, Y], st._tree, st._metricValues, st._counter));
const { m, v, t } = adamInit(p0);
console.log(step.debugExpr(p0, m, v, t, X, Y));
