// The peers: TensorFlow.js with its plain-JS "cpu" backend and its WebAssembly "wasm" backend.
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm"; // also registers the "wasm" backend

export { tf };

export type TfBackend = "cpu" | "wasm";
export const TF_BACKENDS: readonly TfBackend[] = ["cpu", "wasm"];

let configured = false;

/** Switches tfjs to `backend` (loading the .wasm binaries from node_modules, offline). */
export async function useTf(backend: TfBackend): Promise<void> {
  if (!configured) {
    configured = true;
    // Production mode skips tfjs's debug checks (and its "install tfjs-node" banner): its fastest setting.
    tf.enableProdMode();
    const require = createRequire(import.meta.url);
    const dist = path.dirname(
      require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"),
    );
    setWasmPaths(dist + path.sep);
  }
  if (!(await tf.setBackend(backend)))
    throw new Error(`tfjs: could not initialize the "${backend}" backend`);
  await tf.ready();
}

/** "tfjs-cpu", or "tfjs-wasm (SIMD, 1 thread)" and the like. */
export function tfLabel(backend: TfBackend): string {
  if (backend === "cpu") return "tfjs-cpu";
  const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT") ? "SIMD" : "no SIMD";
  const threads = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT") ? "threads" : "1 thread";
  return `tfjs-wasm (${simd}, ${threads})`;
}

/** tfjs's version string. */
export const TF_VERSION = tf.version.tfjs;
