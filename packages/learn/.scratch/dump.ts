import * as data from "@dendrite/data";
import * as learn from "@dendrite/learn";
import { writeFileSync } from "node:fs";
const df = data.datasets.autoMpg().dropNulls("horsepower");
writeFileSync("/tmp/lrn/auto.csv", df.writeCSV().toString());
const out: Record<string, number[]> = {};
for (let s = 0; s < 5; s++) {
  const sp = learn.preprocessing.trainTestSplit(df, df.select("mpg"), { testSize: 0.2, seed: s });
  out[`train${s}`] = Array.from(sp.trainIndices); out[`test${s}`] = Array.from(sp.testIndices);
}
writeFileSync("/tmp/lrn/splits.json", JSON.stringify(out));
console.log(df.columns, df.height);
