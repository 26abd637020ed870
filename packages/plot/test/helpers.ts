// Shared test helpers: the bundled Iris data, normalised as the seed post does, SVG mark counting
// and a small PNG decoder (8-bit RGBA, as resvg writes) to check images are the asked size and
// not blank.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");
export const OUT = join(ROOT, "out", "plot");
export const FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"] as const;

export type IrisRow = Record<(typeof FEATURES)[number], number> & { species: string };

/** The bundled Iris CSV (packages/data/datasets/iris.csv) as records. */
export function iris(): IrisRow[] {
  const [head, ...lines] = readFileSync(join(ROOT, "packages/data/datasets/iris.csv"), "utf8")
    .trim()
    .split("\n");
  const names = head!.split(",");
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(
      names.map((n, i) => [n, n === "species" ? cells[i] : Number(cells[i])]),
    ) as IrisRow;
  });
}

/**
 * The seed post's normalisation (Explorer: `(col - mean(col)) / variance(col)`), with the sample
 * variance (n - 1), as Explorer's `variance` computes it.
 */
export function normalizedIris(): IrisRow[] {
  const rows = iris();
  const stats = FEATURES.map((f) => {
    const xs = rows.map((r) => r[f]);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
    return { f, mean, variance };
  });
  return rows.map((r) => {
    const out = { ...r };
    for (const { f, mean, variance } of stats) out[f] = (r[f] - mean) / variance;
    return out;
  });
}

/** The number of data marks (not axes or legends) of a type (`symbol`, `line`, `rect`, ...) in a Vega SVG. */
export function countMarks(svg: string, type: string): number {
  let count = 0;
  const open = new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>`, "g");
  for (const m of svg.matchAll(open)) {
    const start = m.index + m[0].length;
    // Mark groups of these types hold only leaf elements, so the group ends at the next </g>.
    const body = svg.slice(start, svg.indexOf("</g>", start));
    count += (body.match(/<(path|line|rect|text)\b/g) ?? []).length;
  }
  return count;
}

/** Width, height and RGBA pixels of an 8-bit RGBA, non-interlaced PNG. */
export function decodePNG(bytes: Uint8Array): {
  width: number;
  height: number;
  pixels: Uint8Array;
} {
  const buf = Buffer.from(bytes);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
  let pos = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString("ascii", pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== 6 || data[12] !== 0)
        throw new Error("decodePNG: only 8-bit RGBA, non-interlaced");
    } else if (type === "IDAT") idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= 4 ? pixels[y * stride + x - 4]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4]! : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[y * stride + x] = (line[x]! + pred) & 0xff;
    }
  }
  return { width, height, pixels };
}

/** How many distinct opaque colours an image has, and the fraction of non-white pixels. */
export function inkStats(png: Uint8Array): {
  width: number;
  height: number;
  colors: number;
  ink: number;
} {
  const { width, height, pixels } = decodePNG(png);
  const colors = new Set<number>();
  let ink = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b, a] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, pixels[i + 3]!];
    colors.add((r << 16) | (g << 8) | b);
    if (a > 0 && (r < 250 || g < 250 || b < 250)) ink++;
  }
  return { width, height, colors: colors.size, ink: ink / (width * height) };
}
