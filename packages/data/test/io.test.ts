import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { tableFromIPC } from "apache-arrow";
import {
  pl,
  readCsv,
  readIpc,
  readJson,
  readParquet,
  scanCsv,
  toTensor,
  writeCsv,
  writeIpc,
  writeParquet,
} from "@dendrite/data";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dendrite-data-io-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

describe("readCsv", () => {
  it("reads with nullValues and dtypes", () => {
    const p = file("cars.csv", "mpg,hp,name\n18,130,a\n15,?,b\n16.5,150,c\n");
    const df = readCsv(p, { nullValues: "?", dtypes: { hp: pl.Float32 } });
    assert.equal(df.getColumn("hp").dtype.variant, "Float32");
    assert.equal(df.getColumn("hp").nullCount(), 1);
    assert.deepEqual(df.getColumn("mpg").toArray(), [18, 15, 16.5]);
  });

  it("names the file, the line and the column of a value that does not parse", () => {
    const p = file("bad.csv", "a,b,c\n1,2,3\n4,5,6\n7,x,9\n10,11,12\n");
    assert.throws(
      () => readCsv(p, { dtypes: { b: pl.Float64 } }),
      (err: Error) => {
        assert.match(
          err.message,
          /^readCsv: .*bad\.csv, line 4: could not parse "x" as f64 in column "b"/,
        );
        assert.match(err.message, /nullValues: "x"/);
        return true;
      },
    );
  });

  it("finds the line far into a file (past schema inference)", () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i},${i * 0.5}`);
    rows[15_000] = "15000,oops";
    const p = file("long.csv", `id,v\n${rows.join("\n")}\n`);
    assert.throws(
      () => readCsv(p),
      /long\.csv, line 15002: could not parse "oops" as f64 in column "v"/,
    );
  });

  it("refuses a line with too many fields instead of truncating it", () => {
    const p = file("ragged.csv", "a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n");
    assert.throws(() => readCsv(p), /ragged\.csv, line 3: the line has more fields than the 3/);
  });

  it("reports an unclosed quote on its line", () => {
    const p = file("quote.csv", 'a,b\n1,2\n"3,4\n5,6\n');
    assert.throws(() => readCsv(p), /quote\.csv, line 3: a quoted field \("\) is not closed/);
  });

  it("names a missing file", () => {
    assert.throws(
      () => readCsv(path.join(dir, "nope.csv")),
      /readCsv: cannot read ".*nope\.csv": no such file/,
    );
    assert.throws(() => readCsv(dir), /not a file/);
  });

  it("scanCsv is lazy and strict", () => {
    const p = file("lazy.csv", "a,b\n1,2\n3,4\n5,6\n");
    const lf = scanCsv(p);
    assert.deepEqual(lf.filter(pl.col("a").gt(1)).collectSync().getColumn("b").toArray(), [4, 6]);
    assert.throws(() => scanCsv(path.join(dir, "missing.csv")), /scanCsv: cannot read/);
  });
});

describe("Parquet, JSON and Arrow IPC", () => {
  const df = pl.DataFrame({
    x: [1.5, 2.5, null],
    n: [1, 2, 3],
    kind: ["a", "b", "a"],
  });

  it("round-trips Arrow IPC, readable by apache-arrow too", () => {
    const p = path.join(dir, "frame.arrow");
    writeIpc(df, p);
    const back = readIpc(p);
    assert.deepEqual(back.toRecords(), df.toRecords());
    const table = tableFromIPC(fs.readFileSync(p));
    assert.equal(table.numRows, 3);
    assert.deepEqual(
      table.schema.fields.map((f) => f.name),
      ["x", "n", "kind"],
    );
    assert.equal(table.getChild("kind")!.get(1), "b");
    writeIpc(df, path.join(dir, "frame-zstd.arrow"), { compression: "zstd" });
    assert.deepEqual(readIpc(path.join(dir, "frame-zstd.arrow")).toRecords(), df.toRecords());
  });

  it("round-trips Parquet and CSV", () => {
    writeParquet(df, path.join(dir, "frame.parquet"));
    assert.deepEqual(readParquet(path.join(dir, "frame.parquet")).toRecords(), df.toRecords());
    writeCsv(df, path.join(dir, "frame.csv"));
    assert.deepEqual(readCsv(path.join(dir, "frame.csv")).toRecords(), df.toRecords());
  });

  it("reads JSON arrays of records and JSON lines", () => {
    const a = file("rows.json", '[{"x": 1.5, "y": 2}, {"x": 3.5, "y": 4}]');
    assert.deepEqual(toTensor(readJson(a)).toArray(), [
      [1.5, 2],
      [3.5, 4],
    ]);
    const b = file("rows.ndjson", '{"x": 1.5, "y": 2}\n{"x": 3.5, "y": 4}\n');
    assert.deepEqual(readJson(b, { format: "lines" }).getColumn("y").toArray(), [2, 4]);
  });

  it("errors name the file", () => {
    const junk = file("junk.parquet", "not parquet at all");
    assert.throws(() => readParquet(junk), /readParquet: .*junk\.parquet: /);
    assert.throws(
      () => readIpc(path.join(dir, "none.arrow")),
      /readIpc: cannot read ".*none\.arrow": no such file/,
    );
    assert.throws(
      () => readJson(file("bad.json", "{oops")),
      /readJson: .*bad\.json, line 1, column 2: /,
    );
    assert.throws(
      () => writeIpc(df, path.join(dir, "no", "such", "dir.arrow")),
      /writeIpc: .*dir\.arrow: /,
    );
  });
});

describe("file names", () => {
  it("reads files whatever their extension (Polars would parse the name as CSV text)", () => {
    const p = file("auto.data", "a,b\n1,2\n3,4\n");
    assert.deepEqual(readCsv(p).getColumn("b").toArray(), [2, 4]);
    const q = path.join(dir, "frame.feather");
    writeIpc(pl.DataFrame({ v: [1, 2] }), q);
    assert.deepEqual(readIpc(q).getColumn("v").toArray(), [1, 2]);
  });
});
