/**
 * Test helper: `bind` without its params type, for tests that hand a primitive hostile or
 * malformed params on purpose (the lowering must refuse them at run time).
 */
import { bind } from "../src/core.js";
import type { AnyPrimitive } from "../src/primitive.js";
import type { Tensor } from "../src/index.js";

/** Applies `prim` to `inputs` with `params` of any type. */
export const bindUnchecked = bind as (
  prim: AnyPrimitive,
  inputs: readonly Tensor[],
  params: unknown,
) => Tensor;
