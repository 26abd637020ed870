// A chart's snapshot as JSON, built from shared pieces: the chart's head once, and its points in
// chunks of CHUNK_POINTS that are serialised once and reused by every later snapshot. A page that
// connects costs a list of references, not a copy of the chart's history.
import type { DatasetHistory } from "./history.js";
import type { ChartState } from "./registry.js";

/** Points per cached chunk. */
export const CHUNK_POINTS = 1024;

/** JSON text as a list of buffers, to be written in order. */
export type Pieces = Buffer[];

interface ChartCache {
  /** `{"id":…,"title":…,"spec":…,"data":{` */
  readonly head: Buffer;
  /** Per dataset: its `"name":[` opening (with a leading comma after the first) and its chunks. */
  readonly datasets: Map<
    DatasetHistory,
    { readonly open: Buffer; readonly chunks: Map<number, Buffer> }
  >;
}

const COMMA = Buffer.from(",");
const CLOSE_DATASET = Buffer.from("]");
const CLOSE_CHART = Buffer.from("}}");
const caches = new WeakMap<ChartState, ChartCache>();

/**
 * The JSON of `snapshotOf(chart)` (`{"id","title","spec","data":{name: points}}`) as pieces.
 * Points are serialised when first needed and never again: they are plain copies made on push.
 */
export function chartPieces(chart: ChartState): Pieces {
  const cache = cacheOf(chart);
  const out: Pieces = [cache.head];
  for (const [history, d] of cache.datasets) {
    out.push(d.open);
    pointPieces(history, d.chunks, out);
    out.push(CLOSE_DATASET);
  }
  out.push(CLOSE_CHART);
  return out;
}

/** `{"charts":[…]}` for these charts, as pieces. */
export function chartsPieces(charts: readonly ChartState[]): Pieces {
  const out: Pieces = [Buffer.from('{"charts":[')];
  charts.forEach((c, i) => {
    if (i > 0) out.push(COMMA);
    for (const p of chartPieces(c)) out.push(p);
  });
  out.push(Buffer.from("]}"));
  return out;
}

/** A Server-Sent Event whose data is the JSON in `pieces` (which holds no newline). */
export function ssePieces(event: string, pieces: Pieces): Pieces {
  return [Buffer.from(`event: ${event}\ndata: `), ...pieces, Buffer.from("\n\n")];
}

/** The total length of `pieces` in bytes. */
export function byteLength(pieces: readonly Buffer[]): number {
  let n = 0;
  for (const p of pieces) n += p.length;
  return n;
}

function cacheOf(chart: ChartState): ChartCache {
  let cache = caches.get(chart);
  if (cache === undefined) {
    const head = JSON.stringify({ id: chart.id, title: chart.title, spec: chart.spec });
    const datasets: ChartCache["datasets"] = new Map();
    let first = true;
    for (const [name, history] of chart.datasets) {
      const open = Buffer.from(`${first ? "" : ","}${JSON.stringify(name)}:[`);
      datasets.set(history, { open, chunks: new Map() });
      first = false;
    }
    cache = { head: Buffer.from(`${head.slice(0, -1)},"data":{`), datasets };
    caches.set(chart, cache);
  }
  return cache;
}

/** Appends the live points of `history`, comma-separated, to `out`; caches its full chunks. */
function pointPieces(history: DatasetHistory, chunks: Map<number, Buffer>, out: Pieces): void {
  const first = history.first;
  const next = history.next;
  // Chunks the window has (partly) dropped are never used again.
  for (const k of chunks.keys()) if (k * CHUNK_POINTS < first) chunks.delete(k);
  let empty = true;
  for (let k = Math.floor(first / CHUNK_POINTS); k * CHUNK_POINTS < next; k++) {
    const from = Math.max(k * CHUNK_POINTS, first);
    const to = Math.min((k + 1) * CHUNK_POINTS, next);
    let piece: Buffer | undefined;
    if (to - from === CHUNK_POINTS) {
      piece = chunks.get(k);
      if (piece === undefined) chunks.set(k, (piece = serialise(history, from, to)));
    } else {
      piece = serialise(history, from, to); // an edge: the window's oldest or the newest points
    }
    if (piece.length === 0) continue;
    if (!empty) out.push(COMMA);
    out.push(piece);
    empty = false;
  }
}

function serialise(history: DatasetHistory, from: number, to: number): Buffer {
  return Buffer.from(JSON.stringify(history.between(from, to)).slice(1, -1));
}
