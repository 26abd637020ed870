import fs from "node:fs";
const rows = fs.readFileSync("datasets/iris.csv","utf8").trim().split("\n").slice(1).map(l=>l.split(",").slice(0,4).map(Number));
const target=[-1.0840606189132322,2.3722896125315045,-0.7576391687443839,-1.7147014356654708];
const hz={seq:v=>{let s=0;for(const q of v)s+=q;return s}, tree:v=>{let x=v.slice();while(x.length>1){const y=[];for(let j=0;j<x.length;j+=2)y.push(x[j]+x[j+1]);x=y}return x[0]}, halving:v=>{v=v.slice();let w=v.length;while(w>1){for(let j=0;j<w/2;j++)v[j]+=v[w/2+j];w/=2}return v[0]}};
for (const L of [2,4,8,16,32,64]) for (const [hn,h] of Object.entries(hz)) for (const rem of ["lane","after","before"]) {
 const sum=f=>{const acc=new Array(L).fill(0);let i=0;for(;i+L<=f.length;i+=L)for(let j=0;j<L;j++)acc[j]+=f[i+j];
  if(rem==="lane"){for(let j=0;i+j<f.length;j++)acc[j]+=f[i+j];return h(acc)}
  let r=0;for(;i<f.length;i++)r+=f[i]; return rem==="after"?h(acc)+r:r+h(acc)};
 for (const vm of ["two","mean"]) {
 const got=[0,1,2,3].map(c=>{const x=rows.map(r=>r[c]);const n=x.length;const mean=sum(x)/n; const v=sum(x.map(q=>{const t=q-mean;return t*t}))/(n-1); return (x[0]-mean)/v;});
 const ok=got.map((g,i)=>g===target[i]); if (ok.filter(Boolean).length>=2) console.log(L,hn,rem,vm,ok.join(),got.join());}
}
