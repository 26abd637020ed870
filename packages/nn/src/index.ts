// Losses, metrics, optimizers and schedules (Axon.Losses, Axon.Metrics, Polaris).
export * as losses from "./losses.js";
export * as metrics from "./metrics.js";
export * as optimizers from "./optimizers/index.js";
export * as schedules from "./schedules.js";
export type { Loss, LossOptions, Reduction } from "./losses.js";
export type { Metric, Accumulator } from "./metrics.js";
export type {
  Optimizer,
  OptState,
  GradientTransformation,
  LearningRate,
} from "./optimizers/index.js";
export type { Schedule } from "./schedules.js";
export type { Tree } from "./tree.js";
// The training loop (Axon.Loop) and batching helpers.
export * from "./loop/index.js";
export { repeat, batches, type Batch, type BatchesOptions, type TensorBatches } from "./data.js";
// Model graphs, layers, build/predict, ModelState (Axon core).
import "./layers/methods.js";
export {
  Model,
  type GraphNode,
  type LayerDef,
  type LayerContext,
  type LayerOutput,
  type ParamSpec,
  type ShapeSpec,
  type Dim,
  type Mode,
  type NameOption,
} from "./model.js";
export { ModelState, type ParameterTree, type LayerTensors, type TensorSelector } from "./state.js";
export {
  build,
  predict,
  type BuildOptions,
  type BuiltModel,
  type TrainPrediction,
  type ForwardResult,
  type Inputs,
} from "./build.js";
export { input } from "./layers/input.js";
export { dense, type DenseOptions } from "./layers/dense.js";
export * from "./layers/activation.js";
export * from "./layers/dropout.js";
export * from "./layers/reshape.js";
export * from "./layers/embedding.js";
export * from "./layers/merge.js";
export * from "./layers/container.js";
export * from "./layers/conv.js";
export * from "./layers/pooling.js";
export * from "./layers/normalization.js";
export * from "./layers/attention.js";
export * from "./layers/recurrent.js";
export * from "./layers/custom.js";
export { registerLayer, builtinLayers, type LayerFactory } from "./layers/registry.js";
export type { BuiltinLayer, OptionsSchema, OptionsIn, OptionValues } from "./layers/define.js";
export type { OptionKind } from "./layers/options.js";
export * as activations from "./activations.js";
export * as initializers from "./initializers.js";
export type { Initializer, InitializerLike } from "./initializers.js";
export * as display from "./display.js";
export {
  save,
  load,
  saveSync,
  loadSync,
  encodeModel,
  decodeModel,
  modelToJson,
  modelFromJson,
  writeAtomic,
  writeAtomicSync,
  type ModelJson,
  type LoadOptions,
  type Loaded,
} from "./serialize.js";
export { encodeSafetensors, decodeSafetensors, type TensorMap } from "./safetensors.js";
export * as onnx from "./onnx/index.js";
