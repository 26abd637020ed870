import pl from "nodejs-polars";
console.log(Object.keys(pl).sort().join(" "));
const df = pl.readCSV("datasets/iris.csv");
console.log(df.head(2).toString(), df.dtypes.map(String));
const s = df.getColumn("sepal_length");
const ta = s.toTypedArray(); console.log(ta.constructor.name, ta.length);
const c = df.getColumn("species").cast(pl.Categorical);
console.log(String(c.dtype), c.dtype);
console.log(Object.getOwnPropertyNames(Object.getPrototypeOf(c)).filter(n=>/cat|phys|code/i.test(n)), Object.keys(c).filter(n=>/cat|phys|code/i.test(n)));
try { console.log(c.toPhysical?.()); } catch(e){console.log("tophys err", e.message)}
try { console.log(c.cast(pl.UInt32).head(3)); } catch(e){console.log("castu32 err", e.message)}
const m = pl.readCSV("datasets/auto-mpg.csv", {nullValues: "?"});
console.log(m.dtypes.map(String), m.getColumn("horsepower").nullCount());
const hp = m.getColumn("horsepower");
try { const t = hp.toTypedArray(); console.log(t.constructor.name, t[32]); } catch(e){console.log("nulls typed err", e.message)}
console.log(pl.Int64, m.getColumn("cylinders").toTypedArray().constructor.name);
