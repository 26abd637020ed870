/**
 * The WebAssembly module of the f32 window kernels (generated with our encoder): max, min and sum
 * over each window, and select-and-scatter / -gather. `window.ts` runs them; the tables they read
 * and the bit-identity rules are described there.
 */
import {
  Local,
  ModuleBuilder,
  ValType,
  unsignedLeb128,
  type FunctionBuilder,
  type Operand,
} from "./encoder.js";
import { sharedModule } from "./memory.js";

const I = ValType.i32;
const F = ValType.f32;
const V = ValType.v128;

/** A SIMD memory instruction with alignment exponent `align` and byte offset `offset`. */
const SIMD_MEM = (f: FunctionBuilder, code: number, align: number, offset = 0) =>
  f.simd(code).emit(align, ...unsignedLeb128(offset));

// Opcodes: the WebAssembly core specification (scalar, bulk memory) and the SIMD proposal's
// BinarySIMD.md (after the 0xfd prefix).
const F32X4_EQ = 0x41;
const F32X4_NE = 0x42;
const F32X4_LT = 0x43;
const F32X4_GT = 0x44;
const V128_AND = 0x4e;
const V128_ANDNOT = 0x4f;
const V128_OR = 0x50;
const V128_BITSELECT = 0x52;
const V128_LOAD64_ZERO = 0x5d;
const F32X4_DEMOTE_F64X2_ZERO = 0x5e;
const F64X2_PROMOTE_LOW_F32X4 = 0x5f;
const I32X4_ALL_TRUE = 0xa3;
const F64X2_ADD = 0xf0;
const SELECT = 0x1b;
const F32_EQ = 0x5b;
const F32_NE = 0x5c;
const F32_LT = 0x5d;
const F32_GT = 0x5e;
const I32_AND = 0x71;
const I32_OR = 0x72;
const F64_ADD = 0xa0;
const F32_DEMOTE_F64 = 0xb6;
const F64_PROMOTE_F32 = 0xbb;
/** `memory.fill` of memory 0 (0xfc 11, then the memory index). */
const MEMORY_FILL = [0xfc, 0x0b, 0x00];

/** The parameters every kernel starts with: the tables' sizes and addresses, and tap scratch. */
interface Frame {
  readonly f: FunctionBuilder;
  readonly rows: Local;
  readonly lastOut: Local;
  readonly block: Local;
  readonly rowStart: Local;
  readonly prefix: Local;
  readonly lastStart: Local;
  readonly lastIndex: Local;
  /** Scratch for one window's taps, as byte offsets from the input. */
  readonly taps: Local;
  /** Byte address of the input. */
  readonly x: Local;
  /** 4 × the block: bytes per window position. */
  readonly blockBytes: Local;
  /** Bytes of the block handled four lanes at a time. */
  readonly vectorBytes: Local;
}

const TABLE_PARAMS = [I, I, I, I, I, I, I, I, I] as const;

/** Declares a kernel `(tables…, x, …extra)` and its frame. */
function kernel(mod: ModuleBuilder, name: string, extra: readonly ValType[]): Frame {
  const f = mod.addFunction([...TABLE_PARAMS, ...extra], [], name);
  const p = (i: number) => f.param(i);
  const frame: Frame = {
    f,
    rows: p(0),
    lastOut: p(1),
    block: p(2),
    rowStart: p(3),
    prefix: p(4),
    lastStart: p(5),
    lastIndex: p(6),
    taps: p(7),
    x: p(8),
    blockBytes: f.local(I),
    vectorBytes: f.local(I),
  };
  f.localSet(frame.blockBytes, () => f.i32Shl(frame.block, 2));
  f.localSet(frame.vectorBytes, () => f.i32Shl(() => f.i32And(frame.block, -4), 2));
  return frame;
}

/**
 * The loop over every window position, in row-major order: writes the position's taps (byte
 * offsets from the input, row-major window order) to `taps`, then runs `body(o, c)` with `o` the
 * byte offset of its first output element and `c` four times its number of taps.
 */
function eachWindow(k: Frame, body: (o: Local, c: Local) => void): void {
  const { f } = k;
  const [row, w, o, c, a, aEnd, b, bStart, bEnd, base] = Array.from({ length: 10 }, () =>
    f.local(I),
  ) as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const entry = (table: Local, index: Local, offset = 0) =>
    f.i32Load(() => f.i32Add(table, () => f.i32Shl(index, 2)), offset);
  f.localSet(o, 0);
  f.forRange(row, 0, k.rows, 1, () => {
    f.localSet(aEnd, () => entry(k.rowStart, row, 4));
    f.forRange(w, 0, k.lastOut, 1, () => {
      f.localSet(bStart, () => entry(k.lastStart, w));
      f.localSet(bEnd, () => entry(k.lastStart, w, 4));
      f.localSet(c, 0);
      f.forRange(
        a,
        () => entry(k.rowStart, row),
        aEnd,
        1,
        () => {
          f.localSet(base, () => entry(k.prefix, a));
          f.forRange(b, bStart, bEnd, 1, () => {
            f.i32Store(
              () => f.i32Add(k.taps, c),
              () => f.i32Shl(() => f.i32Add(base, () => entry(k.lastIndex, b)), 2),
            );
            f.localSet(c, () => f.i32Add(c, 4));
          });
        },
      );
      body(o, c);
      f.localSet(o, () => f.i32Add(o, k.blockBytes));
    });
  });
}

/**
 * `for (j = 0; j < vectorBytes; j += 16) vector(); for (; j < blockBytes; j += 4) scalar();`
 * with `xj` = the input's address plus j.
 */
function lanes(k: Frame, j: Local, xj: Local, vector: () => void, scalar: () => void): void {
  const { f } = k;
  const step = (body: () => void) => () => {
    f.localSet(xj, () => f.i32Add(k.x, j));
    body();
  };
  f.forRange(j, 0, k.vectorBytes, 16, step(vector));
  f.forRange(j, j, k.blockBytes, 4, step(scalar));
}

/** `out(o + j)` = the f32 `value` for the whole block (a window without a valid tap). */
function fillBlock(k: Frame, j: Local, at: () => void, value: Local): void {
  const { f } = k;
  f.forRange(j, 0, k.vectorBytes, 16, () => f.v128Store(at, () => f.f32x4Splat(value)));
  f.forRange(j, j, k.blockBytes, 4, () => f.f32Store(at, value));
}

/** The tap at byte `t` of the taps scratch (a byte offset from the input). */
const tapAt = (k: Frame, t: Local | number) => () => k.f.i32Load(() => k.f.i32Add(k.taps, t));

/**
 * max or min: `out(o + j)` = the window's first extreme tap, a NaN counting as the extreme (the
 * first NaN wins). A later tap replaces the running value only when it compares strictly beyond
 * it or is the first NaN, so ties (−0 and +0 included) keep the first.
 */
function extremeKernel(mod: ModuleBuilder, name: string, beyond: "gt" | "lt"): void {
  const k = kernel(mod, name, [I, F]);
  const { f } = k;
  const [out, init] = [f.param(9), f.param(10)];
  const [j, xj, t, t0] = [f.local(I), f.local(I), f.local(I), f.local(I)];
  const [m, v] = [f.local(V), f.local(V)];
  const [sm, sv] = [f.local(F), f.local(F)];
  const outAt = (o: Local) => () => f.i32Add(out, () => f.i32Add(o, j));
  eachWindow(k, (o, c) => {
    f.if(
      () => f.i32Eqz(c),
      () => fillBlock(k, j, outAt(o), init),
      () => {
        f.localSet(t0, tapAt(k, 0));
        lanes(
          k,
          j,
          xj,
          () => {
            f.localSet(m, () => f.v128Load(() => f.i32Add(xj, t0)));
            f.forRange(t, 4, c, 4, () => {
              f.localSet(v, () => f.v128Load(() => f.i32Add(xj, tapAt(k, t))));
              f.localGet(v).localGet(m);
              f.localGet(v).localGet(m);
              f.simd(beyond === "gt" ? F32X4_GT : F32X4_LT);
              f.localGet(v).localGet(v);
              f.simd(F32X4_NE);
              f.localGet(m).localGet(m);
              f.simd(F32X4_EQ);
              f.simd(V128_AND);
              f.simd(V128_OR);
              f.simd(V128_BITSELECT);
              f.localSet(m);
            });
            f.v128Store(outAt(o), m);
          },
          () => {
            f.localSet(sm, () => f.f32Load(() => f.i32Add(xj, t0)));
            f.forRange(t, 4, c, 4, () => {
              f.localSet(sv, () => f.f32Load(() => f.i32Add(xj, tapAt(k, t))));
              f.localGet(sv).localGet(sm);
              f.localGet(sv)
                .localGet(sm)
                .emit(beyond === "gt" ? F32_GT : F32_LT);
              f.localGet(sv).localGet(sv).emit(F32_NE);
              f.localGet(sm).localGet(sm).emit(F32_EQ);
              f.emit(I32_AND, I32_OR, SELECT);
              f.localSet(sm);
            });
            f.f32Store(outAt(o), sm);
          },
        );
      },
    );
  });
  f.end();
}

/** sum: `out(o + j)` = the taps added in doubles in tap order, rounded once to f32. */
function sumKernel(mod: ModuleBuilder): void {
  const k = kernel(mod, "sum", [I, F]);
  const { f } = k;
  const [out, init] = [f.param(9), f.param(10)];
  const [j, xj, t, t0, at] = [f.local(I), f.local(I), f.local(I), f.local(I), f.local(I)];
  const [lo, hi] = [f.local(V), f.local(V)];
  const acc = f.local(ValType.f64);
  const outAt = (o: Local) => () => f.i32Add(out, () => f.i32Add(o, j));
  /** Two f32 at `at + offset`, widened to an f64x2. */
  const pair = (offset: number) => {
    f.localGet(at);
    SIMD_MEM(f, V128_LOAD64_ZERO, 3, offset);
    f.simd(F64X2_PROMOTE_LOW_F32X4);
  };
  eachWindow(k, (o, c) => {
    f.if(
      () => f.i32Eqz(c),
      () => fillBlock(k, j, outAt(o), init),
      () => {
        f.localSet(t0, tapAt(k, 0));
        lanes(
          k,
          j,
          xj,
          () => {
            f.localSet(at, () => f.i32Add(xj, t0));
            f.localSet(lo, () => pair(0));
            f.localSet(hi, () => pair(8));
            f.forRange(t, 4, c, 4, () => {
              f.localSet(at, () => f.i32Add(xj, tapAt(k, t)));
              f.localGet(lo);
              pair(0);
              f.simd(F64X2_ADD);
              f.localSet(lo);
              f.localGet(hi);
              pair(8);
              f.simd(F64X2_ADD);
              f.localSet(hi);
            });
            f.push(outAt(o));
            f.localGet(lo);
            f.simd(F32X4_DEMOTE_F64X2_ZERO);
            f.localGet(hi);
            f.simd(F32X4_DEMOTE_F64X2_ZERO);
            f.i8x16Shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
            f.v128Store();
          },
          () => {
            f.localSet(acc, () => f.f32Load(() => f.i32Add(xj, t0)).emit(F64_PROMOTE_F32));
            f.forRange(t, 4, c, 4, () => {
              f.localGet(acc);
              f.f32Load(() => f.i32Add(xj, tapAt(k, t))).emit(F64_PROMOTE_F32);
              f.emit(F64_ADD);
              f.localSet(acc);
            });
            f.f32Store(outAt(o), () => f.localGet(acc).emit(F32_DEMOTE_F64));
          },
        );
      },
    );
  });
  f.end();
}

/** The locals and code select-and-scatter and -gather share. */
interface Selection {
  /** Byte offset in the block. */
  readonly j: Local;
  /** The input's address plus j. */
  readonly xj: Local;
  /** The window's first tap. */
  readonly t0: Local;
  /** The current tap. */
  readonly tap: Local;
  /** Four input values. */
  readonly xv: Local;
  /** The chosen tap of one lane (see `chooseOne`). */
  readonly sa: Local;
  /** Address of element `o + j` of a window-shaped array. */
  at(base: Local, o: Local): () => void;
  /** Loads `y(o + j)` (four lanes or one) and whether it is NaN. */
  loadY(y: Local, o: Local, vector: boolean): void;
  /** Pushes the lane mask of `xv` matching the loaded `y`: equal, or both NaN. */
  match(): void;
  /** Runs `body` with `tap` = each tap from the last to the first (the window has one or more). */
  backwards(c: Local, body: () => void): void;
  /** `sa` = the first tap whose f32 at `xj` matches the loaded `y` (else the first tap). */
  chooseOne(c: Local): void;
}

function selection(k: Frame): Selection {
  const { f } = k;
  const [t, j, xj, t0, tap, sa, sNaN] = [I, I, I, I, I, I, I].map((type) => f.local(type)) as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const [yv, yNaN, xv] = [f.local(V), f.local(V), f.local(V)];
  const [sy, sx] = [f.local(F), f.local(F)];
  const s: Selection = {
    j,
    xj,
    t0,
    tap,
    xv,
    sa,
    at: (base, o) => () => f.i32Add(base, () => f.i32Add(o, j)),
    loadY(y, o, vector) {
      if (vector) {
        f.localSet(yv, () => f.v128Load(s.at(y, o)));
        f.localSet(yNaN, () => f.localGet(yv).localGet(yv).simd(F32X4_NE));
      } else {
        f.localSet(sy, () => f.f32Load(s.at(y, o)));
        f.localSet(sNaN, () => f.localGet(sy).localGet(sy).emit(F32_NE));
      }
    },
    match() {
      f.localGet(xv).localGet(yv);
      f.simd(F32X4_EQ);
      f.localGet(xv).localGet(xv);
      f.simd(F32X4_NE);
      f.localGet(yNaN);
      f.simd(V128_AND);
      f.simd(V128_OR);
    },
    backwards(c, body) {
      f.localSet(t, c);
      f.loop((repeat) => {
        f.localSet(t, () => f.i32Sub(t, 4));
        f.localSet(tap, tapAt(k, t));
        body();
        f.brIf(repeat, () => f.i32GtS(t, 0));
      });
    },
    chooseOne(c) {
      f.localSet(sa, t0);
      s.backwards(c, () => {
        f.localSet(sx, () => f.f32Load(() => f.i32Add(xj, tap)));
        f.localGet(tap).localGet(sa);
        f.localGet(sx).localGet(sy).emit(F32_EQ);
        f.localGet(sx).localGet(sx).emit(F32_NE);
        f.localGet(sNaN);
        f.emit(I32_AND, I32_OR, SELECT);
        f.localSet(sa);
      });
    },
  };
  return s;
}

/**
 * Select and scatter: `out(i) += g(o + j)` where i is the input index of window o's first tap
 * matching `y(o + j)` (equal, or the first NaN when it is NaN; the first tap when none matches);
 * `out` starts as zeros. Four lanes at a time, every tap adds `g` masked to the lanes it is the
 * first match of: the other lanes add +0, which changes nothing, as `out` (zeros plus sums) is
 * never −0. Each element thus receives its windows' cotangents in increasing o, as in the
 * JavaScript kernel, whose double sum of two f32 values rounds to the f32 sum computed here.
 */
function scatterKernel(mod: ModuleBuilder): void {
  const k = kernel(mod, "scatter", [I, I, I, I]);
  const { f } = k;
  const [y, g, out, outBytes] = [f.param(9), f.param(10), f.param(11), f.param(12)];
  // out = zeros (memory.fill; a typed array's fill over the shared buffer is several times slower).
  f.push(out)
    .i32Const(0)
    .push(outBytes)
    .emit(...MEMORY_FILL);
  const s = selection(k);
  const { j, xj, t0, tap } = s;
  const [t, addr] = [f.local(I), f.local(I)];
  const [gv, m, found] = [f.local(V), f.local(V), f.local(V)];
  /** `out(j + offset) += (four lanes of) the value pushed by `value`. */
  const addAt = (offset: Operand, value: () => void) => {
    f.localSet(addr, () => f.i32Add(() => f.i32Add(out, j), offset));
    f.v128Store(addr, () => f.f32x4Add(() => f.v128Load(addr), value));
  };
  eachWindow(k, (o, c) => {
    f.if(c, () => {
      f.localSet(t0, tapAt(k, 0));
      lanes(
        k,
        j,
        xj,
        () => {
          s.loadY(y, o, true);
          f.localSet(gv, () => f.v128Load(s.at(g, o)));
          f.localSet(found, () => f.f32x4Const([0, 0, 0, 0]));
          f.forRange(t, 0, c, 4, () => {
            f.localSet(tap, tapAt(k, t));
            f.localSet(s.xv, () => f.v128Load(() => f.i32Add(xj, tap)));
            s.match();
            f.localGet(found);
            f.simd(V128_ANDNOT);
            f.localSet(m);
            f.localSet(found, () => f.localGet(found).localGet(m).simd(V128_OR));
            addAt(tap, () => f.localGet(gv).localGet(m).simd(V128_AND));
          });
          // Lanes where no tap matches (y is not the window's extreme) go to the first tap.
          f.if(
            () => f.localGet(found).simd(I32X4_ALL_TRUE).i32Eqz(),
            () => addAt(t0, () => f.localGet(gv).localGet(found).simd(V128_ANDNOT)),
          );
        },
        () => {
          s.loadY(y, o, false);
          s.chooseOne(c);
          f.localSet(addr, () => f.i32Add(() => f.i32Add(out, j), s.sa));
          f.f32Store(addr, () =>
            f.f32Add(
              () => f.f32Load(addr),
              () => f.f32Load(s.at(g, o)),
            ),
          );
        },
      );
    });
  });
  f.end();
}

/**
 * Select and gather: `out(o + j)` = `h(i)`, i as in {@link scatterKernel}, or 0 for a window
 * without a valid tap. Four lanes at a time, the taps are visited last to first and each match
 * replaces the lanes' values, so the first match's value is the one left.
 */
function gatherKernel(mod: ModuleBuilder): void {
  const k = kernel(mod, "gather", [I, I, I]);
  const { f } = k;
  const [y, h, out] = [f.param(9), f.param(10), f.param(11)];
  const s = selection(k);
  const { j, xj, t0, tap } = s;
  const [hj, v] = [f.local(I), f.local(V)];
  eachWindow(k, (o, c) => {
    f.if(
      () => f.i32Eqz(c),
      () => f.forRange(j, 0, k.blockBytes, 4, () => f.f32Store(s.at(out, o), () => f.f32Const(0))),
      () => {
        f.localSet(t0, tapAt(k, 0));
        lanes(
          k,
          j,
          xj,
          () => {
            s.loadY(y, o, true);
            f.localSet(hj, () => f.i32Add(h, j));
            f.localSet(v, () => f.v128Load(() => f.i32Add(hj, t0)));
            s.backwards(c, () => {
              f.localSet(s.xv, () => f.v128Load(() => f.i32Add(xj, tap)));
              f.v128Load(() => f.i32Add(hj, tap));
              f.localGet(v);
              s.match();
              f.simd(V128_BITSELECT);
              f.localSet(v);
            });
            f.v128Store(s.at(out, o), v);
          },
          () => {
            s.loadY(y, o, false);
            s.chooseOne(c);
            f.f32Store(s.at(out, o), () => f.f32Load(() => f.i32Add(() => f.i32Add(h, j), s.sa)));
          },
        );
      },
    );
  });
  f.end();
}

/** The module of the five window kernels: max, min, sum, scatter and gather. */
export function windowModule(): Uint8Array {
  const mod = sharedModule();
  extremeKernel(mod, "max", "gt");
  extremeKernel(mod, "min", "lt");
  sumKernel(mod);
  scatterKernel(mod);
  gatherKernel(mod);
  return mod.encode();
}
