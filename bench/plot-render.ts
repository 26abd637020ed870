// P1: rendering a 150-point scatter (the Iris scatter of the seed post) to SVG and to PNG, after
// warm-up, against the same job done with vega-lite → vega → resvg directly (no Dendrite wrapper).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as vega from "vega";
import { compile } from "vega-lite";
import { Resvg } from "@resvg/resvg-js";
import * as plot from "@dendrite/plot";
import { progress, summarize, type Row } from "./stats.js";

const ROOT = join(import.meta.dirname, "..");
const FONT_DIR = join(ROOT, "node_modules/dejavu-fonts-ttf/ttf");

function iris(): Record<string, unknown>[] {
  const [head, ...lines] = readFileSync(join(ROOT, "packages/data/datasets/iris.csv"), "utf8")
    .trim()
    .split("\n");
  const names = head!.split(",");
  return lines.map((l) =>
    Object.fromEntries(l.split(",").map((v, i) => [names[i], i < 4 ? Number(v) : v])),
  );
}

async function samplesMs(
  fn: () => Promise<unknown>,
  warmup: number,
  reps: number,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function runP1(): Promise<Row[]> {
  const chart = plot
    .vl({ width: 640, height: 480 })
    .dataFromValues(iris(), { only: ["sepal_length", "sepal_width", "species"] })
    .mark("point", { size: 120, filled: true })
    .encodeField("x", "sepal_length", { type: "quantitative", scale: { zero: false } })
    .encodeField("y", "sepal_width", { type: "quantitative", scale: { zero: false } })
    .encodeField("color", "species", { type: "nominal" })
    .encodeField("shape", "species", { type: "nominal" });
  const spec = chart.toSpec();
  const rawSVG = async () => {
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
    const svg = await view.toSVG();
    view.finalize();
    return svg;
  };
  const fontFiles = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => join(FONT_DIR, f));
  const rawPNG = async () =>
    new Resvg(await rawSVG(), {
      font: { fontFiles, loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" },
    })
      .render()
      .asPng();

  const [warmup, reps] = [10, 31];
  const reps_ = `${reps} renders after ${warmup} warm-up`;
  progress("P1 Dendrite toSVG");
  const svg = summarize(await samplesMs(() => chart.toSVG(), warmup, reps));
  progress("P1 vega-lite + vega View.toSVG");
  const svgPeer = summarize(await samplesMs(rawSVG, warmup, reps));
  progress("P1 Dendrite toPNG");
  const png = summarize(await samplesMs(() => chart.toPNG(), warmup, reps));
  progress("P1 vega-lite + vega + resvg");
  const pngPeer = summarize(await samplesMs(rawPNG, warmup, reps));
  const common = { bench: "P1", unit: "ms", better: "lower" as const, reps: reps_ };
  return [
    {
      ...common,
      impl: "SVG: Dendrite chart.toSVG()",
      samples: svg,
      target: { value: 50, better: "lower" },
    },
    {
      ...common,
      impl: "SVG: vega-lite compile + vega View.toSVG",
      samples: svgPeer,
      baseline: svg,
    },
    {
      ...common,
      impl: "PNG: Dendrite chart.toPNG()",
      samples: png,
      target: { value: 150, better: "lower" },
    },
    { ...common, impl: "PNG: vega-lite + vega + resvg", samples: pngPeer, baseline: png },
  ];
}
