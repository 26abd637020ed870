/**
 * Generates the WebAssembly GEMM module: `C = op(A) · op(B)` in f32 over a batch, where `op`
 * optionally transposes an operand. The product is blocked GotoBLAS-style: for each NC-wide panel
 * of columns and KC-long chunk of k, a panel of op(B) is packed into NR-column strips; for each
 * MC-tall block of rows a block of op(A) is packed into MR-row strips; a register-blocked SIMD
 * micro-kernel then computes every MR × NR tile of C from one A strip and one B strip. Packing
 * reads either layout directly (transposed operands are never copied first), so `Aᵀ·B` and
 * `A·Bᵀ` cost the same as `A·B`. When a panel would be used by few tiles (a thin product), Aᵀ
 * and B, whose rows already run along the tile, are read in place instead of packed. Tiles cut
 * by the edge of C (any m, n) run a kernel with exactly their rows and whole vectors of columns,
 * through a scratch tile when the column count is not a multiple of 4.
 *
 * Every element of C is computed the same way wherever its tile lies: zero, then `acc += a·b`
 * over one chunk of k in order, then `C = acc` (first chunk) or `C = C + acc` (later chunks).
 * Splitting C's rows or columns between calls therefore gives bit-identical results.
 *
 * The module imports its memory as `env.memory` (shared, so worker threads run the same code over
 * the same memory) and exports:
 * - `gemm(batch, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC, flags, work)`:
 *   pointers, leading dimensions and batch strides in bytes; `flags` holds {@link TRANS_A} (A
 *   stored k × m), {@link TRANS_B} (B stored n × k), {@link PACK_A} and {@link PACK_B} (pack an
 *   operand the kernels could read in place: worth it when its panel is reused by many tiles);
 *   `work` is this caller's scratch space of {@link gemmWorkspaceBytes} bytes. Does nothing when
 *   any of batch, m, n, k is 0. With an operand read in place, a tile cut by the edge of C may
 *   read up to 12 bytes past the operand's last row (values it then discards).
 * - `packB(batch, b, ldb, strideB, k, n, flags, dst, j0, j1)`: packs columns j0 … j1-1 of op(B)
 *   whole (every chunk of k) for `gemm` calls with {@link PREPACKED_B}, so that threads working
 *   on different rows of C share one packed B.
 * - `addInto(dst, src, count)`: `dst[i] = dst[i] + src[i]` for `count` f32 values.
 */
import { FunctionBuilder, Local, ModuleBuilder, ValType, type Operand } from "./encoder.js";
import { edgeKernel, microKernel } from "./gemm-kernels.js";
import { packContiguous, packGather } from "./gemm-pack.js";
import { sharedModule } from "./memory.js";

const { i32 } = ValType;

/** Block sizes and instruction choices of a generated GEMM module. */
export interface GemmOptions {
  /** Use `f32x4.relaxed_madd` (fused where the CPU has FMA) instead of `f32x4.mul` + `f32x4.add`. */
  relaxed: boolean;
  /** Rows of a micro-tile (1 to 8). */
  mr: number;
  /** Columns of a micro-tile (4 or 8, or 12 and 16: a multiple of 4). */
  nr: number;
  /** Longest chunk of k packed at once. */
  kc: number;
  /** Rows of A packed at once (a multiple of `mr`). */
  mc: number;
  /** Columns of B packed at once (a multiple of `nr`). */
  nc: number;
  /** Steps of k per micro-kernel loop iteration. */
  unroll: number;
}

/**
 * The block sizes used unless told otherwise, chosen by measurement on an AMD EPYC (Zen 3, V8
 * 11.3): 4 × 8 tiles (eight accumulators) reach two fused multiply-adds per cycle; 5 × 8 and
 * 6 × 8 are no faster and 6 × 8 spills without relaxed SIMD; 4 × 12 and 3 × 16 spill (half the
 * speed). Unrolling the k loop makes V8 hoist the loads and spill, so the loop is not unrolled.
 * KC 256 keeps a B strip (8 KiB) in L1 and an A block (MC 128: 128 KiB) in L2.
 */
export const DEFAULT_GEMM_OPTIONS: Readonly<Omit<GemmOptions, "relaxed">> = {
  mr: 4,
  nr: 8,
  kc: 256,
  mc: 128,
  nc: 2048,
  unroll: 1,
};

/** Bit of `gemm`'s `flags` argument: A is stored transposed (k × m). */
export const TRANS_A = 1;
/** Bit of `gemm`'s `flags` argument: B is stored transposed (n × k). */
export const TRANS_B = 2;
/** Bit of `gemm`'s `flags` argument: pack Aᵀ too (A as stored is always packed). */
export const PACK_A = 4;
/** Bit of `gemm`'s `flags` argument: pack B too (Bᵀ as stored is always packed). */
export const PACK_B = 8;
/** Bit of `gemm`'s `flags` argument: `b` points at B already packed whole by `packB`. */
export const PREPACKED_B = 16;

/** The exported `gemm` function's signature, as seen from JavaScript. */
export type GemmExport = (
  batch: number,
  m: number,
  n: number,
  k: number,
  a: number,
  lda: number,
  strideA: number,
  b: number,
  ldb: number,
  strideB: number,
  c: number,
  ldc: number,
  strideC: number,
  flags: number,
  work: number,
) => void;

/** The exported `packB` function's signature. */
export type PackBExport = (
  batch: number,
  b: number,
  ldb: number,
  strideB: number,
  k: number,
  n: number,
  flags: number,
  dst: number,
  j0: number,
  j1: number,
) => void;

/** Bytes of B packed whole by `packB`, per batch entry. */
export function packedBBytes(o: Pick<GemmOptions, "nr">, n: number, k: number): number {
  return roundUp(n, o.nr) * k * 4;
}

/** The exported `addInto` function's signature. */
export type AddIntoExport = (dst: number, src: number, count: number) => void;

/** Alignment of the workspace's parts, in bytes. */
const WORK_ALIGN = 64;

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/** Byte offsets of the scratch tile, packed A block and packed B panel inside a workspace. */
function workspaceLayout(o: Omit<GemmOptions, "relaxed">): { packA: number; packB: number } {
  const packA = roundUp(o.mr * o.nr * 4, WORK_ALIGN);
  return { packA, packB: packA + roundUp(o.mc * o.kc * 4, WORK_ALIGN) };
}

/** Bytes of workspace one `gemm` call needs for products with `n` columns. */
export function gemmWorkspaceBytes(o: Omit<GemmOptions, "relaxed">, n: number): number {
  return workspaceLayout(o).packB + roundUp(Math.min(n, o.nc), o.nr) * o.kc * 4;
}

/** Checks that block sizes fit the generator's assumptions. */
export function checkGemmOptions(o: GemmOptions): void {
  const ok =
    Number.isInteger(o.mr) &&
    o.mr >= 1 &&
    o.mr <= 8 &&
    Number.isInteger(o.nr) &&
    o.nr >= 4 &&
    o.nr <= 16 &&
    o.nr % 4 === 0 &&
    Number.isInteger(o.kc) &&
    o.kc >= 1 &&
    Number.isInteger(o.mc) &&
    o.mc >= o.mr &&
    o.mc % o.mr === 0 &&
    Number.isInteger(o.nc) &&
    o.nc >= o.nr &&
    o.nc % o.nr === 0 &&
    Number.isInteger(o.unroll) &&
    o.unroll >= 1 &&
    o.unroll <= 8;
  if (!ok) throw new RangeError(`gemm: unsupported block sizes ${JSON.stringify(o)}`);
}

/** The generated module's bytes for the given options. */
export function gemmModuleBytes(options: GemmOptions, maximumPages: number): Uint8Array {
  checkGemmOptions(options);
  const mod = sharedModule(maximumPages);
  // kernels[r - 1][v - 1] computes r rows × 4v columns; the last one is the full MR × NR tile.
  const kernels = Array.from({ length: options.mr }, (_, r) =>
    Array.from({ length: options.nr / 4 }, (_, v) => microKernel(mod, options, r + 1, v + 1)),
  );
  const kernel = kernels[options.mr - 1][options.nr / 4 - 1];
  const edge = edgeKernel(mod, options, kernels);
  const packs = {
    aGather: packGather(mod, options.mr),
    aContiguous: packContiguous(mod, options.mr),
    bGather: packGather(mod, options.nr),
    bContiguous: packContiguous(mod, options.nr),
  };
  driver(mod, options, kernel, edge, packs);
  prepackB(mod, options, packs);
  addInto(mod);
  return mod.encode();
}

interface Packs {
  aGather: FunctionBuilder;
  aContiguous: FunctionBuilder;
  bGather: FunctionBuilder;
  bContiguous: FunctionBuilder;
}

/** Emits `kcb = ceil(k / ceil(k / KC))`: the length of k's chunks (equal, none over KC). */
function chunkLength(f: FunctionBuilder, o: GemmOptions, k: Local, kcb: Local): void {
  f.localSet(kcb, () => f.i32DivU(() => f.i32Add(k, o.kc - 1), o.kc));
  f.localSet(kcb, () => f.i32DivU(() => f.i32Add(k, () => f.i32Sub(kcb, 1)), kcb));
}

/** Emits `x = ceil(n / NR) · NR · 4`: the bytes of one k-row of a whole packed B. */
function paddedRowBytes(f: FunctionBuilder, o: GemmOptions, n: Local, x: Local): void {
  f.localSet(x, () => f.i32Mul(() => f.i32DivU(() => f.i32Add(n, o.nr - 1), o.nr), o.nr * 4));
}

/**
 * The exported `packB(batch, b, ldb, strideB, k, n, flags, dst, j0, j1)`: packs columns j0 … j1-1
 * (j0 a multiple of NR) of every chunk of k of op(B) into the whole-B packed layout at `dst`: per
 * batch entry `k · nPad` floats (nPad = n rounded up to NR), the chunk starting at row pc at
 * `pc · nPad` floats, in it the strip of columns j … j+NR-1 at `j · kc` floats. Threads pack
 * disjoint column ranges, then run `gemm` with {@link PREPACKED_B} on row ranges.
 */
function prepackB(mod: ModuleBuilder, o: GemmOptions, packs: Packs): void {
  const f = mod.addFunction(Array<ValType>(10).fill(i32), [], "packB");
  const [batch, b, ldb, strideB, k, n, flags, dst, j0, j1] = Array.from({ length: 10 }, (_, i) =>
    f.param(i),
  );
  const [bi, pc, kc, kcb, rowBytes, panel] = Array.from({ length: 6 }, () => f.local(i32));
  chunkLength(f, o, k, kcb);
  paddedRowBytes(f, o, n, rowBytes);
  f.forRange(bi, 0, batch, 1, () => {
    f.forRange(pc, 0, k, kcb, () => {
      f.localSet(kc, () => f.i32MinS(() => f.i32Sub(k, pc), kcb));
      f.localSet(panel, () =>
        f.i32Add(dst, () =>
          f.i32Add(
            () => f.i32Mul(pc, rowBytes),
            () => f.i32Mul(j0, () => f.i32Mul(kc, 4)),
          ),
        ),
      );
      f.if(
        () => f.i32And(flags, TRANS_B),
        () =>
          f.call(
            packs.bGather,
            () =>
              f.i32Add(b, () =>
                f.i32Add(
                  () => f.i32Mul(j0, ldb),
                  () => f.i32Mul(pc, 4),
                ),
              ),
            ldb,
            () => f.i32Sub(j1, j0),
            kc,
            panel,
          ),
        () =>
          f.call(
            packs.bContiguous,
            () =>
              f.i32Add(b, () =>
                f.i32Add(
                  () => f.i32Mul(pc, ldb),
                  () => f.i32Mul(j0, 4),
                ),
              ),
            ldb,
            () => f.i32Sub(j1, j0),
            kc,
            panel,
          ),
      );
    });
    f.localSet(b, () => f.i32Add(b, strideB));
    f.localSet(dst, () => f.i32Add(dst, () => f.i32Mul(k, rowBytes)));
  });
  f.end();
}

/**
 * The exported `gemm` function: the batch, panel, chunk and block loops around the kernels. A is
 * packed when not transposed or when `flags` has {@link PACK_A}; otherwise the kernels read Aᵀ's
 * rows in place. B is packed when transposed or asked for by {@link PACK_B}, unless `b` is
 * already packed whole ({@link PREPACKED_B}: see `packB`; `strideB` then steps over the packed
 * batch entries).
 */
function driver(
  mod: ModuleBuilder,
  o: GemmOptions,
  kernel: FunctionBuilder,
  edge: FunctionBuilder,
  packs: Packs,
): void {
  const f = mod.addFunction(Array<ValType>(15).fill(i32), [], "gemm");
  const [batch, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC, flags, work] =
    Array.from({ length: 15 }, (_, i) => f.param(i));
  const names = ["bi", "jc", "nc", "pc", "kc", "kcb", "ic", "mc", "jr", "ir", "cols", "rows"];
  const [bi, jc, nc, pc, kc, kcb, ic, mc, jr, ir, cols, rows] = names.map(() => f.local(i32));
  const [packA, packB, aStep, bStep, aBlock, bPanel, bp, cBlock, accumulate, rowBytes] = Array.from(
    { length: 10 },
    () => f.local(i32),
  );
  const [packAFlag, packedB, packBNow, prepacked] = Array.from({ length: 4 }, () => f.local(i32));
  const layout = workspaceLayout(o);

  f.if(
    () =>
      f.i32Or(
        () =>
          f.i32Or(
            () => f.i32Eqz(batch),
            () => f.i32Eqz(m),
          ),
        () =>
          f.i32Or(
            () => f.i32Eqz(n),
            () => f.i32Eqz(k),
          ),
      ),
    () => f.return(),
  );
  f.localSet(packA, () => f.i32Add(work, layout.packA));
  f.localSet(packB, () => f.i32Add(work, layout.packB));
  // A as stored (not transposed) and Bᵀ as stored must be packed; the others may be read in place.
  f.localSet(packAFlag, () =>
    f.i32Or(
      () => f.i32And(flags, PACK_A),
      () => f.i32Eqz(() => f.i32And(flags, TRANS_A)),
    ),
  );
  f.localSet(prepacked, () => f.i32And(flags, PREPACKED_B));
  // (Flags are tested as 0 / non-zero; `i32.ne 0` and `i32.eqz` turn them into 0 / 1 to combine.)
  f.localSet(packBNow, () =>
    f.i32And(
      () => f.i32Ne(() => f.i32And(flags, PACK_B | TRANS_B), 0),
      () => f.i32Eqz(prepacked),
    ),
  );
  f.localSet(packedB, () => f.i32Or(packBNow, prepacked));
  f.localSet(aStep, () => f.select(o.mr * 4, lda, packAFlag));
  f.localSet(bStep, () => f.select(o.nr * 4, ldb, packedB));
  chunkLength(f, o, k, kcb);
  paddedRowBytes(f, o, n, rowBytes);

  const plus = (x: Operand, y: Operand, z: Operand) => () => f.i32Add(x, () => f.i32Add(y, z));
  const times = (x: Operand, y: Operand) => () => f.i32Mul(x, y);

  f.forRange(bi, 0, batch, 1, () => {
    f.forRange(jc, 0, n, o.nc, () => {
      f.localSet(nc, () => f.i32MinS(() => f.i32Sub(n, jc), o.nc));
      f.forRange(pc, 0, k, kcb, () => {
        f.localSet(kc, () => f.i32MinS(() => f.i32Sub(k, pc), kcb));
        f.localSet(accumulate, () => f.i32GtS(pc, 0));
        // The panel of op(B): rows pc … pc+kc-1, columns jc … jc+nc-1.
        f.if(packBNow, () =>
          f.if(
            () => f.i32And(flags, TRANS_B),
            () => f.call(packs.bGather, plus(b, times(jc, ldb), times(pc, 4)), ldb, nc, kc, packB),
            () =>
              f.call(packs.bContiguous, plus(b, times(pc, ldb), times(jc, 4)), ldb, nc, kc, packB),
          ),
        );
        f.localSet(bPanel, () =>
          f.select(
            () =>
              f.select(
                plus(b, times(pc, rowBytes), () => f.i32Mul(jc, () => f.i32Mul(kc, 4))),
                packB,
                prepacked,
              ),
            plus(b, times(pc, ldb), times(jc, 4)),
            packedB,
          ),
        );
        f.forRange(ic, 0, m, o.mc, () => {
          f.localSet(mc, () => f.i32MinS(() => f.i32Sub(m, ic), o.mc));
          // The block of op(A): rows ic … ic+mc-1, columns pc … pc+kc-1.
          f.if(
            () => f.i32And(flags, TRANS_A),
            () =>
              f.if(packAFlag, () =>
                f.call(
                  packs.aContiguous,
                  plus(a, times(pc, lda), times(ic, 4)),
                  lda,
                  mc,
                  kc,
                  packA,
                ),
              ),
            () => f.call(packs.aGather, plus(a, times(ic, lda), times(pc, 4)), lda, mc, kc, packA),
          );
          f.localSet(aBlock, () =>
            f.select(packA, plus(a, times(pc, lda), times(ic, 4)), packAFlag),
          );
          f.localSet(cBlock, plus(c, times(ic, ldc), times(jc, 4)));
          f.forRange(jr, 0, nc, o.nr, () => {
            f.localSet(cols, () => f.i32Sub(nc, jr));
            // A packed strip starts jr · kc floats in; an unpacked one jr floats along the row.
            f.localSet(bp, () =>
              f.i32Add(bPanel, () =>
                f.i32Mul(jr, () => f.select(() => f.i32Mul(kc, 4), 4, packedB)),
              ),
            );
            f.forRange(ir, 0, mc, o.mr, () => {
              f.localSet(rows, () => f.i32Sub(mc, ir));
              const ap = () =>
                f.i32Add(aBlock, () =>
                  f.i32Mul(ir, () => f.select(() => f.i32Mul(kc, 4), 4, packAFlag)),
                );
              const cp = plus(cBlock, times(ir, ldc), times(jr, 4));
              f.if(
                () =>
                  f.i32And(
                    () => f.i32GeS(rows, o.mr),
                    () => f.i32GeS(cols, o.nr),
                  ),
                () => f.call(kernel, ap, aStep, bp, bStep, cp, ldc, kc, accumulate),
                () =>
                  f.call(
                    edge,
                    ap,
                    aStep,
                    bp,
                    bStep,
                    cp,
                    ldc,
                    kc,
                    accumulate,
                    () => f.i32MinS(rows, o.mr),
                    () => f.i32MinS(cols, o.nr),
                    work,
                  ),
              );
            });
          });
        });
      });
    });
    f.localSet(a, () => f.i32Add(a, strideA));
    f.localSet(b, () => f.i32Add(b, strideB));
    f.localSet(c, () => f.i32Add(c, strideC));
  });
  f.end();
}

/** The exported `addInto(dst, src, count)`: four lanes at a time, then one by one. */
function addInto(mod: ModuleBuilder): void {
  const f = mod.addFunction([i32, i32, i32], [], "addInto");
  const [dst, src, count] = [0, 1, 2].map((i) => f.param(i));
  const i = f.local(i32);
  const vectorEnd = f.local(i32);
  f.localSet(vectorEnd, () => f.i32And(count, -4));
  f.forRange(i, 0, vectorEnd, 4, () => {
    f.v128Store(dst, () =>
      f.f32x4Add(
        () => f.v128Load(dst),
        () => f.v128Load(src),
      ),
    );
    f.localSet(dst, () => f.i32Add(dst, 16));
    f.localSet(src, () => f.i32Add(src, 16));
  });
  f.forRange(i, vectorEnd, count, 1, () => {
    f.f32Store(dst, () =>
      f.f32Add(
        () => f.f32Load(dst),
        () => f.f32Load(src),
      ),
    );
    f.localSet(dst, () => f.i32Add(dst, 4));
    f.localSet(src, () => f.i32Add(src, 4));
  });
  f.end();
}
