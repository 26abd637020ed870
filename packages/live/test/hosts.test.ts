// The Host allow-list (against DNS rebinding): on loopback, on one address, and on 0.0.0.0,
// where it used not to apply at all.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import os from "node:os";
import * as live from "@dendrite/live";
import { HostAllowList, hostName } from "../src/hosts.js";
import { rawHttp } from "./helpers.js";

after(() => live.close());

/** The status of GET /api/charts with this Host header, sent to 127.0.0.1. */
async function statusFor(port: number, host: string): Promise<number | undefined> {
  const request = `GET /api/charts HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
  return (await rawHttp(port, request)).status;
}

test("hostName reads a Host header: lower case, no port, no trailing dot, IPv6 in brackets", () => {
  assert.equal(hostName("LocalHost:7477"), "localhost");
  assert.equal(hostName("localhost."), "localhost");
  assert.equal(hostName("[::1]:80"), "[::1]");
  assert.equal(hostName("::1"), "[::1]");
  assert.equal(hostName("127.0.0.1"), "127.0.0.1");
  for (const bad of [
    "",
    ":80",
    "[::1",
    "[nothost]",
    "a:b:c",
    "host:port",
    "a b",
    "a/b",
    "a@b",
    "é",
  ]) {
    assert.equal(hostName(bad), undefined, JSON.stringify(bad));
  }
});

test("the allow-list: loopback names, the bound host, allowedHosts and their subdomains", () => {
  const loop = new HostAllowList("127.0.0.1");
  for (const ok of ["localhost", "127.0.0.1:1", "[::1]:7477", "LOCALHOST"])
    assert.ok(loop.allows(ok), ok);
  for (const no of [
    undefined,
    "",
    "evil.example",
    "localhost.evil.example",
    "127.0.0.1.nip.io",
    "[::1",
  ]) {
    assert.equal(loop.allows(no), false, String(no));
  }
  const named = new HostAllowList("192.0.2.7", ["box.example", ".lan.example"]);
  for (const ok of ["192.0.2.7:80", "box.example", "lan.example", "a.b.lan.example:1"]) {
    assert.ok(named.allows(ok), ok);
  }
  for (const no of ["xlan.example", "box.example.evil", "evil.example"])
    assert.equal(named.allows(no), false, no);
  // Bound to every interface: this machine's name and addresses, never any other name.
  const any = new HostAllowList("0.0.0.0");
  assert.ok(any.allows(`${os.hostname()}:7477`));
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? [])
      if (a.family === "IPv4") assert.ok(any.allows(a.address), a.address);
  }
  assert.equal(any.allows("evil.example"), false);
  for (const bad of ["http://x", "a b", "", ".", "x:y:z"]) {
    assert.throws(
      () => new HostAllowList("127.0.0.1", [bad]),
      new RegExp(
        `allowedHosts entries must be host names .* got ${JSON.stringify(bad).replace(/[.*]/g, "\\$&")}`,
      ),
    );
  }
});

test("a loopback dashboard refuses a foreign Host with 403 and answers its own names", async () => {
  const s = await live.serve({ port: 0, quiet: true });
  try {
    assert.equal(await statusFor(s.port, "evil.example"), 403);
    assert.equal(await statusFor(s.port, "evil.example:" + s.port), 403);
    assert.equal(await statusFor(s.port, "localhost.evil.example"), 403);
    assert.equal(await statusFor(s.port, `localhost:${s.port}`), 200);
    assert.equal(await statusFor(s.port, `127.0.0.1:${s.port}`), 200);
    assert.equal(await statusFor(s.port, "[::1]"), 200);
  } finally {
    await live.close();
  }
});

test("bound to 0.0.0.0 the Host check still applies; allowedHosts adds names", async () => {
  const s = await live.serve({
    host: "0.0.0.0",
    port: 0,
    quiet: true,
    allowedHosts: ["training-box.example", ".lan.example"],
  });
  try {
    assert.equal(await statusFor(s.port, "evil.example"), 403);
    assert.equal(await statusFor(s.port, `rebind.evil.example:${s.port}`), 403);
    assert.equal(await statusFor(s.port, `127.0.0.1:${s.port}`), 200);
    assert.equal(await statusFor(s.port, `localhost:${s.port}`), 200);
    assert.equal(await statusFor(s.port, `${os.hostname()}:${s.port}`), 200);
    assert.equal(await statusFor(s.port, `training-box.example:${s.port}`), 200);
    assert.equal(await statusFor(s.port, `gpu1.lan.example:${s.port}`), 200);
    // The same holds for the absolute form of a request target.
    const absolute = `GET http://evil.example/api/charts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    assert.equal((await rawHttp(s.port, absolute)).status, 403);
    await assert.rejects(
      live.serve({ host: "0.0.0.0", allowedHosts: ["other.example"] }),
      /allowedHosts/,
    );
  } finally {
    await live.close();
  }
});

/** The status of GET /api/charts sent to `host`:`port` with this Host header. */
function statusVia(host: string, port: number, header: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    http
      .get({ host, port, path: "/api/charts", headers: { Host: header } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
      .on("error", reject);
  });
}

test("a dashboard bound to one name answers that name and the address it listens on", async () => {
  const s = await live.serve({ host: "localhost", port: 0, quiet: true });
  try {
    const address = (s as unknown as { server: http.Server }).server.address() as {
      address: string;
    };
    const literal = address.address.includes(":") ? `[${address.address}]` : address.address;
    assert.equal(await statusVia("localhost", s.port, `localhost:${s.port}`), 200);
    assert.equal(await statusVia("localhost", s.port, `${literal}:${s.port}`), 200);
    assert.equal(await statusVia("localhost", s.port, "evil.example"), 403);
  } finally {
    await live.close();
  }
});

test("bad allowedHosts are errors that name the entry", async () => {
  await assert.rejects(
    live.serve({ port: 0, quiet: true, allowedHosts: ["http://box.example/"] }),
    /allowedHosts entries must be host names such as "myhost.example.org" or ".example.org", got "http:\/\/box.example\/"/,
  );
  await assert.rejects(
    live.serve({ port: 0, quiet: true, allowedHosts: "box.example" as never }),
    /allowedHosts must be an array of host names, got box.example/,
  );
});
