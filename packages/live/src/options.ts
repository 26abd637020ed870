// The options of `live.serve`, their defaults, and the checks that name a bad one.

/** Options of `live.serve`. */
export interface ServeOptions {
  /** TCP port; 0 picks a free one. Default 7477, or a free port if 7477 is taken. */
  readonly port?: number;
  /** Interface to bind. Default "127.0.0.1" (this machine only). */
  readonly host?: string;
  /**
   * More names the dashboard answers to (the Host header of a request), e.g.
   * `["training-box.lan"]`; an entry starting with "." allows every name under it. Always
   * allowed: `localhost`, `127.0.0.1`, `[::1]`, the bound host and the address it listens on;
   * bound to `0.0.0.0` or `::`, also this machine's host name and interface addresses. Other
   * requests are refused with 403 (against DNS rebinding).
   */
  readonly allowedHosts?: readonly string[];
  /** Keep the program running while the server is open (default false: it never holds a program). */
  readonly keepAlive?: boolean;
  /** Milliseconds between batched updates sent to the page (default 40). */
  readonly flushMs?: number;
  /**
   * Most bytes queued for one page (default 4 MiB). A page whose updates would exceed it gets no
   * more updates, then a fresh snapshot once it has read what it holds.
   */
  readonly maxClientBytes?: number;
  /**
   * A page (or a JSON answer) with more than `maxClientBytes` unsent, snapshot included, that reads
   * nothing for this many milliseconds is disconnected (default 10000). A page reconnects by itself.
   */
  readonly clientStallMs?: number;
  /** Do not print the URL (default false). */
  readonly quiet?: boolean;
}

/** The options a running server was started with, defaults filled in. */
export type ServeSettings = Required<Omit<ServeOptions, "quiet">>;

export const DEFAULT_PORT = 7477;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_FLUSH_MS = 40;
export const DEFAULT_MAX_CLIENT_BYTES = 4 << 20;
export const DEFAULT_CLIENT_STALL_MS = 10_000;

/** Throws an error naming the option if one of `opts` is malformed. */
export function checkOptions(opts: ServeOptions): void {
  if (opts === null || typeof opts !== "object") {
    throw new TypeError(`live.serve: options must be an object, got ${String(opts)}`);
  }
  const { port, host, flushMs, allowedHosts, maxClientBytes, clientStallMs } = opts;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new RangeError(`live.serve: port must be an integer from 0 to 65535, got ${port}`);
  }
  if (host !== undefined && (typeof host !== "string" || host === "")) {
    throw new TypeError(`live.serve: host must be a non-empty string, got ${String(host)}`);
  }
  if (flushMs !== undefined && (!(flushMs >= 0) || !Number.isFinite(flushMs))) {
    throw new RangeError(`live.serve: flushMs must be a number ≥ 0, got ${flushMs}`);
  }
  if (allowedHosts !== undefined && !Array.isArray(allowedHosts)) {
    throw new TypeError(
      `live.serve: allowedHosts must be an array of host names, got ${String(allowedHosts)}`,
    );
  }
  if (maxClientBytes !== undefined && !(Number.isInteger(maxClientBytes) && maxClientBytes > 0)) {
    throw new RangeError(
      `live.serve: maxClientBytes must be a positive integer, got ${maxClientBytes}`,
    );
  }
  if (clientStallMs !== undefined && !(clientStallMs > 0 && Number.isFinite(clientStallMs))) {
    throw new RangeError(`live.serve: clientStallMs must be a number > 0, got ${clientStallMs}`);
  }
}

/** The options in `opts` that differ from those a running server was started with. */
export function clashingOptions(opts: ServeOptions, running: ServeSettings): string[] {
  const clash: string[] = [];
  if (opts.port !== undefined && opts.port !== 0 && opts.port !== running.port) clash.push("port");
  for (const key of ["host", "keepAlive", "flushMs", "maxClientBytes", "clientStallMs"] as const) {
    if (opts[key] !== undefined && opts[key] !== running[key]) clash.push(key);
  }
  if (
    opts.allowedHosts !== undefined &&
    JSON.stringify(opts.allowedHosts) !== JSON.stringify(running.allowedHosts)
  ) {
    clash.push("allowedHosts");
  }
  return clash;
}
