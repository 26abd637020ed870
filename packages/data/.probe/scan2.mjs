import pl from "nodejs-polars";
const rss=()=>Math.round(process.memoryUsage().rss/1e6);
const opts = JSON.parse(process.argv[3] ?? "{}");
const lf = pl.scanCSV(process.argv[4] ?? "/tmp/dd/big.csv", opts);
const W = Number(process.argv[2] ?? 262144);
const traj=[rss()];
for (let off=0;;off+=W){ const df = lf.slice(off, W).collectSync(); traj.push(rss()); if (df.height<W) break; }
console.log(JSON.stringify(opts), W, traj.join(" "));
