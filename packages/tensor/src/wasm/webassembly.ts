/**
 * Typed access to the global `WebAssembly` object. The compiler settings of this repository carry
 * no DOM library (where TypeScript declares `WebAssembly`), so this file declares the few members
 * the Wasm kernels use and hands out the global under those types.
 */

/** A compiled module (`WebAssembly.Module`). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** A linear memory (`WebAssembly.Memory`); `buffer` is a `SharedArrayBuffer` when shared. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}

/** An instantiated module (`WebAssembly.Instance`). */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

/** The members of the global `WebAssembly` namespace used here. */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The global `WebAssembly` object, or `undefined` where the runtime has none. */
export const webAssembly: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi })
  .WebAssembly;
