/**
 * The loop factories: `trainer(model, loss, optimizer)` (supervised training: forward, loss,
 * backward and optimizer update in one compiled step), `evaluator(model)` (metrics of a trained
 * model over data) and `loop(step, init)` (any step function).
 */
import * as nx from "@dendrite/tensor";
import { build } from "../build.js";
import * as lossesLib from "../losses.js";
import { Model } from "../model.js";
import * as optimizersLib from "../optimizers/index.js";
import { ModelState, type LayerTensors, type ParameterTree } from "../state.js";
import { defaultLogWriter, type LogWriter } from "./console.js";
import { fromSavedModelState, toSavedModelState } from "./saved-state.js";
import { checkLog, checkModel, checkSupervisedBatch, prefix, toModelState } from "./checks.js";
import { evalDefinition, type EvalStepState } from "./eval-step.js";
import { Loop, type StepDefinition, type StepResult } from "./loop.js";
import type { LoopState, StepOutputs } from "./state.js";

/**
 * A loss for `trainer`: a name (`"meanSquaredError"` or Axon's `"mean_squared_error"`), a function
 * `(yTrue, yPred) → scalar`, or `[loss, weight]` pairs for a model with several outputs (output `i`
 * against target `i`, weighted and summed).
 */
export type LossSpec =
  | string
  | ((yTrue: any, yPred: any) => nx.Tensor)
  | readonly (readonly [string | lossesLib.Loss, number])[];

/** Options of `trainer`. */
export interface TrainerOptions {
  /**
   * Console output: the progress line is redrawn every `log` iterations on a terminal (default
   * 50), and each epoch's last line is kept; 0 writes nothing.
   */
  log?: number;
  /** Seed of the initial parameters (and of the model's dropout keys). Default 0. */
  seed?: number;
  /** Where the console output goes (default `process.stdout`; `console.log` in Deno). */
  logTo?: LogWriter;
}

/** Options of `evaluator`. */
export interface EvaluatorOptions {
  /** As in `trainer`: 0 writes nothing (default 50). */
  log?: number;
  /** Where the console output goes (default `process.stdout`; `console.log` in Deno). */
  logTo?: LogWriter;
}

/**
 * The traced state of a trainer: one plain tree (Axon's). `ModelState` is a tree node (its
 * frozen set is static data), so it goes through `nx.jit` and `flattenTree` as itself.
 */
interface TrainTree {
  modelState: ModelState;
  optimizerState: optimizersLib.OptState;
}

/** The form of a trainer's step state in checkpoint files (unchanged since the first format). */
interface SavedTrainTree {
  modelState: { parameters: ParameterTree; state: ParameterTree };
  frozen?: readonly string[];
  optimizerState: optimizersLib.OptState;
}

/** The step state a trainer's handlers see (Axon's `step_state`). */
export interface TrainStepState {
  /** The running mean of the loss over the current epoch (a scalar tensor). */
  loss: nx.Tensor;
  /** The last batch's targets. */
  yTrue: any;
  /** The last batch's predictions. */
  yPred: any;
  /** The model's current parameters and state (assign a new one to replace them). */
  modelState: ModelState;
  /** The optimizer's state (assign to change it, e.g. a learning rate). */
  optimizerState: optimizersLib.OptState;
}

/** Resolves a loss spec to one function of (yTrue, yPred). */
export function resolveLoss(loss: LossSpec, where: string): (yTrue: any, yPred: any) => nx.Tensor {
  if (typeof loss === "string") {
    const fn = lossesLib.get(loss);
    return (yTrue, yPred) => fn(yTrue, yPred);
  }
  if (typeof loss === "function") return loss;
  if (Array.isArray(loss) && loss.length > 0) {
    const parts = loss.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== "number")
        throw new TypeError(
          `${where}: weighted losses are [loss, weight] pairs; entry ${i} is ${nx.show(pair)}`,
        );
      return [lossesLib.get(pair[0] as string | lossesLib.Loss), pair[1] as number] as const;
    });
    return (yTrue, yPred) => {
      if (!Array.isArray(yTrue) || !Array.isArray(yPred) || yPred.length !== parts.length)
        throw new TypeError(
          `${where}: ${parts.length} weighted losses need a model with ${parts.length} outputs (an array) and targets as an array of ${parts.length}`,
        );
      let total: nx.Tensor | undefined;
      parts.forEach(([fn, w], i) => {
        const term = nx.multiply(fn(yTrue[i], yPred[i]), w);
        total = total ? nx.add(total, term) : term;
      });
      return total!;
    };
  }
  throw new TypeError(
    `${where}: the loss must be a name (${lossesLib.names.join(", ")}), a function (yTrue, yPred) => scalar, or [loss, weight] pairs; got ${nx.show(loss)}`,
  );
}

/** `parameters` split into the trainable ones and the frozen ones (by `"layer.name"`). */
function splitFrozen(
  parameters: ParameterTree,
  frozen: ReadonlySet<string>,
): [ParameterTree, ParameterTree] {
  if (frozen.size === 0) return [parameters, {}];
  const trainable: Record<string, LayerTensors> = {};
  const fixed: Record<string, LayerTensors> = {};
  for (const [layer, tensors] of Object.entries(parameters))
    for (const [name, t] of Object.entries(tensors)) {
      const side = frozen.has(`${layer}.${name}`) ? fixed : trainable;
      side[layer] ??= {} as LayerTensors;
      (side[layer] as Record<string, nx.Tensor>)[name] = t;
    }
  return [trainable, fixed];
}

/** Trees `a` and `b` (disjoint tensors) merged layer by layer, in `order`'s layer order. */
function mergeLayers(a: ParameterTree, b: ParameterTree, order: ParameterTree): ParameterTree {
  const out: Record<string, LayerTensors> = {};
  for (const [layer, tensors] of Object.entries(order)) {
    const merged: Record<string, nx.Tensor> = {};
    for (const name of Object.keys(tensors)) merged[name] = (a[layer]?.[name] ?? b[layer]?.[name])!;
    out[layer] = merged;
  }
  return out;
}

/** The new layer state, frozen tensors kept at their old values. */
function keepFrozenState(
  old: ParameterTree,
  updated: ParameterTree,
  frozen: ReadonlySet<string>,
): ParameterTree {
  if (frozen.size === 0 || updated === old) return updated;
  const out: Record<string, LayerTensors> = {};
  for (const [layer, tensors] of Object.entries(updated)) {
    const kept: Record<string, nx.Tensor> = {};
    for (const [name, t] of Object.entries(tensors))
      kept[name] = frozen.has(`${layer}.${name}`) ? old[layer]![name]! : t;
    out[layer] = kept;
  }
  return out;
}

class TrainView implements TrainStepState {
  constructor(
    private readonly tree: TrainTree,
    private readonly outputs: StepOutputs,
    private readonly loopState: LoopState<TrainStepState>,
  ) {}
  get loss(): nx.Tensor {
    const at = this.loopState._metricNames.indexOf("loss");
    return this.loopState._metricValues[at] ?? nx.tensor(0);
  }
  get yTrue(): any {
    return this.outputs.yTrue;
  }
  get yPred(): any {
    return this.outputs.yPred;
  }
  get modelState(): ModelState {
    return this.tree.modelState;
  }
  set modelState(value: ModelState) {
    if (!(value instanceof ModelState))
      throw new TypeError(`stepState.modelState must be a ModelState, got ${nx.show(value)}`);
    this.tree.modelState = value;
  }
  get optimizerState(): optimizersLib.OptState {
    return this.tree.optimizerState;
  }
  set optimizerState(value: optimizersLib.OptState) {
    this.tree.optimizerState = value;
  }
  /** @internal */
  _tree(): TrainTree {
    return this.tree;
  }
}

/**
 * A supervised training loop (Axon's `Axon.Loop.trainer`): each step runs the model in train mode,
 * the loss, its gradient and the optimizer update — one `nx.jit` program with the metrics. The
 * loop reports `loss` (the running mean over the current epoch; Axon's never resets between
 * epochs) and any metric added with `.metric(...)`.
 *
 * `run(data, initState?, { epochs, iterations })` resolves to `{ modelState, history, metrics,
 * state }`.
 *
 * @example
 * const model = nn.input("x", [null, 7]).dense(32, { activation: "relu" }).dense(1);
 * const { modelState } = await nn.trainer(model, "meanSquaredError", "adam")
 *   .metric("meanAbsoluteError")
 *   .run(nn.batches(x, y, { batchSize: 1 }), { epochs: 40 });
 */
export function trainer(
  model: Model<any>,
  loss: LossSpec,
  optimizer: string | optimizersLib.Optimizer,
  options: TrainerOptions = {},
): Loop<TrainStepState> {
  const where = "trainer";
  checkModel(model, where);
  const log = checkLog(options.log, where);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed))
    throw new RangeError(`${where}: seed must be an integer, got ${nx.show(seed)}`);
  const lossFn = resolveLoss(loss, where);
  const opt = optimizersLib.get(optimizer);
  const built = build(model, { mode: "train", seed });

  const definition: StepDefinition<TrainStepState> = {
    kind: where,
    model,
    lossFn,
    checkBatch: checkSupervisedBatch,
    init(batch, initState) {
      const [x] = batch as [nx.Tensor, unknown];
      const given = toModelState(initState, "trainer.run");
      let modelState: ModelState;
      try {
        modelState = built.init(x, given);
      } catch (err) {
        throw prefix(err, "trainer.run: batch 0");
      }
      const [trainable] = splitFrozen(modelState.parameters, modelState.frozen);
      const tree: TrainTree = { modelState, optimizerState: opt.init(trainable) };
      return tree;
    },
    step(batch, tree: TrainTree): StepResult {
      const [x, y] = batch as [nx.Tensor, nx.Tensor];
      const { parameters, state, frozen } = tree.modelState;
      const [trainable, fixed] = splitFrozen(parameters, frozen);
      const objective = (p: ParameterTree) => {
        const full = frozen.size === 0 ? p : mergeLayers(p, fixed, parameters);
        const r = built.forward(full, state, x);
        const l = lossFn(y, r.prediction);
        if (!nx.isTensor(l) || l.rank !== 0)
          throw new TypeError(
            `the loss returned ${nx.isTensor(l) ? nx.formatType(l.shape, l.dtype) : nx.show(l)}; it must be a scalar (reduce it with a mean)`,
          );
        return [l, r] as const;
      };
      const [[batchLoss, forward], grads] = nx.valueAndGrad(objective, { hasAux: true })(trainable);
      const { updates, state: optimizerState } = opt.update(grads, tree.optimizerState, trainable);
      const updated = optimizersLib.applyUpdates(trainable, updates);
      const next: TrainTree = {
        modelState: new ModelState(
          frozen.size === 0 ? updated : mergeLayers(updated, fixed, parameters),
          keepFrozenState(state, forward.state, frozen),
          frozen,
        ),
        optimizerState,
      };
      return { state: next, yPred: forward.prediction, loss: batchLoss };
    },
    view: (tree, outputs, state) => new TrainView(tree as TrainTree, outputs, state),
    unview: (s) => {
      if (s instanceof TrainView) return s._tree();
      const v = s as TrainStepState;
      if (!v || !(v.modelState instanceof ModelState))
        throw new TypeError(
          "stepState must keep a modelState (a ModelState) and an optimizerState",
        );
      return { modelState: v.modelState, optimizerState: v.optimizerState } satisfies TrainTree;
    },
    modelState: (tree) => (tree as TrainTree).modelState,
    toSaved: (tree) => {
      const { modelState, optimizerState } = tree as TrainTree;
      const { frozen, ...saved } = toSavedModelState(modelState);
      return { modelState: saved, frozen, optimizerState } satisfies SavedTrainTree;
    },
    fromSaved: (saved) => {
      const { modelState, frozen, optimizerState } = saved as SavedTrainTree;
      const tree: TrainTree = {
        modelState: fromSavedModelState({ ...modelState, frozen }, "trainer", "step.modelState."),
        optimizerState,
      };
      return tree;
    },
  };
  const loop = new Loop<TrainStepState>(definition)._lossMetric();
  if (log > 0) loop._console(options.logTo ?? defaultLogWriter(), log, true);
  return loop;
}

/**
 * An evaluation loop (Axon's `Axon.Loop.evaluator`): runs the model in inference mode over the
 * data and accumulates the metrics added with `.metric(...)`. Run it with the model state to
 * evaluate: `await evaluator(model).metric("accuracy").run(testData, modelState)`; the result's
 * `metrics` hold the values (printed as `Batch: 77, accuracy: 0.9733333`).
 */
export function evaluator(model: Model<any>, options: EvaluatorOptions = {}): Loop<EvalStepState> {
  const where = "evaluator";
  checkModel(model, where);
  const log = checkLog(options.log, where);
  const loop = new Loop<EvalStepState>(evalDefinition(model));
  if (log > 0) loop._console(options.logTo ?? defaultLogWriter(), log, false);
  return loop;
}

/**
 * A loop over any step (Axon's `Axon.Loop.loop`): `step(batch, stepState) → stepState` must be
 * pure (it is compiled with `nx.jit`, together with the metrics, which read `stepState.yTrue` and
 * `stepState.yPred`); `init(firstBatch, initState) → stepState` makes the first state (default:
 * the `initState` given to `run`). Step states are trees of tensors (plain objects and arrays).
 */
export function loop<S>(
  step: (batch: any, stepState: S) => S,
  init: (batch: any, initState: any) => S = (_batch, initState) => initState as S,
): Loop<S> {
  if (typeof step !== "function")
    throw new TypeError(`loop: step must be a function, got ${nx.show(step)}`);
  if (typeof init !== "function")
    throw new TypeError(`loop: init must be a function, got ${nx.show(init)}`);
  const definition: StepDefinition<S> = {
    kind: "loop",
    init: (batch, initState) => init(batch, initState),
    step(batch, tree: S): StepResult {
      const next = step(batch, tree) as any;
      const fields = next && typeof next === "object" ? next : {};
      return {
        state: next,
        yTrue: fields.yTrue,
        yPred: fields.yPred,
        loss: nx.isTensor(fields.loss) ? fields.loss : undefined,
      };
    },
    view: (tree) => tree as S,
    unview: (s) => s,
    modelState: (tree) => {
      const ms = (tree as { modelState?: unknown } | undefined)?.modelState;
      return ms instanceof ModelState ? ms : undefined;
    },
  };
  return new Loop<S>(
    definition,
    (state) =>
      ({
        modelState: definition.modelState!(state._tree),
        history: state.history,
        metrics: { ...state.metrics },
        state,
      }) as never,
  );
}
