import * as nx from "@dendrite/tensor";
import * as learn from "@dendrite/learn";
const u = (s: number, shape: number[]) => nx.random.uniform(nx.random.key(s), shape, { dtype: "f64" });
const m = Number(process.argv[2] ?? 60000);
const x = u(1, [m, 784]);
const y = nx.add(nx.dot(x, u(2, [784])), u(3, [m]));
for (let r = 0; r < 2; r++) {
  const t0 = performance.now();
  const model = learn.LinearRegression.fit(x, y);
  console.log(`fit ${m}x784: ${(performance.now() - t0).toFixed(0)} ms rank ${model.rank}`);
}
