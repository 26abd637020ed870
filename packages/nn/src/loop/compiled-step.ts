/**
 * The compiled step: a loop's step and its metric updates traced together into one `nx.jit`
 * program (compiled once per batch signature, reused by every epoch and later `run`). The step
 * state goes in and out flat — tensors plus a structure id — so each call walks an array.
 */
import * as nx from "@dendrite/tensor";
import type { LoopMetric, StepDefinition } from "./definition.js";
import { flatten, specId, specOf, unflatten } from "./flat.js";

/**
 * `step(batch, leaves, structureId, metricValues, counter)` → `[leaves | null, structureId,
 * yPred, yTrue, metricValues, counter]`.
 */
export type CompiledStep = (
  batch: unknown,
  leaves: nx.Tensor[],
  id: string,
  values: nx.Tensor[],
  counter: nx.Tensor,
) => [nx.Tensor[] | null, string, unknown, unknown, nx.Tensor[], nx.Tensor];

/** The step of `def` and the updates of `metricList` as one jitted function. */
export function compileStep(
  def: StepDefinition<any>,
  metricList: readonly LoopMetric[],
): CompiledStep {
  const metrics = metricList.slice();
  return nx.jit(
    (batch: unknown, leaves: nx.Tensor[], id: string, values: nx.Tensor[], counter: nx.Tensor) => {
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
  ) as CompiledStep;
}
