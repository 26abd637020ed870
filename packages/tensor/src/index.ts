/**
 * `@dendrite/tensor`: tensors, autodiff, explicit-key random numbers and a JIT compiler — the
 * TypeScript counterpart of Elixir's Nx and Nx.Defn.
 *
 * @example
 * import * as nx from "@dendrite/tensor";
 * const x = nx.tensor([[1, 2], [3, 4]]);
 * const f = nx.jit((w: nx.Tensor) => nx.sum(nx.tanh(nx.dot(x, w))));
 * const g = nx.jit(nx.grad(f));
 */
import "./methods.js";

export { Tensor, isTensor } from "./tensor.js";
export type { DType, ComplexDType, Complex, NumberArray, TypedArray } from "./dtype.js";
export { DTYPES, byteSize, isFloat, promoteTypes } from "./dtype.js";
export {
  toFloat16Bits,
  fromFloat16Bits,
  toBFloat16Bits,
  fromBFloat16Bits,
  type HalfDType,
} from "./half.js";
export type { Shape } from "./shape.js";
export { formatType, formatShape } from "./format.js";
export { describeValue, show } from "./describe.js";
export {
  tensor,
  full,
  zeros,
  ones,
  zerosLike,
  fill,
  onesLike,
  iota,
  eye,
  linspace,
  arange,
  template,
  fromBuffer,
  type NestedArray,
  type NestedComplex,
  type DTypeOptions,
} from "./ops/creation.js";
export {
  type TensorLike,
  asType,
  add,
  subtract,
  multiply,
  divide,
  pow,
  remainder,
  maximum,
  minimum,
  negate,
  abs,
  sign,
  exp,
  expm1,
  log,
  log1p,
  sqrt,
  rsqrt,
  sin,
  cos,
  tan,
  tanh,
  sigmoid,
  erf,
  erfc,
  erfInv,
  asin,
  acos,
  atan,
  atan2,
  sinh,
  cosh,
  asinh,
  acosh,
  atanh,
  log2,
  log10,
  cbrt,
  bitwiseAnd,
  bitwiseOr,
  bitwiseXor,
  bitwiseNot,
  leftShift,
  rightShift,
  floor,
  ceil,
  round,
  trunc,
  clip,
  equal,
  notEqual,
  less,
  lessEqual,
  greater,
  greaterEqual,
  logicalAnd,
  logicalOr,
  logicalNot,
  logicalXor,
  quotient,
  isNan,
  isInfinite,
  select,
} from "./ops/elementwise.js";
export {
  type ReduceOptions,
  sum,
  product,
  reduceMax,
  reduceMin,
  mean,
  variance,
  standardDeviation,
  logsumexp,
  all,
  any,
  argmax,
  argmin,
  type ScanOptions,
  cumulativeSum,
  cumulativeProduct,
  cumulativeMax,
  cumulativeMin,
} from "./ops/reduce.js";
export {
  reshape,
  flatten,
  squeeze,
  newAxis,
  broadcast,
  transpose,
  concatenate,
  stack,
  slice,
  sliceAlong,
  take,
  putSlice,
  pad,
  reverse,
  tile,
  stopGradient,
  toBatched,
} from "./ops/shape.js";
export {
  dot,
  dotGeneral,
  matmul,
  matrixTranspose,
  outer,
  tril,
  tri,
  triu,
  cholesky,
  triangularSolve,
  type TriangularSolveOptions,
  solve,
  inverse,
  determinant,
  qr,
  svd,
  leastSquares,
  eigh,
  lu,
  pinv,
  type PinvOptions,
} from "./ops/linalg.js";
export {
  complex,
  real,
  imag,
  conjugate,
  viewAsReal,
  viewAsComplex,
  type PartLike,
} from "./ops/complex.js";
export { fft, ifft, type FftOptions } from "./ops/fft.js";
export { type SortOptions, argsort, takeAlongAxis, sort, topK, oneHot } from "./ops/sort.js";
export { type IndexedOptions, gather, indexedAdd, indexedPut } from "./ops/indexed.js";
export { type NormOptions, norm } from "./ops/norm.js";
export { type ReflectOptions, type ReflectionMode, reflect } from "./ops/reflect.js";
export { einsum } from "./ops/einsum.js";
export {
  type AllCloseOptions,
  type AxisReduceOptions,
  type CovarianceOptions,
  type WeightedMeanOptions,
  allClose,
  covariance,
  median,
  mode,
  weightedMean,
} from "./ops/statistics.js";
export { type DiagonalOptions, makeDiagonal, putDiagonal, takeDiagonal } from "./ops/diagonal.js";
export { diff, split } from "./ops/along-axis.js";
export { conv, type ConvOptions, type ConvPadding } from "./ops/conv.js";
export {
  windowSum,
  windowMean,
  windowMax,
  windowMin,
  windowProduct,
  type WindowOptions,
} from "./ops/window.js";
export { grad, valueAndGrad, type GradOptions } from "./autodiff.js";
export { cond, whileLoop, type Predicate, type WhileLoopOptions } from "./ops/control.js";
export { vectorize, type VectorizeOptions } from "./vectorize.js";
export { dispose } from "./dispose.js";
export { jit, type Jitted, type JitOptions, type JitCacheInfo } from "./jit.js";
export {
  auto,
  backends,
  getDefaultBackend,
  javascript,
  setDefaultBackend,
  wasm,
  type Backend,
} from "./compile/backend.js";
export type { Program, CompileOptions } from "./compile/compiler.js";
export { setThreads, getThreads } from "./wasm/threads.js";
export type { TensorTree, TreeSpec, TreeNodeType, Flat } from "./tree.js";
export {
  flattenTree,
  unflattenTree,
  registerTreeNode,
  mapTree,
  treeLeaves,
  isPlainObject,
} from "./tree.js";
export { epochKey, epochsOf, isBatchSource, type BatchSource, type Epochs } from "./batches.js";
export { registerTableType, tableTypeOf, type TableLike, type TableType } from "./tables.js";
export * as random from "./random.js";
