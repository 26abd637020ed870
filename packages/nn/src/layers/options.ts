/**
 * Kinds of layer options. Each kind says how a user's value is checked and saved as JSON (with
 * its default), how the saved value is read back (checked again, since files can be anything),
 * and under which name `asTable` shows it. Errors name the layer, the option and the bad value:
 * `dense: units must be a positive integer, got number 0`.
 */
import * as nx from "@dendrite/tensor";
import {
  initializerFromConfig,
  resolveInitializer,
  type Initializer,
  type InitializerLike,
} from "../initializers.js";
import { type Json } from "../model.js";

/** A layer's saved options. */
export type Config = { readonly [k: string]: Json };

/**
 * How one option is checked, saved, read back and shown. `In` is what users pass, `Value` what the
 * layer's functions get.
 */
export interface OptionKind<In, Value> {
  /**
   * Checks a user's value (undefined for the default) and returns its saved JSON form. `where`
   * names the layer and option (`"dense: units"`); `earlier` holds the options saved before it.
   */
  readonly save: (value: In | undefined, where: string, earlier: Config) => Json;
  /** The value the layer uses, from a saved form (checked: it may come from a file). */
  readonly read: (saved: Json, where: string) => Value;
  /** The name `asTable` shows it under; absent when it is not shown. */
  readonly display?: string;
}

/** What every kind takes: its default and its displayed name. */
export interface KindOptions<T> {
  /** The value used when the option is not given, or a function of the options saved before it. */
  readonly default?: T | ((earlier: Config) => T);
  /** The name `asTable` shows it under (absent: not shown). */
  readonly display?: string;
}

function defaultOf<T>(o: KindOptions<T>, earlier: Config): T | undefined {
  return typeof o.default === "function"
    ? (o.default as (e: Config) => T)(earlier)
    : (o.default as T | undefined);
}

/**
 * A kind whose saved form is the value itself: `check` validates (throwing with `where`) both the
 * user's value and a value read from a file.
 */
export function plain<T extends Json>(
  check: (value: unknown, where: string) => T,
  o: KindOptions<T> = {},
): OptionKind<T, T> {
  return {
    save: (value, where, earlier) => check(value ?? defaultOf(o, earlier), where),
    read: (saved, where) => check(saved, where),
    ...(o.display === undefined ? {} : { display: o.display }),
  };
}

/** Checks that `x` is a positive integer; the error names `where` and the value. */
export function checkPositiveInt(x: unknown, where: string): number {
  if (typeof x !== "number" || !Number.isInteger(x) || x < 1)
    throw new RangeError(`${where} must be a positive integer, got ${nx.show(x)}`);
  return x;
}

/** A positive integer (`units`, `filters`); required when it has no default. */
export function positiveInt(o: KindOptions<number> = {}): OptionKind<number, number> {
  return plain(checkPositiveInt, o);
}

/** An integer (an axis). */
export function integer(o: KindOptions<number> = {}): OptionKind<number, number> {
  return plain((x, where) => {
    if (typeof x !== "number" || !Number.isInteger(x))
      throw new TypeError(`${where} must be an integer, got ${nx.show(x)}`);
    return x;
  }, o);
}

/** A number accepted by `ok`; `range` words it in the error (`"in [0, 1)"`). */
export function number(
  range: string,
  ok: (x: number) => boolean,
  o: KindOptions<number> = {},
): OptionKind<number, number> {
  return plain((x, where) => {
    if (typeof x !== "number" || !ok(x))
      throw new RangeError(`${where} must be ${range}, got ${nx.show(x)}`);
    return x;
  }, o);
}

/** A boolean. */
export function boolean(o: KindOptions<boolean> = {}): OptionKind<boolean, boolean> {
  return plain((x, where) => {
    if (typeof x !== "boolean")
      throw new TypeError(`${where} must be true or false, got ${nx.describeValue(x)}`);
    return x;
  }, o);
}

/** One of a few strings. */
export function oneOf<const T extends string>(
  values: readonly T[],
  o: KindOptions<T> = {},
): OptionKind<T, T> {
  return plain((x, where) => {
    if (!values.includes(x as T))
      throw new RangeError(
        `${where} must be ${values.map((v) => JSON.stringify(v)).join(" or ")}, got ${nx.show(x)}`,
      );
    return x as T;
  }, o);
}

/** A positive integer for every spatial axis, or one for all (`kernelSize: 3` or `[3, 2]`). */
export function sizes(
  o: KindOptions<number | readonly number[]> = {},
): OptionKind<number | readonly number[], number | number[]> {
  const check = (x: unknown, where: string): number | number[] => {
    if (typeof x === "number") return checkPositiveInt(x, where);
    if (Array.isArray(x)) return x.map((d: unknown) => checkPositiveInt(d, where));
    throw new TypeError(
      `${where} must be a number or an array of numbers, got ${nx.describeValue(x)}`,
    );
  };
  return {
    save: (value, where, earlier) => check(value ?? defaultOf(o, earlier), where),
    read: check,
    ...(o.display === undefined ? {} : { display: o.display }),
  };
}

/** An initializer: a name or one from `nn.initializers`, saved as its config. */
export function initializer(
  fallback: InitializerLike,
  o: Omit<KindOptions<never>, "default"> = {},
): OptionKind<InitializerLike, Initializer> {
  return {
    save: (value, where) => resolveInitializer(value ?? fallback, where).config,
    read: (saved, where) => {
      if (
        typeof saved !== "object" ||
        saved === null ||
        Array.isArray(saved) ||
        typeof (saved as { name?: unknown }).name !== "string"
      )
        throw new TypeError(
          `${where} must be an initializer's config { name, ... }, got ${nx.describeValue(saved)}`,
        );
      return initializerFromConfig(saved as { name: string });
    },
    ...(o.display === undefined ? {} : { display: o.display }),
  };
}
