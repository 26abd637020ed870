/**
 * Model display. The two tables are the known answers printed by Axon.Display.as_table in the
 * second seed post (shared/seeds/003_132be73dbcacf348.txt), copied verbatim.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

const SMALL = `|                                                Model                                                 |
| Layer                             | Input Shape | Output Shape | Options         | Parameters        |
| car_features ( input )            | []          | {1, 7}       | shape: {nil, 7} |                   |
|                                   |             |              | optional: false |                   |
| dense_0 ( dense["car_features"] ) | [{1, 7}]    | {1, 1}       |                 | kernel: f32[7][1] |
|                                   |             |              |                 | bias: f32[1]      |
| relu_0 ( relu["dense_0"] )        | [{1, 1}]    | {1, 1}       |                 |                   |
| dense_1 ( dense["relu_0"] )       | [{1, 1}]    | {1, 1}       |                 | kernel: f32[1][1] |
|                                   |             |              |                 | bias: f32[1]      |
Total Parameters: 10
Total Parameters Memory: 40 bytes`;

const BIG = `|                                                 Model                                                 |
| Layer                             | Input Shape | Output Shape | Options         | Parameters         |
| car_features ( input )            | []          | {1, 7}       | shape: {nil, 7} |                    |
|                                   |             |              | optional: false |                    |
| dense_0 ( dense["car_features"] ) | [{1, 7}]    | {1, 32}      |                 | kernel: f32[7][32] |
|                                   |             |              |                 | bias: f32[32]      |
| relu_0 ( relu["dense_0"] )        | [{1, 32}]   | {1, 32}      |                 |                    |
| dense_1 ( dense["relu_0"] )       | [{1, 32}]   | {1, 8}       |                 | kernel: f32[32][8] |
|                                   |             |              |                 | bias: f32[8]       |
| relu_1 ( relu["dense_1"] )        | [{1, 8}]    | {1, 8}       |                 |                    |
| dense_2 ( dense["relu_1"] )       | [{1, 8}]    | {1, 1}       |                 | kernel: f32[8][1]  |
|                                   |             |              |                 | bias: f32[1]       |
Total Parameters: 529
Total Parameters Memory: 2116 bytes`;

test("asTable reproduces the seed post's first table (10 parameters, 40 bytes)", () => {
  const model = nn.input("car_features", [null, 7]).dense(1, { activation: "relu" }).dense(1);
  assert.equal(String(nn.display.asTable(model, nx.template([1, 7], "f32"))), SMALL);
});

test("the table prints as its text and shows in a notebook as a Markdown table", () => {
  const model = nn.input("car_features", [null, 7]).dense(1, { activation: "relu" }).dense(1);
  const table = nn.display.asTable(model, nx.template([1, 7], "f32"));
  assert.equal(`${table}`, SMALL);
  assert.equal(inspect(table), SMALL, "console.log prints the text, not [String: ...]");
  assert.ok(table.includes("Total Parameters: 10"), "string methods work");
  const show = (table as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]!;
  const bundle = show.call(table);
  assert.equal(bundle["text/plain"], SMALL);
  assert.equal(
    bundle["text/markdown"],
    [
      "| Layer | Input Shape | Output Shape | Options | Parameters |",
      "| --- | --- | --- | --- | --- |",
      "| `car_features ( input )` | `[]` | `{1, 7}` | `shape: {nil, 7}`<br>`optional: false` |  |",
      '| `dense_0 ( dense["car_features"] )` | `[{1, 7}]` | `{1, 1}` |  | `kernel: f32[7][1]`<br>`bias: f32[1]` |',
      '| `relu_0 ( relu["dense_0"] )` | `[{1, 1}]` | `{1, 1}` |  |  |',
      '| `dense_1 ( dense["relu_0"] )` | `[{1, 1}]` | `{1, 1}` |  | `kernel: f32[1][1]`<br>`bias: f32[1]` |',
      "",
      "Total Parameters: 10  ",
      "Total Parameters Memory: 40 bytes  ",
    ].join("\n"),
  );
});

test("asTable reproduces the seed post's second table (529 parameters, 2116 bytes)", () => {
  const model = nn
    .input("car_features", [null, 7])
    .dense(32, { activation: "relu" })
    .dense(8, { activation: "relu" })
    .dense(1);
  assert.equal(String(nn.display.asTable(model, nx.template([1, 7], "f32"))), BIG);
});

test("a model prints Axon's inspect summary", () => {
  const model = nn.input("car_features", [null, 7]).dense(1, { activation: "relu" }).dense(1);
  assert.equal(
    String(model),
    'Model<\n  inputs: %{"car_features" => {nil, 7}}\n  outputs: "dense_1"\n  nodes: 4\n>',
  );
});

test("asTable shows several parents, options and layer state", () => {
  const a = nn.input("a", [null, 3]);
  const b = nn.input("b", [null, 3]);
  const model = nn.add([a, b]).batchNorm().dropout({ rate: 0.25 });
  const table = String(
    nn.display.asTable(model, { a: nx.template([2, 3]), b: nx.template([2, 3]) }),
  );
  assert.match(table, /\| add_0 \( add\["a", "b"\] \) +\| \[\{2, 3\}, \{2, 3\}\] \| \{2, 3\} +\|/);
  assert.match(table, /epsilon: 1\.0e-5 +\| gamma: f32\[3\]/);
  assert.match(table, /momentum: 0\.1 +\| beta: f32\[3\]/);
  assert.match(table, /\| mean: f32\[3\]/);
  assert.match(table, /rate: 0\.25/);
  assert.match(table, /key: u32\[2\]/);
  // 4 × 3 f32 batch-norm tensors + the u32[2] dropout key
  assert.match(table, /Total Parameters: 14\nTotal Parameters Memory: 56 bytes$/);
});

test("asGraph draws a Mermaid flowchart", () => {
  const model = nn.input("x", [null, 4]).dense(3, { activation: "softmax" });
  assert.equal(
    nn.display.asGraph(model, nx.template([1, 4])),
    [
      "graph TD;",
      '0[/"x (:input) {1, 4}"/];',
      '1["dense_0 (:dense) {1, 3}"];',
      '2["softmax_0 (:softmax) {1, 3}"];',
      "0 --> 1;",
      "1 --> 2;",
    ].join("\n"),
  );
});

test("asTable checks the templates against the declared input shape", () => {
  const model = nn.input("car_features", [null, 7]).dense(1);
  assert.throws(
    () => String(nn.display.asTable(model, nx.template([1, 8]))),
    /asTable: input "car_features" expects shape \[null, 7\], got \[1, 8\]/,
  );
});
