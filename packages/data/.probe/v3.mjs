import fs from "node:fs";
const rows = fs.readFileSync("datasets/iris.csv","utf8").trim().split("\n").slice(1).map(l=>l.split(",").slice(0,4).map(Number));
const target=[-1.0840606189132322,2.3722896125315045,-0.7576391687443839,-1.7147014356654708];
const S=16, B=128;
function block(f){const v=new Array(S).fill(0);for(let i=0;i<f.length;i+=S)for(let j=0;j<S;j++)v[j]+=f[i+j];let w=S;while(w>4){for(let j=0;j<w/2;j++)v[j]+=v[w/2+j];w/=2}return (v[0]+v[2])+(v[1]+v[3]);}
function pairwise(f){ if(f.length===B) return block(f); const mid=Math.floor(f.length/B/2)*B; return pairwise(f.slice(0,mid))+pairwise(f.slice(mid)); }
function psum(f, restFirst=true){const r=f.length%B; const rest=restFirst?f.slice(0,r):f.slice(f.length-r); const main=restFirst?f.slice(r):f.slice(0,f.length-r);
 const m= main.length?pairwise(main):0; let rs=0; for(const v of rest) rs+=v; return m+rs;}
for (const rf of [true,false]) {
const got=[0,1,2,3].map(c=>{const x=rows.map(r=>r[c]);const n=x.length;const mean=psum(x,rf)/n; const v=psum(x.map(q=>{const t=q-mean;return t*t}),rf)/(n-1); return (x[0]-mean)/v;});
console.log(rf, got.map((g,i)=>g===target[i]).join(), got.join());
}
