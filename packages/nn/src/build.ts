/**
 * `build(model, { mode, seed })`: turns a model graph into `init` (make a `ModelState`) and
 * `predict` (run it, compiled with `nx.jit`), plus the pure `forward` the training loop traces.
 */
import * as nx from "@dendrite/tensor";
import type { Model, Mode } from "./model.js";
import { ModelState, type ParameterTree } from "./state.js";
import { compileGraph, type CompiledGraph, type Inputs } from "./graph.js";

export type { Mode, Inputs };

/** Options of `build`. */
export interface BuildOptions<M extends Mode = Mode> {
  /** `"inference"` (default) or `"train"` (dropout active, batch-norm statistics updated). */
  mode?: M;
  /** Seed of the initial parameters and of the dropout keys (default 0). */
  seed?: number;
  /** Float type of new parameters (default `"f32"`). */
  dtype?: "f32" | "f64";
  /**
   * How many compiled `predict` programs to keep, one per input shape (default 16): past it the
   * least recently used is dropped and compiled again if its shape comes back, so a stream of
   * varying batch sizes keeps memory bounded.
   */
  cacheSize?: number;
}

/** The default of `BuildOptions.cacheSize`. */
const DEFAULT_PREDICT_CACHE_SIZE = 16;

/** What a train-mode `predict` returns. */
export interface TrainPrediction<Out> {
  /** The model's output. */
  readonly prediction: Out;
  /** The state after this forward pass (new batch-norm statistics and dropout keys). */
  readonly state: ModelState;
}

/** What `forward` returns: the output and the layer state after the pass (unchanged in inference). */
export interface ForwardResult<Out> {
  readonly prediction: Out;
  readonly state: ParameterTree;
}

/** A built model (see `build`). */
export interface BuiltModel<Out, M extends Mode> {
  /** The mode it was built for. */
  readonly mode: M;
  /**
   * A fresh `ModelState` for inputs shaped like `inputs` (templates from `nx.template` or real
   * tensors: only shapes and dtypes are read). With `state`, its parameters are kept (they must
   * have the expected shapes) and only missing ones are initialised.
   */
  init(inputs: Inputs, state?: ModelState): ModelState;
  /**
   * Runs the model, compiled with `nx.jit` (one program per input shape; the `cacheSize` most
   * recently used are kept). Inference mode returns the output; train mode returns
   * `{ prediction, state }` with the updated layer state. Works inside an outer `nx.jit` or
   * `nx.grad` too.
   */
  predict(state: ModelState, inputs: Inputs): M extends "train" ? TrainPrediction<Out> : Out;
  /**
   * The pure forward pass on plain trees, for use inside `nx.jit` / `nx.valueAndGrad` (the training
   * step): `parameters` is the full parameter tree (trainable merged with frozen), `state` the
   * layer state. Returns the output and the new layer state.
   */
  forward(parameters: ParameterTree, state: ParameterTree, inputs: Inputs): ForwardResult<Out>;
}

/**
 * Builds `model` into `{ init, predict, forward }`. Shapes are checked when `init` or `predict`
 * first sees an input: a mismatch names the layer, the expected and the actual shape.
 *
 * @example
 * const model = nn.input("x", [null, 7]).dense(32, { activation: "relu" }).dense(1);
 * const { init, predict } = nn.build(model, { seed: 0 });
 * const state = init(nx.template([1, 7], "f32"));
 * predict(state, nx.ones([4, 7])); // f32[4][1]
 */
export function build<Out, M extends Mode = "inference">(
  model: Model<Out>,
  options: BuildOptions<M> = {},
): BuiltModel<Out, M> {
  const mode = (options.mode ?? "inference") as M;
  if (mode !== "inference" && mode !== "train")
    throw new Error(`build: mode must be "inference" or "train", got ${nx.show(mode)}`);
  const graph: CompiledGraph = compileGraph(model);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed))
    throw new RangeError(`build: seed must be an integer, got ${seed}`);
  const dtype = options.dtype ?? "f32";

  const forward = (parameters: ParameterTree, state: ParameterTree, inputs: Inputs) =>
    graph.run(parameters, state, inputs, mode) as ForwardResult<Out>;
  const cacheSize = options.cacheSize ?? DEFAULT_PREDICT_CACHE_SIZE;
  if (typeof cacheSize !== "number" || !Number.isInteger(cacheSize) || cacheSize < 1)
    throw new RangeError(`build: cacheSize must be a positive integer, got ${nx.show(cacheSize)}`);
  const compiled = nx.jit(
    (parameters: ParameterTree, state: ParameterTree, inputs: Inputs) => {
      const r = forward(parameters, state, inputs);
      return mode === "train" ? r : r.prediction;
    },
    { cacheSize },
  );

  return {
    mode,
    init(inputs, state) {
      return graph.init(inputs, { seed, dtype, state });
    },
    predict(state, inputs) {
      if (!(state instanceof ModelState))
        throw new TypeError("predict: the first argument must be a ModelState (from init)");
      graph.checkInputs(inputs, "predict");
      graph.checkState(state);
      const r = compiled(state.parameters, state.state, inputs) as unknown;
      if (mode === "inference") return r as never;
      const { prediction, state: layerState } = r as ForwardResult<Out>;
      return { prediction, state: state.withState(layerState) } as never;
    },
    forward,
  };
}

/**
 * Runs `model` on `inputs` with `state` in inference mode (the one-call form of
 * `build(model).predict(state, inputs)`; compiled programs are cached per model).
 */
export function predict<Out>(model: Model<Out>, state: ModelState, inputs: Inputs): Out {
  let built = PREDICTORS.get(model) as BuiltModel<Out, "inference"> | undefined;
  if (!built) {
    built = build(model);
    PREDICTORS.set(model, built);
  }
  return built.predict(state, inputs) as Out;
}

const PREDICTORS = new WeakMap<object, BuiltModel<unknown, "inference">>();
