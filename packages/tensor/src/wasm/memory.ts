/**
 * The one process-wide WebAssembly memory the Wasm kernels run over. It is shared (its buffer is
 * a `SharedArrayBuffer`), so worker threads instantiate the same module over the same bytes, and
 * it grows as needed, never shrinking.
 *
 * Space is handed out by a bump allocator: {@link allocateF32} gives permanent regions (arrays the
 * kernels can use in place, without copying), and {@link scratch} gives the single reusable
 * scratch region that each kernel call lays its operands and workspaces out in. The scratch
 * region is always the last one, so it grows in place; an allocation placed after it makes the
 * next growth move it to the end.
 */
import { ModuleBuilder } from "./encoder.js";
import { webAssembly, type WasmMemory, type WasmModule } from "./webassembly.js";

/** Bytes per WebAssembly page. */
const PAGE_BYTES = 65536;
/**
 * The maximum size in pages that modules importing the memory declare: 4 GiB, all a 32-bit
 * address space reaches. The memory itself may have a smaller maximum (see {@link wasmMemory}).
 */
export const MAXIMUM_PAGES = 65536;
/**
 * Maximum sizes tried, largest first: a shared memory reserves its whole maximum of address
 * space up front, which a process with a limit on virtual memory may refuse.
 */
const MAXIMA_TRIED = [MAXIMUM_PAGES, 16384, 4096];
/** Alignment of every region, in bytes (a cache line). */
const REGION_ALIGN = 64;
/**
 * Bytes kept addressable past the last region: kernels reading an operand in place may read a
 * few bytes past its end (values they discard), which must not trap.
 */
const TAIL_SLACK = 64;

let memory: WasmMemory | undefined;
/** The memory's own maximum, in pages. */
let maximumPages = 0;
let heap: Float32Array<ArrayBufferLike> = new Float32Array(0);
/** Every `SharedArrayBuffer` the memory has handed out (a new one after each growth). */
const buffers = new WeakSet<object>();
/** First free byte after the permanent allocations and the scratch region. */
let top = REGION_ALIGN;
let scratchBase = -1;
let scratchSize = 0;

/** `x` bytes rounded up to a whole number of regions' alignment (a cache line). */
export function alignUp(x: number): number {
  return Math.ceil(x / REGION_ALIGN) * REGION_ALIGN;
}

/**
 * The shared memory, created (one page) on first use.
 *
 * @throws Error when the runtime has no WebAssembly or cannot reserve even a 256 MiB memory.
 */
export function wasmMemory(): WasmMemory {
  if (memory === undefined) {
    if (webAssembly === undefined) throw new Error("wasm kernels: this runtime has no WebAssembly");
    let failure: unknown;
    for (const maximum of MAXIMA_TRIED) {
      try {
        memory = new webAssembly.Memory({ initial: 1, maximum, shared: true });
        maximumPages = maximum;
        break;
      } catch (error) {
        failure = error;
      }
    }
    if (memory === undefined) {
      throw new Error(
        `wasm kernels: cannot create a shared WebAssembly memory (${String(failure)})`,
      );
    }
    refreshView();
  }
  return memory;
}

/** Whether the shared memory exists or can be created. */
export function memoryAvailable(): boolean {
  try {
    wasmMemory();
    return true;
  } catch {
    return false;
  }
}

function refreshView(): void {
  const buffer = wasmMemory().buffer;
  buffers.add(buffer);
  heap = new Float32Array(buffer);
}

/** A Float32Array over the whole memory (replaced after each growth; cheap to call). */
export function heapF32(): Float32Array<ArrayBufferLike> {
  wasmMemory();
  return heap;
}

/** Whether `x` is a view of the shared memory, so kernels can read or write it in place. */
export function isHeapView(x: ArrayBufferView): boolean {
  const buffer = x.buffer;
  return buffer === heap.buffer || (buffer instanceof SharedArrayBuffer && buffers.has(buffer));
}

/** Grows the memory to hold `end` bytes plus the tail slack; false when past its maximum. */
function ensureBytes(end: number): boolean {
  const mem = wasmMemory();
  const have = mem.buffer.byteLength;
  const bytes = end + TAIL_SLACK;
  if (bytes <= have) return true;
  const pages = Math.ceil(bytes / PAGE_BYTES);
  if (pages > maximumPages) return false;
  // Grow by at least half again, so that a run of slightly larger products grows rarely.
  const want = Math.min(maximumPages, Math.max(pages, Math.ceil((have / PAGE_BYTES) * 1.5)));
  try {
    mem.grow(want - have / PAGE_BYTES);
  } catch {
    try {
      mem.grow(pages - have / PAGE_BYTES);
    } catch {
      return false;
    }
  }
  refreshView();
  return true;
}

/** Blocks given back with {@link releaseF32}, by byte size, for later allocations of that size. */
const released = new Map<number, number[]>();

/**
 * A Float32Array of `length` elements inside the shared memory; the Wasm kernels use such arrays
 * in place instead of copying them. A fresh block is zero-filled; a block given back earlier
 * with {@link releaseF32} (reused when the size matches) holds whatever it held.
 *
 * @throws RangeError when the memory cannot grow that far.
 */
export function allocateF32(length: number): Float32Array<ArrayBufferLike> {
  const a = allocateF32Within(length, Infinity);
  if (a === undefined) {
    throw new RangeError(
      `allocateF32: ${length} floats do not fit in the Wasm memory (${maximumPages} pages at most)`,
    );
  }
  return a;
}

/**
 * Like {@link allocateF32}, but `undefined` where a new block would take the memory's used bytes
 * past `limit` (or past its maximum); a given-back block of the same size is always reused.
 */
export function allocateF32Within(
  length: number,
  limit: number,
): Float32Array<ArrayBufferLike> | undefined {
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`allocateF32: length must be a non-negative integer, got ${length}`);
  }
  const reuse = released.get(alignUp(4 * length))?.pop();
  if (reuse !== undefined) return new Float32Array(heapF32().buffer, reuse, length);
  const base = top;
  const end = alignUp(base + 4 * length);
  if (end > limit || !ensureBytes(end)) return undefined;
  top = end;
  return new Float32Array(heap.buffer, base, length);
}

/**
 * Gives back the block of an array from {@link allocateF32} (its byte address and length) for
 * reuse; the array must not be used afterwards.
 */
export function releaseF32(address: number, length: number): void {
  const bytes = alignUp(4 * length);
  let list = released.get(bytes);
  if (list === undefined) released.set(bytes, (list = []));
  list.push(address);
}

/**
 * The byte address of the scratch region, holding at least `bytes` bytes, or -1 when the memory
 * cannot grow that far. Its contents are undefined on return; the region stays put until a
 * larger request or a permanent allocation follows.
 */
export function scratch(bytes: number): number {
  if (scratchBase >= 0 && bytes <= scratchSize) return scratchBase;
  const base = scratchBase >= 0 && scratchBase + scratchSize === top ? scratchBase : top;
  const size = alignUp(Math.max(bytes, scratchSize));
  if (!ensureBytes(base + size)) return -1;
  scratchBase = base;
  scratchSize = size;
  top = base + size;
  return base;
}

/** A module builder whose module imports the shared memory (as `env.memory`). */
export function sharedModule(maximum = MAXIMUM_PAGES): ModuleBuilder {
  return new ModuleBuilder().importMemory("env", "memory", { initial: 1, maximum, shared: true });
}

/** The exports of `module` (or of a module compiled from `bytes`) instantiated over the shared memory. */
export function instantiateShared(module: WasmModule | Uint8Array): Record<string, unknown> {
  const compiled = module instanceof Uint8Array ? new webAssembly!.Module(module) : module;
  return new webAssembly!.Instance(compiled, { env: { memory: wasmMemory() } }).exports;
}
