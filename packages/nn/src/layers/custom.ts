/**
 * Custom layers: `nn.layer(fn, inputs, { params })` applies any tensor function with its own
 * parameters; `nn.defineLayer(op, fn, { params })` does the same and registers `op` so models using
 * it can be saved and loaded.
 */
import * as nx from "@dendrite/tensor";
import { resolveInitializer, type InitializerLike } from "../initializers.js";
import {
  Model,
  addNode,
  nodeOf,
  type LayerContext,
  type LayerDef,
  type NameOption,
  type ParamSpec,
} from "../model.js";
import { registerLayer } from "./registry.js";

/** A parameter of a custom layer. */
export interface CustomParam {
  /** Its shape, or a function of the input shapes (batch axis included). */
  shape: readonly number[] | ((...inputShapes: number[][]) => readonly number[]);
  /** Default `"glorotUniform"`. */
  initializer?: InitializerLike;
  /** `"parameter"` (default) or `"state"`. */
  kind?: "parameter" | "state";
}

/** Options of `layer`. */
export interface CustomLayerOptions extends NameOption {
  /** The layer's parameters by name; `fn` receives them as an object. */
  params?: { readonly [name: string]: CustomParam };
  /** The op name shown in tables and used for generated names (default `"custom"`). */
  op?: string;
}

/** The function of a custom layer: the input tensors, then the parameters, then the context. */
export type LayerFunction = (...args: any[]) => nx.Tensor;

function customDef(
  op: string,
  fn: LayerFunction,
  params: { readonly [name: string]: CustomParam },
  registered: boolean,
): LayerDef {
  if (typeof fn !== "function")
    throw new TypeError(`layer: expected a function, got ${nx.describeValue(fn)}`);
  const specs = Object.entries(params).map(([name, p]) => {
    if (typeof p !== "object" || p === null || p.shape === undefined)
      throw new TypeError(`layer ${op}: parameter "${name}" needs a shape`);
    return [
      name,
      p,
      resolveInitializer(p.initializer ?? "glorotUniform", `layer ${op} parameter ${name}`),
    ] as const;
  });
  return {
    op,
    ...(registered ? { config: {} } : {}),
    params: (shapes) => {
      const out: Record<string, ParamSpec> = {};
      for (const [name, p, initializer] of specs) {
        const shape =
          typeof p.shape === "function" ? p.shape(...shapes.map((s) => [...s])) : p.shape;
        if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
          throw new TypeError(
            `parameter "${name}": shape must be an array of sizes, got ${nx.show(shape)}`,
          );
        out[name] = { shape: [...shape], initializer, kind: p.kind ?? "parameter" };
      }
      return out;
    },
    forward: (inputs, p, ctx: LayerContext) => {
      const out = fn(...inputs, p, ctx);
      if (!(out instanceof nx.Tensor))
        throw new TypeError(
          `the layer function must return a tensor, got ${nx.describeValue(out)}`,
        );
      return out;
    },
  };
}

function parents(op: string, inputs: Model | readonly Model[]) {
  const list = inputs instanceof Model ? [inputs] : inputs;
  if (!Array.isArray(list) || list.length === 0)
    throw new TypeError(`${op}: expected a model or an array of models as inputs`);
  return list.map((m) => nodeOf(m, op));
}

/**
 * A custom layer: `fn(...inputs, params, context)` must return a tensor, using only tensor ops
 * (it is traced and differentiated). Such a layer cannot be saved as JSON; use `defineLayer` for
 * that.
 *
 * @example
 * const scaled = nn.layer((x, p) => nx.multiply(x, p.scale), [x], {
 *   params: { scale: { shape: (s) => [s.at(-1)!], initializer: "ones" } },
 * });
 */
export function layer(
  fn: LayerFunction,
  inputs: Model | readonly Model[],
  options: CustomLayerOptions = {},
): Model {
  const op = options.op ?? "custom";
  return addNode(customDef(op, fn, options.params ?? {}, false), parents(op, inputs), options.name);
}

/**
 * Defines and registers a custom layer under `op`, returning a function that applies it. Models
 * using it can be saved; `load` finds `op` again as long as `defineLayer` ran first.
 */
export function defineLayer(
  op: string,
  fn: LayerFunction,
  options: { params?: { readonly [name: string]: CustomParam } } = {},
): (inputs: Model | readonly Model[], options?: NameOption) => Model {
  if (typeof op !== "string" || !/^[a-z][a-z0-9_]*$/i.test(op))
    throw new TypeError(
      `defineLayer: op must be an identifier such as "scale", got ${nx.describeValue(op)}`,
    );
  const def = customDef(op, fn, options.params ?? {}, true);
  registerLayer(op, () => def);
  return (inputs, o = {}) => addNode(def, parents(op, inputs), o.name);
}
