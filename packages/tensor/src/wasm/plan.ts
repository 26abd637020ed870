/**
 * How one batched product is split between threads, and the arguments of each part.
 *
 * The split depends only on the shape and the thread count, never on which thread runs a part,
 * so a given thread count gives bit-identical results run after run. Splitting the batch or C's
 * rows or columns changes nothing in how any element is computed (see gemm.ts), so those splits
 * even match the single-threaded result exactly. Splitting k (for tall-skinny products: m·n
 * small, k large, such as a weight gradient `xᵀ·dY` with k = batch · positions) gives each part a
 * partial product of its own, which the caller sums in part order.
 *
 * A row split first packs B whole, in parallel column ranges (one job), then computes row ranges
 * against that one packed B (a second job), so no thread packs B again. Row, column and batch
 * splits cut the work into more parts than threads: a thread that is slowed down (a busy machine)
 * then takes fewer parts instead of holding everyone up.
 *
 * A rough cost model picks the split: per part, micro-kernel time over the tiles it touches
 * (padded to whole MR × NR tiles) plus packing time, times the rounds of parts each thread runs,
 * plus what runs serially (the reduction of a k split's partials).
 */
import {
  PACK_A,
  PACK_B,
  PREPACKED_B,
  TRANS_A,
  TRANS_B,
  packedBBytes,
  type GemmOptions,
} from "./gemm.js";

/** Int32 words per part in a part table: the arguments, then the function at {@link PART_FUNCTION}. */
export const PART_WORDS = 16;
/** Word of a part holding which export runs it: {@link GEMM_PART} or {@link PACK_PART}. */
export const PART_FUNCTION = 15;
/** A part that calls `gemm` (its 14 arguments, then the thread's workspace). */
export const GEMM_PART = 0;
/** A part that calls `packB` (its 10 arguments). */
export const PACK_PART = 1;
/** A part that runs rows of a fused elementwise loop (see threads.ts). */
export const LOOP_PART = 2;
/** Most parts one job is split into. */
export const MAX_PARTS = 255;

/** How a product is divided. */
export const Split = { none: 0, batch: 1, rows: 2, cols: 3, k: 4 } as const;
/** One of {@link Split}'s values. */
export type Split = (typeof Split)[keyof typeof Split];

/**
 * Products with less work than this (batch · m · n · k multiply-adds, about 50 µs on one thread)
 * stay on one thread. Measured with 2 threads (wall time, 1 thread vs 2): 64³ 16 vs 27 µs, 80³
 * 27 vs 25, 96³ 46 vs 32–38, 128³ 103 vs 81, 160³ 192 vs 115–148; with the worker asleep
 * (200 µs between calls) 96³ 47 vs 44 and 128³ 103 vs 89.
 */
export const THREAD_MIN_WORK = 1 << 20;
/** Row, column and batch splits aim for this many parts per thread (balance on a busy machine). */
const PARTS_PER_THREAD = 4;
/** Fewest micro-tiles (rows of MR, or columns of NR) in one part of a row or column split. */
const MIN_TILES_PER_PART = 8;

/**
 * Aᵀ is packed when C has more columns than this (each packed A block then serves many column
 * strips); below, the kernels read Aᵀ's rows in place and skip the packing pass. Measured (1
 * thread, GFLOP/s in place vs packed): 256×8×256 26 vs 18, 256×16 31 vs 26, 256×32 33 vs 33,
 * 256×64 32 vs 38; 16×16×65536 (Aᵀ·B) 24 vs 21.
 */
const PACK_A_MIN_N = 32;
/**
 * B is packed when C has more rows than this; below, the kernels read B's rows in place.
 * Measured: 1×256×256 5.7 vs 3.7, 8×256×256 26 vs 22, 16×512×512 28 vs 29, 32×512×512 31 vs 36.
 */
const PACK_B_MIN_M = 16;

/** A product laid out in the memory: contiguous operands at byte addresses. */
export interface GemmProblem {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  /** Byte addresses of A (`[batch, m, k]`, or `[batch, k, m]` transposed), B and C. */
  a: number;
  b: number;
  c: number;
  /** Byte address of the k split's partial outputs: parts - 1 blocks of batch · m · n floats. */
  partials: number;
  /** Byte address of B packed whole, for a row split ({@link packedBBytes} per batch entry). */
  packedB: number;
}

/** The chosen split (one object, reused by every call). */
export interface SplitPlan {
  split: Split;
  /** Parts of the `gemm` job. */
  parts: number;
  /** Parts of the `packB` job that runs first (a row split), else 0. */
  packParts: number;
}

type Sizes = Pick<GemmOptions, "mr" | "nr" | "mc" | "nc">;
/** Which operands are stored transposed. */
type Transposes = Pick<GemmProblem, "transA" | "transB">;

/** Multiply-adds per cycle of the 4-lane micro-kernel with two FMA pipes. */
const MADDS_PER_CYCLE = 8;
/** Cycles per packed element (loads, shuffles, stores). */
const PACK_COST = 0.5;
/** Cycles per element of a packed B panel streamed through the micro-kernels once. */
const STREAM_COST = 0.25;
/** Cycles per element of the serial reduction of partials. */
const REDUCE_COST = 0.5;
/** Cycles of overhead per part (a claim and a call). */
const PART_OVERHEAD = 500;
/** Parts' worth of time a straggling thread is expected to add to a job. */
const STRAGGLER = 0.5;
/** Cycles of overhead per job (publishing it, waking workers, waiting for the last part). */
const JOB_OVERHEAD = 3000;
/**
 * A k split must beat the best other split by this factor: the others match the single-threaded
 * result bit for bit, and its reduction runs on one thread.
 */
const K_SPLIT_MARGIN = 0.9;

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/**
 * Estimated cycles of the micro-kernels of one `gemm` call, plus streaming the packed B panel
 * through once per block of MC rows (from L3 or memory: it does not fit closer).
 */
function computeCost(o: Sizes, batch: number, m: number, n: number, k: number): number {
  const madds = roundUp(m, o.mr) * roundUp(n, o.nr) * k;
  return batch * (madds / MADDS_PER_CYCLE + Math.ceil(m / o.mc) * k * n * STREAM_COST);
}

/** Whether a `gemm` call on an m × n part of C packs A (always, unless Aᵀ and C is thin). */
function packsA(transA: boolean, n: number): boolean {
  return !transA || n > PACK_A_MIN_N;
}

/** Whether a `gemm` call on an m × n part of C packs B (always, unless B and C is short). */
function packsB(transB: boolean, m: number): boolean {
  return transB || m > PACK_B_MIN_M;
}

/** Estimated cycles of the packing in one `gemm` call (none for B when `prepackedB`). */
function packCost(
  o: Sizes,
  batch: number,
  m: number,
  n: number,
  k: number,
  p: Transposes,
  prepackedB: boolean,
): number {
  const a = packsA(p.transA, n) ? m * k * Math.ceil(n / o.nc) : 0;
  const b = prepackedB || !packsB(p.transB, m) ? 0 : k * n;
  return batch * (a + b) * PACK_COST;
}

/** Length of the largest of `parts` near-equal runs over `total` items in units of `unit`. */
function largestRun(total: number, unit: number, parts: number): number {
  return Math.min(total, Math.ceil(Math.ceil(total / unit) / parts) * unit);
}

/**
 * Cycles of a job of `parts` parts of `cost` cycles each on `threads` threads. Half a part more is
 * charged for a straggler (a thread that wakes late or shares its core), which favours more,
 * smaller parts that the other threads can take over.
 */
function jobCost(parts: number, threads: number, cost: number): number {
  return (Math.ceil(parts / threads) + STRAGGLER) * (cost + PART_OVERHEAD) + JOB_OVERHEAD;
}

const chosen: SplitPlan = { split: Split.none, parts: 1, packParts: 0 };

/**
 * Picks the split of a `batch` × (`m` × `k`) · (`k` × `n`) product (operands transposed as `p`
 * says) for `threads` threads. The returned object is reused by the next call.
 */
export function chooseSplit(
  o: Sizes,
  threads: number,
  batch: number,
  m: number,
  n: number,
  k: number,
  p: Transposes,
): SplitPlan {
  chosen.split = Split.none;
  chosen.parts = 1;
  chosen.packParts = 0;
  const t = Math.min(threads, MAX_PARTS);
  if (t < 2 || batch * m * n * k < THREAD_MIN_WORK) return chosen;
  const single = computeCost(o, batch, m, n, k) + packCost(o, batch, m, n, k, p, false);
  let best = single * 0.9;
  const consider = (split: Split, cost: number, parts: number, packParts: number) => {
    if (parts >= 2 && cost < best) {
      best = cost;
      chosen.split = split;
      chosen.parts = parts;
      chosen.packParts = packParts;
    }
  };
  const tilesM = Math.ceil(m / o.mr);
  const tilesN = Math.ceil(n / o.nr);

  // Parts over `tiles` tiles: several per thread where each still gets MIN_TILES_PER_PART tiles.
  const partsOver = (tiles: number) =>
    Math.min(
      tiles,
      MAX_PARTS,
      Math.max(t, Math.min(t * PARTS_PER_THREAD, Math.floor(tiles / MIN_TILES_PER_PART))),
    );

  // Rows, against B packed once (in parallel) beforehand where the parts would pack it.
  const rowParts = partsOver(tilesM);
  const rows = largestRun(m, o.mr, rowParts);
  const packParts = packsB(p.transB, rows) ? Math.min(t, tilesN) : 0;
  const packJob =
    packParts > 0
      ? jobCost(packParts, t, batch * k * largestRun(n, o.nr, packParts) * PACK_COST)
      : 0;
  const rowPart = computeCost(o, batch, rows, n, k) + packCost(o, batch, rows, n, k, p, true);
  consider(Split.rows, packJob + jobCost(rowParts, t, rowPart), rowParts, packParts);
  // Columns (each part packs all of A: for thin A).
  const colParts = partsOver(tilesN);
  const cols = largestRun(n, o.nr, colParts);
  consider(
    Split.cols,
    jobCost(
      colParts,
      t,
      computeCost(o, batch, m, cols, k) + packCost(o, batch, m, cols, k, p, false),
    ),
    colParts,
    0,
  );
  // Batch entries.
  const batchParts = Math.min(batch, MAX_PARTS, t * PARTS_PER_THREAD);
  const entries = largestRun(batch, 1, batchParts);
  consider(
    Split.batch,
    jobCost(
      batchParts,
      t,
      computeCost(o, entries, m, n, k) + packCost(o, entries, m, n, k, p, false),
    ),
    batchParts,
    0,
  );
  // k, with a partial output per part, summed serially afterwards.
  const kParts = Math.min(t, k);
  const kPart = Math.ceil(k / kParts);
  best *= K_SPLIT_MARGIN;
  consider(
    Split.k,
    jobCost(
      kParts,
      t,
      computeCost(o, batch, m, n, kPart) + packCost(o, batch, m, n, kPart, p, false),
    ) +
      (kParts - 1) * batch * m * n * REDUCE_COST,
    kParts,
    0,
  );
  return chosen;
}

/** Start of run `i` of `parts` near-equal runs over `total` items in units of `unit`. */
function runStart(total: number, unit: number, parts: number, i: number): number {
  const units = Math.ceil(total / unit);
  return Math.min(total, Math.floor((units * i) / parts) * unit);
}

/**
 * Writes the `packB` arguments of the plan's `packParts` parts (column ranges of B) into
 * `table`, part `i` at `base + i · PART_WORDS`.
 */
export function writePackParts(
  table: Int32Array,
  base: number,
  o: Sizes,
  plan: SplitPlan,
  p: GemmProblem,
): void {
  const { batch, n, k } = p;
  for (let i = 0; i < plan.packParts; i++) {
    const at = base + i * PART_WORDS;
    table[at] = batch;
    table[at + 1] = p.b;
    table[at + 2] = (p.transB ? k : n) * 4;
    table[at + 3] = k * n * 4;
    table[at + 4] = k;
    table[at + 5] = n;
    table[at + 6] = p.transB ? TRANS_B : 0;
    table[at + 7] = p.packedB;
    table[at + 8] = runStart(n, o.nr, plan.packParts, i);
    table[at + 9] = runStart(n, o.nr, plan.packParts, i + 1);
    table[at + PART_FUNCTION] = PACK_PART;
  }
}

/**
 * Writes the `gemm` arguments (all but the workspace) of each of the plan's `parts` parts into
 * `table`, part `i` at `base + i · PART_WORDS`.
 */
export function writeParts(
  table: Int32Array,
  base: number,
  o: Sizes,
  plan: SplitPlan,
  p: GemmProblem,
): void {
  const { batch, m, n, k } = p;
  const lda = (p.transA ? m : k) * 4;
  const strideA = m * k * 4;
  const strideC = m * n * 4;
  const prepacked = plan.packParts > 0;
  const ldb = prepacked ? 0 : (p.transB ? k : n) * 4;
  const strideB = prepacked ? packedBBytes(o, n, k) : k * n * 4;
  const ldc = n * 4;
  const baseFlags =
    (p.transA ? TRANS_A : 0) | (p.transB ? TRANS_B : 0) | (prepacked ? PREPACKED_B : 0);
  for (let i = 0; i < plan.parts; i++) {
    let pb = batch;
    let pm = m;
    let pn = n;
    let pk = k;
    let pa = p.a;
    let pbPtr = prepacked ? p.packedB : p.b;
    let pc = p.c;
    if (plan.split !== Split.none) {
      const unit = plan.split === Split.rows ? o.mr : plan.split === Split.cols ? o.nr : 1;
      const total =
        plan.split === Split.batch
          ? batch
          : plan.split === Split.rows
            ? m
            : plan.split === Split.cols
              ? n
              : k;
      const start = runStart(total, unit, plan.parts, i);
      const length = runStart(total, unit, plan.parts, i + 1) - start;
      if (plan.split === Split.batch) {
        pb = length;
        pa += start * strideA;
        pbPtr += start * strideB;
        pc += start * strideC;
      } else if (plan.split === Split.rows) {
        pm = length;
        pa += start * (p.transA ? 4 : lda);
        pc += start * ldc;
      } else if (plan.split === Split.cols) {
        pn = length;
        pbPtr += start * (p.transB ? ldb : 4);
        pc += start * 4;
      } else {
        pk = length;
        pa += start * (p.transA ? lda : 4);
        pbPtr += start * (p.transB ? 4 : ldb);
        if (i > 0) pc = p.partials + (i - 1) * batch * strideC;
      }
    }
    const flags =
      baseFlags | (packsA(p.transA, pn) ? PACK_A : 0) | (packsB(p.transB, pm) ? PACK_B : 0);
    const at = base + i * PART_WORDS;
    table[at] = pb;
    table[at + 1] = pm;
    table[at + 2] = pn;
    table[at + 3] = pk;
    table[at + 4] = pa;
    table[at + 5] = lda;
    table[at + 6] = strideA;
    table[at + 7] = pbPtr;
    table[at + 8] = ldb;
    table[at + 9] = strideB;
    table[at + 10] = pc;
    table[at + 11] = ldc;
    table[at + 12] = strideC;
    table[at + 13] = flags;
    table[at + PART_FUNCTION] = GEMM_PART;
  }
}
