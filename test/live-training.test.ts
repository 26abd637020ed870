// The seed post's live chart, as written: an `epochCompleted` handler (no await) pushes to a live
// chart shown in a notebook output. The output must move while `run` trains — the loop never
// yields to timers — and hold every point when `run` returns, with nothing sent after.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import * as live from "@dendrite/live";

test("a live chart fed by a training loop's handler updates during run and is complete when run returns", async () => {
  const chart = live.chart(
    {
      mark: "line",
      encoding: {
        x: { field: "step", type: "quantitative" },
        y: { field: "loss", type: "quantitative" },
      },
    },
    { dashboard: false },
  );
  const sent: { at: number; points: number; svg: boolean }[] = [];
  const t0 = performance.now();
  chart.display(
    (_msgType, content) => {
      const datasets = content.data[live.VEGALITE_MIME] as { datasets: { values: unknown[] } };
      sent.push({
        at: performance.now() - t0,
        points: datasets.datasets.values.length,
        svg: typeof content.data["image/svg+xml"] === "string",
      });
    },
    { intervalMs: 50 },
  );
  const x = nx.random.normal(nx.random.key(0), [256, 8]);
  const y = nx.sum(x, { axes: 1, keepAxes: true });
  const model = nn.input("x", [null, 8]).dense(64, { activation: "relu" }).dense(1);
  let step = 0;
  let runEnded = 0;
  await nn
    .trainer(model, "meanSquaredError", nn.optimizers.adam({ learningRate: 1e-3 }), { log: 0 })
    .handleEvent("iterationCompleted", (state) => {
      chart.push({ step: step++, loss: state.stepState.loss.toNumber() });
      return "continue";
    })
    .run(nn.repeat([x, y]), undefined, { epochs: 4, iterations: 150 })
    .then(() => (runEnded = performance.now() - t0));
  const atEnd = sent.length;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(sent.length, atEnd, "nothing is sent after run returns");
  const during = sent.filter((s) => s.at < runEnded * 0.95).length;
  assert.ok(
    during >= 5,
    `${during} updates during ${runEnded.toFixed(0)} ms of training (want ≥ 5)`,
  );
  assert.equal(sent.at(-1)!.points, 600, "the last update holds every point");
  assert.ok(
    sent.every((s) => s.svg),
    "every message carries an SVG",
  );
  await chart.stopDisplays();
});
