import * as nx from "@dendrite/tensor";
import * as learn from "@dendrite/learn";
const u = (s: number, shape: number[]) => nx.random.uniform(nx.random.key(s), shape, { dtype: "f64" });
const centers = nx.multiply(u(4, [8, 10]), 10);
const labels = nx.random.randint(nx.random.key(5), [100000], { min: 0, max: 8 });
const x = nx.add(nx.take(centers, labels, { axis: 0 }), nx.random.normal(nx.random.key(6), [100000, 10], { dtype: "f64" }));
for (let r = 0; r < 6; r++) {
  const t0 = performance.now();
  const km = learn.KMeans.fit(x, { numClusters: 8, seed: 0 });
  const t1 = performance.now();
  const t2 = performance.now();
  learn.KMeans.fit(x, { numClusters: 8, seed: 0, maxIterations: 1 });
  const t3 = performance.now();
  console.log(`fit ${(t1 - t0).toFixed(1)} ms, iters ${km.iterations}, inertia ${km.inertia}; 1-iter fit ${(t3 - t2).toFixed(1)} ms`);
}
