import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";

class ModelState {}

describe("describeValue: a value's kind and a short description", () => {
  const cases: [unknown, string][] = [
    [null, "null"],
    [undefined, "undefined"],
    [5, "number 5"],
    [-0, "number -0"],
    [NaN, "number NaN"],
    [true, "boolean true"],
    [12n, "bigint 12n"],
    ["a string", '"a string"'],
    ["x".repeat(50), `"${"x".repeat(40)}…"`],
    [Symbol("s"), "a symbol"],
    [() => 1, "a function"],
    [[1, 2, 3], "an array of 3"],
    [{ a: 1, b: 2 }, "an object with keys a, b"],
    [{}, "an empty object"],
    [{ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 }, "an object with keys a, b, c, d, e, f, …"],
    [Object.assign(Object.create(null) as object, { k: 1 }), "an object with keys k"],
    [new ModelState(), "a ModelState"],
    [new Map(), "a Map"],
    [new Float32Array(2), "a Float32Array"],
    [nx.zeros([3, 2]), "a tensor f32[3][2]"],
    [nx.template([4], "s32"), "a tensor s32[4]"],
  ];
  for (const [value, text] of cases) it(text, () => assert.equal(nx.describeValue(value), text));

  it("never calls toString, valueOf or getters", () => {
    const hostile = {
      toString: () => assert.fail("toString"),
      valueOf: () => assert.fail("valueOf"),
      get x() {
        return assert.fail("getter");
      },
    };
    assert.equal(nx.describeValue(hostile), "an object with keys toString, valueOf, x");
    class Sneaky {
      static get name(): string {
        return assert.fail("name getter");
      }
    }
    assert.equal(nx.describeValue(new Sneaky()), "an object");
    const trap = new Proxy(
      {},
      {
        getPrototypeOf: () => {
          throw new Error("trap");
        },
      },
    );
    assert.equal(nx.describeValue(trap), "an object");
  });
});

describe("show: short JSON, else the description", () => {
  const cases: [unknown, string][] = [
    [5, "5"],
    [-0, "-0"],
    [NaN, "NaN"],
    [true, "true"],
    [null, "null"],
    [undefined, "undefined"],
    ["text", '"text"'],
    [[1, "two"], '[1,"two"]'],
    [{ rate: 0.1 }, '{"rate":0.1}'],
    [
      Array.from({ length: 40 }, (_, i) => i),
      `${JSON.stringify(Array.from({ length: 40 }, (_, i) => i)).slice(0, 80)}…`,
    ],
    [() => 1, "a function"],
    [nx.zeros([2]), "a tensor f32[2]"],
    [new ModelState(), "a ModelState"],
    [{ w: nx.zeros([2]) }, "an object with keys w"],
    [[1, NaN], "an array of 2"],
  ];
  for (const [value, text] of cases) it(text, () => assert.equal(nx.show(value), text));

  it("describes a cycle", () => {
    const a: unknown[] = [];
    a.push(a);
    assert.equal(nx.show(a), "an array of 1");
  });
});

describe("formatShape and formatType: the two shape notations of error messages", () => {
  it("writes a shape, with null for an unknown dimension", () => {
    assert.equal(nx.formatShape([2, 3]), "[2, 3]");
    assert.equal(nx.formatShape([null, 7]), "[null, 7]");
    assert.equal(nx.formatShape([]), "[]");
    assert.equal(nx.formatShape([2, "x"] as never), '[2, "x"]');
  });
  it("writes a typed value's shape with its dtype", () => {
    assert.equal(nx.formatType([3, 2], "f32"), "f32[3][2]");
    assert.equal(nx.formatType([], "s32"), "s32");
  });
  it("refuses what is not a shape", () => {
    assert.throws(() => nx.formatShape("3" as never), {
      name: "TypeError",
      message: 'formatShape: shape must be an array, got "3"',
    });
    assert.throws(() => nx.formatType(3 as never, "f32"), {
      message: "formatType: shape must be an array, got number 3",
    });
  });
});
