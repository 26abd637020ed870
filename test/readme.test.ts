// The READMEs' TypeScript examples run as written: each ```ts block of the root README and of
// every package README is run as its own program, from the repository root.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readmeExamples, root } from "./readme-blocks.js";

const scratch = join(root, "node_modules", ".cache", "dendrite-readme");

for (const { file, index, code, slug } of readmeExamples()) {
  test(`${file} example ${index + 1} runs`, () => {
    mkdirSync(scratch, { recursive: true });
    const path = join(scratch, `${slug}.mts`);
    writeFileSync(path, code);
    const run = spawnSync(process.execPath, ["--conditions=development", "--import", "tsx", path], {
      encoding: "utf8",
      cwd: root,
    });
    assert.equal(run.status, 0, `example failed:\n${code}\n--- stderr ---\n${run.stderr}`);
    assert.ok(run.stdout.length > 0, "the example printed nothing");
  });
}
