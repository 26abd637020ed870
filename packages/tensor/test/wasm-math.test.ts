/**
 * The transcendental functions of the fused Wasm loops (src/wasm/math.ts) against the JavaScript
 * loops, which compute `Math.*` in doubles and round once to f32. Both are within a few double
 * ulps of the exact value, so their f32 results may differ only where it lies within ~1e-15 of a
 * midpoint between two floats: at most one f32 ulp, for at most 1e-6 of the inputs. Measured
 * (Node 20, V8 11.3, x86-64): 0 differences in every sweep below, for every function (~4.66M
 * inputs each; expected ~0.05 at 1 in 10⁸). The double each Wasm function computes before
 * rounding is within 4 ulps of Math's (tanh, asin, acos reach 4; tan, atan, atanh 3; exp, log,
 * log1p, sin, cos, cbrt 1–2). Special values and domain edges must agree exactly.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";
import type { BinaryOp, UnaryOp } from "../src/compile/expr.js";
import { runningWorkers } from "../src/wasm/threads.js";
import { ulpsApart, wasmF64 } from "./wasm-math-f64.js";

type Op = UnaryOp | BinaryOp;
const UNARY = [
  "exp",
  "expm1",
  "log",
  "log1p",
  "log2",
  "log10",
  "sigmoid",
  "tanh",
  "sinh",
  "cosh",
  "asinh",
  "acosh",
  "atanh",
  "atan",
  "asin",
  "acos",
  "cbrt",
  "sin",
  "cos",
  "tan",
] as const;
const unaryOp = (op: (typeof UNARY)[number]) => nx[op] as (x: nx.Tensor) => nx.Tensor;

/** f32 values of `bits` patterns (NaN patterns included). */
const fromBits = (bits: Uint32Array) => new Float32Array(bits.buffer);

/** Every 997th f32 bit pattern from `start`: ~4.3M values across the whole range, both signs. */
function strideSweep(start: number): Float32Array {
  const n = Math.floor(2 ** 32 / 997);
  return fromBits(Uint32Array.from({ length: n }, (_, i) => (start + i * 997) >>> 0));
}

/** Uniform f32 values in [-r, r] for each r (a linear congruential generator, seeded). */
function dense(ranges: readonly number[], each: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(ranges.length * each);
  ranges.forEach((r, k) => {
    for (let i = 0; i < each; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      out[k * each + i] = (state / 2 ** 31 - 1) * r;
    }
  });
  return out;
}
/** Around 0, around ±1 (and 1 + small, for acosh and log), the bulk, large arguments. */
const DENSE = dense([1e-6, 1e-3, 1, 1.1, 4, 20, 100], 50_000, 42);

const F32_MAX = 3.4028234663852886e38;
// prettier-ignore
const SPECIAL = Float32Array.from([
  NaN, 0, -0, Infinity, -Infinity, 1, -1, 2, -2, 0.5, -0.5, 0.25, 10, 100, 1000, 1e4, 1e5, 1e10,
  // 1 ± one f32 ulp, f32's largest, smallest normal and smallest subnormal
  1.0000001192092896, 0.9999999403953552, -0.9999999403953552, -1.0000001192092896,
  F32_MAX, -F32_MAX, 3e38, 1.1754943508222875e-38, -1.1754943508222875e-38, 1e-45, -1e-45,
  // exp's f32 overflow and underflow, the Wasm clamp at 709 / −708, sinh and cosh overflow
  88.72, 88.73, 89.5, -87.3, -103.9, -104, -150, 709, 710, -745,
  // log1p's and the hyperbolic functions' small-argument paths, large arguments
  1e-8, -1e-8, 2 ** -30, -(2 ** -30), 2 ** 28, 2 ** 60,
  // atan's reduction boundaries: tan(π/12), 1/√3, √3
  0.2679491924311227, 0.5773502691896258, 1.7320508,
  // near multiples of π/2 (as f32), and huge arguments for the trigonometric reduction
  1.5707964, 3.1415927, -3.1415927, 4.712389, 6.2831855, 1e30, -1e30, 2 ** 100, 1.2e20, 104348,
]);

/** Runs `f` through jit on both backends; asserts the Wasm loop was used. */
function both(
  f: (...xs: nx.Tensor[]) => nx.Tensor,
  xs: Float32Array[],
): { wasm: Float32Array; js: Float32Array } {
  const args = xs.map((x) => nx.fromBuffer(x, "f32", [x.length]));
  const wasmF = nx.jit(f, { backend: "wasm" });
  assert.match(wasmF.source(...args), /\(wasm\)/, "the Wasm loop is used");
  const wasm = wasmF(...args).data() as Float32Array;
  const js = nx
    .jit(f, { backend: "js" })(...args)
    .data() as Float32Array;
  return { wasm, js };
}

/** Differences between two f32 results: each at most one ulp, for at most 1e-6 of the inputs. */
function assertNear(label: string, xs: Float32Array, wasm: Float32Array, js: Float32Array): number {
  const wb = new Int32Array(wasm.buffer, wasm.byteOffset, wasm.length);
  const jb = new Int32Array(js.buffer, js.byteOffset, js.length);
  let differ = 0;
  for (let i = 0; i < js.length; i++) {
    if (wb[i] === jb[i] || (Number.isNaN(wasm[i]) && Number.isNaN(js[i]))) continue;
    differ++;
    const oneUlp = Math.abs(wb[i]! - jb[i]!) === 1 && Math.sign(wb[i]!) === Math.sign(jb[i]!);
    assert.ok(oneUlp, `${label}: x = ${xs[i]}: wasm ${wasm[i]}, js ${js[i]}`);
  }
  assert.ok(differ <= Math.ceil(1e-6 * js.length), `${label}: ${differ} of ${js.length} differ`);
  return differ;
}

/** Exact agreement, NaN with NaN, −0 with −0. */
function assertSame(label: string, xs: Float32Array, wasm: Float32Array, js: Float32Array): void {
  const show = (v: number) => (Object.is(v, -0) ? "-0" : String(v));
  for (let i = 0; i < js.length; i++) {
    assert.equal(show(wasm[i]!), show(js[i]!), `${label}(${show(xs[i]!)})`);
  }
}

describe("wasm math functions match the JavaScript loops", () => {
  for (const op of UNARY) {
    it(`${op}: a stride sweep of every f32, dense ranges, special values`, () => {
      const f = unaryOp(op);
      for (const [label, xs] of [
        ["sweep", strideSweep(op.length)],
        ["dense", DENSE],
      ] as const) {
        const { wasm, js } = both(f, [xs]);
        assertNear(`${op} ${label}`, xs, wasm, js);
      }
      const { wasm, js } = both(f, [SPECIAL]);
      assertSame(op, SPECIAL, wasm, js);
    });
  }

  it("atan2: sweeps of pairs, dense pairs and every pair of special values", () => {
    const sweep = strideSweep(5);
    const shifted = sweep.slice(1234).reverse();
    const ys = sweep.subarray(0, shifted.length);
    const r1 = both(nx.atan2, [ys, shifted]);
    assertNear("atan2 sweep", ys, r1.wasm, r1.js);
    const r2 = both(nx.atan2, [DENSE, DENSE.slice().reverse()]);
    assertNear("atan2 dense", DENSE, r2.wasm, r2.js);
    const pairs = [...SPECIAL].flatMap((a) => [...SPECIAL].map((b) => [a, b]));
    const y = Float32Array.from(pairs, ([a]) => a!);
    const x = Float32Array.from(pairs, ([, b]) => b!);
    const r3 = both(nx.atan2, [y, x]);
    assertSame("atan2", y, r3.wasm, r3.js);
  });

  it("the doubles computed before rounding are within 6 ulps of Math's", () => {
    const xs = Float64Array.from(DENSE);
    const sweep = strideSweep(7).subarray(0, 1 << 20);
    const all = Float64Array.from([...xs, ...sweep]);
    const ys = all.slice().reverse();
    for (const op of [...UNARY.filter((o) => o !== "sigmoid"), "atan2"] as Op[]) {
      const ref = Math[op as "atan2"] as (a: number, b?: number) => number;
      const got = wasmF64(op, all, op === "atan2" ? ys : undefined);
      for (let i = 0; i < all.length; i++) {
        const want = op === "atan2" ? ref(all[i]!, ys[i]!) : ref(all[i]!);
        // Past f32's range both round to 0 or ±∞ (and Wasm clamps exp's argument there).
        if (Math.abs(want) > 2 ** 128 || (want !== 0 && Math.abs(want) < 2 ** -150)) continue;
        const d = ulpsApart(got[i]!, want);
        if (d > 6) assert.fail(`${op}(${all[i]}): ${got[i]} vs Math's ${want}: ${d} ulps apart`);
      }
    }
  });

  it("fused loops mixing them (log-softmax, GELU's tanh form) equal JavaScript on 1 and 2 threads", () => {
    // 128 × 1000 elements: past LOOP_THREAD_MIN, so the loops also run in row ranges on workers.
    const x = nx.reshape(nx.fromBuffer(dense([8], 128_000, 3), "f32", [128_000]), [128, 1000]);
    const logSoftmax = (a: nx.Tensor) => {
      const shifted = nx.subtract(a, nx.reduceMax(a, { axes: [1], keepAxes: true }));
      return nx.subtract(shifted, nx.log(nx.sum(nx.exp(shifted), { axes: [1], keepAxes: true })));
    };
    const gelu = (a: nx.Tensor) => {
      const inner = nx.multiply(
        nx.add(a, nx.multiply(nx.multiply(nx.multiply(a, a), a), 0.044715)),
        Math.sqrt(2 / Math.PI),
      );
      return nx.multiply(nx.multiply(a, 0.5), nx.add(nx.tanh(inner), 1));
    };
    const mixed = (a: nx.Tensor) =>
      nx.add(nx.log1p(nx.exp(nx.negate(nx.abs(a)))), nx.atan(nx.sinh(a)));
    const initial = nx.getThreads();
    try {
      for (const f of [logSoftmax, gelu, mixed]) {
        const want = nx.jit(f, { backend: "js" })(x).data() as Float32Array;
        for (const threads of [1, 2]) {
          nx.setThreads(threads);
          const wasm = nx.jit(f, { backend: "wasm" });
          assert.match(wasm.source(x), /(log|tanh|log1p).*\(wasm\)/);
          assert.deepEqual(wasm(x).data() as Float32Array, want, `${threads} threads`);
        }
      }
      assert.ok(runningWorkers() > 0, "the loops ran on worker threads");
    } finally {
      nx.setThreads(initial);
    }
  });
});
