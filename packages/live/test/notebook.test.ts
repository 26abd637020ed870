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

/** Waits until every display of every chart has sent what it started. */
const settle = async () => {
  await sleep(0);
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

test("display() sends display_data with a display_id (spec, SVG, text), then update_display_data in place", async () => {
  const chart = live.chart(spec, off);
  chart.push({ epoch: 0, loss: 1 });
  const { messages, broadcast } = recorder();
  const display = chart.display(broadcast, { intervalMs: 50 });
  await display.flush();
  assert.equal(messages.length, 1);
  const first = messages[0]!;
  assert.equal(first.msgType, "display_data");
  assert.equal(first.content.transient.display_id, display.displayId);
  assert.match(display.displayId, /^dendrite-live-/);
  assert.deepEqual(pointsIn(first.content.data), [{ epoch: 0, loss: 1 }]);
  assert.match(first.content.data["image/svg+xml"] as string, /^<svg[^>]*>/);
  assert.match(first.content.data["text/plain"] as string, /live chart \d+ "loss": 1 in values/);

  // Ten quick pushes: the first (the interval has passed) is sent at once, the other nine make
  // one update after at most intervalMs.
  await sleep(60);
  for (let epoch = 1; epoch <= 10; epoch++)
    chart.push({ epoch, loss: 1 / (epoch + 1) }, { window: 5 });
  await sleep(150);
  assert.equal(messages.length, 3);
  const second = messages[2]!;
  assert.deepEqual(
    messages.slice(1).map((m) => [m.msgType, m.content.transient.display_id]),
    messages.slice(1).map(() => ["update_display_data", display.displayId]),
  );
  assert.deepEqual(
    (pointsIn(messages[1]!.content.data) as { epoch: number }[]).map((p) => p.epoch),
    [0, 1],
  );
  assert.deepEqual(
    (pointsIn(second.content.data) as { epoch: number }[]).map((p) => p.epoch),
    [6, 7, 8, 9, 10],
  );
  // The picture is of the current state: the newest point's line is drawn, the old one's not.
  assert.notEqual(second.content.data["image/svg+xml"], first.content.data["image/svg+xml"]);

  await display.stop();
  chart.push({ epoch: 11, loss: 0 });
  await sleep(80);
  assert.equal(messages.length, 3, "a stopped display is not updated");
});

test("a loop that never yields to timers still updates the output, from the pushes themselves", async () => {
  const chart = live.chart(spec, off);
  const { messages, broadcast } = recorder();
  const display = chart.display(broadcast, { intervalMs: 40 });
  // As a training loop does: synchronous work between pushes, only microtasks in between (the
  // loop awaits its handlers), never a macrotask turn, so no timer can fire.
  const t0 = performance.now();
  let epoch = 0;
  while (performance.now() - t0 < 800) {
    const until = performance.now() + 2;
    while (performance.now() < until);
    chart.push({ epoch: epoch++, loss: 1 / epoch });
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }
  const during = messages.length;
  assert.ok(
    during >= 5,
    `${during} messages while the loop ran (want ≥ 5: one per 40 ms plus rendering)`,
  );
  assert.deepEqual(
    messages.slice(1).map((m) => m.msgType),
    messages.slice(1).map(() => "update_display_data"),
  );
  await display.flush();
  assert.equal(pointsIn(messages.at(-1)!.content.data)!.length, epoch, "flush sends every point");
  await display.stop();
});

test("updates show at most maxPoints per dataset (evenly spaced, newest kept); a flush shows all", async () => {
  const chart = live.chart(spec, off);
  const { messages, broadcast } = recorder();
  const display = chart.display(broadcast, { intervalMs: 0, maxPoints: 100 });
  await settle();
  chart.pushMany(Array.from({ length: 30_001 }, (_, epoch) => ({ epoch, loss: 1 })));
  await settle();
  const thin = pointsIn(messages.at(-1)!.content.data) as { epoch: number }[];
  assert.equal(thin.length, 100);
  assert.deepEqual(
    thin.slice(0, 3).map((p) => p.epoch),
    [0, 303, 606],
  );
  assert.equal(thin.at(-1)!.epoch, 30_000);
  assert.match(
    messages.at(-1)!.content.data["text/plain"] as string,
    /30001 in values \(100 shown\)/,
  );
  assert.equal(chart.values().length, 30_001, "the chart keeps every point");
  const before = messages.length;
  await live.flush();
  assert.equal(messages.length, before + 1);
  assert.equal(pointsIn(messages.at(-1)!.content.data)!.length, 30_001);
  await live.flush();
  assert.equal(messages.length, before + 1, "nothing new: nothing sent");
  await display.stop();
});

test("tslab: the display handle's raw() gets an SVG by default, the Vega-Lite spec with as: 'vegalite'", async () => {
  const chart = live.chart(spec, off);
  const calls: [string, unknown][] = [];
  const tslabDisplay = { raw: (type: string, data: unknown) => void calls.push([type, data]) };
  const svg = chart.display(tslabDisplay, { intervalMs: 0 });
  const spec2 = chart.display(tslabDisplay, { intervalMs: 0, as: "vegalite" });
  chart.push({ epoch: 0, loss: 2 });
  await settle();
  await Promise.all([svg.stop(), spec2.stop()]);
  assert.equal(calls.length, 4);
  assert.deepEqual(calls.map(([type]) => type).sort(), [
    "application/vnd.vegalite.v5+json",
    "application/vnd.vegalite.v5+json",
    "image/svg+xml",
    "image/svg+xml",
  ]);
  const last = calls.filter(([type]) => type === live.VEGALITE_MIME).at(-1)!;
  assert.deepEqual(pointsIn({ [live.VEGALITE_MIME]: last[1] }), [{ epoch: 0, loss: 2 }]);
  assert.throws(
    () => chart.display(tslabDisplay, { as: "png" as never }),
    /as must be "svg" or "vegalite"/,
  );
  assert.throws(
    () => chart.display(tslabDisplay, { maxPoints: 1 }),
    /maxPoints must be an integer ≥ 2/,
  );
});

test("in Deno's kernel, a chart as a cell's value shows a live output (Symbol.for('Jupyter.display'))", async () => {
  const { messages, broadcast } = recorder();
  const g = globalThis as { Deno?: unknown };
  g.Deno = { jupyter: { broadcast } };
  try {
    const chart = live.chart(spec, off);
    const hook = (chart as unknown as Record<symbol, () => Promise<live.MimeBundle>>)[
      Symbol.for("Jupyter.display")
    ]!;
    // The output is sent as display_data (which can be updated); the cell's own result is empty.
    assert.deepEqual(await hook.call(chart), {});
    await settle();
    assert.equal(messages[0]?.msgType, "display_data");
    chart.push({ epoch: 1, loss: 0.5 });
    await sleep(300);
    assert.equal(messages[1]?.msgType, "update_display_data");
    assert.equal(
      messages[1]!.content.transient.display_id,
      messages[0]!.content.transient.display_id,
    );
    // display() with no target also finds Deno.jupyter.broadcast.
    chart.display();
    await settle();
    assert.equal(messages.at(-1)?.msgType, "display_data");
    await chart.stopDisplays();
  } finally {
    delete g.Deno;
  }
});

test("outside a kernel the hook returns a static bundle, and display() explains what to pass", async () => {
  const chart = live.chart(spec, off);
  chart.push({ epoch: 0, loss: 1 });
  const bundle = await (chart as unknown as Record<symbol, () => Promise<live.MimeBundle>>)[
    Symbol.for("Jupyter.display")
  ]!.call(chart);
  assert.deepEqual(pointsIn(bundle), [{ epoch: 0, loss: 1 }]);
  assert.match(bundle["image/svg+xml"] as string, /^<svg/);
  assert.throws(
    () => chart.display(),
    /no Jupyter kernel found; in Deno's kernel call display\(\) with no argument, in tslab pass tslab.newDisplay\(\)/,
  );
  assert.throws(
    () => chart.display({} as live.NotebookTarget),
    /expected Deno.jupyter.broadcast .* or a tslab display/,
  );
});
