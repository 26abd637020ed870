// The training loop (Axon.Loop): loops, their factories, handlers and console output.
export {
  Loop,
  type Handler,
  type HandlerOptions,
  type MetricFn,
  type RunOptions,
  type RunResult,
  type LoopData,
} from "./loop.js";
export { LoopState, type EpochRecord, type LoopStatus } from "./state.js";
export {
  trainer,
  evaluator,
  loop,
  type LossSpec,
  type TrainerOptions,
  type EvaluatorOptions,
  type TrainStepState,
} from "./trainer.js";
export type { EvalStepState } from "./eval-step.js";
export {
  EVENTS,
  type LoopEvent,
  type EventFilter,
  type HandlerStatus,
  type HandlerReturn,
} from "./events.js";
export type { LogWriter } from "./console.js";
export {
  loadCheckpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  type Checkpoint,
  type CheckpointOptions,
} from "./checkpoint.js";
export type {
  PointSink,
  PlateauOptions,
  EarlyStopOptions,
  ReduceLrOptions,
  MonitorMode,
} from "./handlers.js";
export { fit, type FitOptions, type FitCallbacks } from "./fit.js";
