import { describe, it } from "node:test";
import assert from "node:assert/strict";

import {
  ModuleBuilder,
  ValType,
  signedLeb128,
  unsignedLeb128,
  type FunctionBuilder,
} from "../src/wasm/encoder.js";
import { relaxedSimdSupported, simdSupported } from "../src/wasm/features.js";
import { webAssembly, type WasmMemory } from "../src/wasm/webassembly.js";

const wasm = webAssembly!;

const { i32, f32, v128 } = ValType;

/** Builds a module with one exported function `f` (and an imported shared memory if asked). */
function build(
  params: ValType[],
  results: ValType[],
  body: (f: FunctionBuilder) => void,
  withMemory = false,
): Uint8Array {
  const mod = new ModuleBuilder();
  if (withMemory) mod.importMemory("env", "memory", { initial: 1, maximum: 1, shared: true });
  const f = mod.addFunction(params, results, "f");
  body(f);
  f.end();
  return mod.encode();
}

function instantiate(bytes: Uint8Array, memory?: WasmMemory): Record<string, any> {
  assert.ok(wasm.validate(bytes), "module validates");
  const imports: Record<string, Record<string, unknown>> = memory ? { env: { memory } } : {};
  return new wasm.Instance(new wasm.Module(bytes), imports).exports;
}

function sharedMemory(): WasmMemory {
  return new wasm.Memory({ initial: 1, maximum: 1, shared: true });
}

describe("wasm encoder: LEB128", () => {
  it("unsigned: known encodings", () => {
    // 624485 → e5 8e 26 is the worked example of the LEB128 article (Wikipedia, DWARF spec).
    assert.deepEqual(unsignedLeb128(0), [0x00]);
    assert.deepEqual(unsignedLeb128(127), [0x7f]);
    assert.deepEqual(unsignedLeb128(128), [0x80, 0x01]);
    assert.deepEqual(unsignedLeb128(624485), [0xe5, 0x8e, 0x26]);
    assert.deepEqual(unsignedLeb128(0x105), [0x85, 0x02]); // relaxed_madd's sub-opcode
    assert.deepEqual(unsignedLeb128(0xffffffff), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it("signed: known encodings", () => {
    // -123456 → c0 bb 78 is the signed worked example of the same article.
    assert.deepEqual(signedLeb128(0), [0x00]);
    assert.deepEqual(signedLeb128(63), [0x3f]);
    assert.deepEqual(signedLeb128(64), [0xc0, 0x00]);
    assert.deepEqual(signedLeb128(-1), [0x7f]);
    assert.deepEqual(signedLeb128(-64), [0x40]);
    assert.deepEqual(signedLeb128(-65), [0xbf, 0x7f]);
    assert.deepEqual(signedLeb128(-123456), [0xc0, 0xbb, 0x78]);
    assert.deepEqual(signedLeb128(-0x80000000), [0x80, 0x80, 0x80, 0x80, 0x78]);
  });

  it("rejects values outside 32 bits", () => {
    assert.throws(() => unsignedLeb128(-1), RangeError);
    assert.throws(() => unsignedLeb128(2 ** 32), RangeError);
    assert.throws(() => unsignedLeb128(1.5), RangeError);
    assert.throws(() => signedLeb128(2 ** 31), RangeError);
  });
});

describe("wasm encoder: modules validate and run", () => {
  it("the empty module is the 8-byte header plus a type, function and code section", () => {
    const bytes = new ModuleBuilder().encode();
    assert.deepEqual([...bytes.slice(0, 8)], [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    assert.ok(wasm.validate(bytes));
  });

  it("i32 arithmetic, comparisons and select", () => {
    const bytes = build([i32, i32], [i32], (f) => {
      const [x, y] = [f.param(0), f.param(1)];
      // ((x + y) * 3 - (x << 2)) | (x < y), then min with 1000.
      const t = f.local(i32);
      f.localSet(t, () =>
        f.i32Or(
          () =>
            f.i32Sub(
              () => f.i32Mul(() => f.i32Add(x, y), 3),
              () => f.i32Shl(x, 2),
            ),
          () => f.i32LtS(x, y),
        ),
      );
      f.i32MinS(t, 1000);
    });
    const { f } = instantiate(bytes);
    const expected = (x: number, y: number) =>
      Math.min(((x + y) * 3 - (x << 2)) | (x < y ? 1 : 0), 1000);
    for (const [x, y] of [
      [1, 2],
      [5, -7],
      [-3, 4],
      [300, 400],
    ]) {
      assert.equal(f(x, y), expected(x, y), `x=${x} y=${y}`);
    }
  });

  it("loops, blocks and branches: sum of 0..n-1 and an early exit", () => {
    const bytes = build([i32], [i32], (f) => {
      const n = f.param(0);
      const i = f.local(i32);
      const s = f.local(i32);
      f.forRange(i, 0, n, 1, () => f.localSet(s, () => f.i32Add(s, i)));
      // Stop adding once s passes 100, via a block exit.
      f.block((exit) => {
        f.brIf(exit, () => f.i32GtS(s, 100));
        f.localSet(s, () => f.i32Add(s, 1000));
      });
      f.push(s);
    });
    const { f } = instantiate(bytes);
    assert.equal(f(0), 1000);
    assert.equal(f(5), 1010);
    assert.equal(f(20), 190);
  });

  it("calls between functions", () => {
    const mod = new ModuleBuilder();
    const square = mod.addFunction([i32], [i32]);
    square.i32Mul(square.param(0), square.param(0));
    square.end();
    const f = mod.addFunction([i32, i32], [i32], "f");
    f.i32Add(
      () => f.call(square, f.param(0)),
      () => f.call(square, f.param(1)),
    );
    f.end();
    assert.equal(instantiate(mod.encode()).f(3, 4), 25);
  });

  it("scalar and vector loads and stores with offsets over a shared memory", (t) => {
    if (!simdSupported()) return t.skip("no WebAssembly SIMD here");
    const memory = sharedMemory();
    const bytes = build(
      [i32],
      [],
      (f) => {
        const p = f.param(0);
        // out[0..3] = in[0..3] * splat(in[4]) + in[0..3]; out[4] = in[4] + in[5]; out[5] = lane 2.
        const x = f.local(v128);
        f.localSet(x, () => f.v128Load(p, 0));
        f.v128Store(
          p,
          () => f.f32x4Add(() => f.f32x4Mul(x, () => f.v128Load32Splat(p, 16)), x),
          64,
        );
        f.f32Store(
          p,
          () =>
            f.f32Add(
              () => f.f32Load(p, 16),
              () => f.f32Load(p, 20),
            ),
          80,
        );
        f.f32Store(p, () => f.f32x4ExtractLane(2, x), 84);
        f.i32Store(p, () => f.i32Add(() => f.i32Load(p, 24), 1), 88);
      },
      true,
    );
    const { f } = instantiate(bytes, memory);
    const heap = new Float32Array(memory.buffer);
    heap.set([1, 2, 3, 4, 10, 0.5], 4);
    new Int32Array(memory.buffer)[10] = 41;
    f(16);
    assert.deepEqual([...heap.subarray(20, 26)], [11, 22, 33, 44, 10.5, 3]);
    assert.equal(new Int32Array(memory.buffer)[26], 42);
  });

  it("constants, splat and shuffles", (t) => {
    if (!simdSupported()) return t.skip("no WebAssembly SIMD here");
    const memory = sharedMemory();
    const bytes = build(
      [],
      [],
      (f) => {
        const lanes = (ls: number[]) => ls.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
        // [1, 2, 3, 4] and splat(5): interleave the low halves → [1, 5, 2, 5].
        f.v128Store(0, () =>
          f.i8x16Shuffle(
            lanes([0, 4, 1, 5]),
            () => f.f32x4Const([1, 2, 3, 4]),
            () => f.f32x4Splat(() => f.f32Const(5)),
          ),
        );
      },
      true,
    );
    const { f } = instantiate(bytes, memory);
    f();
    assert.deepEqual([...new Float32Array(memory.buffer, 0, 4)], [1, 5, 2, 5]);
  });

  it("f32x4.relaxed_madd computes a·b + c", (t) => {
    if (!relaxedSimdSupported()) return t.skip("no relaxed SIMD here");
    const memory = sharedMemory();
    const bytes = build(
      [],
      [],
      (f) => {
        f.v128Store(48, () =>
          f.f32x4RelaxedMadd(
            () => f.v128Load(0),
            () => f.v128Load(16),
            () => f.v128Load(32),
          ),
        );
      },
      true,
    );
    const { f } = instantiate(bytes, memory);
    const heap = new Float32Array(memory.buffer);
    // Small integers: exact with one rounding or two.
    heap.set([1, 2, 3, 4, 5, 6, 7, 8, 0.5, -1, 100, 0], 0);
    f();
    assert.deepEqual([...heap.subarray(12, 16)], [5.5, 11, 121, 32]);
  });

  it("f32 parameters and results", () => {
    const bytes = build([f32, f32], [f32], (f) =>
      f.f32Mul(f.param(0), () => f.f32Add(f.param(1), () => f.f32Const(0.5))),
    );
    assert.equal(instantiate(bytes).f(3, 1.5), 6);
  });
});

describe("wasm encoder: misuse", () => {
  it("rejects a branch to a label that is not in scope", () => {
    const mod = new ModuleBuilder();
    const f = mod.addFunction([], []);
    let outer: Parameters<FunctionBuilder["br"]>[0] | undefined;
    f.block((label) => {
      outer = label;
    });
    assert.throws(() => f.br(outer!), /not in scope/);
  });

  it("rejects an unfinished function, a wrong argument count and a bad lane", () => {
    const mod = new ModuleBuilder();
    const g = mod.addFunction([i32], []);
    assert.throws(() => mod.encode(), /not finished/);
    const f = mod.addFunction([], []);
    assert.throws(() => f.call(g), /takes 1 arguments, got 0/);
    assert.throws(() => f.f32x4ExtractLane(4), RangeError);
    assert.throws(() => f.i8x16Shuffle([0, 1, 2]), RangeError);
    assert.throws(() => f.param(3), RangeError);
  });

  it("requires a maximum for a shared memory", () => {
    assert.throws(
      () => new ModuleBuilder().importMemory("env", "memory", { initial: 1, shared: true }),
      /needs a maximum/,
    );
  });
});
