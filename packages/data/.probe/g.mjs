import pl from "nodejs-polars";
const df = pl.DataFrame({a:[1,2,3], b:[4,5,6]});
console.log("A"); 
try { console.log(df.select(pl.col("a").gather([2,0])).toRecords()); } catch(e) {console.log(e.message)}
console.log("B");
try { console.log(df.select(pl.all().gather([2,0])).toRecords()); } catch(e) {console.log(e.message)}
console.log("C");
try { console.log(df.select(pl.all().gather(pl.Series("i", new Uint32Array([2,0])))).toRecords()); } catch(e) {console.log(e.message)}
