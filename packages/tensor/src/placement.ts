/**
 * Where a tensor's elements live when programs read it. Wasm kernels read f32 arrays in the Wasm
 * memory; an input held in an ordinary array is copied in on every call. So the second time
 * programs read the same array, its values move into the Wasm memory for good: a result block
 * (wasm/outputs.ts) that every tensor over the array switches to when a program reads it, views
 * made by reshapes included. Weights loaded from a file, or operands multiplied again and again,
 * are then copied once; an array read once (a batch sliced from a dataset) is never moved. The
 * values do not change, only where they are. The block is pinned (several tensors may share it
 * without counting it): it goes back to the memory when the collector takes it, not on `dispose`.
 */
import type { Program } from "./compile/compiler.js";
import type { TypedArray } from "./dtype.js";
import type { Tensor } from "./tensor.js";
import { isHeapView } from "./wasm/memory.js";
import { heapCopy, pin } from "./wasm/outputs.js";

/** Ordinary arrays that programs have read once. */
const readOnce = new WeakSet<TypedArray>();
/** Ordinary arrays read again, and the block of the Wasm memory now holding their values. */
const movedTo = new WeakMap<TypedArray, Float32Array>();

/** The arrays to run `program` on for `inputs`, moving the ones programs keep reading. */
export function programInputs(program: Program, inputs: readonly Tensor[]): TypedArray[] {
  const data = inputs.map((t) => t._data!);
  for (const i of program.heapInputs) {
    const d = data[i]!;
    if (!(d instanceof Float32Array) || isHeapView(d)) continue;
    let block = movedTo.get(d);
    if (block === undefined) {
      if (!readOnce.has(d)) {
        readOnce.add(d);
        continue;
      }
      block = heapCopy(d);
      if (block === undefined) continue;
      pin(block);
      movedTo.set(d, block);
    }
    inputs[i]!._data = block;
    data[i] = block;
  }
  return data;
}
