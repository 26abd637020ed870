// Helpers shared by the live tests: an SSE client, raw HTTP over TCP, a seeded random generator
// and a child-process runner.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** One Server-Sent Event. */
export interface SseEvent {
  readonly event: string;
  readonly data: any;
  /** performance.now() when it arrived. */
  readonly at: number;
}

/** A connection to the dashboard's /events stream that records every event. */
export class SseClient {
  readonly events: SseEvent[] = [];
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];
  readonly done: Promise<void>;

  constructor(url: string) {
    this.done = this.read(url).catch((err: unknown) => {
      // Aborted by close(), or "terminated": the server went away (the program ended).
      const e = err as Error;
      if (e.name !== "AbortError" && e.message !== "terminated") throw err;
    });
  }

  private async read(url: string): Promise<void> {
    const res = await fetch(url, { signal: this.controller.signal });
    if (!res.ok || res.body === null) throw new Error(`GET ${url}: ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = "message";
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        if (data.length > 0) {
          this.events.push({ event, data: JSON.parse(data.join("\n")), at: performance.now() });
          for (const w of this.waiters.splice(0)) w();
        }
      }
    }
  }

  /** Resolves once an event matching `pred` has arrived (or rejects after `timeoutMs`). */
  async waitFor(pred: (e: SseEvent) => boolean, timeoutMs = 5000): Promise<SseEvent> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error("timed out waiting for an event");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.controller.abort();
  }
}

/** What a child program did. */
export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly timedOut: boolean;
}

/**
 * Runs `code` as its own TypeScript program (an .mts file under out/, run from the repository
 * root like the README examples), killing it after `timeoutMs`. `onStderr` sees stderr as it comes.
 */
export function runProgram(
  name: string,
  code: string,
  timeoutMs: number,
  onStderr?: (text: string) => void,
): Promise<ChildResult> {
  const dir = join(repoRoot, "out", "live-test");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.mts`);
  writeFileSync(file, code);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=development", "--import", "tsx", file], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0, timedOut });
    });
  });
}

/** The dashboard URL a program printed on stderr, if any. */
export function printedUrl(stderr: string): string | undefined {
  return /Dendrite live dashboard: (http:\/\/\S+)/.exec(stderr)?.[1];
}

/** What came back on a raw connection: the status of the first response (undefined if none). */
export interface RawAnswer {
  readonly status: number | undefined;
  /** The first bytes received (at most 4 KiB), as latin1 text. */
  readonly head: string;
}

/**
 * Sends `request` as is over a TCP connection to 127.0.0.1:`port` (so that malformed request
 * lines reach the server), half-closes, and returns the first response's status once the server
 * closes the connection, or after `timeoutMs`, or as soon as a status line came if `early`.
 */
export function rawHttp(
  port: number,
  request: string | Buffer,
  timeoutMs = 3000,
  early = false,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    let head = "";
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3}) /.exec(head);
      resolve({ status: m ? Number(m[1]) : undefined, head });
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on("connect", () => {
      socket.write(request);
      socket.end();
    });
    socket.on("data", (d: Buffer) => {
      if (head.length < 4096) head += d.toString("latin1");
      if (early && /^HTTP\/1\.[01] \d{3} /.test(head)) done();
    });
    socket.on("close", done);
    socket.on("error", () => undefined); // a reset is an answer too: "close" follows
  });
}

/** A deterministic pseudo-random generator (mulberry32): numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
