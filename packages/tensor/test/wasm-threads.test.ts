import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";

import * as nx from "../src/index.js";
import { relaxedSimdSupported, simdSupported } from "../src/wasm/features.js";
import { DEFAULT_GEMM_OPTIONS } from "../src/wasm/gemm.js";
import { setRelaxedSimd } from "../src/wasm/instance.js";
import { chooseSplit, Split } from "../src/wasm/plan.js";
import { wasmMatmul } from "../src/wasm/runtime.js";
import { getThreads, runningWorkers, setThreads } from "../src/wasm/threads.js";
import { assertClose, describeShape, randomF32, type Shape } from "./wasm-helpers.js";

const CHILD = fileURLToPath(new URL("./wasm-exit-child.ts", import.meta.url));

/** Runs the child script with `mode` and extra environment; returns its status and JSON line. */
function child(
  mode: string,
  env: Record<string, string | undefined>,
): { status: number | null; out: any } {
  const result = spawnSync(
    process.execPath,
    ["--conditions=development", "--import", "tsx", CHILD, mode],
    { env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(result.error, undefined, `child ${mode}: ${String(result.error)}`);
  const line = result.stdout.trim().split("\n").at(-1) ?? "";
  return { status: result.status, out: line === "" ? undefined : JSON.parse(line) };
}

function product(s: Shape, a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(s.batch * s.m * s.n).fill(Number.NaN);
  assert.ok(wasmMatmul(out, a, b, s.batch, s.m, s.n, s.k, s.transA, s.transB));
  return out;
}

describe("thread settings", () => {
  const initial = getThreads();
  after(() => setThreads(initial));

  it("setThreads / getThreads, also from the package entry point", () => {
    nx.setThreads(3);
    assert.equal(nx.getThreads(), 3);
    setThreads(1);
    assert.equal(nx.getThreads(), 1);
  });

  it("setThreads rejects anything but an integer from 1 to 255", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, 256, "2" as unknown as number]) {
      assert.throws(
        () => setThreads(bad),
        (e: unknown) =>
          e instanceof RangeError &&
          /^setThreads: the thread count must be an integer from 1 to 255, got /.test(e.message),
        String(bad),
      );
    }
  });

  it("DENDRITE_THREADS sets the default, and a bad value is named in the error", () => {
    assert.deepEqual(child("threads", { DENDRITE_THREADS: "3" }).out, { threads: 3 });
    assert.deepEqual(child("threads", { DENDRITE_THREADS: undefined }).out, {
      threads: Math.min(255, os.availableParallelism()),
    });
    assert.deepEqual(child("threads", { DENDRITE_THREADS: "two" }).out, {
      error: 'RangeError: DENDRITE_THREADS must be an integer from 1 to 255, got "two"',
    });
  });
});

describe("threaded GEMM", { skip: !simdSupported() && "no WebAssembly SIMD here" }, () => {
  const initial = getThreads();
  after(() => setThreads(initial));

  // One shape per way of splitting (checked below), with transposes.
  const cases: [string, Shape][] = [
    ["rows", { batch: 1, m: 260, n: 70, k: 90, transA: false, transB: true }],
    ["cols", { batch: 1, m: 6, n: 1000, k: 300, transA: true, transB: false }],
    ["batch", { batch: 6, m: 60, n: 50, k: 70, transA: true, transB: true }],
    ["k", { batch: 1, m: 4, n: 8, k: 100000, transA: true, transB: false }],
  ];

  it("each case exercises the split it is named after", () => {
    for (const [name, s] of cases) {
      const plan = chooseSplit(DEFAULT_GEMM_OPTIONS, 2, s.batch, s.m, s.n, s.k, s);
      assert.equal(plan.split, Split[name as keyof typeof Split], name);
      assert.ok(plan.parts >= 2, name);
    }
  });

  it("a product that grows the memory after the workers went to sleep", async () => {
    setThreads(2);
    const small: Shape = { batch: 1, m: 128, n: 128, k: 128, transA: false, transB: false };
    const x = randomF32(128 * 128, 5);
    product(small, x, x);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const s: Shape = { batch: 1, m: 700, n: 300, k: 500, transA: false, transB: false };
    const a = randomF32(s.m * s.k, 6);
    const b = randomF32(s.k * s.n, 7);
    const two = product(s, a, b);
    setThreads(1);
    assert.deepEqual(two, product(s, a, b));
  });

  for (const [name, s] of cases) {
    it(`${name} split: 1 vs 2 threads agree, and 2 threads are bit-identical run after run`, () => {
      const a = randomF32(s.batch * s.m * s.k, 1);
      const b = randomF32(s.batch * s.k * s.n, 2);
      setThreads(1);
      const one = product(s, a, b);
      setThreads(2);
      const runs = [product(s, a, b), product(s, a, b), product(s, a, b)];
      for (const run of runs.slice(1)) assert.deepEqual(run, runs[0], `${describeShape(s)}: rerun`);
      assertClose(runs[0], a, b, s, `2 threads ${describeShape(s)}`);
      assertClose(one, a, b, s, `1 thread ${describeShape(s)}`);
      // Only a k split changes how an element is summed; the other splits match exactly.
      if (name !== "k") assert.deepEqual(runs[0], one, `${describeShape(s)}: 1 vs 2 threads`);
    });
  }

  it("switching between the relaxed and mul + add kernels switches the workers too", async (t) => {
    if (!relaxedSimdSupported()) return t.skip("no relaxed SIMD here");
    const s: Shape = { batch: 1, m: 256, n: 96, k: 300, transA: false, transB: false };
    const a = randomF32(s.m * s.k, 8);
    const b = randomF32(s.k * s.n, 9);
    try {
      const reference = new Map<string, Float32Array>();
      setThreads(1);
      for (const mode of ["on", "off"] as const) {
        setRelaxedSimd(mode);
        reference.set(mode, product(s, a, b));
      }
      assert.notDeepEqual(reference.get("on"), reference.get("off"));
      // Keep the pool at 2 threads while the kernel changes under it.
      setThreads(2);
      for (const mode of ["on", "off", "on", "off"] as const) {
        setRelaxedSimd(mode);
        // Row splits match one thread bit for bit, so a worker left on the other kernel would show.
        for (let run = 0; run < 3; run++) {
          assert.deepEqual(product(s, a, b), reference.get(mode), `relaxed ${mode}`);
          // Give a newly started worker time to come up and take parts of the next run.
          await new Promise((resolve) => setTimeout(resolve, 60));
        }
      }
    } finally {
      setRelaxedSimd("auto");
    }
  });

  it("more threads than cores still works and is deterministic", () => {
    // 5 threads: rows against B packed beforehand; 16 threads: rows of 8, reading B in place.
    const s: Shape = { batch: 1, m: 128, n: 128, k: 128, transA: false, transB: false };
    for (const [threads, packParts] of [
      [5, 5],
      [16, 0],
    ]) {
      const plan = chooseSplit(DEFAULT_GEMM_OPTIONS, threads, s.batch, s.m, s.n, s.k, s);
      assert.deepEqual([plan.split, plan.packParts], [Split.rows, packParts], `${threads} threads`);
      const a = randomF32(s.batch * s.m * s.k, 3);
      const b = randomF32(s.batch * s.k * s.n, 4);
      setThreads(1);
      const one = product(s, a, b);
      setThreads(threads);
      assert.deepEqual(product(s, a, b), one, `${threads} threads`);
      assert.deepEqual(product(s, a, b), one, `${threads} threads, again`);
    }
  });

  it("fewer threads keep the started workers parked: switching back starts none", () => {
    const s: Shape = { batch: 1, m: 260, n: 70, k: 90, transA: false, transB: true };
    const a = randomF32(s.batch * s.m * s.k, 5);
    const b = randomF32(s.batch * s.k * s.n, 6);
    setThreads(3);
    const three = product(s, a, b);
    const started = runningWorkers(); // 2, or more left by an earlier test
    assert.ok(started >= 2);
    setThreads(1);
    const one = product(s, a, b);
    assert.equal(runningWorkers(), started, "the workers stay, sitting jobs out");
    setThreads(3);
    assert.deepEqual(product(s, a, b), three);
    assert.equal(runningWorkers(), started);
    setThreads(1);
    assert.deepEqual(product(s, a, b), one);
  });

  it("the process exits with the pool started", () => {
    const { status, out } = child("pool", { DENDRITE_THREADS: undefined });
    assert.equal(status, 0);
    assert.ok(out.workers >= 1, `workers: ${out.workers}`);
    assert.equal(out.first, 64); // 256 terms of 0.5 · 0.5
  });
});
