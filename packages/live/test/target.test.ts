// Reading a request target never throws: odd ones come back as 400 or 414 with a reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isBadTarget, MAX_TARGET_LENGTH, parseTarget } from "../src/target.js";

test("origin- and absolute-form targets split into path, query and authority", () => {
  assert.deepEqual(parseTarget("/api/charts?x=1"), {
    path: "/api/charts",
    query: "x=1",
    authority: undefined,
  });
  assert.deepEqual(parseTarget("/"), { path: "/", query: "", authority: undefined });
  assert.deepEqual(parseTarget("HTTP://Example.org:80/a/../b?q"), {
    path: "/b",
    query: "q",
    authority: "example.org",
  });
  assert.deepEqual(parseTarget("/assets/..%2Fx"), {
    path: "/assets/..%2Fx",
    query: "",
    authority: undefined,
  });
});

test("malformed targets are refused with a status and a reason, never an exception", () => {
  const cases: [string | undefined, number, RegExp][] = [
    [undefined, 400, /empty/],
    ["", 400, /empty/],
    ["//[", 400, /must not start with \/\//],
    ["*", 400, /must start with \//],
    ["http://[", 400, /malformed absolute URL/],
    ["/%E0%A4%A", 400, /percent escape/],
    ["/%C0%AF", 400, /not UTF-8/],
    ["/a b", 400, /character/],
    ["/a\u00fc", 400, /character/],
    ['/?q="', 400, /character/],
    ["/" + "a".repeat(MAX_TARGET_LENGTH), 414, /at most 8192/],
  ];
  for (const [raw, status, reason] of cases) {
    const t = parseTarget(raw);
    assert.ok(isBadTarget(t), `${JSON.stringify(raw)?.slice(0, 40)} was accepted`);
    assert.equal(t.status, status);
    assert.match(t.reason, reason);
  }
});
