/**
 * nn.onnx.importModel: a hand-made MLP (built with onnx-proto in the test) imports, predicts the
 * values its formula gives, and fine-tunes with nn.trainer; bad files give errors naming the node
 * or tensor; names from the file never reach a prototype.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

const P = nn.onnx.protos;
const FLOAT = 1;
const INT64 = 7;

function tensorProto(name: string, dims: number[], values: number[], dataType = FLOAT) {
  return P.TensorProto.create({
    name,
    dims,
    dataType,
    ...(dataType === FLOAT ? { floatData: values } : { int64Data: values }),
  });
}

function valueInfo(name: string, dims: (number | string)[], elemType = FLOAT) {
  return P.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  });
}

function node(opType: string, inputs: string[], outputs: string[], name = "", attribute = []) {
  return P.NodeProto.create({ opType, input: inputs, output: outputs, name, attribute });
}

function modelBytes(graph: Record<string, unknown>, opset = 17): Uint8Array {
  const model = P.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: opset }],
    graph: P.GraphProto.create({ name: "g", ...graph }),
  });
  return P.ModelProto.encode(model).finish();
}

// y = Gemm(relu(x · W1 + b1), W2, b2): 3 → 4 → 2.
const W1 = [0.5, -0.2, 0.1, 0.3, -0.4, 0.6, 0.2, -0.1, 0.3, 0.1, -0.5, 0.4];
const B1 = [0.1, 0, -0.1, 0.2];
const W2 = [0.3, -0.6, 0.2, 0.5, -0.4, 0.1, 0.7, 0.2];
const B2 = [0.05, -0.05];

function mlpBytes(): Uint8Array {
  return modelBytes({
    node: [
      node("MatMul", ["x", "fc1.weight"], ["h0"], "fc1"),
      node("Add", ["h0", "fc1.bias"], ["h1"], "fc1_bias"),
      node("Relu", ["h1"], ["h2"], "relu"),
      node("Gemm", ["h2", "fc2.weight", "fc2.bias"], ["y"], "fc2"),
    ],
    initializer: [
      tensorProto("fc1.weight", [3, 4], W1),
      tensorProto("fc1.bias", [4], B1),
      tensorProto("fc2.weight", [4, 2], W2),
      tensorProto("fc2.bias", [2], B2),
    ],
    input: [valueInfo("x", ["batch", 3])],
    output: [valueInfo("y", ["batch", 2])],
  });
}

/** The MLP's formula in plain JavaScript (f64). */
function mlp(x: number[]): number[] {
  const h = [0, 1, 2, 3].map((j) =>
    Math.max(0, B1[j]! + x.reduce((s, xi, i) => s + xi * W1[i * 4 + j]!, 0)),
  );
  return [0, 1].map((k) => B2[k]! + h.reduce((s, hj, j) => s + hj * W2[j * 2 + k]!, 0));
}

test("importModel: a hand-made MLP predicts its formula's values", () => {
  const { model, modelState, inputNames, outputNames } = nn.onnx.importModel(mlpBytes());
  assert.deepEqual(inputNames, ["x"]);
  assert.deepEqual(outputNames, ["y"]);
  assert.deepEqual(Object.keys(modelState.parameters).sort(), [
    "fc1.bias",
    "fc1.weight",
    "fc2.bias",
    "fc2.weight",
  ]);
  const xs = [
    [1, 2, 3],
    [-1, 0.5, 2],
    [0.3, -0.7, 0.1],
  ];
  const y = nn.predict(model, modelState, { x: nx.tensor(xs) }) as nx.Tensor;
  assert.deepEqual(y.shape, [3, 2]);
  const got = y.toArray() as number[][];
  xs.forEach((row, i) =>
    mlp(row).forEach((v, k) =>
      assert.ok(Math.abs(got[i]![k]! - v) < 1e-6, `${got[i]![k]} vs ${v}`),
    ),
  );
});

test("importModel: the imported MLP fine-tunes with nn.trainer (its loss falls)", async () => {
  const { model, modelState } = nn.onnx.importModel(mlpBytes());
  const x = nx.random.normal(nx.random.key(1), [64, 3]);
  const target = nx.add(nx.matmul(x, nx.tensor([[1], [-1], [0.5]])), nx.tensor([[0.3, -0.2]]));
  const lossOf = (s: nn.ModelState) =>
    nx.mean(nx.pow(nx.subtract(nn.predict(model, s, x) as nx.Tensor, target), 2)).toNumber();
  const before = lossOf(modelState);
  const { modelState: tuned } = await nn
    .trainer(model, "meanSquaredError", nn.optimizers.adam({ learningRate: 1e-2 }), { log: 0 })
    .run(nn.repeat([x, target]), modelState, { epochs: 1, iterations: 200 });
  const after = lossOf(tuned);
  assert.ok(after < before * 0.5, `loss ${before} → ${after}`);
});

test("importModel: several outputs are an object keyed by output name", () => {
  const bytes = modelBytes({
    node: [node("Relu", ["x"], ["pos"]), node("Neg", ["x"], ["neg"])],
    input: [valueInfo("x", [2])],
    output: [valueInfo("pos", [2]), valueInfo("neg", [2])],
  });
  const { model, modelState } = nn.onnx.importModel(bytes);
  const out = nn.predict(model, modelState, { x: nx.tensor([-1, 2]) }) as Record<string, nx.Tensor>;
  assert.deepEqual(out.pos!.toArray(), [0, 2]);
  assert.deepEqual(out.neg!.toArray(), [1, -2]);
});

test("importModel: unsupported ops are one error listing every node", () => {
  const bytes = modelBytes({
    node: [
      node("NoSuchOp", ["x"], ["a"], "e1"),
      node("Relu", ["a"], ["b"], "r"),
      node("OtherOp", ["b"], ["c"], "l1"),
      node("NoSuchOp", ["c"], ["y"], "e2"),
    ],
    input: [valueInfo("x", [2])],
    output: [valueInfo("y", [2])],
  });
  assert.throws(
    () => nn.onnx.importModel(bytes),
    (err: Error) =>
      err instanceof nn.onnx.OnnxImportError &&
      /NoSuchOp \(nodes "e1", "e2"\); OtherOp \(node "l1"\)/.test(err.message),
  );
});

test("importModel: bad bytes, missing values and wide int64 are errors naming what is wrong", () => {
  const good = mlpBytes();
  assert.throws(
    () => nn.onnx.importModel(good.slice(0, good.length - 7)),
    /not a valid ONNX model/,
  );
  assert.throws(() => nn.onnx.importModel("model" as never), /Uint8Array/);
  const missing = modelBytes({
    node: [node("Add", ["x", "bias"], ["y"], "adder")],
    input: [valueInfo("x", [2])],
    output: [valueInfo("y", [2])],
  });
  assert.throws(() => nn.onnx.importModel(missing), /node "adder" \(Add\): its input "bias"/);
  const wide = modelBytes({
    node: [node("Reshape", ["x", "shape"], ["y"], "r")],
    initializer: [tensorProto("shape", [1], [2 ** 40], INT64)],
    input: [valueInfo("x", [2])],
    output: [valueInfo("y", [2])],
  });
  assert.throws(() => nn.onnx.importModel(wide), /initializer "shape" holds the int64 value/);
  const fedShape = modelBytes({
    node: [node("Reshape", ["x", "shape"], ["y"], "r")],
    input: [valueInfo("x", [2, 2]), valueInfo("shape", [1], INT64)],
    output: [valueInfo("y", [4])],
  });
  assert.throws(
    () => nn.onnx.importModel(fedShape),
    (err: Error) =>
      err instanceof nn.onnx.OnnxImportError &&
      err.staticInputs.join() === "shape" &&
      /node "r" \(Reshape\), shape/.test(err.message),
  );
  const r = nn.onnx.importModel(fedShape, {
    constants: { shape: nx.tensor([4], { dtype: "s32" }) },
  });
  assert.deepEqual(r.inputNames, ["x"]);
  const y = nn.predict(r.model, r.modelState, {
    x: nx.tensor([
      [1, 2],
      [3, 4],
    ]),
  }) as nx.Tensor;
  assert.deepEqual(y.toArray(), [1, 2, 3, 4]);
});

test("importModel: names from the file never write to a prototype", () => {
  const bytes = modelBytes({
    node: [node("Add", ["x", "__proto__"], ["constructor"], "toString")],
    initializer: [tensorProto("__proto__", [2], [1, 2])],
    input: [valueInfo("x", [2])],
    output: [valueInfo("constructor", [2])],
  });
  const { model, modelState } = nn.onnx.importModel(bytes);
  assert.equal(Object.getPrototypeOf(modelState.parameters), Object.prototype);
  assert.equal(({} as Record<string, unknown>).value, undefined);
  const y = nn.predict(model, modelState, { x: nx.tensor([1, 1]) }) as nx.Tensor;
  assert.deepEqual(y.toArray(), [2, 3]);
  const badInput = modelBytes({
    node: [node("Relu", ["__proto__"], ["y"])],
    input: [valueInfo("__proto__", [2])],
    output: [valueInfo("y", [2])],
  });
  assert.throws(() => nn.onnx.importModel(badInput), /input name "__proto__" cannot be used/);
});

test("importModel: float16 and bfloat16 initializers and inputs are f16 and bf16", () => {
  const FLOAT16 = 10;
  const BFLOAT16 = 16;
  const bits = (values: number[]) => new Uint8Array(new Uint16Array(values).buffer);
  const bytes = modelBytes({
    node: [node("Add", ["x", "c"], ["y"]), node("Mul", ["xb", "cb"], ["yb"])],
    initializer: [
      // raw_data: np.float16 bits of 1.5 and 2048 (0x3e00, 0x6800)
      P.TensorProto.create({
        name: "c",
        dims: [2],
        dataType: FLOAT16,
        rawData: bits([0x3e00, 0x6800]),
      }),
      // int32_data holds the bits when there is no raw_data: bfloat16 3 is 0x4040
      P.TensorProto.create({ name: "cb", dims: [1], dataType: BFLOAT16, int32Data: [0x4040] }),
    ],
    input: [valueInfo("x", [2], FLOAT16), valueInfo("xb", [1], BFLOAT16)],
    output: [valueInfo("y", [2], FLOAT16), valueInfo("yb", [1], BFLOAT16)],
  });
  const { model, modelState } = nn.onnx.importModel(bytes);
  assert.equal(modelState.parameters.c!.value!.dtype, "f16");
  const out = nn.predict(model, modelState, {
    x: nx.tensor([0.25, 1], { dtype: "f16" }),
    xb: nx.tensor([0.5], { dtype: "bf16" }),
  }) as Record<string, nx.Tensor>;
  assert.equal(out.y!.dtype, "f16");
  // 2048 + 1 is not an f16: the sum rounds to even (2048), as np.float16(2048) + np.float16(1).
  assert.deepEqual(out.y!.toArray(), [1.75, 2048]);
  assert.equal(out.yb!.dtype, "bf16");
  assert.deepEqual(out.yb!.toArray(), [1.5]);
});
