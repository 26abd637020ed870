/**
 * Loop checkpoints: the whole loop state — model and optimizer tensors, metric accumulators,
 * counters, history and handler metadata — in one safetensors file, written atomically, so a run
 * resumed from it continues bit for bit as if it had never stopped.
 */
import fs from "node:fs/promises";
import * as nx from "@dendrite/tensor";
import { decodeSafetensors, encodeSafetensors } from "../safetensors.js";
import { writeAtomic } from "../serialize.js";
import { ModelState } from "../state.js";
import { show, type EventFilter, type LoopEvent } from "./events.js";
import { checkMode, improved, monitored, type MonitorMode } from "./handlers.js";
import type { ResumeState } from "./loop.js";
import { LoopState, type EpochRecord } from "./state.js";

const META_KEY = "dendrite.loop";
const FORMAT = 1;

/** A JSON skeleton of a tree: tensors replaced by `{ $tensor: name }`. */
type Skeleton = null | boolean | number | string | Skeleton[] | { [k: string]: Skeleton };

interface CheckpointMeta {
  format: number;
  position: { epoch: number; iteration: number; total: number };
  maxEpoch: number;
  maxIteration: number;
  times: Record<number, number>;
  history: EpochRecord[];
  handlerMetadata: Record<string, unknown>;
  metricNames: string[];
  tree: Skeleton;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}

/** Takes the tensors out of `tree` (into `tensors`, named by path) and returns its skeleton. */
function skeletonOf(tree: unknown, path: string, tensors: Record<string, nx.Tensor>): Skeleton {
  if (nx.isTensor(tree)) {
    tensors[path] = tree;
    return { $tensor: path };
  }
  if (Array.isArray(tree)) return tree.map((v, i) => skeletonOf(v, `${path}.${i}`, tensors));
  if (isPlainObject(tree)) {
    const out: Record<string, Skeleton> = {};
    for (const [k, v] of Object.entries(tree)) {
      if (v === undefined) continue;
      if (k.includes(".") || k === "$tensor")
        throw new Error(`checkpoint: cannot save the key "${k}" at ${path} (it contains a dot)`);
      out[k] = skeletonOf(v, `${path}.${k}`, tensors);
    }
    return out;
  }
  if (tree === null || ["boolean", "number", "string"].includes(typeof tree))
    return tree as Skeleton;
  if (tree === undefined) return null;
  throw new Error(`checkpoint: cannot save ${show(tree)} at ${path} in the step state`);
}

function treeOf(skeleton: Skeleton, tensors: Record<string, nx.Tensor>, file: string): unknown {
  if (Array.isArray(skeleton)) return skeleton.map((s) => treeOf(s, tensors, file));
  if (isPlainObject(skeleton)) {
    const name = (skeleton as { $tensor?: unknown }).$tensor;
    if (typeof name === "string") {
      const t = tensors[name];
      if (!t) throw new Error(`loadCheckpoint: ${file} lacks the tensor "${name}"`);
      return t;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(skeleton)) out[k] = treeOf(v as Skeleton, tensors, file);
    return out;
  }
  return skeleton;
}

/** JSON of handler metadata, leaving out what JSON cannot hold (functions, tensors become arrays). */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v) =>
      nx.isTensor(v) ? v.toArray() : typeof v === "function" ? undefined : v,
    ) ?? "null",
  );
}

/** True when a float tensor of the tree holds NaN or ±Infinity. */
function hasNonFinite(tree: unknown): boolean {
  if (nx.isTensor(tree)) {
    if (tree.dtype !== "f32" && tree.dtype !== "f64") return false;
    const d = tree._data;
    if (!d) return false;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return true;
    return false;
  }
  if (Array.isArray(tree)) return tree.some(hasNonFinite);
  if (isPlainObject(tree)) return Object.values(tree).some(hasNonFinite);
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
  const tree = skeletonOf(state._tree, "step", tensors);
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

/** Reads checkpoint bytes (`file` names them in errors). */
export function decodeCheckpoint(bytes: Uint8Array, file = "the checkpoint"): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const raw = metadata[META_KEY];
  if (raw === undefined)
    throw new Error(
      `loadCheckpoint: ${file} is not a loop checkpoint (no "${META_KEY}" metadata); a model saved with save() loads with load()`,
    );
  const meta = JSON.parse(raw) as CheckpointMeta;
  if (meta.format !== FORMAT)
    throw new Error(
      `loadCheckpoint: ${file} has checkpoint format ${meta.format}; this version reads ${FORMAT}`,
    );
  const tree = treeOf(meta.tree, tensors, file);
  const metricValues = meta.metricNames.map((name, i) => {
    const t = tensors[`metric.${i}`];
    if (!t) throw new Error(`loadCheckpoint: ${file} lacks the accumulator of metric "${name}"`);
    return t;
  });
  const counter = tensors["counter"];
  const ms = (tree as { modelState?: { parameters?: unknown; state?: unknown }; frozen?: unknown })
    ?.modelState;
  const modelState =
    ms && isPlainObject(ms.parameters)
      ? new ModelState(
          ms.parameters as never,
          (ms.state ?? {}) as never,
          Array.isArray((tree as { frozen?: unknown }).frozen)
            ? (tree as { frozen: string[] }).frozen
            : [],
        )
      : undefined;
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
      state._tree = tree;
      state._metricNames = meta.metricNames;
      state._resetMetrics(metricValues, counter ?? nx.tensor(0, { dtype: "s32" }));
      state._position = { ...meta.position };
    },
  };
}

/**
 * Reads a checkpoint written by `loop.checkpoint(...)`. Pass it to `run` to resume:
 * `await trainer(...).run(data, await loadCheckpoint(file), { epochs })`; its `modelState` holds
 * the model's tensors at that point.
 */
export async function loadCheckpoint(file: string): Promise<Checkpoint> {
  return decodeCheckpoint(new Uint8Array(await fs.readFile(file)), file);
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
      `${where}: path must be a file name or a function of the state, got ${show(path)}`,
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
    if ((bad && bad[0] === "loss") || hasNonFinite(state._tree)) {
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
