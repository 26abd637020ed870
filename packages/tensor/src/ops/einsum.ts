/**
 * Einstein summation (NumPy's, PyTorch's and TensorFlow.js's `einsum`), written with `dot`, sums,
 * diagonals and transposes, so it is differentiable and traceable like they are.
 */
import { formatType } from "../format.js";
import { show } from "../describe.js";
import { Tensor } from "../tensor.js";
import { checkTensorArg } from "./check.js";
import { eye } from "./creation.js";
import { multiply } from "./elementwise.js";
import { dotGeneral } from "./linalg.js";
import { sum } from "./reduce.js";
import { broadcastTo, reshape, transpose } from "./shape.js";

/** A term's axes as labels: letters, or `…k` for the k-th axis an ellipsis stands for. */
type Labels = string[];

function fail(equation: string, why: string): never {
  throw new RangeError(`einsum: ${why} in ${JSON.stringify(equation)}`);
}

/** The labels of one term; an ellipsis covers the axes its operand has beyond the letters. */
function termLabels(equation: string, term: string, rank: number | undefined): Labels {
  const parts = term.split("...");
  if (parts.length > 2) fail(equation, `"${term}" has more than one ellipsis`);
  for (const part of parts)
    if (!/^[A-Za-z]*$/.test(part)) fail(equation, `"${term}" has a character other than a letter`);
  const letters = parts.join("").length;
  if (parts.length === 1) {
    if (rank !== undefined && rank !== letters)
      fail(equation, `"${term}" names ${letters} axes but its operand has ${rank}`);
    return [...term];
  }
  const covered = rank === undefined ? 0 : rank - letters;
  if (covered < 0) fail(equation, `"${term}" names ${letters} axes but its operand has ${rank}`);
  return [...parts[0]!, ...Array.from({ length: covered }, (_, k) => `…${k}`), ...parts[1]!];
}

/** Sums the axes of `x` whose labels `keep` rejects. */
function sumOut(x: Tensor, labels: Labels, keep: (l: string) => boolean): [Tensor, Labels] {
  const axes = labels.flatMap((l, i) => (keep(l) ? [] : [i]));
  if (axes.length === 0) return [x, labels];
  return [sum(x, { axes }), labels.filter((l) => keep(l))];
}

/** Takes the diagonal over every label an operand repeats (`ii` → `i`). */
function diagonals(x: Tensor, labels: Labels): [Tensor, Labels] {
  for (let b = 1; b < labels.length; b++) {
    const a = labels.indexOf(labels[b]!);
    if (a === b) continue;
    const n = x.shape[a]!;
    const maskShape = x.shape.map((_, d) => (d === a || d === b ? n : 1));
    const mask = reshape(eye(n, { dtype: x.dtype }), maskShape);
    const next = sum(multiply(x, mask), { axes: [b] });
    return diagonals(next, [...labels.slice(0, b), ...labels.slice(b + 1)]);
  }
  return [x, labels];
}

/**
 * Einstein summation over `operands` as `equation` says, with NumPy's rules: `"ij,jk->ik"` is a
 * matrix product, `"ii->i"` a diagonal, `"ij->"` a total, `"bij,bjk->bik"` a batched product,
 * `"...ij,...jk"` broadcasts the axes the ellipsis stands for; without `->` the output is the
 * labels used once, in alphabetical order (after the ellipsis axes). Axis sizes of a label must
 * agree (ellipsis axes of size 1 broadcast). Contracts left to right, one `dot` per operand.
 *
 * @example
 * nx.einsum("ij,jk->ik", a, b); // nx.matmul(a, b)
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  if (typeof equation !== "string")
    throw new TypeError(`einsum: the equation must be a string, got ${show(equation)}`);
  operands.forEach((x, i) => checkTensorArg("einsum", x, `operand ${i}`));
  const eq = equation.replace(/\s+/g, "");
  const [lhs, rhs, extra] = eq.split("->");
  if (extra !== undefined) fail(equation, `"->" appears more than once`);
  const terms = lhs!.split(",");
  if (terms.length !== operands.length)
    fail(equation, `${terms.length} terms are given ${operands.length} operands`);
  let labels = terms.map((t, i) => termLabels(equation, t, operands[i]!.rank));

  // The size of each label; ellipsis axes broadcast from the right like NumPy's.
  const ellipsis = Math.max(0, ...labels.map((ls) => ls.filter((l) => l[0] === "…").length));
  labels = labels.map((ls) => {
    const k = ls.filter((l) => l[0] === "…").length;
    return ls.map((l) => (l[0] === "…" ? `…${Number(l.slice(1)) + ellipsis - k}` : l));
  });
  const size = new Map<string, number>();
  labels.forEach((ls, i) =>
    ls.forEach((l, d) => {
      const n = operands[i]!.shape[d]!;
      const seen = size.get(l);
      if (seen === undefined || (seen === 1 && l[0] === "…")) size.set(l, n);
      else if (seen !== n && !(n === 1 && l[0] === "…"))
        fail(
          equation,
          `${l[0] === "…" ? "the ellipsis axes" : `label "${l}"`} has size ${seen} and ${n} (operand ${i}: ${formatType(operands[i]!.shape, operands[i]!.dtype)})`,
        );
    }),
  );

  const ellipsisLabels = Array.from({ length: ellipsis }, (_, k) => `…${k}`);
  let output: Labels;
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    labels.flat().forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1));
    output = [
      ...ellipsisLabels,
      ...[...counts].flatMap(([l, c]) => (c === 1 && l[0] !== "…" ? [l] : [])).sort(),
    ];
  } else {
    // Without operand ranks an ellipsis stands for no axes: these are the output's letters.
    const [pre, post] = rhs.split("...");
    output = termLabels(equation, rhs, undefined);
    if (post !== undefined) output = [...pre!, ...ellipsisLabels, ...post];
    else if (labels.some((ls) => ls.some((l) => l[0] === "…")))
      fail(equation, `the inputs have ellipsis axes but the output has no "..."`);
    for (const l of output) {
      if (output.indexOf(l) !== output.lastIndexOf(l))
        fail(equation, `the output repeats label "${l}"`);
      if (!size.has(l)) fail(equation, `the output label "${l}" is in no input`);
    }
  }

  // Each operand: diagonals, ellipsis axes broadcast to their full size.
  const xs = operands.map((x, i) => {
    const [d, ls] = diagonals(x, labels[i]!);
    labels[i] = ls;
    const full = ls.map((l) => size.get(l)!);
    return full.every((n, k) => n === d.shape[k]) ? d : broadcastTo(d, full);
  });

  const neededAfter = (i: number) => new Set([...output, ...labels.slice(i + 1).flat()]);
  let [acc, accLabels] = sumOut(xs[0]!, labels[0]!, (l) => neededAfter(0).has(l));
  for (let i = 1; i < xs.length; i++) {
    const later = neededAfter(i);
    const [y, yLabels] = sumOut(xs[i]!, labels[i]!, (l) => later.has(l) || accLabels.includes(l));
    [acc, accLabels] = sumOut(acc, accLabels, (l) => later.has(l) || yLabels.includes(l));
    const shared = accLabels.filter((l) => yLabels.includes(l));
    const batch = shared.filter((l) => later.has(l));
    const contract = shared.filter((l) => !later.has(l));
    const axesOf = (ls: Labels, which: Labels) => which.map((l) => ls.indexOf(l));
    acc = dotGeneral(
      acc,
      axesOf(accLabels, contract),
      axesOf(accLabels, batch),
      y,
      axesOf(yLabels, contract),
      axesOf(yLabels, batch),
    );
    accLabels = [
      ...batch,
      ...accLabels.filter((l) => !shared.includes(l)),
      ...yLabels.filter((l) => !shared.includes(l)),
    ];
  }
  [acc, accLabels] = sumOut(acc, accLabels, (l) => output.includes(l));
  const perm = output.map((l) => accLabels.indexOf(l));
  return perm.every((p, i) => p === i) ? acc : transpose(acc, perm);
}
