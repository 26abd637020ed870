/**
 * The evaluator's step: the model in inference mode over `[x, y]` batches, predictions for the
 * metrics. Its own module so that `Loop.validate` builds evaluators without importing the
 * factories (which import `Loop`).
 */
import type * as nx from "@dendrite/tensor";
import { build } from "../build.js";
import type { Model } from "../model.js";
import type { ModelState } from "../state.js";
import { checkSupervisedBatch, prefix, toModelState } from "./checks.js";
import type { StepDefinition, StepResult } from "./definition.js";
import { fromSavedModelState, toSavedModelState, type SavedModelState } from "./saved-state.js";

/** The step state an evaluator's handlers see. */
export interface EvalStepState {
  yTrue: any;
  yPred: any;
  modelState: ModelState;
}

/** The step definition of `evaluator(model)`. */
export function evalDefinition(model: Model<any>): StepDefinition<EvalStepState> {
  const built = build(model, { mode: "inference" });
  return {
    kind: "evaluator",
    checkBatch: checkSupervisedBatch,
    init(batch, initState) {
      const ms = toModelState(initState, "evaluator.run");
      if (!ms)
        throw new TypeError(
          "evaluator.run: pass the ModelState to evaluate, e.g. evaluator(model).run(testData, trained.modelState)",
        );
      try {
        built.init((batch as [nx.Tensor])[0], ms);
      } catch (err) {
        throw prefix(err, "evaluator.run: batch 0");
      }
      return ms;
    },
    step(batch, tree: ModelState): StepResult {
      const [x] = batch as [nx.Tensor];
      const r = built.forward(tree.parameters, tree.state, x);
      return { state: undefined, yPred: r.prediction };
    },
    view: (tree, outputs) => ({
      yTrue: outputs.yTrue,
      yPred: outputs.yPred,
      modelState: tree as ModelState,
    }),
    unview: (s) => s.modelState,
    modelState: (tree) => tree as ModelState,
    // Checkpoint files keep the first format: { parameters, state, frozen }.
    toSaved: (tree) => toSavedModelState(tree as ModelState),
    fromSaved: (saved) => fromSavedModelState(saved as SavedModelState, "evaluator", ""),
  };
}
