/** Model inputs: `nn.input("car_features", [null, 7])`. */
import * as nx from "@dendrite/tensor";
import { addInput, type Json, type Model, type ShapeSpec } from "../model.js";
import { defineBuiltinLayer } from "./define.js";
import type { Config, OptionKind } from "./options.js";

function checkName(x: unknown): string {
  if (typeof x !== "string" || x.length === 0)
    throw new TypeError(`input: the name must be a non-empty string, got ${nx.describeValue(x)}`);
  return x;
}

function checkShape(x: unknown, what: string): Json {
  if (x === undefined || x === null) return null;
  if (!Array.isArray(x) || !x.every((d) => d === null || (Number.isInteger(d) && d >= 0)))
    throw new TypeError(
      `${what}: shape must be an array of sizes or null (any size), got ${nx.show(x)}`,
    );
  return [...(x as Json[])];
}

/** The input's name (also its key in `predict`'s inputs). */
const name: OptionKind<string, string> = {
  save: (x) => checkName(x),
  read: (x) => checkName(x),
};

/** Its shape, `null` axes being any size; `null` (saved) for inputs of any shape. */
const shape: OptionKind<ShapeSpec, ShapeSpec | undefined> = {
  save: (x, _where, earlier: Config) => checkShape(x, `input ${JSON.stringify(earlier.name)}`),
  read: (x, where) => (checkShape(x, where) ?? undefined) as ShapeSpec | undefined,
};

const INPUT = defineBuiltinLayer({
  op: "input",
  options: { name, shape },
  display: (c) => [...(c.shape === null ? [] : [["shape", c.shape] as const]), ["optional", false]],
  forward: (o) => {
    throw new Error(`input "${o.name}" has no value`);
  },
});

/**
 * A named model input. `shape` gives the size of each axis, `null` for any size (the batch axis):
 * `nn.input("car_features", [null, 7])`. Without a shape, inputs of any shape are accepted.
 */
export function input(name: string, shape?: ShapeSpec): Model {
  const def = INPUT.fromOptions({ name, shape });
  return addInput(name, shape, def);
}
