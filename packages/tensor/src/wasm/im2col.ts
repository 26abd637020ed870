/**
 * The im2col copies of a convolution (kernels/conv.ts) in WebAssembly: a table of runs (index in
 * the im2col matrix, index in the input element or −1 for zeros, length), the same for every batch
 * element, is applied to `count` batch elements. Runs of four floats or more move four lanes at a
 * time. A pure copy, so the matrix is bit for bit the JavaScript one.
 */
import { ValType } from "./encoder.js";
import { simdSupported } from "./features.js";
import {
  alignUp,
  heapF32,
  instantiateShared,
  isHeapView,
  scratch,
  sharedModule,
} from "./memory.js";
import { webAssembly } from "./webassembly.js";

/**
 * `im2col(runs, nRuns, count, colsStride, x, xStride, cols)`: byte addresses of the run table
 * (i32 triples), of batch element 0's input and matrix, and the byte strides between batch
 * elements of each.
 */
function im2colModule(): Uint8Array {
  const mod = sharedModule();
  const I = ValType.i32;
  const f = mod.addFunction([I, I, I, I, I, I, I], [], "im2col");
  const [runs, nRuns, count, colsStride, x, xStride, cols] = [0, 1, 2, 3, 4, 5, 6].map((k) =>
    f.param(k),
  ) as ReturnType<typeof f.param>[] as [
    ReturnType<typeof f.param>,
    ReturnType<typeof f.param>,
    ReturnType<typeof f.param>,
    ReturnType<typeof f.param>,
    ReturnType<typeof f.param>,
    ReturnType<typeof f.param>,
    ReturnType<typeof f.param>,
  ];
  const [n, r, p, dst, src, bytes, vectorBytes, k] = Array.from({ length: 8 }, () => f.local(I));
  const zero = f.local(ValType.v128);
  f.localSet(zero, () => f.f32x4Const([0, 0, 0, 0]));
  f.forRange(n, 0, count, 1, () => {
    f.forRange(r, 0, nRuns, 1, () => {
      f.localSet(p, () => f.i32Add(runs, () => f.i32Mul(r, 12)));
      f.localSet(dst, () =>
        f.i32Add(
          () => f.i32Add(cols, () => f.i32Mul(n, colsStride)),
          () => f.i32Shl(() => f.i32Load(p), 2),
        ),
      );
      f.localSet(src, () => f.i32Load(p, 4));
      f.localSet(bytes, () => f.i32Shl(() => f.i32Load(p, 8), 2));
      f.localSet(vectorBytes, () => f.i32And(bytes, -16));
      f.if(
        () => f.i32LtS(src, 0),
        () => {
          f.forRange(k, 0, vectorBytes, 16, () => f.v128Store(() => f.i32Add(dst, k), zero));
          f.forRange(k, k, bytes, 4, () =>
            f.f32Store(
              () => f.i32Add(dst, k),
              () => f.f32Const(0),
            ),
          );
        },
        () => {
          f.localSet(src, () =>
            f.i32Add(
              () => f.i32Add(x, () => f.i32Mul(n, xStride)),
              () => f.i32Shl(src, 2),
            ),
          );
          f.forRange(k, 0, vectorBytes, 16, () =>
            f.v128Store(
              () => f.i32Add(dst, k),
              () => f.v128Load(() => f.i32Add(src, k)),
            ),
          );
          f.forRange(k, k, bytes, 4, () =>
            f.f32Store(
              () => f.i32Add(dst, k),
              () => f.f32Load(() => f.i32Add(src, k)),
            ),
          );
        },
      );
    });
  });
  f.end();
  return mod.encode();
}

let im2colExport: ((...args: number[]) => void) | undefined;

/**
 * Applies the `nRuns` runs of `runs` to `count` batch elements: element `i`'s runs read `x` from
 * `xOffset + i · xStride` and write `cols` from `i · colsStride` (element offsets). Returns false
 * (and does nothing) unless `x` and `cols` live in the Wasm memory and SIMD is available; the
 * caller then copies in JavaScript.
 */
export function wasmIm2col(
  cols: Float32Array,
  colsStride: number,
  x: Float32Array,
  xOffset: number,
  xStride: number,
  runs: Int32Array,
  nRuns: number,
  count: number,
): boolean {
  if (webAssembly === undefined || !simdSupported() || !isHeapView(x) || !isHeapView(cols))
    return false;
  if (im2colExport === undefined) {
    im2colExport = instantiateShared(im2colModule()).im2col as (...args: number[]) => void;
  }
  const at = scratch(alignUp(12 * nRuns));
  if (at < 0) return false;
  new Int32Array(heapF32().buffer, at, 3 * nRuns).set(runs.subarray(0, 3 * nRuns));
  im2colExport(
    at,
    nRuns,
    count,
    4 * colsStride,
    x.byteOffset + 4 * xOffset,
    4 * xStride,
    cols.byteOffset,
  );
  return true;
}
