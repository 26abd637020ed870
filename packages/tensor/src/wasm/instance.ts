/**
 * The GEMM module this process uses: generated once per variant (relaxed SIMD or mul + add),
 * compiled, and instantiated on the main thread over the shared memory. Worker threads receive the
 * same compiled module and instantiate it themselves.
 */
import { relaxedSimdSupported, simdSupported } from "./features.js";
import {
  DEFAULT_GEMM_OPTIONS,
  gemmModuleBytes,
  type AddIntoExport,
  type GemmExport,
  type GemmOptions,
  type PackBExport,
} from "./gemm.js";
import { instantiateShared, MAXIMUM_PAGES, memoryAvailable } from "./memory.js";
import { webAssembly, type WasmModule } from "./webassembly.js";
import { show } from "../describe.js";

/** A compiled GEMM module with its main-thread exports. */
export interface GemmKernel {
  readonly options: GemmOptions;
  readonly module: WasmModule;
  readonly gemm: GemmExport;
  readonly packB: PackBExport;
  readonly addInto: AddIntoExport;
}

/** Which multiply-add the kernel uses: `"auto"` takes relaxed SIMD where the engine has it. */
export type RelaxedSimdMode = "auto" | "on" | "off";

let mode: RelaxedSimdMode = "auto";
const kernels = new Map<boolean, GemmKernel>();

/**
 * Chooses between the relaxed-SIMD (`f32x4.relaxed_madd`) and the mul + add kernels for later
 * products (for tests and comparisons; `"auto"` is the default).
 *
 * @throws RangeError for another mode, or `"on"` where relaxed SIMD is unavailable.
 */
export function setRelaxedSimd(next: RelaxedSimdMode): void {
  if (next !== "auto" && next !== "on" && next !== "off") {
    throw new RangeError(`setRelaxedSimd: mode must be "auto", "on" or "off", got ${show(next)}`);
  }
  if (next === "on" && !relaxedSimdSupported()) {
    throw new RangeError("setRelaxedSimd: this runtime's WebAssembly has no relaxed SIMD");
  }
  mode = next;
}

let available: boolean | undefined;

/** Whether the Wasm GEMM can run here at all (WebAssembly SIMD and a shared memory). */
export function gemmAvailable(): boolean {
  available ??= simdSupported() && memoryAvailable();
  return available;
}

/** The kernel for the current mode, compiled and instantiated on first use. */
export function gemmKernel(): GemmKernel {
  const relaxed = mode === "on" || (mode === "auto" && relaxedSimdSupported());
  let kernel = kernels.get(relaxed);
  if (kernel === undefined) {
    if (webAssembly === undefined || !simdSupported()) {
      throw new Error("wasm kernels: this runtime's WebAssembly has no SIMD or shared memory");
    }
    const options: GemmOptions = { ...DEFAULT_GEMM_OPTIONS, relaxed };
    const module = new webAssembly.Module(gemmModuleBytes(options, MAXIMUM_PAGES));
    const exports = instantiateShared(module);
    kernel = {
      options,
      module,
      gemm: exports.gemm as GemmExport,
      packB: exports.packB as PackBExport,
      addInto: exports.addInto as AddIntoExport,
    };
    kernels.set(relaxed, kernel);
  }
  return kernel;
}
