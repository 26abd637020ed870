import pl from "nodejs-polars"; import fs from "node:fs";
const st=()=>{const s=fs.readFileSync("/proc/self/status","utf8"); return Math.round(Number(/RssAnon:\s+(\d+)/.exec(s)[1])/1e3)};
const mode = process.argv[2];
const lf = pl.scanCSV("/tmp/dd/big.csv");
const traj=[st()];
for (let i=0;i<12;i++){
  let df;
  if (mode==="same") df = lf.slice(0, 262144).collectSync();
  else if (mode==="series") df = pl.DataFrame({a: new Float64Array(262144*5)});
  else if (mode==="head") df = pl.readCSV("/tmp/dd/big.csv", {nRows: 262144});
  df = null; global.gc(); await new Promise(r=>setTimeout(r,10)); global.gc();
  traj.push(st());
}
console.log(mode, traj.join(" "));
