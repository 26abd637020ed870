import pl from "nodejs-polars";
const a = pl.DataFrame({s:["b","a","c"]}).withColumns(pl.col("s").cast(pl.Categorical));
const b = pl.DataFrame({s:["c","a","b"]}).withColumns(pl.col("s").cast(pl.Categorical));
console.log(a.getColumn("s").cast(pl.UInt32).toArray(), b.getColumn("s").cast(pl.UInt32).toArray());
console.log(typeof a.gather, typeof a.take, typeof a.sample);
