/** The Tensor value: an immutable n-dimensional array with a shape and a dtype. */
import {
  isComplex,
  numbersOf,
  type Complex,
  type DType,
  type NumberArray,
  type TypedArray,
} from "./dtype.js";
import { formatTensor, formatType, formatShape } from "./format.js";
import { registerDescription } from "./describe.js";
import type { Shape } from "./shape.js";
import { sizeOf } from "./shape.js";
import type { Node } from "./graph.js";
import { retain } from "./wasm/outputs.js";

/**
 * An immutable n-dimensional array. A tensor is concrete (it holds data), symbolic (it stands for a
 * value inside a function being traced by `jit`) or a template (shape and dtype only).
 * Ops never change a tensor; they return new ones, and memory is reclaimed by the garbage collector
 * (or at once by `dispose`).
 */
export class Tensor {
  /** The size of each axis. */
  readonly shape: Shape;
  /** The element type. */
  readonly dtype: DType;
  /**
   * @internal Row-major data, when concrete. Its values never change; the array may move into the
   * Wasm memory once programs keep reading it (placement.ts), and `dispose` drops it.
   */
  _data: TypedArray | undefined;
  /** @internal The graph node, when symbolic. */
  readonly _node: Node | undefined;
  /** @internal True once `dispose` gave the data back. */
  _disposed = false;

  /** @internal Use `tensor()` and the other creation functions instead. */
  constructor(shape: Shape, dtype: DType, data?: TypedArray, node?: Node) {
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze(shape.slice());
    this.dtype = dtype;
    this._data = data;
    this._node = node;
    if (data !== undefined) retain(data);
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /**
   * True for a value being traced inside `jit` (or a transformation such as `grad` under `jit`): it
   * has a shape and a dtype but no values yet, so code that would read them must not.
   */
  get isTraced(): boolean {
    return this._node !== undefined;
  }

  /** True when the tensor has no data (a `template`). */
  get isTemplate(): boolean {
    return this._data === undefined && this._node === undefined && !this._disposed;
  }

  /** @internal The data, or an error that says why there is none. */
  _concrete(op: string): TypedArray {
    if (this._data) return this._data;
    if (this._disposed)
      throw new Error(
        `${op}: this tensor was disposed (nx.dispose); its memory may hold other values now`,
      );
    if (this._node) {
      throw new Error(
        `${op}: cannot read the values of a traced tensor (${this.toString().split("\n")[1]!.trim()}) inside jit; ` +
          `return it from the jitted function instead`,
      );
    }
    throw new Error(`${op}: this tensor is a template (shape and dtype only) and has no data`);
  }

  /**
   * A copy of the elements as a typed array of numbers, row-major: of the tensor's dtype, except
   * that f16 and bf16 give their values as a `Float32Array` and s64 as a `Float64Array` (exact up
   * to 2^53 in magnitude); a complex tensor's holds its parts interleaved (re, im), two numbers an
   * element. `toBytes` gives the stored bits.
   */
  data(): NumberArray {
    const d = this._concrete("data");
    const n = numbersOf(this.dtype, d);
    return n === d ? n.slice() : n;
  }

  /**
   * A copy of the stored elements as bytes in the host's order (little-endian on the platforms
   * Node runs on), row-major: Nx's `to_binary`, which `fromBuffer` reads back. They are the bits
   * of f16 and bf16, and the exact integers of s64 (`new BigInt64Array(t.toBytes().buffer)`).
   */
  toBytes(): Uint8Array {
    const d = this._concrete("toBytes");
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
  }

  /**
   * The elements as nested JS arrays (a number for a scalar); a complex tensor's elements are
   * `{ re, im }` objects, which `tensor` reads back.
   */
  toArray(): any {
    const data = numbersOf(this.dtype, this._concrete("toArray"));
    const shape = this.shape;
    const d: ArrayLike<number | Complex> = isComplex(this.dtype) ? complexElements(data) : data;
    if (shape.length === 0) return d[0];
    const build = (axis: number, offset: number, stride: number): any[] => {
      const n = shape[axis]!;
      const inner = stride / (n || 1);
      const out = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] =
          axis === shape.length - 1 ? d[offset + i] : build(axis + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, sizeOf(shape));
  }

  /** The value of a tensor with exactly one element. */
  toNumber(): number {
    const d = this._concrete("toNumber");
    if (isComplex(this.dtype))
      throw new TypeError(
        `toNumber: a ${formatType(this.shape, this.dtype)} tensor has complex values; take nx.real or nx.imag first, or use toArray`,
      );
    if (d.length !== 1) {
      throw new RangeError(
        `toNumber: expected a tensor with one element, got shape ${formatShape(this.shape)}`,
      );
    }
    return numbersOf(this.dtype, d)[0]!;
  }

  /** Printed like Nx: the type, then the values (truncated for big tensors). */
  toString(): string {
    if (this._node)
      return `Tensor<\n  ${formatTensor(this.shape, this.dtype, undefined).split("\n")[1]!.trim()}\n  (traced)\n>`;
    return formatTensor(
      this.shape,
      this.dtype,
      // s64 prints its bigints exactly.
      this._data === undefined || this.dtype === "s64"
        ? this._data
        : numbersOf(this.dtype, this._data),
    );
  }

  /** Used by `console.log` and `util.inspect` in Node.js. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** The `{ re, im }` elements of interleaved complex data. */
function complexElements(data: ArrayLike<number>): Complex[] {
  const out = new Array<Complex>(data.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = { re: data[2 * i]!, im: data[2 * i + 1]! };
  return out;
}

registerDescription(Tensor, (t) => `a tensor ${formatType(t.shape, t.dtype)}`);

/** True when `x` is a Tensor. */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
