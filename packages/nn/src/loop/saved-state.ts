/**
 * The form of the loops' step states in checkpoint files (unchanged since the first format): a
 * model state is saved as `{ parameters, state }` with its frozen names beside it. One reader,
 * checked, serves the trainer, the evaluator and `loadCheckpoint`.
 */
import * as nx from "@dendrite/tensor";
import { ModelState, type ParameterTree } from "../state.js";

/** A model state as checkpoint files hold it. */
export interface SavedModelState {
  parameters: ParameterTree;
  state: ParameterTree;
  frozen: readonly string[];
}

/** The saved form of `ms`. */
export function toSavedModelState(ms: ModelState): SavedModelState {
  return { parameters: ms.parameters, state: ms.state, frozen: [...ms.frozen] };
}

/**
 * The model state saved as `{ parameters, state, frozen }` (read from a file: every part is
 * checked; errors name the part, as found under `path`, and start with `where`).
 */
export function fromSavedModelState(
  saved: { parameters?: unknown; state?: unknown; frozen?: unknown },
  where: string,
  path: string,
): ModelState {
  const layers = (x: unknown, what: string) => {
    if (x === undefined) return {};
    if (!nx.isPlainObject(x)) throw new Error(`${where}: ${what} is ${nx.show(x)}, not an object`);
    for (const [layer, ts] of Object.entries(x)) {
      if (!nx.isPlainObject(ts) || !Object.values(ts).every(nx.isTensor))
        throw new Error(`${where}: ${what}.${layer} is not an object of tensors`);
    }
    return x as ParameterTree;
  };
  const frozen = saved.frozen ?? [];
  if (!Array.isArray(frozen) || !frozen.every((f) => typeof f === "string"))
    throw new Error(`${where}: the frozen names are ${nx.show(frozen)}, not a list of strings`);
  return new ModelState(
    layers(saved.parameters, `${path}parameters`),
    layers(saved.state, `${path}state`),
    frozen,
  );
}
