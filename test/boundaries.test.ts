// The package-boundary guard (scripts/check-boundaries.ts, run by `npm run lint`): clean on this
// repository, and each kind of violation reported with its file and line on a small fixture.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkBoundaries } from "../scripts/check-boundaries.js";

test("the repository's packages follow their declared arrows, with no import cycle", () => {
  assert.deepEqual(checkBoundaries(path.resolve(import.meta.dirname, "..")), []);
});

test("each kind of violation is reported", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "boundaries-"));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  try {
    write(
      "packages/a/package.json",
      JSON.stringify({ name: "@x/a", dependencies: { "@x/b": "*" } }),
    );
    write(
      "packages/b/package.json",
      JSON.stringify({ name: "@x/b", dependencies: { "@x/a": "*" } }),
    );
    write("packages/a/src/x.ts", 'import { y } from "./y.js";\nexport const x = () => y;\n');
    write("packages/a/src/y.ts", 'import { x } from "./x.js";\nexport const y = () => x;\n');
    write(
      "packages/a/src/types.ts",
      'import type { x } from "./x.js";\nexport type T = typeof x;\n',
    );
    write(
      "packages/a/src/reach.ts",
      'import { B } from "../../b/src/b.js";\nimport lodash from "lodash";\nexport const r = new B()._secret + lodash;\n',
    );
    write("packages/b/src/b.ts", "export class B {\n  _secret = 1;\n}\n");
    const problems = checkBoundaries(root);
    const expect = [
      /packages depend on each other in a cycle: @x\/a → @x\/b → @x\/a/,
      /packages\/a\/src\/reach\.ts:1: "\.\.\/\.\.\/b\/src\/b\.js" reaches outside @x\/a/,
      /packages\/a\/src\/reach\.ts:2: @x\/a imports lodash, which its package\.json does not list/,
      /runtime import cycle: packages\/a\/src\/x\.ts → packages\/a\/src\/y\.ts → packages\/a\/src\/x\.ts/,
      /packages\/a\/src\/reach\.ts:3: @x\/a reads @x\/b's private member _secret/,
    ];
    for (const e of expect)
      assert.ok(
        problems.some((p) => e.test(p)),
        `${e} in\n${problems.join("\n")}`,
      );
    assert.equal(problems.length, expect.length, problems.join("\n"));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
