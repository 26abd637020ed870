/**
 * Generates the declarations of the methods that `packages/tensor/src/methods.ts` (Tensor) and
 * `packages/nn/src/layers/methods.ts` (Model) install on their prototypes, so that editors show
 * each method's TSDoc on hover and go-to-definition lands on a declaration. Each method's
 * documentation is copied from the function its table names (without the `@param` of the
 * receiver); its signature is that function's without the receiver.
 *
 * Run `npm run generate:methods` after changing a method table or an op's TSDoc;
 * `test/generated-methods.test.ts` fails while the committed output is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import ts from "typescript";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** One method table: where it is, the class it patches and how its methods take arguments. */
interface Table {
  /** The file holding the table, relative to the repository root. */
  readonly file: string;
  /** The table's variable name. */
  readonly table: string;
  /** `"receiver"`: `x.f(...rest)` calls `f(x, ...rest)`; `"list"`: `x.f(others, ...rest)` calls `f([x, ...others], ...rest)`. */
  readonly form: "receiver" | "list";
}

/** One generated file: its tables, the module it augments and the interface. */
interface Target {
  readonly output: string;
  readonly module: string;
  readonly interface: string;
  readonly typeParameters: string;
  readonly tables: readonly Table[];
}

/** The generated files. */
export const TARGETS: readonly Target[] = [
  {
    output: "packages/tensor/src/methods.generated.ts",
    module: "./tensor.js",
    interface: "Tensor",
    typeParameters: "",
    tables: [{ file: "packages/tensor/src/methods.ts", table: "METHODS", form: "receiver" }],
  },
  {
    output: "packages/nn/src/layers/methods.generated.ts",
    module: "../model.js",
    interface: "Model",
    typeParameters: "<Out>",
    tables: [
      { file: "packages/nn/src/layers/methods.ts", table: "UNARY", form: "receiver" },
      { file: "packages/nn/src/layers/methods.ts", table: "BINARY", form: "list" },
    ],
  },
];

function parse(file: string): ts.SourceFile {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
}

/** Import name → module specifier (`* as x` and `{ x }` imports). */
function importsOf(source: ts.SourceFile): Map<string, { from: string; named: boolean }> {
  const out = new Map<string, { from: string; named: boolean }>();
  for (const s of source.statements) {
    if (!ts.isImportDeclaration(s) || !s.importClause?.namedBindings) continue;
    const from = (s.moduleSpecifier as ts.StringLiteral).text;
    const b = s.importClause.namedBindings;
    if (ts.isNamespaceImport(b)) out.set(b.name.text, { from, named: false });
    else for (const e of b.elements) out.set(e.name.text, { from, named: true });
  }
  return out;
}

/** A table entry: the method name, the module (import alias) and the function's exported name. */
interface Entry {
  readonly method: string;
  readonly alias: string;
  readonly from: string;
  readonly fn: string;
  /** How the generated file refers to the function (`typeof alias.fn` or `typeof fn`). */
  readonly ref: string;
}

function entriesOf(table: Table): Entry[] {
  const source = parse(table.file);
  const imports = importsOf(source);
  let literal: ts.ObjectLiteralExpression | undefined;
  source.forEachChild(function visit(n) {
    if (ts.isVariableDeclaration(n) && n.name.getText() === table.table) {
      let init = n.initializer;
      while (init && ts.isAsExpression(init)) init = init.expression;
      if (init && ts.isObjectLiteralExpression(init)) literal = init;
    }
    n.forEachChild(visit);
  });
  if (!literal) throw new Error(`${table.file}: no object literal ${table.table}`);
  return literal.properties.map((p) => {
    const method = p.name!.getText();
    const value = ts.isShorthandPropertyAssignment(p)
      ? p.name
      : ts.isPropertyAssignment(p)
        ? p.initializer
        : undefined;
    if (value && ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression)) {
      const alias = value.expression.text;
      const imp = imports.get(alias);
      if (imp && !imp.named)
        return { method, alias, from: imp.from, fn: value.name.text, ref: value.getText() };
    }
    if (value && ts.isIdentifier(value)) {
      const imp = imports.get(value.text);
      if (imp?.named)
        return { method, alias: value.text, from: imp.from, fn: value.text, ref: value.text };
    }
    throw new Error(`${table.file}: ${table.table}.${method} must be an imported function`);
  });
}

/** The TSDoc of the exported function `name` in `file`, without the `@param` of `receiver`. */
function docOf(file: string, name: string): string {
  const source = parse(file);
  for (const s of source.statements) {
    const declares =
      (ts.isFunctionDeclaration(s) && s.name?.text === name) ||
      (ts.isVariableStatement(s) &&
        s.declarationList.declarations.some((d) => d.name.getText() === name));
    if (!declares) continue;
    const docs = ts.getJSDocCommentsAndTags(s).filter(ts.isJSDoc);
    const doc = docs.at(-1);
    if (!doc) throw new Error(`${file}: ${name} has no TSDoc; every method needs one`);
    return doc.getText();
  }
  throw new Error(`${file}: no exported function ${name}`);
}

/** The exported function `name` of `file`, when it is a function declaration or an arrow function. */
function functionOf(file: string, name: string): ts.SignatureDeclaration | undefined {
  const source = parse(file);
  for (const s of source.statements) {
    if (ts.isFunctionDeclaration(s) && s.name?.text === name) return s;
    if (ts.isVariableStatement(s))
      for (const d of s.declarationList.declarations)
        if (d.name.getText() === name && d.initializer && ts.isArrowFunction(d.initializer))
          return d.initializer;
  }
  return undefined;
}

/**
 * The overload signatures of the exported function `name` of `file` (none when it is not
 * overloaded), each as method parameters and return type without the receiver: type names the
 * module exports are qualified by `alias` (its namespace import in the generated file), so that
 * `x.lstm(8, { returnState: true })` gets the overload's own return type.
 */
function overloadsOf(file: string, name: string, alias: string, namespace: boolean): string[] {
  const source = parse(file);
  const exported = new Set<string>();
  for (const s of source.statements)
    if (
      (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) &&
      s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    )
      exported.add(s.name.text);
  const overloads = source.statements.filter(
    (s): s is ts.FunctionDeclaration =>
      ts.isFunctionDeclaration(s) && s.name?.text === name && s.body === undefined,
  );
  const text = (node: ts.Node): string => {
    const edits: [number, number, string][] = [];
    (function visit(n: ts.Node) {
      if (ts.isTypeReferenceNode(n) && ts.isIdentifier(n.typeName)) {
        const id = n.typeName.text;
        if (exported.has(id)) {
          if (!namespace)
            throw new Error(`${file}: ${name}'s overloads use ${id}; import the module as * as`);
          edits.push([n.typeName.getStart(), n.typeName.getEnd(), `${alias}.${id}`]);
        }
      }
      n.forEachChild(visit);
    })(node);
    let out = node.getText();
    const base = node.getStart();
    for (const [start, end, replacement] of edits.sort((a, b) => b[0] - a[0]))
      out = out.slice(0, start - base) + replacement + out.slice(end - base);
    return out;
  };
  return overloads.map((o) => {
    const params = o.parameters
      .slice(1)
      .map((p) => `${p.name.getText()}${p.questionToken ? "?" : ""}: ${text(p.type!)}`);
    return `(${params.join(", ")}): ${text(o.type!)}`;
  });
}

/** The receiver's name (the first parameter) and the declared return type when it is `returns`. */
function shapeOf(
  file: string,
  name: string,
  returns: string,
): { receiver: string | undefined; returnType: string | undefined } {
  const fn = functionOf(file, name);
  const returnType = fn?.type?.getText();
  return {
    receiver: fn?.parameters[0]?.name.getText(),
    returnType: returnType === returns ? returns : undefined,
  };
}

/** A TSDoc block re-indented, with the receiver's `@param` lines dropped. */
function reindent(doc: string, receiver: string | undefined, indent: string): string {
  const lines = doc.split("\n").map((l) => l.trim());
  const kept: string[] = [];
  let skipping = false;
  for (const line of lines) {
    const tag = /^\*\s*@(\w+)\s*(\S*)/.exec(line);
    if (tag) skipping = tag[1] === "param" && tag[2] === receiver;
    else if (line === "*/") skipping = false;
    if (!skipping) kept.push(line);
  }
  return kept
    .map((l, i) => (i === 0 ? l : ` ${l}`))
    .map((l) => indent + l)
    .join("\n");
}

function resolve(tableFile: string, from: string): string {
  return path.join(path.dirname(tableFile), from.replace(/\.js$/, ".ts"));
}

/** The text of one generated file, formatted as the repository's Prettier settings say. */
export async function generate(target: Target): Promise<string> {
  const file = path.join(ROOT, target.output);
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(unformatted(target), { ...options, filepath: file });
}

function unformatted(target: Target): string {
  const imports = new Map<string, string>();
  const members: string[] = [];
  const indent = "    ";
  for (const table of target.tables) {
    for (const e of entriesOf(table)) {
      const file = resolve(table.file, e.from);
      const rel = path.relative(path.dirname(target.output), file).replace(/\.ts$/, ".js");
      const spec = rel.startsWith(".") ? rel : `./${rel}`;
      imports.set(e.alias, e.alias === e.fn && e.ref === e.fn ? `{ ${e.fn} }` : `* as ${e.alias}`);
      imports.set(`${e.alias}\0from`, spec);
      const { receiver, returnType } = shapeOf(file, e.fn, target.interface);
      const doc = reindent(docOf(file, e.fn), receiver, indent);
      const fn = `typeof ${e.ref}`;
      const overloads =
        table.form === "receiver" ? overloadsOf(file, e.fn, e.alias, e.ref !== e.fn) : [];
      const signature =
        overloads.length > 0
          ? overloads.map((o) => `${e.method}${o};`).join(`\n${indent}`)
          : table.form === "receiver"
            ? `${e.method}(...args: Tail<Parameters<${fn}>>): ${returnType ?? `ReturnType<${fn}>`};`
            : `${e.method}(others: Model | readonly Model[], ...rest: Tail<Parameters<${fn}>>): Model;`;
      members.push(`${doc}\n${indent}${signature}`);
    }
  }
  const importLines = [...imports.entries()]
    .filter(([k]) => !k.includes("\0"))
    .map(([alias, what]) => `import type ${what} from "${imports.get(`${alias}\0from`)}";`)
    .sort();
  return [
    "// Generated by scripts/generate-methods.ts from the method tables; do not edit.",
    "// The methods' declarations, with the TSDoc of the functions they call, for editors.",
    ...importLines,
    "",
    "type Tail<T extends readonly unknown[]> = T extends readonly [unknown, ...infer R] ? R : never;",
    "",
    `declare module "${target.module}" {`,
    ...(target.typeParameters
      ? ["  // eslint-disable-next-line @typescript-eslint/no-unused-vars"]
      : []),
    `  interface ${target.interface}${target.typeParameters} {`,
    members.join("\n"),
    "  }",
    "}",
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const target of TARGETS) {
    fs.writeFileSync(path.join(ROOT, target.output), await generate(target));
    console.log(`wrote ${target.output}`);
  }
}
