/**
 * The batching protocol: what training and evaluation loops read, epoch by epoch. nn's
 * `batches(x, y)` and `repeat(batch)` and data's `batches(frame or CSV, …)` implement it, so a
 * loop takes any of them — and arrays, iterables and async iterables of batches too.
 */
import { show } from "./describe.js";
import { checkInteger } from "./ops/check.js";
import { sliceAlong } from "./ops/shape.js";
import { key, split } from "./random.js";
import type { Tensor } from "./tensor.js";

/**
 * A source of batches, one pass per epoch. `forEpoch(e)` must give the same batches for the same
 * `e` (a shuffled order derived from a seed and the epoch), so a resumed run sees the batches the
 * interrupted one would have.
 */
export interface BatchSource<T = unknown> {
  /** The batches of epoch `epoch` (0-based). */
  forEpoch(epoch: number): Iterable<T> | AsyncIterable<T>;
  /** Batches per epoch, when known (progress lines use it). */
  readonly length?: number;
  /** True when an epoch never ends (`repeat`): a loop then needs an iteration count. */
  readonly endless?: boolean;
}

/** Whether `x` implements {@link BatchSource}. */
export function isBatchSource(x: unknown): x is BatchSource {
  return typeof (x as BatchSource | null)?.forEpoch === "function";
}

/**
 * The random key a source shuffled from `seed` uses in epoch `epoch`: the same for the same seed
 * and epoch, different across epochs (so every epoch has its own order).
 */
export function epochKey(seed: number, epoch: number): Tensor {
  checkInteger("epochKey", "seed", seed);
  checkInteger("epochKey", "epoch", epoch, 0);
  return sliceAlong(split(key(seed), epoch + 1), epoch, 1).reshape([2]);
}

/** Each epoch's batches of some data, however it was given. */
export interface Epochs<T = unknown> {
  /** An iterator over the batches of epoch `epoch`. */
  open(epoch: number): Iterator<T> | AsyncIterator<T>;
  /** Batches per epoch, when known. */
  readonly length: number | undefined;
  /** Whether an epoch never ends. */
  readonly endless: boolean;
}

/**
 * The epochs of `data`: a {@link BatchSource}, or an array, iterable or async iterable of batches
 * (read again from the start each epoch; a generator object can be read only once).
 *
 * @throws TypeError naming `where` when `data` is none of these.
 */
export function epochsOf<T = unknown>(data: unknown, where: string): Epochs<T> {
  if (typeof where !== "string")
    throw new TypeError(`epochsOf: where must be the caller's name, got ${show(where)}`);
  const d = data as Record<string | symbol, any> | null | undefined;
  const length = typeof d?.length === "number" ? (d.length as number) : undefined;
  if (isBatchSource(d)) {
    const source = d as BatchSource<T>;
    return {
      open: (epoch) => {
        const pass = source.forEpoch(epoch) as Partial<Iterable<T> & AsyncIterable<T>>;
        if (typeof pass?.[Symbol.asyncIterator] === "function")
          return pass[Symbol.asyncIterator]!();
        if (typeof pass?.[Symbol.iterator] === "function") return pass[Symbol.iterator]!();
        throw new TypeError(`${where}: forEpoch(${epoch}) returned ${show(pass)}, not batches`);
      },
      length,
      endless: source.endless === true,
    };
  }
  if (typeof d?.[Symbol.asyncIterator] === "function")
    return { open: () => d[Symbol.asyncIterator]() as AsyncIterator<T>, length, endless: false };
  if (typeof d?.[Symbol.iterator] === "function" && typeof data !== "string")
    return { open: () => d[Symbol.iterator]() as Iterator<T>, length, endless: false };
  throw new TypeError(
    `${where}: data must be an iterable or async iterable of batches, or a batch source (nn.batches(x, y, { batchSize }), nn.repeat([x, y]), data.batches(frame, { … })), got ${show(data)}`,
  );
}
