// Installs Dendrite as a user would before it is published: packs every workspace package with
// `npm pack`, installs the tarballs into a fresh project outside the repository, then runs every
// README example there with plain `node` (the TypeScript stripped to JavaScript) and type-checks
// the examples against the packed type declarations. Needs `npm run build` first (the tarballs
// carry `dist/`). Run with `npm run test:packed`.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { readmeExamples, root } from "./readme-blocks.js";

const work = mkdtempSync(join(tmpdir(), "dendrite-packed-"));
const tarballs = join(work, "tarballs");
const project = join(work, "project");
const examples = readmeExamples();

function run(cmd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 600_000, ...options });
  const out = `${String(r.stdout ?? "")}${String(r.stderr ?? "")}`;
  assert.equal(
    r.status,
    0,
    `${cmd} ${args.join(" ")} failed (${r.error?.message ?? r.status}):\n${out}`,
  );
  return out;
}

/** The version of a devDependency the repository has installed, so the install hits the cache. */
function installedVersion(name: string): string {
  return JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;
}

before(() => {
  for (const name of readdirSync(join(root, "packages"))) {
    assert.ok(
      existsSync(join(root, "packages", name, "dist", "index.js")),
      `packages/${name}/dist is missing: run \`npm run build\` first`,
    );
  }
  mkdirSync(tarballs);
  mkdirSync(project);
  run("npm", ["pack", "--workspaces", "--pack-destination", tarballs, "--silent"], { cwd: root });
  const packed = readdirSync(tarballs).map((f) => join(tarballs, f));
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "uses-dendrite", private: true, type: "module" }, null, 2),
  );
  run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      ...packed,
      `typescript@${installedVersion("typescript")}`,
      `@types/node@${installedVersion("@types/node")}`,
    ],
    { cwd: project },
  );
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ["node"],
      },
      include: ["*.ts"],
    }),
  );
});

test("every workspace package was packed and installed", () => {
  const names = readdirSync(join(root, "packages")).map(
    (name) => JSON.parse(readFileSync(join(root, "packages", name, "package.json"), "utf8")).name,
  );
  for (const name of names) {
    assert.ok(
      existsSync(join(project, "node_modules", name, "package.json")),
      `${name} is not installed`,
    );
  }
});

for (const { file, index, code, slug } of examples) {
  test(`${file} example ${index + 1} runs with plain node from the installed packages`, () => {
    const js = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(project, `${slug}.mjs`), js);
    const out = run(process.execPath, [`${slug}.mjs`], { cwd: project });
    assert.ok(out.length > 0, "the example printed nothing");
  });
}

test("the examples type-check against the installed packages' declarations", () => {
  for (const { code, slug } of examples) writeFileSync(join(project, `${slug}.ts`), code);
  run(
    process.execPath,
    [join(project, "node_modules", "typescript", "bin", "tsc"), "-p", project],
    {
      cwd: project,
    },
  );
});
