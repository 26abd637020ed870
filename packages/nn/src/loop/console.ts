/**
 * The loop's console output, as Axon prints it: `Epoch: 0, Batch: 150, loss: 785.9227295
 * mean_absolute_error: 22.4253941`, rewritten in place on a terminal (with a progress bar, rate
 * and ETA) and kept once per epoch; the evaluator's `Batch: 77, mean_absolute_error: 3.8084450`.
 */
import type { LoopState } from "./state.js";

/** Where log lines go: `process.stdout` by default, or anything with `write` (and `isTTY`). */
export interface LogWriter {
  write(text: string): unknown;
  /** True on a terminal: lines are rewritten in place and a progress bar is drawn. */
  isTTY?: boolean;
  /** Terminal width, used to keep the progress line on one row. */
  columns?: number;
}

/**
 * Where log lines go when no writer is given: `process.stdout`, except in notebooks. In Deno's
 * Jupyter kernel the progress line is one output updated in place (a display with an id); in
 * tslab the line is redrawn with carriage returns, as a front end's stream output collapses them;
 * elsewhere in Deno each line goes through `console.log` (Deno's kernel shows only console output).
 */
export function defaultLogWriter(): LogWriter {
  const deno = (globalThis as { Deno?: { jupyter?: { broadcast?: unknown } } }).Deno;
  if (deno === undefined) {
    if ((globalThis as { __tslab__?: unknown }).__tslab__ === undefined) return process.stdout;
    return {
      isTTY: true,
      write: (text: string) => process.stdout.write(text.replaceAll(CLEAR, "\r")),
    };
  }
  const broadcast = deno.jupyter?.broadcast;
  if (typeof broadcast === "function") return displayLineWriter(broadcast.bind(deno.jupyter));
  let pending = "";
  return {
    write(text: string) {
      const lines = (pending + text).split("\n");
      pending = lines.pop()!;
      for (const line of lines) console.log(line);
    },
  };
}

/** Sends one Jupyter IOPub message (`Deno.jupyter.broadcast`). */
type Broadcast = (msgType: string, content: Record<string, unknown>) => unknown;

let displays = 0;

/**
 * A terminal-like writer over notebook outputs: a redraw (`CLEAR` + line) replaces the current
 * output's text in place, a line ending in a newline stays, and the next line starts a new output.
 */
export function displayLineWriter(broadcast: Broadcast): LogWriter {
  let id: string | undefined;
  const show = (line: string) => {
    const update = id !== undefined;
    id ??= `dendrite-progress-${process.pid}-${++displays}`;
    const sent = broadcast(update ? "update_display_data" : "display_data", {
      data: { "text/plain": line },
      metadata: {},
      transient: { display_id: id },
    });
    if (sent instanceof Promise) sent.catch(() => undefined);
  };
  return {
    isTTY: true,
    write(text: string) {
      for (const part of text.split(CLEAR)) {
        if (part === "") continue;
        const done = part.endsWith("\n");
        for (const line of part.split("\n").slice(0, done ? -1 : undefined)) show(line);
        if (done) id = undefined;
      }
    },
  };
}

/** A metric value with 7 decimals, as Axon (`NaN`, `Inf`, `-Inf` for non-finite values). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Inf";
  if (v === -Infinity) return "-Inf";
  return v.toFixed(7);
}

/** `loss: 785.9227295 mean_absolute_error: 22.4253941`. */
export function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(" ");
}

/** Axon's line: `Epoch: 0, Batch: 150, <metrics>` (or `Batch: 77, <metrics>` without epochs). */
export function formatLine(state: LoopState, withEpoch: boolean, batch: number): string {
  const head = `Batch: ${batch}, ${formatMetrics(state.metrics)}`;
  return withEpoch ? `Epoch: ${state.epoch}, ${head}` : head;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(1)}k it/s`;
  return `${perSecond.toFixed(perSecond >= 100 ? 0 : 1)} it/s`;
}

/** ` [=====>    ] 150/314 8.2k it/s ETA 0s` (without a total: ` 150 it 8.2k it/s`). */
export function formatProgress(done: number, total: number | undefined, seconds: number): string {
  const rate = seconds > 0 ? done / seconds : 0;
  if (total === undefined || total <= 0) return ` ${done} it ${formatRate(rate)}`;
  const width = 20;
  const filled = Math.min(width, Math.floor((done / total) * width));
  const bar = "=".repeat(filled) + (filled < width ? ">" + " ".repeat(width - filled - 1) : "");
  const eta = rate > 0 ? (total - done) / rate : Infinity;
  return ` [${bar}] ${done}/${total} ${formatRate(rate)} ETA ${formatDuration(eta)}`;
}

const CLEAR = "\r\x1b[2K";
/** Least time between two rewrites of the line on a terminal. */
const REDRAW_MS = 100;

/**
 * The console progress of a loop. On a terminal the line is rewritten every `every` iterations
 * (at most ten times a second) with a progress bar, and the epoch's last line is kept; elsewhere
 * (a pipe, a file, a CI log) only the epoch's last line is written.
 */
export class ConsoleProgress {
  private epochStart = 0;
  private lastDraw = 0;

  constructor(
    private readonly writer: LogWriter,
    private readonly every: number,
    private readonly withEpoch: boolean,
    /** Batches per epoch when known (for the bar and the ETA). */
    private readonly total: () => number | undefined,
  ) {}

  /** At the start of an epoch. */
  epochStarted(): void {
    this.epochStart = performance.now();
    this.lastDraw = 0;
  }

  /** After an iteration (`n` = iterations before it over the whole run). */
  iterationCompleted(state: LoopState, n: number): void {
    if (!this.writer.isTTY || n % this.every !== 0) return;
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_MS && this.lastDraw !== 0) return;
    this.lastDraw = now;
    const done = state.iteration + 1;
    let line = formatLine(state, this.withEpoch, state.iteration);
    line += formatProgress(done, this.total(), (now - this.epochStart) / 1e3);
    const cols = this.writer.columns;
    if (cols && line.length >= cols) line = line.slice(0, cols - 1);
    this.writer.write(CLEAR + line);
  }

  /** At the end of an epoch (or of an evaluation): the line that stays (`state.iteration` batches run). */
  epochCompleted(state: LoopState): void {
    const line = formatLine(state, this.withEpoch, Math.max(0, state.iteration - 1));
    this.writer.write((this.writer.isTTY ? CLEAR : "") + line + "\n");
  }
}
