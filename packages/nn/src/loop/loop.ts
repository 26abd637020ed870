/**
 * `Loop` (Axon.Loop): runs a step function over batches for some epochs, accumulates metrics and
 * fires events to handlers. The step and the metric updates are traced together into one `nx.jit`
 * program, compiled once per batch signature and reused by every epoch and every later `run`.
 */
import * as nx from "@dendrite/tensor";
import * as metricsLib from "../metrics.js";
import { ConsoleProgress, formatLine, type LogWriter } from "./console.js";
import {
  checkStatus,
  compileFilter,
  resolveEvents,
  type EventFilter,
  type HandlerReturn,
  type HandlerStatus,
  type LoopEvent,
  EVENTS,
} from "./events.js";
import {
  LoopState,
  type EpochRecord,
  type LoopStatus,
  type StepOutputs,
  type StepView,
} from "./state.js";
import { flatten, specId, specOf, unflatten } from "./flat.js";
import type { ModelState } from "../state.js";
import { Model } from "../model.js";
import {
  earlyStopHandler,
  plotHandler,
  type EarlyStopOptions,
  reduceLrOnPlateauHandler,
  type PointSink,
  type ReduceLrOptions,
} from "./handlers.js";
import { evalDefinition } from "./eval-step.js";
import { checkpointHandler, type CheckpointOptions } from "./checkpoint.js";

/** A metric function: targets and predictions of a batch in, a scalar out. */
export type MetricFn = (yTrue: any, yPred: any) => nx.Tensor;

/** A handler: gets the loop state, may change it, returns what the loop should do next. */
export type Handler<S> = (state: LoopState<S>) => HandlerReturn;

/** What the traced step returns. */
export interface StepResult {
  /** The new traced state (fed to the next step). */
  state: unknown;
  /** The targets metrics compare against (default: the batch's second element). */
  yTrue?: unknown;
  /** The predictions metrics read. */
  yPred?: unknown;
  /** The batch loss (a scalar), for the `loss` metric and the non-finite check. */
  loss?: nx.Tensor;
}

/** @internal How a loop steps (the trainer's, the evaluator's or a user's `loop(step, init)`). */
export interface StepDefinition<S> extends StepView<S> {
  /** Where errors come from: "trainer", "evaluator", "loop". */
  readonly kind: string;
  /** The initial traced state from the first batch and the state given to `run`. */
  init(batch: unknown, initState: unknown): unknown;
  /** One step; traced by `nx.jit`, so it must be pure. */
  step(batch: unknown, tree: any): StepResult;
  /** Checks a batch's form before it is stepped (clear errors for wrong data). */
  checkBatch?(batch: unknown, where: string): void;
  /** The model state inside a traced state, for a run's result. */
  modelState?(tree: unknown): ModelState | undefined;
  /** The trainer's model (for `validate`). */
  readonly model?: Model<any>;
  /** The trainer's loss (for `validation_loss`). */
  readonly lossFn?: MetricFn;
}

/** When a built-in handler runs: its event and filter. */
export interface HandlerOptions<S> {
  event?: LoopEvent;
  filter?: EventFilter<LoopState<S>>;
}

/** Options of `run`. */
export interface RunOptions {
  /** Epochs to run (default 1). When resuming, the epoch to stop before (default: the saved one). */
  epochs?: number;
  /** Iterations per epoch; required for endless data such as `repeat(batch)` (default: until the data ends). */
  iterations?: number;
}

/** What `run` resolves to by default. */
export interface RunResult<S> {
  /** The trained (or evaluated) model state, when the loop has one. */
  modelState: ModelState;
  /** One record per epoch: metrics (validation ones too), iterations and time. */
  history: EpochRecord[];
  /** The last epoch's metrics. */
  metrics: Record<string, number>;
  /** `"completed"` when every epoch ran, `"halted"` when a handler or a non-finite loss stopped it. */
  status: LoopStatus;
  /** Why the loop halted (early stopping, a NaN loss, …); undefined when it completed. */
  haltReason: string | undefined;
  /** The final loop state. */
  state: LoopState<S>;
}

/** Data a loop runs over: any iterable or async iterable of batches. */
export type LoopData<B> = nx.BatchSource<B> | Iterable<B> | AsyncIterable<B>;

interface LoopMetric {
  name: string;
  fn: MetricFn | "loss";
  accumulate: metricsLib.Accumulator;
}

interface Registered<S> {
  fn: Handler<S>;
  filter: ReturnType<typeof compileFilter<LoopState<S>>>;
}

/** Marks a checkpoint given to `run` as the state to resume from. */
export interface ResumeState {
  readonly kind: "dendrite.loop-checkpoint";
  /** Restores the loop state (traced state, counters, metrics, metadata). */
  restore<S>(state: LoopState<S>): void;
  /**
   * Checks the restored step state against what this run would make from `batch` (tensor
   * shapes and dtypes), before the first resumed step.
   */
  check?(definition: StepDefinition<any>, batch: unknown): void;
}

function isResume(x: unknown): x is ResumeState {
  return (
    typeof x === "object" && x !== null && (x as ResumeState).kind === "dendrite.loop-checkpoint"
  );
}

/**
 * A loop: a step, metrics and event handlers. Build one with `trainer`, `evaluator` or `loop`,
 * add metrics and handlers (each method returns the loop, so calls chain), then `run` it.
 * `outputTransform` (settable) shapes what `run` resolves to.
 */
export class Loop<S = unknown, Out = RunResult<S>> {
  /** What `run` resolves to, from the final loop state (default: `{ modelState, history, metrics, state }`). */
  outputTransform: (state: LoopState<S>) => Out;
  private readonly metricList: LoopMetric[] = [];
  private readonly handlers = new Map<LoopEvent, Registered<S>[]>(EVENTS.map((e) => [e, []]));
  private progress: ConsoleProgress | undefined;
  private jitted: ((...args: any[]) => any) | undefined;
  /** @internal The data the last run went through (for the progress bar's total). */
  private dataLength: number | undefined;

  /** @internal Use `trainer`, `evaluator` or `loop`. */
  constructor(
    /** @internal */ readonly definition: StepDefinition<S>,
    outputTransform?: (state: LoopState<S>) => Out,
  ) {
    this.outputTransform =
      outputTransform ??
      ((state) =>
        ({
          modelState: definition.modelState?.(state._tree),
          history: state.history,
          metrics: { ...state.metrics },
          status: state.status,
          haltReason: state.haltReason,
          state,
        }) as Out);
  }

  /** The metric names of this loop, in order (`loss` first for a trainer). */
  get metricNames(): string[] {
    return this.metricList.map((m) => m.name);
  }

  /**
   * Adds a metric, accumulated over each epoch inside the compiled step: a name (`"accuracy"`,
   * `"meanAbsoluteError"` or Axon's `"mean_absolute_error"`) or a function `(yTrue, yPred) →
   * scalar`. It is reported under `name` (default: Axon's snake_case name, e.g.
   * `mean_absolute_error`), as a running average (default) or `"runningSum"`, or with your own
   * accumulator `(acc, batchValue, iteration) → acc`.
   */
  metric(
    metric: string | MetricFn,
    name?: string,
    accumulate: string | metricsLib.Accumulator = "runningAverage",
  ): this {
    const fn = metricsLib.get(metric as string | metricsLib.Metric);
    const key = name ?? metricsLib.nameOf(metric as string | metricsLib.Metric);
    if (
      typeof key !== "string" ||
      key === "" ||
      (typeof metric === "function" && !name && !metric.name)
    )
      throw new TypeError(
        'metric: give a name for a custom metric function, e.g. loop.metric(fn, "my_metric")',
      );
    if (this.metricList.some((m) => m.name === key))
      throw new Error(
        `metric: this loop already has a metric named "${key}" (metrics: ${this.metricNames.join(", ")})`,
      );
    this.metricList.push({ name: key, fn, accumulate: metricsLib.getAccumulator(accumulate) });
    this.jitted = undefined;
    return this;
  }

  /** @internal Adds the running mean of the step's batch loss as the metric `loss`. */
  _lossMetric(): this {
    this.metricList.unshift({ name: "loss", fn: "loss", accumulate: metricsLib.runningAverage });
    this.jitted = undefined;
    return this;
  }

  /** @internal The metrics (name, function, accumulator), for the validate handler. */
  _metrics(): readonly LoopMetric[] {
    return this.metricList;
  }

  /**
   * Runs `handler` on `event` (one of started, epochStarted, iterationStarted,
   * iterationCompleted, epochCompleted, epochHalted — or Axon's snake_case names), on several
   * events, or on `"all"`. Handlers run in the order they were added; one returns `"continue"` (or
   * nothing), `"haltEpoch"` or `"haltLoop"`, and may be async. `filter` picks the firings (see
   * `EventFilter`).
   */
  handleEvent(
    event: LoopEvent | "all" | readonly LoopEvent[] | string | readonly string[],
    handler: Handler<S>,
    filter?: EventFilter<LoopState<S>>,
  ): this {
    if (typeof handler !== "function")
      throw new TypeError(`handleEvent: the handler must be a function, got ${nx.show(handler)}`);
    const events = resolveEvents(event, "handleEvent");
    const compiled = compileFilter(filter, "handleEvent");
    for (const e of events) this.handlers.get(e)!.push({ fn: handler, filter: compiled });
    return this;
  }

  /**
   * Writes `message(state)` (default: Axon's `Epoch: …, Batch: …, <metrics>` line) to `writer`
   * (default `process.stdout`) on `event` (default iterationCompleted) when `filter` allows.
   */
  log(
    message: (state: LoopState<S>) => string = (s) =>
      formatLine(s as LoopState, true, s.iteration) + "\n",
    options: { event?: LoopEvent; filter?: EventFilter<LoopState<S>>; writer?: LogWriter } = {},
  ): this {
    const writer = options.writer ?? process.stdout;
    return this.handleEvent(
      options.event ?? "iterationCompleted",
      (s) => {
        writer.write(message(s));
      },
      options.filter,
    );
  }

  /**
   * Evaluates the model on `data` after every epoch (or on `options.event` / `options.filter`) and
   * adds the results to the metrics as `validation_<name>` — for the metrics added before this
   * call, and `validation_loss` for a trainer. Add it before handlers that read those metrics
   * (earlyStop, checkpoint). The model defaults to the trainer's.
   */
  validate(
    modelOrData: Model<any> | LoopData<any>,
    dataOrOptions?: LoopData<any> | HandlerOptions<S>,
    options: HandlerOptions<S> = {},
  ): this {
    let model = this.definition.model;
    let data: LoopData<any>;
    if (modelOrData instanceof Model) {
      model = modelOrData;
      data = dataOrOptions as LoopData<any>;
    } else {
      data = modelOrData;
      options = (dataOrOptions as HandlerOptions<S> | undefined) ?? options;
    }
    if (!model) throw new Error("validate: give the model to evaluate: loop.validate(model, data)");
    nx.epochsOf(data, "validate");
    const check = new Loop(evalDefinition(model));
    for (const m of this.metricList) {
      if (m.fn === "loss") {
        if (this.definition.lossFn) check.metric(this.definition.lossFn, "loss");
      } else check.metric(m.fn, m.name, m.accumulate);
    }
    return this.handleEvent(
      options.event ?? "epochCompleted",
      async (state) => {
        const modelState = (state.stepState as { modelState?: ModelState }).modelState;
        const result = await check.run(data, modelState);
        const metrics = state.metrics;
        for (const [k, v] of Object.entries(result.metrics)) metrics[`validation_${k}`] = v;
      },
      options.filter,
    );
  }

  /**
   * Stops the loop when `monitor` (e.g. `"validation_loss"`) has not improved for `patience`
   * epochs (default 3; `mode` "min" by default, "max" for accuracies). With
   * `restoreBestWeights`, the stopped run's model state is the best epoch's.
   */
  earlyStop(monitor: string, options: EarlyStopOptions & HandlerOptions<S> = {}): this {
    return this.handleEvent(
      options.event ?? "epochCompleted",
      earlyStopHandler(monitor, options),
      options.filter,
    );
  }

  /**
   * Multiplies the learning rate by `factor` (default 0.1) when `monitor` has not improved for
   * `patience` epochs (default 3).
   */
  reduceLrOnPlateau(monitor: string, options: ReduceLrOptions & HandlerOptions<S> = {}): this {
    return this.handleEvent(
      options.event ?? "epochCompleted",
      reduceLrOnPlateauHandler(monitor, options),
      options.filter,
    );
  }

  /**
   * Pushes `{ step, epoch, [metric]: value }` to `sink` — anything with `push(point)`, such as a
   * live chart — after every iteration (or on `options.event`), as Axon's `kino_vega_lite_plot`.
   */
  plot(sink: PointSink, metric = "loss", options: HandlerOptions<S> = {}): this {
    return this.handleEvent(
      options.event ?? "iterationCompleted",
      plotHandler(sink, metric),
      options.filter,
    );
  }

  /**
   * Saves the whole loop state (model, optimizer, metrics, counters, history, handler metadata)
   * after every epoch — or on `options.event` / `options.filter` — to `options.path` (default
   * `checkpoint/latest.ckpt`), atomically; with `criteria`, only when that metric improved. A
   * state with a NaN or infinite loss is never written. Resume with
   * `run(data, await loadCheckpoint(path), { epochs })`.
   */
  checkpoint(options: CheckpointOptions<S> = {}): this {
    return this.handleEvent(
      options.event ?? "epochCompleted",
      checkpointHandler(options),
      options.filter,
    );
  }

  /** @internal The console progress line (the trainer's and evaluator's `log` option). */
  _console(writer: LogWriter, every: number, withEpoch: boolean): this {
    this.progress = new ConsoleProgress(writer, every, withEpoch, () => this.dataLength);
    return this;
  }

  /**
   * Runs the loop over `data` — any iterable or async iterable of batches (`[x, y]` for trainers
   * and evaluators), such as an array, a generator, `repeat([x, y])` or `batches(x, y, …)`.
   *
   * `initState` is what the step starts from: for a trainer nothing, `{}` or a `ModelState` (its
   * parameters are kept); for an evaluator the `ModelState` to evaluate; a checkpoint
   * (`loadCheckpoint(path)`) or a previous run's `state` resumes that run where it stopped. The
   * options may also come second: `run(data, { epochs, iterations })`.
   */
  async run(data: LoopData<any>, initState?: unknown, options?: RunOptions): Promise<Out> {
    if (options === undefined && isRunOptions(initState)) {
      options = initState as RunOptions;
      initState = undefined;
    }
    const kind = this.definition.kind;
    const where = `${kind}.run`;
    checkRunOptions(options ?? {}, where);
    const source = nx.epochsOf(data, where);
    if (source.endless && options?.iterations === undefined)
      throw new Error(
        `${where}: the data never ends (repeat(...)); pass { iterations } to say how many batches make an epoch`,
      );
    this.dataLength = options?.iterations ?? source.length;

    const state = new LoopState<S>(this.definition);
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
    const step = this.compiledStep();
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
      this.definition.checkBatch?.(pending, `${where}: batch 0`);
      state._tree = this.definition.init(pending, initState);
    }

    // A checkpoint's step state is checked against this run's once a batch is at hand.
    let unchecked = isResume(resumed) ? resumed : undefined;
    const checkResumed = () => {
      if (unchecked && pending !== NO_BATCH) {
        const at = state.epoch === startEpoch ? skip : 0;
        this.definition.checkBatch?.(pending, `${where}: epoch ${state.epoch}, batch ${at}`);
        unchecked.check?.(this.definition, pending);
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
          this.metricList.map(() => ZERO),
          COUNTER_ZERO,
        );
      }
      state._position = { epoch, iteration: state.iteration, total: state.totalIterations };
      this.progress?.epochStarted();
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
        if (state.iteration > 0) this.progress?.epochCompleted(state); // keep the epoch's line
        break;
      }
      state.times[epoch] = ms;
      state._position = { epoch: epoch + 1, iteration: 0, total: state.totalIterations };
      this.record(state, ms);
      if (status === "haltEpoch") {
        status = await this.fire("epochHalted", state);
      } else {
        this.progress?.epochCompleted(state);
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
    return this.outputTransform(state);
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
    step: (...args: any[]) => any,
    iterator: Iterator<unknown> | AsyncIterator<unknown>,
    pending: unknown,
    where: string,
  ): Promise<HandlerStatus> {
    const def = this.definition;
    const started = this.handlers.get("iterationStarted")!;
    const completed = this.handlers.get("iterationCompleted")!;
    const progress = this.progress;
    const lossAt = this.metricList.findIndex((m) => m.fn === "loss");
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
        result = step(batch, state._leaves, state._specId, state._metricValues, state._counter);
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

  /** The step and the metric updates as one jitted function (built once per set of metrics). */
  private compiledStep(): (...args: any[]) => any {
    if (this.jitted) return this.jitted;
    const def = this.definition;
    const metrics = this.metricList.slice();
    this.jitted = nx.jit(
      (
        batch: unknown,
        leaves: nx.Tensor[],
        id: string,
        values: nx.Tensor[],
        counter: nx.Tensor,
      ) => {
        const out = def.step(batch, unflatten(specOf(id), leaves));
        const yTrue = out.yTrue ?? (Array.isArray(batch) ? batch[1] : undefined);
        const next = metrics.map((m, k) => {
          let v: nx.Tensor;
          if (m.fn === "loss") {
            if (!out.loss) throw new Error(`${def.kind}: the step returned no loss`);
            v = out.loss;
          } else {
            v = m.fn(yTrue, out.yPred);
          }
          if (!nx.isTensor(v) || v.rank !== 0)
            throw new TypeError(
              `metric "${m.name}" returned ${nx.isTensor(v) ? nx.formatType(v.shape, v.dtype) : nx.show(v)}; a metric must return a scalar tensor`,
            );
          return m.accumulate(values[k]!, nx.asType(v, "f32"), counter);
        });
        if (out.state === undefined)
          return [null, id, out.yPred ?? null, out.yTrue ?? null, next, nx.add(counter, 1)];
        const flat = flatten(out.state);
        return [
          flat.leaves,
          specId(flat.spec),
          out.yPred ?? null,
          out.yTrue ?? null,
          next,
          nx.add(counter, 1),
        ];
      },
    );
    return this.jitted;
  }

  private fire(event: LoopEvent, state: LoopState<S>): HandlerStatus | Promise<HandlerStatus> {
    const list = this.handlers.get(event)!;
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

/** Unused-import guard for type-only helpers. */
export type { StepOutputs };
