import fs from "node:fs";
const rows = fs.readFileSync("datasets/iris.csv","utf8").trim().split("\n").slice(1).map(l=>l.split(",").slice(0,4).map(Number));
for (let c=0;c<4;c++){
  const x = rows.map(r=>r[c]); const n=x.length;
  let s=0; for (const v of x) s+=v; const mean=s/n;
  let ss=0; for (const v of x) ss+=(v-mean)**2; const var1=ss/(n-1);
  // one-pass
  let s2=0; for (const v of x) s2+=v*v; const var2=(s2 - n*mean*mean)/(n-1);
  // welford
  let m=0,M2=0,k=0; for (const v of x){k++; const d=v-m; m+=d/k; M2+=d*(v-m);} const var3=M2/(n-1);
  // pairwise sum
  const pw=(a)=>a.length<=8?a.reduce((p,q)=>p+q,0):pw(a.slice(0,a.length>>1))+pw(a.slice(a.length>>1));
  const meanp=pw(x)/n; const varp = pw(x.map(v=>(v-meanp)**2))/(n-1);
  console.log(c, (x[0]-mean)/var1, (x[0]-mean)/var2, (x[0]-mean)/var3, (x[0]-m)/var3, (x[0]-meanp)/varp, mean, meanp, var1, var3, varp);
}
