import pl from "nodejs-polars"; import fs from "node:fs";
const st=()=>{const s=fs.readFileSync("/proc/self/status","utf8"); return Math.round(Number(/RssAnon:\s+(\d+)/.exec(s)[1])/1e3)+"/"+Math.round(Number(/RssFile:\s+(\d+)/.exec(s)[1])/1e3)};
const traj=[st()]; const t0=performance.now(); let rows=0;
const fd=fs.openSync("/tmp/dd/big.csv","r"); const CH=8<<20; const buf=Buffer.alloc(CH); let carry=Buffer.alloc(0); let header=null; let schema=null;
for(;;){
  const n=fs.readSync(fd, buf, 0, CH, null);
  let data = Buffer.concat([carry, buf.subarray(0,n)]);
  let end = n===0 ? data.length : data.lastIndexOf(10)+1;
  if (header===null){ const nl=data.indexOf(10); header=data.subarray(0,nl+1); data=data.subarray(nl+1); end-=nl+1; }
  const body=data.subarray(0,end); carry=Buffer.from(data.subarray(end));
  if (body.length){ const df=pl.readCSV(Buffer.concat([header, body]), schema? {schema}: {}); if(!schema) schema=df.schema; rows+=df.height; }
  if (global.gc) global.gc();
  traj.push(st()); if(n===0) break;
}
console.log(rows, Math.round(performance.now()-t0), "ms", traj.join(" "));
