/**
 * A small WebAssembly binary encoder: LEB128 numbers, the module sections the kernels need (type,
 * import of one memory, function, export, code) and a function-body builder with the opcodes they
 * use (locals, i32 arithmetic, scalar and v128 loads and stores with offsets, structured control
 * flow, f32x4 arithmetic and relaxed SIMD's `f32x4.relaxed_madd`).
 *
 * Opcode numbers follow the WebAssembly core specification (binary format), the fixed-width SIMD
 * proposal's BinarySIMD.md (prefix 0xfd, LEB128 sub-opcodes) and the relaxed-SIMD proposal
 * (`f32x4.relaxed_madd` = 0xfd 0x105).
 */

/** Value types, by their binary encoding. */
export const ValType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
/** One of {@link ValType}'s encodings. */
export type ValType = (typeof ValType)[keyof typeof ValType];

/** Unsigned LEB128 encoding of a non-negative integer below 2³². */
export function unsignedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`wasm encoder: ${value} is not an unsigned 32-bit integer`);
  }
  const bytes: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0);
  return bytes;
}

/** Signed LEB128 encoding of an integer in [-2³¹, 2³¹) (the immediate of `i32.const`). */
export function signedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
    throw new RangeError(`wasm encoder: ${value} is not a signed 32-bit integer`);
  }
  const bytes: number[] = [];
  let v = value;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

/** UTF-8 name with its length prefix. */
function encodeName(name: string): number[] {
  const bytes = [...new TextEncoder().encode(name)];
  return [...unsignedLeb128(bytes.length), ...bytes];
}

/** Appends `source` to `target` (without spreading: code sections can be long). */
function append(target: number[], source: readonly number[]): void {
  for (const b of source) target.push(b);
}

/** A vector: element count, then the elements' bytes. */
function encodeVector(items: number[][]): number[] {
  const bytes = unsignedLeb128(items.length);
  for (const item of items) append(bytes, item);
  return bytes;
}

/** A local variable (or parameter) of a function being built. */
export class Local {
  /** @internal */
  constructor(
    readonly index: number,
    readonly type: ValType,
  ) {}
}

/** A branch target: the label of an enclosing `block`, `loop` or `if`. */
export class Label {
  /** @internal */
  constructor(readonly depth: number) {}
}

/**
 * A value pushed before an instruction: a local (read with `local.get`), an integer constant
 * (`i32.const`) or a callback that emits the instructions that push it.
 */
export type Operand = Local | number | (() => void);

/** Natural alignment exponents (log2 of the byte width) for the memory instructions below. */
const ALIGN_32 = 2;
const ALIGN_128 = 4;
const SIMD = 0xfd;

/**
 * Builds one function body. Instruction methods emit their operands first (see {@link Operand})
 * and return `this`, so short sequences read as expressions:
 * `f.localSet(x, () => f.i32Add(y, 4))`.
 */
export class FunctionBuilder {
  /** Index of this function in its module. */
  readonly index: number;
  private readonly localTypes: ValType[] = [];
  private readonly bytes: number[] = [];
  private depth = 0;
  private finished = false;

  /** @internal Created by {@link ModuleBuilder.addFunction}. */
  constructor(
    index: number,
    readonly params: readonly ValType[],
    readonly results: readonly ValType[],
  ) {
    this.index = index;
  }

  /** The `i`-th parameter. */
  param(i: number): Local {
    if (!Number.isInteger(i) || i < 0 || i >= this.params.length) {
      throw new RangeError(`wasm encoder: function ${this.index} has no parameter ${i}`);
    }
    return new Local(i, this.params[i]);
  }

  /** Declares a new local of `type` (zero-initialised on entry). */
  local(type: ValType): Local {
    this.localTypes.push(type);
    return new Local(this.params.length + this.localTypes.length - 1, type);
  }

  /** Whether {@link end} has closed the body. */
  get done(): boolean {
    return this.finished;
  }

  // --- raw emission --------------------------------------------------------------------------

  /** Emits raw bytes. */
  emit(...bytes: number[]): this {
    if (this.finished) throw new Error(`wasm encoder: function ${this.index} is already finished`);
    for (const b of bytes) this.bytes.push(b);
    return this;
  }

  /** Emits an operand: `local.get`, `i32.const` or the callback's instructions. */
  push(x: Operand): this {
    if (x instanceof Local) return this.emit(0x20, ...unsignedLeb128(x.index));
    if (typeof x === "number") return this.emit(0x41, ...signedLeb128(x));
    x();
    return this;
  }

  private op(code: number, ...operands: Operand[]): this {
    for (const x of operands) this.push(x);
    return this.emit(code);
  }

  /** A SIMD instruction (0xfd prefix) by its opcode, after pushing `operands`. */
  simd(code: number, ...operands: Operand[]): this {
    for (const x of operands) this.push(x);
    return this.emit(SIMD, ...unsignedLeb128(code));
  }

  private memarg(align: number, offset: number): this {
    return this.emit(align, ...unsignedLeb128(offset));
  }

  // --- variables and constants ---------------------------------------------------------------

  /** `local.get`. */
  localGet(x: Local): this {
    return this.push(x);
  }
  /** `local.set x` of `value` (or of the value on the stack). */
  localSet(x: Local, value?: Operand): this {
    if (value !== undefined) this.push(value);
    return this.emit(0x21, ...unsignedLeb128(x.index));
  }
  /** `local.tee x` of `value` (or of the value on the stack). */
  localTee(x: Local, value?: Operand): this {
    if (value !== undefined) this.push(value);
    return this.emit(0x22, ...unsignedLeb128(x.index));
  }
  /** `i32.const`. */
  i32Const(value: number): this {
    return this.push(value);
  }
  /** `f32.const` (the value is rounded to f32). */
  f32Const(value: number): this {
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    return this.emit(0x43, ...bytes);
  }
  /** `drop`. */
  drop(): this {
    return this.emit(0x1a);
  }
  /** `select`: `whenTrue` if `condition` is non-zero, else `whenFalse` (all three evaluated). */
  select(whenTrue?: Operand, whenFalse?: Operand, condition?: Operand): this {
    for (const x of [whenTrue, whenFalse, condition]) if (x !== undefined) this.push(x);
    return this.emit(0x1b);
  }

  // --- i32 arithmetic and comparisons ---------------------------------------------------------

  /** `i32.add`. */
  i32Add(x?: Operand, y?: Operand): this {
    return this.binary(0x6a, x, y);
  }
  /** `i32.sub`. */
  i32Sub(x?: Operand, y?: Operand): this {
    return this.binary(0x6b, x, y);
  }
  /** `i32.mul`. */
  i32Mul(x?: Operand, y?: Operand): this {
    return this.binary(0x6c, x, y);
  }
  /** `i32.div_u`. */
  i32DivU(x?: Operand, y?: Operand): this {
    return this.binary(0x6e, x, y);
  }
  /** `i32.and`. */
  i32And(x?: Operand, y?: Operand): this {
    return this.binary(0x71, x, y);
  }
  /** `i32.or`. */
  i32Or(x?: Operand, y?: Operand): this {
    return this.binary(0x72, x, y);
  }
  /** `i32.shl`. */
  i32Shl(x?: Operand, y?: Operand): this {
    return this.binary(0x74, x, y);
  }
  /** `i32.shr_u`. */
  i32ShrU(x?: Operand, y?: Operand): this {
    return this.binary(0x76, x, y);
  }
  /** `i32.eqz`. */
  i32Eqz(x?: Operand): this {
    return x === undefined ? this.emit(0x45) : this.op(0x45, x);
  }
  /** `i32.eq`. */
  i32Eq(x?: Operand, y?: Operand): this {
    return this.binary(0x46, x, y);
  }
  /** `i32.ne`. */
  i32Ne(x?: Operand, y?: Operand): this {
    return this.binary(0x47, x, y);
  }
  /** `i32.lt_s`. */
  i32LtS(x?: Operand, y?: Operand): this {
    return this.binary(0x48, x, y);
  }
  /** `i32.lt_u`. */
  i32LtU(x?: Operand, y?: Operand): this {
    return this.binary(0x49, x, y);
  }
  /** `i32.gt_s`. */
  i32GtS(x?: Operand, y?: Operand): this {
    return this.binary(0x4a, x, y);
  }
  /** `i32.le_s`. */
  i32LeS(x?: Operand, y?: Operand): this {
    return this.binary(0x4c, x, y);
  }
  /** `i32.ge_s`. */
  i32GeS(x?: Operand, y?: Operand): this {
    return this.binary(0x4e, x, y);
  }
  /** `i32.ge_u`. */
  i32GeU(x?: Operand, y?: Operand): this {
    return this.binary(0x4f, x, y);
  }
  /**
   * The smaller of two signed i32 values, as a `select`. Each operand is emitted twice, so pass
   * locals or constants.
   */
  i32MinS(x: Operand, y: Operand): this {
    return this.select(x, y, () => this.i32LtS(x, y));
  }

  private binary(code: number, x?: Operand, y?: Operand): this {
    if (x !== undefined) this.push(x);
    if (y !== undefined) this.push(y);
    return this.emit(code);
  }

  // --- f32 scalar ---------------------------------------------------------------------------

  /** `f32.add`. */
  f32Add(x?: Operand, y?: Operand): this {
    return this.binary(0x92, x, y);
  }
  /** `f32.mul`. */
  f32Mul(x?: Operand, y?: Operand): this {
    return this.binary(0x94, x, y);
  }

  // --- memory -------------------------------------------------------------------------------

  /** `i32.load offset=…` from address `addr`. */
  i32Load(addr?: Operand, offset = 0): this {
    if (addr !== undefined) this.push(addr);
    return this.emit(0x28).memarg(ALIGN_32, offset);
  }
  /** `i32.store offset=…` of `value` at `addr`. */
  i32Store(addr?: Operand, value?: Operand, offset = 0): this {
    if (addr !== undefined) this.push(addr);
    if (value !== undefined) this.push(value);
    return this.emit(0x36).memarg(ALIGN_32, offset);
  }
  /** `f32.load offset=…` from address `addr`. */
  f32Load(addr?: Operand, offset = 0): this {
    if (addr !== undefined) this.push(addr);
    return this.emit(0x2a).memarg(ALIGN_32, offset);
  }
  /** `f32.store offset=…` of `value` at `addr`. */
  f32Store(addr?: Operand, value?: Operand, offset = 0): this {
    if (addr !== undefined) this.push(addr);
    if (value !== undefined) this.push(value);
    return this.emit(0x38).memarg(ALIGN_32, offset);
  }
  /** `v128.load offset=…` (0xfd 0x00). */
  v128Load(addr?: Operand, offset = 0): this {
    if (addr !== undefined) this.push(addr);
    return this.simd(0x00).memarg(ALIGN_128, offset);
  }
  /** `v128.load32_splat offset=…` (0xfd 0x09): one f32/i32 copied to all four lanes. */
  v128Load32Splat(addr?: Operand, offset = 0): this {
    if (addr !== undefined) this.push(addr);
    return this.simd(0x09).memarg(ALIGN_32, offset);
  }
  /** `v128.store offset=…` (0xfd 0x0b) of `value` at `addr`. */
  v128Store(addr?: Operand, value?: Operand, offset = 0): this {
    if (addr !== undefined) this.push(addr);
    if (value !== undefined) this.push(value);
    return this.simd(0x0b).memarg(ALIGN_128, offset);
  }

  // --- v128 ---------------------------------------------------------------------------------

  /** `v128.const` (0xfd 0x0c) of four f32 lanes. */
  f32x4Const(lanes: readonly [number, number, number, number]): this {
    const bytes = new Uint8Array(new Float32Array(lanes).buffer);
    return this.simd(0x0c).emit(...bytes);
  }
  /** `i8x16.shuffle` (0xfd 0x0d) of `x` and `y` by 16 byte-lane indices in [0, 32). */
  i8x16Shuffle(lanes: readonly number[], x?: Operand, y?: Operand): this {
    if (lanes.length !== 16 || lanes.some((l) => !Number.isInteger(l) || l < 0 || l > 31)) {
      throw new RangeError("wasm encoder: i8x16.shuffle takes 16 lane indices in [0, 32)");
    }
    if (x !== undefined) this.push(x);
    if (y !== undefined) this.push(y);
    return this.simd(0x0d).emit(...lanes);
  }
  /** `f32x4.splat` (0xfd 0x13). */
  f32x4Splat(x?: Operand): this {
    return x === undefined ? this.simd(0x13) : this.simd(0x13, x);
  }
  /** `f32x4.extract_lane` (0xfd 0x1f). */
  f32x4ExtractLane(lane: number, x?: Operand): this {
    if (!Number.isInteger(lane) || lane < 0 || lane > 3) {
      throw new RangeError(`wasm encoder: f32x4 lane ${lane} is not in [0, 4)`);
    }
    if (x !== undefined) this.push(x);
    return this.simd(0x1f).emit(lane);
  }
  /** `f32x4.add` (0xfd 0xe4). */
  f32x4Add(x?: Operand, y?: Operand): this {
    return this.simdBinary(0xe4, x, y);
  }
  /** `f32x4.mul` (0xfd 0xe6). */
  f32x4Mul(x?: Operand, y?: Operand): this {
    return this.simdBinary(0xe6, x, y);
  }
  /**
   * `f32x4.relaxed_madd` (0xfd 0x105, relaxed SIMD): `x · y + z` lane-wise, rounded once or
   * twice at the engine's choice (one rounding where the CPU has fused multiply-add).
   */
  f32x4RelaxedMadd(x?: Operand, y?: Operand, z?: Operand): this {
    for (const v of [x, y, z]) if (v !== undefined) this.push(v);
    return this.simd(0x105);
  }

  private simdBinary(code: number, x?: Operand, y?: Operand): this {
    if (x !== undefined) this.push(x);
    if (y !== undefined) this.push(y);
    return this.simd(code);
  }

  // --- control flow -------------------------------------------------------------------------

  /** `block … end` around `body`; branching to its label jumps past the end. */
  block(body: (exit: Label) => void): this {
    return this.structured(0x02, body);
  }
  /** `loop … end` around `body`; branching to its label jumps back to the start. */
  loop(body: (repeat: Label) => void): this {
    return this.structured(0x03, body);
  }
  /** `if … (else …) end` on `condition` (or the value on the stack). */
  if(condition: Operand | undefined, then: () => void, otherwise?: () => void): this {
    if (condition !== undefined) this.push(condition);
    this.emit(0x04, 0x40);
    this.depth++;
    then();
    if (otherwise) {
      this.emit(0x05);
      otherwise();
    }
    this.depth--;
    return this.emit(0x0b);
  }
  /** `br` to `label`. */
  br(label: Label): this {
    return this.emit(0x0c, ...unsignedLeb128(this.relativeDepth(label)));
  }
  /** `br_if` to `label` when `condition` (or the value on the stack) is non-zero. */
  brIf(label: Label, condition?: Operand): this {
    if (condition !== undefined) this.push(condition);
    return this.emit(0x0d, ...unsignedLeb128(this.relativeDepth(label)));
  }
  /** `return`. */
  return(): this {
    return this.emit(0x0f);
  }
  /** `call` of `callee` with `args` pushed first. */
  call(callee: FunctionBuilder, ...args: Operand[]): this {
    if (args.length !== callee.params.length) {
      throw new RangeError(
        `wasm encoder: function ${callee.index} takes ${callee.params.length} arguments, got ${args.length}`,
      );
    }
    for (const x of args) this.push(x);
    return this.emit(0x10, ...unsignedLeb128(callee.index));
  }

  /**
   * The loop `for (i = start; i < end; i += step) body()` (signed comparison), emitted as a guarded
   * `loop` so that the body is skipped when `start >= end`.
   */
  forRange(i: Local, start: Operand, end: Operand, step: Operand, body: () => void): this {
    this.localSet(i, start);
    return this.if(
      () => this.i32LtS(i, end),
      () => {
        this.loop((repeat) => {
          body();
          this.localSet(i, () => this.i32Add(i, step));
          this.brIf(repeat, () => this.i32LtS(i, end));
        });
      },
    );
  }

  private structured(code: number, body: (label: Label) => void): this {
    this.emit(code, 0x40);
    this.depth++;
    body(new Label(this.depth));
    this.depth--;
    return this.emit(0x0b);
  }

  private relativeDepth(label: Label): number {
    if (label.depth > this.depth) throw new Error("wasm encoder: branch to a label not in scope");
    return this.depth - label.depth;
  }

  /** Closes the body (the final `end`). */
  end(): void {
    if (this.depth !== 0) throw new Error(`wasm encoder: function ${this.index} has open blocks`);
    this.emit(0x0b);
    this.finished = true;
  }

  /** @internal The code-section entry: size, local declarations, instructions. */
  encode(): number[] {
    if (!this.finished) throw new Error(`wasm encoder: function ${this.index} was not finished`);
    const groups: number[][] = [];
    for (let i = 0; i < this.localTypes.length;) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j++;
      groups.push([...unsignedLeb128(j - i), this.localTypes[i]]);
      i = j;
    }
    const body = encodeVector(groups);
    append(body, this.bytes);
    const entry = unsignedLeb128(body.length);
    append(entry, body);
    return entry;
  }
}

/** Limits of an imported memory, in 64 KiB pages. */
export interface MemoryLimits {
  initial: number;
  maximum?: number;
  shared?: boolean;
}

/**
 * Builds a module whose imports are (at most) one memory and whose functions are all defined in
 * it: declare functions with {@link addFunction}, fill their bodies, then {@link encode}.
 */
export class ModuleBuilder {
  private readonly functions: FunctionBuilder[] = [];
  private readonly exports: { name: string; kind: number; index: number }[] = [];
  private memoryImport: { module: string; name: string; limits: MemoryLimits } | undefined;

  /** Imports the module's memory (index 0) as `module`.`name`. */
  importMemory(module: string, name: string, limits: MemoryLimits): this {
    if (limits.shared && limits.maximum === undefined) {
      throw new RangeError("wasm encoder: a shared memory needs a maximum size");
    }
    this.memoryImport = { module, name, limits };
    return this;
  }

  /** Declares a function (optionally exported as `exportName`); fill in its body, then `end()`. */
  addFunction(
    params: readonly ValType[],
    results: readonly ValType[],
    exportName?: string,
  ): FunctionBuilder {
    const f = new FunctionBuilder(this.functions.length, params, results);
    this.functions.push(f);
    if (exportName !== undefined)
      this.exports.push({ name: exportName, kind: 0x00, index: f.index });
    return f;
  }

  /** The module's bytes. */
  encode(): Uint8Array {
    const signatures: string[] = [];
    const typeIndex = this.functions.map((f) => {
      const key = `${f.params.join(",")}:${f.results.join(",")}`;
      let i = signatures.indexOf(key);
      if (i < 0) i = signatures.push(key) - 1;
      return i;
    });
    const types = signatures.map((key) => {
      const [params, results] = key
        .split(":")
        .map((s) => (s === "" ? [] : s.split(",").map(Number)));
      return [
        0x60,
        ...encodeVector(params.map((t) => [t])),
        ...encodeVector(results.map((t) => [t])),
      ];
    });
    const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, contents: number[]) => {
      bytes.push(id);
      append(bytes, unsignedLeb128(contents.length));
      append(bytes, contents);
    };
    section(1, encodeVector(types));
    if (this.memoryImport) {
      const { module, name, limits } = this.memoryImport;
      const flags = (limits.maximum !== undefined ? 1 : 0) | (limits.shared ? 2 : 0);
      const limitBytes = [flags, ...unsignedLeb128(limits.initial)];
      if (limits.maximum !== undefined) limitBytes.push(...unsignedLeb128(limits.maximum));
      section(2, encodeVector([[...encodeName(module), ...encodeName(name), 0x02, ...limitBytes]]));
    }
    section(3, encodeVector(typeIndex.map((i) => unsignedLeb128(i))));
    if (this.exports.length > 0) {
      section(
        7,
        encodeVector(
          this.exports.map((e) => [...encodeName(e.name), e.kind, ...unsignedLeb128(e.index)]),
        ),
      );
    }
    section(10, encodeVector(this.functions.map((f) => f.encode())));
    return new Uint8Array(bytes);
  }
}
