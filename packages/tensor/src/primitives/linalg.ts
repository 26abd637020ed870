/**
 * Linear-algebra primitives over the last two axes (leading axes are a batch): matmul with
 * transpose flags, Cholesky, triangular and general solves, determinant, Householder QR, the
 * thin SVD, the symmetric eigendecomposition, LU and least squares.
 */
import type { Aval, Primitive } from "../primitive.js";
import { definePrimitive } from "../primitive.js";
import { formatType } from "../format.js";
import { isFloat } from "../dtype.js";
import { sizeOf } from "../shape.js";
import { matmul as matmulKernel } from "../kernels/matmul.js";
import * as K from "../kernels/linalg.js";
import { leastSquares as lstsqKernel } from "../kernels/lstsq.js";
import { svd as svdKernel } from "../kernels/svd.js";
import { eigh as eighKernel } from "../kernels/eigh.js";
import { lu as luKernel } from "../kernels/lu.js";
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
  // Thin SVD A = U S Vᵀ with distinct nonzero singular values (Townsend 2016, "Differentiating
  // the singular value decomposition"), F_ij = 1/(s_j² − s_i²) off the diagonal:
  // Ā = U [(F∘(UᵀŪ − ŪᵀU)) S + diag(S̄) + S (F∘(VᵀV̄ − V̄ᵀV))] Vᵀ
  //     + (I − U Uᵀ) Ū S⁻¹ Vᵀ + U S⁻¹ V̄ᵀ (I − V Vᵀ).
  vjp: (g, [a], out, _params, nx) => {
    const [m, n] = a!.shape.slice(-2) as [number, number];
    const k = Math.min(m, n);
    const batch = a!.shape.slice(0, -2);
    const split = (x: Tensor) => {
      const part = (from: number, size: number, shape: number[]) =>
        nx.reshape(nx.sliceAlong(x, from, size, { axis: -1 }), [...batch, ...shape]);
      return { s: part(0, k, [k]), vt: part(k, k * n, [k, n]), u: part(k + k * n, m * k, [m, k]) };
    };
    const { s, vt, u } = split(out);
    const { s: gs, vt: gvt, u: gu } = split(g);
    const mm = (x: Tensor, y: Tensor, tx: boolean, ty: boolean) => nx.matmulPrim(x, y, tx, ty);
    const s2 = nx.multiply(s, s);
    const eye = nx.eye(k, { dtype: a!.dtype });
    const f = nx.subtract(
      nx.divide(1, nx.add(nx.subtract(nx.newAxis(s2, -2), nx.newAxis(s2, -1)), eye)),
      eye,
    );
    const skew = (x: Tensor) => nx.multiply(f, nx.subtract(x, nx.matrixTranspose(x)));
    const j = mm(u, gu, true, false); // UᵀŪ
    const kk = mm(vt, gvt, false, true); // VᵀV̄
    const row = (x: Tensor) => nx.newAxis(x, -2); // scales columns
    const col = (x: Tensor) => nx.newAxis(x, -1); // scales rows
    const inner = nx.add(
      nx.add(nx.multiply(skew(j), row(s)), nx.multiply(nx.newAxis(gs, -1), eye)),
      nx.multiply(col(s), skew(kk)),
    );
    const inv = nx.divide(1, s);
    // U [inner Vᵀ + S⁻¹ (V̄ᵀ − V̄ᵀV Vᵀ)] + (Ū − U UᵀŪ) S⁻¹ Vᵀ
    const right = nx.add(
      mm(inner, vt, false, false),
      nx.multiply(col(inv), nx.subtract(gvt, mm(kk, vt, true, false))),
    );
    const left = nx.multiply(nx.subtract(gu, mm(u, j, false, false)), row(inv));
    return [nx.add(mm(u, right, false, false), mm(left, vt, false, false))];
  },
});

/** The packed length of one matrix's eigendecomposition: the eigenvalues (n), the vectors (n×n). */
export function eighPackedSize(n: number): number {
  return n + n * n;
}

/**
 * Eigendecomposition of the symmetric part of square matrices, packed per matrix as the
 * eigenvalues then the eigenvector matrix (the `eigh` op splits it).
 */
export const eigh = definePrimitive({
  name: "eigh",
  infer: ([a]) => {
    requireFloat("eigh", [a!]);
    const n = requireSquare("eigh", a!);
    return { shape: [...a!.shape.slice(0, -2), eighPackedSize(n)], dtype: a!.dtype };
  },
  lowering: {
    kind: "call",
    call: ({ inputs: [a] }) => ({
      kernel: eighKernel,
      args: [{ output: true }, { input: 0 }, batchOf(a!.shape), a!.shape.at(-1)!],
    }),
  },
  // A = V diag(λ) Vᵀ with distinct eigenvalues (Giles 2008): Ā = V (diag(λ̄) + F∘(Vᵀ V̄)) Vᵀ with
  // F_ij = 1/(λ_j − λ_i) off the diagonal, symmetrised since the kernel reads (A + Aᵀ)/2.
  vjp: (g, [a], out, _params, nx) => {
    const n = a!.shape.at(-1)!;
    const batch = a!.shape.slice(0, -2);
    const split = (x: Tensor) => ({
      values: nx.sliceAlong(x, 0, n, { axis: -1 }),
      vectors: nx.reshape(nx.sliceAlong(x, n, n * n, { axis: -1 }), [...batch, n, n]),
    });
    const { values, vectors } = split(out);
    const { values: gValues, vectors: gVectors } = split(g);
    const eye = nx.eye(n, { dtype: a!.dtype });
    const f = nx.subtract(
      nx.divide(1, nx.add(nx.subtract(nx.newAxis(values, -2), nx.newAxis(values, -1)), eye)),
      eye,
    );
    const inner = nx.add(
      nx.multiply(nx.newAxis(gValues, -1), eye),
      nx.multiply(f, nx.matmulPrim(vectors, gVectors, true, false)),
    );
    const full = nx.matmulPrim(nx.matmulPrim(vectors, inner, false, false), vectors, false, true);
    return [nx.multiply(nx.add(full, nx.matrixTranspose(full)), 0.5)];
  },
});

/** LU with partial pivoting of square matrices, packed as (…, 3, n, n): P, L, U with A = P L U. */
export const lu = definePrimitive({
  name: "lu",
  infer: ([a]) => {
    requireFloat("lu", [a!]);
    const n = requireSquare("lu", a!);
    return { shape: [...a!.shape.slice(0, -2), 3, n, n], dtype: a!.dtype };
  },
  lowering: {
    kind: "call",
    call: ({ inputs: [a] }) => ({
      kernel: luKernel,
      args: [{ output: true }, { input: 0 }, batchOf(a!.shape), a!.shape.at(-1)!],
    }),
  },
  // With X = L⁻¹ Pᵀ dA U⁻¹: dL = L tril(X, −1) and dU = triu(X) U, so (P piecewise constant)
  // Ā = P L⁻ᵀ (tril(Lᵀ L̄, −1) + triu(Ū Uᵀ)) U⁻ᵀ, for nonsingular A.
  vjp: (g, _a, out, _params, nx) => {
    const part = (x: Tensor, i: number) =>
      nx.squeeze(nx.sliceAlong(x, i, 1, { axis: -3 }), { axes: -3 });
    const [p, l, u] = [part(out, 0), part(out, 1), part(out, 2)];
    const [gl, gu] = [part(g, 1), part(g, 2)];
    const f = nx.add(
      nx.tril(nx.matmulPrim(l, gl, true, false), -1),
      nx.triu(nx.matmulPrim(gu, u, false, true)),
    );
    const y = nx.triangularSolve(l, f, { lower: true, transposeA: true, unitDiagonal: true });
    // Y U⁻ᵀ = (U⁻¹ Yᵀ)ᵀ with U upper triangular.
    const z = nx.matrixTranspose(nx.triangularSolve(u, nx.matrixTranspose(y), { lower: false }));
    return [nx.matmulPrim(p, z, false, false)];
  },
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
  // For full column rank A (m ≥ n) X = (AᵀA)⁻¹ Aᵀ B, so with Z = (AᵀA)⁻¹ X̄ and R = B − A X:
  // Ā = R Zᵀ − A Z Xᵀ and B̄ = A Z. The rank gets no gradient.
  vjp: (g, [a, b], out, _params, nx) => {
    const [m, n] = a!.shape as [number, number];
    const k = b!.shape[1]!;
    if (m < n)
      throw new Error(
        `leastSquares: gradients are defined for tall or square a of full column rank (m ≥ n), got ${formatType(a!.shape, a!.dtype)}`,
      );
    const x = nx.reshape(nx.sliceAlong(out, 0, n * k), [n, k]);
    const gx = nx.reshape(nx.sliceAlong(g, 0, n * k), [n, k]);
    const z = nx.solveMatrix(nx.matmulPrim(a!, a!, true, false), gx);
    const az = nx.matmulPrim(a!, z, false, false);
    const r = nx.subtract(b!, nx.matmulPrim(a!, x, false, false));
    return [nx.subtract(nx.matmulPrim(r, z, false, true), nx.matmulPrim(az, x, false, true)), az];
  },
});
