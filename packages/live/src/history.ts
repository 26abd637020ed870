// The points of one dataset of a live chart, with the `window` that keeps only the newest ones,
// and the bookkeeping that turns "what changed since the page last heard" into a small delta.

/** A data point: one row of the chart's data, e.g. `{ epoch: 3, loss: 0.42 }`. */
export type Point = Record<string, unknown>;

/**
 * What a page must do to one dataset to catch up: keep the newest `keep` points it already has
 * (dropping the older ones), then append `insert`.
 */
export interface Delta {
  readonly keep: number;
  readonly insert: readonly Point[];
}

/**
 * The live points of one dataset. Every point gets a sequence number; the live points are those
 * numbered `start` to `end - 1`. Dropped points are compacted away in bulk, so a push with a
 * window costs O(1) amortised.
 */
export class DatasetHistory {
  /** Storage; `buffer[0]` has sequence number `bufferStart`. May still hold dropped points. */
  private buffer: Point[] = [];
  private bufferStart = 0;
  /** Sequence number of the oldest live point. */
  private start = 0;
  /** Sequence number the next pushed point gets. */
  private end = 0;
  /** Sequence numbers `[sentStart, sentEnd)` are what the subscribers were last told about. */
  private sentStart = 0;
  private sentEnd = 0;

  /** The number of live points. */
  get size(): number {
    return this.end - this.start;
  }

  /** Whether points were pushed, dropped or cleared since the last `takeDelta`. */
  get changed(): boolean {
    return this.start !== this.sentStart || this.end !== this.sentEnd;
  }

  /** Appends points; with `window`, keeps only the newest `window` live points. */
  push(points: readonly Point[], window?: number): void {
    for (const p of points) this.buffer.push(p);
    this.end += points.length;
    if (window !== undefined && this.end - this.start > window) this.start = this.end - window;
    this.compact();
  }

  /** Drops every point. */
  clear(): void {
    this.start = this.end;
    this.compact();
  }

  /** The sequence number of the oldest live point (sequence numbers are never reused). */
  get first(): number {
    return this.start;
  }

  /** The sequence number the next pushed point gets: the live points are `first` to `next - 1`. */
  get next(): number {
    return this.end;
  }

  /** A copy of the live points numbered `from` to `to - 1` (clamped to the live ones). */
  between(from: number, to: number): Point[] {
    const a = Math.max(from, this.start) - this.bufferStart;
    const b = Math.min(to, this.end) - this.bufferStart;
    return a < b ? this.buffer.slice(a, b) : [];
  }

  /** A copy of the live points, oldest first. */
  values(): Point[] {
    return this.buffer.slice(this.start - this.bufferStart);
  }

  /**
   * The delta from what subscribers were last told to the current points, and marks the current
   * points as told.
   */
  takeDelta(): Delta {
    // Of the points the subscribers hold ([sentStart, sentEnd)), those still live are the newest.
    const keep = Math.max(0, this.sentEnd - Math.max(this.sentStart, this.start));
    const firstNew = Math.max(this.sentEnd, this.start);
    const insert = this.buffer.slice(firstNew - this.bufferStart, this.end - this.bufferStart);
    this.sentStart = this.start;
    this.sentEnd = this.end;
    return { keep, insert };
  }

  /** Frees the storage of dropped points once they are at least half of it. */
  private compact(): void {
    const dead = this.start - this.bufferStart;
    if (dead > 0 && (dead >= this.buffer.length / 2 || this.start === this.end)) {
      this.buffer = this.buffer.slice(dead);
      this.bufferStart = this.start;
    }
  }
}
