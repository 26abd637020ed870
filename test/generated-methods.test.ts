// The committed method declarations (`methods.generated.ts` of tensor and nn) are what
// `npm run generate:methods` makes from the method tables and the TSDoc of today's functions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TARGETS, generate } from "../scripts/generate-methods.js";
import { root } from "./readme-blocks.js";

for (const target of TARGETS) {
  test(`${target.output} is current (else run npm run generate:methods)`, async () => {
    const committed = readFileSync(join(root, target.output), "utf8");
    assert.equal(committed, await generate(target));
  });
}
