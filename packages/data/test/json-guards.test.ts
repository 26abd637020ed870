import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { readJson } from "@dendrite/data";
import { scanJson } from "../src/json-scan.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dendrite-data-json-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

const scan = (text: string, maxDepth = 64, lines = false) =>
  scanJson(Buffer.from(text), { maxDepth, lines });

describe("scanJson", () => {
  it("counts nesting outside strings only, and reports the deepest point", () => {
    assert.equal(scan('[{"a": [1, 2]}]', 3), undefined);
    assert.deepEqual(scan('[{"a": [[1]]}]', 3), { kind: "depth", depth: 4, byte: 8, line: 1 });
    assert.equal(scan('[{"s": "[[[[[[{{{{\\"[[[["}]', 2), undefined);
    assert.deepEqual(scan("[\n[\n[[]]]]", 2), { kind: "depth", depth: 4, byte: 5, line: 3 });
  });

  it("restarts the depth on each line of JSON lines (an unclosed line does not carry over)", () => {
    const text = '{"a": [\n'.repeat(40);
    assert.equal(scan(text, 3, true), undefined);
    assert.equal(scan(text, 3, false)?.kind, "depth");
  });

  it("finds integers outside the signed 64-bit range, with their line, column and field", () => {
    assert.equal(scan('[{"a": 9223372036854775807, "b": -9223372036854775808}]'), undefined);
    assert.equal(scan('[{"a": 00000000000000000000009}]'), undefined);
    assert.equal(
      scan('[{"a": 18446744073709551616.5, "b": 1e400, "c": "18446744073709551616"}]'),
      undefined,
    );
    assert.deepEqual(scan('[{"a": 1},\n {"x": {"y": [9223372036854775808]}}]'), {
      kind: "integer",
      text: "9223372036854775808",
      byte: 25,
      line: 2,
      column: 15,
      field: ["x", "y"],
    });
    const neg = scan('{"n": -9223372036854775809}');
    assert.equal(neg?.kind === "integer" && neg.text, "-9223372036854775809");
    const escaped = scan('[{"k\\"ey": 99999999999999999999}]');
    assert.deepEqual(escaped?.kind === "integer" && escaped.field, ['k"ey']);
  });

  it("prefers reporting depth, which can crash Polars", () => {
    assert.equal(scan(`[{"a": 99999999999999999999}, ${"[".repeat(70)}]`)?.kind, "depth");
  });
});

describe("readJson guards", () => {
  it("refuses a file nested 10,000 deep (which would crash the process), naming it", () => {
    const p = file("deep.json", "[".repeat(10_000) + "]".repeat(10_000));
    assert.throws(
      () => readJson(p),
      (err: Error) => {
        assert.equal(
          err.message.split(" (option")[0],
          `readJson: ${p} nests 10000 levels deep at byte 9999 (line 1); the limit is 64`,
        );
        return true;
      },
    );
    const lines = file(
      "deep.ndjson",
      `{"a": 1}\n{"a": ${"[".repeat(10_000)}${"]".repeat(10_000)}}\n`,
    );
    assert.throws(
      () => readJson(lines),
      /deep\.ndjson nests 10001 levels deep at byte 10014 \(line 2\)/,
    );
  });

  it("takes a maxDepth", () => {
    const p = file("nested.json", `[{"a": ${"[".repeat(70)}1${"]".repeat(70)}}]`);
    assert.throws(() => readJson(p), /nests 72 levels deep .*the limit is 64/);
    assert.equal(readJson(p, { maxDepth: 72 }).height, 1);
    assert.throws(() => readJson(file("flat.json", '[{"a": [1]}]'), { maxDepth: 2 }), /limit is 2/);
    assert.throws(() => readJson(p, { maxDepth: 0 }), /maxDepth must be an integer from 1 to 256/);
    assert.throws(() => readJson(p, { maxDepth: 10_000 }), RangeError);
  });

  it("refuses integers past 64 bits with the line, column and field, instead of a panic", () => {
    const p = file(
      "big.json",
      '[{"id": 1, "v": {"w": 2}},\n {"id": 2, "v": {"w": 18446744073709551616}}]',
    );
    assert.throws(
      () => readJson(p),
      (err: Error) => {
        assert.match(
          err.message,
          /^readJson: .*big\.json, line 2, column 23 \(field "v\.w"\): the integer 18446744073709551616 is outside the 64-bit range/,
        );
        assert.match(
          err.message,
          /store it as a string, or with a decimal point \(18446744073709551616\.0\)/,
        );
        assert.doesNotMatch(err.message, /not yet implemented|panicked/);
        return true;
      },
    );
    const q = file("big.ndjson", '{"a": 1}\n{"a": 9223372036854775808}\n');
    assert.throws(
      () => readJson(q),
      /big\.ndjson, line 2, column 7 \(field "a"\): the integer 9223372036854775808/,
    );
  });

  it("reads the 64-bit extremes, big floats and big integers written as strings", () => {
    const p = file(
      "edges.json",
      '[{"a": 9223372036854775807, "b": 18446744073709551616.0, "c": "18446744073709551616"},' +
        ' {"a": -9223372036854775808, "b": 1, "c": "x"}]',
    );
    const df = readJson(p);
    assert.equal(df.getColumn("a").dtype.variant, "Int64");
    assert.equal(df.getColumn("b").dtype.variant, "Float64");
    assert.deepEqual(df.getColumn("b").toArray(), [18446744073709551616, 1]);
    assert.deepEqual(df.getColumn("c").toArray(), ["18446744073709551616", "x"]);
  });

  it("names the line and column of a syntax error", () => {
    const p = file("syntax.json", '[{"a": 1},\n {"a": 2},\n {"a": 3,,}]');
    assert.throws(() => readJson(p), /^Error: readJson: .*syntax\.json, line 3, column 10: /);
    const q = file("syntax.ndjson", '{"a": 1}\n\n{"a": 2}\n{"a": 3,,}\n');
    assert.throws(() => readJson(q), /^Error: readJson: .*syntax\.ndjson, line 4, column 9: /);
  });

  it("keeps keys such as __proto__ as columns, without touching any prototype", () => {
    const p = file("proto.json", '[{"__proto__": {"polluted": 1}, "constructor": 2, "b": 3}]');
    const df = readJson(p);
    assert.deepEqual(df.columns, ["__proto__", "constructor", "b"]);
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).includes("polluted"), false);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
