// Timing, statistics and reporting helpers shared by the benchmarks.

/** The median of `xs` (the mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("median: no samples");
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Milliseconds taken by `fn`. */
export function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Samples of one measured quantity (µs/step, GFLOP/s, ...). */
export interface Samples {
  readonly values: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): Samples {
  return { values, median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** `higher`: bigger is better (GFLOP/s); `lower`: smaller is better (µs/step). */
export type Better = "higher" | "lower";

/** One implementation's figure in one benchmark. */
export interface Row {
  readonly bench: string;
  readonly impl: string;
  readonly samples: Samples;
  readonly unit: string;
  readonly better: Better;
  /** How the repetitions were made, e.g. "7 × 40 epochs". */
  readonly reps: string;
  /** The figure the ratio is taken against (the Dendrite row of the same benchmark). */
  readonly baseline?: Samples;
  readonly target?: Target;
  /** Set when the implementation failed; `samples` is then empty (NaN). */
  readonly error?: string;
}

export interface Target {
  readonly value: number;
  readonly better: Better;
}

/** A number with about 3 significant digits (thousands separated). */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return x.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/**
 * The ratio of a peer to Dendrite, oriented so that > 1 means Dendrite is faster:
 * peer time / Dendrite time, or Dendrite rate / peer rate.
 */
export function speedup(dendrite: number, peer: number, better: Better): number {
  return better === "lower" ? peer / dendrite : dendrite / peer;
}

/** "met" or "missed by X%" for `value` against `target`. */
export function targetVerdict(value: number, target: Target): string {
  const cmp = target.better === "lower" ? "≤" : "≥";
  const met = target.better === "lower" ? value <= target.value : value >= target.value;
  if (met) return `${cmp} ${target.value}: met`;
  const miss =
    target.better === "lower" ? (value / target.value - 1) * 100 : (1 - value / target.value) * 100;
  return `${cmp} ${target.value}: missed by ${miss.toFixed(0)}%`;
}

/** Renders rows as a fixed-width text table (also valid Markdown). */
export function table(rows: readonly Row[]): string {
  const header = [
    "bench",
    "implementation",
    "median",
    "unit",
    "range (min–max)",
    "repetitions",
    "Dendrite speed-up",
    "target",
  ];
  const body = rows.map((r) =>
    r.error
      ? [r.bench, r.impl, "failed", r.unit, "", r.reps, "", r.error.slice(0, 60)]
      : [
          r.bench,
          r.impl,
          fmt(r.samples.median),
          r.unit,
          `${fmt(r.samples.min)}–${fmt(r.samples.max)}`,
          r.reps,
          r.baseline && Number.isFinite(r.baseline.median)
            ? `${speedup(r.baseline.median, r.samples.median, r.better).toFixed(2)}×`
            : "",
          r.target ? targetVerdict(r.samples.median, r.target) : "",
        ],
  );
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  const right = new Set([2, 4, 6]);
  const line = (cells: string[]) =>
    `| ${cells.map((s, c) => (right.has(c) ? s.padStart(widths[c]!) : s.padEnd(widths[c]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, c) => (right.has(c) ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(header), rule, ...body.map(line)].join("\n");
}

/** Prints a progress line to stderr (kept out of stdout, which holds the results). */
export function progress(msg: string): void {
  process.stderr.write(`  … ${msg}\n`);
}

/**
 * µs/step of `reps` timed runs of `steps` steps each, after `warmup` untimed runs. `setup` (untimed)
 * builds each run's fresh state, `run` does the steps.
 */
export function usPerStepRepeated<S>(opts: {
  reps: number;
  warmup: number;
  steps: number;
  setup: () => S;
  run: (state: S) => void;
}): number[] {
  const out: number[] = [];
  for (let r = 0; r < opts.warmup + opts.reps; r++) {
    const state = opts.setup();
    const ms = timeMs(() => opts.run(state));
    if (r >= opts.warmup) out.push((ms * 1e3) / opts.steps);
  }
  return out;
}

/**
 * µs/step of one long run of `total` steps timed in chunks of `chunk` steps (the first `warmup`
 * chunks dropped): for peers too slow to repeat the whole run, while still finishing it so that
 * its final loss can be compared.
 */
export function usPerStepChunked(opts: {
  total: number;
  chunk: number;
  warmup: number;
  run: (start: number, count: number) => void;
}): number[] {
  const out: number[] = [];
  for (let start = 0, c = 0; start < opts.total; start += opts.chunk, c++) {
    const count = Math.min(opts.chunk, opts.total - start);
    const ms = timeMs(() => opts.run(start, count));
    if (c >= opts.warmup) out.push((ms * 1e3) / count);
  }
  return out;
}

/** Samples standing for a failed measurement. */
export const FAILED: Samples = { values: [], median: NaN, min: NaN, max: NaN };

/** Runs `fn`; on an exception prints it and returns its message (the benchmark goes on without it). */
export async function attempt<T>(
  what: string,
  fn: () => T | Promise<T>,
): Promise<{ ok: T } | { error: string }> {
  try {
    return { ok: await fn() };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    console.error(`  ${what} failed: ${err instanceof Error ? (err.stack ?? msg) : msg}`);
    return { error: msg };
  }
}
