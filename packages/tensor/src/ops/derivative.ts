/**
 * The ops derivative rules are written with: every op module in one namespace, handed to each
 * primitive's `vjp` by autodiff (so primitive modules import no ops, and ops and primitives form
 * no import cycle).
 */
export * from "./creation.js";
export * from "./elementwise.js";
export * from "./shape.js";
export * from "./reduce.js";
export * from "./gather.js";
export * from "./linalg.js";
export * from "./conv.js";
export * from "./window.js";
export * from "./complex.js";
export * from "./fft.js";
export * from "./control.js";
