// Models exported by PyTorch 1.13 (torch.onnx.export, opset 17; fixtures/torch-onnx/make.py made
// them and saved PyTorch's outputs) import into Dendrite and agree with PyTorch to 1e-4; the
// imported MLP fine-tunes (its loss falls).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

const DIR = path.join(import.meta.dirname, "fixtures", "torch-onnx");

interface Fixture {
  input: { shape: number[]; values: number[] };
  output: { shape: number[]; values: number[] };
}

function load(name: string) {
  const fixture = JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), "utf8")) as Fixture;
  const imported = nn.onnx.importModel(fs.readFileSync(path.join(DIR, `${name}.onnx`)));
  const x = nx.reshape(nx.tensor(fixture.input.values), fixture.input.shape);
  return { fixture, imported, x };
}

for (const name of ["mlp", "cnn", "lstm"]) {
  test(`PyTorch's ${name} imports and agrees with PyTorch to 1e-4, eager and under jit`, () => {
    const { fixture, imported, x } = load(name);
    assert.deepEqual(imported.inputNames, ["x"]);
    assert.deepEqual(imported.outputNames, ["y"]);
    const eager = nn.predict(imported.model, imported.modelState, { x }) as nx.Tensor;
    assert.deepEqual([...eager.shape], fixture.output.shape);
    const got = eager.data();
    fixture.output.values.forEach((v, i) =>
      assert.ok(
        Math.abs(got[i]! - v) <= 1e-4 * Math.max(1, Math.abs(v)),
        `${name}[${i}]: ${got[i]} vs PyTorch ${v}`,
      ),
    );
    // The batch axis is dynamic: the first two rows alone give PyTorch's first two rows.
    const two = nn.predict(imported.model, imported.modelState, {
      x: nx.sliceAlong(x, 0, 2),
    }) as nx.Tensor;
    assert.deepEqual(two.data(), got.slice(0, two.size));
    const jitted = nx.jit(
      (t: nx.Tensor) => nn.predict(imported.model, imported.modelState, { x: t }) as nx.Tensor,
    )(x);
    assert.deepEqual(jitted.data(), got);
  });
}

test("the imported MLP fine-tunes with nn.trainer: its loss falls", async () => {
  const { imported, x } = load("mlp");
  const target = nx.add(nx.sum(x, { axes: 1, keepAxes: true }), 1);
  const mse = (ms: nn.ModelState) => {
    const d = nx.subtract(nn.predict(imported.model, ms, { x }) as nx.Tensor, target);
    return nx.mean(nx.multiply(d, d)).toNumber();
  };
  const before = mse(imported.modelState);
  const { modelState } = await nn
    .trainer(imported.model, "meanSquaredError", nn.optimizers.adam({ learningRate: 1e-2 }), {
      log: 0,
    })
    .run(nn.repeat([{ x }, target]), imported.modelState, { epochs: 1, iterations: 200 });
  const after = mse(modelState);
  assert.ok(after < before / 4, `loss ${before} → ${after}`);
});
