/**
 * Recurrent layers over `[batch, time, features]` inputs, unrolled over the (static) time axis:
 * LSTM and GRU with PyTorch's gate equations and gate order.
 */
import * as nx from "@dendrite/tensor";
import { nodeOf, type GraphNode, type Model, type NameOption } from "../model.js";
import { concatenate } from "./merge.js";
import { defineBuiltinLayer, type OptionsIn } from "./define.js";
import { boolean, initializer, positiveInt } from "./options.js";
import { parts } from "./part.js";

const OPTIONS = {
  /** The number of hidden units. */
  units: positiveInt({ display: "units" }),
  /** Output every step `[batch, time, units]` (default) or only the last `[batch, units]`. */
  returnSequences: boolean({ default: true, display: "return_sequences" }),
  /** Also output the final states (`{ output, hidden, cell }` for an LSTM); default false. */
  returnState: boolean({ default: false, display: "return_state" }),
  /** Input-to-hidden kernel initializer (default `"glorotUniform"`). */
  kernelInitializer: initializer("glorotUniform"),
  /** Hidden-to-hidden kernel initializer (default `"orthogonal"`). */
  recurrentInitializer: initializer("orthogonal"),
  /** Default `"zeros"`. */
  biasInitializer: initializer("zeros"),
};

/** Options of `lstm` and `gru`. */
export interface RecurrentOptions extends Omit<OptionsIn<typeof OPTIONS>, "units">, NameOption {}

/** Options of `lstm`. */
export interface LstmOptions extends RecurrentOptions {
  /**
   * The state at the first step, `[batch, units]` each (default zeros): say the final state of an
   * encoder, for a sequence-to-sequence decoder. Both are needed.
   */
  initialState?: { readonly hidden: Model; readonly cell: Model };
}

/** Options of `gru`. */
export interface GruOptions extends RecurrentOptions {
  /** The hidden state at the first step, `[batch, units]` (default zeros). */
  initialState?: { readonly hidden: Model };
}

/** What `lstm` returns with `returnState: true`: its output and its final states, as models. */
export interface LstmState {
  /** The layer's output: every step `[batch, time, units]`, or the last `[batch, units]`. */
  readonly output: Model;
  /** The hidden state after the last step, `[batch, units]`. */
  readonly hidden: Model;
  /** The cell state after the last step, `[batch, units]`. */
  readonly cell: Model;
}

/** What `gru` returns with `returnState: true`: its output and its final hidden state. */
export interface GruState {
  /** The layer's output: every step `[batch, time, units]`, or the last `[batch, units]`. */
  readonly output: Model;
  /** The hidden state after the last step, `[batch, units]`. */
  readonly hidden: Model;
}

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

/**
 * The initial states given as the layer's extra inputs (after the sequence `x`), checked to be
 * `[batch, units]`, or zeros when none are given.
 */
function initialStates(
  inputs: readonly nx.Tensor[],
  names: readonly string[],
  units: number,
): nx.Tensor[] {
  const x = inputs[0]!;
  const given = inputs.slice(1);
  if (given.length !== 0 && given.length !== names.length)
    throw new Error(
      `expected the sequence and ${names.length === 1 ? "an initial hidden state" : `the initial ${names.join(" and ")} states`}, got ${inputs.length} inputs`,
    );
  const want = [x.shape[0]!, units];
  return names.map((name, k) => {
    const t = given[k];
    if (t === undefined) return nx.zeros(want, { dtype: x.dtype });
    if (t.shape.join() !== want.join())
      throw new Error(
        `the initial ${name} state must be [batch, units] = ${nx.formatShape(want)} for the input ${nx.formatShape(x.shape)}, got shape ${nx.formatShape(t.shape)}`,
      );
    return t;
  });
}

/** Gate `k` (of width `units`) of a `[batch, gates·units]` tensor. */
function gate(z: nx.Tensor, k: number, units: number): nx.Tensor {
  return nx.sliceAlong(z, k * units, units, { axis: 1 });
}

/**
 * Runs `step` over the time axis from `initial` (the hidden state first); returns what the layer
 * outputs: every hidden state stacked or the last, then with `returnState` the final states.
 */
function unroll(
  xw: nx.Tensor,
  initial: nx.Tensor[],
  options: {
    readonly units: number;
    readonly returnSequences: boolean;
    readonly returnState: boolean;
  },
  step: (xt: nx.Tensor, state: nx.Tensor[]) => nx.Tensor[],
): nx.Tensor | nx.Tensor[] {
  const [n, time] = xw.shape as [number, number];
  let state = initial;
  const hs: nx.Tensor[] = [];
  for (let t = 0; t < time; t++) {
    state = step(nx.reshape(nx.sliceAlong(xw, t, 1, { axis: 1 }), [n, xw.shape[2]!]), state);
    hs.push(state[0]!);
  }
  const output = !options.returnSequences
    ? state[0]!
    : time === 0
      ? nx.zeros([n, 0, options.units], { dtype: xw.dtype })
      : nx.stack(hs, { axis: 1 });
  return options.returnState ? [output, ...state] : output;
}

const LSTM = defineBuiltinLayer({
  op: "lstm",
  options: OPTIONS,
  outputs: (o) => (o.returnState ? 3 : 1),
  params: (o, [x]) => {
    const u = o.units;
    checkSequence(x!);
    return {
      input_kernel: { shape: [x![2]!, 4 * u], initializer: o.kernelInitializer },
      hidden_kernel: { shape: [u, 4 * u], initializer: o.recurrentInitializer },
      bias: { shape: [4 * u], initializer: o.biasInitializer },
    };
  },
  forward: (o, inputs, p) => {
    const u = o.units;
    const x = inputs[0]!;
    checkSequence(x, p.input_kernel!.shape[0]);
    const initial = initialStates(inputs, ["hidden", "cell"], u);
    const xw = nx.add(nx.dot(x, p.input_kernel!), p.bias!);
    return unroll(xw, initial, o, (xt, [h, cell]) => {
      const z = nx.add(xt, nx.dot(h!, p.hidden_kernel!));
      const i = nx.sigmoid(gate(z, 0, u));
      const f = nx.sigmoid(gate(z, 1, u));
      const g = nx.tanh(gate(z, 2, u));
      const o = nx.sigmoid(gate(z, 3, u));
      const c = nx.add(nx.multiply(f, cell!), nx.multiply(i, g));
      return [nx.multiply(o, nx.tanh(c)), c];
    });
  },
});

/** The nodes of `initialState`'s models `keys` (all required when it is given). */
function initialParents(op: string, state: unknown, keys: readonly string[]): readonly GraphNode[] {
  if (state === undefined) return [];
  const wanted = `{ ${keys.join(", ")} }`;
  if (typeof state !== "object" || state === null || Array.isArray(state))
    throw new TypeError(
      `${op}: initialState must be ${wanted} (models of shape [batch, units]), got ${nx.describeValue(state)}`,
    );
  for (const k of Object.keys(state))
    if (!keys.includes(k))
      throw new TypeError(`${op}: initialState has an unknown entry "${k}"; it takes ${wanted}`);
  return keys.map((k) => {
    const m = (state as Record<string, unknown>)[k];
    if (m === undefined)
      throw new TypeError(`${op}: initialState needs ${wanted}; ${k} is missing`);
    return nodeOf(m, `${op}: initialState.${k}`);
  });
}

/**
 * A long short-term memory layer with `units` hidden units, PyTorch's gates (input, forget, cell,
 * output): kernels `input_kernel [features, 4·units]`, `hidden_kernel [units, 4·units]`, `bias
 * [4·units]`. The state starts at zeros, or at `initialState: { hidden, cell }`. With
 * `returnState: true` it returns `{ output, hidden, cell }` (the final states, as PyTorch's
 * `output, (h_n, c_n)`), each a model to continue from; the recurrence is computed once.
 *
 * @example
 * const encoder = nn.input("source", [null, 7, 4]).lstm(16, { returnState: true });
 * const decoded = nn.input("target", [null, 5, 3]).lstm(16, {
 *   initialState: { hidden: encoder.hidden, cell: encoder.cell },
 * });
 */
export function lstm(
  x: Model,
  units: number,
  options: LstmOptions & { returnState: true },
): LstmState;
export function lstm(
  x: Model,
  units: number,
  options?: LstmOptions & { returnState?: false },
): Model;
export function lstm(x: Model, units: number, options?: LstmOptions): Model | LstmState;
export function lstm(x: Model, units: number, options: LstmOptions = {}): Model | LstmState {
  const node = nodeOf(x, "lstm");
  if (typeof options !== "object" || options === null)
    throw new TypeError(`lstm: options must be an object, got ${nx.describeValue(options)}`);
  const { initialState, ...rest } = options;
  const init = initialParents("lstm", initialState, ["hidden", "cell"]);
  const m = LSTM.apply([node, ...init], { ...rest, units });
  return options.returnState === true ? parts(m, ["output", "hidden", "cell"]) : m;
}

const GRU = defineBuiltinLayer({
  op: "gru",
  options: OPTIONS,
  outputs: (o) => (o.returnState ? 2 : 1),
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
  forward: (o, inputs, p) => {
    const u = o.units;
    const x = inputs[0]!;
    checkSequence(x, p.input_kernel!.shape[0]);
    const initial = initialStates(inputs, ["hidden"], u);
    const xw = nx.add(nx.dot(x, p.input_kernel!), p.input_bias!);
    return unroll(xw, initial, o, (xt, [h]) => {
      const hw = nx.add(nx.dot(h!, p.hidden_kernel!), p.hidden_bias!);
      const reset = nx.sigmoid(nx.add(gate(xt, 0, u), gate(hw, 0, u)));
      const update = nx.sigmoid(nx.add(gate(xt, 1, u), gate(hw, 1, u)));
      const candidate = nx.tanh(nx.add(gate(xt, 2, u), nx.multiply(reset, gate(hw, 2, u))));
      return [nx.add(nx.multiply(nx.subtract(1, update), candidate), nx.multiply(update, h!))];
    });
  },
});

/**
 * A gated recurrent unit layer with PyTorch's equations (reset, update, new gates; the reset gate
 * applied to the hidden projection plus its bias): `h' = (1 − z)·n + z·h`. The state starts at
 * zeros, or at `initialState: { hidden }`; with `returnState: true` it returns `{ output, hidden }`
 * (the final state, as PyTorch's `output, h_n`), each a model to continue from.
 */
export function gru(x: Model, units: number, options: GruOptions & { returnState: true }): GruState;
export function gru(x: Model, units: number, options?: GruOptions & { returnState?: false }): Model;
export function gru(x: Model, units: number, options?: GruOptions): Model | GruState;
export function gru(x: Model, units: number, options: GruOptions = {}): Model | GruState {
  const node = nodeOf(x, "gru");
  if (typeof options !== "object" || options === null)
    throw new TypeError(`gru: options must be an object, got ${nx.describeValue(options)}`);
  const { initialState, ...rest } = options;
  const init = initialParents("gru", initialState, ["hidden"]);
  const m = GRU.apply([node, ...init], { ...rest, units });
  return options.returnState === true ? parts(m, ["output", "hidden"]) : m;
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
