/**
 * What a loop is made of, as types: steps (`StepDefinition`, `StepResult`), metrics, handlers,
 * the data and options `run` takes and what it resolves to, and checkpoints to resume from.
 */
import type * as nx from "@dendrite/tensor";
import type * as metricsLib from "../metrics.js";
import type { Model } from "../model.js";
import type { ModelState } from "../state.js";
import type { compileFilter, EventFilter, HandlerReturn, LoopEvent } from "./events.js";
import type { EpochRecord, LoopState, LoopStatus, StepView } from "./state.js";

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

/** @internal A metric of a loop: its name, function (or the step's loss) and accumulator. */
export interface LoopMetric {
  name: string;
  fn: MetricFn | "loss";
  accumulate: metricsLib.Accumulator;
}

/** @internal A handler with its compiled filter. */
export interface Registered<S> {
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

/** @internal Whether `x` is a checkpoint to resume from. */
export function isResume(x: unknown): x is ResumeState {
  return (
    typeof x === "object" && x !== null && (x as ResumeState).kind === "dendrite.loop-checkpoint"
  );
}
