// bidirectional: PyTorch 1.13's bidirectional LSTM (batch_first, the same weights in each direction;
// torch's bias_hh zero since Dendrite's LSTM has one bias), its outputs per step in time order.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { pattern } from "./numeric.js";

const TORCH = [
  -0.004606845315, 0.046691731036, -0.006811182141, -0.154849879407, 0.010278933593, 0.022978270585,
  0.071005552508, -0.085620587557, 0.003252984807, 0.053915487778, 0.014695725207, -0.10649028572,
  0.016331707695, 0.022815451167, 0.071712209084, -0.026953459027, -0.000306945573, 0.034051394201,
  -0.006377571724, -0.041055496089, 0.077338786775, 0.040343495545, 0.001010924107, 0.061607283139,
  0.041644937953, 0.055878819052, 0.012495967272, -0.023796677673, 0.097417714471, 0.046476992592,
  0.008569745073, 0.072096528032,
];

test("bidirectional(lstm) gives PyTorch's bidirectional LSTM", () => {
  const x = pattern([2, 4, 3], 0.23, 1.3, 0.6);
  const model = nn.bidirectional(nn.input("x", [null, 4, 3]), (s) => s.lstm(2));
  const weights = (k: number[], h: number[], b: number[]) => ({
    input_kernel: pattern([3, 8], k[0]!, k[1]!, k[2]!),
    hidden_kernel: pattern([2, 8], h[0]!, h[1]!, h[2]!),
    bias: pattern([8], b[0]!, b[1]!, b[2]!),
  });
  const state = new nn.ModelState(
    {
      lstm_0: weights([0.11, 0.7, 0.35], [0.07, 0.5, 0.25], [0.05, 0.3, 0.1]),
      lstm_1: weights([0.13, 0.9, 0.4], [0.09, 0.6, 0.3], [0.04, 0.2, 0.1]),
    },
    {},
    [],
  );
  const y = nn.predict(model, state, x);
  assert.deepEqual([...y.shape], [2, 4, 4]);
  const got = y.data();
  TORCH.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < 1e-9, `[${i}] ${got[i]} vs ${w}`));
  // The last state of each direction, without sequences: [batch, 2 · units].
  const last = nn.bidirectional(nn.input("x", [null, 4, 3]), (s) =>
    s.gru(3, { returnSequences: false }),
  );
  assert.deepEqual(
    nn.build(last).init(nx.template([1, 4, 3])).parameters.gru_1!.input_kernel!.shape,
    [3, 9],
  );
  assert.deepEqual(
    [...nn.predict(last, nn.build(last).init(nx.template([1, 4, 3])), nx.zeros([5, 4, 3])).shape],
    [5, 6],
  );
  assert.throws(
    () => nn.bidirectional(nn.input("x", [null, 4, 3]), 3 as never),
    /bidirectional: expected a function/,
  );
});
