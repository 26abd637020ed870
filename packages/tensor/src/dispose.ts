/** Giving tensors' memory back before the garbage collector would. */
import { Tensor } from "./tensor.js";
import { flattenTree, type TensorTree } from "./tree.js";
import { release } from "./wasm/outputs.js";

/**
 * Gives the memory of tensors you will not use again back now (as TensorFlow.js's `dispose`),
 * instead of when the garbage collector finds them: a large result living in the WebAssembly
 * memory is reused by the next program at once. Takes a tensor or a tree of them; traced tensors
 * and templates are left alone. A disposed tensor throws when read or used; other tensors sharing
 * its memory (a `reshape` of it) keep it until they are disposed or collected too. Returns how many
 * of the tensors lived in the WebAssembly memory (0: disposing them gave nothing back early).
 */
export function dispose(tensors: TensorTree): number {
  const leaves =
    tensors instanceof Tensor
      ? [tensors]
      : Array.isArray(tensors) && tensors.every((t) => t instanceof Tensor)
        ? (tensors as Tensor[])
        : flattenTree(tensors, "dispose").leaves;
  let resident = 0;
  for (const t of leaves) {
    const data = t._data;
    if (data === undefined) continue;
    t._data = undefined;
    t._disposed = true;
    if (release(data)) resident++;
  }
  return resident;
}
