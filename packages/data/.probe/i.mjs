import pl from "nodejs-polars"; import fs from "node:fs";
const df = pl.DataFrame({x:[1.5,2.5,null], n:[1,2,3], kind:["a","b","a"]});
df.writeIPC("/tmp/dd/a.arrow", {compression:"uncompressed"});
console.log(fs.statSync("/tmp/dd/a.arrow").size);
setTimeout(()=>{ console.log(fs.statSync("/tmp/dd/a.arrow").size); try{console.log(pl.readIPC("/tmp/dd/a.arrow").height)}catch(e){console.log(e.message)} },200);
const buf = df.writeIPC(); console.log(buf.length); fs.writeFileSync("/tmp/dd/b.arrow", buf); console.log(pl.readIPC("/tmp/dd/b.arrow").height);
