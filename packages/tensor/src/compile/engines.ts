/**
 * Kernels with a WebAssembly form. A lowering calls one kernel function (the `auto` form, which
 * picks WebAssembly or JavaScript by size at run time); a kernel registered here also names its
 * pure-JavaScript and always-WebAssembly forms, which the `js` and `wasm` backends call instead.
 */
import type { Engine } from "./compiler.js";

type Kernel = (...args: any[]) => unknown;

const forms = new Map<Kernel, { readonly js: Kernel; readonly wasm: Kernel }>();

/** Registers the JavaScript-only and WebAssembly-only forms of `kernel` (its `auto` form). */
export function registerKernelForms(kernel: Kernel, js: Kernel, wasm: Kernel): void {
  forms.set(kernel, { js, wasm });
}

/** The form of `kernel` that `engine` runs (the kernel itself where it has no other forms). */
export function kernelForEngine(kernel: Kernel, engine: Engine): Kernel {
  if (engine === "auto") return kernel;
  return forms.get(kernel)?.[engine] ?? kernel;
}

/**
 * The `auto` form of a kernel from its JavaScript and WebAssembly forms: the Wasm one where
 * `large(...args)` says the work pays for it. The three forms are registered.
 */
export function withForms<A extends unknown[]>(
  js: (...args: A) => void,
  wasm: (...args: A) => void,
  large: (...args: A) => boolean,
): (...args: A) => void {
  const auto = (...args: A): void => (large(...args) ? wasm(...args) : js(...args));
  registerKernelForms(auto, js, wasm);
  return auto;
}
