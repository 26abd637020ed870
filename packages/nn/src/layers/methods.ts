/**
 * Layers as chainable methods: `nn.input("x", [null, 7]).dense(32, { activation: "relu" })` calls
 * the same functions as `nn.dense(nn.input(...), 32, ...)`. The tables below install them on
 * `Model.prototype`; `methods.generated.ts` (made from these tables by `npm run
 * generate:methods`) declares each with its function's TSDoc, for editors.
 */
import "./methods.generated.js";
import { Model } from "../model.js";
import * as act from "./activation.js";
import { multiHeadAttention } from "./attention.js";
import * as conv from "./conv.js";
import { dense } from "./dense.js";
import * as drop from "./dropout.js";
import { embedding } from "./embedding.js";
import * as merge from "./merge.js";
import * as norm from "./normalization.js";
import * as pool from "./pooling.js";
import * as rnn from "./recurrent.js";
import * as shape from "./reshape.js";

const UNARY = {
  dense,
  activate: act.activate,
  relu: act.relu,
  relu6: act.relu6,
  sigmoid: act.sigmoid,
  softmax: act.softmax,
  logSoftmax: act.logSoftmax,
  logSumexp: act.logSumexp,
  logSigmoid: act.logSigmoid,
  tanh: act.tanh,
  gelu: act.gelu,
  silu: act.silu,
  elu: act.elu,
  celu: act.celu,
  selu: act.selu,
  leakyRelu: act.leakyRelu,
  softplus: act.softplus,
  softsign: act.softsign,
  linear: act.linear,
  mish: act.mish,
  exp: act.exp,
  hardSigmoid: act.hardSigmoid,
  hardSilu: act.hardSilu,
  hardTanh: act.hardTanh,
  dropout: drop.dropout,
  spatialDropout: drop.spatialDropout,
  alphaDropout: drop.alphaDropout,
  flatten: shape.flatten,
  reshape: shape.reshape,
  upsample: shape.upsample,
  embedding,
  batchNorm: norm.batchNorm,
  layerNorm: norm.layerNorm,
  rmsNorm: norm.rmsNorm,
  multiHeadAttention,
  groupNorm: norm.groupNorm,
  instanceNorm: norm.instanceNorm,
  conv: conv.conv,
  convTranspose: conv.convTranspose,
  depthwiseConv: conv.depthwiseConv,
  separableConv: conv.separableConv,
  maxPool: pool.maxPool,
  avgPool: pool.avgPool,
  adaptiveAvgPool: pool.adaptiveAvgPool,
  adaptiveMaxPool: pool.adaptiveMaxPool,
  globalAvgPool: pool.globalAvgPool,
  globalMaxPool: pool.globalMaxPool,
  lstm: rnn.lstm,
  gru: rnn.gru,
  bidirectional: rnn.bidirectional,
  reverseTime: rnn.reverseTime,
} as const;

const BINARY = {
  add: merge.add,
  subtract: merge.subtract,
  multiply: merge.multiply,
  concatenate: merge.concatenate,
} as const;

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
