/**
 * The Wasm matmul entry point: takes JavaScript Float32Arrays, copies the operands into the
 * shared memory's scratch region (unless they already live in the memory), runs the GEMM on one
 * or more threads, sums a k split's partial products in part order, and copies the output back.
 * Once warm it allocates nothing: the scratch region is reused and grows only when a larger
 * product arrives.
 */
import { gemmWorkspaceBytes, packedBBytes } from "./gemm.js";
import { gemmKernel } from "./instance.js";
import { alignUp, heapF32, isHeapView, scratch } from "./memory.js";
import { chooseSplit, Split, writePackParts, writeParts, type GemmProblem } from "./plan.js";
import { getThreads, PART_BASE, partTable, runParts } from "./threads.js";

/** The problem description handed to the planner (one object, reused). */
const problem: GemmProblem = {
  batch: 0,
  m: 0,
  n: 0,
  k: 0,
  transA: false,
  transB: false,
  a: 0,
  b: 0,
  c: 0,
  partials: 0,
  packedB: 0,
};

/** A cached view of the heap, so copying out allocates nothing for repeated shapes. */
class ViewCache {
  private view: Float32Array<ArrayBufferLike> = new Float32Array(0);
  /** A view of `length` floats at byte address `address` of the current heap. */
  get(address: number, length: number): Float32Array<ArrayBufferLike> {
    const heap = heapF32();
    const v = this.view;
    if (v.buffer !== heap.buffer || v.byteOffset !== address || v.length !== length) {
      this.view = new Float32Array(heap.buffer, address, length);
    }
    return this.view;
  }
}
const output = new ViewCache();

/** The first `length` elements of `x` (x itself when it has exactly that many). */
function prefix(x: Float32Array, length: number): Float32Array {
  return x.length === length ? x : x.subarray(0, length);
}

/**
 * `out[i] = op(a[i]) · op(b[i])` for `i` in `0..batch-1`, in f32 on the Wasm GEMM, with the
 * layout and contract of the JavaScript kernel `matmul` in kernels/matmul.ts: row-major
 * contiguous arrays, `a` is `[batch, m, k]` (`[batch, k, m]` when `transA`), `b` is
 * `[batch, k, n]` (`[batch, n, k]` when `transB`), `out` is `[batch, m, n]`, fully overwritten
 * (zeros when `k = 0`), and must not overlap `a` or `b`. Sizes are assumed checked by the caller.
 *
 * @returns false (and leaves `out` untouched) when the operands do not fit in the 4 GiB memory.
 */
export function wasmMatmul(
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  batch: number,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): boolean {
  const outLength = batch * m * n;
  if (outLength === 0) return true;
  if (k === 0) {
    out.fill(0, 0, outLength);
    return true;
  }
  const kernel = gemmKernel();
  const o = kernel.options;
  const threads = getThreads();
  problem.transA = transA;
  problem.transB = transB;
  const plan = chooseSplit(o, threads, batch, m, n, k, problem);
  const aLength = batch * m * k;
  const bLength = batch * k * n;
  const aInPlace = isHeapView(a);
  const bInPlace = isHeapView(b);
  const outInPlace = isHeapView(out);

  // Scratch layout: [A][B][C][partials or packed B][one workspace per thread that may run a part].
  const aBytes = aInPlace ? 0 : alignUp(4 * aLength);
  const bBytes = bInPlace ? 0 : alignUp(4 * bLength);
  const cBytes = outInPlace ? 0 : alignUp(4 * outLength);
  // Partial products of a k split, one after another (part i > 0 at (i - 1) · outLength floats).
  const partialBytes = plan.split === Split.k ? alignUp(4 * outLength * (plan.parts - 1)) : 0;
  // B packed whole, shared by the parts of a row split.
  const packedBytes = plan.packParts > 0 ? alignUp(batch * packedBBytes(o, n, k)) : 0;
  const workBytes = alignUp(gemmWorkspaceBytes(o, n));
  const runners = plan.parts > 1 ? threads : 1;
  const sharedBytes = Math.max(partialBytes, packedBytes);
  const base = scratch(aBytes + bBytes + cBytes + sharedBytes + runners * workBytes);
  if (base < 0) return false;

  problem.batch = batch;
  problem.m = m;
  problem.n = n;
  problem.k = k;
  problem.a = aInPlace ? a.byteOffset : base;
  problem.b = bInPlace ? b.byteOffset : base + aBytes;
  problem.c = outInPlace ? out.byteOffset : base + aBytes + bBytes;
  problem.partials = base + aBytes + bBytes + cBytes;
  problem.packedB = problem.partials;
  const workBase = problem.partials + sharedBytes;

  const heap = heapF32();
  if (!aInPlace) heap.set(prefix(a, aLength), problem.a >>> 2);
  if (!bInPlace) heap.set(prefix(b, bLength), problem.b >>> 2);
  if (plan.packParts > 0) {
    writePackParts(partTable(), PART_BASE, o, plan, problem);
    runParts(kernel, plan.packParts, runners, workBase, workBytes);
  }
  writeParts(partTable(), PART_BASE, o, plan, problem);
  runParts(kernel, plan.parts, runners, workBase, workBytes);
  if (plan.split === Split.k) {
    for (let i = 1; i < plan.parts; i++) {
      kernel.addInto(problem.c, problem.partials + (i - 1) * 4 * outLength, outLength);
    }
  }
  if (!outInPlace) out.set(output.get(problem.c, outLength));
  return true;
}
