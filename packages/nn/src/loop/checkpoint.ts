/**
 * Loop checkpoints: the whole loop state — model and optimizer tensors, metric accumulators,
 * counters, history and handler metadata — in one safetensors file, written atomically, so a run
 * resumed from it continues bit for bit as if it had never stopped.
 */
import fs from "node:fs/promises";
import * as nx from "@dendrite/tensor";
import { writeAtomic } from "../atomic.js";
import { IN_MEMORY, decodeSafetensors, encodeSafetensors } from "../safetensors.js";
import { isJsonObject } from "../safe-json.js";
import { ModelState } from "../state.js";
import { FORBIDDEN_SEGMENTS } from "../tree.js";
import {
  FORMAT,
  parseCheckpointMeta,
  type CheckpointMeta,
  type Skeleton,
} from "./checkpoint-meta.js";
import { type EventFilter, type LoopEvent } from "./events.js";
import { checkMode, improved, monitored, type MonitorMode } from "./handlers.js";
import type { ResumeState, StepDefinition } from "./definition.js";
import { fromSavedModelState } from "./saved-state.js";
import { LoopState, type EpochRecord } from "./state.js";

const META_KEY = "dendrite.loop";

/** Takes the tensors out of `tree` (into `tensors`, named by path) and returns its skeleton. */
function skeletonOf(tree: unknown, path: string, tensors: Record<string, nx.Tensor>): Skeleton {
  if (nx.isTensor(tree)) {
    tensors[path] = tree;
    return { $tensor: path };
  }
  if (Array.isArray(tree)) return tree.map((v, i) => skeletonOf(v, `${path}.${i}`, tensors));
  if (nx.isPlainObject(tree)) {
    const out: Record<string, Skeleton> = {};
    for (const [k, v] of Object.entries(tree)) {
      if (v === undefined) continue;
      if (k.includes(".") || k === "$tensor")
        throw new Error(`checkpoint: cannot save the key "${k}" at ${path} (it contains a dot)`);
      if (FORBIDDEN_SEGMENTS.has(k))
        throw new Error(`checkpoint: cannot save the key "${k}" at ${path} (a reserved name)`);
      out[k] = skeletonOf(v, `${path}.${k}`, tensors);
    }
    return out;
  }
  if (tree === null || ["boolean", "number", "string"].includes(typeof tree))
    return tree as Skeleton;
  if (tree === undefined) return null;
  throw new Error(`checkpoint: cannot save ${nx.show(tree)} at ${path} in the step state`);
}

/**
 * Rebuilds the step state from its skeleton: every `{ $tensor }` must name the tensor saved at
 * its own path (each used once, recorded in `used`); object keys must be names `skeletonOf`
 * writes (no dots, none of `FORBIDDEN_SEGMENTS`), so the objects built hold only own data keys.
 */
function treeOf(
  skeleton: unknown,
  path: string,
  tensors: Record<string, nx.Tensor>,
  used: Set<string>,
  where: string,
): unknown {
  if (Array.isArray(skeleton))
    return skeleton.map((s, i) => treeOf(s, `${path}.${i}`, tensors, used, where));
  if (isJsonObject(skeleton)) {
    if (Object.hasOwn(skeleton, "$tensor")) {
      const name = skeleton.$tensor;
      if (name !== path || Object.keys(skeleton).length !== 1)
        throw new Error(
          `${where}: the step state at ${path} refers to the tensor ${nx.show(name)}; expected "${path}"`,
        );
      if (!Object.hasOwn(tensors, path))
        throw new Error(`${where}: the file lacks the tensor "${path}"`);
      used.add(path);
      return tensors[path];
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(skeleton)) {
      if (k.includes(".") || FORBIDDEN_SEGMENTS.has(k))
        throw new Error(
          `${where}: the step state at ${path} has the key "${k}", which is not allowed`,
        );
      out[k] = treeOf(v, `${path}.${k}`, tensors, used, where);
    }
    return out;
  }
  if (skeleton === null || ["boolean", "number", "string"].includes(typeof skeleton))
    return skeleton;
  throw new Error(`${where}: the step state at ${path} is ${nx.show(skeleton)}`);
}

/** JSON of handler metadata, leaving out what JSON cannot hold (functions, tensors become arrays). */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (k, v) => {
      if (k === "__proto__")
        throw new Error('checkpoint: handlerMetadata has a "__proto__" key, which cannot be saved');
      return nx.isTensor(v) ? v.toArray() : typeof v === "function" ? undefined : v;
    }) ?? "null",
  );
}

/** True when a float tensor of the tree holds NaN or ±Infinity. */
function hasNonFinite(tree: unknown): boolean {
  if (nx.isTensor(tree)) {
    if (tree.dtype !== "f32" && tree.dtype !== "f64") return false;
    return nx.any(nx.logicalOr(nx.isNan(tree), nx.isInfinite(tree))).toNumber() !== 0;
  }
  if (Array.isArray(tree)) return tree.some(hasNonFinite);
  if (nx.isPlainObject(tree)) return Object.values(tree).some(hasNonFinite);
  return false;
}

/** The history, its last record brought up to date when saved at the end of an epoch. */
function currentHistory(state: LoopState<any>): EpochRecord[] {
  const last = state.history.at(-1);
  const atEpochEnd = state.event === "epochCompleted" || state.event === "epochHalted";
  if (!last || !atEpochEnd || last.epoch !== state.epoch) return state.history;
  return [...state.history.slice(0, -1), { ...last, ...state.metrics }];
}

/** The bytes of a checkpoint of `state`. */
export function encodeCheckpoint(state: LoopState<any>): Uint8Array {
  const tensors: Record<string, nx.Tensor> = {};
  const tree = skeletonOf(state._savedTree, "step", tensors);
  state._metricValues.forEach((t, i) => (tensors[`metric.${i}`] = t));
  if (state._counter) tensors["counter"] = state._counter;
  const meta: CheckpointMeta = {
    format: FORMAT,
    position: { ...state._position },
    maxEpoch: state.maxEpoch,
    maxIteration: state.maxIteration,
    times: state.times,
    history: currentHistory(state),
    handlerMetadata: jsonSafe(state.handlerMetadata) as Record<string, unknown>,
    metricNames: [...state._metricNames],
    tree,
  };
  return encodeSafetensors(tensors, { [META_KEY]: JSON.stringify(meta) });
}

/** A checkpoint read back: the model state in it, and what `run` needs to resume. */
export interface Checkpoint extends ResumeState {
  /** The model state saved (for a trainer or evaluator checkpoint). */
  readonly modelState: ModelState | undefined;
  /** Where the resumed run starts: the epoch and the batch within it. */
  readonly epoch: number;
  readonly iteration: number;
  /** The history up to the checkpoint. */
  readonly history: EpochRecord[];
  /** The handler metadata saved. */
  readonly handlerMetadata: Record<string, unknown>;
}

/** The message of an error, prefixed with `where` unless it already names a loader. */
function loaderError(err: unknown, where: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (
    err instanceof Error &&
    (message.startsWith(`${where}:`) || message.startsWith("safetensors: "))
  )
    return err;
  return new Error(`${where}: ${message}`, { cause: err });
}

/** The model state in a trainer's saved step state `{ modelState: { parameters, state }, frozen }`. */
function modelStateOf(tree: unknown, where: string): ModelState | undefined {
  if (!nx.isPlainObject(tree)) return undefined;
  const ms = tree.modelState;
  if (!nx.isPlainObject(ms) || !nx.isPlainObject(ms.parameters)) return undefined;
  return fromSavedModelState({ ...ms, frozen: tree.frozen }, where, "step.modelState.");
}

/**
 * Checks that `saved` has the structure of `wanted`: the same tensors (shapes and dtypes), array
 * lengths and object keys, and values of the same types elsewhere. Names the first difference.
 */
function sameStructure(saved: unknown, wanted: unknown, path: string, where: string): void {
  const differ = (): never => {
    const what = nx.isTensor(saved) || nx.isTensor(wanted) ? "tensor" : "the step state at";
    throw new Error(
      `${where}: ${what === "tensor" ? `tensor "${path}"` : `${what} ${path}`} is ${nx.describeValue(saved)}, this run expects ${nx.describeValue(wanted)}`,
    );
  };
  if (nx.isTensor(wanted)) {
    if (
      !nx.isTensor(saved) ||
      saved.dtype !== wanted.dtype ||
      saved.shape.join() !== wanted.shape.join()
    )
      differ();
  } else if (Array.isArray(wanted)) {
    if (!Array.isArray(saved) || saved.length !== wanted.length) differ();
    wanted.forEach((w, i) => sameStructure((saved as unknown[])[i], w, `${path}.${i}`, where));
  } else if (nx.isPlainObject(wanted)) {
    if (!nx.isPlainObject(saved)) return differ();
    const keys = Object.keys(wanted);
    for (const k of Object.keys(saved))
      if (!Object.hasOwn(wanted, k))
        throw new Error(
          `${where}: the step state at ${path}.${k} is not part of this run's step state`,
        );
    for (const k of keys) {
      if (wanted[k] === undefined) continue; // never saved
      if (!Object.hasOwn(saved, k))
        throw new Error(
          `${where}: the file lacks the step state at ${path}.${k} (${nx.describeValue(wanted[k])}) that this run needs`,
        );
      sameStructure(saved[k], wanted[k], `${path}.${k}`, where);
    }
  } else if (
    typeof saved !== typeof wanted ||
    nx.isTensor(saved) ||
    Array.isArray(saved) ||
    nx.isPlainObject(saved)
  )
    differ();
}

/**
 * Checks the saved step state against the one this run makes from `batch` and the saved model
 * state: the same structure and tensor types. The error names the first place that differs.
 */
function checkAgainstRun(
  tree: unknown,
  definition: StepDefinition<any>,
  batch: unknown,
  where: string,
): void {
  let expected: unknown;
  try {
    const ms = definition.modelState?.(definition.fromSaved ? definition.fromSaved(tree) : tree);
    if (!(ms instanceof ModelState)) return;
    const made = definition.init(batch, ms);
    expected = definition.toSaved ? definition.toSaved(made) : made;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${where}: the saved step state does not fit this run (${message})`, {
      cause: err,
    });
  }
  sameStructure(tree, expected, "step", where);
}

/** Reads checkpoint bytes; errors start with `checkpoint:` and `file` (what to call the bytes). */
export function decodeCheckpoint(bytes: Uint8Array, file: string = IN_MEMORY): Checkpoint {
  const where = `checkpoint: ${file}`;
  try {
    return decodeIn(bytes, file, where);
  } catch (err) {
    throw loaderError(err, where);
  }
}

function decodeIn(bytes: Uint8Array, file: string, where: string): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes, file);
  const raw = metadata[META_KEY];
  if (raw === undefined)
    throw new Error(
      `${where}: the file is not a loop checkpoint (no "${META_KEY}" metadata); a model saved with save() loads with load()`,
    );
  const meta = parseCheckpointMeta(raw, `metadata "${META_KEY}"`, where);
  const used = new Set<string>();
  const tree = treeOf(meta.tree, "step", tensors, used, where);
  const metricValues = meta.metricNames.map((name, i) => {
    const t = tensors[`metric.${i}`];
    if (!t) throw new Error(`${where}: the file lacks the accumulator of metric "${name}"`);
    if (t.rank !== 0)
      throw new Error(
        `${where}: the accumulator of metric "${name}" is ${nx.formatType(t.shape, t.dtype)}, not a scalar`,
      );
    used.add(`metric.${i}`);
    return t;
  });
  const counter = tensors["counter"];
  if (counter !== undefined) {
    if (counter.rank !== 0 || counter.dtype !== "s32")
      throw new Error(
        `${where}: the tensor "counter" is ${nx.formatType(counter.shape, counter.dtype)}, not an s32 scalar`,
      );
    used.add("counter");
  }
  for (const name of Object.keys(tensors))
    if (!used.has(name))
      throw new Error(`${where}: the tensor "${name}" belongs to no part of the loop state`);
  const modelState = modelStateOf(tree, where);
  return {
    kind: "dendrite.loop-checkpoint",
    modelState,
    epoch: meta.position.epoch,
    iteration: meta.position.iteration,
    history: meta.history,
    handlerMetadata: meta.handlerMetadata,
    restore(state) {
      state.epoch = meta.position.epoch;
      state.iteration = meta.position.iteration;
      state.maxEpoch = meta.maxEpoch;
      state.maxIteration = meta.maxIteration;
      state.totalIterations = meta.position.total;
      state.times = { ...meta.times };
      state.history = meta.history.map((r) => ({ ...r }));
      state.handlerMetadata = structuredClone(meta.handlerMetadata) as Record<string, any>;
      try {
        state._savedTree = tree;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(`${where}: the saved step state does not fit this run (${message})`, {
          cause: err,
        });
      }
      state._metricNames = meta.metricNames;
      state._resetMetrics(metricValues, counter ?? nx.tensor(0, { dtype: "s32" }));
      state._position = { ...meta.position };
    },
    check(definition, batch) {
      checkAgainstRun(tree, definition, batch, where);
    },
  };
}

/**
 * Reads a checkpoint written by `loop.checkpoint(...)`. Pass it to `run` to resume:
 * `await trainer(...).run(data, await loadCheckpoint(file), { epochs })`; its `modelState` holds
 * the model's tensors at that point. Errors start with `checkpoint:` and the file name.
 */
export async function loadCheckpoint(file: string): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(file));
  } catch (err) {
    throw new Error(`checkpoint: ${file}: cannot read the file (${(err as Error).message})`, {
      cause: err,
    });
  }
  return decodeCheckpoint(bytes, file);
}

/** Options of `loop.checkpoint`. */
export interface CheckpointOptions<S> {
  /** The file (default `"checkpoint/latest.ckpt"`), or a function of the state giving it. */
  path?: string | ((state: LoopState<S>) => string);
  /** When to write (default: epochCompleted, every time). */
  event?: LoopEvent;
  filter?: EventFilter<LoopState<S>>;
  /** Write only when this metric improved (e.g. `"validation_loss"`): a best-model checkpoint. */
  criteria?: string;
  /** For `criteria`: "min" (default) or "max". */
  mode?: MonitorMode;
}

/**
 * A handler writing the loop state to a file atomically (a temporary file, then a rename), so the
 * last good checkpoint survives a crash mid-write. A state with a non-finite loss or non-finite
 * tensors is never written: the previous checkpoint stays.
 */
export function checkpointHandler<S>(options: CheckpointOptions<S> = {}) {
  const where = "checkpoint";
  const path = options.path ?? "checkpoint/latest.ckpt";
  if (typeof path !== "string" && typeof path !== "function")
    throw new TypeError(
      `${where}: path must be a file name or a function of the state, got ${nx.show(path)}`,
    );
  const mode = checkMode(options.mode ?? "min", where);
  const criteria = options.criteria;
  return async (state: LoopState<S>) => {
    if (criteria !== undefined) {
      const value = monitored(state, criteria, where);
      const meta = (state.handlerMetadata.checkpoint ??= {}) as Record<string, number>;
      if (!improved(value, meta[criteria], mode)) return;
      meta[criteria] = value;
    }
    const metrics = state.metrics;
    const bad = Object.entries(metrics).find(([, v]) => !Number.isFinite(v));
    if ((bad && bad[0] === "loss") || hasNonFinite(state._savedTree)) {
      const why = bad ? `${bad[0]} is ${bad[1]}` : "the step state holds NaN or Infinity";
      process.stderr.write(
        `${where}: not written at epoch ${state.epoch}, batch ${state.iteration} (${why}); the previous checkpoint is kept\n`,
      );
      return;
    }
    const file = typeof path === "function" ? path(state) : path;
    await writeAtomic(file, encodeCheckpoint(state));
  };
}
