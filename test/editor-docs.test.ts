// What an editor shows for the methods installed on prototypes: TypeScript's language service,
// on a small sample file, gives `x.add` and `model.dense` their TSDoc on hover (quick info) and
// takes go-to-definition to their declarations, not to the tables that install them; a layer
// option's hover shows the TSDoc of its layer's options schema.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { root } from "./readme-blocks.js";

const SAMPLE = path.join(root, "test", "editor-sample.virtual.ts");
const CODE = `import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
const x = nx.tensor([1, 2]);
export const y = x.add(1);
export const model = nn.input("x", [null, 2]).dense(3);
export const noBias = model.dense(1, { useBias: false });
`;

function languageService(): ts.LanguageService {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(root, "tsconfig.check.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)) },
  )!;
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => config.options,
    getScriptFileNames: () => [SAMPLE],
    getScriptVersion: () => "1",
    getScriptSnapshot: (file) => {
      if (file === SAMPLE) return ts.ScriptSnapshot.fromString(CODE);
      return fs.existsSync(file)
        ? ts.ScriptSnapshot.fromString(fs.readFileSync(file, "utf8"))
        : undefined;
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (file) => file === SAMPLE || ts.sys.fileExists(file),
    readFile: (file) => (file === SAMPLE ? CODE : ts.sys.readFile(file)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    realpath: ts.sys.realpath!,
  };
  return ts.createLanguageService(host, ts.createDocumentRegistry());
}

const service = languageService();

/** The position of the method name in `receiver.method(`. */
function at(call: string): number {
  const i = CODE.indexOf(call);
  assert.ok(i >= 0, call);
  return i + call.indexOf(".") + 2;
}

const CASES = [
  {
    call: "x.add(",
    method: "add",
    file: "packages/tensor/src/methods.generated.ts",
    doc: "a + b",
    signature: "(method) Tensor.add(b: nx.TensorLike): nx.Tensor",
  },
  {
    call: ".dense(3",
    method: "dense",
    file: "packages/nn/src/layers/methods.generated.ts",
    doc: "A fully connected layer: `x · kernel + bias`",
    signature:
      "(method) Model<Tensor>.dense(units: number, options?: nn.DenseOptions | undefined): nn.Model",
  },
];

test("the sample file type-checks", () => {
  const errors = [
    ...service.getSyntacticDiagnostics(SAMPLE),
    ...service.getSemanticDiagnostics(SAMPLE),
  ].map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  assert.deepEqual(errors, []);
});

for (const c of CASES) {
  test(`hover on ${c.method} shows its signature and TSDoc`, () => {
    const info = service.getQuickInfoAtPosition(SAMPLE, at(c.call));
    assert.ok(info, "no quick info");
    const signature = ts.displayPartsToString(info.displayParts);
    const doc = ts.displayPartsToString(info.documentation);
    assert.equal(signature, c.signature);
    assert.ok(doc.includes(c.doc), `the hover text is ${JSON.stringify(doc)}`);
  });

  test(`go-to-definition on ${c.method} lands on its declaration`, () => {
    const defs = service.getDefinitionAtPosition(SAMPLE, at(c.call)) ?? [];
    assert.equal(defs.length, 1, JSON.stringify(defs.map((d) => d.fileName)));
    const def = defs[0]!;
    assert.equal(path.relative(root, def.fileName), c.file);
    assert.equal(def.kind, ts.ScriptElementKind.memberFunctionElement);
    const text = fs.readFileSync(def.fileName, "utf8");
    assert.equal(
      text.slice(def.textSpan.start, def.textSpan.start + def.textSpan.length),
      c.method,
    );
  });
}

test("hover on a layer option shows the TSDoc written in the layer's options schema", () => {
  const info = service.getQuickInfoAtPosition(SAMPLE, CODE.indexOf("useBias") + 1);
  assert.ok(info, "no quick info");
  assert.equal(
    ts.displayPartsToString(info.displayParts),
    "(property) useBias?: boolean | undefined",
  );
  assert.equal(ts.displayPartsToString(info.documentation), "Add a learned bias (default true).");
  const defs = service.getDefinitionAtPosition(SAMPLE, CODE.indexOf("useBias") + 1) ?? [];
  assert.deepEqual(
    defs.map((d) => path.relative(root, d.fileName)),
    ["packages/nn/src/layers/dense.ts"],
  );
});
