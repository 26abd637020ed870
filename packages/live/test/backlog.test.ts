// What a page may cost the process: snapshots are built once from shared pieces and written as
// the page reads, every page has a byte cap, and a page that stays above it without reading is
// disconnected. Many pages that never read leave memory and /api/charts alone.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import * as live from "@dendrite/live";
import { allCharts, snapshotOf } from "../src/registry.js";
import type { Dashboard } from "../src/server.js";
import { chartPieces, chartsPieces } from "../src/snapshot.js";
import { SseClient } from "./helpers.js";

after(() => live.close());

const spec = {
  mark: "point",
  encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
};

test("snapshot pieces are exactly the snapshot's JSON, through windows, clears and chunk edges", () => {
  const chart = live.chart(
    {
      layer: [
        { ...spec, data: { name: "a" } },
        { ...spec, data: { name: "b" } },
      ],
    },
    { dashboard: false },
  );
  const state = allCharts().find((c) => c.id === chart.id)!;
  const same = () =>
    assert.equal(Buffer.concat(chartPieces(state)).toString(), JSON.stringify(snapshotOf(state)));
  same();
  let x = 0;
  for (const [n, window] of [
    [1, undefined],
    [1023, undefined],
    [1, undefined],
    [5000, 3000],
    [7, 3000],
    [2500, 1024],
    [1, 1],
  ] as const) {
    chart.pushMany(
      Array.from({ length: n }, () => ({ x: x++, y: 'é\u2028"' })),
      { dataset: "a", window },
    );
    chart.push({ x, y: 0 }, { dataset: "b" });
    same();
  }
  chart.clear({ dataset: "a" });
  same();
  chart.push({ x: 1, y: 1 }, { dataset: "a" });
  same();
  const all = Buffer.concat(chartsPieces(allCharts())).toString();
  assert.deepEqual(JSON.parse(all), {
    charts: allCharts().map((c) => JSON.parse(JSON.stringify(snapshotOf(c)))),
  });
});

/** Requests `path` (a page's /events) on a raw socket that never reads; resolves once connected. */
function silentPage(port: number, path = "/events"): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => {
      s.pause(); // reads nothing: what the server sends piles up
      s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      resolve(s);
    });
    s.on("error", reject);
  });
}

function memory(): number {
  const m = process.memoryUsage();
  return m.rss;
}

test("a page that reads gets a snapshot larger than maxClientBytes whole, then updates", async () => {
  const server = await live.serve({
    port: 0,
    quiet: true,
    maxClientBytes: 64 << 10,
    clientStallMs: 1000,
  });
  const chart = live.chart(spec);
  chart.pushMany(Array.from({ length: 50_000 }, (_, i) => ({ x: i, y: i })));
  const sse = new SseClient(`${server.url}events`);
  try {
    const snap = await sse.waitFor((e) => e.event === "snapshot", 10_000);
    const mine = snap.data.charts.find((c: { id: string }) => c.id === chart.id);
    assert.equal(mine.data.values.length, 50_000);
    chart.push({ x: -1, y: -1 });
    const u = await sse.waitFor((e) => e.event === "update");
    assert.deepEqual(u.data, [
      { chart: chart.id, dataset: "values", keep: 50_000, insert: [{ x: -1, y: -1 }] },
    ]);
  } finally {
    sse.close();
    await live.close();
  }
});

test("40 pages that never read a 200,000-point chart leave memory and /api/charts alone, then are closed", async (t) => {
  const server = (await live.serve({
    port: 0,
    quiet: true,
    keepAlive: true, // the test waits on sockets the server closes by itself
    maxClientBytes: 1 << 20,
    clientStallMs: 1500,
  })) as Dashboard;
  const chart = live.chart(spec);
  chart.pushMany(
    Array.from({ length: 200_000 }, (_, i) => ({ x: i, y: Math.sin(i), tag: "epoch-tag" })),
  );
  // The first snapshot builds the shared pieces; count it in the baseline.
  const warm = await fetch(`${server.url}api/charts`);
  const size = (await warm.arrayBuffer()).byteLength;
  assert.ok(size > 10e6, `the chart's snapshot is ${size} bytes`);
  const before = memory();
  const pages = await Promise.all(Array.from({ length: 40 }, () => silentPage(server.port)));
  // Readers of /api/charts that stop reading are held to the same cap.
  const readers = await Promise.all(
    Array.from({ length: 5 }, () => silentPage(server.port, "/api/charts")),
  );
  const closed = pages.map((p) => new Promise<void>((r) => p.once("close", () => r())));
  for (let waited = 0; server.pageCount < 40 && waited < 5000; waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(server.pageCount, 40);
  await new Promise((r) => setTimeout(r, 300)); // what the server can write, it has written
  const grown = (memory() - before) / 2 ** 20;
  t.diagnostic(`memory grew ${grown.toFixed(1)} MB for 40 silent pages`);
  // Before: every page got its own copy of the ~11 MB snapshot (40 pages: about 900 MB).
  assert.ok(grown < 100, `memory grew ${grown.toFixed(0)} MB for 40 silent pages`);
  const t0 = performance.now();
  const res = await fetch(`${server.url}api/charts`);
  const ms = performance.now() - t0;
  assert.equal(res.status, 200);
  const body = (await res.json()) as { charts: { id: string; data: { values: unknown[] } }[] };
  assert.equal(body.charts.find((c) => c.id === chart.id)?.data.values.length, 200_000);
  t.diagnostic(`/api/charts answered in ${ms.toFixed(0)} ms`);
  assert.ok(ms < 1000, `/api/charts took ${ms.toFixed(0)} ms to answer`);
  // Pages that stay above maxClientBytes without reading are disconnected after clientStallMs.
  for (let waited = 0; server.pageCount > 0 && waited < 10_000; waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(server.pageCount, 0);
  for (const p of pages) p.resume(); // reading now, each sees its connection end
  await Promise.all(closed);
  for (let waited = 0; server.stalledClosed < 45 && waited < 5000; waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(server.stalledClosed, 45, "stalled pages and /api/charts readers closed");
  for (const r of readers) r.destroy();
  await live.close();
});

test("maxClientBytes and clientStallMs are checked", async () => {
  await assert.rejects(
    live.serve({ maxClientBytes: 0 }),
    /maxClientBytes must be a positive integer, got 0/,
  );
  await assert.rejects(
    live.serve({ clientStallMs: -1 }),
    /clientStallMs must be a number > 0, got -1/,
  );
});
