// Text rendering of tensors in the style of Elixir Nx's `inspect`:
//
//   Tensor<
//     f32[2][3]
//     [
//       [1.0, 2.0, 3.0],
//       [4.0, 5.0, 6.0]
//     ]
//   >
//
// Truncation follows Nx: at most `limit` values are printed in row-major order; a dimension that
// still has entries left when the budget runs out gets a single `...` entry and stops.

import { describeValue } from "./describe.js";

import { toBFloat16Bits, toFloat16Bits } from "./half.js";

import type { DType } from "./dtype.js";

export type { DType };

const DEFAULT_LIMIT = 50;

/** `f32[2][3]`; a scalar is `f32`. */
export function formatType(shape: readonly number[], dtype: DType): string {
  if (!Array.isArray(shape))
    throw new TypeError(`formatType: shape must be an array, got ${describeValue(shape)}`);
  let s: string = dtype;
  for (const d of shape) s += `[${d}]`;
  return s;
}

/**
 * A shape as every error message writes one without a dtype: `[2, 3]`, with `null` for a
 * dimension not known yet (a model's batch axis): `[null, 7]`. A typed value is written with
 * {@link formatType} instead (`f32[2][3]`).
 */
export function formatShape(shape: readonly (number | null)[]): string {
  if (!Array.isArray(shape))
    throw new TypeError(`formatShape: shape must be an array, got ${describeValue(shape)}`);
  const dims = shape.map((d: unknown) =>
    typeof d === "number" || d === null ? String(d) : describeValue(d),
  );
  return `[${dims.join(", ")}]`;
}

/** Shortest decimal text of a value that round-trips in its dtype (f32 values printed with the fewest digits that read back to the same float32, e.g. 0.1 not 0.10000000149011612; floats always show a decimal point: 1.0, -2.5, 1.0e-10 style for tiny/huge like Nx: use JS exponent form `1.0e-10`; NaN, Infinity, -Infinity printed as NaN, Inf, -Inf). Integers print plainly. */
export function formatNumber(x: number | bigint, dtype: DType): string {
  if (typeof x === "bigint") return String(x); // s64, exact
  if (dtype !== "f32" && dtype !== "f64" && dtype !== "f16" && dtype !== "bf16") return String(x);
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Inf";
  if (x === -Infinity) return "-Inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  if (dtype === "f64") return withPoint(String(x));
  const round = dtype === "f32" ? Math.fround : dtype === "f16" ? toFloat16Bits : toBFloat16Bits;
  return withPoint(shortest(dtype === "f32" ? Math.fround(x) : x, round));
}

/**
 * Shortest JS number text that reads back to the value `f` of a float type, `round` being that
 * type's rounding (Math.fround for f32, the bits for f16 and bf16).
 */
function shortest(f: number, round: (x: number) => number): string {
  const target = round(f);
  for (let p = 1; p < 9; p++) {
    // The correctly rounded p-digit decimal is the closest one to f, so if any p-digit decimal
    // rounds back to f, this one does.
    const y = Number(f.toPrecision(p));
    if (round(y) === target) return String(y);
  }
  return String(Number(f.toPrecision(9))); // 9 significant digits always round-trip a float32
}

/** Turns JS number text into Nx float style: `1` -> `1.0`, `1e-7` -> `1.0e-7`, `1.5e+21` -> `1.5e21`. */
function withPoint(s: string): string {
  const e = s.indexOf("e");
  let mant = e < 0 ? s : s.slice(0, e);
  if (!mant.includes(".")) mant += ".0";
  if (e < 0) return mant;
  const exp = s.slice(e + 1);
  return `${mant}e${exp.startsWith("+") ? exp.slice(1) : exp}`;
}

/** Text like Nx's inspect: the type line `f32[2][3]` then the values as nested brackets, truncated for big tensors. */
export function formatTensor(
  shape: readonly number[],
  dtype: DType,
  data: ArrayLike<number | bigint> | undefined,
  opts?: { limit?: number; name?: string },
): string {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`formatTensor: bad dimension ${d} in shape ${formatShape(shape)}`);
    }
  }
  const name = opts?.name ?? "Tensor";
  const limit = opts?.limit ?? DEFAULT_LIMIT;
  if (!(limit >= 0)) throw new RangeError(`formatTensor: limit must be >= 0, got ${limit}`);

  let body: string[];
  if (data === undefined) {
    body = ["(template: no data)"];
  } else if (shape.length === 0) {
    body = [formatElement(data, 0, dtype)];
  } else {
    const state: Walk = { data, dtype, shape, index: 0, budget: limit };
    body = renderDim(state, 0);
  }

  const lines = [`${name}<`, `  ${formatType(shape, dtype)}`];
  for (const line of body) lines.push(`  ${line}`);
  lines.push(">");
  return lines.join("\n");
}

/**
 * Element `i` of `data` as text: a number, or for a complex type (stored as interleaved pairs) its
 * parts as Nx writes them, `1.0+2.0i` or `1.0-2.0i`.
 */
function formatElement(data: ArrayLike<number | bigint>, i: number, dtype: DType): string {
  if (dtype !== "c64" && dtype !== "c128") return formatNumber(read(data, i), dtype);
  const part = dtype === "c64" ? "f32" : "f64";
  const re = Number(read(data, 2 * i));
  const im = Number(read(data, 2 * i + 1));
  const minus = im < 0 || Object.is(im, -0);
  return `${formatNumber(re, part)}${minus ? "-" : "+"}${formatNumber(minus ? -im : im, part)}i`;
}

interface Walk {
  readonly data: ArrayLike<number | bigint>;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Flat row-major index of the next value to print. */
  index: number;
  /** Values still allowed to be printed (may be Infinity). */
  budget: number;
}

function read(data: ArrayLike<number | bigint>, i: number): number | bigint {
  if (i >= data.length) {
    throw new RangeError(`formatTensor: data has ${data.length} values, needed index ${i}`);
  }
  return data[i]!;
}

/** Lines (unindented) for the sub-tensor at dimension `axis` starting at `state.index`. */
function renderDim(state: Walk, axis: number): string[] {
  const n = state.shape[axis]!;
  if (n === 0) return ["[]"];

  if (axis === state.shape.length - 1) {
    const items: string[] = [];
    for (let i = 0; i < n; i++) {
      if (state.budget <= 0) {
        items.push("...");
        break;
      }
      items.push(formatElement(state.data, state.index, state.dtype));
      state.index++;
      state.budget--;
    }
    return [`[${items.join(", ")}]`];
  }

  const lines = ["["];
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    if (state.budget <= 0) {
      lines.push("  ...");
      break;
    }
    const child = renderDim(state, axis + 1);
    for (let j = 0; j < child.length; j++) {
      const sep = !last && j === child.length - 1 ? "," : "";
      lines.push(`  ${child[j]}${sep}`);
    }
  }
  lines.push("]");
  return lines;
}
