import pl from "nodejs-polars";
const rss=()=>Math.round(process.memoryUsage().rss/1e6);
console.log("rss0", rss());
const lf = pl.scanCSV("/tmp/dd/big.csv");
const W = Number(process.argv[2] ?? 262144);
let t0=performance.now(); let rows=0, maxr=0;
for (let off=0;;off+=W){ const df = lf.slice(off, W).collectSync(); rows+=df.height; maxr=Math.max(maxr,rss()); if (df.height<W) break; }
console.log("W",W,"rows", rows, "ms", Math.round(performance.now()-t0), "max rss", maxr);
