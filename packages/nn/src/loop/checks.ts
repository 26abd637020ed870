/**
 * The checks and helpers the loop factories share: arguments (`log`, the model), batches, the
 * initial state given to `run`, and error context.
 */
import * as nx from "@dendrite/tensor";
import { Model } from "../model.js";
import { ModelState } from "../state.js";

/** The `log` option: a non-negative integer (default 50). */
export function checkLog(log: unknown, where: string): number {
  if (log === undefined) return 50;
  if (typeof log !== "number" || !Number.isInteger(log) || log < 0)
    throw new RangeError(
      `${where}: log must be a non-negative integer (0 = silent), got ${nx.show(log)}`,
    );
  return log;
}

/** The model argument of a loop factory. */
export function checkModel(model: unknown, where: string): Model<any> {
  if (!(model instanceof Model))
    throw new TypeError(
      `${where}: expected a model (nn.input(...).dense(...)), got ${nx.show(model)}`,
    );
  return model;
}

/** Checks that a batch is `[x, y]`. */
export function checkSupervisedBatch(batch: unknown, where: string): void {
  if (!Array.isArray(batch) || batch.length !== 2)
    throw new TypeError(
      `${where}: each batch must be [x, y] (inputs and targets), got ${nx.show(batch)}`,
    );
  const [x, y] = batch;
  if (!nx.isTensor(x) && (typeof x !== "object" || x === null))
    throw new TypeError(
      `${where}: the inputs x must be a tensor (or tensors by input name), got ${nx.show(x)}`,
    );
  if (y === undefined || y === null) throw new TypeError(`${where}: the targets y are missing`);
}

/** The ModelState in an initial state given to `run` (a ModelState, a run result, or nothing). */
export function toModelState(initState: unknown, where: string): ModelState | undefined {
  if (initState === undefined || initState === null) return undefined;
  if (initState instanceof ModelState) return initState;
  const ms = (initState as { modelState?: unknown }).modelState;
  if (ms instanceof ModelState) return ms;
  if (nx.isPlainObject(initState) && Object.keys(initState).length === 0) return undefined;
  throw new TypeError(
    `${where}: the initial state must be a ModelState (or {} / nothing to start fresh), got ${nx.show(initState)}`,
  );
}

/** `err` with `where` in front of its message. */
export function prefix(err: unknown, where: string): Error {
  if (err instanceof Error) {
    err.message = `${where}: ${err.message}`;
    return err;
  }
  return new Error(`${where}: ${String(err)}`);
}
