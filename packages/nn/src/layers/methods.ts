/**
 * Layers as chainable methods: `nn.input("x", [null, 7]).dense(32, { activation: "relu" })` calls
 * the same functions as `nn.dense(nn.input(...), 32, ...)`.
 */
import { Model } from "../model.js";
import * as core from "./core.js";
import * as norm from "./normalization.js";
import * as conv from "./conv.js";
import * as rnn from "./recurrent.js";

const UNARY = {
  dense: core.dense,
  activate: core.activate,
  relu: core.relu,
  relu6: core.relu6,
  sigmoid: core.sigmoid,
  softmax: core.softmax,
  logSoftmax: core.logSoftmax,
  logSumexp: core.logSumexp,
  logSigmoid: core.logSigmoid,
  tanh: core.tanh,
  gelu: core.gelu,
  silu: core.silu,
  elu: core.elu,
  celu: core.celu,
  selu: core.selu,
  leakyRelu: core.leakyRelu,
  softplus: core.softplus,
  softsign: core.softsign,
  linear: core.linear,
  mish: core.mish,
  exp: core.exp,
  hardSigmoid: core.hardSigmoid,
  hardSilu: core.hardSilu,
  hardTanh: core.hardTanh,
  dropout: core.dropout,
  spatialDropout: core.spatialDropout,
  alphaDropout: core.alphaDropout,
  flatten: core.flatten,
  reshape: core.reshape,
  embedding: core.embedding,
  batchNorm: norm.batchNorm,
  layerNorm: norm.layerNorm,
  conv: conv.conv,
  maxPool: conv.maxPool,
  avgPool: conv.avgPool,
  globalAvgPool: conv.globalAvgPool,
  globalMaxPool: conv.globalMaxPool,
  lstm: rnn.lstm,
  gru: rnn.gru,
} as const;

const BINARY = {
  add: core.add,
  subtract: core.subtract,
  multiply: core.multiply,
  concatenate: core.concatenate,
} as const;

type Tail<T extends readonly unknown[]> = T extends readonly [unknown, ...infer R] ? R : never;
type UnaryMethods = {
  [K in keyof typeof UNARY]: (
    ...args: Tail<Parameters<(typeof UNARY)[K]>>
  ) => ReturnType<(typeof UNARY)[K]>;
};
type BinaryMethods = {
  [K in keyof typeof BINARY]: (
    others: Model | readonly Model[],
    ...rest: Tail<Parameters<(typeof BINARY)[K]>>
  ) => Model;
};

declare module "../model.js" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface Model<Out> extends UnaryMethods, BinaryMethods {}
}

for (const [name, fn] of Object.entries(UNARY)) {
  Object.defineProperty(Model.prototype, name, {
    value: function (this: Model, ...args: unknown[]) {
      return (fn as (...a: unknown[]) => unknown)(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}
for (const [name, fn] of Object.entries(BINARY)) {
  Object.defineProperty(Model.prototype, name, {
    value: function (this: Model, others: Model | readonly Model[], ...rest: unknown[]) {
      const list = Array.isArray(others) ? others : [others];
      return (fn as (...a: unknown[]) => unknown)([this, ...list], ...rest);
    },
    writable: true,
    configurable: true,
  });
}
