// Notebook display. Deno's Jupyter kernel shows any value with a `Symbol.for("Jupyter.display")`
// method, awaiting the MIME bundle it returns; tslab shows what is passed to its `display` object,
// one MIME type per call.
import type { Json } from "./fields.js";
import { renderHTML, renderPNG, renderSVG } from "./render.js";
import { describeValue } from "./describe.js";

/** The MIME type of Vega-Lite v5 specs, rendered by JupyterLab, VS Code and nteract. */
export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";

/** The key of the method notebook kernels (Deno's, tslab's) call to display a value. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A Jupyter MIME bundle: MIME type → content. */
export type MimeBundle = Record<string, unknown>;

/** What the chart is shown through: tslab's `display` (anything with its `raw` method). */
export interface NotebookDisplay {
  raw(contentType: string, content: string | Uint8Array): void;
}

/** Options of `show`. */
export interface ShowOptions {
  /**
   * What to send: `"svg"` (default: a static picture every front-end shows), `"png"`,
   * `"vegalite"` (the interactive spec, for JupyterLab and VS Code) or `"html"` (a page with Vega
   * inlined).
   */
  as?: "svg" | "png" | "vegalite" | "html";
  /** PNG scale (with `as: "png"`). */
  scale?: number;
}

/** A one-line description of a chart, for `text/plain`. */
export function describeChart(spec: Json): string {
  const mark = spec.mark;
  const type =
    typeof mark === "string" ? mark : ((mark as Json | undefined)?.type as string | undefined);
  const values = (spec.data as Json | undefined)?.values;
  const rows = Array.isArray(values) ? `, ${values.length} rows` : "";
  const title = typeof spec.title === "string" ? ` "${spec.title}"` : "";
  const kind = ["layer", "repeat", "facet", "concat", "hconcat", "vconcat"].find((k) => k in spec);
  return `Chart${title} (${kind ?? type ?? "no mark"}${rows})`;
}

/**
 * The MIME bundle of a chart: the Vega-Lite spec (interactive where the front-end renders
 * Vega-Lite), a static SVG fallback, and a line of text.
 */
export async function displayBundle(spec: Json): Promise<MimeBundle> {
  return {
    [VEGALITE_MIME]: spec,
    "image/svg+xml": await renderSVG(spec),
    "text/plain": describeChart(spec),
  };
}

/** Sends a chart to a notebook display object such as tslab's `display`. */
export async function showIn(
  spec: Json,
  display: NotebookDisplay,
  opts: ShowOptions = {},
): Promise<void> {
  if (typeof (display as Partial<NotebookDisplay> | undefined)?.raw !== "function") {
    throw new TypeError(
      `show: expected a display object with a raw(contentType, content) method (tslab's display), got ${describeValue(display)}`,
    );
  }
  const as = opts.as ?? "svg";
  if (as === "svg") display.raw("image/svg+xml", await renderSVG(spec));
  else if (as === "png") display.raw("image/png", await renderPNG(spec, { scale: opts.scale }));
  else if (as === "html") display.raw("text/html", renderHTML(spec));
  // Jupyter wants JSON MIME types as objects; tslab passes any non-binary content through as is.
  else if (as === "vegalite") display.raw(VEGALITE_MIME, spec as unknown as string);
  else
    throw new RangeError(
      `show: "as" must be "svg", "png", "vegalite" or "html", got ${describeValue(as)}`,
    );
}
