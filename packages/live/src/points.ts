// Checking and normalising what users push, so that the page receives plain JSON rows.
import { describeValue } from "@dendrite/plot";
import type { Point } from "./history.js";

/** Options of `push`, `pushMany` and `clear`. */
export interface PushOptions {
  /** Keep only the newest `window` points of the dataset (Kino.VegaLite's `window`). */
  readonly window?: number;
  /** The named data source to push to; defaults to the chart's main data. */
  readonly dataset?: string;
}

/**
 * A shallow copy of `point` whose values are JSON-ready: numbers, strings, booleans and null stay;
 * a `Date` becomes its ISO string, a `bigint` a number, a scalar tensor (anything with
 * `toNumber()`) its number. Throws, naming the field, on anything else.
 */
export function normalizePoint(point: unknown, where: string): Point {
  if (point === null || typeof point !== "object" || Array.isArray(point)) {
    throw new TypeError(
      `${where}: a point must be an object such as { epoch: 1, loss: 0.5 }, got ${describeValue(point)}`,
    );
  }
  const out: Point = {};
  for (const [field, value] of Object.entries(point)) {
    out[field] = normalizeValue(value, field, where);
  }
  return out;
}

function normalizeValue(value: unknown, field: string, where: string): unknown {
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? value : null;
    case "string":
    case "boolean":
      return value;
    case "bigint":
      return Number(value);
    case "undefined":
      return null;
    case "object": {
      if (value === null) return null;
      if (value instanceof Date) return value.toISOString();
      const toNumber = (value as { toNumber?: unknown }).toNumber;
      if (typeof toNumber === "function") {
        const n = toNumber.call(value) as unknown;
        if (typeof n === "number") return Number.isFinite(n) ? n : null;
      }
      break;
    }
  }
  throw new TypeError(
    `${where}: field "${field}" is ${describeValue(value)}; a point's values must be numbers, strings, ` +
      `booleans, dates or null (call .toNumber() on a tensor first)`,
  );
}

/** Checks a `window` option: a positive integer, or undefined. */
export function checkWindow(window: unknown, where: string): number | undefined {
  if (window === undefined) return undefined;
  if (typeof window !== "number" || !Number.isInteger(window) || window < 1) {
    throw new RangeError(
      `${where}: window must be a positive integer, got ${describeValue(window)}`,
    );
  }
  return window;
}

/**
 * At most `max` of `points` for display: all of them when they fit, otherwise evenly spaced ones
 * that start with the oldest and end with the newest.
 */
export function thinPoints(points: readonly Point[], max: number): Point[] {
  const n = points.length;
  if (n <= max) return points.slice();
  const out: Point[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (n - 1)) / (max - 1))]!);
  return out;
}
