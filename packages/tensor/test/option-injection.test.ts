// Option values never become generated code. Every exported function is called with each of its
// arguments, option values and array entries replaced in turn by payloads that would run if they
// were pasted into the source the compiler writes; each call must throw a clear error (one that
// names an op) or go through harmlessly, and the payload must never run. Eager and jit both.
// The functions come from the package's exports, so a new op without an entry here fails the test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { bindUnchecked } from "./unchecked.js";
import { CodegenError, bool, int, lit, literal } from "../src/compile/literal.js";
import * as pe from "../src/primitives/elementwise.js";
import * as pg from "../src/primitives/gather.js";
import * as pl from "../src/primitives/linalg.js";
import * as pr from "../src/primitives/reduce.js";
import * as ps from "../src/primitives/shape.js";
import * as pso from "../src/primitives/sort.js";

const g = globalThis as { __pwned?: unknown };

const PAYLOADS: readonly unknown[] = [
  "0);globalThis.__pwned=1;//",
  "true);globalThis.__pwned=1;//",
  "1;globalThis.__pwned=1",
  'f32"];globalThis.__pwned=1;//',
  // Coerces to 1 in arithmetic and to code in a template string.
  { valueOf: () => 1, toString: () => "1);globalThis.__pwned=1;//" },
  ["0);globalThis.__pwned=1;//"],
  // Neither a number nor JSON.
  2n,
];

const x = () =>
  nx.tensor([
    [4, 2],
    [2, 3],
  ]);
const v = () => nx.tensor([1, 2]);
const key = () => nx.random.key(0);

interface Spec {
  /** A valid call's arguments (fresh each time). */
  args: () => unknown[];
  /** What to do with the result so lazy work runs (call a returned function, drain a generator). */
  use?: (result: any) => unknown;
  /** Also call it inside jit (default true; false where the result is not a tensor tree). */
  jit?: boolean;
}

const unary = (): Spec => ({ args: () => [x()] });
const ints = () =>
  nx.tensor(
    [
      [5, -3],
      [12, 1],
    ],
    { dtype: "s32" },
  );
const integerBinary = (): Spec => ({ args: () => [ints(), ints()] });
const binary = (): Spec => ({ args: () => [x(), x()] });
const reduction = (): Spec => ({ args: () => [x(), { axes: [0], keepAxes: true }] });
const moments = (): Spec => ({ args: () => [x(), { axes: [0], keepAxes: false, ddof: 1 }] });
const noJit = (args: () => unknown[], use?: Spec["use"]): Spec => ({ args, use, jit: false });

const SPECS: Record<string, Spec> = {
  abs: unary(),
  add: binary(),
  all: reduction(),
  any: reduction(),
  arange: { args: () => [0, 4, 1, { dtype: "f32" }] },
  argmax: { args: () => [x(), { axis: 0, keepAxis: true }] },
  argmin: { args: () => [x(), { axis: 1, keepAxis: false }] },
  argsort: { args: () => [x(), { axis: 1, descending: true }] },
  asType: { args: () => [x(), "s32"] },
  broadcast: { args: () => [v(), [2, 2], { axes: [1] }] },
  ceil: unary(),
  cholesky: unary(),
  clip: { args: () => [x(), 1, 3] },
  concatenate: { args: () => [[x(), x()], { axis: 1 }] },
  complex: binary(),
  conjugate: { args: () => [nx.complex(x(), x())] },
  fft: { args: () => [x(), { length: 3 }] },
  ifft: { args: () => [x(), { length: 3 }] },
  imag: { args: () => [nx.complex(x(), x())] },
  real: { args: () => [nx.complex(x(), x())] },
  viewAsComplex: unary(),
  viewAsReal: { args: () => [nx.complex(x(), x())] },
  cond: {
    args: () => [nx.tensor(1), (t: nx.Tensor) => nx.exp(t), (t: nx.Tensor) => nx.negate(t), x()],
  },
  cos: unary(),
  cumulativeSum: { args: () => [x(), { axis: 1, reverse: true }] },
  cumulativeProduct: { args: () => [x(), { axis: 1, reverse: true }] },
  cumulativeMax: { args: () => [x(), { axis: 0, reverse: false }] },
  cumulativeMin: { args: () => [x(), { axis: -1, reverse: true }] },
  determinant: unary(),
  eigh: unary(),
  dispose: noJit(() => [{ a: x(), b: [v()] }]),
  describeValue: noJit(() => [{ a: x(), b: [1, "two"] }]),
  divide: binary(),
  dot: binary(),
  dotGeneral: { args: () => [x(), [1], [0], x(), [1], [0]] },
  equal: binary(),
  epochKey: noJit(() => [3, 1]),
  epochsOf: noJit(
    () => [[1, 2, 3], "epochsOf"],
    (e: nx.Epochs) => (e.open(0) as Iterator<unknown>).next(),
  ),
  einsum: { args: () => ["ij,jk->ik", x(), x()] },
  median: { args: () => [x(), { axis: 0, keepAxis: true }] },
  mode: { args: () => [x(), { axis: 1, keepAxis: false }] },
  weightedMean: { args: () => [x(), x(), { axes: [1], keepAxes: true }] },
  covariance: { args: () => [x(), { mean: nx.tensor([1, 2]), ddof: 1 }] },
  allClose: { args: () => [x(), x(), { rtol: 1e-3, atol: 1e-6, equalNan: true }] },
  takeDiagonal: { args: () => [x(), { offset: 1 }] },
  makeDiagonal: { args: () => [v(), { offset: -1 }] },
  putDiagonal: { args: () => [x(), nx.tensor([7]), { offset: 1 }] },
  tri: { args: () => [3, 2, { k: 1 }] },
  diff: { args: () => [x(), { order: 1, axis: 0 }] },
  split: { args: () => [x(), 1, { axis: 1 }] },
  logicalXor: binary(),
  quotient: { args: () => [nx.tensor([7, 9], { dtype: "s32" }), 2] },
  fill: { args: () => [x(), 2, { dtype: "f64" }] },
  erf: unary(),
  erfc: unary(),
  erfInv: { args: () => [nx.tensor([0.5, -0.25])] },
  asin: { args: () => [nx.tensor([0.5, -0.25])] },
  acos: { args: () => [nx.tensor([0.5, -0.25])] },
  atan: unary(),
  atan2: binary(),
  sinh: unary(),
  cosh: unary(),
  asinh: unary(),
  acosh: unary(),
  atanh: { args: () => [nx.tensor([0.5, -0.25])] },
  log2: unary(),
  log10: unary(),
  cbrt: unary(),
  bitwiseAnd: integerBinary(),
  bitwiseOr: integerBinary(),
  bitwiseXor: integerBinary(),
  bitwiseNot: { args: () => [ints()] },
  leftShift: { args: () => [ints(), 2] },
  rightShift: { args: () => [ints(), nx.tensor([1, 33], { dtype: "s32" })] },
  exp: unary(),
  expm1: unary(),
  eye: { args: () => [2, { m: 3, dtype: "f64" }] },
  flatten: unary(),
  flattenTree: noJit(() => [{ a: x(), b: [v()] }, "root"]),
  floor: unary(),
  formatShape: noJit(() => [[null, 3]]),
  formatType: noJit(() => [[2, 3], "f32"]),
  fromBuffer: { args: () => [new Uint8Array(8), "f32", [2]] },
  full: { args: () => [[2, 2], 3, { dtype: "f32" }] },
  grad: noJit(
    () => [(t: nx.Tensor) => nx.sum(nx.multiply(t, t)), { hasAux: false }],
    (f) => f(x()),
  ),
  greater: binary(),
  greaterEqual: binary(),
  inverse: unary(),
  iota: { args: () => [[2, 3], { axis: 1, dtype: "s32" }] },
  isInfinite: unary(),
  isNan: unary(),
  isBatchSource: noJit(() => [{ forEpoch: () => [] }]),
  isPlainObject: noJit(() => [{ a: 1 }]),
  registerTableType: noJit(() => [
    {
      name: "injection test table",
      is: () => false,
      toTensor: () => x(),
      takeRows: (t: unknown) => t,
    },
  ]),
  tableTypeOf: noJit(() => [{ height: 2, columns: ["a"] }]),
  isTensor: noJit(() => [x()]),
  jit: noJit(
    () => [(t: nx.Tensor) => nx.exp(t), { cacheSize: 2 }],
    (f) => f(x()),
  ),
  leastSquares: binary(),
  lu: unary(),
  vectorize: noJit(
    () => [(t: nx.Tensor) => nx.exp(t), { inAxes: [0], outAxes: 0 }],
    (f) => f(x()),
  ),
  whileLoop: {
    args: () => [
      x(),
      (s: nx.Tensor) => nx.less(nx.sum(s), 100),
      (s: nx.Tensor) => nx.multiply(s, 2),
      { maxIterations: 50 },
    ],
  },
  less: binary(),
  lessEqual: binary(),
  linspace: { args: () => [0, 1, { n: 5, endpoint: false, dtype: "f64" }] },
  log: { args: () => [x(), 2] },
  log1p: unary(),
  logicalAnd: binary(),
  logicalNot: unary(),
  logicalOr: binary(),
  logsumexp: reduction(),
  mapTree: noJit(() => [{ a: x(), b: [x(), 2] }, (t: nx.Tensor) => nx.negate(t)]),
  matmul: binary(),
  matrixTranspose: unary(),
  maximum: binary(),
  mean: reduction(),
  minimum: binary(),
  multiply: binary(),
  negate: unary(),
  newAxis: { args: () => [x(), 1] },
  notEqual: binary(),
  oneHot: { args: () => [nx.tensor([0, 2], { dtype: "s32" }), 3, { dtype: "f32" }] },
  ones: { args: () => [[2, 2], { dtype: "s32" }] },
  onesLike: unary(),
  outer: binary(),
  pad: {
    args: () => [
      x(),
      -1,
      [
        [1, 1, 0],
        [0, 2, 1],
      ],
    ],
  },
  pinv: { args: () => [x(), { eps: 1e-6 }] },
  pow: binary(),
  reflect: {
    args: () => [
      x(),
      {
        paddingConfig: [
          [1, 0],
          [0, 2],
        ],
        reflectionMode: "symmetric",
      },
    ],
  },
  product: reduction(),
  promoteTypes: noJit(() => ["f32", "s32"]),
  byteSize: noJit(() => ["f16"]),
  isFloat: noJit(() => ["bf16"]),
  toFloat16Bits: noJit(() => [0.1]),
  fromFloat16Bits: noJit(() => [15360]),
  toBFloat16Bits: noJit(() => [0.1]),
  fromBFloat16Bits: noJit(() => [16256]),
  putSlice: { args: () => [x(), [0, 1], nx.tensor([[9]])] },
  qr: { args: () => [x(), { mode: "complete" }] },
  reduceMax: reduction(),
  reduceMin: reduction(),
  remainder: binary(),
  registerTreeNode: noJit(() => [
    class {},
    { flatten: () => ({ children: [] }), unflatten: () => ({}) },
  ]),
  reshape: { args: () => [x(), [4]] },
  reverse: { args: () => [x(), { axes: [0] }] },
  round: unary(),
  rsqrt: unary(),
  select: { args: () => [nx.tensor([1, 0], { dtype: "u8" }), x(), 0] },
  sigmoid: unary(),
  show: noJit(() => [{ a: 1, b: [true, "two"] }]),
  sign: unary(),
  sin: unary(),
  slice: { args: () => [x(), [0, 0], [2, 2], [1, 2]] },
  sliceAlong: { args: () => [x(), 0, 1, { axis: 1, stride: 1 }] },
  solve: binary(),
  sort: { args: () => [x(), { axis: 0, descending: true }] },
  sqrt: unary(),
  squeeze: { args: () => [nx.zeros([1, 2]), { axes: [0] }] },
  stack: { args: () => [[x(), x()], { axis: 1 }] },
  standardDeviation: moments(),
  stopGradient: unary(),
  subtract: binary(),
  sum: reduction(),
  svd: unary(),
  take: { args: () => [x(), [0, -1], { axis: 1 }] },
  norm: { args: () => [x(), { ord: 1, axes: [0, 1], keepAxes: true }] },
  gather: { args: () => [x(), nx.tensor([[1], [0]], { dtype: "s32" }), { axes: [1] }] },
  indexedAdd: {
    args: () => [x(), nx.tensor([[1], [0]], { dtype: "s32" }), nx.ones([2, 2]), { axes: [1] }],
  },
  indexedPut: {
    args: () => [x(), nx.tensor([[1], [0]], { dtype: "s32" }), nx.ones([2, 2]), { axes: [1] }],
  },
  takeAlongAxis: {
    args: () => [
      x(),
      nx.tensor(
        [
          [0, -1],
          [1, 0],
        ],
        { dtype: "s32" },
      ),
      1,
    ],
  },
  tan: unary(),
  tanh: unary(),
  template: noJit(() => [[2, 3], "f32"]),
  tensor: { args: () => [[1, 2], { dtype: "f64" }] },
  tile: { args: () => [x(), [2, 1]] },
  toBatched: noJit(
    () => [x(), 1, { leftover: "repeat" }],
    (gen) => [...gen],
  ),
  topK: { args: () => [x(), 1] },
  transpose: { args: () => [x(), [1, 0]] },
  triangularSolve: {
    args: () => [x(), x(), { lower: false, transposeA: true, unitDiagonal: true }],
  },
  tril: { args: () => [x(), 1] },
  triu: { args: () => [x(), -1] },
  trunc: unary(),
  treeLeaves: noJit(() => [{ a: x(), b: [v(), "s"] }]),
  unflattenTree: noJit(() => [nx.flattenTree([x(), 3]).spec, [x()]]),
  valueAndGrad: noJit(
    () => [(t: nx.Tensor) => nx.sum(t), { hasAux: false }],
    (f) => f(x()),
  ),
  variance: moments(),
  zeros: { args: () => [[2, 2], { dtype: "u8" }] },
  zerosLike: unary(),
  conv: {
    args: () => [
      nx.ones([1, 2, 4, 4]),
      nx.ones([3, 2, 2, 2]),
      {
        strides: [1, 2],
        padding: [
          [1, 0],
          [0, 1],
        ],
        inputDilation: 1,
        kernelDilation: [1, 1],
        featureGroupSize: 1,
        batchGroupSize: 1,
        inputPermutation: [0, 1, 2, 3],
        kernelPermutation: [0, 1, 2, 3],
        outputPermutation: [0, 1, 2, 3],
      },
    ],
  },
  windowSum: {
    args: () => [
      x(),
      [1, 2],
      {
        strides: [1, 1],
        padding: [
          [0, 1],
          [1, 0],
        ],
        windowDilations: 1,
      },
    ],
  },
  windowMean: {
    args: () => [x(), [2, 1], { strides: 1, padding: "same", windowDilations: [1, 1] }],
  },
  windowMax: {
    args: () => [
      x(),
      [1, 2],
      {
        strides: [1, 1],
        padding: [
          [0, 1],
          [1, 0],
        ],
        windowDilations: 1,
      },
    ],
  },
  windowMin: {
    args: () => [x(), [1, 2], { strides: [1, 1], padding: "valid", windowDilations: [2, 1] }],
  },
  windowProduct: {
    args: () => [
      x(),
      [2, 2],
      {
        strides: [1, 1],
        padding: [
          [0, 1],
          [1, 0],
        ],
        windowDilations: 1,
      },
    ],
  },
  // Settings: the valid calls keep the defaults.
  getThreads: noJit(() => []),
  setThreads: noJit(() => [nx.getThreads()]),
  getDefaultBackend: noJit(() => []),
  setDefaultBackend: noJit(() => ["auto"]),
  "random.key": { args: () => [7] },
  "random.split": { args: () => [key(), 3] },
  "random.uniform": { args: () => [key(), [2], { min: 0, max: 2, dtype: "f64" }] },
  "random.normal": { args: () => [key(), [2], { mean: 1, std: 2, dtype: "f32" }] },
  "random.randint": { args: () => [key(), [2], { min: 0, max: 5, dtype: "s32" }] },
  "random.permutation": { args: () => [key(), 4] },
  "random.shuffle": { args: () => [key(), x(), { axis: 1 }] },
};

/** Exported functions that take no options: the Tensor class (its constructor is internal). */
const NOT_OPS = new Set(["Tensor"]);

/** Every exported function, by name (random's under `random.`). */
function exportedFunctions(): Map<string, (...args: any[]) => unknown> {
  const out = new Map<string, (...args: any[]) => unknown>();
  for (const [name, value] of Object.entries(nx)) {
    if (typeof value === "function" && !NOT_OPS.has(name)) out.set(name, value as never);
  }
  for (const [name, value] of Object.entries(nx.random)) {
    if (typeof value === "function") out.set(`random.${name}`, value as never);
  }
  return out;
}

type Path = readonly (string | number)[];

/** The places a payload can go: each argument, each option value, each array entry (nested). */
function slots(args: readonly unknown[]): Path[] {
  const out: Path[] = [];
  const visit = (value: unknown, path: Path) => {
    out.push(path);
    if (value instanceof nx.Tensor || typeof value !== "object" || value === null) return;
    if (ArrayBuffer.isView(value)) return;
    for (const [k, item] of Object.entries(value))
      visit(item, [...path, Array.isArray(value) ? Number(k) : k]);
  };
  args.forEach((a, i) => visit(a, [i]));
  return out;
}

function replaced(args: unknown[], path: Path, payload: unknown): unknown[] {
  const root: unknown[] = args.slice();
  let at: any = root;
  for (let k = 0; k < path.length - 1; k++) {
    const next = at[path[k]!];
    at[path[k]!] = Array.isArray(next) ? next.slice() : { ...next };
    at = at[path[k]!];
  }
  at[path.at(-1)!] = payload;
  return root;
}

/** True when the value at `path` of a valid call is a tensor or a function (an operand). */
function isOperand(args: readonly unknown[], path: Path): boolean {
  let at: any = args;
  for (const k of path) at = at[k];
  return at instanceof nx.Tensor || typeof at === "function";
}

function label(payload: unknown): string {
  return typeof payload === "bigint" ? `${payload}n` : JSON.stringify(payload);
}

function attempt(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e;
  }
}

describe("option values never become generated code", () => {
  const fns = exportedFunctions();

  it("every exported function has a valid call to mutate", () => {
    const missing = [...fns.keys()].filter((name) => !(name in SPECS));
    assert.deepEqual(missing, [], "add an entry to SPECS for each new export");
    for (const [name, spec] of Object.entries(SPECS)) {
      const fn = fns.get(name);
      assert.ok(fn, `${name} is not exported`);
      assert.equal(
        attempt(() => (spec.use ?? ((r) => r))(fn(...spec.args()))),
        undefined,
        `${name}: the valid call throws`,
      );
    }
  });

  for (const [name, spec] of Object.entries(SPECS)) {
    it(`${name}: payloads in every argument, option and entry`, () => {
      const fn = exportedFunctions().get(name)!;
      const opName = name.replace("random.", "");
      const base = spec.args();
      for (const path of slots(base)) {
        for (const payload of PAYLOADS) {
          const args = replaced(spec.args(), path, payload);
          const call = () => (spec.use ?? ((r) => r))(fn(...args));
          const runs = spec.jit === false ? [call] : [call, () => nx.jit(call)()];
          for (const run of runs) {
            g.__pwned = undefined;
            const err = attempt(run);
            const where = `${name} with ${label(payload)} at [${path.join("][")}]`;
            assert.equal(g.__pwned, undefined, `${where}: the payload ran`);
            if (err === undefined) continue;
            assert.ok(
              err instanceof TypeError || err instanceof RangeError,
              `${where}: threw ${String(err)}`,
            );
            // A clear error starts with the name of an op; for an option (not an operand) it is
            // the op that was called.
            assert.match(err.message, /^[\w.]+: /, `${where}: unclear error ${err.message}`);
            if (!isOperand(base, path)) {
              assert.ok(
                err.message.startsWith(`${name}: `) ||
                  err.message.startsWith(`${opName}: `) ||
                  // dotGeneral is dot's six-argument form, and says dot as dot does.
                  (name === "dotGeneral" && err.message.startsWith("dot: ")),
                `${where}: the error does not name ${name}: ${err.message}`,
              );
            }
          }
        }
      }
    });
  }

  it("the issue's three calls throw and exit nothing", () => {
    assert.throws(
      () => nx.pad(nx.ones([2]), "0);process.exit(7);//" as any, [[1, 1]]),
      /^TypeError: pad: value must be a number, got "0\);process\.exit\(7\);\/\/"$/,
    );
    assert.throws(
      () => nx.argsort(nx.tensor([3, 1]), { descending: "true);process.exit(7);//" as any }),
      /argsort: descending must be a boolean/,
    );
    assert.throws(
      () =>
        nx.triangularSolve(nx.eye(2), nx.ones([2, 1]), {
          lower: "true);process.exit(7);//" as any,
        }),
      /triangularSolve: lower must be a boolean/,
    );
  });
});

describe("the compiler refuses values that are not numbers or booleans", () => {
  const bad = "0);globalThis.__pwned=1;//";
  const m = () => nx.eye(2);

  it("even when an op forgets to check, the primitive's params are refused (eager and jit)", () => {
    const s32 = () => nx.tensor([0], { dtype: "s32" });
    const pad = (value: unknown, lo: unknown) => ({
      value,
      config: [
        [lo, 0, 0],
        [0, 0, 0],
      ],
    });
    // [what, call, how the error starts (null: an infer rule's own error, before any code)]
    const cases: [string, () => unknown, RegExp | null][] = [
      [
        "pad value",
        () => bindUnchecked(ps.pad, [m()], pad(bad, 1)),
        /^pad value: refusing to write "0\);/,
      ],
      ["pad config", () => bindUnchecked(ps.pad, [m()], pad(0, bad)), /^pad: /],
      [
        "argsort descending",
        () => bindUnchecked(pso.argsort, [m()], { axis: 1, descending: bad, k: 2 }),
        /^argsort descending: .*expected a boolean$/,
      ],
      [
        "argsort axis",
        () => bindUnchecked(pso.argsort, [m()], { axis: bad, descending: false, k: 2 }),
        /^argsort/,
      ],
      [
        "argsort k",
        () => bindUnchecked(pso.argsort, [m()], { axis: 1, descending: false, k: bad }),
        /^argsort/,
      ],
      [
        "matmul flags",
        () => bindUnchecked(pl.matmul, [m(), m()], { transA: bad, transB: false }),
        /^matmul transA: /,
      ],
      [
        "triangularSolve flags",
        () =>
          bindUnchecked(pl.triangularSolve, [m(), m()], {
            lower: true,
            transpose: bad,
            unitDiagonal: false,
          }),
        /^triangularSolve transpose: /,
      ],
      [
        "cumulativeSum reverse",
        () => bindUnchecked(pr.cumulativeSum, [m()], { axis: 0, reverse: bad }),
        /^cumulativeSum reverse: /,
      ],
      [
        "cumulativeProduct reverse",
        () => bindUnchecked(pr.cumulativeProduct, [m()], { axis: 0, reverse: bad }),
        /^cumulativeProduct reverse: /,
      ],
      [
        "cumulativeMax reverse",
        () => bindUnchecked(pr.cumulativeMax, [m()], { axis: 0, reverse: bad }),
        /^cumulativeMax reverse: /,
      ],
      [
        "cumulativeMin reverse",
        () => bindUnchecked(pr.cumulativeMin, [m()], { axis: 1, reverse: bad }),
        /^cumulativeMin reverse: /,
      ],
      ["take axis", () => bindUnchecked(pg.take, [m(), s32()], { axis: bad }), /^take: /],
      [
        "slice starts",
        () => bindUnchecked(ps.slice, [m()], { starts: [bad, 0], sizes: [1, 1], steps: [1, 1] }),
        /^slice: /,
      ],
      [
        "transpose perm",
        () => bindUnchecked(ps.transpose, [m()], { perm: [bad, 0] }),
        /^transpose: /,
      ],
      [
        "convert dtype",
        () => bindUnchecked(pe.convert, [m()], { dtype: bad }),
        /^convert: .*unknown dtype/,
      ],
      [
        "argReduce op",
        () => bindUnchecked(pr.argReduce, [m()], { axis: 0, op: bad }),
        /^argReduce: /,
      ],
      ["qr mode", () => bindUnchecked(pl.qrQ, [m()], { mode: bad }), null],
    ];
    for (const [what, call, re] of cases) {
      for (const run of [call, () => nx.jit(call)()]) {
        g.__pwned = undefined;
        const err = attempt(run);
        assert.equal(g.__pwned, undefined, `${what}: the payload ran`);
        if (re === null) assert.ok(err instanceof RangeError, `${what}: ${String(err)}`);
        else {
          assert.ok(err instanceof CodegenError, `${what}: ${String(err)}`);
          assert.match(err.message, re, what);
        }
      }
    }
  });
});

describe("literal: the one formatter for values in generated code", () => {
  it("writes numbers (NaN, ±Infinity, −0 included) and booleans", () => {
    assert.equal(literal(3), "3");
    assert.equal(literal(-2.5), "(-2.5)");
    assert.equal(literal(-0), "(-0)");
    assert.equal(literal(NaN), "NaN");
    assert.equal(literal(-Infinity), "(-Infinity)");
    assert.equal(literal(1e21), "1e+21");
    assert.equal(literal(true), "true");
    assert.equal(lit(Infinity), "Infinity");
    assert.equal(int(-4), "(-4)");
    assert.equal(bool(false), "false");
    // What it writes reads back as the same value.
    for (const value of [0.1, -1e-300, 2 ** 53 + 2, -0, Number.MIN_VALUE, Number.MAX_VALUE])
      assert.ok(Object.is(new Function(`return ${literal(value)}`)(), value));
  });

  it("refuses everything else, naming where it was going", () => {
    for (const value of [bad(), "1", new Number(1), { valueOf: () => 1 }, [1], null, undefined, 1n])
      assert.throws(() => literal(value as never, "pad value"), {
        name: "CodegenError",
        message:
          /^pad value: refusing to write .* into generated code; expected a number or a boolean$/,
      });
    assert.throws(() => lit(true as never), /expected a number/);
    assert.throws(
      () => int(0.5, "slice start"),
      /^CodegenError: slice start: refusing to write number 0\.5 .*expected an integer/,
    );
    assert.throws(() => int(NaN), /expected an integer/);
    assert.throws(() => int(Infinity), /expected an integer/);
    assert.throws(() => bool(1 as never), /expected a boolean/);
  });

  function bad() {
    return "0);globalThis.__pwned=1;//";
  }
});
