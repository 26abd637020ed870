/**
 * A backend turns a traced graph into a runnable program. Eager ops and `jit` both go through
 * one. Every backend reads the same lowerings; they differ in which engine runs the kernels that
 * have a WebAssembly form (fused f32 loops, f32 matrix products): `javascript` never uses it,
 * `wasm` always does, and `auto` (the default) does where the work is large enough to pay for it.
 */
import { describeValue } from "../describe.js";
import type { Graph, Node } from "../graph.js";
import { compile, type CompileOptions, type Engine, type Program } from "./compiler.js";

/** Compiles graphs to programs. */
export interface Backend {
  readonly name: string;
  compile(graph: Graph, outputs: readonly Node[], options: CompileOptions): Program;
}

const withEngine = (name: string, engine: Engine): Backend => ({
  name,
  compile: (graph, outputs, options) => compile(graph, outputs, { ...options, engine }),
});

/** Generated JavaScript only: fused loops, planned buffers, kernels as plain functions. */
export const javascript: Backend = withEngine("javascript", "js");
/** Generated JavaScript that hands every kernel with a WebAssembly form to WebAssembly. */
export const wasm: Backend = withEngine("wasm", "wasm");
/** JavaScript for small kernels, WebAssembly above the sizes the benchmarks picked (the default). */
export const auto: Backend = withEngine("auto", "auto");

/** The backends by name (`"js"` is short for `"javascript"`). */
export const backends: Readonly<Record<string, Backend>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, Backend>, {
    auto,
    javascript,
    js: javascript,
    wasm,
  }),
);

/** A backend given by name or as an object, checked (the error names `where`). */
export function resolveBackend(b: unknown, where: string): Backend {
  if (typeof b === "string" && Object.prototype.hasOwnProperty.call(backends, b))
    return backends[b]!;
  if (typeof b === "object" && b !== null && typeof (b as Backend).compile === "function")
    return b as Backend;
  throw new TypeError(
    `${where}: backend must be "auto", "js" or "wasm" (or a Backend object), got ${describeValue(b)}`,
  );
}

let current: Backend = auto;
const fromEnv = typeof process === "object" ? process.env?.DENDRITE_BACKEND : undefined;
if (fromEnv !== undefined && fromEnv !== "") current = resolveBackend(fromEnv, "DENDRITE_BACKEND");

/**
 * Sets the backend that eager ops and `jit` (without a `backend` option) use for programs compiled
 * from now on: `"auto"` (the default, also set by the environment variable `DENDRITE_BACKEND`),
 * `"js"` or `"wasm"`.
 */
export function setDefaultBackend(backend: "auto" | "js" | "javascript" | "wasm" | Backend): void {
  current = resolveBackend(backend, "setDefaultBackend");
}

/** The backend eager ops and `jit` use by default. */
export function getDefaultBackend(): Backend {
  return current;
}
