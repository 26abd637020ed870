/**
 * Saved layer configurations stay loadable: `fixtures/layer-configs.json` holds every built-in
 * layer's saved graph and prediction as written before layers were defined by one schema. Each
 * must load and predict the same bits, and the same model must save to the same JSON today.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as nn from "@dendrite/nn";
import { LAYER_SAMPLES, sampleInputs } from "./layer-samples.js";

interface Saved {
  readonly graph: nn.ModelJson;
  readonly prediction: { readonly shape: number[]; readonly dtype: string; readonly bytes: string };
}
const FIXTURE = JSON.parse(
  fs.readFileSync(new URL("./fixtures/layer-configs.json", import.meta.url), "utf8"),
) as { layers: Record<string, Saved> };

test("every layer saved by the earlier layer code loads and predicts the same bits", () => {
  for (const [op, saved] of Object.entries(FIXTURE.layers)) {
    const sample = LAYER_SAMPLES[op];
    assert.ok(sample, `the fixture has ${op}, which has no sample`);
    const model = nn.modelFromJson(saved.graph) as nn.Model;
    const inputs = sampleInputs(sample);
    const state = nn.build(model, { seed: 0 }).init(inputs);
    const y = nn.predict(model, state, inputs);
    const d = y.data();
    const bytes = Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString("base64");
    assert.deepEqual({ shape: y.shape, dtype: y.dtype, bytes }, saved.prediction, op);
  }
});

/** Options layers gained after the fixture was written, with their defaults: saved, not changed. */
const ADDED: Record<string, Record<string, unknown>> = {
  conv: { featureGroups: 1 },
  lstm: { returnState: false },
  gru: { returnState: false },
};

test("every layer saves the same JSON configuration as before (plus options added since)", () => {
  for (const [op, saved] of Object.entries(FIXTURE.layers)) {
    const json = nn.modelToJson(LAYER_SAMPLES[op]!.model());
    for (const node of json.nodes as unknown as { op: string; config: Record<string, unknown> }[])
      for (const [k, v] of Object.entries(ADDED[node.op] ?? {})) {
        assert.deepEqual(node.config[k], v, `${op}: ${k} is saved at its default`);
        delete node.config[k];
      }
    assert.deepEqual(json, saved.graph, op);
  }
});
