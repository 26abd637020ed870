import pl from "nodejs-polars"; import fs from "node:fs";
try { console.log(pl.readJSON(fs.readFileSync("/tmp/dd/r.ndjson"), {format:"lines"}).toRecords()); } catch(e){console.log("buf", e.message)}
try { console.log(pl.scanJson("/tmp/dd/r.ndjson").collectSync().toRecords()); } catch(e){console.log("scan", e.message)}
