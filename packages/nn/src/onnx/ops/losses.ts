/** ONNX's loss ops: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss. */
import * as nx from "@dendrite/tensor";
import { defineOp, type OpContext } from "../context.js";

/**
 * The negative log-likelihood of `logProb` [N, C, d…] at integer `target` [N, d…], weighted by
 * `weight` [C] when given, with ONNX's reductions and `ignore_index`.
 */
function nll(
  logProb: nx.Tensor,
  target: nx.Tensor,
  weight: nx.Tensor | undefined,
  reduction: string,
  ignore: number | undefined,
): nx.Tensor {
  const t = nx.asType(target, "s32");
  const ignored = ignore === undefined ? undefined : nx.equal(t, ignore);
  const safe = ignored ? nx.select(ignored, nx.zerosLike(t), t) : t;
  const picked = nx.squeeze(
    nx.takeAlongAxis(logProb, nx.reshape(safe, [t.shape[0]!, 1, ...t.shape.slice(1)]), 1),
    {
      axes: [1],
    },
  );
  let w: nx.Tensor = weight ? nx.take(weight, safe) : nx.onesLike(picked);
  if (ignored) w = nx.select(ignored, nx.zerosLike(w), w);
  const loss = nx.negate(nx.multiply(picked, w));
  if (reduction === "none") return loss;
  if (reduction === "sum") return nx.sum(loss);
  return nx.divide(nx.sum(loss), nx.sum(w));
}

function reductionOf(ctx: OpContext): string {
  const r = ctx.string("reduction", "mean");
  if (r !== "mean" && r !== "sum" && r !== "none")
    throw ctx.error(`reduction must be "mean", "sum" or "none", got "${r}"`);
  return r;
}

defineOp("NegativeLogLikelihoodLoss", (ctx) => {
  const reduction = reductionOf(ctx);
  const ignore = ctx.int("ignore_index");
  return ([input, target, weight]) => {
    const y = nll(input!, target!, weight, reduction, ignore);
    return y.dtype === input!.dtype ? y : nx.asType(y, input!.dtype);
  };
});

defineOp("SoftmaxCrossEntropyLoss", (ctx) => {
  const reduction = reductionOf(ctx);
  const ignore = ctx.int("ignore_index");
  return ([scores, labels, weights]) => {
    const logProb = nx.subtract(scores!, nx.logsumexp(scores!, { axes: [1], keepAxes: true }));
    const y = nll(logProb, labels!, weights, reduction, ignore);
    return [y.dtype === scores!.dtype ? y : nx.asType(y, scores!.dtype), logProb];
  };
});
