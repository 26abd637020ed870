// Registered tree nodes: instances of a registered class go through flattenTree, jit and grad as
// arrays and plain objects do, and come back as instances of their class.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nx from "../src/index.js";

/** A class with tensors and static data, like nn's ModelState (parameters + frozen names). */
class Weights {
  constructor(
    readonly w: nx.Tensor,
    readonly b: nx.Tensor,
    readonly frozen: readonly string[],
  ) {}
}
nx.registerTreeNode(Weights, {
  flatten: (x) => ({ children: { w: x.w, b: x.b }, aux: x.frozen }),
  unflatten: ({ w, b }, frozen) => new Weights(w, b, frozen),
});

const weights = () =>
  new Weights(
    nx.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "f64" },
    ),
    nx.tensor([0.5, -1], { dtype: "f64" }),
    ["b"],
  );

describe("registered tree nodes", () => {
  it("flatten into their children and rebuild as instances of their class", () => {
    const flat = nx.flattenTree({ params: weights(), step: 3 });
    assert.deepEqual(flat.paths, ["x.params.w", "x.params.b"]);
    const back = nx.unflattenTree(
      flat.spec,
      flat.leaves.map((t) => nx.multiply(t, 2)),
    );
    assert.ok(back.params instanceof Weights);
    assert.deepEqual(back.params.w.toArray(), [
      [2, 4],
      [6, 8],
    ]);
    assert.deepEqual(back.params.frozen, ["b"]);
    assert.equal(back.step, 3);
  });

  it("key their static data by value: equal data shares a structure key, other data does not", () => {
    const key = (frozen: string[]) =>
      nx.flattenTree(new Weights(nx.ones([2]), nx.ones([2]), frozen)).key;
    assert.equal(key(["b"]), key(["b"]));
    assert.notEqual(key(["b"]), key(["w"]));
    assert.notEqual(key([]), nx.flattenTree({ w: nx.ones([2]), b: nx.ones([2]) }).key);
  });

  it("pass through jit: one compile for equal static data, results rebuilt as the class", () => {
    const step = nx.jit((p: Weights) => new Weights(nx.add(p.w, 1), nx.multiply(p.b, 2), p.frozen));
    const out = step(weights());
    assert.ok(out instanceof Weights);
    assert.deepEqual(out.w.toArray(), [
      [2, 3],
      [4, 5],
    ]);
    assert.deepEqual(out.b.toArray(), [1, -2]);
    assert.deepEqual(out.frozen, ["b"]);
    step(weights());
    assert.equal(step.cacheInfo().compiles, 1);
    step(new Weights(nx.ones([2, 2], { dtype: "f64" }), nx.ones([2], { dtype: "f64" }), []));
    assert.equal(step.cacheInfo().compiles, 2);
  });

  it("pass through grad: the gradient has the class of the input (checked against the formula)", () => {
    // f = Σ tanh(w)·x₀ + Σ b², so ∂f/∂w = (1 − tanh²(w))·x₀ and ∂f/∂b = 2b.
    const x0 = nx.tensor(
      [
        [1, -1],
        [2, 0.5],
      ],
      { dtype: "f64" },
    );
    const f = (p: Weights) =>
      nx.add(nx.sum(nx.multiply(nx.tanh(p.w), x0)), nx.sum(nx.multiply(p.b, p.b)));
    for (const g of [nx.grad(f), nx.jit(nx.grad(f))]) {
      const d = g(weights());
      assert.ok(d instanceof Weights);
      const w = [
        [1, 2],
        [3, 4],
      ];
      const x = [
        [1, -1],
        [2, 0.5],
      ];
      const want = w.map((row, i) => row.map((v, j) => (1 - Math.tanh(v) ** 2) * x[i]![j]!));
      (d.w.toArray() as number[][]).forEach((row, i) =>
        row.forEach((v, j) => assert.ok(Math.abs(v - want[i]![j]!) < 1e-15)),
      );
      assert.deepEqual(d.b.toArray(), [1, -2]);
    }
  });

  it("refuse a second registration, a non-class, and static data that is not plain", () => {
    assert.throws(
      () =>
        nx.registerTreeNode(Weights, {
          flatten: () => ({ children: [] }),
          unflatten: () => weights(),
        }),
      /registerTreeNode: Weights is registered already/,
    );
    assert.throws(() => nx.registerTreeNode(42 as never, {} as never), /expected a class/);
    class Bad {
      constructor(readonly t: nx.Tensor) {}
    }
    nx.registerTreeNode(Bad, {
      flatten: (x) => ({ children: [x.t], aux: new Map() }),
      unflatten: ([t]) => new Bad(t),
    });
    assert.throws(() => nx.flattenTree(new Bad(nx.ones([1]))), /Bad aux: static data must be/);
  });
});
