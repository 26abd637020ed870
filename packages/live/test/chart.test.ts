// live.chart: turning charts and specs into live charts, push / pushMany / clear, and errors.
// These charts stay off the dashboard ({ dashboard: false }); test/server.test.ts and
// test/browser.test.ts cover the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as plot from "@dendrite/plot";
import * as live from "@dendrite/live";

const vegaLite = createRequire(import.meta.url)("vega-lite") as {
  compile(spec: object, opts?: object): { spec: { data: { name: string; values?: unknown[] }[] } };
};

const lossSpec = {
  mark: { type: "line", interpolate: "natural" },
  encoding: {
    x: { field: "epoch", type: "quantitative", title: "Epoch" },
    y: { field: "loss", type: "quantitative", title: "Loss", scale: { zero: false } },
  },
};
const off = { dashboard: false } as const;

/** Compiles a Vega-Lite spec, failing the test on any warning. */
function compileStrict(spec: object) {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    warn: (...a: unknown[]) => warnings.push(a.join(" ")),
    info: () => undefined,
    debug: () => undefined,
    error: (...a: unknown[]) => warnings.push(a.join(" ")),
  };
  const out = vegaLite.compile(spec, { logger });
  assert.deepEqual(warnings, []);
  return out.spec;
}

test("the seed post's live loss chart: made from plot.vl(), pushed epoch by epoch", () => {
  const chart = live.chart(
    plot
      .vl({ width: 640, height: 480 })
      .mark("line", { color: "red", interpolate: "natural" })
      .encodeField("x", "epoch", { type: "quantitative", title: "Epoch" })
      .encodeField("y", "loss", { type: "quantitative", title: "Loss", scale: { zero: false } }),
    off,
  );
  // The seed post's loss_history, first five epochs.
  const losses = [0.5978554487228394, 0.5133825540542603, 0.4624224603176117, 0.42432668805122375];
  losses.forEach((loss, epoch) => chart.push({ epoch, loss }));
  assert.deepEqual(chart.datasets, ["values"]);
  assert.deepEqual(
    chart.values(),
    losses.map((loss, epoch) => ({ epoch, loss })),
  );
  // toSpec() inlines the points; the result is a valid Vega-Lite spec that carries them.
  const spec = chart.toSpec();
  assert.deepEqual(spec.data, { name: "values" });
  const vega = compileStrict(spec);
  const source = vega.data.find((d) => d.name === "values");
  assert.equal(source?.values?.length, 4);
});

test("the spec's data becomes a named source; inline values become the first points", () => {
  const chart = live.chart({ ...lossSpec, data: { values: [{ epoch: 0, loss: 1 }] } }, off);
  assert.deepEqual(chart.values(), [{ epoch: 0, loss: 1 }]);
  chart.push({ epoch: 1, loss: 0.5 });
  assert.equal(chart.values().length, 2);
  const named = live.chart({ ...lossSpec, data: { name: "train" } }, off);
  assert.deepEqual(named.datasets, ["train"]);
  named.push({ epoch: 0, loss: 2 }); // the named source is the default
  assert.deepEqual(named.values("train"), [{ epoch: 0, loss: 2 }]);
});

test("window keeps the newest points; clear empties a dataset", () => {
  const chart = live.chart(lossSpec, off);
  for (let epoch = 0; epoch < 100; epoch++)
    chart.push({ epoch, loss: 1 / (epoch + 1) }, { window: 5 });
  assert.deepEqual(
    chart.values().map((p) => p.epoch),
    [95, 96, 97, 98, 99],
  );
  chart.pushMany(
    Array.from({ length: 20 }, (_, i) => ({ epoch: 100 + i, loss: 0 })),
    { window: 3 },
  );
  assert.deepEqual(
    chart.values().map((p) => p.epoch),
    [117, 118, 119],
  );
  chart.clear();
  assert.deepEqual(chart.values(), []);
});

test("pushMany takes any iterable of points", () => {
  const chart = live.chart(lossSpec, off);
  function* rows() {
    for (let epoch = 0; epoch < 3; epoch++) yield { epoch, loss: epoch * 2 };
  }
  chart.pushMany(rows());
  assert.deepEqual(
    chart.values().map((p) => p.loss),
    [0, 2, 4],
  );
});

test("several named datasets in one layered chart, pushed to separately", () => {
  const layer = (name: string, color: string) => ({
    data: { name },
    mark: { type: "line", color },
    encoding: {
      x: { field: "epoch", type: "quantitative" },
      y: { field: "loss", type: "quantitative" },
    },
  });
  const chart = live.chart({ layer: [layer("train", "red"), layer("test", "blue")] }, off);
  assert.ok(chart.datasets.includes("train") && chart.datasets.includes("test"));
  chart.push({ epoch: 0, loss: 1 }, { dataset: "train" });
  chart.push({ epoch: 0, loss: 1.2 }, { dataset: "test" });
  chart.push({ epoch: 1, loss: 0.8 }, { dataset: "train" });
  assert.equal(chart.values("train").length, 2);
  assert.equal(chart.values("test").length, 1);
  chart.clear({ dataset: "train" });
  assert.equal(chart.values("train").length, 0);
  assert.equal(chart.values("test").length, 1);
  assert.throws(
    () => chart.push({ epoch: 2, loss: 0 }, { dataset: "valid" }),
    /no dataset "valid"; this chart's datasets are .*"train".*"test"/,
  );
});

test("points are copied and made JSON-ready; scalar tensors (toNumber) are read", () => {
  const chart = live.chart(lossSpec, off);
  const point = { epoch: 1n, loss: { toNumber: () => 0.25 }, at: new Date(0), bad: NaN };
  chart.push(point as unknown as live.Point);
  assert.deepEqual(chart.values(), [
    { epoch: 1, loss: 0.25, at: "1970-01-01T00:00:00.000Z", bad: null },
  ]);
  (point as { epoch: unknown }).epoch = 99n; // later changes to the pushed object do not leak in
  assert.equal(chart.values()[0]!.epoch, 1);
});

test("bad points and options get errors that name the chart, the field or the option", () => {
  const chart = live.chart({ ...lossSpec, title: "loss" }, off);
  assert.throws(
    () => chart.push(5 as unknown as live.Point),
    /live chart \d+ \(loss\)\.push: a point must be an object.*got number 5/,
  );
  assert.throws(() => chart.push({ epoch: 1, loss: [1, 2] }), /field "loss" is an array of 2/);
  assert.throws(
    () => chart.push({ epoch: 1, loss: 1 }, { window: 0 }),
    /window must be a positive integer, got number 0/,
  );
  assert.throws(
    () => chart.push({ epoch: 1, loss: 1 }, { window: 2.5 }),
    /window must be a positive integer/,
  );
  assert.throws(
    () => chart.pushMany(3 as unknown as live.Point[]),
    /pushMany: expected an array of points, got number 3/,
  );
  assert.throws(
    () => chart.pushMany([{ a: 1 }, null as unknown as live.Point]),
    /pushMany: point 1: a point must be an object.*got null/,
  );
  assert.throws(
    () => chart.clear({ dataset: "nope" }),
    /clear: no dataset "nope"; this chart's datasets are "values"/,
  );
});

test("bad charts get clear errors", () => {
  assert.throws(
    () => live.chart(42 as unknown as live.VegaLiteSpec, off),
    /expected a chart from @dendrite\/plot.*got number 42/,
  );
  assert.throws(() => live.chart({ toSpec: () => "x" }, off), /toSpec\(\) returned "x"/);
  assert.throws(
    () => live.chart({ $schema: "https://vega.github.io/schema/vega/v5.json", marks: [] }, off),
    /expected a Vega-Lite v5 spec/,
  );
  assert.throws(() => live.chart({ width: 100 }, off), /the spec has none of mark, layer/);
  assert.throws(
    () => live.chart({ ...lossSpec, data: { url: "data/cars.json" } }, off),
    /must be inline values or none.*the url "data\/cars.json"/,
  );
  assert.throws(
    () => live.chart({ ...lossSpec, data: { values: "a,b\n1,2" } }, off),
    /spec.data.values must be an array of records/,
  );
  assert.throws(
    () => live.chart({ ...lossSpec, data: { values: [{ epoch: 1 }, 7] } }, off),
    /spec.data.values\[1\]: a point must be an object/,
  );
  assert.throws(
    () => live.chart(lossSpec, "fast" as unknown as live.ChartOptions),
    /options must be an object/,
  );
});

test("a chart made without the dashboard has no URL", () => {
  const chart = live.chart(lossSpec, off);
  // No dashboard has been started in this test file's process.
  assert.equal(chart.url, undefined);
});
