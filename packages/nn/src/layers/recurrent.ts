/**
 * Recurrent layers over `[batch, time, features]` inputs, unrolled over the (static) time axis:
 * LSTM and GRU with PyTorch's gate equations and gate order.
 */
import * as nx from "@dendrite/tensor";
import { nodeOf, type Model, type NameOption } from "../model.js";
import { concatenate } from "./merge.js";
import { defineBuiltinLayer, type OptionsIn } from "./define.js";
import { boolean, initializer, positiveInt } from "./options.js";

const OPTIONS = {
  /** The number of hidden units. */
  units: positiveInt({ display: "units" }),
  /** Output every step `[batch, time, units]` (default) or only the last `[batch, units]`. */
  returnSequences: boolean({ default: true, display: "return_sequences" }),
  /** Input-to-hidden kernel initializer (default `"glorotUniform"`). */
  kernelInitializer: initializer("glorotUniform"),
  /** Hidden-to-hidden kernel initializer (default `"orthogonal"`). */
  recurrentInitializer: initializer("orthogonal"),
  /** Default `"zeros"`. */
  biasInitializer: initializer("zeros"),
};

/** Options of `lstm` and `gru`. */
export interface RecurrentOptions extends Omit<OptionsIn<typeof OPTIONS>, "units">, NameOption {}

function checkSequence(x: nx.Tensor | readonly number[], features?: number): void {
  const shape = x instanceof nx.Tensor ? x.shape : x;
  if (shape.length !== 3)
    throw new Error(
      `expected an input [batch, time, features] of rank 3, got shape ${nx.formatShape(shape)}`,
    );
  if (features !== undefined && shape[2] !== features)
    throw new Error(
      `expected ${features} features on the last axis, got shape ${nx.formatShape(shape)}`,
    );
}

/** Gate `k` (of width `units`) of a `[batch, gates·units]` tensor. */
function gate(z: nx.Tensor, k: number, units: number): nx.Tensor {
  return nx.sliceAlong(z, k * units, units, { axis: 1 });
}

/** Runs `step` over the time axis; returns all hidden states stacked, or the last. */
function unroll(
  xw: nx.Tensor,
  units: number,
  returnSequences: boolean,
  step: (xt: nx.Tensor, h: nx.Tensor) => nx.Tensor,
): nx.Tensor {
  const [n, time] = xw.shape as [number, number];
  let h = nx.zeros([n, units], { dtype: xw.dtype });
  const hs: nx.Tensor[] = [];
  for (let t = 0; t < time; t++) {
    h = step(nx.reshape(nx.sliceAlong(xw, t, 1, { axis: 1 }), [n, xw.shape[2]!]), h);
    hs.push(h);
  }
  if (!returnSequences) return h;
  return time === 0 ? nx.zeros([n, 0, units], { dtype: xw.dtype }) : nx.stack(hs, { axis: 1 });
}

const LSTM = defineBuiltinLayer({
  op: "lstm",
  options: OPTIONS,
  params: (o, [x]) => {
    const u = o.units;
    checkSequence(x!);
    return {
      input_kernel: { shape: [x![2]!, 4 * u], initializer: o.kernelInitializer },
      hidden_kernel: { shape: [u, 4 * u], initializer: o.recurrentInitializer },
      bias: { shape: [4 * u], initializer: o.biasInitializer },
    };
  },
  forward: (o, [x], p) => {
    const u = o.units;
    checkSequence(x!, p.input_kernel!.shape[0]);
    const xw = nx.add(nx.dot(x!, p.input_kernel!), p.bias!);
    let cell = nx.zeros([x!.shape[0]!, u], { dtype: xw.dtype });
    return unroll(xw, u, o.returnSequences, (xt, h) => {
      const z = nx.add(xt, nx.dot(h, p.hidden_kernel!));
      const i = nx.sigmoid(gate(z, 0, u));
      const f = nx.sigmoid(gate(z, 1, u));
      const g = nx.tanh(gate(z, 2, u));
      const o = nx.sigmoid(gate(z, 3, u));
      cell = nx.add(nx.multiply(f, cell), nx.multiply(i, g));
      return nx.multiply(o, nx.tanh(cell));
    });
  },
});

/**
 * A long short-term memory layer with `units` hidden units, zero initial state, PyTorch's gates
 * (input, forget, cell, output): kernels `input_kernel [features, 4·units]`, `hidden_kernel
 * [units, 4·units]`, `bias [4·units]`.
 */
export function lstm(x: Model, units: number, options: RecurrentOptions = {}): Model {
  const node = nodeOf(x, "lstm");
  return LSTM.apply([node], { ...options, units });
}

const GRU = defineBuiltinLayer({
  op: "gru",
  options: OPTIONS,
  params: (o, [x]) => {
    const u = o.units;
    checkSequence(x!);
    return {
      input_kernel: { shape: [x![2]!, 3 * u], initializer: o.kernelInitializer },
      hidden_kernel: { shape: [u, 3 * u], initializer: o.recurrentInitializer },
      input_bias: { shape: [3 * u], initializer: o.biasInitializer },
      hidden_bias: { shape: [3 * u], initializer: o.biasInitializer },
    };
  },
  forward: (o, [x], p) => {
    const u = o.units;
    checkSequence(x!, p.input_kernel!.shape[0]);
    const xw = nx.add(nx.dot(x!, p.input_kernel!), p.input_bias!);
    return unroll(xw, u, o.returnSequences, (xt, h) => {
      const hw = nx.add(nx.dot(h, p.hidden_kernel!), p.hidden_bias!);
      const reset = nx.sigmoid(nx.add(gate(xt, 0, u), gate(hw, 0, u)));
      const update = nx.sigmoid(nx.add(gate(xt, 1, u), gate(hw, 1, u)));
      const candidate = nx.tanh(nx.add(gate(xt, 2, u), nx.multiply(reset, gate(hw, 2, u))));
      return nx.add(nx.multiply(nx.subtract(1, update), candidate), nx.multiply(update, h));
    });
  },
});

/**
 * A gated recurrent unit layer with PyTorch's equations (reset, update, new gates; the reset gate
 * applied to the hidden projection plus its bias): `h' = (1 − z)·n + z·h`.
 */
export function gru(x: Model, units: number, options: RecurrentOptions = {}): Model {
  const node = nodeOf(x, "gru");
  return GRU.apply([node], { ...options, units });
}

const REVERSE = defineBuiltinLayer({
  op: "reverse_time",
  options: {},
  forward: (_o, [x]) => {
    if (x!.rank < 2) throw new Error(`expected a sequence [batch, time, ...], got rank ${x!.rank}`);
    return nx.reverse(x!, { axes: [1] });
  },
});

/** The sequence `[batch, time, ...]` in reverse time order. */
export function reverseTime(x: Model, options: NameOption = {}): Model {
  return REVERSE.apply([nodeOf(x, "reverseTime")], options);
}

/**
 * A recurrent layer run both ways (Keras' `Bidirectional`): `layer` over the sequence and, with its
 * own weights, over the sequence reversed; the two results joined on the feature axis. A layer
 * that returns every step has its backward steps put back in time order first.
 *
 * @example
 * const y = nn.bidirectional(x, (seq) => seq.lstm(16, { returnSequences: true }));
 */
export function bidirectional(
  x: Model,
  layer: (sequence: Model) => Model,
  options: NameOption = {},
): Model {
  if (typeof layer !== "function")
    throw new TypeError(
      `bidirectional: expected a function that adds the layer, got ${nx.describeValue(layer)}`,
    );
  const forward = layer(x);
  let backward = layer(reverseTime(x));
  if (nodeOf(backward, "bidirectional").shape?.length === 3) backward = reverseTime(backward);
  return concatenate([forward, backward], options);
}
