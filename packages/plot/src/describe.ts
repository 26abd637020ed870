/**
 * How plot's (and live's) error messages name a value they did not expect. Plot has no tensor
 * dependency (see ARCHITECTURE.md), so this is its own copy of `nx.describeValue`'s rules, with the
 * same text; live takes it from here.
 */

/** How many characters of a string a description keeps. */
const STRING_LIMIT = 40;
/** How many keys of an object a description lists. */
const KEY_LIMIT = 6;

function truncate(s: string): string {
  return s.length > STRING_LIMIT ? `${s.slice(0, STRING_LIMIT)}…` : s;
}

/** The own `name` of a prototype's class, read without calling getters; undefined for `Object`. */
function className(proto: object | null): string | undefined {
  if (proto === null || proto === Object.prototype) return undefined;
  const ctor: unknown = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
  if (typeof ctor !== "function") return undefined;
  const name: unknown = Object.getOwnPropertyDescriptor(ctor, "name")?.value;
  return typeof name === "string" && name !== "" && name !== "Object" ? name : undefined;
}

/** A tensor-like's `shape` and `dtype` as `f32[3][2]`, when it has plain ones. */
function tensorType(x: object): string | undefined {
  const shape: unknown = Object.getOwnPropertyDescriptor(x, "shape")?.value;
  const dtype: unknown = Object.getOwnPropertyDescriptor(x, "dtype")?.value;
  if (!Array.isArray(shape) || typeof dtype !== "string") return undefined;
  return `${dtype}${shape.map((d) => `[${typeof d === "number" ? d : "?"}]`).join("")}`;
}

function describeObject(x: object): string {
  if (Array.isArray(x)) return `an array of ${x.length}`;
  const proto = Object.getPrototypeOf(x) as object | null;
  const name = className(proto);
  if (name === "Tensor") {
    const type = tensorType(x);
    if (type !== undefined) return `a tensor ${type}`;
  }
  if (name !== undefined) return `${/^[aeiou]/i.test(name) ? "an" : "a"} ${truncate(name)}`;
  if (proto !== null && proto !== Object.prototype) return "an object";
  const keys = Object.keys(x);
  if (keys.length === 0) return "an empty object";
  const shown = keys.slice(0, KEY_LIMIT).map(truncate);
  return `an object with keys ${shown.join(", ")}${keys.length > KEY_LIMIT ? ", …" : ""}`;
}

/**
 * A value's kind and a short description, for error messages — the same text as
 * `nx.describeValue`: `null`, `undefined`, `number 5`, `"text"` (quoted, cut at 40 characters),
 * `a function`, `an array of 3`, `an object with keys a, b`, `a DataFrame` (an instance of a
 * class), `a tensor f32[3][2]`. It never calls the value's `toString` or getters.
 *
 * @example
 * plot.describeValue({ x: 1 }); // "an object with keys x"
 */
export function describeValue(x: unknown): string {
  switch (typeof x) {
    case "string":
      return JSON.stringify(truncate(x));
    case "number":
      return `number ${Object.is(x, -0) ? "-0" : String(x)}`;
    case "boolean":
      return `boolean ${x}`;
    case "bigint":
      return `bigint ${truncate(x.toString())}n`;
    case "undefined":
      return "undefined";
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
  }
  if (x === null) return "null";
  try {
    return describeObject(x as object);
  } catch {
    return "an object"; // a Proxy whose traps throw
  }
}
