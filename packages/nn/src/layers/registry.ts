/**
 * The layer registry: op name → a factory that rebuilds the layer from its JSON `config`. Every
 * built-in layer registers itself when defined (`defineBuiltinLayer`); `defineLayer` registers
 * custom ones, so `load` can rebuild any saved graph.
 */
import type { Json, LayerDef } from "../model.js";
import type { BuiltinLayer } from "./define.js";

/** Rebuilds a layer from its saved JSON configuration. */
export type LayerFactory = (config: { readonly [k: string]: Json }) => LayerDef;

const REGISTRY = new Map<string, LayerFactory>();
const BUILTINS = new Map<string, BuiltinLayer>();

/** Registers (or replaces) the factory of `op`. */
export function registerLayer(op: string, factory: LayerFactory): void {
  if (typeof op !== "string" || op.length === 0)
    throw new TypeError("registerLayer: op must be a non-empty string");
  if (typeof factory !== "function")
    throw new TypeError("registerLayer: factory must be a function");
  REGISTRY.set(op, factory);
}

/** Registers a built-in layer definition and its loader (called by `defineBuiltinLayer`). */
export function registerBuiltin(layer: BuiltinLayer): void {
  if (BUILTINS.has(layer.op)) throw new Error(`the built-in layer "${layer.op}" is defined twice`);
  BUILTINS.set(layer.op, layer);
  registerLayer(layer.op, (config) => layer.fromConfig(config));
}

/** Every built-in layer definition, in the order they were defined. */
export function builtinLayers(): readonly BuiltinLayer[] {
  return [...BUILTINS.values()];
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
