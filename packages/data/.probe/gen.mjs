import fs from "node:fs";
const t0=performance.now();
const n = 3_000_000; const fd = fs.openSync("/tmp/dd/big.csv","w");
fs.writeSync(fd, "a,b,c,d,y\n");
let buf=[]; 
for (let i=0;i<n;i++){ buf.push(`${i},${(i%1000)/8},${(i*7)%13},${i%97},${i%3}`); if (buf.length===100000){fs.writeSync(fd, buf.join("\n")+"\n"); buf=[];} }
if (buf.length) fs.writeSync(fd, buf.join("\n")+"\n");
fs.closeSync(fd);
console.log("gen ms", performance.now()-t0, fs.statSync("/tmp/dd/big.csv").size);
