/**
 * A backend turns a traced graph into a runnable program. Eager ops and `jit` both go through
 * one; the JavaScript code generator is the first (WebAssembly and ONNX Runtime can follow behind
 * the same interface).
 */
import type { Graph, Node } from "../graph.js";
import { compile, type CompileOptions, type Program } from "./compiler.js";

/** Compiles graphs to programs. */
export interface Backend {
  readonly name: string;
  compile(graph: Graph, outputs: readonly Node[], options: CompileOptions): Program;
}

/** Generated JavaScript: fused elementwise loops, planned buffers, kernels as plain functions. */
export const javascript: Backend = { name: "javascript", compile };
