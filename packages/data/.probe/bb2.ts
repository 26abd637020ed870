import * as data from "@dendrite/data";
import fs from "node:fs";
const st=()=>Math.round(Number(/RssAnon:\s+(\d+)/.exec(fs.readFileSync("/proc/self/status","utf8"))[1])/1e3);
const mb=(x:number)=>Math.round(x/1e6);
const r0 = st(); const traj:string[]=[];
let n=0;
for await (const [x] of data.batches("/tmp/dd/big.csv", { features: ["a", "b", "c", "d"], target: "y", batchSize: 1024, windowRows: Number(process.argv[2] ?? 65536) })) {
  n += x.shape[0]!; if ((n / 1024) % 300 === 0) { const m = process.memoryUsage(); traj.push(`${st()}(h${mb(m.heapUsed)},e${mb(m.external)})`); }
}
console.log(r0, traj.join(" "));
