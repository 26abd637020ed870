// Rendering: SVG, PNG (asked size, not blank, text drawn with the bundled fonts), self-contained
// HTML (opened in a real Chromium, offline), save by extension, and the notebook display hooks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Resvg } from "@resvg/resvg-js";
import * as plot from "@dendrite/plot";
import { FONT_FILES, measureText } from "../src/fonts.js";
import { OUT, countMarks, decodePNG, inkStats, iris } from "./helpers.js";

const data = iris();
const chart = plot.scatter(data, "sepal_length", "sepal_width", {
  colorBy: "species",
  title: "Iris sepals",
});

test("toSVG draws every point, the axes and the title", async () => {
  const svg = await chart.toSVG();
  assert.match(svg, /^<svg /);
  assert.equal(countMarks(svg, "symbol"), 150);
  assert.ok(svg.includes(">Iris sepals</text>"));
  assert.ok(svg.includes(">sepal_length</text>") && svg.includes(">sepal_width</text>"));
});

test("toPNG has the SVG's size times scale, and is not blank", async () => {
  const svg = await chart.toSVG();
  const [, w, h] = svg.match(/width="(\d+)" height="(\d+)"/)!.map(Number);
  for (const scale of [1, 2, 0.5]) {
    const png = decodePNG(await chart.toPNG({ scale }));
    assert.equal(png.width, Math.round(w! * scale), `width at scale ${scale}`);
    assert.equal(png.height, Math.round(h! * scale), `height at scale ${scale}`);
  }
  const stats = inkStats(await chart.toPNG());
  assert.ok(stats.colors > 20, `${stats.colors} colours`);
  assert.ok(stats.ink > 0.02 && stats.ink < 0.5, `${(stats.ink * 100).toFixed(1)}% ink`);
  await assert.rejects(chart.toPNG({ scale: 0 }), /toPNG: scale must be a positive number, got 0/);
});

test("text renders with the bundled DejaVu fonts only, at the width Vega laid it out", async () => {
  // A title alone: with loadSystemFonts false, ink can only come from the bundled font files.
  const t = plot
    .vl({ title: { text: "Mgy Wide Title 0123456789", fontSize: 20 }, width: 10, height: 10 })
    .mark("point");
  const png = inkStats(await t.toPNG());
  assert.ok(png.ink > 0.01, "the title is drawn");
  // Known answer: DejaVu Sans advance widths (2048 units per em): "M" 1767, "a" 1255, " " 651.
  assert.ok(Math.abs(measureText("M", { fontSize: 2048 }) - 1767) < 1e-9);
  assert.ok(Math.abs(measureText("a", { fontSize: 2048 }) - 1255) < 1e-9);
  assert.ok(Math.abs(measureText(" ", { fontSize: 2048 }) - 651) < 1e-9);
  assert.ok(measureText("a", { fontSize: 2048, fontWeight: "bold" }) > 1255, "bold is wider");
  // resvg draws a string as wide as we measure it (ink box vs advances: within 2 px).
  const text = "sepal length (cm) 0123456789";
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="0" y="30" font-family="sans-serif" font-size="14">${text}</text></svg>`;
  const r = new Resvg(svg, {
    font: {
      fontFiles: FONT_FILES,
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
  });
  const box = r.innerBBox()!;
  const ours = measureText(text, { fontSize: 14 });
  assert.ok(
    Math.abs(box.width - ours) < 2,
    `resvg ${box.width.toFixed(1)} px vs measured ${ours.toFixed(1)} px`,
  );
});

test("toHTML is one self-contained page: Vega inlined, no external scripts", () => {
  const html = chart.toHTML();
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(!/<script[^>]+src=/.test(html), "no script loaded from elsewhere");
  assert.ok(!/https?:\/\/(cdn|unpkg)/.test(html), "no CDN");
  assert.ok(html.length > 700_000, "vega and vega-lite are inlined");
  assert.ok(html.includes("<title>Iris sepals</title>"));
  const weird = plot
    .vl({ title: "</script><b>x" })
    .dataFromValues([{ a: "</script>" }])
    .mark("point")
    .encodeField("x", "a");
  assert.ok(!weird.toHTML().includes("</script><b>"), "spec text cannot close the script element");
});

test("the HTML page draws the chart in a real Chromium, offline", async (t) => {
  const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
  if (!chromium) {
    // CI installs Chromium with apt-get: there, its absence is a failure, not a skip.
    assert.ok(!process.env.CI, "no Chromium installed in CI");
    t.skip("no Chromium installed (CI installs it with apt-get)");
    return;
  }
  const { chromium: pw } = await import("playwright-core");
  const path = await chart.save(join(OUT, "render-scatter.html"));
  const browser = await pw.launch({ executablePath: chromium, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on("request", (req) => requests.push(req.url()));
    await page.goto(pathToFileURL(path).href);
    await page.waitForSelector("#vis svg .mark-symbol.role-mark path");
    const points = await page.locator("#vis svg .mark-symbol.role-mark path").count();
    assert.equal(points, 150);
    assert.equal(await page.locator("#error").textContent(), "");
    assert.deepEqual(
      requests.filter((u) => !u.startsWith("file:")),
      [],
      "nothing fetched from the network",
    );
  } finally {
    await browser.close();
  }
});

test("save picks the format from the extension", async () => {
  const base = join(OUT, "render-save");
  const svg = readFileSync(await chart.save(`${base}.svg`), "utf8");
  assert.match(svg, /^<svg /);
  const png = readFileSync(await chart.save(`${base}.png`, { scale: 2 }));
  assert.equal(png.subarray(1, 4).toString(), "PNG");
  assert.ok(readFileSync(await chart.save(`${base}.html`), "utf8").startsWith("<!DOCTYPE html>"));
  const json = JSON.parse(readFileSync(await chart.save(`${base}.json`), "utf8"));
  assert.deepEqual(json, chart.toSpec());
  assert.deepEqual(plot.fromSpec(json).toSpec(), chart.toSpec(), "a saved .json loads back");
  await assert.rejects(
    chart.save(`${base}.pdf`),
    /save\(".*render-save.pdf"\): unknown extension ".pdf"; use one of .svg, .png, .html, .json/,
  );
});

test("Jupyter: Deno's display hook returns a Vega-Lite bundle with a static fallback", async () => {
  const display = (chart as unknown as Record<symbol, () => Promise<Record<string, unknown>>>)[
    Symbol.for("Jupyter.display")
  ]!;
  assert.equal(typeof display, "function");
  const bundle = await display.call(chart);
  assert.deepEqual(bundle[plot.VEGALITE_MIME], JSON.parse(JSON.stringify(chart.toSpec())));
  assert.equal(plot.VEGALITE_MIME, "application/vnd.vegalite.v5+json");
  assert.equal(countMarks(bundle["image/svg+xml"] as string, "symbol"), 150);
  assert.equal(bundle["text/plain"], 'Chart "Iris sepals" (point, 150 rows)');
  JSON.stringify(bundle); // the kernel sends it as JSON
});

test("Jupyter: show() sends one MIME type per call through a tslab-style display", async () => {
  const sent: [string, unknown][] = [];
  const display = { raw: (type: string, content: unknown) => void sent.push([type, content]) };
  await chart.show(display);
  await chart.show(display, { as: "vegalite" });
  await chart.show(display, { as: "png", scale: 2 });
  await chart.show(display, { as: "html" });
  assert.deepEqual(
    sent.map(([type]) => type),
    ["image/svg+xml", plot.VEGALITE_MIME, "image/png", "text/html"],
  );
  assert.equal(countMarks(sent[0]![1] as string, "symbol"), 150);
  assert.equal(
    (sent[1]![1] as { mark: object }).mark !== undefined,
    true,
    "the spec goes as an object",
  );
  assert.ok(decodePNG(sent[2]![1] as Uint8Array).width > 0);
  await assert.rejects(
    chart.show({} as never),
    /show: expected a display object with a raw\(contentType, content\) method/,
  );
  await assert.rejects(chart.show(display, { as: "gif" as never }), /show: "as" must be/);
});
