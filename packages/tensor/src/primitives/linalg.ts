/**
 * Linear-algebra primitives over the last two axes (leading axes are a batch): matmul with
 * transpose flags, Cholesky, triangular and general solves, determinant, Householder QR, the
 * thin SVD and least squares.
 */
import type { Aval, Primitive } from "../primitive.js";
import { definePrimitive, derivativeNotImplemented } from "../primitive.js";
import { formatType } from "../format.js";
import { isFloat } from "../dtype.js";
import { sizeOf } from "../shape.js";
import { matmul as matmulKernel } from "../kernels/matmul.js";
import * as K from "../kernels/linalg.js";
import { leastSquares as lstsqKernel } from "../kernels/lstsq.js";
import { svd as svdKernel } from "../kernels/svd.js";
import { flag } from "../compile/literal.js";
import type { Tensor } from "../tensor.js";

const batchOf = (shape: readonly number[]) => sizeOf(shape.slice(0, -2));

/** The QR kernel with its mode as a flag (a mode string is never written into code). */
function qrKernel(
  q: K.FloatArray,
  r: K.FloatArray,
  a: K.FloatArray,
  batch: number,
  m: number,
  n: number,
  complete: boolean,
  withQ: boolean,
): void {
  K.qr(q, r, a, batch, m, n, complete ? "complete" : "reduced", withQ);
}

function requireFloat(op: string, xs: readonly Aval[]): void {
  for (const x of xs) {
    if (!isFloat(x.dtype))
      throw new TypeError(
        `${op}: expected f32 or f64 matrices, got ${formatType(x.shape, x.dtype)}`,
      );
  }
}

function requireSquare(op: string, a: Aval): number {
  const n = a.shape[a.shape.length - 1]!;
  if (a.shape.length < 2 || a.shape[a.shape.length - 2] !== n) {
    throw new RangeError(
      `${op}: expected square matrices (…, n, n), got ${formatType(a.shape, a.dtype)}`,
    );
  }
  return n;
}

/** Matrix product over the last two axes: op(a) · op(b), where op transposes when asked. */
export const matmul = definePrimitive<{ transA: boolean; transB: boolean }>({
  name: "matmul",
  infer: ([a, b], { transA, transB }) => {
    const r = a!.shape.length;
    const m = a!.shape[r - (transA ? 1 : 2)]!;
    const n = b!.shape[r - (transB ? 2 : 1)]!;
    return { shape: [...a!.shape.slice(0, -2), m, n], dtype: a!.dtype };
  },
  lowering: {
    kind: "call",
    call: ({ inputs: [a], shape, params: { transA, transB } }) => {
      const r = a!.shape.length;
      const k = a!.shape[r - (transA ? 2 : 1)]!;
      const [m, n] = shape.slice(-2);
      return {
        kernel: matmulKernel,
        args: [
          { output: true },
          { input: 0 },
          { input: 1 },
          batchOf(shape),
          m!,
          n!,
          k,
          flag(transA, "matmul transA"),
          flag(transB, "matmul transB"),
        ],
      };
    },
  },
  vjp: (g, [a, b], _out, { transA, transB }, nx) => {
    const mm = (x: Tensor, y: Tensor, tx: boolean, ty: boolean) => nx.matmulPrim(x, y, tx, ty);
    if (!transA && !transB) return [mm(g, b!, false, true), mm(a!, g, true, false)];
    if (transA && !transB) return [mm(b!, g, false, true), mm(a!, g, false, false)];
    if (!transA && transB) return [mm(g, b!, false, false), mm(g, a!, true, false)];
    return [mm(b!, g, true, true), mm(g, a!, true, true)];
  },
});

/** Lower Cholesky factor of symmetric positive-definite matrices (reads the lower triangle). */
export const cholesky = definePrimitive({
  name: "cholesky",
  infer: ([a]) => {
    requireFloat("cholesky", [a!]);
    requireSquare("cholesky", a!);
    return a!;
  },
  lowering: {
    kind: "call",
    call: ({ shape }) => ({
      kernel: K.cholesky,
      args: [{ output: true }, { input: 0 }, batchOf(shape), shape.at(-1)!],
    }),
  },
  vjp: (g, _a, l, _params, nx) => {
    // G = L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹ (Murray 2016); only A's lower triangle is read, so fold G onto it.
    const phi = nx.halveDiagonal(nx.tril(nx.matmulPrim(l, g, true, false)));
    const left = nx.triangularSolve(l, phi, { lower: true, transposeA: true });
    const full = nx.matrixTranspose(
      nx.triangularSolve(l, nx.matrixTranspose(left), { lower: true, transposeA: true }),
    );
    return [nx.subtract(nx.tril(nx.add(full, nx.matrixTranspose(full))), nx.diagonalMatrix(full))];
  },
});

/** Solves op(T) X = B for triangular T. */
export const triangularSolve = definePrimitive<{
  lower: boolean;
  transpose: boolean;
  unitDiagonal: boolean;
}>({
  name: "triangularSolve",
  infer: ([t, b]) => {
    requireFloat("triangularSolve", [t!, b!]);
    const n = requireSquare("triangularSolve", t!);
    if (b!.shape.length !== t!.shape.length || b!.shape.at(-2) !== n) {
      throw new RangeError(
        `triangularSolve: right-hand side ${formatType(b!.shape, b!.dtype)} does not fit ${formatType(t!.shape, t!.dtype)}`,
      );
    }
    return b!;
  },
  lowering: {
    kind: "call",
    call: ({ shape, params: { lower, transpose, unitDiagonal } }) => {
      const [n, m] = shape.slice(-2);
      return {
        kernel: K.triangularSolve,
        args: [
          { output: true },
          { input: 0 },
          { input: 1 },
          batchOf(shape),
          n!,
          m!,
          flag(lower, "triangularSolve lower"),
          flag(transpose, "triangularSolve transpose"),
          flag(unitDiagonal, "triangularSolve unitDiagonal"),
        ],
      };
    },
  },
  vjp: (g, [t], x, { lower, transpose, unitDiagonal }, nx) => {
    const gb = nx.triangularSolve(t!, g, { lower, transposeA: !transpose, unitDiagonal });
    let gt = nx.negate(
      transpose ? nx.matmulPrim(x, gb, false, true) : nx.matmulPrim(gb, x, false, true),
    );
    gt = lower ? nx.tril(gt) : nx.matrixTranspose(nx.tril(nx.matrixTranspose(gt)));
    if (unitDiagonal) gt = nx.subtract(gt, nx.diagonalMatrix(gt));
    return [gt, gb];
  },
});

/** Solves A X = B by LU with partial pivoting (B has the batch shape of A and a last axis). */
export const solve = definePrimitive({
  name: "solve",
  infer: ([a, b]) => {
    requireFloat("solve", [a!, b!]);
    const n = requireSquare("solve", a!);
    if (
      b!.shape.length !== a!.shape.length ||
      b!.shape.at(-2) !== n ||
      b!.shape.slice(0, -2).some((d, i) => d !== a!.shape[i])
    ) {
      throw new RangeError(
        `solve: right-hand side ${formatType(b!.shape, b!.dtype)} does not fit ${formatType(a!.shape, a!.dtype)}`,
      );
    }
    return b!;
  },
  lowering: {
    kind: "call",
    call: ({ shape }) => {
      const [n, m] = shape.slice(-2);
      return {
        kernel: K.solve,
        args: [{ output: true }, { input: 0 }, { input: 1 }, batchOf(shape), n!, m!],
      };
    },
  },
  vjp: (g, [a], x, _params, nx) => {
    const gb = nx.solveMatrix(nx.matrixTranspose(a!), g);
    return [nx.negate(nx.matmulPrim(gb, x, false, true)), gb];
  },
});

/** Determinant of square matrices (shape: the batch axes). */
export const determinant = definePrimitive({
  name: "determinant",
  infer: ([a]) => {
    requireFloat("determinant", [a!]);
    requireSquare("determinant", a!);
    return { shape: a!.shape.slice(0, -2), dtype: a!.dtype };
  },
  lowering: {
    kind: "call",
    call: ({ shape, inputs: [a] }) => ({
      kernel: K.determinant,
      args: [{ output: true }, { input: 0 }, sizeOf(shape), a!.shape.at(-1)!],
    }),
  },
  // d det(A) = det(A) · A⁻ᵀ (A must be invertible).
  vjp: (g, [a], d, _params, nx) => {
    const scale = nx.expandBatch(nx.multiply(g, d));
    return [nx.multiply(scale, nx.matrixTranspose(nx.inverse(a!)))];
  },
});

function qrPart(part: "q" | "r"): Primitive<{ mode: "reduced" | "complete" }> {
  return definePrimitive({
    name: part === "q" ? "qrQ" : "qrR",
    infer: ([a], { mode }) => {
      if (mode !== "reduced" && mode !== "complete")
        throw new RangeError(`qr: mode must be "reduced" or "complete"`);
      requireFloat("qr", [a!]);
      if (a!.shape.length < 2)
        throw new RangeError(
          `qr: expected matrices (…, m, n), got ${formatType(a!.shape, a!.dtype)}`,
        );
      const [m, n] = a!.shape.slice(-2) as [number, number];
      const k = mode === "reduced" ? Math.min(m, n) : m;
      const shape =
        part === "q" ? [...a!.shape.slice(0, -2), m, k] : [...a!.shape.slice(0, -2), k, n];
      return { shape, dtype: a!.dtype };
    },
    lowering: {
      kind: "call",
      call: ({ inputs: [a], params: { mode } }) => {
        const [m, n] = a!.shape.slice(-2) as [number, number];
        const k = mode === "reduced" ? Math.min(m, n) : m;
        const batch = batchOf(a!.shape);
        // The R part never forms Q: its buffer is not read.
        const other = { scratch: a!.dtype, size: part === "q" ? batch * k * n : 0 };
        const [q, r] =
          part === "q" ? [{ output: true as const }, other] : [other, { output: true as const }];
        const args = [q, r, { input: 0 }, batch, m, n, mode === "complete", part === "q"];
        return { kernel: qrKernel, args };
      },
    },
    vjp: (g, [a], _out, { mode }, nx) => {
      const [m, n] = a!.shape.slice(-2) as [number, number];
      if (mode !== "reduced" || m < n)
        throw new Error(
          "qr: gradients are defined for the reduced QR of tall or square matrices (m ≥ n)",
        );
      const { q, r } = nx.qr(a!);
      // Ā = (Q̄ + Q·copyltu(M)) R⁻ᵀ with M = R R̄ᵀ − Q̄ᵀ Q, taking Q̄ or R̄ as zero for the other part.
      const mMat =
        part === "q"
          ? nx.negate(nx.matmulPrim(g, q, true, false))
          : nx.matmulPrim(r, g, false, true);
      const lowerM = nx.tril(mMat);
      const copyltu = nx.subtract(
        nx.add(lowerM, nx.matrixTranspose(lowerM)),
        nx.diagonalMatrix(mMat),
      );
      let inner = nx.matmulPrim(q, copyltu, false, false);
      if (part === "q") inner = nx.add(g, inner);
      // X R⁻ᵀ = (R⁻¹ Xᵀ)ᵀ with R upper triangular.
      return [
        nx.matrixTranspose(nx.triangularSolve(r, nx.matrixTranspose(inner), { lower: false })),
      ];
    },
  });
}
export const qrQ = qrPart("q");
export const qrR = qrPart("r");

/** The error a decomposition without a derivative rule throws when differentiated. */
/** The packed length of one matrix's thin SVD: s (k), Vᵀ (k×n), U (m×k). */
export function svdPackedSize(m: number, n: number): number {
  const k = Math.min(m, n);
  return k + k * n + m * k;
}

/** Thin SVD of matrices, packed per matrix as s, Vᵀ, U (the `svd` op splits it). */
export const svd = definePrimitive({
  name: "svd",
  infer: ([a]) => {
    requireFloat("svd", [a!]);
    if (a!.shape.length < 2)
      throw new RangeError(
        `svd: expected matrices (…, m, n), got ${formatType(a!.shape, a!.dtype)}`,
      );
    const [m, n] = a!.shape.slice(-2) as [number, number];
    return { shape: [...a!.shape.slice(0, -2), svdPackedSize(m, n)], dtype: a!.dtype };
  },
  lowering: {
    kind: "call",
    call: ({ inputs: [a] }) => {
      const [m, n] = a!.shape.slice(-2) as [number, number];
      return {
        kernel: svdKernel,
        args: [{ output: true }, { input: 0 }, batchOf(a!.shape), m, n],
      };
    },
  },
  vjp: derivativeNotImplemented("svd"),
});

/** Least squares min ‖A X − B‖ for one m×n A and m×k B, packed as X (n×k) then A's rank. */
export const leastSquares = definePrimitive({
  name: "leastSquares",
  infer: ([a, b]) => {
    requireFloat("leastSquares", [a!, b!]);
    if (a!.shape.length !== 2 || b!.shape.length !== 2 || a!.shape[0] !== b!.shape[0]) {
      throw new RangeError(
        `leastSquares: expected a matrix (m, n) and right-hand sides (m, k), got ${formatType(a!.shape, a!.dtype)} and ${formatType(b!.shape, b!.dtype)}`,
      );
    }
    return { shape: [a!.shape[1]! * b!.shape[1]! + 1], dtype: a!.dtype };
  },
  lowering: {
    kind: "call",
    call: ({ inputs: [a, b] }) => {
      const [m, n] = a!.shape as [number, number];
      return {
        kernel: lstsqKernel,
        args: [{ output: true }, { input: 0 }, { input: 1 }, m, n, b!.shape[1]!],
      };
    },
  },
  vjp: derivativeNotImplemented("leastSquares"),
});
