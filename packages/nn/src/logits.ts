// Outputs of softmax and sigmoid remember their logits, so cross-entropy losses can work from the
// logits (stable for any logit size), as Axon does.
import type * as nx from "@dendrite/tensor";

const LOGITS = new WeakMap<nx.Tensor, { logits: nx.Tensor; activation: "softmax" | "sigmoid" }>();

/**
 * Records that `output` is `softmax(logits)` or `sigmoid(logits)` (over the last axis). Layers call
 * this so that `categoricalCrossEntropy` and `binaryCrossEntropy` can work from the logits —
 * stable for any logit size — as Axon does. Returns `output`.
 */
export function recordLogits(
  output: nx.Tensor,
  logits: nx.Tensor,
  activation: "softmax" | "sigmoid",
): nx.Tensor {
  LOGITS.set(output, { logits, activation });
  return output;
}

/** The logits `output` was computed from by `activation`, if a layer recorded them. */
export function logitsOf(
  output: nx.Tensor,
  activation: "softmax" | "sigmoid",
): nx.Tensor | undefined {
  const entry = LOGITS.get(output);
  return entry?.activation === activation ? entry.logits : undefined;
}
