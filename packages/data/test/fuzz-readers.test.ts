/**
 * A bounded fuzz of every loader: thousands of seeded mutants of small CSV, JSON, JSON lines,
 * Parquet and Arrow IPC files (see `fuzz-mutate.ts`), read in a child process (see
 * `fuzz-readers-child.ts`) so that a native crash is reported with the file that caused it.
 * Asserted: no crash, every error is an Error naming the reader and the file with no Rust panic
 * text, every frame read can be inspected, and no prototype gains a key.
 *
 * Deterministic: the same seed gives the same mutants. A longer hunt:
 * `DENDRITE_FUZZ_SEED=7 DENDRITE_FUZZ_RUNS=20000 node --conditions=development --import tsx --test packages/data/test/fuzz-readers.test.ts`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import type { FuzzConfig, FuzzResult } from "./fuzz-readers-child.js";

const READERS = ["csv", "json", "ndjson", "parquet", "ipc"];
const RUNS: Record<string, number> = {
  csv: 2000,
  json: 2000,
  ndjson: 2000,
  parquet: 1500,
  ipc: 1500,
};
/** Fewer runs than this (on a machine so slow the time cap cut in) make the run meaningless. */
const MIN_RUNS = 200;

const root = fileURLToPath(new URL("../../..", import.meta.url));
const child = fileURLToPath(new URL("./fuzz-readers-child.ts", import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dendrite-data-fuzz-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const seed = Number(process.env.DENDRITE_FUZZ_SEED ?? 20_240_611);
const perReader = process.env.DENDRITE_FUZZ_RUNS
  ? Number(process.env.DENDRITE_FUZZ_RUNS)
  : undefined;

describe("fuzzing the readers", () => {
  const results = new Map<string, FuzzResult>();
  let crash = "";

  before(() => {
    const runs = Object.fromEntries(READERS.map((r) => [r, perReader ?? RUNS[r]!]));
    const config: FuzzConfig = { dir, seed, runs, budgetMs: perReader ? 600_000 : 5_000 };
    const out = spawnSync(
      process.execPath,
      ["--conditions=development", "--import", "tsx", child, JSON.stringify(config)],
      { cwd: root, encoding: "utf8", timeout: 900_000, maxBuffer: 1 << 26 },
    );
    for (const line of out.stdout.split("\n")) {
      if (line.startsWith("{")) {
        const result = JSON.parse(line) as FuzzResult;
        results.set(result.reader, result);
      }
    }
    if (out.status !== 0) {
      // The file left behind is the input being read when the process died: keep it.
      const left = fs.readdirSync(dir).filter((f) => !f.endsWith(".unclean"));
      const kept = left.map((f) => {
        const to = path.join(os.tmpdir(), `dendrite-fuzz-crash-${seed}-${f}`);
        fs.copyFileSync(path.join(dir, f), to);
        return to;
      });
      crash =
        `the fuzzing process died (status ${out.status}, signal ${out.signal}, seed ${seed}) ` +
        `reading ${kept.join(", ") || "(no file left)"}; its stderr ended:\n${out.stderr.slice(-1500)}`;
    }
  });

  for (const reader of READERS) {
    it(`${reader}: no crash, only clean errors, no prototype writes`, () => {
      const result = results.get(reader);
      assert.ok(result, crash || `no result for ${reader}`);
      assert.ok(
        result.runs >= Math.min(MIN_RUNS, perReader ?? RUNS[reader]!),
        `only ${result.runs} runs in the time allowed`,
      );
      assert.deepEqual(
        result.unclean,
        [],
        "errors that do not name the reader and file, or carry panic text",
      );
      assert.deepEqual(result.unusable, [], "frames read whose schema cannot be looked at");
      assert.deepEqual(
        result.prototypeKeys,
        [],
        "keys gained by Object.prototype or Array.prototype",
      );
      assert.equal(result.read + result.refused, result.runs);
    });
  }

  it("the fuzzing process exits cleanly", () => {
    assert.equal(crash, "");
  });
});
