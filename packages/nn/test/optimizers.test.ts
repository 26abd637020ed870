import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { assertClose } from "./numeric.js";

const opt = nn.optimizers;

// ---------------------------------------------------------------------------------------------
// Independent references: each optimizer written out per element in plain f64 JavaScript, from
// the papers' update rules (with Polaris' defaults), over a flat list of parameter values.

type Vec = number[];
/** One step of a reference optimizer: parameters and gradients in, new parameters out. */
type RefStep = (p: Vec, g: Vec, t: number) => Vec;
const zeros = (n: number) => new Array<number>(n).fill(0);

function refSgd(lr: number, momentum = 0, nesterov = false): (n: number) => RefStep {
  return (n) => {
    const tr = zeros(n);
    return (p, g) =>
      p.map((x, i) => {
        if (!momentum) return x - lr * g[i]!;
        tr[i] = momentum * tr[i]! + g[i]!;
        return x - lr * (nesterov ? momentum * tr[i]! + g[i]! : tr[i]!);
      });
  };
}

function refAdam(
  o: { lr?: number; b1?: number; b2?: number; eps?: number; epsRoot?: number; decay?: number } = {},
) {
  const { lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 1e-15, decay = 0 } = o;
  return (n: number): RefStep => {
    const m = zeros(n);
    const v = zeros(n);
    return (p, g, t) =>
      p.map((x, i) => {
        m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
        v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
        const mh = m[i]! / (1 - b1 ** t);
        const vh = v[i]! / (1 - b2 ** t);
        return x - lr * (mh / (Math.sqrt(vh + epsRoot) + eps) + decay * x);
      });
  };
}

function refRmsprop(
  o: { lr?: number; decay?: number; eps?: number; centered?: boolean; momentum?: number } = {},
) {
  const { lr = 1e-2, decay = 0.9, eps = 1e-8, centered = false, momentum = 0 } = o;
  return (n: number): RefStep => {
    const m = zeros(n);
    const v = zeros(n);
    const tr = zeros(n);
    return (p, g) =>
      p.map((x, i) => {
        v[i] = decay * v[i]! + (1 - decay) * g[i]! ** 2;
        m[i] = decay * m[i]! + (1 - decay) * g[i]!;
        const denom = centered ? v[i]! - m[i]! ** 2 : v[i]!;
        const step = (-lr * g[i]!) / Math.sqrt(denom + eps);
        if (!momentum) return x + step;
        tr[i] = momentum * tr[i]! + step; // Polaris applies momentum after the learning rate
        return x + tr[i]!;
      });
  };
}

function refAdagrad(lr = 1e-3, eps = 1e-7, init = 0.1) {
  return (n: number): RefStep => {
    const s = new Array<number>(n).fill(init);
    return (p, g) =>
      p.map((x, i) => {
        s[i] = s[i]! + g[i]! ** 2;
        return x - (lr * g[i]!) / Math.sqrt(s[i]! + eps);
      });
  };
}

function refAdabelief(lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 0, epsRoot = 1e-16) {
  return (n: number): RefStep => {
    const m = zeros(n);
    const s = zeros(n);
    return (p, g, t) =>
      p.map((x, i) => {
        m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
        s[i] = b2 * s[i]! + (1 - b2) * (g[i]! - m[i]!) ** 2;
        const mh = m[i]! / (1 - b1 ** t);
        const sh = s[i]! / (1 - b2 ** t);
        return x - (lr * mh) / (Math.sqrt(sh + epsRoot) + eps);
      });
  };
}

function refRadam(lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, threshold = 5) {
  return (n: number): RefStep => {
    const m = zeros(n);
    const v = zeros(n);
    const roInf = 2 / (1 - b2) - 1;
    return (p, g, t) => {
      const ro = roInf - (2 * t * b2 ** t) / (1 - b2 ** t);
      return p.map((x, i) => {
        m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
        v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
        const mh = m[i]! / (1 - b1 ** t);
        if (ro < threshold) return x - lr * mh;
        const r = Math.sqrt(((ro - 4) * (ro - 2) * roInf) / ((roInf - 4) * (roInf - 2) * ro));
        const vh = v[i]! / (1 - b2 ** t);
        return x - (lr * r * mh) / (Math.sqrt(vh) + eps);
      });
    };
  };
}

function refYogi(lr = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-3, init = 1e-6) {
  return (n: number): RefStep => {
    const m = new Array<number>(n).fill(init);
    const v = new Array<number>(n).fill(init);
    return (p, g, t) =>
      p.map((x, i) => {
        const g2 = g[i]! ** 2;
        m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
        v[i] = v[i]! - (1 - b2) * Math.sign(v[i]! - g2) * g2;
        const mh = m[i]! / (1 - b1 ** t);
        const vh = v[i]! / (1 - b2 ** t);
        return x - (lr * mh) / (Math.sqrt(vh) + eps);
      });
  };
}

/** LAMB works per parameter tensor (its trust ratio uses each tensor's norms): `sizes` splits the flat list. */
function refLamb(sizes: number[], lr = 1e-2, decay = 0, b1 = 0.9, b2 = 0.999, eps = 1e-8) {
  return (n: number): RefStep => {
    const m = zeros(n);
    const v = zeros(n);
    return (p, g, t) => {
      const u = p.map((x, i) => {
        m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
        v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
        return m[i]! / (1 - b1 ** t) / (Math.sqrt(v[i]! / (1 - b2 ** t)) + eps) + decay * x;
      });
      const out: number[] = [];
      let k = 0;
      for (const size of sizes) {
        const ps = p.slice(k, k + size);
        const us = u.slice(k, k + size);
        const pn = Math.hypot(...ps);
        const un = Math.hypot(...us);
        const ratio = pn === 0 || un === 0 ? 1 : pn / un;
        ps.forEach((x, i) => out.push(x - lr * ratio * us[i]!));
        k += size;
      }
      return out;
    };
  };
}

// ---------------------------------------------------------------------------------------------
// The problem: a tree of f64 parameters and a loss whose gradient changes every step.

const INIT = {
  w: [
    [0.5, -1.5],
    [2.0, 0.25],
  ],
  b: [0.3, -0.8, 1.1],
};
const flatInit = [...INIT.w.flat(), ...INIT.b];
const SIZES = [4, 3];
const A = [0.7, 1.3, 0.4, 2.1, 0.9, 1.7, 0.5];
const C = [0.1, -0.3, 0.8, 0.0, -0.6, 0.2, 0.4];
/** Gradient of Σ a·(p − c)⁴/4 + a·(p − c)²: nonlinear, so each step sees a new gradient. */
const gradOf = (p: Vec) => p.map((x, i) => A[i]! * ((x - C[i]!) ** 3 + 2 * (x - C[i]!)));

function paramsTensor(): { w: nx.Tensor; b: nx.Tensor } {
  return { w: nx.tensor(INIT.w, { dtype: "f64" }), b: nx.tensor(INIT.b, { dtype: "f64" }) };
}
const flatten = (p: { w: nx.Tensor; b: nx.Tensor }) => [
  ...(p.w.toArray() as number[][]).flat(),
  ...(p.b.toArray() as number[]),
];
const gradTree = (p: { w: nx.Tensor; b: nx.Tensor }) => {
  const g = gradOf(flatten(p));
  return {
    w: nx.tensor([g.slice(0, 2), g.slice(2, 4)], { dtype: "f64" }),
    b: nx.tensor(g.slice(4), { dtype: "f64" }),
  };
};

/** Runs `optimizer` and the reference side by side for `steps` steps, comparing after each. */
function compare(
  optimizer: nn.Optimizer,
  reference: (n: number) => RefStep,
  steps = 6,
  rtol = 1e-12,
) {
  let params = paramsTensor();
  let state = optimizer.init(params);
  let ref = flatInit.slice();
  const refStep = reference(ref.length);
  for (let t = 1; t <= steps; t++) {
    const { updates, state: next } = optimizer.update(gradTree(params), state, params);
    params = opt.applyUpdates(params, updates);
    state = next;
    ref = refStep(ref, gradOf(ref), t);
    assertClose(flatten(params), ref, rtol, 1e-15, `step ${t}`);
  }
}

describe("optimizers step by step against f64 formulas", () => {
  it("sgd", () => compare(opt.sgd(), refSgd(1e-2)));
  it("sgd with momentum", () => compare(opt.sgd({ momentum: 0.9 }), refSgd(1e-2, 0.9)));
  it("sgd with nesterov momentum", () =>
    compare(
      opt.sgd({ learningRate: 0.05, momentum: 0.8, nesterov: true }),
      refSgd(0.05, 0.8, true),
    ));
  it("adam (Polaris defaults)", () => compare(opt.adam(), refAdam()));
  it("adam with options", () =>
    compare(
      opt.adam({ learningRate: 0.1, b1: 0.8, b2: 0.99, eps: 1e-6, epsRoot: 0 }),
      refAdam({ lr: 0.1, b1: 0.8, b2: 0.99, eps: 1e-6, epsRoot: 0 }),
    ));
  it("adamw", () =>
    compare(opt.adamw({ decay: 0.01, learningRate: 0.01 }), refAdam({ lr: 0.01, decay: 0.01 })));
  it("rmsprop", () => compare(opt.rmsprop(), refRmsprop()));
  it("rmsprop centered", () =>
    compare(opt.rmsprop({ centered: true }), refRmsprop({ centered: true }), 6, 1e-11));
  it("rmsprop with momentum", () =>
    compare(
      opt.rmsprop({ momentum: 0.9, learningRate: 1e-3 }),
      refRmsprop({ momentum: 0.9, lr: 1e-3 }),
    ));
  it("adagrad", () => compare(opt.adagrad(), refAdagrad()));
  it("adabelief", () => compare(opt.adabelief(), refAdabelief()));
  it("radam: plain momentum steps, then rectified ones", () => {
    // ρt first reaches 5 at t = 6 (b2 = 0.999): 10 steps use both branches.
    const roInf = 2 / (1 - 0.999) - 1;
    const ro = (t: number) => roInf - (2 * t * 0.999 ** t) / (1 - 0.999 ** t);
    assert.ok(ro(5) < 5 && ro(7) > 5);
    compare(opt.radam(), refRadam(), 10);
  });
  it("lamb", () => compare(opt.lamb({ decay: 0.01 }), refLamb(SIZES, 1e-2, 0.01)));
  it("yogi", () => compare(opt.yogi(), refYogi()));
});

describe("optimizers: Polaris' defaults", () => {
  it("a name gives the optimizer with default options", () => {
    for (const [name, reference] of [
      ["adam", refAdam()],
      ["sgd", refSgd(1e-2)],
      ["rmsprop", refRmsprop()],
      ["adagrad", refAdagrad()],
      ["yogi", refYogi()],
    ] as const)
      compare(opt.get(name), reference, 3);
  });
  it("lookup: names, snake_case, objects, errors", () => {
    assert.deepEqual(
      [...opt.names],
      ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adabelief", "radam", "lamb", "yogi"],
    );
    const o = opt.adam();
    assert.equal(opt.get(o), o);
    assert.throws(
      () => opt.get("adamm"),
      /^Error: unknown optimizer "adamm"; did you mean "adam"\? Valid optimizer names: sgd, adam, adamw/,
    );
    // Case and underscores do not matter (Keras' "RMSprop", "rms_prop"); a typo gets a suggestion.
    for (const n of ["RMSprop", "rms_prop"]) assert.equal(typeof opt.get(n).update, "function");
    assert.throws(() => opt.get("rmsprp"), /did you mean "rmsprop"/);
    assert.throws(
      () => opt.get(42 as unknown as string),
      /optimizers.get: expected an optimizer name/,
    );
  });
});

describe("learning-rate schedules in optimizers", () => {
  it("sgd with an exponential-decay schedule uses the step count in the state", () => {
    const schedule = nn.schedules.exponentialDecay(0.1, { decayRate: 0.5, transitionSteps: 2 });
    const o = opt.sgd({ learningRate: schedule });
    let p = { x: nx.tensor([1.0], { dtype: "f64" }) };
    let s = o.init(p);
    const lrs: number[] = [];
    for (let t = 0; t < 4; t++) {
      const before = p.x.toArray() as number[];
      const r = o.update({ x: nx.tensor([1.0], { dtype: "f64" }) }, s, p);
      p = opt.applyUpdates(p, r.updates);
      s = r.state;
      lrs.push(before[0]! - (p.x.toArray() as number[])[0]!);
    }
    // 0.1 · 0.5^(t/2) for t = 0, 1, 2, 3 (f32 schedule values).
    assertClose(
      lrs,
      [0, 1, 2, 3].map((t) => 0.1 * 0.5 ** (t / 2)),
      1e-6,
    );
  });
  it("scaleLearningRate lowers a numeric learning rate inside the state", () => {
    const o = opt.sgd({ learningRate: 0.1 });
    const p = { x: nx.tensor([1.0], { dtype: "f64" }) };
    const s = opt.scaleLearningRate(o.init(p), 0.5);
    const r = o.update({ x: nx.tensor([1.0], { dtype: "f64" }) }, s, p);
    assertClose((r.updates as { x: nx.Tensor }).x.toArray(), [-0.05], 1e-15);
  });
});

describe("update combinators", () => {
  const g = () => ({
    a: nx.tensor([3, 4], { dtype: "f64" }),
    b: nx.tensor([[12]], { dtype: "f64" }),
  });
  const run = (t: nn.GradientTransformation, params = g()) => {
    const r = t.update(g(), t.init(params), params);
    return r.updates as { a: nx.Tensor; b: nx.Tensor };
  };
  it("clipByGlobalNorm rescales by the norm of all leaves together", () => {
    // ‖(3, 4, 12)‖ = 13
    const u = run(opt.clipByGlobalNorm({ maxNorm: 1 }));
    assertClose([u.a.toArray(), u.b.toArray()], [[3 / 13, 4 / 13], [[12 / 13]]], 1e-15);
    const same = run(opt.clipByGlobalNorm({ maxNorm: 20 }));
    assertClose([same.a.toArray(), same.b.toArray()], [[3, 4], [[12]]], 0);
  });
  it("clip, scale, addDecayedWeights, centralize", () => {
    const c = run(opt.clip({ delta: 3.5 }));
    assertClose([c.a.toArray(), c.b.toArray()], [[3, 3.5], [[3.5]]], 0);
    const s = run(opt.scale(-2));
    assertClose([s.a.toArray(), s.b.toArray()], [[-6, -8], [[-24]]], 0);
    const params = {
      a: nx.tensor([1, -1], { dtype: "f64" }),
      b: nx.tensor([[10]], { dtype: "f64" }),
    };
    const d = run(opt.addDecayedWeights({ decay: 0.5 }), params);
    assertClose([d.a.toArray(), d.b.toArray()], [[3.5, 3.5], [[17]]], 1e-15);
    const cent = opt.centralize().update(
      {
        m: nx.tensor(
          [
            [1, 3],
            [2, 8],
          ],
          { dtype: "f64" },
        ),
      },
      {},
      undefined,
    );
    assertClose(
      (cent.updates as { m: nx.Tensor }).m.toArray(),
      [
        [-1, 1],
        [-3, 3],
      ],
      0,
    );
  });
  it("a hand-built Adam (chain of combinators) equals adam()", () => {
    const mine = opt.chain(opt.scaleByAdam(), opt.scaleByLearningRate(1e-3));
    compare(mine, refAdam());
    const clipped = opt.compose(
      opt.clipByGlobalNorm({ maxNorm: 0.5 }),
      opt.scaleByAdam(),
      opt.scale(-0.01),
    );
    compare(clipped, (n) => {
      const adam = refAdam({ lr: 0.01 })(n);
      return (p, gr, t) => {
        const norm = Math.hypot(...gr);
        return adam(p, norm < 0.5 ? gr : gr.map((x) => (x * 0.5) / norm), t);
      };
    });
  });
  it("weight decay and trust ratio need the parameters", () => {
    const o = opt.adamw({ decay: 0.1 });
    const p = { x: nx.ones([2]) };
    assert.throws(
      () => o.update({ x: nx.ones([2]) }, o.init(p)),
      /addDecayedWeights: update\(grads, state, params\) needs the current parameters/,
    );
  });
  it("mismatched gradient trees are named", () => {
    const o = opt.adam();
    const p = { w: nx.ones([2]), b: nx.ones([1]) };
    assert.throws(
      () => o.update({ w: nx.ones([2]) } as typeof p, o.init(p), p),
      /mapTree: tree 2 at the root has keys w, b where tree 1 has w/,
    );
    assert.throws(
      () => opt.chain(opt.scale(1), {} as nn.GradientTransformation),
      /chain: argument 1 is not a gradient transformation/,
    );
    assert.throws(
      () => opt.sgd({ learningRate: Number.NaN }),
      /learningRate must be a finite number or a schedule function/,
    );
    assert.throws(
      () => opt.adam({ b1: 1.5 }),
      /scaleByAdam: b1 must be a number in \[0, 1\], got 1.5/,
    );
  });
});

describe("optimizers inside jit", () => {
  it("a jitted training step equals the eager one and compiles once across steps", () => {
    const xs = nx.tensor([
      [0.5, -1.0],
      [1.5, 2.0],
      [-0.3, 0.7],
      [1.1, -0.4],
    ]);
    const ys = nx.tensor([[1.0], [-2.0], [0.5], [0.3]]);
    type P = { w: nx.Tensor; b: nx.Tensor };
    const loss = (p: P) => nn.losses.meanSquaredError(ys, nx.add(nx.dot(xs, p.w), p.b));
    for (const name of [
      "adam",
      "sgd",
      "rmsprop",
      "lamb",
      "radam",
      "adabelief",
      "yogi",
      "adagrad",
      "adamw",
    ]) {
      const o = opt.get(name);
      const step = (p: P, s: nn.OptState) => {
        const [l, g] = nx.valueAndGrad(loss)(p);
        const r = o.update(g, s, p);
        return [opt.applyUpdates(p, r.updates), r.state, l] as const;
      };
      let traces = 0;
      const jitted = nx.jit((p: P, s: nn.OptState) => {
        traces++;
        return step(p, s);
      });
      let pe: P = { w: nx.tensor([[0.1], [-0.2]]), b: nx.tensor([0.0]) };
      let se = o.init(pe);
      let pj = pe;
      let sj = se;
      for (let i = 0; i < 8; i++) {
        [pe, se] = step(pe, se);
        [pj, sj] = jitted(pj, sj);
      }
      assert.equal(traces, 1, `${name}: traced once`);
      assertClose(pj.w.toArray(), pe.w.toArray(), 1e-6, 1e-7, `${name} w`);
      assertClose(pj.b.toArray(), pe.b.toArray(), 1e-6, 1e-7, `${name} b`);
    }
  });
  it("a schedule inside jit follows the step count without recompiling", () => {
    const o = opt.sgd({ learningRate: nn.schedules.cosineDecay(0.1, { decaySteps: 4 }) });
    let traces = 0;
    const f = nx.jit((p: { x: nx.Tensor }, s: nn.OptState) => {
      traces++;
      const r = o.update({ x: nx.onesLike(p.x) }, s, p);
      return [opt.applyUpdates(p, r.updates), r.state] as const;
    });
    let p = { x: nx.zeros([1]) };
    let s = o.init(p);
    const xs: number[] = [];
    for (let i = 0; i < 6; i++) {
      [p, s] = f(p, s);
      xs.push(p.x.toNumber());
    }
    assert.equal(traces, 1);
    let acc = 0;
    const expected = [0, 1, 2, 3, 4, 5].map(
      (t) => (acc -= 0.1 * 0.5 * (1 + Math.cos((Math.PI * Math.min(t, 4)) / 4))),
    );
    assertClose(xs, expected, 1e-6, 1e-7);
  });
});
