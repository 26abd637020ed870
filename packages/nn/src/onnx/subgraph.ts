/**
 * Running a subgraph (an If's branch, a Loop's or a Scan's body) on tensors: its nodes in order,
 * each mapped when it runs (`mapAtRun`), so values it computes from shapes are concrete then, as in
 * the importer. It reads enclosing values by name from `outer` (its node's captured inputs).
 */
import * as nx from "@dendrite/tensor";
import { describeNode, mapAtRun } from "./context.js";
import { OnnxImportError } from "./errors.js";
import type { GraphInfo } from "./proto.js";
import { tensorFromProto } from "./tensors.js";

/** The outputs of subgraph `g` for its `inputs` (in its input order) and the enclosing values. */
export function runGraph(
  g: GraphInfo,
  inputs: readonly nx.Tensor[],
  outer: ReadonlyMap<string, nx.Tensor>,
  where: string,
): nx.Tensor[] {
  if (inputs.length !== g.inputs.length)
    throw new OnnxImportError(
      `${where}: the subgraph takes ${g.inputs.length} inputs, given ${inputs.length}`,
    );
  const values = new Map(outer);
  for (const [name, proto] of g.initializers)
    values.set(name, tensorFromProto(proto, `${where}: initializer ${JSON.stringify(name)}`));
  g.inputs.forEach((v, i) => values.set(v.name, inputs[i]!));
  for (const n of g.nodes) {
    const xs = n.inputs.map((name) => {
      if (name === "") return undefined;
      const v = values.get(name);
      if (v === undefined)
        throw new OnnxImportError(
          `${where}: ${describeNode(n)} reads ${JSON.stringify(name)}, which no enclosing graph defines`,
        );
      return v;
    });
    let outs: nx.Tensor | nx.Tensor[];
    try {
      outs = mapAtRun(n, g.opset, xs, xs)(xs);
    } catch (err) {
      if (err instanceof OnnxImportError) throw err;
      const e = new OnnxImportError(`${where}: ${describeNode(n)}: ${(err as Error).message}`);
      e.cause = err;
      throw e;
    }
    const list = Array.isArray(outs) ? outs : [outs];
    n.outputs.forEach((name, j) => {
      if (name !== "" && list[j] !== undefined) values.set(name, list[j]!);
    });
  }
  return g.outputs.map((v) => {
    const t = values.get(v.name);
    if (t === undefined)
      throw new OnnxImportError(`${where}: output ${JSON.stringify(v.name)} is not computed`);
    return t;
  });
}
