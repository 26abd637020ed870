// A tour of @dendrite/tensor: the Nx calls the seed posts use, then a model trained with
// jit(valueAndGrad(loss)). Prints as it goes and leaves the same text in out/tensor-tour.txt.
import { mkdirSync, writeFileSync } from "node:fs";
import * as nx from "@dendrite/tensor";

const lines: string[] = [];
const show = (label: string, value: unknown) => {
  const text = `${label}\n${String(value)}\n`;
  lines.push(text);
  console.log(text);
};

// Nx.stack(columns, axis: -1): columns of a table become one feature matrix.
const sepalLength = nx.tensor([5.1, 4.9, 4.7, 7.0, 6.4, 6.3]);
const sepalWidth = nx.tensor([3.5, 3.0, 3.2, 3.2, 3.2, 3.3]);
const x = nx.stack([sepalLength, sepalWidth], { axis: -1 });
show("features = stack([sepal_length, sepal_width], axis -1)", x);

// Nx.equal(labels, Nx.iota({1, 3}, axis: -1)): one-hot labels by broadcasting.
const labels = nx.tensor([0, 0, 0, 1, 1, 2], { dtype: "s32" });
show("one-hot labels", nx.equal(labels.reshape([-1, 1]), nx.iota([1, 3], { axis: -1 })));

// Standardise each column: subtract the mean, divide by the standard deviation.
const standardized = x.subtract(x.mean({ axes: 0 })).divide(x.standardDeviation({ axes: 0 }));
show("standardised features", standardized);

// A linear regression y ≈ x·w + b trained by gradient descent, compiled with jit.
const key = nx.random.key(42);
const [kx, kn] = nx.random.split(key);
const inputs = nx.random.uniform(kx!, [200, 3], { min: -1, max: 1 });
const trueW = nx.tensor([[2], [-3], [0.5]]);
const targets = inputs
  .dot(trueW)
  .add(1)
  .add(nx.random.normal(kn!, [200, 1], { std: 0.05 }));

type Params = { w: nx.Tensor; b: nx.Tensor };
const loss = (p: Params, xb: nx.Tensor, yb: nx.Tensor) => {
  const err = xb.dot(p.w).add(p.b).subtract(yb);
  return err.multiply(err).mean();
};
const step = nx.jit((p: Params, xb: nx.Tensor, yb: nx.Tensor) => {
  const [l, g] = nx.valueAndGrad(loss)(p, xb, yb);
  return {
    params: { w: p.w.subtract(g.w.multiply(0.1)), b: p.b.subtract(g.b.multiply(0.1)) },
    loss: l,
  };
});

let params: Params = { w: nx.zeros([3, 1]), b: nx.zeros([1]) };
let last = Infinity;
for (let epoch = 0; epoch < 300; epoch++) {
  const out = step(params, inputs, targets);
  params = out.params;
  last = out.loss.toNumber();
}
show("learned w (true: 2, -3, 0.5)", params.w);
show("learned b (true: 1)", params.b);
show("final loss", last.toFixed(6));
show("the compiled training step, as IR", step.debugExpr(params, inputs, targets));

mkdirSync("out", { recursive: true });
writeFileSync("out/tensor-tour.txt", lines.join("\n"));
console.log("wrote out/tensor-tour.txt");
