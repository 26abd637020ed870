/**
 * The JSON metadata of a loop checkpoint, checked field by field before a run is resumed from
 * it: positions are non-negative integers that agree with each other, the history and times are
 * numbers, names are strings. Errors start with `where` (`checkpoint: <file>`).
 */
import * as nx from "@dendrite/tensor";
import { isJsonObject, parseJson } from "../safe-json.js";
import type { EpochRecord } from "./state.js";

/** A JSON skeleton of a tree: tensors replaced by `{ $tensor: name }`. */
export type Skeleton = null | boolean | number | string | Skeleton[] | { [k: string]: Skeleton };

/** The checkpoint format this version writes and reads. */
export const FORMAT = 1;

/** What a checkpoint's `dendrite.loop` metadata holds. */
export interface CheckpointMeta {
  format: number;
  /** Where a resumed run starts: the epoch, the batch within it, and the batches run in all. */
  position: { epoch: number; iteration: number; total: number };
  maxEpoch: number;
  /** Iterations per epoch, or -1 for "until the data ends". */
  maxIteration: number;
  times: Record<number, number>;
  history: EpochRecord[];
  handlerMetadata: Record<string, unknown>;
  metricNames: string[];
  tree: Skeleton;
}

function count(x: unknown, what: string, where: string): number {
  if (!Number.isSafeInteger(x) || (x as number) < 0)
    throw new Error(`${where}: ${what} is ${nx.show(x)}; it must be a non-negative integer`);
  return x as number;
}

/** Parses and checks checkpoint metadata; `format` is checked first, so old files say so. */
export function parseCheckpointMeta(text: string, what: string, where: string): CheckpointMeta {
  const meta = parseJson(text, what, where);
  if (!isJsonObject(meta)) throw new Error(`${where}: ${what} is ${nx.show(meta)}, not an object`);
  if (meta.format !== FORMAT)
    throw new Error(
      `${where}: the checkpoint format is ${nx.show(meta.format)}; this version reads ${FORMAT}`,
    );
  const p = meta.position;
  if (!isJsonObject(p)) throw new Error(`${where}: position is ${nx.show(p)}, not an object`);
  const position = {
    epoch: count(p.epoch, "position.epoch", where),
    iteration: count(p.iteration, "position.iteration", where),
    total: count(p.total, "position.total", where),
  };
  const maxEpoch = count(meta.maxEpoch, "maxEpoch", where);
  const maxIteration =
    meta.maxIteration === -1 ? -1 : count(meta.maxIteration, "maxIteration", where);
  if (position.iteration > position.total)
    throw new Error(
      `${where}: position.iteration ${position.iteration} is more than the ${position.total} iterations run in all`,
    );
  if (maxIteration >= 0 && position.iteration > maxIteration)
    throw new Error(
      `${where}: position.iteration ${position.iteration} is past the ${maxIteration} iterations of an epoch`,
    );
  return {
    format: FORMAT,
    position,
    maxEpoch,
    maxIteration,
    times: checkTimes(meta.times, where),
    history: checkHistory(meta.history, position.epoch, where),
    handlerMetadata: checkObject(meta.handlerMetadata, "handlerMetadata", where),
    metricNames: checkNames(meta.metricNames, where),
    tree: meta.tree as Skeleton,
  };
}

function checkObject(x: unknown, what: string, where: string): Record<string, unknown> {
  if (!isJsonObject(x)) throw new Error(`${where}: ${what} is ${nx.show(x)}, not an object`);
  return x;
}

function checkTimes(x: unknown, where: string): Record<number, number> {
  const out: Record<number, number> = {};
  for (const [k, v] of Object.entries(checkObject(x, "times", where))) {
    if (!/^\d+$/.test(k) || typeof v !== "number" || !(v >= 0))
      throw new Error(
        `${where}: times has ${nx.show(k)}: ${nx.show(v)}; expected epoch: milliseconds`,
      );
    out[Number(k)] = v;
  }
  return out;
}

/** The history: one record per epoch with numbers (null, for a metric that was not finite, is NaN). */
function checkHistory(x: unknown, epoch: number, where: string): EpochRecord[] {
  if (!Array.isArray(x)) throw new Error(`${where}: history is ${nx.show(x)}, not an array`);
  return x.map((r: unknown, i) => {
    const what = `history[${i}]`;
    const rec = checkObject(r, what, where);
    const e = count(rec.epoch, `${what}.epoch`, where);
    if (e > epoch)
      throw new Error(`${where}: ${what} is of epoch ${e}, after the checkpoint's epoch ${epoch}`);
    count(rec.iterations, `${what}.iterations`, where);
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(rec)) {
      if (v !== null && typeof v !== "number")
        throw new Error(`${where}: ${what}.${k} is ${nx.show(v)}, not a number`);
      out[k] = v ?? Number.NaN;
    }
    return out as EpochRecord;
  });
}

function checkNames(x: unknown, where: string): string[] {
  if (!Array.isArray(x) || !x.every((s) => typeof s === "string"))
    throw new Error(`${where}: metricNames is ${nx.show(x)}, not an array of names`);
  return x as string[];
}
