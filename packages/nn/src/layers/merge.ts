/** Layers that combine several models: `add`, `subtract`, `multiply` and `concatenate`. */
import * as nx from "@dendrite/tensor";
import { nodeOf, type GraphNode, type Model, type NameOption, type ShapeSpec } from "../model.js";
import { defineBuiltinLayer } from "./define.js";
import { integer } from "./options.js";

/** Throws unless all shapes are equal (null matches any size), naming them. */
function checkSameShapes(shapes: readonly ShapeSpec[], what: string): void {
  const first = shapes[0]!;
  for (const s of shapes.slice(1)) {
    const same =
      s.length === first.length &&
      s.every((d, i) => d === null || first[i] === null || d === first[i]);
    if (!same)
      throw new Error(
        `${what} needs inputs of the same shape, got ${shapes.map(nx.formatShape).join(" and ")}`,
      );
  }
}

type Elementwise = "add" | "subtract" | "multiply";

function defineElementwise(op: Elementwise) {
  const fn = { add: nx.add, subtract: nx.subtract, multiply: nx.multiply }[op];
  return defineBuiltinLayer({
    op,
    options: {},
    forward: (_o, xs) => {
      checkSameShapes(
        xs.map((t) => t.shape),
        op,
      );
      return xs.slice(1).reduce((a, b) => fn(a, b), xs[0]!);
    },
  });
}

const ELEMENTWISE = {
  add: defineElementwise("add"),
  subtract: defineElementwise("subtract"),
  multiply: defineElementwise("multiply"),
};

/** The nodes of `xs` (at least `min`), checked to have the same shapes unless concatenated. */
function parentsOf(op: string, xs: readonly Model[], min: number): GraphNode[] {
  if (!Array.isArray(xs) || xs.length < min)
    throw new TypeError(`${op}: expected an array of at least ${min} models`);
  const nodes = xs.map((x) => nodeOf(x, op));
  const shapes = nodes.map((n) => n.shape);
  if (shapes.every((s) => s !== undefined) && op !== "concatenate")
    checkSameShapes(shapes as ShapeSpec[], op);
  return nodes;
}

/** Elementwise sum of models of the same shape. */
export function add(xs: readonly Model[], options: NameOption = {}): Model {
  return ELEMENTWISE.add.apply(parentsOf("add", xs, 2), options);
}

/** The first model minus the others. */
export function subtract(xs: readonly Model[], options: NameOption = {}): Model {
  return ELEMENTWISE.subtract.apply(parentsOf("subtract", xs, 2), options);
}

/** Elementwise product of models of the same shape. */
export function multiply(xs: readonly Model[], options: NameOption = {}): Model {
  return ELEMENTWISE.multiply.apply(parentsOf("multiply", xs, 2), options);
}

const CONCATENATE = defineBuiltinLayer({
  op: "concatenate",
  options: {
    /** The axis to join along (default −1, the feature axis). */
    axis: integer({ default: -1, display: "axis" }),
  },
  forward: (o, xs) => {
    const rank = xs[0]!.rank;
    const axis = o.axis < 0 ? o.axis + rank : o.axis;
    if (axis < 0 || axis >= rank)
      throw new RangeError(`axis ${o.axis} is out of range for inputs of rank ${rank}`);
    const ok = xs.every(
      (t) => t.rank === rank && t.shape.every((n, i) => i === axis || n === xs[0]!.shape[i]),
    );
    if (!ok)
      throw new Error(
        `inputs must match on every axis but ${o.axis}, got ${xs.map((t) => nx.formatShape(t.shape)).join(" and ")}`,
      );
    return nx.concatenate(xs, { axis });
  },
});

/** Joins models along `axis` (default −1, the feature axis). */
export function concatenate(
  xs: readonly Model[],
  options: NameOption & { axis?: number } = {},
): Model {
  return CONCATENATE.apply(parentsOf("concatenate", xs, 1), options);
}
