/**
 * Splitting data: trainTestSplit, kFold and stratifiedKFold. Randomness comes from
 * `@dendrite/tensor` random keys, so a seed gives the same split on every machine.
 */
import * as nx from "@dendrite/tensor";
import {
  asTensor,
  checkNumber,
  isDataFrame,
  toLabels,
  type Data,
  type DataFrameLike,
} from "../input.js";

/** The number of rows of any accepted input. */
export function numRows(x: Data, where: string): number {
  if (isDataFrame(x)) return x.height;
  if (Array.isArray(x)) return x.length;
  const t = asTensor(x, where);
  if (t.rank === 0) throw new RangeError(`${where}: expected rows, got a scalar`);
  return t.shape[0]!;
}

/**
 * The rows `indices` of `x`, in that order, keeping its kind: a tensor gives a tensor, a DataFrame
 * a DataFrame, nested arrays nested arrays.
 */
export function takeRows<T extends Data>(x: T, indices: ArrayLike<number>): T {
  const idx = Array.from(indices);
  if (isDataFrame(x)) return nx.tableTypeOf(x)!.takeRows(x as DataFrameLike, idx) as T;
  if (Array.isArray(x)) return idx.map((i) => x[i]) as unknown as T;
  return nx.take(x as nx.Tensor, nx.tensor(Int32Array.from(idx)), { axis: 0 }) as T;
}

function permutation(seed: number, n: number): Int32Array {
  return Int32Array.from(nx.random.permutation(nx.random.key(seed), n).data());
}

/** Options of trainTestSplit. */
export interface TrainTestSplitOptions {
  /** Fraction of rows (0 < f < 1) or number of rows (an integer ≥ 1) for the test set (default 0.25, as scikit-learn). */
  testSize?: number;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Shuffle before splitting (default true); false takes the last rows as the test set. */
  shuffle?: boolean;
  /** Class labels whose proportions both parts keep (usually `y`). */
  stratify?: Data;
}

/** The four parts of a train/test split, each of the same kind as its input. */
export interface TrainTestSplit<X extends Data, Y extends Data> {
  xTrain: X;
  xTest: X;
  yTrain: Y;
  yTest: Y;
  /** The row indices in each part. */
  trainIndices: Int32Array;
  testIndices: Int32Array;
}

/**
 * Splits rows into a training and a test set (scikit-learn's train_test_split; the test size is
 * rounded up). Tensors give tensors, DataFrames give DataFrames.
 *
 * @example
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, seed: 42 });
 */
export function trainTestSplit<X extends Data, Y extends Data>(
  x: X,
  y: Y,
  options: TrainTestSplitOptions = {},
): TrainTestSplit<X, Y> {
  const where = "trainTestSplit";
  const n = numRows(x, where);
  const ny = numRows(y, where);
  if (n !== ny) throw new RangeError(`${where}: x has ${n} rows but y has ${ny}; they must match`);
  const testSize = options.testSize ?? 0.25;
  const nTest =
    testSize > 0 && testSize < 1
      ? Math.ceil(testSize * n)
      : checkNumber(testSize, "testSize", where, { integer: true, min: 1, max: n - 1 });
  if (nTest >= n || nTest < 1)
    throw new RangeError(
      `${where}: testSize ${testSize} leaves no rows for ${nTest < 1 ? "testing" : "training"} (${n} rows)`,
    );
  const seed = options.seed ?? 0;
  let test: Int32Array;
  let train: Int32Array;
  if (options.stratify !== undefined) {
    if (options.shuffle === false)
      throw new RangeError(`${where}: stratify needs shuffle (do not pass shuffle: false)`);
    [train, test] = stratifiedSplit(options.stratify, n, nTest, seed);
  } else if (options.shuffle === false) {
    train = Int32Array.from({ length: n - nTest }, (_, i) => i);
    test = Int32Array.from({ length: nTest }, (_, i) => n - nTest + i);
  } else {
    const p = permutation(seed, n);
    test = p.slice(0, nTest);
    train = p.slice(nTest);
  }
  return {
    xTrain: takeRows(x, train),
    xTest: takeRows(x, test),
    yTrain: takeRows(y, train),
    yTest: takeRows(y, test),
    trainIndices: train,
    testIndices: test,
  };
}

/** Test rows per class by largest remainders, so each part keeps the class proportions. */
function stratifiedSplit(
  labels: Data,
  n: number,
  nTest: number,
  seed: number,
): [Int32Array, Int32Array] {
  const { values, numClasses } = toLabels(labels, "trainTestSplit: stratify", {
    name: "stratify",
    length: n,
  });
  const counts = new Array<number>(numClasses).fill(0);
  for (const c of values) counts[c]!++;
  const present = counts.filter((c) => c > 0).length;
  if (present < 2) throw new RangeError("trainTestSplit: stratify needs at least two classes");
  for (let c = 0; c < numClasses; c++) {
    if (counts[c] === 1)
      throw new RangeError(
        `trainTestSplit: class ${c} has only 1 row; stratify needs at least 2 per class`,
      );
  }
  const exact = counts.map((c) => (c * nTest) / n);
  const take = exact.map(Math.floor);
  let left = nTest - take.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, c) => [e - Math.floor(e), c] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, c] of order) {
    if (left === 0) break;
    if (take[c]! < counts[c]!) {
      take[c]!++;
      left--;
    }
  }
  const p = permutation(seed, n);
  const test: number[] = [];
  const train: number[] = [];
  const used = new Array<number>(numClasses).fill(0);
  for (const i of p) {
    const c = values[i]!;
    if (used[c]! < take[c]!) {
      used[c]!++;
      test.push(i);
    } else train.push(i);
  }
  return [Int32Array.from(train), Int32Array.from(test)];
}

/** One fold of a cross-validation: the row indices to train on and to test on. */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

/** Options of kFold and stratifiedKFold. */
export interface KFoldOptions {
  /** Number of folds (default 5). */
  k?: number;
  /** Shuffle rows before folding (default false, as scikit-learn). */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0). */
  seed?: number;
}

function checkFolds(k: number, n: number, where: string): void {
  checkNumber(k, "k", where, { integer: true, min: 2 });
  if (k > n) throw new RangeError(`${where}: k = ${k} folds need at least ${k} rows, got ${n}`);
}

function foldsFromAssignment(assign: Int32Array, k: number): Fold[] {
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < assign.length; i++) (assign[i] === f ? test : train).push(i);
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}

/**
 * K-fold cross-validation indices (scikit-learn's KFold): consecutive folds, the first n mod k
 * one row larger. `x` is the data or its number of rows. Use `takeRows(x, fold.train)`.
 */
export function kFold(x: Data | number, options: KFoldOptions = {}): Fold[] {
  const where = "kFold";
  const n = typeof x === "number" ? x : numRows(x, where);
  const k = options.k ?? 5;
  checkFolds(k, n, where);
  const order = options.shuffle
    ? permutation(options.seed ?? 0, n)
    : Int32Array.from({ length: n }, (_, i) => i);
  const assign = new Int32Array(n);
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    for (let i = start; i < start + size; i++) assign[order[i]!] = f;
    start += size;
  }
  return foldsFromAssignment(assign, k);
}

/**
 * K folds that keep class proportions (scikit-learn's StratifiedKFold; without shuffle the folds
 * are the same as scikit-learn's).
 */
export function stratifiedKFold(y: Data, options: KFoldOptions = {}): Fold[] {
  const where = "stratifiedKFold";
  const { values, numClasses } = toLabels(y, where);
  const n = values.length;
  const k = options.k ?? 5;
  checkFolds(k, n, where);
  const counts = new Array<number>(numClasses).fill(0);
  for (const c of values) counts[c]!++;
  const present = counts.filter((c) => c > 0).length;
  if (present < 2)
    throw new RangeError(`${where}: y has only one class; stratifying needs at least two`);
  const maxCount = Math.max(...counts);
  if (k > maxCount)
    throw new RangeError(
      `${where}: k = ${k} is more than the rows of every class (largest has ${maxCount})`,
    );
  // As scikit-learn: deal the label-sorted rows round-robin into folds to get each fold's count per
  // class, then give each class's rows (in order, or shuffled) those fold numbers.
  const sorted = Int32Array.from(values).sort();
  const allocation: number[][] = Array.from({ length: k }, () =>
    new Array<number>(numClasses).fill(0),
  );
  for (let i = 0; i < n; i++) allocation[i % k]![sorted[i]!]!++;
  const assign = new Int32Array(n);
  const key = nx.random.key(options.seed ?? 0);
  const classKeys = options.shuffle ? nx.random.split(key, numClasses) : undefined;
  for (let c = 0; c < numClasses; c++) {
    const foldIds: number[] = [];
    for (let f = 0; f < k; f++) for (let r = 0; r < allocation[f]![c]!; r++) foldIds.push(f);
    let ids = foldIds;
    if (classKeys && foldIds.length > 1) {
      const p = nx.random
        .permutation(nx.take(classKeys, [c], { axis: 0 }).reshape([2]), foldIds.length)
        .data();
      ids = Array.from(p, (j) => foldIds[j]!);
    }
    let t = 0;
    for (let i = 0; i < n; i++) if (values[i] === c) assign[i] = ids[t++]!;
  }
  return foldsFromAssignment(assign, k);
}
