/**
 * The loop state handlers see (Axon's `Axon.Loop.State`) and the per-epoch history a run returns.
 */
import * as nx from "@dendrite/tensor";
import type { LoopEvent } from "./events.js";
import { flatten, specId, specOf, unflatten } from "./flat.js";

/** Where the loop is: running, finished all epochs, or stopped early (a handler, or a NaN loss). */
export type LoopStatus = "initialized" | "running" | "completed" | "halted";

/** One epoch's figures in `history`: its metrics (validation ones included), iterations and time. */
export interface EpochRecord {
  /** The epoch (0-based). */
  epoch: number;
  /** Iterations run in the epoch. */
  iterations: number;
  /** Wall time of the epoch's iterations in milliseconds. */
  timeMs: number;
  /** Metrics by name (`loss`, `accuracy`, `validation_loss`, …). */
  [metric: string]: number;
}

/** @internal How the loop turns its traced state into the step state handlers see, and back. */
export interface StepView<S> {
  view(tree: unknown, outputs: StepOutputs, state: LoopState<S>): S;
  unview(stepState: S): unknown;
  /**
   * The traced state in the form checkpoint files hold (plain objects, arrays and tensors), when
   * it differs; `fromSaved` turns it back.
   */
  toSaved?(tree: unknown): unknown;
  fromSaved?(saved: unknown): unknown;
}

/** @internal What a step gives besides its new state: targets and predictions for metrics. */
export interface StepOutputs {
  yTrue: unknown;
  yPred: unknown;
}

/**
 * The loop state passed to every handler, with Axon's fields. Handlers may change
 * `handlerMetadata`, `metrics` (add keys) and `stepState` (for example a learning rate); the loop
 * reads them back.
 */
export class LoopState<S = unknown> {
  /** The current epoch (0-based). */
  epoch = 0;
  /** The epoch the run stops before (`epochs` of `run`). */
  maxEpoch = 1;
  /**
   * The current iteration within the epoch (0-based); at `epochCompleted`, the number of
   * iterations the epoch ran.
   */
  iteration = 0;
  /** Iterations per epoch (`iterations` of `run`), or -1 for "until the data ends". */
  maxIteration = -1;
  /** Iterations run before the current one, over all epochs (resumed runs included). */
  totalIterations = 0;
  /** Wall time of each finished epoch's iterations in milliseconds, by epoch. */
  times: Record<number, number> = {};
  /** Anything handlers want to keep between calls (the first post's loss history). */
  handlerMetadata: Record<string, any> = {};
  /** Where the loop is. */
  status: LoopStatus = "initialized";
  /** The event whose handlers are running. */
  event: LoopEvent | undefined = undefined;
  /** Why the loop halted, when a handler or a non-finite loss stopped it. */
  haltReason: string | undefined = undefined;
  /** Per-epoch metrics so far. */
  history: EpochRecord[] = [];

  /** @internal The step state's tensors, in order (what the compiled step takes and returns). */
  _leaves: nx.Tensor[] = [];
  /** @internal The id of the step state's structure (see `flat.ts`). */
  _specId = "";
  /** @internal True when the nested step state was handed out and may have been changed. */
  _treeOut = false;
  /**
   * @internal True when `_leaves` are a step's results that nothing outside the loop was given:
   * the next step's results replace them and they are disposed (their memory reused at once).
   */
  private _private = false;
  /** @internal False once disposing a step's results gave nothing back (none in Wasm memory). */
  private _disposeHelps = true;
  private _treeCache: unknown = undefined;
  private _treeValid = true;
  /** @internal The last step's targets and predictions. */
  _outputs: StepOutputs = { yTrue: undefined, yPred: undefined };
  /** @internal Metric accumulators (scalar tensors), in the loop's metric order. */
  _metricValues: nx.Tensor[] = [];
  /** @internal The loop's metric names, in order. */
  _metricNames: readonly string[] = [];
  /** @internal The per-epoch step counter of the accumulators (an s32 scalar). */
  _counter: nx.Tensor | undefined;
  /**
   * @internal Where a run resumed from this state starts: after the last finished step (or the
   * last finished epoch).
   */
  _position = { epoch: 0, iteration: 0, total: 0 };
  /**
   * @internal The metrics as handed out: the accumulators' numbers (rebuilt after each step, see
   * `_metricsStale`) and those handlers added (`validation_*`), which stay until the epoch ends.
   */
  private _metrics: Record<string, number> = {};
  private _metricsStale = true;
  private _view: S | undefined;

  /** @internal */
  constructor(private readonly _stepView: StepView<S>) {}

  /** The step state: for a trainer `{ loss, yTrue, yPred, modelState, optimizerState }`. */
  get stepState(): S {
    if (this._view === undefined) this._view = this._stepView.view(this._tree, this._outputs, this);
    this._treeOut = true;
    return this._view;
  }

  set stepState(value: S) {
    this._tree = this._stepView.unview(value);
    this._view = undefined;
  }

  /** @internal The traced step state as a nested tree (rebuilt from the tensors on demand). */
  get _tree(): unknown {
    this._private = false;
    if (!this._treeValid) {
      this._treeCache = unflatten(specOf(this._specId), this._leaves);
      this._treeValid = true;
    }
    return this._treeCache;
  }

  set _tree(tree: unknown) {
    const { leaves, spec } = flatten(tree);
    this._leaves = leaves;
    this._specId = specId(spec);
    this._treeCache = tree;
    this._treeValid = true;
    this._treeOut = false;
    this._private = false;
    this._view = undefined;
  }

  /** @internal The traced step state in the form a checkpoint file holds it. */
  get _savedTree(): unknown {
    const tree = this._tree;
    return this._stepView.toSaved ? this._stepView.toSaved(tree) : tree;
  }

  set _savedTree(saved: unknown) {
    this._tree = this._stepView.fromSaved ? this._stepView.fromSaved(saved) : saved;
  }

  /** @internal Takes back changes handlers made to the nested step state, before the next step. */
  _sync(): void {
    if (!this._treeOut) return;
    const changed = this._tree;
    this._tree = changed;
  }

  /**
   * The metrics of the current epoch as numbers — running averages (or sums) over the epoch so
   * far — plus those handlers added (`validation_*`). Handlers may add keys.
   */
  get metrics(): Record<string, number> {
    if (this._metricsStale) {
      const out: Record<string, number> = {};
      this._metricNames.forEach((k, i) => (out[k] = this._metricValues[i]!.toNumber()));
      for (const [k, v] of Object.entries(this._metrics)) if (!Object.hasOwn(out, k)) out[k] = v;
      this._metrics = out;
      this._metricsStale = false;
    }
    return this._metrics;
  }

  set metrics(values: Record<string, number>) {
    this._metrics = { ...values };
    this._metricsStale = true;
  }

  /** @internal Sets the step state after a step (the nested tree and view are rebuilt on demand). */
  _setStep(
    leaves: nx.Tensor[] | null,
    id: string,
    outputs: StepOutputs,
    metricValues: nx.Tensor[],
    counter: nx.Tensor,
  ): void {
    if (leaves !== null) {
      if (this._private && this._disposeHelps)
        this._disposeHelps = nx.dispose(replaced(this._leaves, leaves)) > 0;
      this._private = true;
      this._leaves = leaves;
      this._specId = id;
      this._treeValid = false;
      this._treeCache = undefined;
      this._treeOut = false;
    }
    this._outputs = outputs;
    this._metricValues = metricValues;
    this._counter = counter;
    this._view = undefined;
    this._metricsStale = true;
  }

  /** @internal Starts a new epoch's metrics. */
  _resetMetrics(values: nx.Tensor[], counter: nx.Tensor): void {
    this._metricValues = values;
    this._counter = counter;
    this._metrics = {};
    this._metricsStale = true;
  }
}

/**
 * The tensors of `old` not in `next` (a leaf the step passed through unchanged stays). Small
 * states are searched directly: hashing fresh tensors into a Set costs more than the scan.
 */
function replaced(old: readonly nx.Tensor[], next: readonly nx.Tensor[]): nx.Tensor[] {
  if (next.length <= 64) return old.filter((t) => !next.includes(t));
  const kept = new Set(next);
  return old.filter((t) => !kept.has(t));
}
