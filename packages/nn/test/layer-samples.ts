/**
 * One sample model per built-in layer op, for the registry test: the model (the layer under test
 * is named `under_test` when it takes a name), its input shapes, and what its row of `asTable`
 * must show. Options are set away from their defaults where the layer has any.
 */
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

/** A sample: a model that uses the layer, its inputs, and the option strings its row shows. */
export interface LayerSample {
  /** The op under test, when the sample's key is not the op (a variant: `"lstm:state"`). */
  readonly op?: string;
  /** The name of the layer under test, when it is not `under_test` (a part: `${lstm name}_cell`). */
  readonly layerName?: string;
  /** The model; the layer under test is named `under_test` (an input keeps its own name). */
  readonly model: () => nn.Model;
  /** Input name → concrete shape of the sample batch. */
  readonly inputs: Readonly<Record<string, readonly number[]>>;
  /** Inputs that hold integer ids below this bound (embedding). */
  readonly ids?: number;
  /** What the layer's row of `asTable` shows in its Options column, in order. */
  readonly display: readonly string[];
}

const x = (shape: (number | null)[]) => nn.input("x", shape);
const NAME = { name: "under_test" };

const activation = (
  fn: (m: nn.Model, o: { name: string }) => nn.Model,
  display: string[] = [],
): LayerSample => ({
  model: () => fn(x([null, 5]).dense(5), NAME),
  inputs: { x: [3, 5] },
  display,
});

/** Samples by op name. */
export const LAYER_SAMPLES: Readonly<Record<string, LayerSample>> = {
  input: {
    model: () => nn.input("under_test", [null, 3]).dense(2),
    inputs: { under_test: [2, 3] },
    display: ["shape: {nil, 3}", "optional: false"],
  },
  dense: {
    model: () =>
      x([null, 3]).dense(4, {
        ...NAME,
        kernelInitializer: nn.initializers.normal({ scale: 0.5 }),
        biasInitializer: "ones",
      }),
    inputs: { x: [2, 3] },
    display: [],
  },
  relu: activation((m, o) => m.relu(o)),
  relu6: activation((m, o) => m.relu6(o)),
  sigmoid: activation((m, o) => m.sigmoid(o)),
  softmax: activation((m, o) => m.softmax({ ...o, axis: -1 }), ["axis: -1"]),
  log_softmax: activation((m, o) => m.logSoftmax(o)),
  log_sumexp: activation((m, o) => m.logSumexp(o)),
  log_sigmoid: activation((m, o) => m.logSigmoid(o)),
  tanh: activation((m, o) => m.tanh(o)),
  gelu: activation((m, o) => m.gelu(o)),
  silu: activation((m, o) => m.silu(o)),
  elu: activation((m, o) => m.elu({ ...o, alpha: 0.5 }), ["alpha: 0.5"]),
  celu: activation((m, o) => m.celu({ ...o, alpha: 2 }), ["alpha: 2"]),
  selu: activation((m, o) => m.selu(o)),
  leaky_relu: activation((m, o) => m.leakyRelu({ ...o, alpha: 0.2 }), ["alpha: 0.2"]),
  softplus: activation((m, o) => m.softplus(o)),
  softsign: activation((m, o) => m.softsign(o)),
  linear: activation((m, o) => m.linear(o)),
  mish: activation((m, o) => m.mish(o)),
  exp: activation((m, o) => m.exp(o)),
  hard_sigmoid: activation((m, o) => m.hardSigmoid(o)),
  hard_silu: activation((m, o) => m.hardSilu(o)),
  hard_tanh: activation((m, o) => m.hardTanh(o)),
  dropout: {
    model: () =>
      x([null, 4])
        .dense(4)
        .dropout({ ...NAME, rate: 0.25 }),
    inputs: { x: [2, 4] },
    display: ["rate: 0.25"],
  },
  spatial_dropout: {
    model: () => x([null, 3, 2]).spatialDropout({ ...NAME, rate: 0.3 }),
    inputs: { x: [2, 3, 2] },
    display: ["rate: 0.3"],
  },
  alpha_dropout: {
    model: () => x([null, 4]).alphaDropout(NAME),
    inputs: { x: [2, 4] },
    display: ["rate: 0.5"],
  },
  flatten: {
    model: () => x([null, 2, 3]).flatten(NAME),
    inputs: { x: [2, 2, 3] },
    display: [],
  },
  upsample: {
    model: () => x([null, 2, 3, 2]).upsample({ ...NAME, size: [2, 3] }),
    inputs: { x: [2, 2, 3, 2] },
    display: ["size: {2, 3}"],
  },
  reshape: {
    model: () => x([null, 6]).reshape([3, -1], NAME),
    inputs: { x: [2, 6] },
    display: ["shape: {3, -1}"],
  },
  embedding: {
    model: () => nn.input("ids", [null, 3]).embedding(7, 2, NAME),
    inputs: { ids: [2, 3] },
    ids: 7,
    display: [],
  },
  add: {
    model: () => nn.add([x([null, 3]), nn.input("y", [null, 3]).dense(3)], NAME),
    inputs: { x: [2, 3], y: [2, 3] },
    display: [],
  },
  subtract: {
    model: () => nn.subtract([x([null, 3]), nn.input("y", [null, 3])], NAME),
    inputs: { x: [2, 3], y: [2, 3] },
    display: [],
  },
  multiply: {
    model: () => nn.multiply([x([null, 3]), nn.input("y", [null, 3])], NAME),
    inputs: { x: [2, 3], y: [2, 3] },
    display: [],
  },
  concatenate: {
    model: () => nn.concatenate([x([null, 2, 3]), nn.input("y", [null, 2, 1])], { ...NAME }),
    inputs: { x: [2, 2, 3], y: [2, 2, 1] },
    display: ["axis: -1"],
  },
  conv: {
    model: () =>
      x([null, 6, 5, 2]).conv(3, {
        ...NAME,
        kernelSize: [3, 2],
        strides: 2,
        padding: "same",
        dilation: [1, 2],
        useBias: false,
      }),
    inputs: { x: [2, 6, 5, 2] },
    display: [
      "kernel_size: {3, 2}",
      "strides: 2",
      "padding: :same",
      "dilation: {1, 2}",
      "feature_groups: 1",
    ],
  },
  conv_transpose: {
    model: () =>
      x([null, 3, 4, 2]).convTranspose(3, { ...NAME, kernelSize: 3, strides: 2, padding: "same" }),
    inputs: { x: [2, 3, 4, 2] },
    display: ["kernel_size: 3", "strides: 2", "padding: :same", "dilation: 1"],
  },
  max_pool: {
    model: () => x([null, 5, 2]).maxPool({ ...NAME, kernelSize: 2, padding: "same" }),
    inputs: { x: [2, 5, 2] },
    display: ["kernel_size: 2", "strides: 2", "padding: :same", "dilation: 1"],
  },
  avg_pool: {
    model: () => x([null, 4, 4, 1]).avgPool({ ...NAME, kernelSize: [2, 1], strides: [1, 2] }),
    inputs: { x: [2, 4, 4, 1] },
    display: ["kernel_size: {2, 1}", "strides: {1, 2}", "padding: :valid", "dilation: 1"],
  },
  adaptive_avg_pool: {
    model: () => x([null, 5, 7, 2]).adaptiveAvgPool([3, 4], NAME),
    inputs: { x: [2, 5, 7, 2] },
    display: ["output_size: {3, 4}"],
  },
  adaptive_max_pool: {
    model: () => x([null, 6, 2]).adaptiveMaxPool(4, NAME),
    inputs: { x: [2, 6, 2] },
    display: ["output_size: 4"],
  },
  global_avg_pool: {
    model: () => x([null, 3, 3, 2]).globalAvgPool({ ...NAME, keepAxes: true }),
    inputs: { x: [2, 3, 3, 2] },
    display: ["keep_axes: true"],
  },
  global_max_pool: {
    model: () => x([null, 4, 2]).globalMaxPool(NAME),
    inputs: { x: [2, 4, 2] },
    display: ["keep_axes: false"],
  },
  batch_norm: {
    model: () => x([null, 3]).batchNorm({ ...NAME, epsilon: 1e-3, momentum: 0.2 }),
    inputs: { x: [4, 3] },
    display: ["epsilon: 0.001", "momentum: 0.2"],
  },
  layer_norm: {
    model: () => x([null, 2, 3]).layerNorm({ ...NAME, gammaInitializer: nn.initializers.full(2) }),
    inputs: { x: [2, 2, 3] },
    display: ["epsilon: 1.0e-5"],
  },
  rms_norm: {
    model: () => x([null, 2, 3]).rmsNorm({ ...NAME, epsilon: 1e-3 }),
    inputs: { x: [2, 2, 3] },
    display: ["epsilon: 0.001"],
  },
  group_norm: {
    model: () => x([null, 3, 3, 4]).groupNorm(2, NAME),
    inputs: { x: [2, 3, 3, 4] },
    display: ["num_groups: 2", "epsilon: 1.0e-5"],
  },
  instance_norm: {
    model: () => x([null, 4, 3]).instanceNorm({ ...NAME, epsilon: 1e-3 }),
    inputs: { x: [2, 4, 3] },
    display: ["epsilon: 0.001"],
  },
  multi_head_attention: {
    model: () => x([null, 4, 6]).multiHeadAttention(2, 3, { ...NAME, causal: true }),
    inputs: { x: [2, 4, 6] },
    display: ["num_heads: 2", "key_dim: 3", "causal: true"],
  },
  reverse_time: {
    model: () => x([null, 3, 2]).reverseTime(NAME),
    inputs: { x: [2, 3, 2] },
    display: [],
  },
  lstm: {
    model: () => x([null, 3, 2]).lstm(4, NAME),
    inputs: { x: [2, 3, 2] },
    display: ["units: 4", "return_sequences: true", "return_state: false"],
  },
  // An encoder's final states start a decoder, which returns its own: one LSTM node each, read
  // through part layers.
  "lstm:state": {
    op: "lstm",
    model: () => {
      const encoder = x([null, 3, 2]).lstm(4, {
        name: "encoder",
        returnSequences: false,
        returnState: true,
      });
      const decoder = nn.input("y", [null, 2, 3]).lstm(4, {
        ...NAME,
        returnState: true,
        initialState: { hidden: encoder.hidden, cell: encoder.cell },
      });
      return nn.concatenate([decoder.output.flatten(), decoder.hidden, decoder.cell]);
    },
    inputs: { x: [2, 3, 2], y: [2, 2, 3] },
    display: ["units: 4", "return_sequences: true", "return_state: true"],
  },
  gru: {
    model: () => x([null, 3, 2]).gru(3, { ...NAME, returnSequences: false }),
    inputs: { x: [2, 3, 2] },
    display: ["units: 3", "return_sequences: false", "return_state: false"],
  },
  "gru:state": {
    op: "gru",
    model: () => {
      const g = x([null, 3, 2]).gru(3, {
        ...NAME,
        returnState: true,
        initialState: { hidden: nn.input("h0", [null, 3]) },
      });
      return nn.concatenate([g.output.flatten(), g.hidden]);
    },
    inputs: { x: [2, 3, 2], h0: [2, 3] },
    display: ["units: 3", "return_sequences: true", "return_state: true"],
  },
  part: {
    layerName: "rnn_cell",
    model: () =>
      x([null, 3, 2]).lstm(4, { name: "rnn", returnSequences: false, returnState: true }).cell,
    inputs: { x: [2, 3, 2] },
    display: ["index: 2"],
  },
};

/** The sample batch of a sample: normal values, or integer ids below `ids`. */
export function sampleInputs(sample: LayerSample): Record<string, nx.Tensor> {
  return Object.fromEntries(
    Object.entries(sample.inputs).map(([name, shape], i) => {
      const key = nx.random.key(10 + i);
      const t =
        sample.ids === undefined
          ? nx.random.normal(key, [...shape])
          : nx.floor(nx.multiply(nx.random.uniform(key, [...shape]), sample.ids));
      return [name, t];
    }),
  );
}
