/**
 * Ops as methods: `a.add(b).exp().sum()` calls the same functions as `nx.add(a, b)`. The table
 * below installs them on `Tensor.prototype`; `methods.generated.ts` (made from this table by
 * `npm run generate:methods`) declares each with its op's TSDoc, for editors.
 */
import "./methods.generated.js";
import { Tensor } from "./tensor.js";
import * as elementwise from "./ops/elementwise.js";
import * as reduce from "./ops/reduce.js";
import * as shape from "./ops/shape.js";
import * as linalg from "./ops/linalg.js";
import * as sorting from "./ops/sort.js";
import * as indexed from "./ops/indexed.js";
import * as norms from "./ops/norm.js";
import * as reflection from "./ops/reflect.js";
import * as statistics from "./ops/statistics.js";
import * as diagonals from "./ops/diagonal.js";
import * as alongAxis from "./ops/along-axis.js";
import * as creation from "./ops/creation.js";
import * as convolution from "./ops/conv.js";
import * as windows from "./ops/window.js";
import * as complexOps from "./ops/complex.js";
import * as fourier from "./ops/fft.js";

const METHODS = {
  add: elementwise.add,
  subtract: elementwise.subtract,
  multiply: elementwise.multiply,
  divide: elementwise.divide,
  pow: elementwise.pow,
  remainder: elementwise.remainder,
  maximum: elementwise.maximum,
  minimum: elementwise.minimum,
  negate: elementwise.negate,
  abs: elementwise.abs,
  real: complexOps.real,
  imag: complexOps.imag,
  conjugate: complexOps.conjugate,
  viewAsReal: complexOps.viewAsReal,
  viewAsComplex: complexOps.viewAsComplex,
  fft: fourier.fft,
  ifft: fourier.ifft,
  sign: elementwise.sign,
  exp: elementwise.exp,
  expm1: elementwise.expm1,
  log: elementwise.log,
  log1p: elementwise.log1p,
  sqrt: elementwise.sqrt,
  rsqrt: elementwise.rsqrt,
  sin: elementwise.sin,
  cos: elementwise.cos,
  tan: elementwise.tan,
  tanh: elementwise.tanh,
  sigmoid: elementwise.sigmoid,
  erf: elementwise.erf,
  erfc: elementwise.erfc,
  erfInv: elementwise.erfInv,
  asin: elementwise.asin,
  acos: elementwise.acos,
  atan: elementwise.atan,
  atan2: elementwise.atan2,
  sinh: elementwise.sinh,
  cosh: elementwise.cosh,
  asinh: elementwise.asinh,
  acosh: elementwise.acosh,
  atanh: elementwise.atanh,
  log2: elementwise.log2,
  log10: elementwise.log10,
  cbrt: elementwise.cbrt,
  bitwiseAnd: elementwise.bitwiseAnd,
  bitwiseOr: elementwise.bitwiseOr,
  bitwiseXor: elementwise.bitwiseXor,
  bitwiseNot: elementwise.bitwiseNot,
  leftShift: elementwise.leftShift,
  rightShift: elementwise.rightShift,
  floor: elementwise.floor,
  ceil: elementwise.ceil,
  round: elementwise.round,
  clip: elementwise.clip,
  isNan: elementwise.isNan,
  isInfinite: elementwise.isInfinite,
  equal: elementwise.equal,
  notEqual: elementwise.notEqual,
  less: elementwise.less,
  lessEqual: elementwise.lessEqual,
  greater: elementwise.greater,
  greaterEqual: elementwise.greaterEqual,
  logicalAnd: elementwise.logicalAnd,
  logicalOr: elementwise.logicalOr,
  logicalNot: elementwise.logicalNot,
  asType: elementwise.asType,
  sum: reduce.sum,
  product: reduce.product,
  mean: reduce.mean,
  reduceMax: reduce.reduceMax,
  reduceMin: reduce.reduceMin,
  argmax: reduce.argmax,
  argmin: reduce.argmin,
  variance: reduce.variance,
  standardDeviation: reduce.standardDeviation,
  logsumexp: reduce.logsumexp,
  all: reduce.all,
  any: reduce.any,
  cumulativeSum: reduce.cumulativeSum,
  cumulativeProduct: reduce.cumulativeProduct,
  cumulativeMax: reduce.cumulativeMax,
  cumulativeMin: reduce.cumulativeMin,
  reshape: shape.reshape,
  flatten: shape.flatten,
  squeeze: shape.squeeze,
  newAxis: shape.newAxis,
  broadcast: shape.broadcast,
  transpose: shape.transpose,
  slice: shape.slice,
  sliceAlong: shape.sliceAlong,
  take: shape.take,
  putSlice: shape.putSlice,
  pad: shape.pad,
  reflect: reflection.reflect,
  reverse: shape.reverse,
  tile: shape.tile,
  matmul: linalg.matmul,
  outer: linalg.outer,
  sort: sorting.sort,
  argsort: sorting.argsort,
  gather: indexed.gather,
  indexedAdd: indexed.indexedAdd,
  indexedPut: indexed.indexedPut,
  norm: norms.norm,
  topK: sorting.topK,
  median: statistics.median,
  mode: statistics.mode,
  weightedMean: statistics.weightedMean,
  covariance: statistics.covariance,
  allClose: statistics.allClose,
  takeDiagonal: diagonals.takeDiagonal,
  makeDiagonal: diagonals.makeDiagonal,
  putDiagonal: diagonals.putDiagonal,
  diff: alongAxis.diff,
  split: alongAxis.split,
  logicalXor: elementwise.logicalXor,
  quotient: elementwise.quotient,
  fill: creation.fill,
  conv: convolution.conv,
  windowSum: windows.windowSum,
  windowMean: windows.windowMean,
  windowMax: windows.windowMax,
  windowMin: windows.windowMin,
  windowProduct: windows.windowProduct,
} as const;

declare module "./tensor.js" {
  interface Tensor {
    /** Dot product (see `dot`). */
    dot(b: Tensor): Tensor;
    /** Iterates over the slices along axis 0 (so `const [a, b] = random.split(key)` works). */
    [Symbol.iterator](): Iterator<Tensor>;
  }
}

for (const [name, fn] of Object.entries(METHODS)) {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...args: unknown[]) {
      return (fn as (...a: unknown[]) => unknown)(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}
Object.defineProperty(Tensor.prototype, "dot", {
  value: function (this: Tensor, b: Tensor) {
    return linalg.dot(this, b);
  },
  writable: true,
  configurable: true,
});
Object.defineProperty(Tensor.prototype, Symbol.iterator, {
  value: function* (this: Tensor): Generator<Tensor> {
    if (this.rank === 0) throw new TypeError("a scalar tensor is not iterable");
    for (let i = 0; i < this.shape[0]!; i++)
      yield shape.squeeze(shape.sliceAlong(this, i, 1), { axes: 0 });
  },
  writable: true,
  configurable: true,
});
