import pl from "nodejs-polars";
for (const f of ["badtype.csv","ragged.csv","quote.csv"]) {
  for (const opts of [{ignoreErrors:false},{ignoreErrors:false, truncateRaggedLines:false}, {ignoreErrors:false, inferSchemaLength: 2}]) {
    try { const df = pl.readCSV("/tmp/dd/"+f, opts); console.log(f, JSON.stringify(opts), "OK", df.dtypes.map(String).join(), df.height, JSON.stringify(df.toRecords())); }
    catch (e) { console.log(f, JSON.stringify(opts), "ERR", e.message); }
  }
}
