import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Binary, Table, tableFromIPC, tableToIPC, vectorFromArray } from "apache-arrow";
import { datasets, pl, readIpc, readParquet, writeIpc } from "@dendrite/data";
import { parquetSourceProblem } from "../src/parquet-check.js";
import { isPanic } from "../src/reader-errors.js";
import { CompactReader, ThriftError } from "../src/thrift-compact.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dendrite-data-errors-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Panic texts, as they would reach a user. */
const PANIC_TEXT = /panicked|unwrap\(\)|assertion failed|not yet implemented/;

/** The bytes of `df` written as Parquet. */
function parquetBytes(df: pl.DataFrame): Buffer {
  const p = path.join(dir, `tmp-${Math.random()}.parquet`);
  df.writeParquet(p);
  const bytes = fs.readFileSync(p);
  fs.rmSync(p);
  return bytes;
}

function write(name: string, bytes: Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
}

describe("damaged Parquet and IPC files", () => {
  // Polars writes { a: [1, 2, null, 4] } with its first page header at byte 4; byte 12 is the page's
  // value count (zigzag varint 0x08 = 4).
  const good = parquetBytes(pl.DataFrame({ a: [1, 2, null, 4] }));

  it("refuses a negative value count (Polars would abort the process allocating 2^61 bytes)", () => {
    assert.deepEqual([...good.subarray(10, 13)], [0x2c, 0x15, 0x08]);
    const bad = Buffer.from(good);
    bad[12] = 0x09; // -5
    for (const name of ["negative.parquet", "negative.pq"]) {
      assert.throws(
        () => readParquet(write(name, bad)),
        new RegExp(
          `^Error: readParquet: .*${name.replace(".", "\\.")}: the file is damaged: column "a" has a page at byte 4 that declares -5 values$`,
        ),
      );
    }
    bad[12] = 0x0a; // 5, more than the chunk's 4
    assert.match(
      parquetSourceProblem(bad) ?? "",
      /declares 5 values, more than the 4 of its column chunk/,
    );
  });

  it("passes valid files, many pages and nested types included", () => {
    assert.equal(parquetSourceProblem(good), undefined);
    const n = 300_000;
    const big = pl.DataFrame({
      i: Array.from({ length: n }, (_, k) => k),
      s: Array.from({ length: n }, (_, k) => (k % 7 === 0 ? null : `v${k % 1000}`)),
      l: Array.from({ length: n }, (_, k) => (k % 5 === 0 ? [] : [k, k + 1])),
      c: pl
        .Series(Array.from({ length: n }, (_, k) => ["x", "y", "z"][k % 3]!))
        .cast(pl.Categorical),
    });
    const p = write("big.parquet", parquetBytes(big));
    assert.equal(parquetSourceProblem(p), undefined);
    assert.equal(parquetSourceProblem(fs.readFileSync(p)), undefined);
    assert.equal(readParquet(p).height, n);
  });

  it("turns a Rust panic into an error naming the file, keeping the panic as the cause", () => {
    const df = pl.DataFrame({ s: ["x", "yy", null, "zzz"] });
    const bad = parquetBytes(df);
    bad[64] = 0;
    assert.throws(
      () => readParquet(write("panic.parquet", bad)),
      (err: Error) => {
        assert.match(
          err.message,
          /^readParquet: .*panic\.parquet: Polars failed inside \(a Rust panic/,
        );
        assert.doesNotMatch(err.message, PANIC_TEXT);
        assert.match((err.cause as Error).message, PANIC_TEXT);
        return true;
      },
    );
    const ipc = Buffer.from(df.writeIPC());
    ipc[202] = 0xff;
    assert.throws(
      () => readIpc(write("panic.arrow", ipc)),
      (err: Error) => {
        assert.match(err.message, /^readIpc: .*panic\.arrow: Polars failed inside \(a Rust panic/);
        assert.doesNotMatch(err.message, PANIC_TEXT);
        return true;
      },
    );
  });

  it("puts a Rust debug dump of damaged Arrow metadata into words", () => {
    const ipc = Buffer.from(pl.DataFrame({ s: ["x", "yy", null, "zzz"] }).writeIPC());
    const footer = Buffer.from(ipc);
    footer[ipc.length - 10] = 0xff; // the footer's length, before the closing "ARROW1"
    assert.throws(
      () => readIpc(write("footer.arrow", footer)),
      /^Error: readIpc: .*footer\.arrow: the file is damaged: its Arrow metadata does not decode \(InvalidVtableLength in \[FooterRef\]\.read_as_root, byte 0 of the metadata\)$/,
    );
  });
});

describe("panic texts and the Thrift reader", () => {
  it("recognises panic texts, not data errors", () => {
    for (const text of [
      "called `Option::unwrap()` on a `None` value",
      "assertion failed: offset + length <= self.length",
      "assertion `left == right` failed",
      "range end index 12 out of range for slice of length 4",
      "index out of bounds: the len is 0 but the index is 0",
      "not yet implemented",
      "attempt to multiply with overflow",
    ]) {
      assert.equal(isPanic(text), true, text);
    }
    for (const text of [
      "parquet: File out of specification: The file must end with PAR1",
      "could not parse `x` as dtype `i64` at column 'b' (column number 2)",
      "ExpectedObjectKey at character 7 (',')",
    ]) {
      assert.equal(isPanic(text), false, text);
    }
  });

  it("decodes compact Thrift and refuses what is cut short or claims more than it holds", () => {
    // struct { 1: i32 -3, 2: list<i32> [1, 2], 4: binary "hi" }, then a stop byte
    const bytes = Uint8Array.from([
      0x15, 0x05, 0x19, 0x25, 0x02, 0x04, 0x28, 0x02, 0x68, 0x69, 0x00,
    ]);
    const s = new CompactReader(bytes).struct();
    assert.equal(s.get(1), -3);
    assert.deepEqual(s.get(2), [1, 2]);
    assert.equal(Buffer.from(s.get(4) as Uint8Array).toString(), "hi");
    assert.throws(() => new CompactReader(bytes.subarray(0, 7)).struct(), ThriftError);
    // A list claiming 2^40 elements in a few bytes: an error, not an allocation.
    const huge = Uint8Array.from([0x19, 0xf5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x00]);
    assert.throws(() => new CompactReader(huge).struct(), ThriftError);
  });
});

describe("column types nodejs-polars cannot pass to JavaScript", () => {
  it("are refused at read time, naming the column; the other columns can be read", () => {
    const table = new Table({
      x: vectorFromArray([1, 2]),
      raw: vectorFromArray([Uint8Array.of(1), Uint8Array.of(2, 3)], new Binary()),
    });
    const p = write("binary.arrow", tableToIPC(table, "file"));
    assert.throws(
      () => readIpc(p),
      /^Error: readIpc: .*binary\.arrow: column "raw" has type binary, which nodejs-polars 0\.24\.1 cannot pass to JavaScript .*\{ columns: \[\.\.\.\] \}$/,
    );
    assert.deepEqual(
      readIpc(p, { columns: ["x"] })
        .getColumn("x")
        .toArray(),
      [1, 2],
    );
  });
});

describe("writeIpc of categorical columns", () => {
  const cat = (values: string[]) => pl.Series(values).cast(pl.Categorical);

  it("writes a column whose chunks carry different dictionaries (was: Dictionary replacement detected)", () => {
    const df = pl.DataFrame({ k: cat(["a", "b"]) }).vstack(pl.DataFrame({ k: cat(["c", "a"]) }));
    assert.ok(df.nChunks() > 1);
    const p = path.join(dir, "cats.arrow");
    writeIpc(df, p);
    const back = readIpc(p);
    assert.equal(back.getColumn("k").dtype.variant, "Categorical");
    assert.deepEqual(back.getColumn("k").toArray(), ["a", "b", "c", "a"]);
    const table = tableFromIPC(fs.readFileSync(p));
    assert.deepEqual(table.getChild("k")!.toArray(), ["a", "b", "c", "a"]);
  });

  it("writes columns chunked differently, and round-trips iris (read from CSV in two chunks)", () => {
    const k = cat(["x", "y"]).rename("k");
    k.append(cat(["z"]));
    const df = pl.DataFrame([pl.Series("n", [1, 2, 3]), k]);
    const p = path.join(dir, "later.arrow");
    writeIpc(df, p);
    assert.deepEqual(readIpc(p).getColumn("k").toArray(), ["x", "y", "z"]);

    const iris = datasets.iris();
    const q = path.join(dir, "iris.ipc");
    writeIpc(iris, q, { compression: "zstd" });
    const back = readIpc(q);
    assert.equal(back.getColumn("species").dtype.variant, "Categorical");
    assert.deepEqual(back.toRecords(), iris.toRecords());
  });
});
