// mapTree and treeLeaves: the tree walk other packages build on (nn's optimizers map with it).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nx from "../src/index.js";

class Pair {
  constructor(
    readonly a: nx.Tensor,
    readonly b: nx.Tensor,
    readonly tag: string,
  ) {}
}
nx.registerTreeNode(Pair, {
  flatten: (p) => ({ children: [p.a, p.b], aux: p.tag }),
  unflatten: ([a, b], tag) => new Pair(a, b, tag),
});

const t = (...v: number[]) => nx.tensor(v);

describe("treeLeaves", () => {
  it("lists the tensors in flattenTree's order", () => {
    const a = t(1);
    const b = t(2);
    const c = t(3);
    const tree = { w: a, rest: [b, "static", new Pair(c, a, "p")] };
    assert.deepEqual(nx.treeLeaves(tree), nx.flattenTree(tree).leaves);
    assert.deepEqual(nx.treeLeaves(tree), [a, b, c, a]);
    assert.deepEqual(nx.treeLeaves(5), []);
  });
});

describe("mapTree", () => {
  it("maps the tensors of several trees place by place, keeping other values", () => {
    const p = { w: t(1, 2), b: [t(3), 7] };
    const g = { b: [t(10), 7], w: t(20, 30) }; // another key order
    const out = nx.mapTree(p, (x, y) => nx.add(x, y!), g);
    assert.deepEqual(out.w.toArray(), [21, 32]);
    assert.deepEqual((out.b[0] as nx.Tensor).toArray(), [13]);
    assert.equal(out.b[1], 7);
    assert.deepEqual(Object.keys(out), ["w", "b"]);
  });

  it("rebuilds registered nodes", () => {
    const out = nx.mapTree(new Pair(t(1), t(2), "p"), (x) => nx.multiply(x, 2));
    assert.ok(out instanceof Pair);
    assert.equal(out.tag, "p");
    assert.deepEqual(out.b.toArray(), [4]);
  });

  it("names the first place where another tree differs", () => {
    const cases: [() => unknown, string][] = [
      [
        () => nx.mapTree({ w: t(1) }, (x) => x, { w: t(1), b: t(2) }),
        "mapTree: tree 2 at the root has keys w, b where tree 1 has w",
      ],
      [
        () => nx.mapTree({ w: [t(1)] }, (x) => x, { w: [5] }),
        "mapTree: tree 2 at w[0]: expected a tensor, got number 5",
      ],
      [
        () => nx.mapTree([t(1), t(2)], (x) => x, [t(1), t(2)], [t(1)]),
        "mapTree: tree 3 at the root: expected an array of 2, got an array of 1",
      ],
      [
        () => nx.mapTree({ n: 1 }, (x) => x, { n: 2 }),
        "mapTree: tree 2 at n: expected 1, got number 2",
      ],
      [
        () => nx.mapTree(new Pair(t(1), t(2), "p"), (x) => x, new Pair(t(1), t(2), "q")),
        "mapTree: tree 2 at the root: the Pair's static data differs",
      ],
      [
        () => nx.mapTree(new Pair(t(1), t(2), "p"), (x) => x, [t(1), t(2)]),
        "mapTree: tree 2 at the root: expected a Pair, got an array of 2",
      ],
      [() => nx.mapTree({}, 3 as never), "mapTree: fn must be a function, got number 3"],
    ];
    for (const [call, message] of cases) assert.throws(call, { name: "TypeError", message });
  });
});
