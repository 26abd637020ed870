// The files the dashboard page loads, all read from installed packages (no CDN: works offline).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** A file served to the page. */
export interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

const require = createRequire(import.meta.url);
const staticDir = new URL("../static/", import.meta.url);

/**
 * Where each asset the page may request comes from. A `Map`, not an object literal: the name
 * comes from the request, and `constructor` or `__proto__` must not find anything.
 */
const SOURCES: ReadonlyMap<string, { path: () => string; type: string }> = new Map([
  [
    "vega.min.js",
    { path: () => require.resolve("vega/build/vega.min.js"), type: "text/javascript" },
  ],
  [
    "vega-lite.min.js",
    { path: () => require.resolve("vega-lite/build/vega-lite.min.js"), type: "text/javascript" },
  ],
  [
    "dashboard.js",
    { path: () => fileURLToPath(new URL("dashboard.js", staticDir)), type: "text/javascript" },
  ],
  [
    "dashboard.css",
    { path: () => fileURLToPath(new URL("dashboard.css", staticDir)), type: "text/css" },
  ],
]);

const cache = new Map<string, Asset>();

/** The asset called `name`, or undefined if the page has no such file. Read once, then cached. */
export function asset(name: string): Asset | undefined {
  const source = SOURCES.get(name);
  if (source === undefined) return undefined;
  let a = cache.get(name);
  if (a === undefined) {
    const body = readFileSync(source.path());
    const etag = `"${createHash("sha1").update(body).digest("hex").slice(0, 16)}"`;
    a = { body, type: `${source.type}; charset=utf-8`, etag };
    cache.set(name, a);
  }
  return a;
}

/** The names of every asset (for tests and the page). */
export const ASSET_NAMES: readonly string[] = [...SOURCES.keys()];

/** The dashboard's HTML page; `?chart=<id>` in its URL shows only that chart. */
export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dendrite live</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/vega.min.js"></script>
<script src="/assets/vega-lite.min.js"></script>
</head>
<body>
<header><h1>Dendrite live</h1><span id="status" class="status">connecting…</span></header>
<main id="charts"><p id="empty" class="empty">No live charts yet.</p></main>
<script src="/assets/dashboard.js"></script>
</body>
</html>
`;
}
