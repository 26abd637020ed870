import pl from "nodejs-polars"; import fs from "node:fs";
const st=()=>Math.round(Number(/RssAnon:\s+(\d+)/.exec(fs.readFileSync("/proc/self/status","utf8"))[1])/1e3);
const mode=process.argv[2]; const traj=[st()];
const text = Buffer.from("a,b\n"+Array.from({length:200000},(_,i)=>`${i},${i*0.5}`).join("\n"));
const big = pl.readCSV("/tmp/dd/big.csv");
for (let i=0;i<20;i++){
  let df;
  if (mode==="csvbuf") df = pl.readCSV(text);
  if (mode==="slice") df = big.slice(i*100000, 100000).select(pl.col("a").mul(2));   // compute new data
  if (mode==="cast") df = pl.DataFrame([big.getColumn("a").slice(i*100000,200000).cast(pl.Float64)]);
  if (mode==="toTyped") { const a = big.getColumn("b").slice(i*100000,200000).toTypedArray(); df=null; }
  df=null; global.gc(); if (i%4===3) traj.push(st());
}
console.log(mode, traj.join(" "));
