/**
 * The WebAssembly window kernels against the JavaScript ones: window max, min and sum, and the
 * gradients of max and min (select-and-scatter, and select-and-gather at second order), on
 * channels-last pooling shapes (channels 1, 3, 4, 17, 32; spatial 1, 3, 7, 28; strides 1 and 2;
 * padding valid and same) with NaN, ±0, ties and ±Infinity in the data. The `wasm` backend must
 * give what the `js` backend gives bit for bit (NaN payloads aside), and must have run the Wasm
 * kernels to do it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import { kernelForEngine } from "../src/compile/engines.js";
import * as K from "../src/kernels/window.js";
import { simdSupported } from "../src/wasm/features.js";
import { wasmWindowRuns } from "../src/wasm/window.js";

/** Few distinct levels, so windows hold ties; and the values the tie and NaN rules are about. */
const LEVELS = [-1, -0.5, 0, 0.5, 1];
const SPECIAL = [NaN, -0, 0, Infinity, -Infinity, -0, NaN];

/** An f32 tensor of `shape` with ties, signed zeros, NaN and infinities (a seeded LCG). */
function awkward(shape: readonly number[], seed: number): nx.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s % 9 === 0 ? SPECIAL[(s >>> 8) % SPECIAL.length]! : LEVELS[(s >>> 8) % 5]!;
  }
  return nx.reshape(nx.tensor(data), shape);
}

/** A tensor's dtype and bits: every f32 as its 32-bit pattern, every NaN as one value. */
function bits(t: nx.Tensor): unknown[] {
  const d = t.data();
  if (!(d instanceof Float32Array)) return [t.dtype, ...d];
  const u = new Uint32Array(d.buffer, d.byteOffset, d.length);
  return [t.dtype, ...Array.from(u, (b, i) => (Number.isNaN(d[i]) ? "NaN" : b))];
}

/** Runs `f` under the js and wasm backends; asserts the outputs' bits match. */
function sameBits(f: (...xs: nx.Tensor[]) => nx.Tensor[], xs: nx.Tensor[], label: string): void {
  const js = nx.jit(f, { backend: "js" })(...xs);
  const wasm = nx.jit(f, { backend: "wasm" })(...xs);
  assert.equal(wasm.length, js.length);
  js.forEach((t, i) => assert.deepEqual(bits(wasm[i]!), bits(t), `${label}, output ${i}`));
}

type Pool = (x: nx.Tensor, window: readonly number[], o?: nx.WindowOptions) => nx.Tensor;

interface Case {
  readonly label: string;
  readonly shape: readonly number[];
  readonly window: readonly number[];
  readonly options: nx.WindowOptions;
}

/** Channels-last pooling cases: windows 2 × 2 and 3 × 3 where they fit. */
function cases(): Case[] {
  const out: Case[] = [];
  for (const c of [1, 3, 4, 17, 32])
    for (const hw of [1, 3, 7, 28])
      for (const stride of [1, 2])
        for (const padding of ["valid", "same"] as const)
          for (const k of [2, 3]) {
            if (padding === "valid" && hw < k) continue;
            if (hw === 28 && (k === 3 || c === 17)) continue; // keeps the run short
            out.push({
              label: `[2, ${hw}, ${hw}, ${c}] window ${k}×${k} stride ${stride} ${padding}`,
              shape: [2, hw, hw, c],
              window: [1, k, k, 1],
              options: { strides: [1, stride, stride, 1], padding },
            });
          }
  return out;
}

const OPS: [string, Pool][] = [
  ["windowMax", nx.windowMax],
  ["windowMin", nx.windowMin],
];

describe(
  "wasm window kernels: bit-identical to the JavaScript kernels",
  {
    skip: !simdSupported() && "no WebAssembly SIMD here",
  },
  () => {
    it("the js and wasm backends call the js and wasm forms; auto calls the kernel itself", () => {
      const forms: [unknown, unknown, unknown][] = [
        [K.windowReduce, K.windowReduceJs, K.windowReduceWasm],
        [K.windowSelectScatter, K.windowSelectScatterJs, K.windowSelectScatterWasm],
        [K.windowSelectGather, K.windowSelectGatherJs, K.windowSelectGatherWasm],
      ];
      for (const [auto, js, wasm] of forms) {
        const kernel = auto as (...args: unknown[]) => unknown;
        assert.equal(kernelForEngine(kernel, "js"), js);
        assert.equal(kernelForEngine(kernel, "wasm"), wasm);
        assert.equal(kernelForEngine(kernel, "auto"), auto);
      }
    });

    for (const [name, pool] of OPS) {
      it(`${name}: values and gradients on channels-last pooling shapes`, () => {
        for (const [i, c] of cases().entries()) {
          const x = awkward(c.shape, 17 + i);
          const y = pool(x, c.window, c.options);
          const w = awkward(y.shape, 1000 + i);
          const f = (t: nx.Tensor, v: nx.Tensor) => {
            const loss = (u: nx.Tensor) => nx.sum(nx.multiply(pool(u, c.window, c.options), v));
            return [pool(t, c.window, c.options), nx.grad(loss)(t)];
          };
          sameBits(f, [x, w], `${name} ${c.label}`);
        }
      });
    }

    it("second order: the gradient of select-and-scatter is select-and-gather", () => {
      for (const [name, pool] of OPS)
        for (const c of cases().filter((_, i) => i % 3 === 0)) {
          const x = awkward(c.shape, 5);
          const v = awkward(pool(x, c.window, c.options).shape, 6);
          const u = awkward(c.shape, 7);
          const scatter = (g: nx.Tensor) =>
            nx.grad((t: nx.Tensor) => nx.sum(nx.multiply(pool(t, c.window, c.options), g)))(x);
          const f = (g: nx.Tensor, h: nx.Tensor) => [
            nx.grad((gg: nx.Tensor) => nx.sum(nx.multiply(scatter(gg), h)))(g),
          ];
          sameBits(f, [v, u], `${name} ${c.label}`);
        }
    });

    it("windowSum and windowMean (sums in doubles, rounded once)", () => {
      for (const c of cases().filter((_, i) => i % 2 === 0)) {
        const x = awkward(c.shape, 11);
        const f = (t: nx.Tensor) => [
          nx.windowSum(t, c.window, c.options),
          nx.windowMean(t, c.window, c.options),
        ];
        sameBits(f, [x], c.label);
      }
    });

    it("the wasm backend runs the Wasm kernels for f32 pooling; the js backend never does", () => {
      const x = awkward([2, 7, 7, 4], 3);
      const f = (t: nx.Tensor) => {
        const [y, g] = nx.valueAndGrad((u: nx.Tensor) => nx.sum(nx.windowMax(u, [1, 2, 2, 1])))(t);
        return [y, g];
      };
      const before = { ...wasmWindowRuns };
      nx.jit(f, { backend: "js" })(x);
      assert.deepEqual(wasmWindowRuns, before, "js backend");
      nx.jit(f, { backend: "wasm" })(x);
      assert.equal(wasmWindowRuns.reduce, before.reduce + 1, "window max ran in Wasm");
      assert.equal(wasmWindowRuns.select, before.select + 1, "select-and-scatter ran in Wasm");
    });

    it("f64 and products stay in JavaScript on the wasm backend", () => {
      const x = awkward([2, 7, 7, 4], 9);
      const f = (t: nx.Tensor) => [
        nx.windowMax(nx.asType(t, "f64"), [1, 2, 2, 1]),
        nx.windowProduct(t, [1, 2, 2, 1]),
      ];
      const before = { ...wasmWindowRuns };
      sameBits(f, [x], "f64 max, f32 product");
      assert.deepEqual(wasmWindowRuns, before);
    });

    it("auto: inputs below WASM_WINDOW_MIN stay in JavaScript, larger ones go to Wasm", () => {
      const small = awkward([1, 4, 4, 2], 1);
      const large = awkward([1, 16, 16, 8], 2);
      assert.ok(small.size < K.WASM_WINDOW_MIN && large.size >= K.WASM_WINDOW_MIN);
      const f = (t: nx.Tensor) => [nx.windowMax(t, [1, 2, 2, 1], { strides: [1, 2, 2, 1] })];
      sameBits(f, [small], "small");
      const before = wasmWindowRuns.reduce;
      nx.jit(f, { backend: "auto" })(small);
      assert.equal(wasmWindowRuns.reduce, before, "small input");
      nx.jit(f, { backend: "auto" })(large);
      assert.equal(wasmWindowRuns.reduce, before + 1, "large input");
    });
  },
);
