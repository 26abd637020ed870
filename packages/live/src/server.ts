// The dashboard: a node:http server whose page shows every live chart of the process, fed by
// Server-Sent Events. Pushes are batched (one message per `flushMs`), and the server never keeps
// a finished program alive unless asked to (`keepAlive`, `untilClosed`). No request can throw out
// of the handler: a malformed one is answered 400, an unexpected failure 500.
import http from "node:http";
import { isIP, type Socket } from "node:net";
import { asset, dashboardHtml } from "./assets.js";
import { HostAllowList, isWildcard } from "./hosts.js";
import {
  checkOptions,
  clashingOptions,
  DEFAULT_CLIENT_STALL_MS,
  DEFAULT_FLUSH_MS,
  DEFAULT_HOST,
  DEFAULT_MAX_CLIENT_BYTES,
  DEFAULT_PORT,
  type ServeOptions,
  type ServeSettings,
} from "./options.js";
import { Outbox } from "./outbox.js";
import { allCharts, chartById, subscribe, type ChartState } from "./registry.js";
import { answerClientError, quote, refuseConnect, text } from "./respond.js";
import { byteLength, chartPieces, chartsPieces, ssePieces, type Pieces } from "./snapshot.js";
import { isBadTarget, parseTarget } from "./target.js";
import type { Point } from "./history.js";

export { DEFAULT_HOST, DEFAULT_PORT, type ServeOptions } from "./options.js";

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

/** Internal errors printed on stderr before the rest are only counted. */
const MAX_REPORTED_ERRORS = 10;
const RETRY = Buffer.from("retry: 1000\n\n");
const CSP =
  "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; connect-src 'self'";

interface Client {
  readonly out: Outbox;
  /** Set once its updates overflowed `maxClientBytes`: it gets a snapshot once it has drained. */
  stale: boolean;
  resyncQueued: boolean;
}

/** The dashboard server: HTTP routes, SSE clients and the batching of updates. */
export class Dashboard implements LiveServer {
  readonly host: string;
  readonly keepAlive: boolean;
  readonly flushMs: number;
  readonly maxClientBytes: number;
  readonly clientStallMs: number;
  readonly allowedHosts: readonly string[];
  /** Resolves once listening; rejects if the port cannot be bound. */
  readonly ready: Promise<Dashboard>;
  /** Requests that failed with an unexpected exception (answered 500): a bug if ever nonzero. */
  internalErrors = 0;
  /** Connections closed because they stayed above `maxClientBytes` without reading. */
  stalledClosed = 0;
  private readonly requestedPort: number;
  private boundPort: number | undefined;
  private readonly server: http.Server;
  private readonly hosts: HostAllowList;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<Client>();
  /** Every streaming response (pages and large JSON answers), watched for stalls. */
  private readonly outboxes = new Set<Outbox>();
  private readonly dirty = new Set<ChartState>();
  private timer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private lastFlush = -Infinity;
  private unsubscribe: (() => void) | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;
  private holders = 0;
  private readonly onBeforeExit = () => this.flush();

  constructor(opts: ServeOptions = {}) {
    checkOptions(opts);
    this.host = opts.host ?? DEFAULT_HOST;
    this.keepAlive = opts.keepAlive ?? false;
    this.flushMs = opts.flushMs ?? DEFAULT_FLUSH_MS;
    this.maxClientBytes = opts.maxClientBytes ?? DEFAULT_MAX_CLIENT_BYTES;
    this.clientStallMs = opts.clientStallMs ?? DEFAULT_CLIENT_STALL_MS;
    this.allowedHosts = [...(opts.allowedHosts ?? [])];
    this.hosts = new HostAllowList(this.host, this.allowedHosts);
    const fallback = opts.port === undefined;
    this.requestedPort = opts.port ?? DEFAULT_PORT;
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    this.server.on("clientError", answerClientError);
    this.server.on("connect", refuseConnect);
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
        // Errors once listening (e.g. EMFILE on accept) are reported, never thrown.
        this.server.on("error", (err) => this.report("the server", err));
        const address = this.server.address();
        this.boundPort = typeof address === "object" && address ? address.port : this.requestedPort;
        if (typeof address === "object" && address && !isWildcard(this.host)) {
          this.hosts.addAddress(address.address);
        }
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

  /** The page's address (127.0.0.1 when bound to every interface). */
  get url(): string {
    const h = isWildcard(this.host) ? "127.0.0.1" : this.host;
    return `http://${isIP(h) === 6 ? `[${h}]` : h}:${this.port}/`;
  }

  /** The options this server runs with, defaults filled in. */
  get settings(): ServeSettings {
    return {
      port: this.port,
      host: this.host,
      allowedHosts: this.allowedHosts,
      keepAlive: this.keepAlive,
      flushMs: this.flushMs,
      maxClientBytes: this.maxClientBytes,
      clientStallMs: this.clientStallMs,
    };
  }

  /** Whether `close()` was called (or listening failed). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** The number of pages connected. */
  get pageCount(): number {
    return this.clients.size;
  }

  /** Stops the server and ends every page's connection. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.flush();
    clearTimeout(this.timer);
    clearInterval(this.stallTimer);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    process.off("beforeExit", this.onBeforeExit);
    for (const c of this.clients) c.out.end();
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
    if (updates.length > 0 && this.clients.size > 0) {
      this.broadcast(ssePieces("update", [Buffer.from(JSON.stringify(updates))]));
    }
  }

  private added(chart: ChartState): void {
    // The page gets the chart whole; what it holds now counts as told.
    for (const history of chart.datasets.values()) history.takeDelta();
    if (this.clients.size > 0) this.broadcast(ssePieces("chart", chartPieces(chart)));
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

  /** Queues one message for every page, except those that cannot take it (they resync later). */
  private broadcast(message: Pieces): void {
    const bytes = byteLength(message);
    for (const client of this.clients) {
      if (client.stale) continue;
      if (client.out.updateBacklog + bytes > this.maxClientBytes) {
        // The page cannot keep up: drop what it has not started reading, send it nothing more,
        // and send it the whole state once its connection drains.
        client.stale = true;
        client.out.dropUpdates();
        if (client.out.idle) this.queueResync(client);
        continue;
      }
      client.out.send(message, true);
    }
  }

  private queueResync(client: Client): void {
    if (client.resyncQueued) return;
    client.resyncQueued = true;
    setImmediate(() => {
      client.resyncQueued = false;
      if (!this.clients.has(client) || !client.stale || !client.out.idle) return;
      this.flush(); // while still stale: those changes are in the snapshot
      client.stale = false;
      this.sendSnapshot(client);
    });
  }

  private sendSnapshot(client: Client): void {
    client.out.send(ssePieces("snapshot", chartsPieces(allCharts())), false);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    try {
      this.route(req, res);
    } catch (err) {
      this.failed(req, res, err);
    }
  }

  /** Answers a request whose handling threw: 500 if nothing was sent yet, else a cut connection. */
  private failed(req: http.IncomingMessage, res: http.ServerResponse, err: unknown): void {
    this.report(`${req.method} ${quote(req.url)}`, err);
    try {
      if (res.headersSent) res.destroy();
      else
        text(res, 500, "internal error of the Dendrite live dashboard; see the program's stderr");
    } catch {
      res.destroy();
    }
  }

  private report(what: string, err: unknown): void {
    if (++this.internalErrors > MAX_REPORTED_ERRORS) return;
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    const more = this.internalErrors === MAX_REPORTED_ERRORS ? " (further errors not printed)" : "";
    process.stderr.write(`Dendrite live: internal error in ${what}${more}: ${detail}\n`);
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const target = parseTarget(req.url);
    if (isBadTarget(target)) {
      return text(res, target.status, `bad request target ${quote(req.url)}: ${target.reason}`);
    }
    const host = req.headers.host;
    if (
      !this.hosts.allows(host) ||
      (target.authority !== undefined && !this.hosts.allows(target.authority))
    ) {
      return text(
        res,
        403,
        `forbidden: this dashboard does not answer to the Host ${quote(target.authority ?? host)}; ` +
          `live.serve({ allowedHosts }) lists more names`,
      );
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return text(res, 405, `method ${quote(req.method)} not allowed`);
    }
    const head = req.method === "HEAD";
    const path = target.path;
    if (path === "/" || path === "/index.html") {
      res.writeHead(200, {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        // Everything comes from this server: no CDN, works offline. Vega compiles its
        // expressions with Function, hence 'unsafe-eval'.
        "Content-Security-Policy": CSP,
      });
      return void res.end(head ? undefined : dashboardHtml());
    }
    if (path.startsWith("/assets/")) return this.sendAsset(req, res, path);
    if (path === "/events") return this.openStream(req, res);
    if (path === "/api/charts") return this.sendJson(res, head, chartsPieces(allCharts()));
    if (path.startsWith("/api/charts/")) {
      const id = decodeURIComponent(path.slice("/api/charts/".length)); // parseTarget checked it
      const chart = chartById(id);
      if (chart === undefined) return text(res, 404, `no chart with id ${quote(id)}`);
      return this.sendJson(res, head, chartPieces(chart));
    }
    text(res, 404, `not found: ${quote(path)}`);
  }

  private sendAsset(req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
    const a = asset(path.slice("/assets/".length));
    if (a === undefined) return text(res, 404, `no such asset ${quote(path)}`);
    if (req.headers["if-none-match"] === a.etag) {
      res.writeHead(304, { ETag: a.etag });
      return void res.end();
    }
    res.writeHead(200, {
      "Content-Type": a.type,
      "Content-Length": a.body.length,
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
      ETag: a.etag,
    });
    res.end(req.method === "HEAD" ? undefined : a.body);
  }

  /** A JSON answer written from shared pieces as the connection drains. */
  private sendJson(res: http.ServerResponse, head: boolean, pieces: Pieces): void {
    res.writeHead(200, {
      "Content-Type": "application/json",
      "Content-Length": byteLength(pieces),
      "Cache-Control": "no-store",
    });
    if (head) return void res.end();
    const out = this.watch(new Outbox(res, (err) => this.report("a JSON answer", err)));
    out.send(pieces, false);
    out.end();
  }

  private openStream(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    if (req.method === "HEAD" || this.closed) return void res.end();
    req.socket.setNoDelay(true);
    const out = this.watch(new Outbox(res, (err) => this.report("an event stream", err)));
    const client: Client = { out, stale: false, resyncQueued: false };
    out.onIdle = () => {
      if (client.stale) this.queueResync(client);
    };
    out.send([RETRY], false);
    // Pending changes go to the pages already open; this one gets the whole state.
    this.flush();
    this.clients.add(client);
    this.sendSnapshot(client);
    res.on("close", () => this.clients.delete(client));
  }

  /** Watches a streaming response: one that stays above `maxClientBytes` unread is closed. */
  private watch(out: Outbox): Outbox {
    this.outboxes.add(out);
    out.res.on("close", () => {
      this.outboxes.delete(out);
      if (this.outboxes.size === 0) {
        clearInterval(this.stallTimer);
        this.stallTimer = undefined;
      }
    });
    if (this.stallTimer === undefined) {
      const every = Math.max(20, Math.min(1000, this.clientStallMs / 4));
      this.stallTimer = setInterval(() => this.closeStalled(), every);
      this.stallTimer.unref();
    }
    return out;
  }

  private closeStalled(): void {
    const now = performance.now();
    for (const out of this.outboxes) {
      if (out.backlog > this.maxClientBytes && out.stalledMs(now) > this.clientStallMs) {
        this.stalledClosed++;
        out.abort();
      }
    }
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
 * `live.chart` starts it on first use; call `serve` first to choose the port, host, allowed
 * Host names or per-page limits.
 */
export async function serve(opts: ServeOptions = {}): Promise<LiveServer> {
  const running = currentDashboard();
  if (running !== undefined) {
    checkOptions(opts);
    const clash = clashingOptions(opts, running.settings);
    if (clash.length > 0) {
      throw new Error(
        `live.serve: the dashboard already runs at ${running.url} with other options ` +
          `(${clash.join(", ")}); call live.close() first, or call live.serve() before the ` +
          `first live.chart()`,
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
