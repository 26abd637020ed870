import pl from "nodejs-polars"; import fs from "node:fs";
import { setImmediate as tick } from "node:timers/promises";
const st=()=>Math.round(Number(/RssAnon:\s+(\d+)/.exec(fs.readFileSync("/proc/self/status","utf8"))[1])/1e3);
const W=Number(process.argv[3]??262144); const out=[]; const mode=process.argv[2];
const t0=performance.now();
for (let rep=0; rep<3; rep++){ const lf=pl.scanCSV("/tmp/dd/big.csv"); let mx=0;
  for (let off=0;;off+=W){ const df=lf.slice(off,W).collectSync(); const h=df.height;
    // simulate per-batch work
    for (let b=0;b<h;b+=1024){ const x=df.slice(b,1024).getColumn("b").toTypedArray(); }
    if (mode==="tick") await tick(); if (mode==="gc") {global.gc(); await tick();}
    mx=Math.max(mx,st()); if(h<W)break; }
  out.push(mx); }
console.log(mode, "max RssAnon per pass", out.join(" "), Math.round(performance.now()-t0), "ms");
