/**
 * A reader of Thrift's compact protocol, the encoding of Parquet's footer and page headers — just
 * enough to look at their counts and sizes before Polars does. Values are decoded generically: a
 * struct is a Map from field id to value. Malformed input throws `ThriftError`, never allocates more
 * than the input's size, and nesting is capped.
 */

/** A decoded value: integers as numbers (64-bit ones rounded past 2^53), binary as bytes. */
export type ThriftValue = boolean | number | Uint8Array | ThriftValue[] | ThriftStruct;
/** A decoded struct: field id → value. */
export type ThriftStruct = Map<number, ThriftValue>;

/** The input is not valid compact-protocol Thrift (or is cut short). */
export class ThriftError extends Error {}

const MAX_NESTING = 64;

/** A cursor over compact-protocol bytes. */
export class CompactReader {
  pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
  }

  private byte(): number {
    if (this.pos >= this.bytes.length) throw new ThriftError("cut short");
    return this.bytes[this.pos++]!;
  }

  /** An unsigned LEB128 varint (at most 10 bytes), as a number. */
  private varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new ThriftError("varint too long");
  }

  /** A zigzag-encoded signed varint. */
  private signed(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  /** A length, checked against the bytes left (each element takes at least `unit` bytes). */
  private length(unit: number): number {
    const n = this.varint();
    if (n * unit > this.bytes.length - this.pos) throw new ThriftError("length past the end");
    return n;
  }

  private value(type: number, depth: number): ThriftValue {
    switch (type) {
      case 1:
        return true;
      case 2:
        return false;
      case 3: {
        const b = this.byte();
        return b > 127 ? b - 256 : b;
      }
      case 4:
      case 5:
      case 6:
        return this.signed();
      case 7: {
        if (this.pos + 8 > this.bytes.length) throw new ThriftError("cut short");
        const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8);
        this.pos += 8;
        return view.getFloat64(0, true);
      }
      case 8: {
        const n = this.length(1);
        this.pos += n;
        return this.bytes.subarray(this.pos - n, this.pos);
      }
      case 9:
      case 10:
        return this.list(depth);
      case 11:
        return this.map(depth);
      case 12:
        return this.struct(depth + 1);
      default:
        throw new ThriftError(`unknown type ${type}`);
    }
  }

  private list(depth: number): ThriftValue[] {
    const head = this.byte();
    const size = head >> 4 === 15 ? this.length(1) : head >> 4;
    const type = head & 0x0f;
    const out: ThriftValue[] = [];
    for (let i = 0; i < size; i++) {
      // Booleans in a list are one byte each (1 true, 2 false).
      out.push(type === 1 || type === 2 ? this.byte() === 1 : this.value(type, depth + 1));
    }
    return out;
  }

  private map(depth: number): ThriftValue[] {
    const size = this.length(2);
    if (size === 0) return [];
    const types = this.byte();
    const out: ThriftValue[] = [];
    for (let i = 0; i < size; i++) {
      out.push(this.value(types >> 4, depth + 1), this.value(types & 0x0f, depth + 1));
    }
    return out;
  }

  /** A struct, up to its stop byte. */
  struct(depth = 0): ThriftStruct {
    if (depth > MAX_NESTING) throw new ThriftError("nested too deep");
    const out: ThriftStruct = new Map();
    let id = 0;
    for (;;) {
      const head = this.byte();
      if (head === 0) return out;
      const delta = head >> 4;
      id = delta === 0 ? this.signed() : id + delta;
      out.set(id, this.value(head & 0x0f, depth));
    }
  }
}
