/**
 * Model display (Axon.Display): `asTable` prints the layer table of the seed post, `asGraph` a
 * Mermaid flowchart. Both propagate the given input templates to get every shape.
 */
import * as nx from "@dendrite/tensor";
import { compileGraph, type Inputs } from "./graph.js";
import type { Model } from "./model.js";

/** A value as Elixir's `inspect` writes it (Axon prints options that way): `{nil, 7}`, `:same`, `nil`. */
function inspectValue(v: unknown): string {
  if (v === null || v === undefined) return "nil";
  if (Array.isArray(v)) return `{${v.map(inspectValue).join(", ")}}`;
  if (typeof v === "string") return `:${v}`;
  if (typeof v === "object")
    return `%{${Object.entries(v)
      .map(([k, x]) => `${k}: ${inspectValue(x)}`)
      .join(", ")}}`;
  if (typeof v === "number" && !Number.isInteger(v) && v !== 0 && Math.abs(v) < 1e-3) {
    const [mantissa, exponent] = v.toExponential().split("e");
    return `${mantissa!.includes(".") ? mantissa : `${mantissa}.0`}e${Number(exponent)}`;
  }
  return String(v);
}

/** A concrete shape as an Elixir tuple: `{1, 7}`. */
function tuple(shape: readonly number[]): string {
  return `{${shape.join(", ")}}`;
}

/** A node's output shape, or for a node with several outputs the tuple of them: `{{1, 3, 4}, {1, 4}}`. */
function outputShape(outputs: readonly nx.Tensor[]): string {
  if (outputs.length === 1) return tuple(outputs[0]!.shape);
  return `{${outputs.map((t) => tuple(t.shape)).join(", ")}}`;
}

/** Options of `asTable`. */
export interface TableOptions {
  /** Float type the parameters are counted in (default `"f32"`). */
  dtype?: "f32" | "f64";
}

/**
 * The model as Axon's `Axon.Display.as_table` prints it: title "Model", columns Layer, Input
 * Shape, Output Shape, Options, Parameters, one row per node (`dense_0 ( dense["car_features"] )`),
 * then `Total Parameters` and `Total Parameters Memory`.
 *
 * @example
 * console.log(nn.display.asTable(model, nx.template([1, 7], "f32")));
 */
export function asTable(
  model: Model<unknown>,
  templates: Inputs,
  options: TableOptions = {},
): TextTable {
  const graph = compileGraph(model);
  const dtype = options.dtype ?? "f32";
  const shapes = graph.shapes(templates, dtype, "asTable");
  let count = 0;
  let bytes = 0;
  const rows = graph.nodes.map((n) => {
    const s = shapes.get(n)!;
    const parents = n.parents.map((p) => JSON.stringify(graph.nameOf(p)));
    const params = Object.entries(s.specs).map(([k, spec]) => {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const t = spec.dtype ?? dtype;
      count += size;
      bytes += size * nx.byteSize(t);
      return `${k}: ${t}${spec.shape.map((d) => `[${d}]`).join("")}`;
    });
    return [
      `${graph.nameOf(n)} ( ${n.def.op}${parents.length ? `[${parents.join(", ")}]` : ""} )`,
      `[${s.inputShapes.map(tuple).join(", ")}]`,
      outputShape(s.outputs),
      (n.def.display ?? []).map(([k, v]) => `${k}: ${inspectValue(v)}`).join("\n"),
      params.join("\n"),
    ];
  });
  const header = ["Layer", "Input Shape", "Output Shape", "Options", "Parameters"];
  const totals = [`Total Parameters: ${count}`, `Total Parameters Memory: ${bytes} bytes`];
  return new TextTable(
    [renderTable("Model", header, rows), ...totals].join("\n"),
    [markdownTable(header, rows), "", ...totals.map((t) => `${t}  `)].join("\n"),
  );
}

/**
 * A table as text: a `String` (every string method works; `String(table)` or `${table}` gives
 * the text, which `console.log` prints) that a notebook shows as a Markdown table when it is a
 * cell's value (`Symbol.for("Jupyter.display")`, as Deno's kernel asks).
 */
export class TextTable extends String {
  /** @param text the table as text; @param markdown the same as a Markdown table. */
  constructor(
    text: string,
    readonly markdown: string,
  ) {
    super(text);
  }

  /** The MIME bundle notebooks show: the text, and the Markdown table. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/plain": this.toString(), "text/markdown": this.markdown };
  }

  /** Node's and Deno's `console.log` print the text itself, not a `[String: …]` wrapper. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

/** A Markdown table; each line of a cell is a code span, lines joined by `<br>`. */
function markdownTable(header: string[], rows: string[][]): string {
  const code = (line: string) => {
    if (line === "") return "";
    const ticks = line.includes("`") ? "``" : "`";
    return `${ticks}${line.replace(/\|/g, "\\|")}${ticks}`;
  };
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    row(header),
    row(header.map(() => "---")),
    ...rows.map((r) => row(r.map((c) => c.split("\n").map(code).join("<br>")))),
  ].join("\n");
}

/** A table with a centred title row and multi-line cells, `|`-separated, padded by one space. */
function renderTable(title: string, header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((r) => r.map((c) => c.split("\n")));
  const widths = header.map((_, j) =>
    Math.max(...cells.flatMap((r) => r[j]!.map((l) => l.length))),
  );
  const inner = widths.reduce((a, w) => a + w + 2, 0) + widths.length - 1;
  const left = Math.floor((inner - title.length) / 2);
  const lines = [`|${" ".repeat(left)}${title}${" ".repeat(inner - left - title.length)}|`];
  for (const r of cells) {
    const height = Math.max(...r.map((c) => c.length));
    for (let i = 0; i < height; i++)
      lines.push(`| ${r.map((c, j) => (c[i] ?? "").padEnd(widths[j]!)).join(" | ")} |`);
  }
  return lines.join("\n");
}

/**
 * The model as a Mermaid flowchart (as Axon's `as_graph`): one node per layer labelled with its
 * name, op and output shape; inputs drawn as parallelograms.
 */
export function asGraph(
  model: Model<unknown>,
  templates: Inputs,
  options: TableOptions = {},
): string {
  const graph = compileGraph(model);
  const shapes = graph.shapes(templates, options.dtype ?? "f32", "asGraph");
  const ids = new Map(graph.nodes.map((n, i) => [n, i]));
  const lines = ["graph TD;"];
  for (const n of graph.nodes) {
    const label =
      `${graph.nameOf(n)} (:${n.def.op}) ${outputShape(shapes.get(n)!.outputs)}`.replace(
        /"/g,
        "#quot;",
      );
    lines.push(
      n.def.op === "input" ? `${ids.get(n)}[/"${label}"/];` : `${ids.get(n)}["${label}"];`,
    );
  }
  for (const n of graph.nodes)
    for (const p of n.parents) lines.push(`${ids.get(p)} --> ${ids.get(n)};`);
  return lines.join("\n");
}
