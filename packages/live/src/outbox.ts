// What is queued for one response (a page's event stream, or a large JSON answer): messages made
// of shared buffers, written to the connection in bounded slices as it drains, so that a reader
// that stops reading costs this process at most one slice, not a copy of everything queued.
import type http from "node:http";

/** The most bytes handed to a connection at once. */
export const SLICE_BYTES = 64 << 10;

interface Message {
  readonly pieces: readonly Buffer[];
  readonly droppable: boolean;
}

/** The queue of one response and its accounting. */
export class Outbox {
  private readonly queue: Message[] = [];
  /** Index of the next piece of `queue[0]` to write, and how many of its bytes are written. */
  private piece = 0;
  private offset = 0;
  private queuedBytes = 0;
  private droppableBytes = 0;
  private ending = false;
  /** When the connection last took bytes (or the queue last started from empty). */
  private lastProgressAt = performance.now();
  /** Called whenever the queue has emptied and the connection has drained. */
  onIdle: (() => void) | undefined;

  /** `onError` hears about an exception while writing (the response is destroyed). */
  constructor(
    readonly res: http.ServerResponse,
    private readonly onError: (err: unknown) => void,
  ) {
    res.on("drain", () => {
      this.lastProgressAt = performance.now();
      this.pump();
    });
    // A write to a response that ended meanwhile is reported as an 'error' event: never fatal.
    res.on("error", () => this.abort());
    res.on("close", () => this.clear());
  }

  /** Bytes not yet sent: those the connection holds, plus everything queued behind them. */
  get backlog(): number {
    return this.res.writableLength + this.queuedBytes;
  }

  /** Bytes the connection holds plus droppable (update) bytes queued; not a pending snapshot. */
  get updateBacklog(): number {
    return this.res.writableLength + this.droppableBytes;
  }

  /** Whether everything queued has been handed over and the connection has drained. */
  get idle(): boolean {
    return this.queue.length === 0 && !this.res.writableNeedDrain;
  }

  /** Milliseconds since the connection last took bytes while something was queued. */
  stalledMs(now = performance.now()): number {
    return this.idle ? 0 : now - this.lastProgressAt;
  }

  /** Whether the response can take no more writes. */
  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /**
   * Queues one message (its pieces are written in order, never interleaved with another message).
   * A `droppable` message (an update) may be dropped by `dropUpdates` until it starts.
   */
  send(pieces: readonly Buffer[], droppable: boolean): void {
    if (this.closed || this.ending) return;
    if (this.idle) this.lastProgressAt = performance.now();
    let bytes = 0;
    for (const p of pieces) bytes += p.length;
    this.queue.push({ pieces, droppable });
    this.queuedBytes += bytes;
    if (droppable) this.droppableBytes += bytes;
    this.pump();
  }

  /** Drops every queued droppable message that has not started. */
  dropUpdates(): void {
    const started = this.piece > 0 || this.offset > 0;
    for (let i = this.queue.length - 1; i >= (started ? 1 : 0); i--) {
      const m = this.queue[i]!;
      if (!m.droppable) continue;
      let bytes = 0;
      for (const p of m.pieces) bytes += p.length;
      this.queuedBytes -= bytes;
      this.droppableBytes -= bytes;
      this.queue.splice(i, 1);
    }
  }

  /** Ends the response once everything queued is written. */
  end(): void {
    this.ending = true;
    this.pump();
  }

  /** Destroys the connection and forgets what is queued. */
  abort(): void {
    this.clear();
    this.res.destroy();
  }

  /** Writes queued slices until the connection asks to wait for 'drain'. */
  private pump(): void {
    try {
      this.res.cork();
      try {
        while (this.queue.length > 0 && !this.closed && !this.res.writableNeedDrain) {
          const slice = this.nextSlice();
          if (slice.length > 0) this.res.write(slice);
        }
      } finally {
        this.res.uncork();
      }
      if (this.closed) return this.clear();
      if (this.queue.length > 0 || this.res.writableNeedDrain) return;
      if (this.ending) this.res.end();
      else this.onIdle?.();
    } catch (err) {
      this.abort();
      this.onError(err);
    }
  }

  /** Takes up to SLICE_BYTES of the next queued bytes (never across two messages). */
  private nextSlice(): Buffer {
    const m = this.queue[0]!;
    let p = m.pieces[this.piece];
    while (p !== undefined && this.offset === p.length) {
      this.piece++;
      this.offset = 0;
      p = m.pieces[this.piece];
    }
    const slice =
      p === undefined ? Buffer.alloc(0) : p.subarray(this.offset, this.offset + SLICE_BYTES);
    this.offset += slice.length;
    this.queuedBytes -= slice.length;
    if (m.droppable) this.droppableBytes -= slice.length;
    if (p === undefined || (this.offset === p.length && this.piece === m.pieces.length - 1)) {
      this.queue.shift();
      this.piece = 0;
      this.offset = 0;
    }
    return slice;
  }

  private clear(): void {
    this.queue.length = 0;
    this.piece = 0;
    this.offset = 0;
    this.queuedBytes = 0;
    this.droppableBytes = 0;
  }
}
