/**
 * Checks of what a model file's metadata holds, before anything is built from it: the graph JSON
 * and the lists of tensor names. Every error starts with the loader's prefix (`where`).
 */
import * as nx from "@dendrite/tensor";
import { isJsonObject, parseJson } from "./safe-json.js";
import { forbiddenSegment } from "./tree.js";
import type { ModelJson } from "./serialize.js";

const MAX_DIM = 2 ** 32 - 1;

/** Parses and checks the graph JSON of a model file (`what` names it in errors). */
export function parseModelJson(text: string, what: string, where: string): ModelJson {
  const json = parseJson(text, what, where);
  checkModelJson(json, where);
  return json as ModelJson;
}

/**
 * Checks the structure of a model graph's JSON: every node `{ op, name, config, parents }` with
 * parents before it, input names and shapes, and outputs that are node indices (or arrays /
 * objects of them). Names may not use a part in `FORBIDDEN_SEGMENTS`.
 */
export function checkModelJson(json: unknown, where: string): asserts json is ModelJson {
  if (!isJsonObject(json) || json.format !== "dendrite.model" || json.version !== 1)
    throw new Error(
      `${where}: not a Dendrite model graph (expected { format: "dendrite.model", version: 1, nodes })`,
    );
  const nodes = json.nodes;
  if (!Array.isArray(nodes) || nodes.length === 0)
    throw new Error(`${where}: the graph's nodes must be a non-empty array, got ${nx.show(nodes)}`);
  nodes.forEach((n: unknown, i) => {
    if (!isJsonObject(n)) throw new Error(`${where}: node ${i} is ${nx.show(n)}, not an object`);
    const { op, name, config, parents } = n;
    if (typeof op !== "string" || op.length === 0)
      throw new Error(`${where}: node ${i} has the op ${nx.show(op)}, not a layer name`);
    if (name !== null && name !== undefined) checkName(name, `node ${i} (${op})`, where);
    if (!isJsonObject(config))
      throw new Error(
        `${where}: node ${i} (${op}) has the config ${nx.show(config)}, not an object`,
      );
    if (
      !Array.isArray(parents) ||
      !parents.every((p) => Number.isSafeInteger(p) && (p as number) >= 0 && (p as number) < i)
    )
      throw new Error(
        `${where}: node ${i} (${op}) has the parents ${nx.show(parents)}; each must be the index of an earlier node`,
      );
    if (op === "input") checkInput(config, i, where);
  });
  checkOutputs(json.outputs, nodes.length, where);
}

function checkName(name: unknown, what: string, where: string): void {
  if (typeof name !== "string" || name.length === 0)
    throw new Error(`${where}: ${what} has the name ${nx.show(name)}, not a non-empty string`);
  const bad = forbiddenSegment(name);
  if (bad !== undefined)
    throw new Error(`${where}: ${what} is named "${name}"; the name part "${bad}" is not allowed`);
}

function checkInput(config: Record<string, unknown>, i: number, where: string): void {
  checkName(config.name, `input node ${i}`, where);
  const shape = config.shape;
  if (
    shape !== null &&
    shape !== undefined &&
    !(
      Array.isArray(shape) &&
      shape.every((d) => d === null || (Number.isSafeInteger(d) && d >= 0 && d <= MAX_DIM))
    )
  )
    throw new Error(
      `${where}: input node ${i} has the shape ${nx.show(shape)}; expected sizes or null (any size)`,
    );
}

function checkOutputs(outputs: unknown, count: number, where: string): void {
  const stack: unknown[] = [outputs];
  while (stack.length > 0) {
    const t = stack.pop();
    if (typeof t === "number") {
      if (!Number.isSafeInteger(t) || t < 0 || t >= count)
        throw new Error(`${where}: output ${nx.show(t)} is not a node (the graph has ${count})`);
    } else if (Array.isArray(t)) stack.push(...t);
    else if (isJsonObject(t)) stack.push(...Object.values(t));
    else throw new Error(`${where}: bad outputs ${nx.show(t)}`);
  }
}

/** Parses a JSON list of tensor names (`what` names it in errors). */
export function parseNameList(text: string, what: string, where: string): string[] {
  const list = parseJson(text, what, where);
  if (!Array.isArray(list) || !list.every((s) => typeof s === "string"))
    throw new Error(`${where}: ${what} must be a JSON array of tensor names, got ${nx.show(list)}`);
  return list as string[];
}
