/**
 * Results of compiled programs placed in the Wasm memory, so that the next program's Wasm kernels
 * read them in place (a training step's parameters and optimizer state go round without a copy).
 *
 * Such a block is counted by reference: every tensor made over it adds one ({@link retain}), and
 * {@link release} (from `dispose`) takes one away; at zero the block is the next result of its
 * size at once. Otherwise it goes back to the memory when its array is collected. New blocks stop
 * growing the memory past {@link OUTPUT_LIMIT_BYTES} (results then live in ordinary arrays), so a
 * loop that keeps making results faster than the collector finds them cannot take the memory over.
 */
import type { TypedArray } from "../dtype.js";
import { simdSupported } from "./features.js";
import { allocateF32Within, releaseF32 } from "./memory.js";

/** Used bytes of the Wasm memory up to which new result blocks may grow it. */
export const OUTPUT_LIMIT_BYTES = 256 * 2 ** 20;
/** Results larger than this stay in ordinary arrays (a dataset does not belong in the heap). */
const LARGEST_OUTPUT_BYTES = 64 * 2 ** 20;

/** Tensors over each result block that have not been disposed. */
const refs = new WeakMap<TypedArray, number>();
/**
 * Blocks given back by {@link release}, by length: kept as their arrays, which stay registered
 * with the collector, so handing one out again costs a lookup.
 */
const spare = new Map<number, Float32Array[]>();
const collected = new FinalizationRegistry<[address: number, length: number]>(([address, length]) =>
  releaseF32(address, length),
);

/**
 * A result block of `length` floats: one given back earlier, else a new one where the memory's
 * used bytes stay within `limit`; `undefined` otherwise (or without SIMD, or when too large).
 */
function resultBlock(length: number, limit: number): Float32Array | undefined {
  const reuse = spare.get(length)?.pop();
  if (reuse !== undefined) return reuse;
  if (4 * length > LARGEST_OUTPUT_BYTES || !simdSupported()) return undefined;
  const block = allocateF32Within(length, limit) as Float32Array | undefined;
  if (block !== undefined) {
    refs.set(block, 0);
    collected.register(block, [block.byteOffset, length], block);
  }
  return block;
}

/**
 * An array for a program's f32 result of `length` elements: a block of the Wasm memory where
 * there is room, else an ordinary array. Its contents are undefined (the program writes them all).
 */
export function outputF32(length: number): Float32Array {
  return resultBlock(length, OUTPUT_LIMIT_BYTES) ?? new Float32Array(length);
}

/**
 * A result block holding a copy of `data`, for an input that programs keep reading; `undefined`
 * once the memory's used bytes would pass half of {@link OUTPUT_LIMIT_BYTES} (the rest stays for
 * results).
 */
export function heapCopy(data: Float32Array): Float32Array | undefined {
  const block = resultBlock(data.length, OUTPUT_LIMIT_BYTES / 2);
  block?.set(data);
  return block;
}

/** Whether `data` is a result block (whose memory {@link release} may give back). */
export function isOutputBlock(data: TypedArray): boolean {
  return refs.has(data);
}

/**
 * Keeps a result block from ever being given back by {@link release} (the collector still takes
 * it): for views and copies of its array that the count does not see — a batch view, a constant
 * captured by a program.
 */
export function pin(data: TypedArray): void {
  if (refs.has(data)) refs.set(data, Infinity);
}

/** Counts one more tensor over `data` when it is a result block. */
export function retain(data: TypedArray): void {
  const n = refs.get(data);
  if (n !== undefined) refs.set(data, n + 1);
}

/**
 * Counts one tensor over `data` fewer; the last one gives the block back for reuse (no array over
 * it may be read afterwards). Arrays that are not result blocks are left to the collector.
 * Returns whether `data` is a result block.
 */
export function release(data: TypedArray): boolean {
  const n = refs.get(data);
  if (n === undefined || n === 0) return n === 0; // not a result block, or one already given back
  if (n > 1) {
    refs.set(data, n - 1);
    return true;
  }
  refs.set(data, 0);
  let list = spare.get(data.length);
  if (list === undefined) spare.set(data.length, (list = []));
  list.push(data as Float32Array);
  return true;
}
