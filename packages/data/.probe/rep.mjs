import pl from "nodejs-polars"; import fs from "node:fs";
const st=()=>Math.round(Number(/RssAnon:\s+(\d+)/.exec(fs.readFileSync("/proc/self/status","utf8"))[1])/1e3);
const W=262144; const out=[];
for (let rep=0; rep<4; rep++){ const lf=pl.scanCSV("/tmp/dd/big.csv"); let mx=0;
  for (let off=0;;off+=W){ const df=lf.slice(off,W).collectSync(); const h=df.height; mx=Math.max(mx,st()); if(h<W)break; }
  out.push(mx); }
console.log("max RssAnon per pass", out.join(" "));
