/**
 * `fit(model, x, y, options)`: Keras' one-call training on top of the same `trainer` and `Loop`
 * (mini-batches, validation, metrics and callbacks become the loop's handlers), so there is one
 * training path.
 */
import * as nx from "@dendrite/tensor";
import type * as optimizersLib from "../optimizers/index.js";
import type { Model } from "../model.js";
import type { ModelState } from "../state.js";
import { batches } from "../data.js";
import type { CheckpointOptions } from "./checkpoint.js";
import type { EarlyStopOptions, PointSink, ReduceLrOptions } from "./handlers.js";
import type { Handler, MetricFn, RunResult } from "./definition.js";
import type { LoopEvent } from "./events.js";
import { trainer, type LossSpec, type TrainStepState } from "./trainer.js";
import type { LogWriter } from "./console.js";

/** Callbacks of `fit`, each one of the loop's handlers. */
export interface FitCallbacks {
  /**
   * Stop when a metric stops improving: `true` for the defaults, or options. `monitor` defaults to
   * `"validation_loss"` with validation data and `"loss"` without (Keras' `val_` prefix is read as
   * `validation_`).
   */
  earlyStop?: boolean | (EarlyStopOptions & { monitor?: string });
  /** Lower the learning rate on a plateau (`monitor` defaults as for `earlyStop`). */
  reduceLrOnPlateau?: boolean | (ReduceLrOptions & { monitor?: string });
  /** Save the loop state after every epoch (or only on improvement, with `criteria`). */
  checkpoint?: CheckpointOptions<TrainStepState>;
  /** Push each iteration's loss (or `metric`) to a live chart or any `{ push(point) }`. */
  plot?: PointSink | { sink: PointSink; metric?: string };
  /** Your own handlers, by event (`epochCompleted`, `iterationCompleted`, …). */
  on?: Partial<Record<LoopEvent, Handler<TrainStepState>>>;
}

/** Options of `fit`. */
export interface FitOptions {
  /** The loss: a name (`"mse"`, `"categoricalCrossEntropy"`, …) or a function. */
  loss: LossSpec;
  /** The optimizer: a name (default `"adam"`) or an optimizer such as `nn.optimizers.sgd(...)`. */
  optimizer?: string | optimizersLib.Optimizer;
  /** Passes over the training rows (default 1). */
  epochs?: number;
  /** Rows per step (default 32, as Keras). */
  batchSize?: number;
  /** Hold out this fraction of the rows (the last ones, before shuffling, as Keras) for validation. */
  validationSplit?: number;
  /** Validation rows `[x, y]` (instead of `validationSplit`). */
  validationData?: readonly [nx.Tensor, nx.Tensor];
  /** Metrics to track, by name or function (reported for the validation rows too). */
  metrics?: readonly (string | MetricFn)[];
  /** Shuffle the training rows in a new order every epoch (default true). */
  shuffle?: boolean;
  /** Seed of the initial parameters, the shuffling and dropout (default 0). */
  seed?: number;
  /** Start from these parameters instead of new ones. */
  initialState?: ModelState;
  /** Console output every `log` iterations, as `trainer` (default 50; 0 for none). */
  log?: number;
  /** Where the console output goes (default `process.stdout`; `console.log` in Deno). */
  logTo?: LogWriter;
  /** Early stopping, learning-rate reduction, checkpoints, live plots and your own handlers. */
  callbacks?: FitCallbacks;
}

/**
 * Trains `model` on the rows of `x` and `y` (Keras' `model.fit`) and resolves to the run's result:
 * `history` (one record per epoch, `validation_*` metrics included), `modelState`, `metrics`,
 * `status` and `haltReason`. It builds a `trainer` with mini-batches, validation and the callbacks
 * as handlers, so everything a trainer does (one compiled step, checkpoints) holds here.
 *
 * ```ts
 * const { history, modelState } = await nn.fit(model, x, y, {
 *   loss: "mse", epochs: 20, batchSize: 16, validationSplit: 0.2,
 *   callbacks: { earlyStop: { patience: 3, restoreBestWeights: true } },
 * });
 * ```
 */
export async function fit(
  model: Model<any>,
  x: nx.Tensor,
  y: nx.Tensor,
  options: FitOptions,
): Promise<RunResult<TrainStepState>> {
  const where = "fit";
  if (!options || typeof options !== "object" || options.loss === undefined)
    throw new TypeError(`${where}: give the loss, e.g. nn.fit(model, x, y, { loss: "mse" })`);
  for (const [name, t] of [
    ["x", x],
    ["y", y],
  ] as const) {
    if (!nx.isTensor(t))
      throw new TypeError(
        `${where}: ${name} must be a tensor, got ${nx.show(t)} (convert a DataFrame with data.toTensor(df, columns); for a model with several inputs use nn.trainer)`,
      );
  }
  const epochs = positiveInt(options.epochs ?? 1, "epochs");
  const batchSize = positiveInt(options.batchSize ?? 32, "batchSize");
  const seed = options.seed ?? 0;
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== "boolean")
    throw new TypeError(`${where}: shuffle must be true or false, got ${nx.show(shuffle)}`);
  const [train, validation] = splitValidation(x, y, options);

  const loop = trainer(model, options.loss, options.optimizer ?? "adam", {
    seed,
    log: options.log ?? 50,
    ...(options.logTo ? { logTo: options.logTo } : {}),
  });
  for (const m of options.metrics ?? []) loop.metric(m);
  if (validation) loop.validate(batches(validation[0], validation[1], { batchSize }));
  const callbacks = options.callbacks ?? {};
  const defaultMonitor = validation ? "validation_loss" : "loss";
  const monitorOf = (o: { monitor?: string }) => kerasName(o.monitor ?? defaultMonitor);
  if (callbacks.earlyStop) {
    const o = callbacks.earlyStop === true ? {} : callbacks.earlyStop;
    loop.earlyStop(monitorOf(o), o);
  }
  if (callbacks.reduceLrOnPlateau) {
    const o = callbacks.reduceLrOnPlateau === true ? {} : callbacks.reduceLrOnPlateau;
    loop.reduceLrOnPlateau(monitorOf(o), o);
  }
  if (callbacks.checkpoint) loop.checkpoint(callbacks.checkpoint);
  if (callbacks.plot) {
    const p = callbacks.plot;
    if ("sink" in p) loop.plot(p.sink, p.metric);
    else loop.plot(p);
  }
  for (const [event, handler] of Object.entries(callbacks.on ?? {}))
    loop.handleEvent(event, handler as Handler<TrainStepState>);

  const data = batches(train[0], train[1], { batchSize, shuffle, seed });
  return loop.run(data, options.initialState, { epochs }) as Promise<RunResult<TrainStepState>>;
}

function positiveInt(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
    throw new RangeError(`fit: ${name} must be a positive integer, got ${nx.show(v)}`);
  return v;
}

/** Keras' `val_loss` is our `validation_loss`. */
function kerasName(metric: string): string {
  return metric.startsWith("val_") ? `validation_${metric.slice(4)}` : metric;
}

type Rows = readonly [nx.Tensor, nx.Tensor];

/** The training rows and the validation rows (from `validationData` or `validationSplit`). */
function splitValidation(x: nx.Tensor, y: nx.Tensor, options: FitOptions): [Rows, Rows?] {
  const where = "fit";
  const rows = x.shape[0];
  if (x.rank === 0 || y.rank === 0 || y.shape[0] !== rows)
    throw new RangeError(
      `${where}: x ${nx.formatType(x.shape, x.dtype)} and y ${nx.formatType(y.shape, y.dtype)} must have the same number of rows (axis 0)`,
    );
  const { validationSplit, validationData } = options;
  if (validationSplit !== undefined && validationData !== undefined)
    throw new Error(`${where}: give validationSplit or validationData, not both`);
  if (validationData !== undefined) {
    if (
      !Array.isArray(validationData) ||
      validationData.length !== 2 ||
      !validationData.every((t) => nx.isTensor(t))
    )
      throw new TypeError(`${where}: validationData must be [x, y] tensors`);
    return [[x, y], validationData as unknown as Rows];
  }
  if (validationSplit === undefined) return [[x, y]];
  if (typeof validationSplit !== "number" || !(validationSplit > 0 && validationSplit < 1))
    throw new RangeError(
      `${where}: validationSplit must be a fraction between 0 and 1, got ${nx.show(validationSplit)}`,
    );
  const held = Math.floor(rows! * validationSplit);
  if (held < 1 || held >= rows!)
    throw new RangeError(
      `${where}: validationSplit ${validationSplit} of ${rows} rows leaves ${held} for validation and ${rows! - held} for training; both need at least one row`,
    );
  const cut = rows! - held;
  return [
    [nx.sliceAlong(x, 0, cut), nx.sliceAlong(y, 0, cut)],
    [nx.sliceAlong(x, cut, held), nx.sliceAlong(y, cut, held)],
  ];
}
