/**
 * Every registered built-in layer, read from the registry (a new layer without a sample in
 * `layer-samples.ts` fails here): it builds, predicts, survives save → load bit for bit, and its
 * `asTable` row names it and shows its options. Then the option errors of a few layers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { LAYER_SAMPLES, sampleInputs, type LayerSample } from "./layer-samples.js";

/** The bytes of a tensor, to compare results bit for bit (−0 and NaN included). */
function bits(t: nx.Tensor): { shape: readonly number[]; dtype: string; bytes: string } {
  const d = t.data();
  return {
    shape: t.shape,
    dtype: t.dtype,
    bytes: Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString("base64"),
  };
}

/** The Options cell of the layer `name`'s row of an `asTable` table, one entry per line. */
function shownOptions(table: string, name: string, op: string): string[] {
  const lines = table.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`| ${name} ( ${op}`));
  assert.ok(start >= 0, `${op}: asTable has no row "${name} ( ${op} ... )":\n${table}`);
  const options: string[] = [];
  for (let i = start; i < lines.length && lines[i]!.startsWith("|"); i++) {
    const cells = lines[i]!.split(" | ");
    if (i > start && cells[0]!.trim() !== "|") break;
    const cell = cells[3]?.trim();
    if (cell) options.push(cell);
  }
  return options;
}

const builtins = nn.builtinLayers();

/** The samples of `op`: its own, and its variants (`"lstm:state"`). */
const samplesOf = (op: string) =>
  Object.entries(LAYER_SAMPLES).filter(([key, s]) => (s.op ?? key) === op);

test("the registry lists every built-in layer once, and each has a sample", () => {
  const ops = builtins.map((l) => l.op);
  assert.equal(new Set(ops).size, ops.length);
  for (const op of ops) assert.ok(LAYER_SAMPLES[op], `the built-in layer "${op}" has no sample`);
  for (const [key, sample] of Object.entries(LAYER_SAMPLES))
    assert.ok(
      ops.includes(sample.op ?? key),
      `the sample "${key}" is not of a registered built-in layer`,
    );
  assert.ok(ops.includes("dense") && ops.includes("lstm") && ops.includes("leaky_relu"));
});

/** Checks one sample of `op`; `what` (the sample's key) words the failures. */
function checkLayer(op: string, sample: LayerSample, what: string): void {
  const model = sample.model();
  const inputs = sampleInputs(sample);
  // builds and predicts
  const state = nn.build(model, { seed: 3 }).init(inputs);
  const y = nn.predict(model, state, inputs);
  assert.ok(y instanceof nx.Tensor, `${what}: predict gave no tensor`);
  // save → load: the same graph, the same bits
  const loaded = nn.decodeModel(nn.encodeModel(model, state));
  assert.deepEqual(bits(nn.predict(loaded.model, loaded.state, inputs)), bits(y), what);
  assert.deepEqual(nn.modelToJson(loaded.model), nn.modelToJson(model), what);
  // the table names the layer and its options, before and after loading
  const table = String(nn.display.asTable(model, inputs));
  assert.deepEqual(
    shownOptions(table, sample.layerName ?? "under_test", op),
    sample.display,
    `${what}: options shown`,
  );
  assert.equal(
    String(nn.display.asTable(loaded.model, inputs)),
    table,
    `${what}: table after loading`,
  );
  // every option given a display name is shown under it
  const layer = builtins.find((l) => l.op === op)!;
  for (const [option, kind] of Object.entries(layer.options))
    if (kind.display !== undefined)
      assert.ok(
        sample.display.some((s) => s.startsWith(`${kind.display}: `)),
        `${what}: option ${option} is not shown as ${kind.display}`,
      );
}

for (const layer of builtins) {
  test(`${layer.op}: builds, predicts, saves and loads bit for bit, and displays its options`, () => {
    const samples = samplesOf(layer.op);
    assert.ok(
      samples.length > 0,
      `the built-in layer "${layer.op}" has no sample in layer-samples.ts`,
    );
    for (const [key, sample] of samples) checkLayer(layer.op, sample, key);
  });
}

test("option errors name the layer, the option and the bad value", () => {
  const x = nn.input("x", [null, 4]);
  const cases: [() => unknown, RegExp][] = [
    [() => x.dense(2.5), /^RangeError: dense: units must be a positive integer, got 2\.5$/],
    [
      () => x.dense(2, { useBias: "yes" as never }),
      /^TypeError: dense: useBias must be true or false, got "yes"$/,
    ],
    [
      () => x.dense(2, { kernelInitializer: "glorot" }),
      /^Error: dense: kernelInitializer: unknown initializer "glorot"/,
    ],
    [
      () => x.dense(2, { activaton: "relu" } as never),
      /^TypeError: dense: unknown option "activaton"; its options are units, useBias, kernelInitializer, biasInitializer$/,
    ],
    [() => x.dropout({ rate: 1 }), /^RangeError: dropout: rate must be in \[0, 1\), got 1$/],
    [
      () => x.batchNorm({ momentum: 2 }),
      /^RangeError: batch_norm: momentum must be in \[0, 1\], got 2$/,
    ],
    [
      () => x.reshape([2, -1, -1]),
      /^TypeError: reshape: shape must list positive sizes \(one may be -1\)/,
    ],
    [
      () => nn.input("i", [null, 4, 4, 1]).conv(2, { padding: "full" as never }),
      /^RangeError: conv: padding must be "valid" or "same", got "full"$/,
    ],
    [
      () => nn.input("i", [null, 4, 1]).maxPool({ kernelSize: [2, 0] }),
      /^RangeError: max_pool: kernelSize must be a positive integer, got 0$/,
    ],
    [
      () => nn.input("s", [null, 3, 2]).lstm(0),
      /^RangeError: lstm: units must be a positive integer, got 0$/,
    ],
    [
      () => nn.concatenate([x, x], { axis: 0.5 }),
      /^TypeError: concatenate: axis must be an integer, got 0\.5$/,
    ],
    [
      () => x.leakyRelu({ alpha: "big" as never }),
      /^TypeError: leaky_relu: alpha must be a number, got "big"$/,
    ],
    [
      () => x.flatten({ axis: 1 } as never),
      /^TypeError: flatten: unknown option "axis"; it takes no options$/,
    ],
  ];
  for (const [make, message] of cases)
    assert.throws(make, (err: Error) => {
      assert.match(String(err), message);
      return true;
    });
});

test("a saved config with a bad option is refused by load, naming the layer, option and value", () => {
  const model = nn.input("x", [null, 3]).dense(2).dropout({ rate: 0.5 });
  const json = nn.modelToJson(model);
  const bad = {
    ...json,
    nodes: json.nodes.map((n) => (n.op === "dropout" ? { ...n, config: { rate: 7 } } : n)),
  };
  assert.throws(
    () => nn.modelFromJson(bad),
    /^Error: load: node 2: dropout: rate must be in \[0, 1\), got 7$/,
  );
  const noInit = {
    ...json,
    nodes: json.nodes.map((n) =>
      n.op === "dense" ? { ...n, config: { ...n.config, kernelInitializer: 3 } } : n,
    ),
  };
  assert.throws(
    () => nn.modelFromJson(noInit),
    /^Error: load: node 1: dense: kernelInitializer must be an initializer's config \{ name, \.\.\. \}, got number 3$/,
  );
  // An option missing from an older file takes its default.
  const older = {
    ...json,
    nodes: json.nodes.map((n) => (n.op === "dropout" ? { ...n, config: {} } : n)),
  };
  const loaded = nn.modelFromJson(older);
  assert.deepEqual(nn.modelToJson(loaded), json);
});
