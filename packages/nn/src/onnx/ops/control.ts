/**
 * ONNX control flow: If (a branch chosen by a value, `nx.cond` when the value is traced), Loop (the
 * body unrolled while its condition is known; `nx.whileLoop` from the first condition that depends
 * on the input's values) and Scan (opset 9 and later: the body over slices of its scan inputs,
 * unrolled). Subgraphs run with `runGraph`.
 */
import * as nx from "@dendrite/tensor";
import { axisOf, defineOp, describeNode, type OpContext } from "../context.js";
import type { GraphInfo } from "../proto.js";
import { runGraph } from "../subgraph.js";

/** Subgraph attribute `name`, which the node must have. */
function subgraph(ctx: OpContext, name: string): GraphInfo {
  const g = ctx.node.graphs.get(name);
  if (g === undefined) throw ctx.error(`the ${name} graph attribute is required`);
  return g;
}

/** How many inputs the node declares (the rest are its subgraphs' captured values). */
const declared = (ctx: OpContext) => ctx.node.inputs.length - ctx.node.captures.length;

/** The enclosing values the node's subgraphs read, from its captured inputs. */
function outerValues(
  ctx: OpContext,
  xs: readonly (nx.Tensor | undefined)[],
): Map<string, nx.Tensor> {
  const first = declared(ctx);
  const outer = new Map<string, nx.Tensor>();
  ctx.node.captures.forEach((name, k) => {
    const x = xs[first + k];
    if (x !== undefined) outer.set(name, x);
  });
  return outer;
}

/** A value known now (not traced, not a template), read as a boolean. */
function truth(t: nx.Tensor): boolean {
  return Array.from(t.data()).some((v) => v !== 0);
}

defineOp("If", (ctx) => {
  const [onTrue, onFalse] = [subgraph(ctx, "then_branch"), subgraph(ctx, "else_branch")];
  const where = describeNode(ctx.node);
  return (xs) => {
    const outer = outerValues(ctx, xs);
    const branch = (g: GraphInfo, name: string) => () => runGraph(g, [], outer, `${where} ${name}`);
    const pred = xs[0]!;
    if (pred.size !== 1)
      throw ctx.error(
        `the condition must hold one value, got ${nx.formatType(pred.shape, pred.dtype)}`,
      );
    // Shapes only: both branches must give the same types, so either one tells them.
    if (pred.isTemplate) return branch(onTrue, "then_branch")();
    if (!pred.isTraced)
      return truth(pred) ? branch(onTrue, "then_branch")() : branch(onFalse, "else_branch")();
    return nx.cond(
      nx.reshape(pred, []),
      branch(onTrue, "then_branch"),
      branch(onFalse, "else_branch"),
    );
  };
});

defineOp("Loop", (ctx) => {
  const body = subgraph(ctx, "body");
  const where = describeNode(ctx.node);
  const inputs = declared(ctx);
  // The trip count and the first condition decide how many steps run, and so the scan outputs' shapes.
  const trips = ctx.has(0) ? ctx.static(0, "trip count M")[0]! : Infinity;
  const first = ctx.has(1) ? ctx.static(1, "condition")[0]! !== 0 : true;
  if (!ctx.has(0) && !ctx.has(1))
    throw ctx.error("a loop with neither a trip count nor a condition never ends");
  const carried = Math.max(0, inputs - 2);
  const scans = body.outputs.length - 1 - carried;
  if (scans < 0)
    throw ctx.error(
      `the body gives ${body.outputs.length} outputs for ${carried} loop-carried values and a condition`,
    );
  return (xs) => {
    const outer = outerValues(ctx, xs);
    const step = (i: nx.Tensor, go: nx.Tensor, values: readonly nx.Tensor[]) =>
      runGraph(body, [i, go, ...values], outer, `${where} body`);
    let values = xs.slice(2, inputs) as nx.Tensor[];
    let go = first;
    const collected: nx.Tensor[][] = Array.from({ length: scans }, () => []);
    for (let i = 0; i < trips && go; i++) {
      const outs = step(nx.tensor(i, { dtype: "s32" }), nx.tensor(1, { dtype: "u8" }), values);
      const condition = outs[0]!;
      values = outs.slice(1, 1 + carried);
      outs.slice(1 + carried).forEach((y, k) => collected[k]!.push(y));
      if (!condition.isTraced && !condition.isTemplate) {
        go = truth(condition);
        continue;
      }
      // The condition depends on the input's values: scan outputs would have a length known only
      // then; loop-carried values keep their shapes, so the rest runs as one traced while loop.
      if (scans > 0)
        throw ctx.error(
          "the body's condition depends on the model's input values, and the scan outputs' length with it; Dendrite runs such loops only without scan outputs",
        );
      if (condition.isTemplate) break;
      const limit = trips - i - 1;
      const end = nx.whileLoop(
        {
          i: nx.tensor(i + 1, { dtype: "s32" }),
          go: nx.asType(nx.reshape(condition, []), "u8"),
          values,
        },
        (s) => s.go,
        (s) => {
          const o = step(s.i, s.go, s.values);
          return {
            i: nx.add(s.i, 1),
            go: nx.asType(nx.reshape(o[0]!, []), "u8"),
            values: o.slice(1, 1 + carried),
          };
        },
        Number.isFinite(limit) ? { maxIterations: limit } : {},
      );
      values = end.values;
      break;
    }
    const stacked = collected.map((list, k) => {
      if (list.length > 0) return nx.stack(list);
      const shape = body.outputs[1 + carried + k]!.shape;
      return nx.zeros([0, ...(shape ?? []).map((d) => d ?? 0)]);
    });
    return [...values, ...stacked];
  };
});

defineOp("Scan", (ctx) => {
  if (ctx.opset < 9)
    throw ctx.error("Scan before opset 9 (batched, with sequence_lens) is not supported");
  const body = subgraph(ctx, "body");
  const where = describeNode(ctx.node);
  const m = ctx.int("num_scan_inputs");
  if (m === undefined || m < 1) throw ctx.error("num_scan_inputs must be at least 1");
  const states = declared(ctx) - m;
  const k = body.outputs.length - states;
  if (states < 0 || k < 0)
    throw ctx.error(`${declared(ctx)} inputs cannot hold ${m} scan inputs and the states`);
  const inAxes = ctx.ints("scan_input_axes", Array<number>(m).fill(0));
  const inReversed = ctx.ints("scan_input_directions", Array<number>(m).fill(0));
  const outAxes = ctx.ints("scan_output_axes", Array<number>(k).fill(0));
  const outReversed = ctx.ints("scan_output_directions", Array<number>(k).fill(0));
  return (xs) => {
    const outer = outerValues(ctx, xs);
    let state = xs.slice(0, states) as nx.Tensor[];
    const sequences = xs.slice(states, states + m) as nx.Tensor[];
    const axes = sequences.map((s, j) => axisOf(inAxes[j] ?? 0, s.rank, "scan_input_axes"));
    const steps = sequences[0]!.shape[axes[0]!]!;
    sequences.forEach((s, j) => {
      if (s.shape[axes[j]!] !== steps)
        throw ctx.error(
          `scan input ${j} has ${s.shape[axes[j]!]} steps on axis ${axes[j]}, scan input 0 has ${steps}`,
        );
    });
    if (steps === 0) throw ctx.error("the scan inputs have no steps");
    const collected: nx.Tensor[][] = Array.from({ length: k }, () => []);
    for (let t = 0; t < steps; t++) {
      const elements = sequences.map((s, j) => {
        const at = inReversed[j] === 1 ? steps - 1 - t : t;
        return nx.squeeze(nx.sliceAlong(s, at, 1, { axis: axes[j]! }), { axes: axes[j]! });
      });
      const outs = runGraph(body, [...state, ...elements], outer, `${where} body`);
      state = outs.slice(0, states);
      outs.slice(states).forEach((y, q) => collected[q]!.push(y));
    }
    const stacked = collected.map((list, q) => {
      const ordered = outReversed[q] === 1 ? [...list].reverse() : list;
      const axis = axisOf(outAxes[q] ?? 0, list[0]!.rank + 1, "scan_output_axes");
      return nx.stack(ordered, { axis });
    });
    return [...state, ...stacked];
  };
});
