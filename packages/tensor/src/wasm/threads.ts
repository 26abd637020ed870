/**
 * A pool of `worker_threads` running the Wasm GEMM and fused elementwise loops over the shared
 * memory, and the thread-count setting (`setThreads`, `getThreads`, the `DENDRITE_THREADS`
 * environment variable; all cores by default).
 *
 * A product split into parts (see plan.ts) is published in a small shared control array: the
 * part table, then a claim word `(job tag << 16) | (parts << 8) | next part` that threads advance
 * with compare-and-swap. The main thread is thread 0 and claims parts like every worker, so a
 * worker that is slow to wake (or not started yet) only means the main thread does more of the
 * work; each part's output goes to a fixed place, so who computes it never changes the result.
 * Workers spin on the job counter briefly after each job (a hand-off then costs about a
 * microsecond) and then sleep in `Atomics.wait`. They are `unref`'d: the process exits as if they
 * were not there. A worker that is stopped (fewer threads, or another kernel) loses its owner word
 * first, so it can never run a part of a later job, even before its termination takes effect.
 *
 * A loop part runs rows `first … last` of a fused loop (wasm/elementwise.ts). Each loop module is
 * registered once ({@link registerLoop}) and posted to a worker before the first job that needs
 * it there; the worker takes it off its port synchronously when a part names it. The loop's other
 * arguments (addresses and scalars) are the same for every part and sit in a shared array.
 */
import os from "node:os";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";

import type { GemmKernel } from "./instance.js";
import { wasmMemory } from "./memory.js";
import { GEMM_PART, LOOP_PART, MAX_PARTS, PART_FUNCTION, PART_WORDS } from "./plan.js";
import type { WasmModule } from "./webassembly.js";
import { show } from "../describe.js";

/** Largest thread count accepted (parts are counted in 8 bits of the claim word). */
export const MAX_THREADS = MAX_PARTS;

/** Layout of the control array (Int32 word indices) and the spin budget, shared with workers. */
const LAYOUT = {
  /** Job counter: bumped once per parallel job; idle workers wait on it. */
  SEQ: 0,
  /** `(SEQ & 0xffff) << 16 | parts << 8 | next part to claim`. */
  CLAIM: 1,
  /** Parts of the current job finished. */
  DONE: 2,
  /** Non-zero when a part run by a worker threw. */
  ERROR: 3,
  /** Threads taking part in the current job: workers with an index at or past it sit it out. */
  ACTIVE: 4,
  /** Byte address of thread 0's workspace; thread i's is at WORK_BASE + i · WORK_BYTES. */
  WORK_BASE: 5,
  WORK_BYTES: 6,
  /** First word of the part table (PART_WORDS words per part). */
  PART_BASE: 16,
  PART_WORDS,
  /** Word of a part naming its export: GEMM (…, then the workspace), LOOP, or else `packB`. */
  PART_FUNCTION,
  GEMM: GEMM_PART,
  /** A loop part: words [loop slot, first row, last row, argument count]. */
  LOOP: LOOP_PART,
  /**
   * First of the owner words, one per thread index: the generation of the worker that may claim
   * parts under that index. A worker being stopped or replaced finds another value there and ends
   * before it could claim a part of a later job.
   */
  OWNER_BASE: 16 + MAX_PARTS * PART_WORDS,
  /** Polls of the job counter before a worker goes to sleep (some tens of microseconds). */
  SPIN: 20000,
} as const;

/** Index of part table's first word in {@link partTable}'s array. */
export const PART_BASE = LAYOUT.PART_BASE;

/**
 * The worker's program (run with `eval: true`, so it works the same from TypeScript sources and
 * from the built `dist/`). It instantiates the module over the shared memory, then forever: waits
 * for a new job, claims parts until none are left, runs them (`runPart` below, in JavaScript).
 */
const WORKER_SOURCE = `"use strict";
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { memory, module, control, loopArgs, port, index, generation, layout: L } = workerData;
const c = new Int32Array(control);
const args = new Float64Array(loopArgs);
const { gemm, packB } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const loops = [];
function loop(slot) {
  while (loops[slot] === undefined) {
    const m = receiveMessageOnPort(port);
    if (m !== undefined)
      loops[m.message.slot] = new WebAssembly.Instance(m.message.module, { env: { memory } }).exports.run;
  }
  return loops[slot];
}
let seen = Atomics.load(c, L.SEQ);
const mine = () => Atomics.load(c, L.OWNER_BASE + index) === generation;
for (;;) {
  let now = Atomics.load(c, L.SEQ);
  for (let spins = 0; now === seen; now = Atomics.load(c, L.SEQ)) {
    if (++spins > L.SPIN) {
      Atomics.wait(c, L.SEQ, seen);
      spins = 0;
    }
  }
  seen = now;
  if (!mine()) break;
  if (index >= Atomics.load(c, L.ACTIVE)) continue;
  const tag = now & 0xffff;
  for (;;) {
    if (!mine()) break;
    const v = Atomics.load(c, L.CLAIM);
    if (v >>> 16 !== tag) break;
    const parts = (v >>> 8) & 0xff;
    const part = v & 0xff;
    if (part >= parts) break;
    if (Atomics.compareExchange(c, L.CLAIM, v, v + 1) !== v) continue;
    const at = L.PART_BASE + part * L.PART_WORDS;
    try {
      if (c[at + L.PART_FUNCTION] === L.LOOP) {
        loop(c[at])(c[at + 1], c[at + 2], ...args.subarray(0, c[at + 3]));
      } else if (c[at + L.PART_FUNCTION] === L.GEMM) {
        gemm(c[at], c[at + 1], c[at + 2], c[at + 3], c[at + 4], c[at + 5], c[at + 6], c[at + 7],
          c[at + 8], c[at + 9], c[at + 10], c[at + 11], c[at + 12], c[at + 13],
          c[L.WORK_BASE] + index * c[L.WORK_BYTES]);
      } else {
        packB(c[at], c[at + 1], c[at + 2], c[at + 3], c[at + 4], c[at + 5], c[at + 6], c[at + 7],
          c[at + 8], c[at + 9]);
      }
    } catch {
      Atomics.store(c, L.ERROR, 1);
    }
    if (Atomics.add(c, L.DONE, 1) + 1 === parts) Atomics.notify(c, L.DONE);
  }
}
`;

let threads: number | undefined;
let control: Int32Array | undefined;
/** Generation of the last worker started (owner words hold these; 0 is nobody). */
let generations = 0;
/** Workers by thread index (1 …); index 0 is the main thread. */
const workers: (Worker | undefined)[] = [];
/** Each worker's port for loop modules, and the loop slots already posted there. */
const ports: ({ port: MessagePort; posted: Set<number> } | undefined)[] = [];
/** Registered loops by slot: the module (for workers) and the main thread's instance. */
const loopTable: { module: WasmModule; run: LoopRun }[] = [];
/** Arguments shared by every part of a loop job. */
let loopArgs: Float64Array | undefined;
/** Most arguments a loop job can pass (reads and outputs). */
export const MAX_LOOP_ARGS = 64;
let poolModule: WasmModule | undefined;
let spawnFailed = false;

/** Default thread count: every core this process may use. */
function defaultThreads(): number {
  const cores =
    typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(MAX_THREADS, cores));
}

function isThreadCount(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= MAX_THREADS;
}

/**
 * Threads used by large f32 matrix products: set by {@link setThreads}, else by the
 * `DENDRITE_THREADS` environment variable, else all cores (`os.availableParallelism()`).
 *
 * @throws RangeError when `DENDRITE_THREADS` is set to something other than an integer from 1 to
 *   255.
 */
export function getThreads(): number {
  if (threads === undefined) {
    const raw = process.env.DENDRITE_THREADS;
    if (raw === undefined || raw.trim() === "") {
      threads = defaultThreads();
    } else {
      const n = Number(raw);
      if (!isThreadCount(n)) {
        throw new RangeError(
          `DENDRITE_THREADS must be an integer from 1 to ${MAX_THREADS}, got ${JSON.stringify(raw)}`,
        );
      }
      threads = n;
    }
  }
  return threads;
}

/**
 * Sets the number of threads large f32 matrix products use (1 keeps everything on the calling
 * thread). A given count gives bit-identical results run after run; different counts agree to
 * within f32 rounding. Workers already started stay parked when the count goes down.
 *
 * @throws RangeError unless `n` is an integer from 1 to 255.
 */
export function setThreads(n: number): void {
  if (!isThreadCount(n)) {
    throw new RangeError(
      `setThreads: the thread count must be an integer from 1 to ${MAX_THREADS}, got ${show(n)}`,
    );
  }
  // Workers past the new count stay, parked: they sit out jobs (see LAYOUT.ACTIVE), so a later
  // larger count finds them started.
  threads = n;
  spawnFailed = false;
}

/** The shared control array; the part table starts at {@link PART_BASE}. */
export function partTable(): Int32Array {
  if (control === undefined) {
    const words = LAYOUT.OWNER_BASE + MAX_THREADS + 1;
    control = new Int32Array(new SharedArrayBuffer(words * 4));
  }
  return control;
}

/** How many worker threads are running (started lazily by the first product split in parts). */
export function runningWorkers(): number {
  return workers.filter((w) => w !== undefined).length;
}

/** Stops the workers with thread index `from` and above (at once: see LAYOUT.OWNER_BASE). */
function stopWorkers(from: number): void {
  const c = partTable();
  for (let i = Math.max(1, from); i < workers.length; i++) {
    const w = workers[i];
    workers[i] = undefined;
    ports[i]?.port.close();
    ports[i] = undefined;
    Atomics.store(c, LAYOUT.OWNER_BASE + i, 0);
    if (w !== undefined) void w.terminate();
  }
}

/** Starts workers 1 … count-1 that are not running yet, all on `module`. */
function startWorkers(module: WasmModule, count: number): void {
  if (poolModule !== module) {
    stopWorkers(1);
    poolModule = module;
  }
  if (spawnFailed) return;
  for (let index = 1; index < count; index++) {
    if (workers[index] !== undefined) continue;
    let worker: Worker;
    const generation = ++generations;
    Atomics.store(partTable(), LAYOUT.OWNER_BASE + index, generation);
    const channel = new MessageChannel();
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          memory: wasmMemory(),
          module,
          control: partTable().buffer,
          loopArgs: sharedLoopArgs().buffer,
          port: channel.port2,
          index,
          generation,
          layout: LAYOUT,
        },
        transferList: [channel.port2],
      });
    } catch {
      // No workers here: the main thread claims every part itself.
      Atomics.store(partTable(), LAYOUT.OWNER_BASE + index, 0);
      spawnFailed = true;
      return;
    }
    worker.unref();
    channel.port1.unref();
    ports[index] = { port: channel.port1, posted: new Set() };
    const forget = () => {
      if (workers[index] === worker) workers[index] = undefined;
    };
    worker.on("error", () => {
      spawnFailed = true;
      forget();
    });
    worker.on("exit", forget);
    workers[index] = worker;
  }
}

/** Runs part `part` of the table on the calling thread with workspace `work`. */
function runPart(kernel: GemmKernel, c: Int32Array, part: number, work: number): void {
  const at = PART_BASE + part * PART_WORDS;
  if (c[at + PART_FUNCTION] === LOOP_PART) {
    loopTable[c[at]!]!.run(c[at + 1]!, c[at + 2]!, ...sharedLoopArgs().subarray(0, c[at + 3]));
    return;
  }
  if (c[at + PART_FUNCTION] !== GEMM_PART) {
    kernel.packB(
      c[at],
      c[at + 1],
      c[at + 2],
      c[at + 3],
      c[at + 4],
      c[at + 5],
      c[at + 6],
      c[at + 7],
      c[at + 8],
      c[at + 9],
    );
    return;
  }
  kernel.gemm(
    c[at],
    c[at + 1],
    c[at + 2],
    c[at + 3],
    c[at + 4],
    c[at + 5],
    c[at + 6],
    c[at + 7],
    c[at + 8],
    c[at + 9],
    c[at + 10],
    c[at + 11],
    c[at + 12],
    c[at + 13],
    work,
  );
}

let jobs = 0;

/**
 * Runs the `parts` parts written in {@link partTable} and returns when all are done. Thread i
 * (0 = the caller) uses the workspace at `workBase + i · workBytes`; with more than one part, the
 * workspaces of `threadCount` threads must be there.
 *
 * @throws Error when a part fails (in any thread).
 */
export function runParts(
  kernel: GemmKernel,
  parts: number,
  threadCount: number,
  workBase: number,
  workBytes: number,
): void {
  const c = partTable();
  if (parts === 1 || threadCount === 1) {
    for (let part = 0; part < parts; part++) runPart(kernel, c, part, workBase);
    return;
  }
  startWorkers(kernel.module, threadCount);
  jobs = (jobs + 1) | 0;
  const tag = jobs & 0xffff;
  Atomics.store(c, LAYOUT.WORK_BASE, workBase);
  Atomics.store(c, LAYOUT.WORK_BYTES, workBytes);
  Atomics.store(c, LAYOUT.DONE, 0);
  Atomics.store(c, LAYOUT.ERROR, 0);
  Atomics.store(c, LAYOUT.ACTIVE, threadCount);
  Atomics.store(c, LAYOUT.CLAIM, (tag << 16) | (parts << 8));
  Atomics.store(c, LAYOUT.SEQ, jobs);
  Atomics.notify(c, LAYOUT.SEQ);
  let failure: unknown;
  for (;;) {
    const v = Atomics.load(c, LAYOUT.CLAIM);
    const part = v & 0xff;
    if (part >= parts) break;
    if (Atomics.compareExchange(c, LAYOUT.CLAIM, v, v + 1) !== v) continue;
    try {
      runPart(kernel, c, part, workBase);
    } catch (error) {
      failure ??= error;
    }
    Atomics.add(c, LAYOUT.DONE, 1);
  }
  for (let spins = 0; ; spins++) {
    const done = Atomics.load(c, LAYOUT.DONE);
    if (done === parts) break;
    if (spins > LAYOUT.SPIN) Atomics.wait(c, LAYOUT.DONE, done, 50);
  }
  if (failure !== undefined) throw failure;
  if (Atomics.load(c, LAYOUT.ERROR) !== 0)
    throw new Error("wasm gemm: a part failed in a worker thread");
}

/** A fused loop's entry: rows `first … last` of it, then its shared arguments. */
export type LoopRun = (first: number, last: number, ...args: number[]) => void;

function sharedLoopArgs(): Float64Array {
  loopArgs ??= new Float64Array(new SharedArrayBuffer(MAX_LOOP_ARGS * 8));
  return loopArgs;
}

/** Registers a loop module (instantiated on this thread as `run`); returns its slot. */
export function registerLoop(module: WasmModule, run: LoopRun): number {
  return loopTable.push({ module, run }) - 1;
}

/**
 * Runs rows `0 … rows - 1` of the loop in `slot` with `args` (at most {@link MAX_LOOP_ARGS}),
 * split into `parts` row ranges over `threadCount` threads. Every element is computed the same
 * way whoever runs its row, so the result never depends on the split.
 *
 * @throws Error when a part fails (in any thread).
 */
export function runLoopParts(
  kernel: GemmKernel,
  slot: number,
  rows: number,
  args: readonly number[],
  parts: number,
  threadCount: number,
): void {
  const shared = sharedLoopArgs();
  for (let k = 0; k < args.length; k++) shared[k] = args[k]!;
  const c = partTable();
  for (let i = 0; i < parts; i++) {
    const at = PART_BASE + i * PART_WORDS;
    c[at] = slot;
    c[at + 1] = Math.floor((rows * i) / parts);
    c[at + 2] = Math.floor((rows * (i + 1)) / parts);
    c[at + 3] = args.length;
    c[at + PART_FUNCTION] = LOOP_PART;
  }
  if (parts > 1 && threadCount > 1) {
    startWorkers(kernel.module, threadCount);
    const { module } = loopTable[slot]!;
    for (let w = 1; w < threadCount; w++) {
      const p = ports[w];
      if (p === undefined || p.posted.has(slot)) continue;
      p.port.postMessage({ slot, module });
      p.posted.add(slot);
    }
  }
  runParts(kernel, parts, threadCount, 0, 0);
}
