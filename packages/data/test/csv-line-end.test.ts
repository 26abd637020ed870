import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { batches, pl, readCsv, scanCsv } from "@dendrite/data";
import { csvLineEnd, lineEndOf } from "../src/csv-line-end.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dendrite-data-eol-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

describe("line ends of a CSV file", () => {
  it("are told by the first line break outside quotes", () => {
    const of = (text: string, atEnd = true) => lineEndOf(Buffer.from(text), ",", '"', atEnd);
    assert.equal(of("a,b\n1,2\n"), "\n");
    assert.equal(of("a,b\r\n1,2\r\n"), "\n");
    assert.equal(of("a,b\r1,2\r"), "\r");
    assert.equal(
      of('"x\ny",b\r1,2\r'),
      "\r",
      "a LF inside a quoted header field is not a line end",
    );
    assert.equal(of('"x""\r",b\n'), "\n", "an escaped quote keeps the field open");
    assert.equal(of('a"\r,b\n'), "\r", "a quote inside an unquoted field opens nothing");
    assert.equal(of("a,b"), "\n", "no line break at all: Polars' default");
    assert.equal(of("a,b\r", false), undefined, "a CR at the end of a chunk needs the next byte");
    assert.equal(of("a,b\r", true), "\r");
    assert.equal(lineEndOf(Buffer.from("a;'x\ry';b\rz"), ";", "'", true), "\r");
  });

  it("reads past the first 64 KiB to find the first line break", () => {
    const wide = `${"c".repeat(100_000)},d\r1,2\r`;
    assert.equal(csvLineEnd(file("wide.csv", wide), ",", '"'), "\r");
  });
});

describe("readCsv of a file whose lines end in CR alone", () => {
  it("reads the rows and the columns", () => {
    const p = file("mac.csv", "a,b\r1,2\r3,4\r");
    const df = readCsv(p);
    assert.deepEqual(df.columns, ["a", "b"]);
    assert.deepEqual(df.toRecords(), [
      { a: 1, b: 2 },
      { a: 3, b: 4 },
    ]);
  });

  it("keeps a CR inside a quoted field, whatever the file is called, and a missing last line end", () => {
    const p = file("mac.data", 'id,note\r1,"two\rlines"\r2,plain');
    assert.deepEqual(readCsv(p).getColumn("note").toArray(), ["two\rlines", "plain"]);
  });

  it("still reads LF and CRLF files, and CRs inside their quoted fields", () => {
    assert.deepEqual(readCsv(file("unix.csv", 'a,b\n1,"x\ry"\n')).getColumn("b").toArray(), [
      "x\ry",
    ]);
    assert.deepEqual(
      readCsv(file("dos.csv", "a,b\r\n1,2\r\n3,4\r\n")).getColumn("b").toArray(),
      [2, 4],
    );
  });

  it("names the line of a bad value, a ragged line and an unclosed quote", () => {
    const bad = file("mac-bad.csv", "a,b\r1,2\r3,4\r5,x\r");
    assert.throws(
      () => readCsv(bad, { dtypes: { b: pl.Int64 } }),
      /^Error: readCsv: .*mac-bad\.csv, line 4: could not parse "x" as i64 in column "b"/,
    );
    const ragged = file("mac-ragged.csv", "a,b\r1,2\r3,4,5\r6,7\r");
    assert.throws(
      () => readCsv(ragged),
      /mac-ragged\.csv, line 3: the line has more fields than the 2 of the first line/,
    );
    const quote = file("mac-quote.csv", 'a,b\r1,2\r"3,4\r5,6\r');
    assert.throws(
      () => readCsv(quote),
      /mac-quote\.csv, line 3: a quoted field \("\) is not closed/,
    );
  });

  it("scanCsv and batches read it too", async () => {
    const p = file("mac-lazy.csv", "x,y\r1,10\r2,20\r3,30\r");
    assert.deepEqual(scanCsv(p).collectSync().getColumn("y").toArray(), [10, 20, 30]);
    const seen: number[] = [];
    for await (const [, y] of batches(p, { features: ["x"], target: "y", batchSize: 2 })) {
      seen.push(...(y.toArray() as number[]));
    }
    assert.deepEqual(seen, [10, 20, 30]);
  });

  it("an explicit eolChar wins", () => {
    const p = file("explicit.csv", "a,b\r1,2\r");
    assert.deepEqual(readCsv(p, { eolChar: "\n" }).columns, ["a", "b\r1", "2"]);
  });
});
