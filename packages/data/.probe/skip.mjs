import pl from "nodejs-polars"; import fs from "node:fs";
const st=()=>{const s=fs.readFileSync("/proc/self/status","utf8"); return Math.round(Number(/RssAnon:\s+(\d+)/.exec(s)[1])/1e3)+"/"+Math.round(Number(/RssFile:\s+(\d+)/.exec(s)[1])/1e3)};
const mode = process.argv[2]; const W=262144;
const traj=[st()]; const t0=performance.now(); let rows=0;
for (let off=0;;off+=W){
  let df;
  if (mode==="scanskip") df = pl.scanCSV("/tmp/dd/big.csv", {skipRowsAfterHeader: off, nRows: W}).collectSync();
  else if (mode==="readskip") df = pl.readCSV("/tmp/dd/big.csv", {skipRowsAfterHeader: off, nRows: W});
  else if (mode==="sliceNoGc") df = pl.scanCSV("/tmp/dd/big.csv").slice(off, W).collectSync();
  rows+=df.height; const h=df.height; df=null; if (global.gc) global.gc();
  traj.push(st()); if (h<W) break;
}
console.log(mode, rows, Math.round(performance.now()-t0), "ms", traj.join(" "));
