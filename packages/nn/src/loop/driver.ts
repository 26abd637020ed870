/**
 * The driver of `Loop.run`: opens each epoch's batches, initialises or restores the loop state,
 * calls the compiled step batch by batch, halts on a non-finite loss, fires the events and
 * records each epoch's metrics.
 */
import * as nx from "@dendrite/tensor";
import type { CompiledStep } from "./compiled-step.js";
import type { ConsoleProgress } from "./console.js";
import {
  isResume,
  type LoopData,
  type LoopMetric,
  type Registered,
  type ResumeState,
  type RunOptions,
  type StepDefinition,
} from "./definition.js";
import { checkStatus, type HandlerStatus, type LoopEvent } from "./events.js";
import { LoopState, type EpochRecord } from "./state.js";

/** What a run needs of its loop. */
export interface LoopParts<S, Out> {
  readonly definition: StepDefinition<S>;
  readonly metrics: readonly LoopMetric[];
  readonly handlers: ReadonlyMap<LoopEvent, Registered<S>[]>;
  readonly progress: ConsoleProgress | undefined;
  readonly outputTransform: (state: LoopState<S>) => Out;
  readonly step: CompiledStep;
  /** Tells the loop how many batches an epoch has (for the progress line), when known. */
  setDataLength(length: number | undefined): void;
}

/**
 * Where `@dendrite/live` puts the function that sends every live chart's pending notebook update
 * (a process-wide key, so that neither package imports the other).
 */
const FLUSH_OUTPUTS = Symbol.for("dendrite.flushOutputs");

/** Sends pending notebook outputs (live charts), so a cell's last update arrives before it ends. */
async function flushOutputs(): Promise<void> {
  const flush = (globalThis as Record<symbol, unknown>)[FLUSH_OUTPUTS];
  if (typeof flush === "function") await (flush as () => Promise<void>)();
}

/** One `run` of a loop. */
export class LoopRun<S, Out> {
  constructor(private readonly parts: LoopParts<S, Out>) {}

  private get metricNames(): string[] {
    return this.parts.metrics.map((m) => m.name);
  }

  /** Runs the loop; when it ends (or fails), pending notebook outputs are sent before it returns. */
  async run(data: LoopData<any>, initState?: unknown, options?: RunOptions): Promise<Out> {
    try {
      return await this.runLoop(data, initState, options);
    } finally {
      await flushOutputs();
    }
  }

  private async runLoop(
    data: LoopData<any>,
    initState?: unknown,
    options?: RunOptions,
  ): Promise<Out> {
    if (options === undefined && isRunOptions(initState)) {
      options = initState as RunOptions;
      initState = undefined;
    }
    const kind = this.parts.definition.kind;
    const where = `${kind}.run`;
    checkRunOptions(options ?? {}, where);
    const source = nx.epochsOf(data, where);
    if (source.endless && options?.iterations === undefined)
      throw new Error(
        `${where}: the data never ends (repeat(...)); pass { iterations } to say how many batches make an epoch`,
      );
    this.parts.setDataLength(options?.iterations ?? source.length);

    const state = new LoopState<S>(this.parts.definition);
    state._metricNames = this.metricNames;
    const resumed = isResume(initState)
      ? initState
      : initState instanceof LoopState
        ? initState
        : undefined;
    if (resumed) {
      restoreState(state, resumed);
      state.maxEpoch = options?.epochs ?? state.maxEpoch;
      if (options?.iterations !== undefined) state.maxIteration = options.iterations;
      if (state._metricNames.join() !== this.metricNames.join())
        throw new Error(
          `${where}: the saved run had metrics ${state._metricNames.join(", ") || "(none)"}, this loop has ${this.metricNames.join(", ") || "(none)"}`,
        );
      if (state.maxIteration >= 0 && state.iteration > state.maxIteration)
        throw new Error(
          `${where}: the saved run is at batch ${state.iteration} of epoch ${state.epoch}, past the ${state.maxIteration} iterations of an epoch`,
        );
    } else {
      state.maxEpoch = options?.epochs ?? 1;
      state.maxIteration = options?.iterations ?? -1;
    }
    const step = this.parts.step;
    const startEpoch = state.epoch;
    const skip = state.iteration;

    // The first batch: to initialise the step state, and to refuse empty data early.
    let iterator = source.open(startEpoch);
    for (let k = 0; k < skip; k++)
      if ((await iterator.next()).done)
        throw new Error(
          `${where}: the data of epoch ${startEpoch} ended before the resumed batch ${skip}`,
        );
    const firstResult = await iterator.next();
    let pending: unknown = firstResult.done ? NO_BATCH : firstResult.value;
    if (pending === NO_BATCH && skip === 0)
      throw new Error(
        `${where}: the data gave no batches (an empty dataset, or a generator already used up); a loop needs at least one batch`,
      );
    if (!resumed) {
      this.parts.definition.checkBatch?.(pending, `${where}: batch 0`);
      state._tree = this.parts.definition.init(pending, initState);
    }

    // A checkpoint's step state is checked against this run's once a batch is at hand.
    let unchecked = isResume(resumed) ? resumed : undefined;
    const checkResumed = () => {
      if (unchecked && pending !== NO_BATCH) {
        const at = state.epoch === startEpoch ? skip : 0;
        this.parts.definition.checkBatch?.(pending, `${where}: epoch ${state.epoch}, batch ${at}`);
        unchecked.check?.(this.parts.definition, pending);
        unchecked = undefined;
      }
    };
    checkResumed();
    state.status = "running";
    let status = await this.fire("started", state);
    let epoch = startEpoch;
    while (status !== "haltLoop" && epoch < state.maxEpoch) {
      state.epoch = epoch;
      if (epoch !== startEpoch) {
        iterator = source.open(epoch);
        const r = await iterator.next();
        pending = r.done ? NO_BATCH : r.value;
      }
      checkResumed();
      if (epoch !== startEpoch || skip === 0) {
        state.iteration = 0;
        state._resetMetrics(
          this.parts.metrics.map(() => ZERO),
          COUNTER_ZERO,
        );
      }
      state._position = { epoch, iteration: state.iteration, total: state.totalIterations };
      this.parts.progress?.epochStarted();
      status = await this.fire("epochStarted", state);
      const t0 = performance.now();
      if (status === "continue") {
        status = await this.runEpoch(state, step, iterator, pending, where);
        if (state.iteration === 0 && status === "continue")
          throw new Error(
            `${where}: epoch ${epoch} got no batches: the data can only be read once (a generator object?); pass an array, batches(x, y, …), repeat(batch) with { iterations }, or an object with forEpoch(epoch)`,
          );
      }
      const ms = performance.now() - t0;
      if (status === "haltLoop") {
        if (state.iteration > 0) this.parts.progress?.epochCompleted(state); // keep the epoch's line
        break;
      }
      state.times[epoch] = ms;
      state._position = { epoch: epoch + 1, iteration: 0, total: state.totalIterations };
      this.record(state, ms);
      if (status === "haltEpoch") {
        status = await this.fire("epochHalted", state);
      } else {
        this.parts.progress?.epochCompleted(state);
        status = await this.fire("epochCompleted", state);
      }
      this.record(state, ms);
      if (status === "haltEpoch") status = "continue";
      epoch++;
    }
    if (status === "haltLoop") {
      state.status = "halted";
      state.haltReason ??= "a handler returned haltLoop";
    } else {
      state.status = "completed";
      state.epoch = epoch;
      state.iteration = 0;
    }
    return this.parts.outputTransform(state);
  }

  private record(state: LoopState<S>, ms: number): void {
    const rec: EpochRecord = { epoch: state.epoch, iterations: state.iteration, timeMs: ms };
    Object.assign(rec, state.metrics);
    const at = state.history.findIndex((r) => r.epoch === state.epoch);
    if (at >= 0) state.history[at] = rec;
    else state.history.push(rec);
  }

  private async runEpoch(
    state: LoopState<S>,
    step: CompiledStep,
    iterator: Iterator<unknown> | AsyncIterator<unknown>,
    pending: unknown,
    where: string,
  ): Promise<HandlerStatus> {
    const def = this.parts.definition;
    const started = this.parts.handlers.get("iterationStarted")!;
    const completed = this.parts.handlers.get("iterationCompleted")!;
    const progress = this.parts.progress;
    const lossAt = this.parts.metrics.findIndex((m) => m.fn === "loss");
    const max = state.maxIteration;
    let batch = pending;
    let checked: unknown = NO_BATCH;
    for (;;) {
      if (max >= 0 && state.iteration >= max) return "continue";
      if (batch === NO_BATCH) {
        const r = iterator.next();
        const res = (r instanceof Promise ? await r : r) as IteratorResult<unknown>;
        if (res.done) return "continue";
        batch = res.value;
      }
      if (checked === NO_BATCH || !sameForm(batch, checked)) {
        def.checkBatch?.(batch, `${where}: epoch ${state.epoch}, batch ${state.iteration}`);
        checked = batch;
      }
      if (started.length > 0) {
        const s = await this.fire("iterationStarted", state);
        if (s !== "continue") return s;
      }
      state._sync();
      let result: [nx.Tensor[] | null, string, unknown, unknown, nx.Tensor[], nx.Tensor];
      try {
        result = step(batch, state._leaves, state._specId, state._metricValues, state._counter!);
      } catch (err) {
        throw withContext(err, `${where}: epoch ${state.epoch}, batch ${state.iteration}`);
      }
      const [leaves, id, yPred, yTrue, values, counter] = result;
      if (lossAt >= 0) {
        const loss = values[lossAt]!.toNumber();
        if (!Number.isFinite(loss)) {
          state.haltReason =
            `the loss became ${loss} at epoch ${state.epoch}, batch ${state.iteration}; training halted and ` +
            "the model state is the one before that step (no checkpoint was written from it). " +
            "Try a lower learning rate, standardised features, or look for NaN/Infinity in the data.";
          // Said even with logging off: a run that stops on a NaN must never look like a success.
          process.stderr.write(`${progress ? "\n" : ""}${where}: ${state.haltReason}\n`);
          return "haltLoop";
        }
      }
      state._setStep(
        leaves,
        id,
        { yTrue: yTrue ?? (batch as unknown[])[1], yPred },
        values,
        counter,
      );
      state._position = {
        epoch: state.epoch,
        iteration: state.iteration + 1,
        total: state.totalIterations + 1,
      };
      if (completed.length > 0) {
        const s = await this.fire("iterationCompleted", state);
        if (s !== "continue") {
          state.iteration++;
          state.totalIterations++;
          return s;
        }
      }
      progress?.iterationCompleted(state, state.totalIterations);
      state.iteration++;
      state.totalIterations++;
      batch = NO_BATCH;
    }
  }

  private fire(event: LoopEvent, state: LoopState<S>): HandlerStatus | Promise<HandlerStatus> {
    const list = this.parts.handlers.get(event)!;
    if (list.length === 0) return "continue";
    const iterationEvent = event === "iterationStarted" || event === "iterationCompleted";
    const total = iterationEvent ? state.totalIterations : event === "started" ? 0 : state.epoch;
    const inEpoch = iterationEvent ? state.iteration : 0;
    state.event = event;
    for (let k = 0; k < list.length; k++) {
      const h = list[k]!;
      if (!h.filter(total, inEpoch, state)) continue;
      const r = h.fn(state);
      if (r instanceof Promise) return this.fireAsync(event, state, list, k, r, total, inEpoch);
      const s = checkStatus(r, event, k);
      if (s !== "continue") return s;
    }
    return "continue";
  }

  private async fireAsync(
    event: LoopEvent,
    state: LoopState<S>,
    list: Registered<S>[],
    at: number,
    pending: Promise<unknown>,
    total: number,
    inEpoch: number,
  ): Promise<HandlerStatus> {
    let s = checkStatus(await pending, event, at);
    if (s !== "continue") return s;
    for (let k = at + 1; k < list.length; k++) {
      const h = list[k]!;
      if (!h.filter(total, inEpoch, state)) continue;
      s = checkStatus(await h.fn(state), event, k);
      if (s !== "continue") return s;
    }
    return "continue";
  }
}

const NO_BATCH = Symbol("no batch");
const ZERO = nx.tensor(0, { dtype: "f32" });
const COUNTER_ZERO = nx.tensor(0, { dtype: "s32" });

/** True when two batches have the same structure, shapes and dtypes (cheap, for every step). */
function sameForm(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (nx.isTensor(a)) {
    if (!nx.isTensor(b) || a.dtype !== b.dtype || a.shape.length !== b.shape.length) return false;
    for (let i = 0; i < a.shape.length; i++) if (a.shape[i] !== b.shape[i]) return false;
    return true;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameForm(a[i], b[i])) return false;
    return true;
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every((k, i) => k === kb[i] && sameForm((a as any)[k], (b as any)[k]))
    );
  }
  return typeof a === typeof b;
}

function withContext(err: unknown, where: string): Error {
  if (err instanceof Error) {
    if (!err.message.startsWith(where)) err.message = `${where}: ${err.message}`;
    return err;
  }
  return new Error(`${where}: ${String(err)}`);
}

const RUN_KEYS = ["epochs", "iterations"];

/** Whether `x` looks like `run`'s options (so they may come second). */
function isRunOptions(x: unknown): boolean {
  if (typeof x !== "object" || x === null || Object.getPrototypeOf(x) !== Object.prototype)
    return false;
  const keys = Object.keys(x);
  return keys.length > 0 && keys.every((k) => RUN_KEYS.includes(k));
}

function checkRunOptions(options: RunOptions, where: string): void {
  if (typeof options !== "object" || options === null)
    throw new TypeError(`${where}: options must be an object { epochs, iterations }`);
  for (const k of Object.keys(options))
    if (!RUN_KEYS.includes(k))
      throw new RangeError(
        `${where}: unknown option ${JSON.stringify(k)}; use ${RUN_KEYS.join(", ")}`,
      );
  const { epochs, iterations } = options;
  if (epochs !== undefined && (!Number.isInteger(epochs) || epochs < 0))
    throw new RangeError(`${where}: epochs must be a non-negative integer, got ${nx.show(epochs)}`);
  if (iterations !== undefined && (!Number.isInteger(iterations) || iterations < 1))
    throw new RangeError(
      `${where}: iterations must be a positive integer, got ${nx.show(iterations)}`,
    );
}

function restoreState<S>(state: LoopState<S>, from: ResumeState | LoopState<S>): void {
  if (from instanceof LoopState) {
    state.epoch = from._position.epoch;
    state.maxEpoch = from.maxEpoch;
    state.iteration = from._position.iteration;
    state.maxIteration = from.maxIteration;
    state.totalIterations = from._position.total;
    state._position = { ...from._position };
    state.times = { ...from.times };
    state.handlerMetadata = from.handlerMetadata;
    state.history = from.history.slice();
    state._tree = from._tree;
    state._metricNames = from._metricNames;
    state._resetMetrics(from._metricValues.slice(), from._counter ?? COUNTER_ZERO);
    return;
  }
  from.restore(state);
}
