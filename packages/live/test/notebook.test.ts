// Live charts in Jupyter: the display_data / update_display_data messages (Deno's kernel) and
// tslab's display handle, checked on the messages they produce (no kernel needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as live from "@dendrite/live";

const vegaLite = createRequire(import.meta.url)("vega-lite") as {
  compile(spec: object): { spec: { data: { name: string; values?: unknown[] }[] } };
};

const spec = {
  title: "loss",
  mark: "line",
  encoding: {
    x: { field: "epoch", type: "quantitative" },
    y: { field: "loss", type: "quantitative" },
  },
};
const off = { dashboard: false } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Message {
  msgType: string;
  content: live.DisplayContent;
}

function recorder() {
  const messages: Message[] = [];
  const broadcast: live.Broadcast = (msgType, content) => {
    messages.push({ msgType, content });
    return Promise.resolve();
  };
  return { messages, broadcast };
}

/** The points a bundle's Vega-Lite spec carries, as Vega sees them after compiling. */
function pointsIn(bundle: live.MimeBundle, dataset = "values"): unknown[] | undefined {
  const vega = vegaLite.compile(bundle[live.VEGALITE_MIME] as object).spec;
  return vega.data.find((d) => d.name === dataset)?.values;
}

test("display() sends display_data with a display_id, then update_display_data in place", async () => {
  const chart = live.chart(spec, off);
  chart.push({ epoch: 0, loss: 1 });
  const { messages, broadcast } = recorder();
  const display = chart.display(broadcast, { intervalMs: 50 });
  assert.equal(messages.length, 1);
  const first = messages[0]!;
  assert.equal(first.msgType, "display_data");
  assert.equal(first.content.transient.display_id, display.displayId);
  assert.match(display.displayId, /^dendrite-live-/);
  assert.deepEqual(pointsIn(first.content.data), [{ epoch: 0, loss: 1 }]);
  assert.match(first.content.data["text/plain"] as string, /live chart \d+ "loss": 1 in values/);

  // Ten quick pushes make one update, after at most intervalMs.
  for (let epoch = 1; epoch <= 10; epoch++)
    chart.push({ epoch, loss: 1 / (epoch + 1) }, { window: 5 });
  assert.equal(messages.length, 1);
  await sleep(120);
  assert.equal(messages.length, 2);
  const second = messages[1]!;
  assert.equal(second.msgType, "update_display_data");
  assert.equal(second.content.transient.display_id, display.displayId);
  assert.deepEqual(
    (pointsIn(second.content.data) as { epoch: number }[]).map((p) => p.epoch),
    [6, 7, 8, 9, 10],
  );

  display.stop();
  chart.push({ epoch: 11, loss: 0 });
  await sleep(80);
  assert.equal(messages.length, 2, "a stopped display is not updated");
});

test("tslab: the display handle's raw() gets the Vega-Lite spec object, first to show, then to update", async () => {
  const chart = live.chart(spec, off);
  const calls: [string, unknown][] = [];
  const tslabDisplay = { raw: (type: string, data: unknown) => void calls.push([type, data]) };
  chart.display(tslabDisplay, { intervalMs: 0 });
  chart.push({ epoch: 0, loss: 2 });
  await sleep(20);
  assert.equal(calls.length, 2);
  for (const [type] of calls) assert.equal(type, live.VEGALITE_MIME);
  assert.deepEqual(pointsIn({ [live.VEGALITE_MIME]: calls[1]![1] }), [{ epoch: 0, loss: 2 }]);
});

test("in Deno's kernel, a chart as a cell's value shows a live output (Symbol.for('Jupyter.display'))", async () => {
  const { messages, broadcast } = recorder();
  const g = globalThis as { Deno?: unknown };
  g.Deno = { jupyter: { broadcast } };
  try {
    const chart = live.chart(spec, off);
    const hook = (chart as unknown as Record<symbol, () => live.MimeBundle>)[
      Symbol.for("Jupyter.display")
    ]!;
    // The output is sent as display_data (which can be updated); the cell's own result is empty.
    assert.deepEqual(hook.call(chart), {});
    assert.equal(messages[0]?.msgType, "display_data");
    chart.push({ epoch: 1, loss: 0.5 });
    await sleep(260);
    assert.equal(messages[1]?.msgType, "update_display_data");
    assert.equal(
      messages[1]!.content.transient.display_id,
      messages[0]!.content.transient.display_id,
    );
    // display() with no target also finds Deno.jupyter.broadcast.
    chart.display();
    assert.equal(messages.at(-1)?.msgType, "display_data");
    chart.stopDisplays();
  } finally {
    delete g.Deno;
  }
});

test("outside a kernel the hook returns a static bundle, and display() explains what to pass", () => {
  const chart = live.chart(spec, off);
  chart.push({ epoch: 0, loss: 1 });
  const bundle = (chart as unknown as Record<symbol, () => live.MimeBundle>)[
    Symbol.for("Jupyter.display")
  ]!.call(chart);
  assert.deepEqual(pointsIn(bundle), [{ epoch: 0, loss: 1 }]);
  assert.throws(
    () => chart.display(),
    /no Jupyter kernel found; in Deno's kernel call display\(\) with no argument, in tslab pass tslab.newDisplay\(\)/,
  );
  assert.throws(
    () => chart.display({} as live.NotebookTarget),
    /expected Deno.jupyter.broadcast .* or a tslab display/,
  );
});
