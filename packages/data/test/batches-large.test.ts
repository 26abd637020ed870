// Streaming a CSV file of a few million rows through `batches` with bounded memory.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, it } from "node:test";
import { batches, pl } from "@dendrite/data";

const ROWS = 3_000_000;
const COLUMNS = ["id", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "y"];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dendrite-data-large-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Resident anonymous memory in bytes (heap, not file cache) on Linux; the whole RSS elsewhere. */
function residentBytes(): number {
  try {
    const status = fs.readFileSync("/proc/self/status", "utf8");
    const kb = /RssAnon:\s+(\d+)\s+kB/.exec(status);
    if (kb) return Number(kb[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss;
}

/**
 * Writes ROWS rows (id, eight features derived from id, and a class label y = id mod 3) from a child
 * process, so that building the text does not inflate this process's memory before it is measured.
 */
function writeCsv(file: string): void {
  const script = `
    const fs = require("node:fs");
    const fd = fs.openSync(process.argv[1], "w");
    fs.writeSync(fd, ${JSON.stringify(COLUMNS.join(",") + "\n")});
    const chunk = [];
    for (let i = 0; i < ${ROWS}; i++) {
      chunk.push(i + "," + (i % 1000) / 8 + "," + (i % 17) + "," + ((i * 7) % 13) + "," + (i % 97) + "," + (i % 256) / 4 + "," + (i % 5) + "," + (i % 11) / 2 + "," + (i % 7) + "," + (i % 3));
      if (chunk.length === 100000) { fs.writeSync(fd, chunk.join("\\n") + "\\n"); chunk.length = 0; }
    }
    fs.closeSync(fd);`;
  execFileSync(process.execPath, ["-e", script, file]);
}

it(
  "streams a 3M-row CSV scan in batches without holding it in memory",
  { timeout: 120_000 },
  async () => {
    const file = path.join(dir, "large.csv");
    writeCsv(file);
    const inMemoryBytes = ROWS * COLUMNS.length * 8; // the frame as f64/i64 columns: 229 MiB
    const before = residentBytes();
    let peak = before;
    let atThird = 0;
    let rows = 0;
    let idSum = 0;
    let labelSum = 0;
    const features = COLUMNS.slice(0, -1);
    for await (const [x, y] of batches(pl.scanCSV(file), {
      features,
      target: "y",
      batchSize: 4096,
      dtype: "f64",
    })) {
      const xs = x.data();
      for (let i = 0; i < xs.length; i += features.length) idSum += xs[i]!;
      for (const v of y.data()) labelSum += v;
      rows += x.shape[0]!;
      if ((rows / 4096) % 32 === 0) {
        peak = Math.max(peak, residentBytes());
        if (atThird === 0 && rows >= ROWS / 3) atThird = peak;
      }
    }
    // Every row exactly once: ids 0..n-1 and labels i mod 3.
    assert.equal(rows, ROWS);
    assert.equal(idSum, (ROWS * (ROWS - 1)) / 2);
    assert.equal(labelSum, ROWS); // 0 + 1 + 2 per three rows
    const growth = peak - before;
    const lateGrowth = peak - atThird;
    const mb = (b: number) => (b / 2 ** 20).toFixed(0);
    console.log(
      `  memory: ${mb(growth)} MiB peak growth (${mb(lateGrowth)} MiB after the first third) ` +
        `for a ${mb(inMemoryBytes)} MiB frame`,
    );
    // Measured ≈ 0.55 × the frame at 3M rows, all of it in the first third: frames that nodejs-polars
    // frees only when V8 next collects garbage. The real bound is that memory stops growing.
    assert.ok(growth < inMemoryBytes * 0.75, `memory grew by ${mb(growth)} MiB`);
    assert.ok(
      lateGrowth < inMemoryBytes * 0.15,
      `memory kept growing: ${mb(lateGrowth)} MiB after the first third`,
    );
  },
);
