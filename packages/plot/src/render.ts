// Rendering with the real Vega: Vega-Lite compiles the spec, a headless Vega View draws it to SVG,
// resvg rasterises the SVG to PNG with the bundled DejaVu fonts, and toHTML inlines Vega itself.
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname } from "node:path";
import * as vega from "vega";
import { compile } from "vega-lite";
import { Resvg } from "@resvg/resvg-js";
import { FONT_FILES, measureText } from "./fonts.js";
import { checkFields, type Json } from "./fields.js";
import type { TopLevelSpec } from "./types.js";

/** The result of compiling a Vega-Lite spec: the Vega spec and every warning on the way. */
export interface Compiled {
  vega: vega.Spec;
  warnings: string[];
}

/**
 * A Vega/Vega-Lite logger that keeps warnings and errors instead of printing them. Its methods
 * are bound: Vega calls them detached from the logger.
 */
class CollectingLogger {
  readonly messages: string[] = [];
  #level = 2; // vega.Warn
  constructor() {
    for (const m of ["level", "error", "warn", "info", "debug"] as const)
      (this as Record<string, unknown>)[m] = this[m].bind(this);
  }
  level(): number;
  level(level: number): this;
  level(level?: number): number | this {
    if (level === undefined) return this.#level;
    this.#level = level;
    return this;
  }
  error(...args: readonly unknown[]): this {
    this.messages.push(`error: ${args.map(String).join(" ")}`);
    return this;
  }
  warn(...args: readonly unknown[]): this {
    this.messages.push(args.map(String).join(" "));
    return this;
  }
  info(): this {
    return this;
  }
  debug(): this {
    return this;
  }
}

/**
 * Compiles a Vega-Lite spec to Vega after checking its fields against its inline data; warnings
 * are returned, not printed.
 */
export function compileSpec(spec: TopLevelSpec | Json): Compiled {
  checkFields(spec as Json, "plot");
  const logger = new CollectingLogger();
  const out = compile(spec as TopLevelSpec, { logger });
  return { vega: out.spec, warnings: logger.messages };
}

let textMeasureInstalled = false;

/** Makes Vega lay text out with DejaVu's advance widths (those resvg draws with). */
function useDejaVuMetrics(): void {
  if (textMeasureInstalled) return;
  // vega re-exports vega-scenegraph's textMetrics (missing from its typings).
  const metrics = (
    vega as unknown as { textMetrics: { width: (item: Json, text: unknown) => number } }
  ).textMetrics;
  metrics.width = (item, text) => {
    const s = text == null ? "" : String(text).trim();
    const w = measureText(s, item as { fontSize?: number; fontWeight?: string; font?: string });
    // Vega truncates text wider than `limit`; bound it the same way.
    const limit = Number(item.limit) || 0;
    return limit > 0 ? Math.min(w, limit) : w;
  };
  textMeasureInstalled = true;
}

/** A headless Vega View of a compiled spec, run to completion. */
async function headlessView(
  spec: TopLevelSpec | Json,
  warn: (message: string) => void = console.warn,
): Promise<vega.View> {
  useDejaVuMetrics();
  const compiled = compileSpec(spec);
  for (const w of compiled.warnings) warn(`plot: vega-lite: ${w}`);
  const logger = new CollectingLogger();
  // Vega tags (and some transforms extend) the row objects it ingests; give it copies so the
  // chart's own rows stay as they were.
  for (const d of compiled.vega.data ?? []) {
    const values = (d as { values?: unknown }).values;
    if (Array.isArray(values)) {
      (d as { values: unknown[] }).values = values.map((r) =>
        r && typeof r === "object" ? { ...r } : r,
      );
    }
  }
  const view = new vega.View(vega.parse(compiled.vega), {
    renderer: "none",
    logger: logger as unknown as vega.LoggerInterface,
  });
  await view.runAsync();
  for (const w of logger.messages) warn(`plot: vega: ${w}`);
  return view;
}

/**
 * Renders a spec to an SVG document (text laid out for DejaVu Sans). Vega-Lite's and Vega's
 * warnings go to `warn` (default `console.warn`).
 */
export async function renderSVG(
  spec: TopLevelSpec | Json,
  warn?: (message: string) => void,
): Promise<string> {
  const view = await headlessView(spec, warn);
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of `toPNG`. */
export interface PNGOptions {
  /** Pixels per CSS pixel of the chart (default 1; 2 for a sharp image on high-DPI screens). */
  scale?: number;
}

/** Rasterises an SVG document to PNG with the DejaVu fonts shipped with the package. */
export function svgToPNG(svg: string, opts: PNGOptions = {}): Uint8Array {
  const scale = opts.scale ?? 1;
  if (!(typeof scale === "number" && scale > 0 && Number.isFinite(scale))) {
    throw new RangeError(`toPNG: scale must be a positive number, got ${String(scale)}`);
  }
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: {
      fontFiles: FONT_FILES,
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
      serifFamily: "DejaVu Serif",
      monospaceFamily: "DejaVu Sans Mono",
    },
  });
  return resvg.render().asPng();
}

/** Renders a spec to PNG bytes. */
export async function renderPNG(
  spec: TopLevelSpec | Json,
  opts: PNGOptions = {},
): Promise<Uint8Array> {
  return svgToPNG(await renderSVG(spec), opts);
}

const require = createRequire(import.meta.url);
let libraries: string | undefined;

/** The minified Vega and Vega-Lite browser builds, as inline script elements. */
function inlineLibraries(): string {
  libraries ??= ["vega/build/vega.min.js", "vega-lite/build/vega-lite.min.js"]
    .map(
      (lib) =>
        `<script>${readFileSync(require.resolve(lib), "utf8").replace(/<\/(script)/gi, "<\\/$1")}</script>`,
    )
    .join("\n");
  return libraries;
}

/** JSON safe to put inside a script element. */
function scriptJSON(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028|\u2029/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

const escapeHTML = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/**
 * One self-contained HTML page drawing the chart with Vega and Vega-Lite inlined (no CDN, works
 * offline). The chart is compiled here first, so a broken spec fails now rather than in the page.
 */
export function renderHTML(spec: TopLevelSpec | Json, title = "Chart"): string {
  compileSpec(spec);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHTML(title)}</title>
<style>body { font-family: "DejaVu Sans", sans-serif; margin: 16px; } #error { color: #b00; white-space: pre-wrap; }</style>
${inlineLibraries()}
</head>
<body>
<div id="vis"></div>
<pre id="error"></pre>
<script>
(function () {
  var spec = ${scriptJSON(spec)};
  try {
    var view = new vega.View(vega.parse(vegaLite.compile(spec).spec), {
      renderer: "svg", container: "#vis", hover: true
    });
    window.vegaView = view;
    view.runAsync().catch(function (e) { document.getElementById("error").textContent = String(e); });
  } catch (e) {
    document.getElementById("error").textContent = String(e);
  }
})();
</script>
</body>
</html>
`;
}

/** The file formats `save` writes, by extension. */
export const SAVE_FORMATS = [".svg", ".png", ".html", ".json"] as const;

/** Writes a chart to `path` in the format its extension names; returns the path. */
export async function saveSpec(
  spec: TopLevelSpec | Json,
  path: string,
  opts: PNGOptions = {},
): Promise<string> {
  const ext = extname(path).toLowerCase();
  let content: string | Uint8Array;
  if (ext === ".svg") content = await renderSVG(spec);
  else if (ext === ".png") content = await renderPNG(spec, opts);
  else if (ext === ".html" || ext === ".htm") content = renderHTML(spec);
  else if (ext === ".json") content = `${JSON.stringify(spec, null, 2)}\n`;
  else {
    throw new RangeError(
      `save("${path}"): unknown extension "${ext}"; use one of ${SAVE_FORMATS.join(", ")}`,
    );
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  return path;
}
