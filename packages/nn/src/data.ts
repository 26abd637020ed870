/**
 * Batches for the training loop: `repeat(batch)` (an endless stream of one batch, as Elixir's
 * `Stream.repeatedly`) and `batches(x, y, options)` (mini-batches of two tensors, optionally
 * shuffled with a seed, a new order every epoch). Both implement tensor's batching protocol
 * (`nx.BatchSource`), as data's `batches` over DataFrames and CSV files does.
 */
import * as nx from "@dendrite/tensor";

/** One `[x, y]` batch of a supervised data set. */
export type Batch<X = nx.Tensor, Y = nx.Tensor> = readonly [X, Y];

/**
 * An endless iterable that yields `batch` again and again (Elixir's `Stream.repeatedly(fn ->
 * batch end)`); bound it with `run(..., { iterations })`.
 */
export function repeat<T>(batch: T): nx.BatchSource<T> & Iterable<T> {
  function* forever() {
    for (;;) yield batch;
  }
  return { endless: true, forEpoch: forever, [Symbol.iterator]: forever };
}

/** What `batches` returns: a `nx.BatchSource` of `[x, y]` pairs that is iterable too (one epoch per pass). */
export interface TensorBatches extends Iterable<Batch> {
  /** The batches of epoch `epoch` (0-based). */
  forEpoch(epoch: number): Iterable<Batch>;
  /** Batches per epoch. */
  readonly length: number;
}

/** Options of `batches`. */
export interface BatchesOptions {
  /** Rows per batch. */
  batchSize: number;
  /** Shuffle the rows, in a new order every epoch (default false). */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Whether a last batch with fewer than `batchSize` rows is kept (default) or dropped. */
  leftover?: "keep" | "discard";
}

/**
 * Mini-batches `[x, y]` of rows of `x` and `y` (which must have the same number of rows). The
 * result can be iterated any number of times (each pass is an epoch); with `shuffle`, epoch `e`
 * uses the permutation drawn from key `split(key(seed), e + 1)[e]`, so runs are reproducible.
 */
export function batches(x: nx.Tensor, y: nx.Tensor, options: BatchesOptions): TensorBatches {
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
  const { batchSize, shuffle = false, seed = 0, leftover = "keep" } = options ?? {};
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(
      `batches: batchSize must be a positive integer, got ${nx.show(batchSize)}`,
    );
  if (!Number.isInteger(seed))
    throw new RangeError(`batches: seed must be an integer, got ${seed}`);
  if (leftover !== "keep" && leftover !== "discard")
    throw new RangeError(`batches: leftover must be "keep" or "discard", got ${nx.show(leftover)}`);
  const dropRemainder = leftover === "discard";
  const length = dropRemainder ? Math.floor(rows / batchSize) : Math.ceil(rows / batchSize);
  let passes = 0;
  const forEpoch = (epoch: number): Iterable<Batch> => {
    let xs = x;
    let ys = y;
    if (shuffle) {
      const order = nx.random.permutation(nx.epochKey(seed, epoch), rows);
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
