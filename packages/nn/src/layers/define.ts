/**
 * One definition per built-in layer: `defineBuiltinLayer({ op, options, params, forward })`. From
 * its options schema come the checks of a user's options (errors name the layer, the option and
 * the value), the saved JSON config, the options `asTable` shows and the loader that rebuilds the
 * layer from a file; the definition registers itself, so adding a layer is writing one of these.
 */
import * as nx from "@dendrite/tensor";
import {
  addNode,
  type GraphNode,
  type Json,
  type LayerContext,
  type LayerDef,
  type LayerOutput,
  type Model,
  type NameOption,
  type ParamSpec,
} from "../model.js";
import type { LayerTensors } from "../state.js";
import type { Config, OptionKind } from "./options.js";
import { registerBuiltin } from "./registry.js";

/** A layer's options schema: option name → its kind. The order is the saved config's order. */
export type OptionsSchema = { readonly [option: string]: OptionKind<never, unknown> };

/** What users may pass for the options of schema `S` (every option optional). */
export type OptionsIn<S extends OptionsSchema> = {
  [K in keyof S]?: S[K] extends OptionKind<infer In, unknown> ? In : never;
};

/** The options of schema `S` as the layer's functions get them (defaults applied, checked). */
export type OptionValues<S extends OptionsSchema> = {
  readonly [K in keyof S]: S[K] extends OptionKind<never, infer V> ? V : never;
};

/** What a built-in layer definition says. */
export interface BuiltinLayerSpec<S extends OptionsSchema> {
  /** The op name: the registry key, the saved `op` and the prefix of generated names. */
  readonly op: string;
  /** The options: each one's kind (check, default, saved form, display name). */
  readonly options: S;
  /** What `asTable` shows, when it is not simply the options that have a display name. */
  readonly display?: (config: Config) => ReadonlyArray<readonly [string, Json]>;
  /** How many tensors the layer outputs with these options (default 1; see `LayerDef.outputs`). */
  readonly outputs?: (options: OptionValues<S>) => number;
  /** The tensors the layer owns for the given input shapes (batch axis included). */
  readonly params?: (
    options: OptionValues<S>,
    inputShapes: readonly (readonly number[])[],
    dtype: nx.DType,
  ) => { readonly [name: string]: ParamSpec };
  /** The computation, with tensor ops only (it is traced and differentiated). */
  readonly forward: (
    options: OptionValues<S>,
    inputs: readonly nx.Tensor[],
    params: LayerTensors,
    context: LayerContext,
  ) => LayerOutput;
}

/** A built-in layer: its definition, and the layer made from options or from a saved config. */
export interface BuiltinLayer<S extends OptionsSchema = OptionsSchema> {
  readonly op: string;
  /** The options schema. */
  readonly options: S;
  /** The layer with these options, checked; unknown options are an error naming them. */
  fromOptions(options: OptionsIn<S>): LayerDef;
  /** The layer rebuilt from a saved config, checked (a missing option takes its default). */
  fromConfig(config: Config): LayerDef;
  /** Adds the layer after `parents` (options as in `fromOptions`, plus its `name`). */
  apply(parents: readonly GraphNode[], options: OptionsIn<S> & NameOption): Model;
}

/**
 * Defines a built-in layer and registers its loader under `op`.
 *
 * @example
 * const SCALE = defineBuiltinLayer({
 *   op: "scale",
 *   options: { factor: number("finite", Number.isFinite, { default: 2, display: "factor" }) },
 *   forward: (o, [x]) => nx.multiply(x!, o.factor),
 * });
 */
export function defineBuiltinLayer<S extends OptionsSchema>(
  spec: BuiltinLayerSpec<S>,
): BuiltinLayer<S> {
  const { op } = spec;
  const names = Object.keys(spec.options);

  const make = (config: Config, values: OptionValues<S>): LayerDef => {
    const display = spec.display
      ? spec.display(config)
      : names.flatMap((k) => {
          const shown = spec.options[k]!.display;
          return shown === undefined ? [] : [[shown, config[k]!] as const];
        });
    const outputs = spec.outputs?.(values) ?? 1;
    return {
      op,
      config,
      ...(display.length > 0 ? { display } : {}),
      ...(outputs === 1 ? {} : { outputs }),
      ...(spec.params ? { params: (shapes, dtype) => spec.params!(values, shapes, dtype) } : {}),
      forward: (inputs, params, context) => spec.forward(values, inputs, params, context),
    };
  };

  const read = (config: Config): OptionValues<S> => {
    const values: Record<string, unknown> = {};
    for (const k of names) values[k] = spec.options[k]!.read(config[k]!, `${op}: ${k}`);
    return values as OptionValues<S>;
  };

  const layer: BuiltinLayer<S> = {
    op,
    options: spec.options,
    fromOptions(options) {
      if (typeof options !== "object" || options === null)
        throw new TypeError(`${op}: options must be an object, got ${nx.describeValue(options)}`);
      for (const [k, v] of Object.entries(options))
        if (v !== undefined && !names.includes(k))
          throw new TypeError(
            `${op}: unknown option "${k}"${names.length ? `; its options are ${names.join(", ")}` : "; it takes no options"}`,
          );
      const config: Record<string, Json> = {};
      for (const k of names) {
        const given = (options as Record<string, unknown>)[k];
        config[k] = spec.options[k]!.save(given as never, `${op}: ${k}`, config);
      }
      return make(config, read(config));
    },
    fromConfig(saved) {
      const config: Record<string, Json> = {};
      for (const k of names)
        config[k] = Object.hasOwn(saved, k)
          ? saved[k]!
          : spec.options[k]!.save(undefined as never, `${op}: ${k}`, config);
      return make(config, read(config));
    },
    apply(parents, options) {
      const { name, ...rest } = options;
      return addNode(layer.fromOptions(rest as OptionsIn<S>), parents, name);
    },
  };
  registerBuiltin(layer as BuiltinLayer);
  return layer;
}
