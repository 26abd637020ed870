// The dashboard: a node:http server whose page shows every live chart of the process, fed by
// Server-Sent Events. Pushes are batched (one message per `flushMs`), and the server never keeps
// a finished program alive unless asked to (`keepAlive`, `untilClosed`).
import http from "node:http";
import { isIP, type Socket } from "node:net";
import { asset, dashboardHtml } from "./assets.js";
import {
  allCharts,
  snapshotOf,
  subscribe,
  type ChartState,
  type ChartSnapshot,
} from "./registry.js";
import type { Point } from "./history.js";

/** Options of `live.serve`. */
export interface ServeOptions {
  /** TCP port; 0 picks a free one. Default 7477, or a free port if 7477 is taken. */
  readonly port?: number;
  /** Interface to bind. Default "127.0.0.1" (this machine only). */
  readonly host?: string;
  /** Keep the program running while the server is open (default false: it never holds a program). */
  readonly keepAlive?: boolean;
  /** Milliseconds between batched updates sent to the page (default 40). */
  readonly flushMs?: number;
  /** Do not print the URL (default false). */
  readonly quiet?: boolean;
}

/** A running dashboard server. */
export interface LiveServer {
  /** The dashboard's address, e.g. "http://127.0.0.1:7477/". */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops the server and ends every page's connection. */
  close(): Promise<void>;
}

/** One page's batch entry: keep the newest `keep` points of a dataset, then append `insert`. */
export interface ChartUpdate {
  readonly chart: string;
  readonly dataset: string;
  readonly keep: number;
  readonly insert: readonly Point[];
}

export const DEFAULT_PORT = 7477;
export const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_FLUSH_MS = 40;
/** Bytes queued for a page beyond which it gets a snapshot later instead of more updates. */
const MAX_BUFFERED = 4 << 20;
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

interface Client {
  readonly res: http.ServerResponse;
  /** Set while the socket's buffer is full: updates are skipped, a snapshot follows on drain. */
  stale: boolean;
}

/** The dashboard server: HTTP routes, SSE clients and the batching of updates. */
export class Dashboard implements LiveServer {
  readonly host: string;
  readonly keepAlive: boolean;
  readonly flushMs: number;
  /** Resolves once listening; rejects if the port cannot be bound. */
  readonly ready: Promise<Dashboard>;
  private readonly requestedPort: number;
  private boundPort: number | undefined;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<Client>();
  private readonly dirty = new Set<ChartState>();
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = -Infinity;
  private unsubscribe: (() => void) | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;
  private holders = 0;
  private readonly onBeforeExit = () => this.flush();

  constructor(opts: ServeOptions = {}) {
    this.host = opts.host ?? DEFAULT_HOST;
    this.keepAlive = opts.keepAlive ?? false;
    this.flushMs = opts.flushMs ?? DEFAULT_FLUSH_MS;
    checkOptions(opts);
    const fallback = opts.port === undefined;
    this.requestedPort = opts.port ?? DEFAULT_PORT;
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      if (!this.keepAlive) socket.unref();
    });
    this.ready = new Promise<Dashboard>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        if (fallback && err.code === "EADDRINUSE" && this.server.listening === false) {
          this.server.listen(0, this.host); // the default port is taken: any free port will do
          return;
        }
        this.server.off("error", onError);
        void this.close();
        reject(listenError(err, this.host, this.requestedPort));
      };
      this.server.on("error", onError);
      this.server.once("listening", () => {
        this.server.off("error", onError);
        const address = this.server.address();
        this.boundPort = typeof address === "object" && address ? address.port : this.requestedPort;
        if (!opts.quiet) {
          const where = isWildcard(this.host) ? ` (listening on ${this.host})` : "";
          process.stderr.write(`Dendrite live dashboard: ${this.url}${where}\n`);
        }
        resolve(this);
      });
    });
    this.ready.catch(() => undefined); // reported by serve(); never an unhandled rejection here
    this.server.listen(this.requestedPort, this.host);
    if (!this.keepAlive) this.server.unref();
    this.unsubscribe = subscribe({
      added: (chart) => this.added(chart),
      changed: (chart) => this.changed(chart),
    });
    // Charts made before this server (or while another one ran) are brought up to date by the
    // first flush.
    for (const chart of allCharts()) this.dirty.add(chart);
    process.on("beforeExit", this.onBeforeExit);
  }

  /** The bound port (the requested one until the server is listening). */
  get port(): number {
    return this.boundPort ?? this.requestedPort;
  }

  get url(): string {
    const h = isWildcard(this.host) ? "127.0.0.1" : this.host;
    return `http://${isIP(h) === 6 ? `[${h}]` : h}:${this.port}/`;
  }

  /** Whether `close()` was called (or listening failed). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** The number of pages connected. */
  get pageCount(): number {
    return this.clients.size;
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.flush();
    clearTimeout(this.timer);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    process.off("beforeExit", this.onBeforeExit);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
    this.closing = new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      for (const s of this.sockets) s.destroy();
    }).then(() => this.resolveClosed());
    return this.closing;
  }

  /** Keeps the program alive until the server is closed. */
  async untilClosed(): Promise<void> {
    if (this.closed) return this.closedPromise;
    if (this.holders++ === 0) this.server.ref();
    try {
      await this.closedPromise;
    } finally {
      if (--this.holders === 0 && !this.keepAlive) this.server.unref();
    }
  }

  /** Sends every pending change to the connected pages now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty.size === 0) return;
    this.lastFlush = performance.now();
    const updates: ChartUpdate[] = [];
    for (const chart of this.dirty) {
      for (const [dataset, history] of chart.datasets) {
        if (!history.changed) continue;
        const { keep, insert } = history.takeDelta();
        updates.push({ chart: chart.id, dataset, keep, insert });
      }
    }
    this.dirty.clear();
    if (updates.length > 0) this.broadcast("update", updates);
  }

  private added(chart: ChartState): void {
    // The page gets the chart whole; what it holds now counts as told.
    for (const history of chart.datasets.values()) history.takeDelta();
    this.broadcast("chart", snapshotOf(chart));
  }

  private changed(chart: ChartState): void {
    this.dirty.add(chart);
    if (this.timer === undefined && this.clients.size > 0 && !this.closed) {
      // At most one update per flushMs; after a quiet spell the next one goes out at once
      // (after the current tick, so that a burst of pushes still travels together).
      const wait = Math.max(0, this.lastFlush + this.flushMs - performance.now());
      this.timer = setTimeout(() => this.flush(), wait);
      this.timer.unref();
    }
  }

  private broadcast(event: string, payload: unknown): void {
    if (this.clients.size === 0) return;
    const message = sse(event, payload);
    for (const client of this.clients) this.write(client, message);
  }

  private write(client: Client, message: string): void {
    if (client.stale) return;
    if (client.res.writableLength > MAX_BUFFERED) {
      // The page cannot keep up: stop sending it updates, and send it the whole state once its
      // connection drains.
      client.stale = true;
      client.res.once("drain", () => {
        if (!this.clients.has(client)) return;
        client.stale = false;
        this.flush();
        this.sendSnapshot(client);
      });
      return;
    }
    client.res.write(message);
  }

  private sendSnapshot(client: Client): void {
    const charts: ChartSnapshot[] = allCharts().map(snapshotOf);
    this.write(client, sse("snapshot", { charts }));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!this.hostAllowed(req.headers.host)) {
      return text(res, 403, `forbidden: unexpected Host header ${req.headers.host ?? "(none)"}`);
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return text(res, 405, `method ${req.method} not allowed`);
    }
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/" || path === "/index.html") {
      res.writeHead(200, {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        // Everything comes from this server: no CDN, works offline. Vega compiles its
        // expressions with Function, hence 'unsafe-eval'.
        "Content-Security-Policy":
          "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
          "img-src 'self' data: blob:; connect-src 'self'",
      });
      return void res.end(req.method === "HEAD" ? undefined : dashboardHtml());
    }
    if (path.startsWith("/assets/")) {
      const a = asset(path.slice("/assets/".length));
      if (a === undefined) return text(res, 404, `no such asset ${path}`);
      if (req.headers["if-none-match"] === a.etag) {
        res.writeHead(304, { ETag: a.etag });
        return void res.end();
      }
      res.writeHead(200, {
        "Content-Type": a.type,
        "Content-Length": a.body.length,
        "Cache-Control": "no-cache",
        ETag: a.etag,
      });
      return void res.end(req.method === "HEAD" ? undefined : a.body);
    }
    if (path === "/events") return this.openStream(req, res);
    if (path === "/api/charts") {
      res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" });
      return void res.end(JSON.stringify({ charts: allCharts().map(snapshotOf) }));
    }
    text(res, 404, `not found: ${path}`);
  }

  private openStream(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    req.socket.setNoDelay(true);
    const client: Client = { res, stale: false };
    res.write("retry: 1000\n\n");
    // Pending changes go to the pages already open; this one gets the whole state.
    this.flush();
    this.clients.add(client);
    this.sendSnapshot(client);
    req.on("close", () => this.clients.delete(client));
  }

  private hostAllowed(header: string | undefined): boolean {
    if (!isLoopback(this.host)) return true;
    if (header === undefined) return false;
    // Against DNS rebinding: a loopback server answers only to loopback names.
    const name = header.startsWith("[")
      ? header.slice(0, header.indexOf("]") + 1)
      : header.split(":")[0]!;
    return LOOPBACK_NAMES.has(name.toLowerCase()) || name === this.host;
  }
}

function sse(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

function text(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
  res.end(body + "\n");
}

function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::";
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

function checkOptions(opts: ServeOptions): void {
  const { port, host, flushMs } = opts;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new RangeError(`live.serve: port must be an integer from 0 to 65535, got ${port}`);
  }
  if (host !== undefined && (typeof host !== "string" || host === "")) {
    throw new TypeError(`live.serve: host must be a non-empty string, got ${String(host)}`);
  }
  if (flushMs !== undefined && (!(flushMs >= 0) || !Number.isFinite(flushMs))) {
    throw new RangeError(`live.serve: flushMs must be a number ≥ 0, got ${flushMs}`);
  }
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const hint =
    err.code === "EADDRINUSE"
      ? `port ${port} is in use; pass another port, or port: 0 for any free one`
      : err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND"
        ? `this machine has no interface ${host}`
        : err.message;
  return new Error(`live.serve: cannot listen on ${host}:${port}: ${hint}`, { cause: err });
}

let current: Dashboard | undefined;

/** The running dashboard, if any. */
export function currentDashboard(): Dashboard | undefined {
  return current !== undefined && !current.isClosed ? current : undefined;
}

/** The running dashboard, starting one with the default options if none is running. */
export function ensureDashboard(): Dashboard {
  const running = currentDashboard();
  if (running !== undefined) return running;
  current = new Dashboard();
  current.ready.catch((err: unknown) => {
    process.stderr.write(`Dendrite live: no dashboard: ${(err as Error).message}\n`);
  });
  return current;
}

/**
 * Starts the dashboard (or returns the running one) and resolves once it listens.
 * `live.chart` starts it on first use; call `serve` first to choose the port or host.
 */
export async function serve(opts: ServeOptions = {}): Promise<LiveServer> {
  const running = currentDashboard();
  if (running !== undefined) {
    const clash =
      (opts.port !== undefined && opts.port !== 0 && opts.port !== running.port) ||
      (opts.host !== undefined && opts.host !== running.host) ||
      (opts.keepAlive !== undefined && opts.keepAlive !== running.keepAlive) ||
      (opts.flushMs !== undefined && opts.flushMs !== running.flushMs);
    if (clash) {
      throw new Error(
        `live.serve: the dashboard already runs at ${running.url} with other options; ` +
          `call live.close() first, or call live.serve() before the first live.chart()`,
      );
    }
    return running.ready;
  }
  current = new Dashboard(opts);
  return current.ready;
}

/** Stops the dashboard, if one runs. Live charts keep their points; `serve` starts it again. */
export async function close(): Promise<void> {
  await current?.close();
}

/**
 * Keeps the program running until the dashboard is closed (by `live.close()`, or Ctrl-C): the
 * opt-in for a program that should leave its charts on screen after its work is done.
 */
export async function untilClosed(): Promise<void> {
  await currentDashboard()?.untilClosed();
}
