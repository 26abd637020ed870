/**
 * Tables: rows of named columns kept by another package (`@dendrite/data`'s DataFrames) that code
 * built on tensor alone takes as input. The package that owns a kind of table registers how to
 * recognise one, read it as a tensor and take some of its rows; `@dendrite/data` registers
 * DataFrames when it is loaded, so learn's estimators take DataFrames without importing data.
 */
import type { Tensor } from "./tensor.js";
import { show } from "./describe.js";

/** What every table has: a number of rows and column names. */
export interface TableLike {
  readonly height: number;
  readonly columns: readonly string[];
}

/** How to use one kind of table. */
export interface TableType<T extends TableLike = TableLike> {
  /** The kind's name, for messages (`"DataFrame"`). */
  readonly name: string;
  /** Whether `x` is a table of this kind. */
  is(x: unknown): x is T;
  /** All columns as a `[rows, columns]` tensor of `dtype`; errors name the column and the row. */
  toTensor(table: T, dtype: "f32" | "f64"): Tensor;
  /** The rows at `indices`, in that order, as a table of the same kind. */
  takeRows(table: T, indices: readonly number[]): T;
}

const tableTypes = new Map<string, TableType<any>>();

/**
 * Registers (or replaces, by name) a kind of table.
 *
 * @throws TypeError when `type` lacks a name or one of its functions.
 */
export function registerTableType<T extends TableLike>(type: TableType<T>): void {
  const ok =
    typeof type?.name === "string" &&
    type.name !== "" &&
    ["is", "toTensor", "takeRows"].every((k) => typeof (type as any)[k] === "function");
  if (!ok)
    throw new TypeError(
      `registerTableType: expected { name, is, toTensor, takeRows }, got ${show(type)}`,
    );
  tableTypes.set(type.name, type);
}

/** The registered kind of table `x` is, if any. */
export function tableTypeOf(x: unknown): TableType | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  for (const type of tableTypes.values()) if (type.is(x)) return type;
  return undefined;
}
