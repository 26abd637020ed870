// Which Host headers the dashboard answers: the defence against DNS rebinding, where a web page
// on another site makes the browser send requests to a name that resolves to this machine.
import { isIP } from "node:net";
import os from "node:os";

/** Names every dashboard answers to. */
const LOOPBACK_NAMES: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];
/** How often a wildcard server re-reads the machine's addresses (they can change). */
const REFRESH_MS = 5000;

/** Whether `host` is the address of every interface ("0.0.0.0" or "::"). */
export function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "[::]";
}

/**
 * The host name of a Host header (or of an allowed-hosts entry) as compared: lower case, port and
 * one trailing dot removed, an IPv6 address in brackets. Undefined if it is malformed.
 */
export function hostName(header: string): string | undefined {
  let name: string;
  let rest: string;
  if (header.startsWith("[")) {
    const end = header.indexOf("]");
    if (end < 0) return undefined;
    name = header.slice(0, end + 1);
    rest = header.slice(end + 1);
    if (isIP(name.slice(1, -1)) !== 6) return undefined;
  } else if (isIP(header) === 6) {
    name = `[${header}]`; // a bare IPv6 address (an allowed-hosts entry, or a bound host)
    rest = "";
  } else {
    const colon = header.indexOf(":");
    name = colon < 0 ? header : header.slice(0, colon);
    rest = colon < 0 ? "" : header.slice(colon);
  }
  if (rest !== "" && !/^:\d{1,5}$/.test(rest)) return undefined;
  if (name.endsWith(".")) name = name.slice(0, -1);
  if (!/^(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])$/.test(name)) return undefined;
  return name.toLowerCase();
}

/**
 * The Host names a dashboard answers to.
 *
 * - Always `localhost`, `127.0.0.1` and `[::1]`, and every name in `allowedHosts` (an entry that
 *   starts with "." also allows every name under it: ".example.org" allows "example.org" and
 *   "live.example.org").
 * - Bound to one address (the default `127.0.0.1`, or e.g. `192.168.1.5` or `myhost`): that host
 *   and the address the server actually listens on.
 * - Bound to every interface (`0.0.0.0` or `::`): this machine's host name (`os.hostname()`) and
 *   the addresses of its interfaces. Any other name (a DNS name pointing at this machine, the
 *   address a container's port is published on) must be listed in `allowedHosts`.
 */
export class HostAllowList {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly machine = new Set<string>();
  private refreshedAt = -Infinity;

  /** Throws a TypeError naming the entry if an `allowedHosts` entry is not a host name. */
  constructor(
    private readonly boundHost: string,
    allowedHosts: readonly string[] = [],
  ) {
    for (const n of LOOPBACK_NAMES) this.exact.add(n);
    if (!isWildcard(boundHost)) this.addAddress(boundHost);
    for (const entry of allowedHosts) {
      const dot = typeof entry === "string" && entry.startsWith(".");
      const name = typeof entry === "string" ? hostName(dot ? entry.slice(1) : entry) : undefined;
      if (name === undefined || name === "") {
        throw new TypeError(
          `live.serve: allowedHosts entries must be host names such as "myhost.example.org" ` +
            `or ".example.org", got ${JSON.stringify(entry)}`,
        );
      }
      if (dot) this.suffixes.push(name);
      else this.exact.add(name);
    }
  }

  /** Adds the address the server listens on (once it listens). */
  addAddress(address: string): void {
    const name = hostName(address);
    if (name !== undefined) this.exact.add(name);
  }

  /** Whether a request with this Host header may be answered. */
  allows(header: string | undefined): boolean {
    if (header === undefined) return false;
    const name = hostName(header);
    if (name === undefined) return false;
    if (this.exact.has(name)) return true;
    for (const s of this.suffixes) if (name === s || name.endsWith(`.${s}`)) return true;
    if (!isWildcard(this.boundHost)) return false;
    if (this.machine.has(name)) return true;
    // Addresses come and go (DHCP, VPNs): re-read them now and then, on a miss.
    if (performance.now() - this.refreshedAt < REFRESH_MS) return false;
    this.refreshMachine();
    return this.machine.has(name);
  }

  private refreshMachine(): void {
    this.refreshedAt = performance.now();
    this.machine.clear();
    const own = hostName(os.hostname());
    if (own !== undefined) this.machine.add(own);
    for (const list of Object.values(os.networkInterfaces())) {
      for (const a of list ?? []) {
        const name = hostName(a.address.split("%")[0]!); // drop an IPv6 zone ("fe80::1%eth0")
        if (name !== undefined) this.machine.add(name);
      }
    }
  }
}
