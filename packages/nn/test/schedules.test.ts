import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { assertClose } from "./numeric.js";

const { schedules } = nn;
const at = (s: nn.Schedule, steps: number[]) =>
  steps.map((t) => s(nx.tensor(t, { dtype: "s32" })).toNumber());
const STEPS = [0, 1, 2, 5, 9, 10, 11, 25, 1000, 2000];

// References: Polaris.Schedules' formulas evaluated in f64 JavaScript.
describe("schedules (Polaris semantics)", () => {
  it("constant", () => {
    assertClose(
      at(schedules.constant(0.3), STEPS),
      STEPS.map(() => 0.3),
      1e-7,
    );
  });
  it("exponentialDecay, smooth and staircase, with a transition start", () => {
    const ref = (t: number, o: { rate: number; k: number; begin: number; stair: boolean }) => {
      const d = t - o.begin;
      if (d <= 0) return 0.01;
      const p = o.stair ? Math.floor(d / o.k) : d / o.k;
      return 0.01 * o.rate ** p;
    };
    assertClose(
      at(schedules.exponentialDecay(), STEPS),
      STEPS.map((t) => ref(t, { rate: 0.95, k: 10, begin: 0, stair: false })),
      1e-6,
    );
    const o = { decayRate: 0.5, transitionSteps: 4, transitionBegin: 3, staircase: true };
    assertClose(
      at(schedules.exponentialDecay(0.01, o), STEPS),
      STEPS.map((t) => ref(t, { rate: 0.5, k: 4, begin: 3, stair: true })),
      1e-6,
      1e-12,
    );
  });
  it("cosineDecay", () => {
    const ref = (t: number, k: number, alpha: number) =>
      0.1 * ((1 - alpha) * 0.5 * (1 + Math.cos((Math.PI * Math.min(t, k)) / k)) + alpha);
    assertClose(
      at(schedules.cosineDecay(0.1), STEPS),
      STEPS.map((t) => ref(t, 10, 0)),
      1e-6,
      1e-8,
    );
    assertClose(
      at(schedules.cosineDecay(0.1, { decaySteps: 25, alpha: 0.2 }), STEPS),
      STEPS.map((t) => ref(t, 25, 0.2)),
      1e-6,
      1e-8,
    );
  });
  it("linearDecay with warm-up", () => {
    const ref = (t: number, warmup: number, steps: number) =>
      0.01 *
      (t < warmup
        ? t / Math.max(1, warmup)
        : Math.max(0, (steps - t) / Math.max(1, steps - warmup)));
    assertClose(
      at(schedules.linearDecay(), STEPS),
      STEPS.map((t) => ref(t, 0, 1000)),
      1e-6,
      1e-10,
    );
    assertClose(
      at(schedules.linearDecay(0.01, { warmup: 10, steps: 30 }), STEPS),
      STEPS.map((t) => ref(t, 10, 30)),
      1e-6,
      1e-10,
    );
  });
  it("polynomialDecay", () => {
    const ref = (t: number, o: { end: number; power: number; k: number; begin: number }) => {
      const c = Math.min(Math.max(t - o.begin, 0), o.k);
      return (0.01 - o.end) * (1 - c / o.k) ** o.power + o.end;
    };
    assertClose(
      at(schedules.polynomialDecay(), STEPS),
      STEPS.map((t) => ref(t, { end: 1e-3, power: 2, k: 10, begin: 0 })),
      1e-6,
    );
    const o = { endValue: 0, power: 1.5, transitionSteps: 20, transitionBegin: 5 };
    assertClose(
      at(schedules.polynomialDecay(0.01, o), STEPS),
      STEPS.map((t) => ref(t, { end: 0, power: 1.5, k: 20, begin: 5 })),
      1e-6,
      1e-10,
    );
  });
  it("a schedule is traceable: one program for every step", () => {
    let traces = 0;
    const s = schedules.cosineDecay(1, { decaySteps: 8 });
    const f = nx.jit((t: nx.Tensor) => {
      traces++;
      return s(t);
    });
    const v = [0, 2, 4, 8].map((t) => f(nx.tensor(t, { dtype: "s32" })).toNumber());
    assert.equal(traces, 1);
    assertClose(v, [1, 0.5 * (1 + Math.SQRT1_2), 0.5, 0], 1e-6, 1e-7);
  });
  it("bad options are refused", () => {
    assert.throws(
      () => schedules.exponentialDecay(0.1, { transitionSteps: 0 }),
      /schedules.exponentialDecay: invalid transitionSteps 0/,
    );
    assert.throws(() => schedules.cosineDecay(0.1, { decaySteps: -1 }), /invalid decaySteps -1/);
  });
});
