/**
 * What this runtime's WebAssembly can do: fixed-width SIMD with a shared memory (needed by every
 * Wasm kernel) and relaxed SIMD (`f32x4.relaxed_madd`, faster GEMM). Each is probed once by
 * validating a tiny module built with our encoder.
 *
 * Node 20 (V8 11.3) has relaxed SIMD behind `--experimental-wasm-relaxed-simd`; when the probe
 * fails, the flag is set with `v8.setFlagsFromString` (it applies to modules compiled afterwards)
 * and the probe runs again. Newer Node versions ship relaxed SIMD and never touch the flag.
 */
import v8 from "node:v8";

import { ModuleBuilder, ValType } from "./encoder.js";
import { webAssembly } from "./webassembly.js";

let simd: boolean | undefined;
let relaxed: boolean | undefined;

/** A module importing a shared memory with one function `(v128) -> v128` built by `body`. */
function probe(body: "splat" | "madd"): Uint8Array {
  const mod = new ModuleBuilder().importMemory("env", "memory", {
    initial: 1,
    maximum: 1,
    shared: true,
  });
  const f = mod.addFunction([ValType.v128], [ValType.v128], "probe");
  const x = f.param(0);
  if (body === "splat") f.f32x4Add(x, () => f.f32x4Splat(() => f.f32Const(1)));
  else f.f32x4RelaxedMadd(x, x, x);
  f.end();
  return mod.encode();
}

function validates(bytes: Uint8Array): boolean {
  try {
    return webAssembly !== undefined && webAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/** Whether WebAssembly with fixed-width SIMD and shared memories is available. */
export function simdSupported(): boolean {
  if (simd === undefined) {
    simd = validates(probe("splat")) && typeof SharedArrayBuffer === "function";
  }
  return simd;
}

/**
 * Whether `f32x4.relaxed_madd` validates, turning on V8's experimental flag first if needed.
 * Call before compiling a module that uses it.
 */
export function relaxedSimdSupported(): boolean {
  if (relaxed === undefined) {
    if (!simdSupported()) {
      relaxed = false;
    } else {
      const bytes = probe("madd");
      relaxed = validates(bytes);
      if (!relaxed) {
        try {
          v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
        } catch {
          // An engine without the flag keeps the mul + add kernels.
        }
        relaxed = validates(bytes);
      }
    }
  }
  return relaxed;
}
