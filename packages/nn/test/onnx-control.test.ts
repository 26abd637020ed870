/**
 * nn.onnx.importModel with control flow: If (a predicate computed from the input, under jit through
 * nx.cond), Loop (a known trip count, loop-carried values and scan outputs) and Scan (forward and
 * reverse), subgraphs reading values of the enclosing graph, nesting, and the errors. Known
 * answers are the formulas the small hand-made graphs compute.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

const P = nn.onnx.protos;
const FLOAT = 1;
const BOOL = 9;
const INT64 = 7;
const GRAPH = 5;
const INT = 2;
const INTS = 7;

function valueInfo(name: string, dims: number[] | undefined, elemType = FLOAT) {
  return P.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        ...(dims ? { shape: { dim: dims.map((d) => ({ dimValue: d })) } } : {}),
      },
    },
  });
}

type Attr = { name: string; type: number; g?: unknown; i?: number; ints?: number[] };
const graphAttr = (name: string, g: ReturnType<typeof graph>): Attr => ({ name, type: GRAPH, g });
const node = (opType: string, input: string[], output: string[], attribute: Attr[] = []) =>
  P.NodeProto.create({ opType, input, output, attribute: attribute as never });

function graph(
  nodes: ReturnType<typeof node>[],
  inputs: ReturnType<typeof valueInfo>[],
  outputs: ReturnType<typeof valueInfo>[],
  initializer: unknown[] = [],
) {
  return P.GraphProto.create({
    name: "g",
    node: nodes,
    input: inputs,
    output: outputs,
    initializer: initializer as never,
  });
}

function modelBytes(g: ReturnType<typeof graph>, opset = 17): Uint8Array {
  return P.ModelProto.encode(
    P.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: "", version: opset }], graph: g }),
  ).finish();
}

const int64 = (name: string, values: number[], dims: number[] = []) =>
  P.TensorProto.create({ name, dims, dataType: INT64, int64Data: values });

test("If: the branch the input's sum picks, in eager runs and under jit (nx.cond)", () => {
  // y = sum(x) > 0 ? x · 2 : −x; both branches read x from the enclosing graph.
  const two = P.TensorProto.create({ name: "two", dims: [], dataType: FLOAT, floatData: [2] });
  const onTrue = graph([node("Mul", ["x", "two"], ["t"])], [], [valueInfo("t", [3])], [two]);
  const onFalse = graph([node("Neg", ["x"], ["f"])], [], [valueInfo("f", [3])]);
  const bytes = modelBytes(
    graph(
      [
        node("ReduceSum", ["x"], ["s"], [{ name: "keepdims", type: INT, i: 0 }]),
        node("Greater", ["s", "zero"], ["p"]),
        node(
          "If",
          ["p"],
          ["y"],
          [graphAttr("then_branch", onTrue), graphAttr("else_branch", onFalse)],
        ),
      ],
      [valueInfo("x", [3])],
      [valueInfo("y", [3])],
      [P.TensorProto.create({ name: "zero", dims: [], dataType: FLOAT, floatData: [0] })],
    ),
  );
  const { model, modelState } = nn.onnx.importModel(bytes);
  const pos = nx.tensor([1, 2, -0.5]);
  const neg = nx.tensor([-1, 0.25, -3]);
  assert.deepEqual(nn.predict(model, modelState, pos).toArray(), [2, 4, -1]);
  assert.deepEqual(nn.predict(model, modelState, neg).toArray(), [1, -0.25, 3]);
  const { forward } = nn.build(model);
  assert.deepEqual(
    forward(modelState.parameters, modelState.state, neg).prediction.toArray(),
    [1, -0.25, 3],
  );
  // Under jit the predicate is traced: one program serves both branches.
  const f = nx.jit((x: nx.Tensor) => nn.predict(model, modelState, x));
  assert.deepEqual(f(pos).toArray(), [2, 4, -1]);
  assert.deepEqual(f(neg).toArray(), [1, -0.25, 3]);
  assert.equal(f.cacheInfo().compiles, 1);
});

test("Loop: a known trip count, a loop-carried value and a scan output; an If nested in the body", () => {
  // v ← v · 2 + i for i = 0 … 3, each v collected; inside, an If on i > 1 adds x (the outer input).
  const one = P.TensorProto.create({ name: "one", dims: [], dataType: INT64, int64Data: [1] });
  const addX = graph([node("Add", ["w", "x"], ["wx"])], [], [valueInfo("wx", [2])]);
  const keep = graph([node("Identity", ["w"], ["wk"])], [], [valueInfo("wk", [2])]);
  const body = graph(
    [
      node("Cast", ["i"], ["fi"], [{ name: "to", type: INT, i: FLOAT }]),
      node("Mul", ["v", "twoF"], ["v2"]),
      node("Add", ["v2", "fi"], ["w"]),
      node("Greater", ["i", "one"], ["late"]),
      node(
        "If",
        ["late"],
        ["out"],
        [graphAttr("then_branch", addX), graphAttr("else_branch", keep)],
      ),
      node("Identity", ["c"], ["c2"]),
      node("Identity", ["out"], ["scan"]),
    ],
    [valueInfo("i", [], INT64), valueInfo("c", [], BOOL), valueInfo("v", [2])],
    [valueInfo("c2", [], BOOL), valueInfo("out", [2]), valueInfo("scan", [2])],
    [one, P.TensorProto.create({ name: "twoF", dims: [], dataType: FLOAT, floatData: [2] })],
  );
  const bytes = modelBytes(
    graph(
      [node("Loop", ["M", "", "v0"], ["vN", "vs"], [graphAttr("body", body)])],
      [valueInfo("x", [2]), valueInfo("v0", [2])],
      [valueInfo("vN", [2]), valueInfo("vs", [4, 2])],
      [int64("M", [4])],
    ),
  );
  const { model, modelState } = nn.onnx.importModel(bytes);
  const x = nx.tensor([10, 20]);
  const v0 = nx.tensor([1, -1]);
  const want: number[][] = [];
  let v = [1, -1];
  for (let i = 0; i < 4; i++) {
    v = v.map((a, k) => a * 2 + i + (i > 1 ? [10, 20][k]! : 0));
    want.push(v);
  }
  const out = nn.predict(model, modelState, { x, v0 }) as Record<string, nx.Tensor>;
  assert.deepEqual(out.vN!.toArray(), want[3]);
  assert.deepEqual(out.vs!.toArray(), want);
});

test("Scan: a running sum forward and reversed, as cumulativeSum", () => {
  const body = graph(
    [node("Add", ["s", "e"], ["s2"]), node("Identity", ["s2"], ["o"])],
    [valueInfo("s", [2]), valueInfo("e", [2])],
    [valueInfo("s2", [2]), valueInfo("o", [2])],
  );
  const scan = (reverse: number) =>
    modelBytes(
      graph(
        [
          node(
            "Scan",
            ["s0", "xs"],
            ["sN", "ys"],
            [
              graphAttr("body", body),
              { name: "num_scan_inputs", type: INT, i: 1 },
              { name: "scan_input_directions", type: INTS, ints: [reverse] },
              { name: "scan_output_directions", type: INTS, ints: [reverse] },
            ],
          ),
        ],
        [valueInfo("s0", [2]), valueInfo("xs", [3, 2])],
        [valueInfo("sN", [2]), valueInfo("ys", [3, 2])],
      ),
    );
  const xs = nx.tensor([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  const s0 = nx.tensor([0.5, -1]);
  for (const reverse of [0, 1]) {
    const { model, modelState } = nn.onnx.importModel(scan(reverse));
    const out = nn.predict(model, modelState, { s0, xs }) as Record<string, nx.Tensor>;
    const want = nx.add(nx.cumulativeSum(xs, { axis: 0, reverse: reverse === 1 }), s0);
    assert.deepEqual(out.ys!.toArray(), want.toArray(), `reverse ${reverse}`);
    assert.deepEqual(out.sN!.toArray(), [9.5, 11]);
  }
});

test("Loop: a condition computed from the input (a while loop under jit); errors", () => {
  const body = graph(
    [
      node("ReduceSum", ["v"], ["s"], [{ name: "keepdims", type: INT, i: 0 }]),
      node("Less", ["s", "lim"], ["c2"]),
      node("Add", ["v", "v"], ["v2"]),
    ],
    [valueInfo("i", [], INT64), valueInfo("c", [], BOOL), valueInfo("v", [2])],
    [valueInfo("c2", [], BOOL), valueInfo("v2", [2])],
    [P.TensorProto.create({ name: "lim", dims: [], dataType: FLOAT, floatData: [100] })],
  );
  const bytes = modelBytes(
    graph(
      [node("Loop", ["M", "", "v0"], ["vN"], [graphAttr("body", body)])],
      [valueInfo("v0", [2])],
      [valueInfo("vN", [2])],
      [int64("M", [50])],
    ),
  );
  const { model, modelState } = nn.onnx.importModel(bytes);
  // The loop stops after the step that sees a sum of 100 or more (3, 6, …, 96, 192): eagerly the
  // condition is a value; under jit the loop continues as nx.whileLoop from the first traced one.
  const { forward } = nn.build(model);
  const x = nx.tensor([1, 2]);
  assert.deepEqual(
    forward(modelState.parameters, modelState.state, x).prediction.toArray(),
    [128, 256],
  );
  assert.deepEqual(nn.predict(model, modelState, x).toArray(), [128, 256]);
  assert.deepEqual(nn.predict(model, modelState, nx.tensor([60, 50])).toArray(), [120, 100]);
  // With a scan output too, the output's length would depend on the values: an error at import.
  const collecting = graph(
    [...(body.node as ReturnType<typeof node>[]), node("Identity", ["v2"], ["col"])],
    body.input as ReturnType<typeof valueInfo>[],
    [...(body.output as ReturnType<typeof valueInfo>[]), valueInfo("col", [2])],
    body.initializer,
  );
  const scanned = modelBytes(
    graph(
      [node("Loop", ["M", "", "v0"], ["vN", "all"], [graphAttr("body", collecting)])],
      [valueInfo("v0", [2])],
      [valueInfo("vN", [2]), valueInfo("all", [7, 2])],
      [int64("M", [50])],
    ),
  );
  assert.throws(
    () => nn.onnx.importModel(scanned),
    /node "#0" \(Loop\): the body's condition depends on the model's input values, and the scan outputs' length with it/,
  );
  // An op without a mapping inside a subgraph is named with where it sits.
  const bad = graph([node("NoSuchOp", ["x"], ["t"])], [], [valueInfo("t", [1])]);
  const withBad = modelBytes(
    graph(
      [node("If", ["p"], ["y"], [graphAttr("then_branch", bad), graphAttr("else_branch", bad)])],
      [valueInfo("p", [], BOOL), valueInfo("x", [1])],
      [valueInfo("y", [1])],
    ),
  );
  assert.throws(
    () => nn.onnx.importModel(withBad),
    /unsupported ops: NoSuchOp \(nodes "#0" in then_branch of "#0", "#0" in else_branch of "#0"\)/,
  );
});
