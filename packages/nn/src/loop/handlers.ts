/**
 * Built-in handlers (Axon's): validation metrics, early stopping, learning-rate reduction on a
 * plateau and pushing a metric to a live chart. The loop's methods (`validate`, `earlyStop`,
 * `reduceLrOnPlateau`, `plot`) attach them; checkpoints live in `checkpoint.ts`.
 */
import * as nx from "@dendrite/tensor";
import * as optimizersLib from "../optimizers/index.js";
import type { LoopState } from "./state.js";
import { ModelState } from "../state.js";

/** Whether a smaller (`"min"`, losses) or a larger (`"max"`, accuracies) value is better. */
export type MonitorMode = "min" | "max";

/** The value of metric `monitor`, or a clear error listing the metrics there are. */
export function monitored(state: LoopState<any>, monitor: string, where: string): number {
  const metrics = state.metrics;
  if (!(monitor in metrics))
    throw new Error(
      `${where}: no metric "${monitor}" to monitor; the metrics are ${Object.keys(metrics).join(", ") || "(none)"}` +
        (monitor.startsWith("validation_") ? " (add loop.validate(data) before this handler)" : ""),
    );
  return metrics[monitor]!;
}

/** True when `value` is better than `best` by more than `minDelta`. */
export function improved(
  value: number,
  best: number | undefined,
  mode: MonitorMode,
  minDelta = 0,
): boolean {
  if (best === undefined || Number.isNaN(best)) return !Number.isNaN(value);
  return mode === "min" ? value < best - minDelta : value > best + minDelta;
}

export function checkMode(mode: unknown, where: string): MonitorMode {
  if (mode !== "min" && mode !== "max")
    throw new RangeError(`${where}: mode must be "min" or "max", got ${nx.show(mode)}`);
  return mode;
}

export function checkPositiveInt(v: unknown, name: string, where: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
    throw new RangeError(`${where}: ${name} must be a non-negative integer, got ${nx.show(v)}`);
  return v;
}

/** Options of `earlyStop` and `reduceLrOnPlateau`. */
export interface PlateauOptions {
  /** `"min"` (default) or `"max"`. */
  mode?: MonitorMode;
  /** Events without improvement to wait for (default 3). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
}

interface PlateauMeta {
  best: number | undefined;
  since: number;
}

/**
 * Tracks `monitor` in `state.handlerMetadata[key][monitor]`; returns true when it has not improved
 * for `patience` events in a row (and then starts counting again).
 */
function plateau(
  state: LoopState<any>,
  key: string,
  monitor: string,
  options: Required<PlateauOptions>,
  where: string,
): boolean {
  const value = monitored(state, monitor, where);
  const all = (state.handlerMetadata[key] ??= {}) as Record<string, PlateauMeta>;
  const meta = (all[monitor] ??= { best: undefined, since: 0 });
  if (improved(value, meta.best, options.mode, options.minDelta)) {
    meta.best = value;
    meta.since = 0;
    return false;
  }
  meta.since++;
  if (meta.since >= options.patience) {
    meta.since = 0;
    return true;
  }
  return false;
}

function plateauOptions(options: PlateauOptions, where: string): Required<PlateauOptions> {
  const mode = checkMode(options.mode ?? "min", where);
  const patience = checkPositiveInt(options.patience ?? 3, "patience", where);
  const minDelta = options.minDelta ?? 0;
  if (typeof minDelta !== "number" || !(minDelta >= 0))
    throw new RangeError(`${where}: minDelta must be a number ≥ 0, got ${nx.show(minDelta)}`);
  return { mode, patience, minDelta };
}

/** Options of `earlyStop`. */
export interface EarlyStopOptions extends PlateauOptions {
  /**
   * When it stops the loop, put back the model state of the best epoch seen by this run (Keras'
   * `restore_best_weights`; default false). A run resumed from a checkpoint restores only states it
   * saw itself.
   */
  restoreBestWeights?: boolean;
}

/**
 * Halts the loop when `monitor` has not improved for `patience` events (Keras' meaning: with
 * patience 3, the third event in a row without improvement stops training).
 */
export function earlyStopHandler(monitor: string, options: EarlyStopOptions = {}) {
  const where = "earlyStop";
  if (typeof monitor !== "string") throw new TypeError(`${where}: name the metric to monitor`);
  const opts = plateauOptions(options, where);
  const restore = options.restoreBestWeights ?? false;
  if (typeof restore !== "boolean")
    throw new TypeError(
      `${where}: restoreBestWeights must be true or false, got ${nx.show(restore)}`,
    );
  // The best state per run: keyed by the run's plateau record, which every new run makes afresh.
  const bests = new WeakMap<PlateauMeta, { modelState: ModelState; epoch: number }>();
  return (state: LoopState<any>) => {
    const stop = plateau(state, "earlyStop", monitor, opts, where);
    const step = state.stepState as { modelState?: ModelState };
    if (restore && !(step?.modelState instanceof ModelState))
      throw new Error(`${where}: restoreBestWeights needs a loop with a model state (a trainer)`);
    const meta = (state.handlerMetadata.earlyStop as Record<string, PlateauMeta>)[monitor]!;
    if (!stop) {
      if (restore && meta.since === 0)
        bests.set(meta, { modelState: step.modelState!, epoch: state.epoch });
      return "continue" as const;
    }
    state.haltReason = `earlyStop: ${monitor} did not improve for ${opts.patience} epochs`;
    const best = bests.get(meta);
    if (restore && best) {
      step.modelState = best.modelState;
      state.haltReason += `; restored the model state of epoch ${best.epoch}`;
    }
    return "haltLoop" as const;
  };
}

/** Options of `reduceLrOnPlateau`. */
export interface ReduceLrOptions extends PlateauOptions {
  /** What the learning rate is multiplied by (default 0.1). */
  factor?: number;
}

/** True when an optimizer state holds a numeric learning rate (a `scale` tensor). */
function hasScale(x: unknown): boolean {
  if (Array.isArray(x)) return x.some(hasScale);
  if (nx.isPlainObject(x)) return Object.entries(x).some(([k, v]) => k === "scale" || hasScale(v));
  return false;
}

/**
 * Multiplies the optimizer's learning rate by `factor` when `monitor` has not improved for
 * `patience` events. Needs an optimizer with a numeric learning rate (kept in its state), not a
 * schedule.
 */
export function reduceLrOnPlateauHandler(monitor: string, options: ReduceLrOptions = {}) {
  const where = "reduceLrOnPlateau";
  if (typeof monitor !== "string") throw new TypeError(`${where}: name the metric to monitor`);
  const opts = plateauOptions(options, where);
  const factor = options.factor ?? 0.1;
  if (typeof factor !== "number" || !(factor > 0 && factor < 1))
    throw new RangeError(`${where}: factor must be between 0 and 1, got ${nx.show(factor)}`);
  return (state: LoopState<any>) => {
    const step = state.stepState as { optimizerState?: unknown };
    if (!step || step.optimizerState === undefined)
      throw new Error(`${where}: this loop has no optimizer state (use it on a trainer)`);
    if (!hasScale(step.optimizerState))
      throw new Error(
        `${where}: the optimizer keeps no learning rate in its state (a schedule?); give it a numeric learningRate`,
      );
    if (plateau(state, "reduceLrOnPlateau", monitor, opts, where)) {
      step.optimizerState = optimizersLib.scaleLearningRate(
        step.optimizerState as optimizersLib.OptState,
        factor,
      );
    }
    return "continue" as const;
  };
}

/** Anything with `push(point)`: a live chart from `@dendrite/live`, an array, your own sink. */
export interface PointSink {
  push(point: Record<string, number>): unknown;
}

/**
 * Pushes `{ step, epoch, [metric]: value }` to `sink` (Axon's `kino_vega_lite_plot`): `step` is the
 * number of iterations completed over the whole run.
 */
export function plotHandler(sink: PointSink, metric: string) {
  const where = "plot";
  if (!sink || typeof (sink as PointSink).push !== "function")
    throw new TypeError(
      `${where}: expected something with a push(point) method (a live chart), got ${nx.show(sink)}`,
    );
  if (typeof metric !== "string") throw new TypeError(`${where}: name the metric to plot`);
  return (state: LoopState<any>) => {
    const value = monitored(state, metric, where);
    const iterationEvent =
      state.event === "iterationStarted" || state.event === "iterationCompleted";
    const step = state.totalIterations + (iterationEvent ? 1 : 0);
    const r = sink.push({ step, epoch: state.epoch, [metric]: value });
    if (r instanceof Promise) return r.then(() => undefined);
    return undefined;
  };
}
