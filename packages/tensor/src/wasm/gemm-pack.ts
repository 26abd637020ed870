/**
 * The GEMM module's packing functions. Both fill `dst` with strips of `width` rows (for A;
 * columns for B) of an operand block, `kc` steps of k long: strip s holds, for each step p, the
 * `width` values of rows s·width … s·width+width-1 at step p. Rows past `len` in the last strip
 * are zero. Which one applies depends on the operand's layout, not on which operand it is.
 */
import { FunctionBuilder, ModuleBuilder, ValType } from "./encoder.js";

const { i32, v128 } = ValType;

/** Lane pattern of `i8x16.shuffle` picking f32 lanes (0–3 from the first vector, 4–7 the second). */
function f32Lanes(lanes: readonly number[]): number[] {
  return lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
}
const UNPACK_LOW = f32Lanes([0, 4, 1, 5]);
const UNPACK_HIGH = f32Lanes([2, 6, 3, 7]);
const MOVE_LOW = f32Lanes([0, 1, 4, 5]);
const MOVE_HIGH = f32Lanes([2, 3, 6, 7]);

/**
 * `pack(src, ld, len, kc, dst)` for an operand whose rows run along k: element (i, p) at
 * `src + i·ld + 4p` (A as stored, or Bᵀ as stored). Full strips move four steps of k at a time:
 * four vector loads per group of four rows, a 4 × 4 transpose by shuffles, four stores.
 */
export function packGather(mod: ModuleBuilder, width: number): FunctionBuilder {
  const f = mod.addFunction([i32, i32, i32, i32, i32], []);
  const [src, ld, len, kc, dst] = [0, 1, 2, 3, 4].map((i) => f.param(i));
  const i0 = f.local(i32);
  const rows = f.local(i32);
  const p = f.local(i32);
  const rowPtr = Array.from({ length: width }, () => f.local(i32));
  const v = Array.from({ length: 4 }, () => f.local(v128));
  const t = Array.from({ length: 4 }, () => f.local(v128));
  const groups = Math.floor(width / 4);
  const strideStep = width * 4;

  f.forRange(i0, 0, len, width, () => {
    f.localSet(rows, () => f.i32Sub(len, i0));
    f.localSet(rowPtr[0], () => f.i32Add(src, () => f.i32Mul(i0, ld)));
    for (let r = 1; r < width; r++) f.localSet(rowPtr[r], () => f.i32Add(rowPtr[r - 1], ld));
    f.if(
      () => f.i32GeS(rows, width),
      () => {
        f.localSet(p, 0);
        if (groups > 0) {
          f.if(
            () => f.i32LeS(4, kc),
            () =>
              f.loop((repeat) => {
                for (let g = 0; g < groups; g++) {
                  for (let q = 0; q < 4; q++) f.localSet(v[q], () => f.v128Load(rowPtr[4 * g + q]));
                  f.localSet(t[0], () => f.i8x16Shuffle(UNPACK_LOW, v[0], v[1]));
                  f.localSet(t[1], () => f.i8x16Shuffle(UNPACK_HIGH, v[0], v[1]));
                  f.localSet(t[2], () => f.i8x16Shuffle(UNPACK_LOW, v[2], v[3]));
                  f.localSet(t[3], () => f.i8x16Shuffle(UNPACK_HIGH, v[2], v[3]));
                  const column = [
                    [t[0], t[2], MOVE_LOW],
                    [t[0], t[2], MOVE_HIGH],
                    [t[1], t[3], MOVE_LOW],
                    [t[1], t[3], MOVE_HIGH],
                  ] as const;
                  for (let q = 0; q < 4; q++) {
                    const [x, y, lanes] = column[q];
                    f.v128Store(dst, () => f.i8x16Shuffle(lanes, x, y), (q * width + 4 * g) * 4);
                  }
                }
                // Rows past the last group of four (width not a multiple of 4) go one by one.
                for (let r = 4 * groups; r < width; r++) {
                  for (let q = 0; q < 4; q++) {
                    f.f32Store(dst, () => f.f32Load(rowPtr[r], 4 * q), (q * width + r) * 4);
                  }
                }
                for (let r = 0; r < width; r++)
                  f.localSet(rowPtr[r], () => f.i32Add(rowPtr[r], 16));
                f.localSet(dst, () => f.i32Add(dst, 4 * strideStep));
                f.localSet(p, () => f.i32Add(p, 4));
                f.brIf(repeat, () => f.i32LeS(() => f.i32Add(p, 4), kc));
              }),
          );
        }
        f.if(
          () => f.i32LtS(p, kc),
          () =>
            f.loop((repeat) => {
              for (let r = 0; r < width; r++) {
                f.f32Store(dst, () => f.f32Load(rowPtr[r]), r * 4);
                f.localSet(rowPtr[r], () => f.i32Add(rowPtr[r], 4));
              }
              f.localSet(dst, () => f.i32Add(dst, strideStep));
              f.localSet(p, () => f.i32Add(p, 1));
              f.brIf(repeat, () => f.i32LtS(p, kc));
            }),
        );
      },
      () =>
        // The last, partial strip: valid rows one value at a time, the rest zero.
        f.forRange(p, 0, kc, 1, () => {
          for (let r = 0; r < width; r++) {
            f.if(
              () => f.i32LtS(r, rows),
              () => {
                f.f32Store(dst, () => f.f32Load(rowPtr[r]), r * 4);
                f.localSet(rowPtr[r], () => f.i32Add(rowPtr[r], 4));
              },
              () => f.f32Store(dst, () => f.f32Const(0), r * 4),
            );
          }
          f.localSet(dst, () => f.i32Add(dst, strideStep));
        }),
    );
  });
  f.end();
  return f;
}

/**
 * `pack(src, ld, len, kc, dst)` for an operand whose rows run along the strip: element (i, p) at
 * `src + p·ld + 4i` (B as stored, or Aᵀ as stored). Each step of k copies `width` contiguous
 * values, four at a time.
 */
export function packContiguous(mod: ModuleBuilder, width: number): FunctionBuilder {
  const f = mod.addFunction([i32, i32, i32, i32, i32], []);
  const [src, ld, len, kc, dst] = [0, 1, 2, 3, 4].map((i) => f.param(i));
  const i0 = f.local(i32);
  const rows = f.local(i32);
  const p = f.local(i32);
  const s = f.local(i32);
  const strideStep = width * 4;

  f.forRange(i0, 0, len, width, () => {
    f.localSet(rows, () => f.i32Sub(len, i0));
    f.localSet(s, () => f.i32Add(src, () => f.i32Mul(i0, 4)));
    f.if(
      () => f.i32GeS(rows, width),
      () =>
        f.forRange(p, 0, kc, 1, () => {
          let r = 0;
          for (; r + 4 <= width; r += 4) f.v128Store(dst, () => f.v128Load(s, r * 4), r * 4);
          for (; r < width; r++) f.f32Store(dst, () => f.f32Load(s, r * 4), r * 4);
          f.localSet(s, () => f.i32Add(s, ld));
          f.localSet(dst, () => f.i32Add(dst, strideStep));
        }),
      () =>
        f.forRange(p, 0, kc, 1, () => {
          for (let r = 0; r < width; r++) {
            f.f32Store(
              dst,
              () =>
                f.select(
                  () => f.f32Load(s, r * 4),
                  () => f.f32Const(0),
                  () => f.i32LtS(r, rows),
                ),
              r * 4,
            );
          }
          f.localSet(s, () => f.i32Add(s, ld));
          f.localSet(dst, () => f.i32Add(dst, strideStep));
        }),
    );
  });
  f.end();
  return f;
}
