/**
 * Diagonals of matrices as Nx has them: `takeDiagonal`, `makeDiagonal`, `putDiagonal` (an `offset`
 * above or below the main diagonal). Each is a `take` with static indices, so it is differentiable.
 */
import { formatType } from "../format.js";
import { Tensor } from "../tensor.js";
import { checkInteger, checkOptions, checkTensorArg } from "./check.js";
import { tensor, zeros } from "./creation.js";
import * as e from "./elementwise.js";
import { concatenate, reshape, take } from "./shape.js";

/** Options of the diagonal ops: `offset` > 0 above the main diagonal, < 0 below (default 0). */
export interface DiagonalOptions {
  offset?: number;
}

/** The (row, column) positions of diagonal `offset` of an m×n matrix. */
function positions(m: number, n: number, offset: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = Math.max(0, -offset); i < m && i + offset < n; i++) out.push([i, i + offset]);
  return out;
}

function offsetOf(op: string, options: DiagonalOptions | undefined): number {
  return checkInteger(op, "offset", checkOptions(op, options).offset ?? 0);
}

/**
 * Diagonal `offset` of each matrix of `x` (…, m, n) as a vector (…, k), as Nx.take_diagonal.
 * The offset must name a diagonal inside the matrix.
 */
export function takeDiagonal(x: Tensor, options: DiagonalOptions = {}): Tensor {
  checkTensorArg("takeDiagonal", x);
  const offset = offsetOf("takeDiagonal", options);
  if (x.rank < 2)
    throw new RangeError(
      `takeDiagonal: expected matrices (…, m, n), got ${formatType(x.shape, x.dtype)}`,
    );
  const [m, n] = x.shape.slice(-2) as [number, number];
  if (offset >= n || -offset >= m)
    throw new RangeError(
      `takeDiagonal: offset ${offset} is outside the ${m}×${n} matrices of ${formatType(x.shape, x.dtype)}`,
    );
  const flat = reshape(x, [...x.shape.slice(0, -2), m * n]);
  return take(
    flat,
    positions(m, n, offset).map(([i, j]) => i * n + j),
    { axis: -1 },
  );
}

/**
 * Square matrices (…, k + |offset|, k + |offset|) with the vectors `x` (…, k) on diagonal
 * `offset` and zeros elsewhere, as Nx.make_diagonal.
 */
export function makeDiagonal(x: Tensor, options: DiagonalOptions = {}): Tensor {
  checkTensorArg("makeDiagonal", x);
  const offset = offsetOf("makeDiagonal", options);
  if (x.rank < 1)
    throw new RangeError(
      `makeDiagonal: expected vectors (…, k), got ${formatType(x.shape, x.dtype)}`,
    );
  const k = x.shape.at(-1)!;
  const size = k + Math.abs(offset);
  return reshape(spread(x, size, size, offset), [...x.shape.slice(0, -1), size, size]);
}

/** Matrices (…, m·n) with the vectors `x` (…, k) at the positions of diagonal `offset`, else 0. */
function spread(x: Tensor, m: number, n: number, offset: number): Tensor {
  const k = x.shape.at(-1)!;
  const source = new Array<number>(m * n).fill(k);
  positions(m, n, offset).forEach(([i, j], d) => (source[i * n + j] = d));
  const padded = concatenate([x, zeros([...x.shape.slice(0, -1), 1], { dtype: x.dtype })], {
    axis: -1,
  });
  return take(padded, source, { axis: -1 });
}

/**
 * The matrix `x` (m, n) with diagonal `offset` replaced by the vector `diagonal`, as
 * Nx.put_diagonal; `diagonal` must have the diagonal's length.
 */
export function putDiagonal(x: Tensor, diagonal: Tensor, options: DiagonalOptions = {}): Tensor {
  checkTensorArg("putDiagonal", x);
  checkTensorArg("putDiagonal", diagonal, "diagonal");
  const offset = offsetOf("putDiagonal", options);
  if (x.rank !== 2)
    throw new RangeError(
      `putDiagonal: expected a matrix (m, n), got ${formatType(x.shape, x.dtype)}`,
    );
  const [m, n] = x.shape as [number, number];
  const at = positions(m, n, offset);
  if (diagonal.rank !== 1 || diagonal.shape[0] !== at.length)
    throw new RangeError(
      `putDiagonal: diagonal ${offset} of ${formatType(x.shape, x.dtype)} has ${at.length} elements, got ${formatType(diagonal.shape, diagonal.dtype)}`,
    );
  const mask = new Uint8Array(m * n);
  at.forEach(([i, j]) => (mask[i * n + j] = 1));
  const dtype = e.resultType([x, diagonal]);
  const values = reshape(spread(e.cast(diagonal, dtype), m, n, offset), [m, n]);
  return e.select(reshape(tensor(mask), [m, n]), values, e.cast(x, dtype));
}
