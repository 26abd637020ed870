// Plot has no tensor dependency, so it keeps its own copy of describeValue (live uses plot's):
// the two must write every value the same way.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as plot from "@dendrite/plot";

class ModelState {}

const VALUES: readonly unknown[] = [
  null,
  undefined,
  5,
  -0,
  NaN,
  false,
  3n,
  "a string",
  "y".repeat(60),
  Symbol("s"),
  () => 1,
  [1, 2, 3],
  {},
  { a: 1, b: 2 },
  { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 },
  Object.create(null) as object,
  new ModelState(),
  new Map(),
  new Float64Array(3),
  nx.zeros([3, 2]),
  nx.template([4], "u8"),
];

describe("plot.describeValue writes values as nx.describeValue does", () => {
  for (const value of VALUES) {
    const text = nx.describeValue(value);
    it(text, () => assert.equal(plot.describeValue(value), text));
  }
});
