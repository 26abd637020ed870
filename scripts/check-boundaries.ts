/**
 * Guards the package boundaries (run by `npm run lint`):
 *
 * - a package's source imports only the packages its `package.json` lists as dependencies (the
 *   arrows of ARCHITECTURE.md's map), and those arrows between workspace packages have no cycle;
 * - relative imports stay inside their package;
 * - no runtime import cycle between files (type-only imports do not count);
 * - no package reads another package's `_private` members.
 *
 * Usage: `node --import tsx scripts/check-boundaries.ts [root]`; prints each problem and exits
 * with 1 when there is one.
 */
import fs from "node:fs";
import path from "node:path";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** A workspace package: its name, folder, and declared dependencies. */
interface Workspace {
  readonly name: string;
  readonly dir: string;
  readonly dependencies: ReadonlySet<string>;
}

/** The workspace packages under `root/packages`. */
function workspaces(root: string): Workspace[] {
  const base = path.join(root, "packages");
  return fs
    .readdirSync(base)
    .filter((d) => fs.existsSync(path.join(base, d, "package.json")))
    .map((d) => {
      const json = JSON.parse(fs.readFileSync(path.join(base, d, "package.json"), "utf8")) as {
        name: string;
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      const deps = { ...json.dependencies, ...json.peerDependencies };
      return { name: json.name, dir: path.join(base, d), dependencies: new Set(Object.keys(deps)) };
    });
}

/** The `.ts` files under `dir`. */
function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** The package part of a bare specifier: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** One import or re-export of a file: its specifier and whether it exists at run time. */
interface Import {
  readonly specifier: string;
  readonly runtime: boolean;
  readonly line: number;
}

function importsOf(file: ts.SourceFile): Import[] {
  const out: Import[] = [];
  const add = (spec: ts.Expression | undefined, runtime: boolean, node: ts.Node) => {
    if (spec && ts.isStringLiteral(spec)) {
      const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
      out.push({ specifier: spec.text, runtime, line });
    }
  };
  for (const st of file.statements) {
    if (ts.isImportDeclaration(st)) {
      const c = st.importClause;
      const typeOnly =
        c !== undefined &&
        (c.isTypeOnly ||
          (c.name === undefined &&
            c.namedBindings !== undefined &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(st.moduleSpecifier, !typeOnly, st);
    } else if (ts.isExportDeclaration(st)) {
      add(st.moduleSpecifier, !st.isTypeOnly, st);
    }
  }
  return out;
}

/** The file a relative specifier names (`./x.js` is `./x.ts`, `./dir` is `./dir/index.ts`). */
function resolveRelative(from: string, specifier: string): string {
  const target = path.resolve(path.dirname(from), specifier);
  const candidates = [
    target.replace(/\.js$/, ".ts"),
    `${target}.ts`,
    path.join(target, "index.ts"),
  ];
  return candidates.find((c) => fs.existsSync(c)) ?? target;
}

/** The strongly connected components of more than one file (or a file importing itself). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.reverse());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Every boundary problem under `root`, one line each (empty when there is none). */
export function checkBoundaries(root: string): string[] {
  const problems: string[] = [];
  const packages = workspaces(root);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const rel = (f: string) => path.relative(root, f);
  const owner = (file: string) => packages.find((p) => file.startsWith(p.dir + path.sep));

  // Arrows between workspace packages: declared ones only, and no cycle among them.
  const arrows = new Map(
    packages.map((p) => [p.name, [...p.dependencies].filter((d) => byName.has(d))]),
  );
  for (const c of cycles(arrows))
    problems.push(`packages depend on each other in a cycle: ${c.join(" → ")} → ${c[0]}`);

  const files = packages.flatMap((p) => sourceFiles(path.join(p.dir, "src")));
  const graph = new Map<string, string[]>();
  const builtins = new Set(builtinModules);
  for (const file of files) {
    const pkg = owner(file)!;
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
    const edges: string[] = [];
    for (const imp of importsOf(source)) {
      const at = `${rel(file)}:${imp.line}`;
      if (imp.specifier.startsWith(".")) {
        const target = resolveRelative(file, imp.specifier);
        if (owner(target) !== pkg)
          problems.push(`${at}: "${imp.specifier}" reaches outside ${pkg.name}`);
        else if (imp.runtime) edges.push(target);
        continue;
      }
      const name = packageOf(imp.specifier);
      if (imp.specifier.startsWith("node:") || builtins.has(name)) continue;
      if (name === pkg.name) problems.push(`${at}: ${pkg.name} imports itself by name`);
      else if (!pkg.dependencies.has(name))
        problems.push(`${at}: ${pkg.name} imports ${name}, which its package.json does not list`);
    }
    graph.set(file, edges);
  }
  for (const c of cycles(graph))
    problems.push(`runtime import cycle: ${c.map(rel).join(" → ")} → ${rel(c[0]!)}`);

  problems.push(...privateReads(root, files, owner));
  return problems;
}

/** Reads of `_`-prefixed members declared in another workspace package. */
function privateReads(
  root: string,
  files: readonly string[],
  owner: (file: string) => Workspace | undefined,
): string[] {
  const configPath = path.join(root, "tsconfig.check.json");
  const options = fs.existsSync(configPath)
    ? ts.getParsedCommandLineOfConfigFile(
        configPath,
        {},
        {
          ...ts.sys,
          onUnRecoverableConfigFileDiagnostic: () => undefined,
        },
      )?.options
    : undefined;
  const program = ts.createProgram(files, { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const problems: string[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file);
    const from = owner(file);
    if (!source || !from) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && node.name.text.startsWith("_")) {
        const declared = checker.getSymbolAtLocation(node.name)?.declarations ?? [];
        for (const d of declared) {
          const home = owner(path.resolve(d.getSourceFile().fileName));
          if (home && home !== from) {
            const line = source.getLineAndCharacterOfPosition(node.name.getStart(source)).line + 1;
            problems.push(
              `${path.relative(root, file)}:${line}: ${from.name} reads ${home.name}'s private member ${node.name.text}`,
            );
            break;
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(process.argv[1]), ".."));
  const problems = checkBoundaries(root);
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exit(1);
  console.log("boundaries: every import follows the package map; no import cycles");
}
