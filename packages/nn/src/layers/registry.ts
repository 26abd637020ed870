/**
 * The layer registry: op name → a factory that rebuilds the layer from its JSON `config`. Every
 * built-in layer is registered; `defineLayer` registers custom ones, so `load` can rebuild any
 * saved graph.
 */
import type { Json, LayerDef } from "../model.js";

/** Rebuilds a layer from its saved JSON configuration. */
export type LayerFactory = (config: { readonly [k: string]: Json }) => LayerDef;

const REGISTRY = new Map<string, LayerFactory>();

/** Registers (or replaces) the factory of `op`. */
export function registerLayer(op: string, factory: LayerFactory): void {
  if (typeof op !== "string" || op.length === 0)
    throw new TypeError("registerLayer: op must be a non-empty string");
  if (typeof factory !== "function")
    throw new TypeError("registerLayer: factory must be a function");
  REGISTRY.set(op, factory);
}

/** The layer `op` rebuilt from `config`; an error names the op when nothing is registered for it. */
export function layerFromConfig(op: string, config: { readonly [k: string]: Json }): LayerDef {
  const factory = REGISTRY.get(op);
  if (!factory) {
    throw new Error(
      `load: no layer "${op}" is registered; a custom layer must be defined with nn.defineLayer("${op}", ...) before loading`,
    );
  }
  return factory(config);
}

/** Registers a built-in layer and returns its factory (a helper for the layer modules). */
export function builtin<C extends { readonly [k: string]: Json }>(
  op: string,
  factory: (config: C) => LayerDef,
): (config: C) => LayerDef {
  registerLayer(op, factory as LayerFactory);
  return factory;
}
