// The READMEs' TypeScript examples run as written: each ```ts block of the root README and of
// every package README is run as its own program, from the repository root.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const scratch = join(root, "node_modules", ".cache", "dendrite-readme");

function blocks(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

const packageReadmes = readdirSync(join(root, "packages"))
  .map((name) => `packages/${name}/README.md`)
  .filter((file) => existsSync(join(root, file)));

for (const file of ["README.md", ...packageReadmes]) {
  blocks(file).forEach((code, i) => {
    test(`${file} example ${i + 1} runs`, () => {
      mkdirSync(scratch, { recursive: true });
      const path = join(scratch, `${file.replace(/[/.]/g, "_")}_${i}.mts`);
      writeFileSync(path, code);
      const run = spawnSync(
        process.execPath,
        ["--conditions=development", "--import", "tsx", path],
        { encoding: "utf8", cwd: root },
      );
      assert.equal(run.status, 0, `example failed:\n${code}\n--- stderr ---\n${run.stderr}`);
      assert.ok(run.stdout.length > 0, "the example printed nothing");
    });
  });
}
