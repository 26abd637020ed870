// The TypeScript examples of the root README and of every package README, as the README tests
// (in the workspace and in a project that installs the packed packages) run them.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** One ```ts block of a README. */
export interface ReadmeExample {
  /** The README, relative to the repository root. */
  readonly file: string;
  /** The block's position in its README, from 0. */
  readonly index: number;
  /** The block's code. */
  readonly code: string;
  /** A file name for the block, unique across READMEs (no extension). */
  readonly slug: string;
}

/** Every ```ts block of the root README and the package READMEs, in order. */
export function readmeExamples(): ReadmeExample[] {
  const packageReadmes = readdirSync(join(root, "packages"))
    .map((name) => `packages/${name}/README.md`)
    .filter((file) => existsSync(join(root, file)));
  return ["README.md", ...packageReadmes].flatMap((file) =>
    [...readFileSync(join(root, file), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map(
      (m, index) => ({
        file,
        index,
        code: m[1]!,
        slug: `${file.replace(/[/.]/g, "_")}_${index}`,
      }),
    ),
  );
}
