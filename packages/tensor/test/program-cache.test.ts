// Caches of compiled programs: jit keys its programs by every static argument exactly (values by
// value, objects by identity), keeps a bounded number of them (least recently used dropped first),
// and the eager single-op cache keeps −0 apart from 0.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as nx from "../src/index.js";

const one = () => nx.tensor([1]);

class Scale {
  constructor(readonly k: number) {}
}

/** A pair of static arguments that must compile two programs, and how f tells them apart. */
interface Pair {
  readonly what: string;
  readonly f: (x: nx.Tensor, s: any) => nx.Tensor;
  readonly a: unknown;
  readonly b: unknown;
}

const adder = (k: number) => (t: nx.Tensor) => nx.add(t, k);
const tag = Symbol("mode");
const otherTag = Symbol("mode");

const PAIRS: Pair[] = [
  { what: "functions (nx.exp, nx.log)", f: (x, act) => act(x), a: nx.exp, b: nx.log },
  {
    what: "closures with one source text",
    f: (x, act) => act(x),
    a: adder(1),
    b: adder(2),
  },
  {
    what: "class instances",
    f: (x, s: Scale) => nx.multiply(x, s.k),
    a: new Scale(2),
    b: new Scale(3),
  },
  {
    what: "Maps",
    f: (x, m: Map<string, number>) => nx.multiply(x, m.get("k")!),
    a: new Map([["k", 2]]),
    b: new Map([["k", 3]]),
  },
  {
    what: "Sets",
    f: (x, s: Set<number>) => nx.multiply(x, [...s][0]!),
    a: new Set([2]),
    b: new Set([3]),
  },
  {
    what: "Dates within one second",
    f: (x, d: Date) => nx.add(x, d.getMilliseconds()),
    a: new Date(1000),
    b: new Date(1001),
  },
  { what: "−0 and 0", f: (x, z: number) => nx.divide(x, z), a: 0, b: -0 },
  {
    what: "string lists that join alike",
    f: (x, parts: string[]) => nx.add(x, parts.length),
    a: ["a;Sstring:b"],
    b: ["a", "b"],
  },
  {
    what: "symbols with one description",
    f: (x, s: symbol) => nx.add(x, s === tag ? 1 : 2),
    a: tag,
    b: otherTag,
  },
  {
    what: "typed arrays with one text",
    f: (x, arr: Float32Array | Float64Array) => nx.add(x, nx.tensor(arr)),
    a: new Float32Array([1]),
    b: new Float64Array([1]),
  },
];

describe("jit: static arguments key programs exactly", () => {
  for (const { what, f, a, b } of PAIRS) {
    it(`${what} compile two programs with the eager results`, () => {
      const jf = nx.jit(f);
      for (const s of [a, b, a, b]) {
        const got = jf(one(), s);
        const want = f(one(), s);
        assert.equal(got.dtype, want.dtype, what);
        assert.deepEqual(got.toArray(), want.toArray(), what);
        // deepEqual takes −0 for 0: compare the sign of zero too.
        assert.ok(Object.is(got.toArray()[0], want.toArray()[0]), what);
      }
      assert.equal(jf.cacheInfo().compiles, 2, what);
    });
  }

  it("the issue's example: exp, then log, gives log", () => {
    const f = nx.jit((x: nx.Tensor, act: (t: nx.Tensor) => nx.Tensor) => act(x));
    assert.ok(Math.abs(f(nx.tensor([1]), nx.exp).toArray()[0] - Math.E) < 1e-6);
    assert.deepEqual(f(nx.tensor([1]), nx.log).toArray(), [0]);
  });

  it("the same value (or object) again reuses the program", () => {
    const f = nx.jit((x: nx.Tensor, s: unknown) => nx.add(x, typeof s === "number" ? 1 : 2));
    const obj = new Scale(1);
    const reg = Symbol.for("dendrite.test");
    for (const s of [NaN, NaN, "a", "a", obj, obj, nx.exp, nx.exp, null, null, undefined, reg])
      f(one(), s);
    f(one(), Symbol.for("dendrite.test"));
    // NaN, "a", obj, nx.exp, null, undefined, the registered symbol: seven programs.
    assert.equal(f.cacheInfo().compiles, 7);
  });

  it("null, undefined, strings and booleans that print alike stay apart", () => {
    const f = nx.jit((x: nx.Tensor, s: unknown) => nx.add(x, typeof s === "string" ? 1 : 2));
    for (const s of [null, "null", undefined, "undefined", true, "true", 1, "1", 1n]) f(one(), s);
    assert.equal(f.cacheInfo().compiles, 9);
  });

  it("array holes are undefined, not skipped", () => {
    const f = nx.jit((x: nx.Tensor, xs: unknown[]) => nx.add(x, xs.length));
    // eslint-disable-next-line no-sparse-arrays
    assert.deepEqual(f(one(), [, 1]).toArray(), [3]);
    assert.deepEqual(f(one(), [1]).toArray(), [2]);
    assert.equal(f.cacheInfo().compiles, 2);
  });
});

describe("jit: a bounded cache of programs", () => {
  it("keeps at most cacheSize programs; an evicted one compiles again when needed", () => {
    let traces = 0;
    const f = nx.jit(
      (x: nx.Tensor) => {
        traces++;
        return nx.multiply(x, 2);
      },
      { cacheSize: 4 },
    );
    for (let n = 1; n <= 50; n++) {
      assert.deepEqual(f(nx.ones([n])).toArray(), new Array(n).fill(2));
      assert.ok(f.cacheInfo().size <= 4);
    }
    assert.deepEqual(f.cacheInfo(), { size: 4, limit: 4, compiles: 50 });
    f(nx.ones([50])); // the newest: a hit
    assert.equal(f.cacheInfo().compiles, 50);
    assert.deepEqual(f(nx.ones([1])).toArray(), [2]); // long evicted: traced again
    assert.deepEqual(f.cacheInfo(), { size: 4, limit: 4, compiles: 51 });
    assert.equal(traces, 51);
  });

  it("drops the least recently used, not the oldest", () => {
    const f = nx.jit((x: nx.Tensor) => nx.add(x, 1), { cacheSize: 2 });
    const [a, b, c] = [nx.ones([1]), nx.ones([2]), nx.ones([3])];
    f(a);
    f(b);
    f(a); // a is now the most recently used
    f(c); // evicts b
    assert.equal(f.cacheInfo().compiles, 3);
    f(a);
    assert.equal(f.cacheInfo().compiles, 3);
    f(b);
    assert.equal(f.cacheInfo().compiles, 4);
  });

  it("has a default limit of 64, and Infinity opts out", () => {
    const f = nx.jit((x: nx.Tensor) => nx.exp(x));
    assert.equal(f.cacheInfo().limit, 64);
    for (let n = 1; n <= 70; n++) f(nx.ones([n]));
    assert.equal(f.cacheInfo().size, 64);
    const g = nx.jit((x: nx.Tensor) => nx.exp(x), { cacheSize: Infinity });
    for (let n = 1; n <= 70; n++) g(nx.ones([n]));
    assert.equal(g.cacheInfo().size, 70);
  });

  it("source and debugExpr share the cache (and its bound)", () => {
    const f = nx.jit((x: nx.Tensor) => nx.exp(x), { cacheSize: 1 });
    f.source(nx.ones([1]));
    f.debugExpr(nx.ones([2]));
    assert.deepEqual(f.cacheInfo(), { size: 1, limit: 1, compiles: 2 });
  });

  it("refuses a cacheSize that is not a positive integer", () => {
    for (const bad of [0, -1, 1.5, NaN, "8", -Infinity])
      assert.throws(
        () => nx.jit((x: nx.Tensor) => x, { cacheSize: bad as never }),
        /^RangeError: jit: cacheSize must be a positive integer or Infinity, got /,
      );
    assert.throws(
      () => nx.jit((x: nx.Tensor) => x, "fast" as never),
      /jit: options must be an object/,
    );
  });
});

describe("eager programs", () => {
  it("keep −0 apart from 0 (pad's fill value)", () => {
    const x = nx.ones([1]);
    const plus = nx.pad(x, 0, [[1, 0]]).toArray();
    const minus = nx.pad(x, -0, [[1, 0]]).toArray();
    assert.ok(Object.is(plus[0], 0));
    assert.ok(Object.is(minus[0], -0));
    assert.ok(Object.is(nx.pad(x, 0, [[1, 0]]).toArray()[0], 0));
  });

  it("keep NaN and ±Infinity fill values apart", () => {
    const x = nx.ones([1]);
    for (const value of [NaN, Infinity, -Infinity, 0])
      assert.ok(Object.is(nx.pad(x, value, [[1, 0]]).toArray()[0], value));
  });
});
