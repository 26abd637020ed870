/**
 * Runs ONNX's backend node tests (`onnx-node-tests/node/test_*`: one model, its inputs and expected
 * outputs as protobuf files) through `nn.onnx.importModel`, eagerly and compiled, and classifies
 * each test: pass, unsupported op, dtype (a type Dendrite lacks), mismatch, or error.
 *
 * Run it alone for the full report:
 *   node --conditions=development --import tsx packages/nn/test/onnx-node-runner.ts [filter]
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

const { onnx } = nn;
export const NODE_TESTS = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "onnx-node-tests",
  "node",
);

/** The outcome of one node test. */
export interface NodeTestResult {
  readonly test: string;
  /** The op types of the model's nodes (a single op for most tests). */
  readonly ops: readonly string[];
  readonly status: "pass" | "unsupported" | "dtype" | "mismatch" | "error";
  readonly reason?: string;
}

/** ONNX's backend test tolerance: |actual − expected| ≤ atol + rtol·|expected|. */
const RTOL = 1e-3;
const ATOL = 1e-7;

function readTensor(file: string, what: string): { tensor: nx.Tensor; name: string } {
  const proto = onnx.decodeTensorProto(fs.readFileSync(file));
  return { tensor: onnx.tensorFromProto(proto, what), name: proto.name ?? "" };
}

function compare(actual: nx.Tensor, expected: nx.Tensor, name: string): string | undefined {
  if (actual.dtype !== expected.dtype)
    return `output ${name}: dtype ${actual.dtype}, expected ${expected.dtype}`;
  if (actual.shape.join() !== expected.shape.join())
    return `output ${name}: shape [${actual.shape}], expected [${expected.shape}]`;
  const a = actual.data();
  const e = expected.data();
  for (let i = 0; i < e.length; i++) {
    const x = Number(a[i]);
    const y = Number(e[i]);
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (!(Math.abs(x - y) <= ATOL + RTOL * Math.abs(y)))
      return `output ${name}: element ${i} is ${x}, expected ${y}`;
  }
  return undefined;
}

/** Runs one node test folder. */
export function runNodeTest(dir: string): NodeTestResult {
  const test = path.basename(dir);
  const bytes = new Uint8Array(fs.readFileSync(path.join(dir, "model.onnx")));
  const proto = onnx.protos.ModelProto.decode(bytes);
  const ops = (proto.graph?.node ?? []).map((n) => (n.domain ? `${n.domain}:` : "") + n.opType);
  const initializers = new Set((proto.graph?.initializer ?? []).map((t) => t.name));
  const graphInputs = (proto.graph?.input ?? [])
    .map((v) => v.name ?? "")
    .filter((n) => !initializers.has(n));
  const data = path.join(dir, "test_data_set_0");
  const files = fs.existsSync(data) ? fs.readdirSync(data) : [];
  const result = (status: NodeTestResult["status"], reason?: string): NodeTestResult => ({
    test,
    ops,
    status,
    ...(reason === undefined ? {} : { reason }),
  });
  const load = (prefix: string) =>
    files
      .filter((f) => f.startsWith(prefix))
      .sort((a, b) => parseInt(a.slice(prefix.length)) - parseInt(b.slice(prefix.length)))
      .map((f, i) => readTensor(path.join(data, f), `${prefix}${i}`).tensor);
  const nonTensor = [...(proto.graph?.input ?? []), ...(proto.graph?.output ?? [])].find(
    (v) => !v.type?.tensorType,
  );
  if (nonTensor)
    return result(
      "unsupported",
      `value ${JSON.stringify(nonTensor.name)} is not a tensor (sequence, optional or map types are not supported)`,
    );
  let inputs: nx.Tensor[];
  let expected: nx.Tensor[];
  try {
    inputs = load("input_");
    expected = load("output_");
  } catch (err) {
    const message = (err as Error).message;
    if (/lacks|type \d+|undefined/.test(message)) return result("dtype", message);
    return result("error", message);
  }
  if (graphInputs.length !== inputs.length)
    return result("error", `${graphInputs.length} graph inputs, ${inputs.length} input files`);

  let imported: ReturnType<typeof onnx.importModel>;
  try {
    try {
      imported = onnx.importModel(bytes);
    } catch (err) {
      // Inputs that decide shapes (a Slice's starts fed as inputs) become constants.
      if (!(err instanceof onnx.OnnxImportError) || err.staticInputs.length === 0) throw err;
      const constants: Record<string, nx.Tensor> = Object.create(null);
      for (const name of err.staticInputs) constants[name] = inputs[graphInputs.indexOf(name)]!;
      imported = onnx.importModel(bytes, { constants });
    }
  } catch (err) {
    const e = err as InstanceType<typeof onnx.OnnxImportError>;
    if (e.unsupported?.length) return result("unsupported", e.message);
    if (/Dendrite lacks/.test(e.message)) return result("dtype", e.message);
    return result("error", e.message);
  }
  const { model, modelState, inputNames, outputNames } = imported;
  const feed: Record<string, nx.Tensor> = Object.create(null);
  for (const name of inputNames) feed[name] = inputs[graphInputs.indexOf(name)]!;
  const asList = (out: unknown): nx.Tensor[] =>
    out instanceof nx.Tensor
      ? [out]
      : outputNames.map((n) => (out as Record<string, nx.Tensor>)[n]!);
  try {
    const { forward } = nn.build(model);
    const eager = asList(forward(modelState.parameters, modelState.state, feed).prediction);
    const jitted = asList(nn.predict(model, modelState, feed));
    for (const [label, outs] of [
      ["eager", eager],
      ["jit", jitted],
    ] as const) {
      for (let i = 0; i < expected.length; i++) {
        const problem = compare(outs[i]!, expected[i]!, `${outputNames[i]} (${label})`);
        if (problem) return result("mismatch", problem);
      }
    }
  } catch (err) {
    return result("error", (err as Error).message);
  }
  return result("pass");
}

/** Runs every node test (or those whose name contains `filter`). */
export function runNodeTests(filter = ""): NodeTestResult[] {
  return fs
    .readdirSync(NODE_TESTS)
    .filter((d) => d.startsWith("test_") && d.includes(filter))
    .sort()
    .map((d) => runNodeTest(path.join(NODE_TESTS, d)));
}

/** The op family of an op type, for the report. */
export function familyOf(ops: readonly string[]): string {
  if (ops.length !== 1) return "multi-node (function expansions)";
  const op = ops[0]!;
  if (/^Reduce|^Arg|^Cum/.test(op)) return "reductions";
  if (
    /^(Reshape|Transpose|Concat|Slice|Gather|GatherElements|Squeeze|Unsqueeze|Flatten|Expand|Tile|Shape|Size|Split|Pad|ConstantOfShape|Constant|Range|Trilu|EyeLike|OneHot|DepthToSpace|SpaceToDepth)$/.test(
      op,
    )
  )
    return "shape";
  if (
    /^(MatMul|Gemm|Conv|MaxPool|AveragePool|LpPool|GlobalAveragePool|GlobalMaxPool|BatchNormalization|InstanceNormalization|LayerNormalization|MeanVarianceNormalization|LpNormalization|LRN|Softmax|LogSoftmax|Hardmax|Dropout|TopK|Attention|RMSNormalization|NegativeLogLikelihoodLoss|SoftmaxCrossEntropyLoss)$/.test(
      op,
    )
  )
    return "nn";
  if (op.includes(":")) return "other domains";
  return "elementwise & other";
}

/** A printable report: pass counts per family and per op, then every failing test and why. */
export function report(results: readonly NodeTestResult[]): string {
  const lines: string[] = [];
  const pass = results.filter((r) => r.status === "pass").length;
  lines.push(`ONNX node tests: ${pass} of ${results.length} pass`);
  const byStatus = new Map<string, number>();
  for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  lines.push(`  by outcome: ${[...byStatus].map(([s, n]) => `${s} ${n}`).join(", ")}`);
  const tally = (key: (r: NodeTestResult) => string) => {
    const m = new Map<string, [number, number]>();
    for (const r of results) {
      const k = key(r);
      const [p, n] = m.get(k) ?? [0, 0];
      m.set(k, [p + (r.status === "pass" ? 1 : 0), n + 1]);
    }
    return [...m].sort((a, b) => a[0].localeCompare(b[0]));
  };
  lines.push("by family:");
  for (const [k, [p, n]] of tally((r) => familyOf(r.ops))) lines.push(`  ${k}: ${p}/${n}`);
  lines.push("by op (single-node tests):");
  const perOp = tally((r) => (r.ops.length === 1 ? r.ops[0]! : "(multi-node)"));
  lines.push("  " + perOp.map(([k, [p, n]]) => `${k} ${p}/${n}`).join(", "));
  lines.push("failing:");
  for (const r of results)
    if (r.status !== "pass") lines.push(`  ${r.test} [${r.status}] ${r.reason ?? ""}`);
  return lines.join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const t0 = Date.now();
  const results = runNodeTests(process.argv[2] ?? "");
  console.log(report(results));
  console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
