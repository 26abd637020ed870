// A program that uses live charts ends by itself when its work is done, even with a page open;
// it stays up only when asked to (serve({ keepAlive }), untilClosed()).
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { printedUrl, runProgram, SseClient } from "./helpers.js";

const spec = `{
  mark: "line",
  encoding: { x: { field: "epoch", type: "quantitative" }, y: { field: "loss", type: "quantitative" } },
}`;

test("a training-like script exits by itself, with a page connected, after sending its last points", async () => {
  let sse: SseClient | undefined;
  const code = `
import * as live from "@dendrite/live";
const chart = live.chart(${spec});
chart.push({ epoch: 0, loss: 1 });
let epoch = 1;
const timer = setInterval(() => {
  chart.push({ epoch, loss: 1 / (epoch + 1) });
  if (++epoch === 20) {
    clearInterval(timer);
    console.log("trained 20 epochs");
  }
}, 60);
`;
  const run = await runProgram("exit-connected", code, 20_000, (stderr) => {
    const url = printedUrl(stderr);
    if (url !== undefined && sse === undefined) sse = new SseClient(`${url}events`);
  });
  assert.equal(run.timedOut, false, `the program did not end by itself:\n${run.stderr}`);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /trained 20 epochs/);
  assert.match(run.stderr, /Dendrite live dashboard: http:\/\/127\.0\.0\.1:\d+\//);
  assert.ok(sse !== undefined, "no URL printed");
  await sse.done; // the stream ended with the program
  // The page saw every point, the last one included (sent before the program ended).
  const seen = new Set<number>();
  for (const e of sse.events) {
    if (e.event === "snapshot")
      for (const p of e.data.charts[0]?.data.values ?? []) seen.add(p.epoch);
    if (e.event === "update") for (const u of e.data) for (const p of u.insert) seen.add(p.epoch);
  }
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i),
  );
});

test("serve({ keepAlive: true }) keeps the program running until close()", async () => {
  const code = `
import * as live from "@dendrite/live";
const server = await live.serve({ port: 0, keepAlive: true });
live.chart(${spec}).push({ epoch: 0, loss: 1 });
const t0 = performance.now();
// An unref'd timer would not keep the program alive by itself: only the server does.
setTimeout(async () => {
  await server.close();
  console.log("closed after", Math.round(performance.now() - t0), "ms");
}, 700).unref();
`;
  const run = await runProgram("exit-keepalive", code, 20_000);
  assert.equal(run.timedOut, false, run.stderr);
  assert.equal(run.code, 0, run.stderr);
  const ms = Number(/closed after (\d+) ms/.exec(run.stdout)?.[1]);
  assert.ok(ms >= 690, `the program ended before close(): ${run.stdout}`);
});

test("await live.untilClosed() holds the program until the dashboard is closed", async () => {
  const code = `
import * as live from "@dendrite/live";
live.chart(${spec}).push({ epoch: 0, loss: 1 });
const t0 = performance.now();
setTimeout(() => void live.close(), 500).unref();
await live.untilClosed();
console.log("held for", Math.round(performance.now() - t0), "ms");
`;
  const run = await runProgram("exit-until-closed", code, 20_000);
  assert.equal(run.timedOut, false, run.stderr);
  assert.equal(run.code, 0, run.stderr);
  const ms = Number(/held for (\d+) ms/.exec(run.stdout)?.[1]);
  assert.ok(ms >= 490, `untilClosed returned early: ${run.stdout}`);
});

test("when the default port is taken, the dashboard takes a free one and prints it", async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => {
    blocker.once("error", () => resolve()); // already taken by someone else: fine too
    blocker.listen(7477, "127.0.0.1", () => resolve());
  });
  try {
    const code = `
import * as live from "@dendrite/live";
const chart = live.chart(${spec});
await new Promise((r) => setTimeout(r, 100));
console.log(chart.url);
`;
    const run = await runProgram("exit-port-taken", code, 20_000);
    assert.equal(run.code, 0, run.stderr);
    const url = printedUrl(run.stderr);
    assert.ok(url !== undefined, run.stderr);
    assert.notEqual(new URL(url).port, "7477");
    assert.equal(run.stdout.trim(), `${url}?chart=1`);
  } finally {
    blocker.close();
  }
});
