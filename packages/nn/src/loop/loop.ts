/**
 * `Loop` (Axon.Loop), the builder: a step, metrics and event handlers, added by chained calls;
 * `run` hands them to the driver (`driver.ts`) with the compiled step (`compiled-step.ts`).
 */
import * as nx from "@dendrite/tensor";
import * as metricsLib from "../metrics.js";
import { Model } from "../model.js";
import { checkpointHandler, type CheckpointOptions } from "./checkpoint.js";
import { compileStep, type CompiledStep } from "./compiled-step.js";
import { ConsoleProgress, defaultLogWriter, formatLine, type LogWriter } from "./console.js";
import type {
  Handler,
  HandlerOptions,
  LoopData,
  LoopMetric,
  MetricFn,
  Registered,
  RunOptions,
  RunResult,
  StepDefinition,
} from "./definition.js";
import { LoopRun } from "./driver.js";
import { evalDefinition } from "./eval-step.js";
import {
  compileFilter,
  resolveEvents,
  type EventFilter,
  type LoopEvent,
  EVENTS,
} from "./events.js";
import {
  earlyStopHandler,
  plotHandler,
  type EarlyStopOptions,
  reduceLrOnPlateauHandler,
  type PointSink,
  type ReduceLrOptions,
} from "./handlers.js";
import type { LoopState } from "./state.js";
import type { ModelState } from "../state.js";

export type {
  Handler,
  HandlerOptions,
  LoopData,
  MetricFn,
  ResumeState,
  RunOptions,
  RunResult,
  StepDefinition,
  StepResult,
} from "./definition.js";

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
  private jitted: CompiledStep | undefined;
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
   * (default `process.stdout`; `console.log` in Deno) on `event` (default iterationCompleted) when `filter` allows.
   */
  log(
    message: (state: LoopState<S>) => string = (s) =>
      formatLine(s as LoopState, true, s.iteration) + "\n",
    options: { event?: LoopEvent; filter?: EventFilter<LoopState<S>>; writer?: LogWriter } = {},
  ): this {
    const writer = options.writer ?? defaultLogWriter();
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
    this.jitted ??= compileStep(this.definition, this.metricList);
    return new LoopRun<S, Out>({
      definition: this.definition,
      metrics: this.metricList,
      handlers: this.handlers,
      progress: this.progress,
      outputTransform: this.outputTransform,
      step: this.jitted,
      setDataLength: (length) => (this.dataLength = length),
    }).run(data, initState, options);
  }
}
