/**
 * Fixes applied to nodejs-polars 0.24.1 when `@dendrite/data` is loaded, so that the `pl` it
 * re-exports behaves as Polars does in Python and Rust:
 *
 * - `Series.sum()` of a boolean Series returns the number of `true` values (nulls ignored). 0.24.1
 *   returns a boolean (`pl.Series([true, false, true]).sum()` is `false`), while the expression
 *   `pl.col("b").sum()` and `df.sum()` already count.
 *
 * A Series is a fresh object per value, but its `sum` calls the native series' `sum`, whose class is
 * shared; that class method is wrapped, once per process.
 */
import pl from "nodejs-polars";

const PATCHED = Symbol.for("@dendrite/data: boolean Series.sum counts true values");

interface NativeSeries {
  dtype: string;
  cast(dtype: pl.DataType, strict: boolean): NativeSeries;
  sum(): unknown;
  [PATCHED]?: boolean;
}

/** Makes a boolean Series' `sum()` the count of its `true` values. Safe to call more than once. */
export function patchBooleanSum(): void {
  const native = (pl.Series([true]) as unknown as { _s?: NativeSeries })._s;
  if (typeof native !== "object" || native === null) return;
  const proto = Object.getPrototypeOf(native) as NativeSeries;
  if (proto[PATCHED] || typeof proto.sum !== "function") return;
  const sum = proto.sum;
  proto.sum = function (this: NativeSeries): unknown {
    return this.dtype === "Bool" ? sum.call(this.cast(pl.UInt32, true)) : sum.call(this);
  };
  Object.defineProperty(proto, PATCHED, { value: true });
}
