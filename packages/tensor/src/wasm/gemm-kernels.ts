/**
 * The GEMM module's micro-kernels: a register-blocked SIMD kernel for each tile shape up to
 * MR × NR (the full tile and the smaller ones that edges of C need), and the edge kernel that
 * picks among them. Every kernel computes each element alike (see gemm.ts), so results do not
 * depend on which kernel a tile gets.
 */
import { FunctionBuilder, Local, ModuleBuilder, ValType, type Operand } from "./encoder.js";
import type { GemmOptions } from "./gemm.js";

const { i32, v128 } = ValType;

/**
 * `kernel(ap, aStep, bp, bStep, cp, ldc, kc, accumulate)` for a `rows` × 4·`vectors` tile: the
 * tile at `cp` (row stride `ldc` bytes) becomes (or, when `accumulate`, has added to it) the sum
 * over `kc` steps of k of the outer product of `rows` values of A (at `ap + r·4`) and 4·`vectors`
 * values of B (at `bp`), both pointers advancing by their step (in bytes) each step of k: a packed
 * strip or, unpacked, a row of Aᵀ or of B as stored. The tile lives in `rows` · `vectors` v128
 * locals; each step loads `vectors` vectors of B and splats `rows` values of A.
 */
export function microKernel(
  mod: ModuleBuilder,
  o: GemmOptions,
  rows: number,
  vectors: number,
): FunctionBuilder {
  const f = mod.addFunction([i32, i32, i32, i32, i32, i32, i32, i32], []);
  const [ap, aStep, bp, bStep, cp, ldc, kc, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
    f.param(i),
  );
  const acc: Local[][] = [];
  for (let r = 0; r < rows; r++) acc.push(Array.from({ length: vectors }, () => f.local(v128)));
  const bv = Array.from({ length: vectors }, () => f.local(v128));
  const av = f.local(v128);
  const p = f.local(i32);
  const row = f.local(i32);

  // One step of k: multiply-add the outer product into the sums, then advance both pointers.
  const step = () => {
    for (let v = 0; v < vectors; v++) f.localSet(bv[v], () => f.v128Load(bp, v * 16));
    for (let r = 0; r < rows; r++) {
      f.localSet(av, () => f.v128Load32Splat(ap, r * 4));
      for (let v = 0; v < vectors; v++) {
        const sum = acc[r][v];
        if (o.relaxed) f.localSet(sum, () => f.f32x4RelaxedMadd(av, bv[v], sum));
        else f.localSet(sum, () => f.f32x4Add(sum, () => f.f32x4Mul(av, bv[v])));
      }
    }
    f.localSet(ap, () => f.i32Add(ap, aStep));
    f.localSet(bp, () => f.i32Add(bp, bStep));
  };

  // v128 locals start at zero, so the sums need no initialisation.
  f.localSet(p, kc);
  if (o.unroll > 1) {
    f.if(
      () => f.i32GeS(p, o.unroll),
      () =>
        f.loop((repeat) => {
          for (let u = 0; u < o.unroll; u++) step();
          f.localSet(p, () => f.i32Sub(p, o.unroll));
          f.brIf(repeat, () => f.i32GeS(p, o.unroll));
        }),
    );
  }
  f.if(
    () => f.i32GtS(p, 0),
    () =>
      f.loop((repeat) => {
        step();
        f.localSet(p, () => f.i32Sub(p, 1));
        f.brIf(repeat, () => f.i32GtS(p, 0));
      }),
  );

  const store = (add: boolean) => {
    f.localSet(row, cp);
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < vectors; v++) {
        const sum = acc[r][v];
        const value: Operand = add ? () => f.f32x4Add(() => f.v128Load(row, v * 16), sum) : sum;
        f.v128Store(row, value, v * 16);
      }
      if (r + 1 < rows) f.localSet(row, () => f.i32Add(row, ldc));
    }
  };
  f.if(
    accumulate,
    () => store(true),
    () => store(false),
  );
  f.end();
  return f;
}

/**
 * `edge(ap, aStep, bp, bStep, cp, ldc, kc, accumulate, rows, cols, tile)`: a tile cut to `rows` ×
 * `cols` by the edge of C. It runs the kernel for exactly `rows` rows and ⌈cols / 4⌉ vectors; when
 * `cols` is not a multiple of 4 that kernel writes the scratch tile at `tile`, whose valid part is
 * then copied (or added) into C.
 */
export function edgeKernel(
  mod: ModuleBuilder,
  o: GemmOptions,
  kernels: readonly (readonly FunctionBuilder[])[],
): FunctionBuilder {
  const f = mod.addFunction(Array<ValType>(11).fill(i32), []);
  const [ap, aStep, bp, bStep, cp, ldc, kc, accumulate, rows, cols, tile] = Array.from(
    { length: 11 },
    (_, i) => f.param(i),
  );
  const vectors = f.local(i32);
  const i = f.local(i32);
  const j = f.local(i32);
  const src = f.local(i32);
  const dst = f.local(i32);
  f.localSet(vectors, () => f.i32ShrU(() => f.i32Add(cols, 3), 2));

  /** Calls the kernel for (rows, vectors), found by comparing against each size in turn. */
  const dispatch = (out: Operand, ldOut: Operand, add: Operand) => {
    const byRows = (r: number) => {
      const byVectors = (v: number) => {
        const call = () => f.call(kernels[r - 1][v - 1], ap, aStep, bp, bStep, out, ldOut, kc, add);
        if (v === kernels[r - 1].length) call();
        else
          f.if(
            () => f.i32Eq(vectors, v),
            call,
            () => byVectors(v + 1),
          );
      };
      if (r === kernels.length) byVectors(1);
      else
        f.if(
          () => f.i32Eq(rows, r),
          () => byVectors(1),
          () => byRows(r + 1),
        );
    };
    byRows(1);
  };

  f.if(
    () => f.i32And(cols, 3),
    () => {
      dispatch(tile, o.nr * 4, 0);
      f.forRange(i, 0, rows, 1, () => {
        f.localSet(src, () => f.i32Add(tile, () => f.i32Mul(i, o.nr * 4)));
        f.localSet(dst, () => f.i32Add(cp, () => f.i32Mul(i, ldc)));
        f.forRange(j, 0, cols, 1, () => {
          f.if(
            accumulate,
            () =>
              f.f32Store(dst, () =>
                f.f32Add(
                  () => f.f32Load(dst),
                  () => f.f32Load(src),
                ),
              ),
            () => f.f32Store(dst, () => f.f32Load(src)),
          );
          f.localSet(src, () => f.i32Add(src, 4));
          f.localSet(dst, () => f.i32Add(dst, 4));
        });
      });
    },
    () => dispatch(cp, ldc, accumulate),
  );
  f.end();
  return f;
}
