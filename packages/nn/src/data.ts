/**
 * Batches for the training loop: `repeat(batch)` (an endless stream of one batch, as Elixir's
 * `Stream.repeatedly`) and `batches(x, y, options)` (mini-batches of two tensors, optionally
 * shuffled with a seed, a new order every epoch).
 */
import * as nx from "@dendrite/tensor";

/** One `[x, y]` batch of a supervised data set. */
export type Batch<X = nx.Tensor, Y = nx.Tensor> = readonly [X, Y];

/**
 * Data the loop can run over. Besides any iterable or async iterable, an object may offer
 * `forEpoch(epoch)` to give each epoch its own pass (what `batches` does, so a shuffled order
 * depends only on the seed and the epoch, and a resumed run sees the same batches).
 */
export interface EpochData<T> extends Iterable<T> {
  /** The batches of epoch `epoch` (0-based). */
  forEpoch(epoch: number): Iterable<T>;
}

/**
 * An endless iterable that yields `batch` again and again (Elixir's `Stream.repeatedly(fn ->
 * batch end)`); bound it with `run(..., { iterations })`.
 */
export function repeat<T>(batch: T): Iterable<T> {
  return {
    [ENDLESS]: true,
    *[Symbol.iterator]() {
      for (;;) yield batch;
    },
  } as Iterable<T>;
}

/** Marks endless iterables, so a loop run over one without `iterations` can say so. */
const ENDLESS = Symbol.for("dendrite.nn.endless");

/** Options of `batches`. */
export interface BatchesOptions {
  /** Rows per batch. */
  batchSize: number;
  /** Shuffle the rows, in a new order every epoch (default false). */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Drop the last batch when it has fewer than `batchSize` rows (default false). */
  dropRemainder?: boolean;
}

/**
 * Mini-batches `[x, y]` of rows of `x` and `y` (which must have the same number of rows). The
 * result can be iterated any number of times (each pass is an epoch); with `shuffle`, epoch `e`
 * uses the permutation drawn from key `split(key(seed), e + 1)[e]`, so runs are reproducible.
 */
export function batches(
  x: nx.Tensor,
  y: nx.Tensor,
  options: BatchesOptions,
): EpochData<Batch> & { readonly length: number } {
  if (!nx.isTensor(x) || !nx.isTensor(y))
    throw new TypeError("batches: x and y must be tensors (use nx.tensor(...) to make them)");
  if (x.rank === 0 || y.rank === 0)
    throw new RangeError(
      `batches: x and y need a batch axis, got ${nx.formatType(x.shape, x.dtype)} and ${nx.formatType(y.shape, y.dtype)}`,
    );
  const rows = x.shape[0]!;
  if (y.shape[0] !== rows)
    throw new RangeError(
      `batches: x has ${rows} rows (${nx.formatType(x.shape, x.dtype)}) but y has ${y.shape[0]} (${nx.formatType(y.shape, y.dtype)})`,
    );
  const { batchSize, shuffle = false, seed = 0, dropRemainder = false } = options ?? {};
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batches: batchSize must be a positive integer, got ${String(batchSize)}`);
  if (!Number.isInteger(seed))
    throw new RangeError(`batches: seed must be an integer, got ${seed}`);
  const length = dropRemainder ? Math.floor(rows / batchSize) : Math.ceil(rows / batchSize);
  let passes = 0;
  const forEpoch = (epoch: number): Iterable<Batch> => {
    let xs = x;
    let ys = y;
    if (shuffle) {
      const keys = nx.random.split(nx.random.key(seed), epoch + 1);
      const key = nx.sliceAlong(keys, epoch, 1).reshape([2]);
      const order = nx.random.permutation(key, rows);
      xs = nx.take(x, order, { axis: 0 });
      ys = nx.take(y, order, { axis: 0 });
    }
    return {
      *[Symbol.iterator]() {
        const bx = nx.toBatched(xs, batchSize);
        const by = nx.toBatched(ys, batchSize);
        for (let full = Math.floor(rows / batchSize); full > 0; full--)
          yield [bx.next().value as nx.Tensor, by.next().value as nx.Tensor] as const;
        const rest = rows % batchSize;
        if (rest > 0 && !dropRemainder)
          yield [
            nx.sliceAlong(xs, rows - rest, rest),
            nx.sliceAlong(ys, rows - rest, rest),
          ] as const;
      },
    };
  };
  return {
    length,
    forEpoch,
    [Symbol.iterator]: () => forEpoch(passes++)[Symbol.iterator](),
  };
}
