import * as data from "@dendrite/data";
import fs from "node:fs";
const st=()=>Math.round(Number(/RssAnon:\s+(\d+)/.exec(fs.readFileSync("/proc/self/status","utf8"))[1])/1e3);
const t0 = performance.now(); let n = 0, s = 0, mx = 0; const r0 = st();
for await (const [x, y] of data.batches(process.argv[2] === "lazy" ? data.pl.scanCSV("/tmp/dd/big.csv") : "/tmp/dd/big.csv", { features: ["a", "b", "c", "d"], target: "y", batchSize: 1024, shuffle: process.argv[3] === "s", seed: 3 })) {
  n += x.shape[0]!; s += y.data()[0]!; if ((n / 1024) % 64 === 0) mx = Math.max(mx, st());
}
console.log(n, s, Math.round(performance.now() - t0), "ms", "rss anon", r0, "->", mx);
