// Fonts for headless rendering: the DejaVu TrueType files shipped by the `dejavu-fonts-ttf`
// package, given to resvg (so no system font is needed) and measured here (so Vega lays text out
// with the widths resvg will draw).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The folder holding the DejaVu `.ttf` files. */
export const FONT_DIR = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");

/** The font files handed to resvg: DejaVu Sans, Serif and Mono, upright and bold. */
export const FONT_FILES = [
  "DejaVuSans.ttf",
  "DejaVuSans-Bold.ttf",
  "DejaVuSans-Oblique.ttf",
  "DejaVuSans-BoldOblique.ttf",
  "DejaVuSerif.ttf",
  "DejaVuSerif-Bold.ttf",
  "DejaVuSansMono.ttf",
  "DejaVuSansMono-Bold.ttf",
].map((file) => join(FONT_DIR, file));

/** Horizontal advances of one font, in em units (1 = the font size). */
export interface FontMetrics {
  /** Advance of a code point, or of the font's missing glyph when it has none. */
  advance(codePoint: number): number;
}

/** Reads the advance widths of a TrueType font (tables `head`, `hhea`, `hmtx`, `cmap`). */
export function readFontMetrics(bytes: Uint8Array): FontMetrics {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = new Map<string, number>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    const tag = String.fromCharCode(...bytes.subarray(rec, rec + 4));
    tables.set(tag, view.getUint32(rec + 8));
  }
  const table = (tag: string): number => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`font: the TrueType file has no '${tag}' table`);
    return at;
  };
  const unitsPerEm = view.getUint16(table("head") + 18);
  const numberOfHMetrics = view.getUint16(table("hhea") + 34);
  const hmtx = table("hmtx");
  const glyphAdvance = (glyph: number): number =>
    view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1)) / unitsPerEm;
  const glyphOf = readCmap(view, table("cmap"));
  const cache = new Map<number, number>();
  return {
    advance(codePoint) {
      let w = cache.get(codePoint);
      if (w === undefined) {
        w = glyphAdvance(glyphOf(codePoint));
        cache.set(codePoint, w);
      }
      return w;
    },
  };
}

/** The code point → glyph lookup of a Unicode `cmap` subtable (format 4 or 12). */
function readCmap(view: DataView, cmap: number): (codePoint: number) => number {
  const count = view.getUint16(cmap + 2);
  let format4 = -1;
  let format12 = -1;
  for (let i = 0; i < count; i++) {
    const rec = cmap + 4 + 8 * i;
    const platform = view.getUint16(rec);
    const encoding = view.getUint16(rec + 2);
    const sub = cmap + view.getUint32(rec + 4);
    const format = view.getUint16(sub);
    if (format === 12 && (platform === 0 || (platform === 3 && encoding === 10))) format12 = sub;
    if (format === 4 && (platform === 0 || (platform === 3 && encoding === 1))) format4 = sub;
  }
  if (format12 >= 0) {
    const groups = view.getUint32(format12 + 12);
    return (cp) => {
      for (let g = 0; g < groups; g++) {
        const at = format12 + 16 + 12 * g;
        const start = view.getUint32(at);
        if (cp >= start && cp <= view.getUint32(at + 4)) return view.getUint32(at + 8) + cp - start;
      }
      return 0;
    };
  }
  if (format4 < 0) throw new Error("font: no Unicode cmap subtable (format 4 or 12)");
  const segCount = view.getUint16(format4 + 6) / 2;
  const ends = format4 + 14;
  const starts = ends + 2 * segCount + 2;
  const deltas = starts + 2 * segCount;
  const offsets = deltas + 2 * segCount;
  return (cp) => {
    if (cp > 0xffff) return 0;
    for (let s = 0; s < segCount; s++) {
      if (cp > view.getUint16(ends + 2 * s)) continue;
      const start = view.getUint16(starts + 2 * s);
      if (cp < start) return 0;
      const delta = view.getInt16(deltas + 2 * s);
      const rangeOffset = view.getUint16(offsets + 2 * s);
      if (rangeOffset === 0) return (cp + delta) & 0xffff;
      const glyph = view.getUint16(offsets + 2 * s + rangeOffset + 2 * (cp - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

let metrics: { regular: FontMetrics; bold: FontMetrics; mono: FontMetrics } | undefined;

function loadMetrics() {
  metrics ??= {
    regular: readFontMetrics(readFileSync(join(FONT_DIR, "DejaVuSans.ttf"))),
    bold: readFontMetrics(readFileSync(join(FONT_DIR, "DejaVuSans-Bold.ttf"))),
    mono: readFontMetrics(readFileSync(join(FONT_DIR, "DejaVuSansMono.ttf"))),
  };
  return metrics;
}

/** The style of a piece of text, as Vega's text items carry it. */
export interface TextStyle {
  fontSize?: number;
  fontWeight?: string | number;
  font?: string;
}

/** Width in pixels of `text` drawn in DejaVu with `style` (Vega's default size is 11 px). */
export function measureText(text: string, style: TextStyle): number {
  const key = `${style.fontSize}|${style.fontWeight}|${style.font}|${text}`;
  let w = widthCache.get(key);
  if (w === undefined) {
    if (widthCache.size > 10_000) widthCache.clear();
    w = measureUncached(text, style);
    widthCache.set(key, w);
  }
  return w;
}

const widthCache = new Map<string, number>();

function measureUncached(text: string, style: TextStyle): number {
  const m = loadMetrics();
  const size = style.fontSize != null ? +style.fontSize || 0 : 11;
  const weight = style.fontWeight;
  const bold = weight === "bold" || weight === "bolder" || (Number(weight) || 0) >= 600;
  const font = /mono|courier/i.test(style.font ?? "") ? m.mono : bold ? m.bold : m.regular;
  let em = 0;
  for (const ch of text) em += font.advance(ch.codePointAt(0)!);
  return em * size;
}
