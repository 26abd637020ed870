import fs from "node:fs";
const rows = fs.readFileSync("datasets/iris.csv","utf8").trim().split("\n").slice(1).map(l=>l.split(",").slice(0,4).map(Number));
const target=[-1.0840606189132322,2.3722896125315045,-0.7576391687443839,-1.7147014356654708];
const naive=a=>{let s=0;for(const v of a)s+=v;return s};
const kahan=a=>{let s=0,c=0;for(const v of a){const y=v-c;const t=s+y;c=(t-s)-y;s=t}return s};
const pw=(lim)=>{const f=a=>a.length<=lim?naive(a):f(a.slice(0,a.length>>1))+f(a.slice(a.length>>1));return f};
const lanes=(L)=>a=>{const acc=new Array(L).fill(0);let i=0;for(;i+L<=a.length;i+=L)for(let j=0;j<L;j++)acc[j]+=a[i+j];let r=0;for(;i<a.length;i++)r+=a[i];
 // tree reduce
 let x=acc; while(x.length>1){const y=[];for(let j=0;j<x.length;j+=2)y.push(x[j]+x[j+1]);x=y} return x[0]+r};
const lanesPw=(L,lim)=>{const f=a=>a.length<=lim?lanes(L)(a):f(a.slice(0,a.length>>1))+f(a.slice(a.length>>1));return f};
const sums={naive,kahan,pw8:pw(8),pw16:pw(16),pw32:pw(32),pw64:pw(64),pw128:pw(128),l4:lanes(4),l8:lanes(8),l16:lanes(16),lp8_128:lanesPw(8,128),lp16_128:lanesPw(16,128)};
const welford=(x)=>{let m=0,M2=0,k=0; for (const v of x){k++; const d=v-m; m+=d/k; M2+=d*(v-m);} return M2/(x.length-1)};
for (const [mn,msum] of Object.entries(sums)) for (const [vn,vsum] of Object.entries(sums)) for (const vmode of ["twopass","welford","onepass"]) {
  const got=[0,1,2,3].map(c=>{const x=rows.map(r=>r[c]);const n=x.length;const mean=msum(x)/n;
    let v; if(vmode==="twopass") v=vsum(x.map(q=>(q-mean)**2))/(n-1); else if (vmode==="welford") v=welford(x); else v=(vsum(x.map(q=>q*q))-n*mean*mean)/(n-1);
    return (x[0]-mean)/v;});
  const ok=got.map((g,i)=>g===target[i]);
  if (ok.filter(Boolean).length>=3) console.log(mn,vn,vmode,ok.join(),got.join());
}
