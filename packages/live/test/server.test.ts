// The dashboard's HTTP API: where it listens, what it serves, the event stream and its batching.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import * as live from "@dendrite/live";
import { SseClient } from "./helpers.js";

const require = createRequire(import.meta.url);
let server: live.LiveServer;

const pointSpec = {
  mark: "point",
  encoding: {
    x: { field: "x", type: "quantitative" },
    y: { field: "y", type: "quantitative" },
  },
};

before(async () => {
  server = await live.serve({ port: 0, quiet: true });
});
after(() => live.close());

/** An IPv4 address of this machine other than loopback, if it has one. */
function otherAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

/** Whether a TCP connection to host:port is accepted. */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

test("serve() listens on 127.0.0.1 by default, and only there", async (t) => {
  assert.equal(server.host, "127.0.0.1");
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.ok(server.port > 0);
  assert.equal(await connects("127.0.0.1", server.port), true);
  const other = otherAddress();
  if (other === undefined) return t.skip("this machine has no non-loopback IPv4 interface");
  assert.equal(await connects(other, server.port), false, `reachable through ${other}`);
});

test("a chart made after serve() gets a URL on that server", () => {
  const chart = live.chart(pointSpec);
  assert.equal(chart.url, `${server.url}?chart=${chart.id}`);
});

test("the page loads its scripts from this server only: no CDN", async () => {
  const res = await fetch(server.url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/html/);
  assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'self'/);
  const html = await res.text();
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  assert.deepEqual(refs.sort(), [
    "/assets/dashboard.css",
    "/assets/dashboard.js",
    "/assets/vega-lite.min.js",
    "/assets/vega.min.js",
    "data:,",
  ]);
  assert.doesNotMatch(html, /https?:\/\//);
  for (const name of ["dashboard.js", "dashboard.css"]) {
    const body = await (await fetch(`${server.url}assets/${name}`)).text();
    assert.doesNotMatch(body, /https?:\/\//, `${name} refers to another site`);
  }
});

test("static assets are the installed vega and vega-lite builds", async () => {
  for (const [name, file] of [
    ["vega.min.js", "vega/build/vega.min.js"],
    ["vega-lite.min.js", "vega-lite/build/vega-lite.min.js"],
  ] as const) {
    const res = await fetch(`${server.url}assets/${name}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /javascript/);
    const body = Buffer.from(await res.arrayBuffer());
    assert.ok(body.equals(readFileSync(require.resolve(file))), `${name} differs from ${file}`);
    // Revalidation answers 304 without a body.
    const again = await fetch(`${server.url}assets/${name}`, {
      headers: { "If-None-Match": res.headers.get("etag")! },
    });
    assert.equal(again.status, 304);
  }
  assert.equal((await fetch(`${server.url}assets/secret.txt`)).status, 404);
  assert.equal((await fetch(`${server.url}assets/..%2Fpackage.json`)).status, 404);
  assert.equal((await fetch(`${server.url}nothing-here`)).status, 404);
  assert.equal((await fetch(server.url, { method: "POST" })).status, 405);
});

test("requests naming another host are refused (DNS rebinding)", async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port: server.port }, () => {
      s.write("GET /api/charts HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n");
    });
    let text = "";
    s.on("data", (d) => (text += d.toString()));
    s.on("end", () => resolve(Number(text.split(" ")[1])));
    s.on("error", reject);
  });
  assert.equal(status, 403);
  assert.equal((await fetch(server.url.replace("127.0.0.1", "localhost"))).status, 200);
});

test("/api/charts and the event stream's snapshot hold every chart's history", async () => {
  const chart = live.chart({ ...pointSpec, title: "history" });
  chart.pushMany([
    { x: 1, y: 1 },
    { x: 2, y: 4 },
  ]);
  const api = (await (await fetch(`${server.url}api/charts`)).json()) as {
    charts: { id: string; title: string; data: Record<string, unknown[]> }[];
  };
  const mine = api.charts.find((c) => c.id === chart.id)!;
  assert.equal(mine.title, "history");
  assert.deepEqual(mine.data.values, [
    { x: 1, y: 1 },
    { x: 2, y: 4 },
  ]);
  const sse = new SseClient(`${server.url}events`);
  try {
    const snap = await sse.waitFor((e) => e.event === "snapshot");
    const inSnap = snap.data.charts.find((c: { id: string }) => c.id === chart.id);
    assert.deepEqual(inSnap.data.values, mine.data.values);
    assert.deepEqual(inSnap.spec.data, { name: "values" });
  } finally {
    sse.close();
  }
});

test("pushes are batched: 1,000 pushes in one tick reach the page as one message", async () => {
  const chart = live.chart(pointSpec);
  const sse = new SseClient(`${server.url}events`);
  try {
    await sse.waitFor((e) => e.event === "snapshot");
    for (let i = 0; i < 1000; i++) chart.push({ x: i, y: i });
    const first = await sse.waitFor((e) => e.event === "update");
    await new Promise((r) => setTimeout(r, 150)); // anything more would have come by now
    const updates = sse.events.filter((e) => e.event === "update");
    assert.equal(updates.length, 1);
    assert.deepEqual(first.data, [
      { chart: chart.id, dataset: "values", keep: 0, insert: chart.values() },
    ]);
  } finally {
    sse.close();
  }
});

test("pushes are throttled: a steady stream makes at most one message per flushMs (40)", async () => {
  const chart = live.chart(pointSpec);
  const sse = new SseClient(`${server.url}events`);
  try {
    await sse.waitFor((e) => e.event === "snapshot");
    const t0 = performance.now();
    let i = 0;
    while (performance.now() - t0 < 400) {
      chart.push({ x: i++, y: 0 });
      await new Promise((r) => setTimeout(r, 2));
    }
    const ms = performance.now() - t0;
    await sse.waitFor((e) => e.event === "update" && e.data[0].insert.at(-1)?.x === i - 1);
    const updates = sse.events.filter((e) => e.event === "update");
    const received = updates.flatMap((e) => e.data[0].insert.map((p: { x: number }) => p.x));
    assert.deepEqual(
      received,
      Array.from({ length: i }, (_, k) => k),
      "every point, in order",
    );
    assert.ok(i > 2 * updates.length, `${i} pushes made ${updates.length} messages`);
    assert.ok(updates.length <= Math.ceil(ms / 40) + 2, `${updates.length} messages in ${ms} ms`);
  } finally {
    sse.close();
  }
});

test("window applies before sending: only live points travel, with how many old ones to keep", async () => {
  const chart = live.chart(pointSpec);
  chart.pushMany(Array.from({ length: 8 }, (_, i) => ({ x: i, y: 0 })));
  const sse = new SseClient(`${server.url}events`);
  try {
    await sse.waitFor((e) => e.event === "snapshot");
    for (let i = 8; i < 5000; i++) chart.push({ x: i, y: 0 }, { window: 10 });
    const u = await sse.waitFor((e) => e.event === "update");
    assert.deepEqual(u.data[0].keep, 0);
    assert.deepEqual(
      u.data[0].insert.map((p: { x: number }) => p.x),
      [4990, 4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999],
    );
    chart.push({ x: 5000, y: 0 }, { window: 10 });
    const v = await sse.waitFor((e) => e.event === "update" && e !== u);
    assert.deepEqual(v.data, [
      { chart: chart.id, dataset: "values", keep: 9, insert: [{ x: 5000, y: 0 }] },
    ]);
  } finally {
    sse.close();
  }
});

test("a page that cannot keep up is skipped, then resynced with a snapshot", async () => {
  const chart = live.chart(pointSpec);
  const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get(`${server.url}events`, resolve).on("error", reject),
  );
  res.pause(); // a page that reads nothing
  const pad = "x".repeat(1000);
  let x = 0;
  for (let round = 0; round < 30; round++) {
    chart.pushMany(
      Array.from({ length: 2000 }, () => ({ x: x++, y: 0, pad })),
      { window: 2000 },
    );
    await new Promise((r) => setTimeout(r, 45));
  }
  // Now it reads: it must end with exactly the chart's points.
  res.setEncoding("utf8");
  let text = "";
  let page: { x: number }[] = [];
  let snapshots = 0;
  let updates = 0;
  const lastX = x - 1;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("the page never caught up")), 20_000);
    res.on("data", (chunk: string) => {
      text += chunk;
      let end;
      while ((end = text.indexOf("\n\n")) >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data === undefined) continue;
        const payload = JSON.parse(data);
        if (event === "snapshot") {
          snapshots++;
          page = payload.charts.find((c: { id: string }) => c.id === chart.id)?.data.values ?? [];
        } else if (event === "update") {
          for (const u of payload) {
            if (u.chart !== chart.id) continue;
            updates++;
            page = [...page.slice(page.length - Math.min(u.keep, page.length)), ...u.insert];
          }
        }
        if (page.at(-1)?.x === lastX) {
          clearTimeout(t);
          resolve();
        }
      }
    });
    res.resume();
  });
  res.destroy();
  assert.ok(snapshots >= 2, `expected a resync snapshot, got ${snapshots} snapshots`);
  assert.ok(updates < 30, `all ${updates} updates were queued for the slow page`);
  assert.deepEqual(
    page.map((p) => p.x),
    chart.values().map((p) => p.x),
  );
});

test("a chart made while a page is open is sent to it whole", async () => {
  const sse = new SseClient(`${server.url}events`);
  try {
    await sse.waitFor((e) => e.event === "snapshot");
    const chart = live.chart({ ...pointSpec, data: { values: [{ x: 0, y: 0 }] } });
    const e = await sse.waitFor((ev) => ev.event === "chart");
    assert.equal(e.data.id, chart.id);
    assert.deepEqual(e.data.data, { values: [{ x: 0, y: 0 }] });
  } finally {
    sse.close();
  }
});

test("serve() with other options while running is refused; the same call returns the server", async () => {
  assert.equal(await live.serve(), server);
  await assert.rejects(
    live.serve({ port: server.port + 1 }),
    /already runs at http:\/\/127\.0\.0\.1:\d+\/ with other options/,
  );
  await assert.rejects(live.serve({ host: "0.0.0.0" }), /already runs/);
});

test("bad serve() options are errors", async () => {
  await live.close();
  try {
    await assert.rejects(
      live.serve({ port: -1 }),
      /port must be an integer from 0 to 65535, got -1/,
    );
    await assert.rejects(live.serve({ host: "" }), /host must be a non-empty string/);
    const blocker = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    const port = (blocker.address() as net.AddressInfo).port;
    await assert.rejects(
      live.serve({ port, quiet: true }),
      new RegExp(`cannot listen on 127.0.0.1:${port}: port ${port} is in use`),
    );
    blocker.close();
  } finally {
    server = await live.serve({ port: 0, quiet: true });
  }
});

test("close() stops the server and ends open streams; serve() starts a new one", async () => {
  const sse = new SseClient(`${server.url}events`);
  await sse.waitFor((e) => e.event === "snapshot");
  const oldPort = server.port;
  await live.close();
  await sse.done; // the stream ended
  assert.equal(await connects("127.0.0.1", oldPort), false);
  server = await live.serve({ port: 0, quiet: true });
  assert.equal((await fetch(server.url)).status, 200);
});

test("another host is bound when asked for", async (t) => {
  const other = otherAddress();
  if (other === undefined) return t.skip("this machine has no non-loopback IPv4 interface");
  await live.close();
  try {
    const s = await live.serve({ host: "0.0.0.0", port: 0, quiet: true });
    assert.equal(s.host, "0.0.0.0");
    assert.equal(await connects(other, s.port), true);
    assert.equal((await fetch(`http://${other}:${s.port}/`)).status, 200);
  } finally {
    await live.close();
    server = await live.serve({ port: 0, quiet: true });
  }
});
