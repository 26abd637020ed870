/**
 * Fused f32 loops in WebAssembly against the JavaScript loops: the operations lowered to Wasm
 * (add, subtract, multiply, divide, square root, min, max, abs, negate, floor, ceil, trunc,
 * comparisons, select) are correctly rounded in both, so results must be bit-identical, on sizes
 * around the four-lane blocks (1, 3, 4, 17, 129, 1025) and with scalars broadcast in. Loops with
 * other operations stay in JavaScript. The transcendental functions (wasm/math.ts) are tested
 * against the JavaScript loops in wasm-math.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { rand } from "./gradcheck.js";
import { allocateF32, isHeapView, releaseF32 } from "../src/wasm/memory.js";
import { LOOP_THREAD_MIN } from "../src/wasm/elementwise.js";
import { runningWorkers } from "../src/wasm/threads.js";

const f32 = (t: nx.Tensor) => nx.asType(t, "f32");
const SIZES = [1, 3, 4, 17, 129, 1025];
/** Awkward values: signed zeros, NaN, infinities, subnormals, huge and tiny magnitudes. */
const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3e38, -3e38, 1.5, -2.5, 0.1];

function operands(n: number, seed: number): nx.Tensor[] {
  return [0, 1, 2].map((k) => {
    const t = f32(nx.multiply(rand(seed + k, [n]), 3));
    const d = t.data() as Float32Array;
    for (let i = 0; i < Math.min(n, SPECIAL.length); i++)
      d[(i * 7 + k) % n] = SPECIAL[(i + k) % SPECIAL.length]!;
    return t;
  });
}

/** A tensor's dtype and values, told apart bit for bit (NaN payloads aside: every NaN is one). */
const bits = (t: nx.Tensor) => [t.dtype, ...values(t)];
const values = (t: nx.Tensor) =>
  Array.from(t.data(), (v) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : v));

function same(f: (...xs: nx.Tensor[]) => nx.Tensor[], xs: nx.Tensor[]): void {
  const js = nx.jit(f, { backend: "js" })(...xs);
  const wasm = nx.jit(f, { backend: "wasm" })(...xs);
  js.forEach((t, i) => assert.deepEqual(bits(wasm[i]!), bits(t), `output ${i}`));
}

const CASES: [string, (a: nx.Tensor, b: nx.Tensor, c: nx.Tensor) => nx.Tensor[]][] = [
  [
    "add, subtract, multiply, divide",
    (a, b, c) => [nx.divide(nx.subtract(nx.add(a, b), c), nx.multiply(a, c))],
  ],
  ["sqrt, abs, negate", (a) => [nx.sqrt(nx.abs(a)), nx.negate(a)]],
  ["floor, ceil, trunc", (a) => [nx.floor(a), nx.ceil(a), nx.trunc(a)]],
  ["min, max (NaN and signed zeros)", (a, b) => [nx.minimum(a, b), nx.maximum(a, b)]],
  [
    "comparisons into select",
    (a, b, c) => [
      nx.select(nx.less(a, b), a, c),
      nx.select(nx.greaterEqual(a, c), b, c),
      nx.select(nx.equal(a, b), a, b),
      nx.select(nx.notEqual(a, c), c, a),
    ],
  ],
  [
    "logical ops and isNan",
    (a, b, c) => [
      nx.select(nx.logicalAnd(nx.greater(a, 0), nx.lessEqual(b, 1)), c, a),
      nx.select(nx.logicalOr(nx.isNan(a), nx.logicalNot(nx.greater(b, c))), a, b),
    ],
  ],
  ["a predicate converted to f32", (a, b) => [nx.asType(nx.greater(a, b), "f32")]],
  [
    "scalars and constants broadcast",
    (a, b) => [nx.add(nx.multiply(a, 0.9), nx.multiply(b, nx.tensor(0.1)))],
  ],
  ["exp and the sigmoid", (a, b) => [nx.exp(a), nx.sigmoid(b), nx.exp(nx.subtract(a, b))]],
  [
    "Adam's step, three outputs from one loop",
    (p, m, g) => {
      const m2 = nx.add(nx.multiply(m, 0.9), nx.multiply(g, 0.1));
      const v2 = nx.add(nx.multiply(nx.abs(m), 0.999), nx.multiply(nx.multiply(g, g), 0.001));
      const p2 = nx.subtract(p, nx.divide(nx.multiply(m2, 1e-3), nx.add(nx.sqrt(v2), 1e-8)));
      return [p2, m2, v2];
    },
  ],
];

describe("wasm fused loops are bit-identical to the JavaScript loops", () => {
  it("rows and columns broadcast over [outer, inner] (a bias, a per-row maximum)", () => {
    for (const [rows, cols] of [
      [1, 1],
      [3, 5],
      [17, 4],
      [6, 129],
      [2, 3],
    ] as const) {
      const [x] = operands(rows * cols, rows);
      const m = nx.reshape(x!, [rows, cols]);
      const bias = f32(rand(rows + 7, [cols]));
      const rowMax = nx.reduceMax(m, { axes: 1, keepAxes: true });
      same(
        (a, b, c) => [nx.maximum(nx.add(a, b), 0), nx.exp(nx.subtract(a, c)), nx.subtract(a, c)],
        [m, bias, rowMax],
      );
      const src = (f: (a: nx.Tensor, b: nx.Tensor) => nx.Tensor, b: nx.Tensor) =>
        nx.jit(f, { backend: "wasm" }).source(m, b);
      assert.match(
        src((a, b) => nx.maximum(nx.add(a, b), 0), bias),
        /\(wasm\)/,
      );
      assert.match(
        src((a, c) => nx.subtract(a, c), rowMax),
        /\(wasm\)/,
      );
      // Rank 3 with a channel bias (a conv layer's) and a [b, 1, 1] column.
      const t = nx.reshape(m, [rows, 1, cols]);
      same((a, b) => [nx.multiply(nx.add(a, b), 2)], [t, bias]);
    }
  });

  for (const [name, f] of CASES) {
    it(name, () => {
      for (const n of SIZES) same(f as (...xs: nx.Tensor[]) => nx.Tensor[], operands(n, n));
    });
  }

  it("exp and the sigmoid over 200,000 values from −120 to 120 (doubles, rounded once)", () => {
    // wasm/exp.ts computes e^x in doubles to a few units in the last place, as Math.exp does;
    // their f32 roundings can differ only within ~1e-15 of a midpoint (about 1 input in 10⁸).
    const xs = Float32Array.from({ length: 200_000 }, (_, i) => Math.sin(i * 12.9898) * 120);
    SPECIAL.forEach((v, i) => (xs[i] = v));
    [88.72, 88.73, -103.9, -104, -87.3, 709, -708, -745, 1e-8].forEach((v, i) => (xs[20 + i] = v));
    const x = nx.fromBuffer(xs, "f32", [400, 500]);
    same((a) => [nx.exp(a), nx.sigmoid(a), nx.exp(nx.divide(a, 16))], [x]);
  });

  it("u8 predicates stored by one loop and read by another (relu and its derivative)", () => {
    for (const n of SIZES) {
      const [x, g] = operands(n, n + 5);
      // The mask escapes: relu's forward pass keeps it for the backward pass.
      same(
        (a) => {
          const mask = nx.greater(a, 0);
          return [nx.select(mask, a, 0), mask as nx.Tensor];
        },
        [x!],
      );
      const mask = nx.greater(x!, 0.3);
      const bytes = nx.asType(nx.multiply(nx.asType(mask, "s32"), 200), "u8"); // 200 and 0
      same(
        (m, b, dy) => [
          nx.select(m, dy, 0),
          nx.select(nx.logicalNot(b), dy, nx.negate(dy)),
          nx.select(nx.logicalAnd(b, nx.greater(dy, 0)), dy, 1),
        ],
        [mask, bytes, g!],
      );
      assert.match(
        nx
          .jit((m: nx.Tensor, dy: nx.Tensor) => nx.select(m, dy, 0), { backend: "wasm" })
          .source(mask, g!),
        /\(wasm\)/,
      );
    }
  });

  it("loops over many elements run on every thread, with the same bits as on one", () => {
    // 517 × 129 = 66,693 elements (past LOOP_THREAD_MIN): uneven row ranges and a scalar tail.
    const [rows, cols] = [517, 129];
    assert.ok(rows * cols >= LOOP_THREAD_MIN);
    const [x, g] = operands(rows * cols, 3).map((t) => nx.reshape(t, [rows, cols]));
    const bias = f32(rand(11, [cols]));
    const rowMax = nx.reduceMax(x!, { axes: 1, keepAxes: true });
    const f = (a: nx.Tensor, dy: nx.Tensor, b: nx.Tensor, c: nx.Tensor, s: nx.Tensor) => {
      const mask = nx.greater(nx.add(a, b), c);
      return [nx.select(mask, nx.multiply(dy, s), nx.sqrt(nx.abs(a))), mask as nx.Tensor];
    };
    const args = [x!, g!, bias, rowMax, nx.tensor(0.5, { dtype: "f32" })] as const;
    const js = nx
      .jit(f, { backend: "js" })(...args)
      .map(bits);
    const initial = nx.getThreads();
    try {
      for (const threads of [1, 2, 3]) {
        nx.setThreads(threads);
        const wasm = nx
          .jit(f, { backend: "wasm" })(...args)
          .map(bits);
        assert.deepEqual(wasm, js, `${threads} threads`);
      }
      assert.ok(runningWorkers() > 0, "the loop ran on worker threads");
    } finally {
      nx.setThreads(initial);
    }
  });

  it("sums over leading axes (a bias gradient) match the JavaScript reduction bit for bit", () => {
    for (const shape of [
      [1, 1],
      [3, 5],
      [17, 4, 3],
      [2, 129],
      [64, 7, 7, 9],
    ]) {
      const [x] = operands(
        shape.reduce((a, b) => a * b, 1),
        shape.length,
      );
      const t = nx.reshape(x!, shape);
      for (let k = 1; k < shape.length; k++) {
        const axes = Array.from({ length: k }, (_, i) => i);
        same((a) => [nx.sum(a, { axes })], [t]);
      }
      const src = nx.jit((a: nx.Tensor) => nx.sum(a, { axes: [0] }), { backend: "wasm" }).source(t);
      if (shape[0]! > 1) assert.match(src, /\/\/ wasm/);
    }
  });

  it("sums, maxima and minima over trailing axes (softmax's) match the JavaScript bit for bit", () => {
    for (const shape of [
      [1, 1],
      [3, 5],
      [17, 4, 3],
      [129, 10],
      [64, 7, 7, 9],
    ]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const t = nx.reshape(operands(n, shape.length + 3)[0]!, shape);
      for (let k = 1; k < shape.length; k++) {
        const axes = Array.from({ length: k }, (_, i) => shape.length - k + i);
        same(
          (a) => [nx.sum(a, { axes }), nx.reduceMax(a, { axes }), nx.reduceMin(a, { axes })],
          [t],
        );
      }
      // Signed zeros: the first of equal values is kept; NaN wins wherever it is.
      const zeros = nx.reshape(
        nx.fromBuffer(
          Float32Array.from({ length: n }, (_, i) => (i % 3 ? 0 : -0)),
          "f32",
          [n],
        ),
        shape,
      );
      same(
        (a) => [
          nx.reduceMax(a, { axes: [shape.length - 1] }),
          nx.reduceMin(a, { axes: [shape.length - 1] }),
        ],
        [zeros],
      );
      const src = nx
        .jit((a: nx.Tensor) => nx.reduceMax(a, { axes: [shape.length - 1] }), { backend: "wasm" })
        .source(t);
      if (shape.at(-1)! > 1) assert.match(src, /\/\/ wasm/);
    }
  });

  it("an input several steps read is copied into the Wasm memory once, unless it is returned", () => {
    const input = (k: number) =>
      nx.fromBuffer(
        Float32Array.from({ length: 4096 }, (_, i) => ((i * k) % 7) - 3),
        "f32",
        [64, 64],
      );
    const f = (x: nx.Tensor) => [nx.matmul(x, x), nx.maximum(x, 0)];
    const staged = nx.jit(f, { backend: "wasm" });
    assert.match(staged.source(input(1)), /^const b0 = h\d+\(inp\[0\], p\d+\);$/m);
    const js = nx.jit(f, { backend: "js" });
    for (const k of [1, 2, 3]) assert.deepEqual(staged(input(k)).map(bits), js(input(k)).map(bits));
    // Returned as well: the result must be the argument itself, never the reused copy.
    const g = nx.jit((x: nx.Tensor) => [x, nx.matmul(x, x), nx.maximum(x, 0)], { backend: "wasm" });
    assert.match(g.source(input(1)), /^const b0 = inp\[0\];$/m);
    const first = g(input(1))[0]!;
    g(input(2));
    assert.deepEqual(bits(first), bits(input(1)));
  });

  it("programs keep large f32 buffers in the Wasm memory; a released block is reused", () => {
    const a = allocateF32(5000);
    assert.ok(isHeapView(a));
    releaseF32(a.byteOffset, a.length);
    assert.equal(allocateF32(5000).byteOffset, a.byteOffset);
    // A pooled intermediate (the product, read by the relu loop) sits in the Wasm memory.
    const src = nx
      .jit((x: nx.Tensor) => nx.maximum(nx.matmul(x, x), 0), { backend: "wasm" })
      .source(nx.ones([64, 64]));
    assert.match(src, /^const p\d+ = h\d+\(4096\);$/m);
    assert.doesNotMatch(
      nx
        .jit((x: nx.Tensor) => nx.maximum(nx.matmul(x, x), 0), { backend: "js" })
        .source(nx.ones([64, 64])),
      /^const p\d+ = h\d+\(4096\);$/m,
    );
  });

  it("the Wasm loop is used for supported ops, JavaScript for the others", () => {
    const [a, b] = operands(129, 1);
    const src = (f: (x: nx.Tensor, y: nx.Tensor) => nx.Tensor) =>
      nx.jit(f, { backend: "wasm" }).source(a!, b!);
    assert.match(
      src((x, y) => nx.add(x, y)),
      /\/\/ add \(wasm\)/,
    );
    assert.doesNotMatch(
      src((x, y) => nx.add(nx.erf(x), y)),
      /\(wasm\)/,
    );
    // f64 loops stay in JavaScript.
    assert.doesNotMatch(
      nx.jit((x: nx.Tensor) => nx.add(x, 1), { backend: "wasm" }).source(nx.asType(a!, "f64")),
      /\(wasm\)/,
    );
  });

  it("auto uses Wasm only from 1024 elements; js never", () => {
    const add = (x: nx.Tensor, y: nx.Tensor) => nx.add(x, y);
    const src = (n: number, backend: "auto" | "js") => {
      const [a, b] = operands(n, 2);
      return nx.jit(add, { backend }).source(a!, b!);
    };
    assert.doesNotMatch(src(1023, "auto"), /\(wasm\)/);
    assert.match(src(1024, "auto"), /\(wasm\)/);
    assert.doesNotMatch(src(4096, "js"), /\(wasm\)/);
  });

  it("eager ops follow the default backend, and wrong backends are refused", () => {
    const [a, b] = operands(2000, 3);
    const before = nx.getDefaultBackend();
    try {
      nx.setDefaultBackend("js");
      const js = nx.add(a!, b!);
      nx.setDefaultBackend("wasm");
      assert.deepEqual(bits(nx.add(a!, b!)), bits(js));
      assert.equal(nx.getDefaultBackend(), nx.wasm);
    } finally {
      nx.setDefaultBackend(before);
    }
    assert.throws(
      () => nx.setDefaultBackend("gpu" as "js"),
      /setDefaultBackend: backend must be "auto", "js" or "wasm"/,
    );
    assert.throws(
      () => nx.jit((x: nx.Tensor) => x, { backend: "fast" as "js" }),
      /jit: backend must be/,
    );
  });
});
