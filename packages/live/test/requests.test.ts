// No request can throw out of the dashboard's handler: odd targets, malformed HTTP and a bounded,
// seeded fuzz over raw TCP get 4xx answers, never a 500 or a crash, and write nothing to
// Object.prototype. The server still answers afterwards.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as live from "@dendrite/live";
import type { Dashboard } from "../src/server.js";
import { rawHttp, seededRandom, SseClient } from "./helpers.js";

let server: Dashboard;
let chartId: string;
const protoKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();
const protoBefore = protoKeys();

before(async () => {
  server = (await live.serve({ port: 0, quiet: true })) as Dashboard;
  const chart = live.chart({
    mark: "point",
    encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
  });
  chart.pushMany([
    { x: 1, y: 2 },
    { x: 2, y: 3 },
  ]);
  chartId = chart.id;
});
after(() => live.close());

const get = (target: string, host = "127.0.0.1") =>
  `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

/** Asserts the server is healthy: /api/charts answers 200 and a page gets its snapshot. */
async function assertHealthy(): Promise<void> {
  const res = await fetch(`${server.url}api/charts`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { charts: { id: string }[] };
  assert.ok(body.charts.some((c) => c.id === chartId));
  const sse = new SseClient(`${server.url}events`);
  try {
    await sse.waitFor((e) => e.event === "snapshot");
  } finally {
    sse.close();
  }
  assert.equal(server.internalErrors, 0, "a request failed with an unexpected exception");
  assert.deepEqual(protoKeys(), protoBefore, "Object.prototype gained keys");
}

test("odd targets get 4xx answers, never a crash or a 500", async () => {
  const P = server.port;
  const cases: [string, number][] = [
    ["/assets/constructor", 404],
    ["/assets/__proto__", 404],
    ["/assets/toString", 404],
    ["/assets/hasOwnProperty", 404],
    ["/assets/valueOf", 404],
    ["/assets/__defineGetter__", 404],
    ["/assets/", 404],
    ["/assets/..%2Fpackage.json", 404],
    ["/api/charts/__proto__", 404],
    ["/api/charts/constructor", 404],
    ["/api/charts/toString", 404],
    ["/api/charts/", 404],
    ["/api/charts/%31", 200], // "1" percent-encoded is chart 1's id, if it exists: 200 or 404
    ["/__proto__", 404],
    ["/constructor/prototype", 404],
    ["//[", 400],
    ["//", 400],
    ["//evil.example/api/charts", 400],
    ["/%E0%A4%A", 400],
    ["/%E0%A4", 400],
    ["/%C0%AF", 400],
    ["/%ZZ", 400],
    ["/%", 400],
    ["/?a=%", 400],
    ["/a#b", 400],
    ["/a{b}", 400],
    ["/api/charts?__proto__[polluted]=1&constructor.prototype.polluted=1", 200],
    [`http://127.0.0.1:${P}/api/charts`, 200],
    [`HTTP://LOCALHOST:${P}/`, 200],
    ["http://evil.example/api/charts", 403],
    ["http://[/", 400],
    ["http://", 400],
    ["https://127.0.0.1:1/%E0", 400],
    ["ftp://127.0.0.1/", 400],
    ["*", 400],
    ["api/charts", 400],
    ["/" + "a".repeat(9000), 414],
    ["/api/charts?" + "x=1&".repeat(2500), 414],
  ];
  for (const [target, want] of cases) {
    const { status } = await rawHttp(P, get(target));
    if (target === "/api/charts/%31" && chartId !== "1") continue;
    assert.equal(status, want, `GET ${target.slice(0, 60)}`);
  }
  // Request lines Node's parser refuses reach the 'clientError' handler: 400 (431), then closed.
  const malformed: [string | Buffer, number | undefined][] = [
    ["GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\n\r\n", 400], // HTTP/1.1 without Host
    ["GET /\0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400],
    ["GET /a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400],
    [Buffer.from("GET /\u00fc HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "latin1"), 400],
    ["GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 400],
    ["\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400], // a TLS hello
    ["GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: " + "y".repeat(20000) + "\r\n\r\n", 431],
    ["GET /" + "a".repeat(20000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 431],
    ["GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nHost: 127.0.0", 400], // cut short: the peer's end of input
    ["CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n", 405],
    ["OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400],
    ["DELETE /api/charts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 405],
    ["GET /api/charts HTTP/1.0\r\n\r\n", 403], // no Host at all
  ];
  for (const [request, want] of malformed) {
    const { status } = await rawHttp(P, request);
    assert.equal(status, want, `request ${JSON.stringify(String(request).slice(0, 60))}`);
  }
  await assertHealthy();
});

/** Pieces the fuzz splices into requests. */
const TOKENS = [
  "/assets/constructor",
  "/assets/__proto__",
  "/api/charts/__proto__",
  "/api/charts/toString",
  "__proto__",
  "constructor",
  "prototype",
  "//[",
  "%",
  "%E0%A4%A",
  "%00",
  "%2F",
  "..",
  "?",
  "#",
  "&",
  "=",
  "[",
  "]",
  ":",
  " ",
  "\t",
  "\r\n",
  "\n",
  "\r",
  "\0",
  "\u00ff",
  "http://127.0.0.1/",
  "http://evil.example/",
  "http://[",
  "*",
  "Host: evil.example\r\n",
  "Host: [::1\r\n",
  "Host: localhost:99999\r\n",
  "Transfer-Encoding: chunked\r\n",
  "Content-Length: 5\r\n",
  "Content-Length: -1\r\n",
  "Expect: 100-continue\r\n",
  "Upgrade: websocket\r\nConnection: Upgrade\r\n",
  "If-None-Match: *\r\n",
  "HTTP/1.0",
  "HTTP/2.0",
  "POST",
  "HEAD",
  "OPTIONS",
  "CONNECT",
];

const BASES = [
  "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
  "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n",
  "HEAD /assets/dashboard.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
  'GET /assets/dashboard.js HTTP/1.1\r\nHost: [::1]\r\nIf-None-Match: "x"\r\n\r\n',
  "GET /api/charts HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n",
  "GET /api/charts/1?chart=1 HTTP/1.1\r\nHost: localhost:7477\r\n\r\n",
  "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n",
  "GET /?chart=1 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
];

/** Names an object literal would find through its prototype. */
const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype);
const PREFIXES = [
  "/",
  "/assets/",
  "/api/charts/",
  "/events/",
  "/api/",
  "//",
  "http://127.0.0.1/assets/",
  "",
];
const SUFFIXES = [
  "",
  "/",
  "?",
  "?__proto__=1",
  "?constructor[prototype][x]=1",
  "?chart=__proto__",
  "%",
  "%E0%A4%A",
  "/..",
  "#x",
];
const METHODS = ["GET", "GET", "GET", "HEAD", "POST", "OPTIONS", "PUT", "get", "PRI", "TRACE"];
const VERSIONS = ["HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/1.2", "HTTP/0.9", "HTTP/2", ""];
const HOSTS = [
  "127.0.0.1",
  "localhost",
  "[::1]",
  "LOCALHOST:1",
  "127.0.0.1.",
  "evil.example",
  "[::1",
  "",
  "localhost:x",
];

/** One request built from the dashboard's routes and names that trip prototype lookups. */
function generate(random: () => number): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  // Mostly well-formed, so that most requests reach the routing rather than the parser.
  const usually = <T>(value: T, others: readonly T[]): T => (random() < 0.8 ? value : pick(others));
  const name = random() < 0.7 ? pick(PROTO_NAMES) : pick(TOKENS);
  const target = pick(PREFIXES) + name + usually("", SUFFIXES);
  const headers = [`Host: ${usually("127.0.0.1", HOSTS)}`];
  if (random() < 0.3) headers.push(pick(TOKENS).trim());
  return Buffer.from(
    `${usually("GET", METHODS)} ${target} ${usually("HTTP/1.1", VERSIONS)}\r\n${headers.join("\r\n")}\r\n\r\n`,
    "latin1",
  );
}

/** One fuzzed request: generated, or a base request with 1 to 4 seeded byte-level mutations. */
function mutate(random: () => number): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  if (random() < 0.5) return generate(random);
  let bytes = Buffer.from(pick(BASES), "latin1");
  const n = 1 + Math.floor(random() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(random() * (bytes.length + 1));
    const span = Math.floor(random() * 12);
    switch (Math.floor(random() * 7)) {
      case 0: // flip a byte
        if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = Math.floor(random() * 256);
        break;
      case 1: // splice in a token
      case 2:
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from(pick(TOKENS), "latin1"),
          bytes.subarray(at),
        ]);
        break;
      case 3: // replace a span with a token
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from(pick(TOKENS), "latin1"),
          bytes.subarray(at + span),
        ]);
        break;
      case 4: // delete a span
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + span)]);
        break;
      case 5: {
        // repeat a span many times (long lines, many headers)
        const unit = bytes.subarray(at, at + span + 1);
        if (unit.length === 0) break;
        const copies = Buffer.alloc(unit.length * Math.floor(1 + random() * 2000), unit);
        bytes = Buffer.concat([bytes.subarray(0, at), copies, bytes.subarray(at)]);
        break;
      }
      default: // random bytes
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from(Array.from({ length: span + 1 }, () => Math.floor(random() * 256))),
          bytes.subarray(at),
        ]);
    }
  }
  return bytes;
}

test("a seeded HTTP fuzz (at most 3,000 requests or 20 s) finds no crash, no 500, no prototype write", async (t) => {
  const random = seededRandom(0x5eed1e55);
  const requests = Array.from({ length: 3000 }, () => mutate(random));
  const statuses = new Map<string, number>();
  const deadline = performance.now() + 20_000;
  let sent = 0;
  const worker = async () => {
    while (sent < requests.length && performance.now() < deadline) {
      const request = requests[sent++]!;
      // Event streams stay open: the status line is all the fuzz needs.
      const { status, head } = await rawHttp(server.port, request, 2000, true);
      const key = String(status ?? "none");
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      assert.notEqual(
        status,
        500,
        `500 for ${JSON.stringify(request.toString("latin1").slice(0, 120))}: ${head}`,
      );
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const summary = [...statuses]
    .sort()
    .map(([s, n]) => `${s}: ${n}`)
    .join(", ");
  t.diagnostic(`${sent} fuzzed requests; statuses ${summary}`);
  assert.ok(sent >= 500, `only ${sent} requests in 20 s (${summary})`);
  assert.ok((statuses.get("200") ?? 0) > 0 && (statuses.get("400") ?? 0) > 0, summary);
  await assertHealthy();
});
