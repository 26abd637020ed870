import * as data from "@dendrite/data";
const iris = data.datasets.iris();
const features = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
let n = 0;
for await (const [x, y] of data.batches(iris, { features, target: "species", batchSize: 64, shuffle: true, seed: 1 })) {
  console.log(x.shape, y.shape, y.dtype, Array.from(y.data()).slice(0, 10).join(","));
  n += x.shape[0]!;
}
console.log(n);
