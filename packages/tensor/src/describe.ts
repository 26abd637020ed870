/**
 * The one way an error message names a value it did not expect: `describeValue` gives its kind and
 * a short description, `show` the value itself as short JSON when it has one. `describeValue` is
 * safe on hostile values: it never calls a value's `toString`, `valueOf` or getters (a Proxy's
 * traps aside), so its text can go into generated-code refusals.
 */
/** How many characters of a string a description keeps. */
const STRING_LIMIT = 40;
/** How many characters of JSON `show` keeps. */
const JSON_LIMIT = 80;
/** How many keys of an object a description lists. */
const KEY_LIMIT = 6;

/** Classes with their own description (tensors), by prototype. */
const describers = new Map<object, (x: any) => string>();

/**
 * Gives instances of `ctor` (exactly, not subclasses) their own description. Internal: the Tensor
 * module registers `a tensor f32[3][2]` this way, so this module imports no Tensor and can sit
 * under everything that checks arguments.
 */
export function registerDescription<T>(
  ctor: abstract new (...args: any[]) => T,
  describe: (x: T) => string,
): void {
  describers.set(ctor.prototype as object, describe);
}

/** `s` cut to `limit` characters (an ellipsis marks the cut). */
function truncate(s: string, limit: number): string {
  return s.length > limit ? `${s.slice(0, limit)}…` : s;
}

/** The own `name` of `x`'s class, read without calling getters; undefined for plain objects. */
function className(proto: object | null): string | undefined {
  if (proto === null || proto === Object.prototype) return undefined;
  const ctor: unknown = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
  if (typeof ctor !== "function") return undefined;
  const name: unknown = Object.getOwnPropertyDescriptor(ctor, "name")?.value;
  return typeof name === "string" && name !== "" && name !== "Object" ? name : undefined;
}

/** A number's text, keeping the sign of -0. */
function numberText(x: number): string {
  return Object.is(x, -0) ? "-0" : String(x);
}

/** `a`/`an` before a word. */
function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

function describeObject(x: object): string {
  if (Array.isArray(x)) return `an array of ${x.length}`;
  const proto = Object.getPrototypeOf(x) as object | null;
  const own = proto === null ? undefined : describers.get(proto);
  if (own !== undefined) return own(x);
  const name = className(proto);
  if (name !== undefined) return article(truncate(name, STRING_LIMIT));
  if (proto !== null && proto !== Object.prototype) return "an object";
  const keys = Object.keys(x);
  if (keys.length === 0) return "an empty object";
  const shown = keys.slice(0, KEY_LIMIT).map((k) => truncate(k, STRING_LIMIT));
  return `an object with keys ${shown.join(", ")}${keys.length > KEY_LIMIT ? ", …" : ""}`;
}

/**
 * A value's kind and a short description, for error messages: `null`, `undefined`, `number 5`,
 * `boolean true`, `"text"` (quoted, cut at 40 characters), `a function`, `an array of 3`, `an
 * object with keys a, b`, `a ModelState` (an instance of a class), `a tensor f32[3][2]`. It never
 * calls the value's `toString`, so it is safe on any value.
 *
 * @example
 * nx.describeValue([1, 2, 3]); // "an array of 3"
 * nx.describeValue(nx.zeros([3, 2])); // "a tensor f32[3][2]"
 */
export function describeValue(x: unknown): string {
  switch (typeof x) {
    case "string":
      return JSON.stringify(truncate(x, STRING_LIMIT));
    case "number":
      return `number ${numberText(x)}`;
    case "boolean":
      return `boolean ${x}`;
    case "bigint":
      return `bigint ${truncate(x.toString(), STRING_LIMIT)}n`;
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

/** True for arrays and objects whose prototype is `Object.prototype` or null. */
function isPlainData(x: object): boolean {
  if (Array.isArray(x)) return true;
  const proto = Object.getPrototypeOf(x) as object | null;
  return proto === null || proto === Object.prototype;
}

/** A JSON replacer that refuses what JSON would drop or change: functions, class instances, NaN. */
function strictJson(_key: string, v: unknown): unknown {
  if (typeof v === "function" || typeof v === "symbol" || typeof v === "bigint")
    throw new TypeError("no JSON form");
  if (typeof v === "number" && !Number.isFinite(v)) throw new TypeError("no JSON form");
  if (typeof v === "object" && v !== null && !isPlainData(v)) throw new TypeError("no JSON form");
  return v;
}

/**
 * A value as an error message shows it: its short JSON (`5`, `"text"`, `[1,2]`, `{"a":1}`, cut at
 * 80 characters) when it is plain data, else its {@link describeValue} (`a function`, `a tensor
 * f32[2]`). Plain data is read as `JSON.stringify` reads it (getters included);
 * anything else only through `describeValue`.
 *
 * @example
 * nx.show({ rate: 0.1 }); // '{"rate":0.1}'
 * nx.show(() => 1); // "a function"
 */
export function show(x: unknown): string {
  if (typeof x === "string") return JSON.stringify(truncate(x, JSON_LIMIT));
  if (typeof x === "number") return numberText(x);
  if (typeof x === "boolean" || x === null || x === undefined) return String(x);
  if (typeof x !== "object") return describeValue(x);
  try {
    if (isPlainData(x)) {
      const json = JSON.stringify(x, strictJson);
      if (json !== undefined) return truncate(json, JSON_LIMIT);
    }
  } catch {
    // Cycles, class instances, functions and non-finite numbers inside: no JSON form.
  }
  return describeValue(x);
}
