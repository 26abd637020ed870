// The one-call plots and the helpers that refine them: every spec compiles with Vega-Lite without
// warnings and renders the expected marks. Each plot is also saved under out/plot/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import * as plot from "@dendrite/plot";
import { FEATURES, OUT, countMarks, inkStats, iris } from "./helpers.js";

const data = iris();
type Spec = Record<string, unknown>;

async function check(chart: plot.Chart, name: string): Promise<string> {
  assert.deepEqual(plot.compile(chart.toSpec()).warnings, [], `${name} compiles without warnings`);
  const svg = await chart.toSVG();
  const png = inkStats(await chart.toPNG());
  assert.ok(png.ink > 0.01 && png.colors > 5, `${name}.png is not blank`);
  await chart.save(join(OUT, `plots-${name}.png`));
  return svg;
}

test("scatter: 150 points, coloured and shaped, axes not from zero", async () => {
  const c = plot.scatter(data, "petal_length", "petal_width", {
    colorBy: "species",
    shapeBy: "species",
    size: 60,
    tooltip: true,
  });
  const s = c.toSpec() as unknown as Spec;
  assert.deepEqual((s.encoding as Spec).x, {
    type: "quantitative",
    scale: { zero: false },
    field: "petal_length",
  });
  assert.equal(countMarks(await check(c, "scatter"), "symbol"), 150);
});

test("lineplot: one line per group, with interpolate", async () => {
  const runs = [0, 1, 2].flatMap((run) =>
    Array.from({ length: 10 }, (_, epoch) => ({
      run: `run ${run}`,
      epoch,
      loss: 1 / (epoch + 1 + run),
    })),
  );
  const c = plot.lineplot(runs, "epoch", "loss", {
    colorBy: "run",
    interpolate: "monotone",
    points: true,
  });
  assert.deepEqual((c.toSpec() as unknown as Spec).mark, {
    type: "line",
    interpolate: "monotone",
    point: true,
  });
  const svg = await check(c, "lineplot");
  assert.equal(countMarks(svg, "line"), 3);
  assert.equal(countMarks(svg, "symbol"), 30, "the points");
});

test("area: stacked per group", async () => {
  const rows = [0, 1, 2, 3].flatMap((x) =>
    ["a", "b"].map((g) => ({ x, y: x + (g === "a" ? 1 : 2), g })),
  );
  const svg = await check(plot.area(rows, "x", "y", { colorBy: "g" }), "area");
  assert.equal(countMarks(svg, "area"), 2);
});

test("bar: sums per category, counts without a value, grouped bars", async () => {
  const sums = plot.bar(data, "species", "petal_length");
  assert.equal(countMarks(await check(sums, "bar"), "rect"), 3);
  const counts = plot.bar(data, "species", undefined, { orient: "horizontal" });
  assert.equal(countMarks(await check(counts, "bar-count"), "rect"), 3);
  const rows = ["a", "b"].flatMap((k) => ["x", "y", "z"].map((g, i) => ({ k, g, v: i + 1 })));
  const grouped = plot.bar(rows, "k", "v", { colorBy: "g", mode: "grouped" });
  assert.equal(countMarks(await check(grouped, "bar-grouped"), "rect"), 6);
});

test("histogram: binned counts that add up to the rows", async () => {
  const c = plot.histogram(data, "sepal_length", { maxbins: 20 });
  const svg = await check(c, "histogram");
  const bars = countMarks(svg, "rect");
  assert.ok(bars >= 8 && bars <= 20, `${bars} bins`);
  const rel = plot.histogram(data, "petal_width", { colorBy: "species", relative: true });
  await check(rel, "histogram-relative");
  assert.ok((await rel.toSVG()).includes("%"), "a percentage axis");
});

test("density: one curve per group", async () => {
  const svg = await check(plot.density(data, "petal_length", { colorBy: "species" }), "density");
  assert.equal(countMarks(svg, "area"), 3);
  const line = await check(
    plot.density(data, "sepal_width", { filled: false, bandwidth: 0.3 }),
    "density-line",
  );
  assert.equal(countMarks(line, "line"), 1);
});

test("boxplot: one box per group", async () => {
  const svg = await check(
    plot.boxplot(data, "sepal_width", { groupBy: "species", colorBy: "species" }),
    "boxplot",
  );
  assert.equal(countMarks(svg, "rect"), 6, "three boxes and their median ticks");
  assert.equal(countMarks(svg, "rule"), 6, "two whiskers per box");
});

test("errorband: band and mean line", async () => {
  const rows = [0, 1, 2].flatMap((seed) =>
    Array.from({ length: 10 }, (_, epoch) => ({
      epoch,
      accuracy: 0.5 + 0.04 * epoch + 0.01 * seed,
    })),
  );
  const svg = await check(
    plot.errorband(rows, "epoch", "accuracy", { extent: "stdev" }),
    "errorband",
  );
  assert.equal(countMarks(svg, "area"), 1);
  assert.equal(countMarks(svg, "line"), 1);
});

test("heatmap: a confusion matrix with its counts written in the cells", async () => {
  const cm = [
    [50, 0, 0],
    [0, 47, 3],
    [0, 2, 48],
  ];
  const names = ["setosa", "versicolor", "virginica"];
  const c = plot.heatmap(cm, {
    labels: names,
    rowTitle: "actual",
    columnTitle: "predicted",
    title: "Confusion matrix",
  });
  const svg = await check(c, "heatmap");
  assert.equal(countMarks(svg, "rect"), 9);
  assert.equal(countMarks(svg, "text"), 9);
  for (const n of [50, 47, 3, 2, 48]) assert.ok(svg.includes(`>${n}</text>`), `cell text ${n}`);
  assert.ok(svg.includes('fill="white"'), "dark cells get white text");
  // From long-form rows, with aggregation.
  const long = plot.heatmap(data, "species", "sepal_width", "petal_length", {
    aggregate: "mean",
    format: ".1f",
  });
  await check(long, "heatmap-long");
  assert.throws(() => plot.heatmap([[1, 2], [3]]), /heatmap: expected a matrix/);
  assert.throws(
    () => plot.heatmap(cm, { labels: ["a"] }),
    /the matrix is 3×3 but the labels name 1 rows and 1 columns/,
  );
});

/** The texts of the first SVG group whose class starts with `cls`, with their positions. */
function textsIn(svg: string, cls: string, nth = 0): { text: string; x: number; y: number }[] {
  const groups = [...svg.matchAll(new RegExp(`<g class="${cls}[^"]*"[^>]*>(.*?)</g>`, "g"))];
  const body = groups[nth]?.[1] ?? "";
  return [
    ...body.matchAll(
      /<text[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*>([^<]*)<\/text>/g,
    ),
  ].map((m) => ({ text: m[3]!, x: Number(m[1]), y: Number(m[2]) }));
}

test("heatmap: a matrix keeps its label order on both axes, not sorted", async () => {
  const cm = [
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ];
  const names = ["setosa", "virginica", "versicolor"];
  const c = plot.heatmap(cm, { labels: names, rowTitle: "actual", columnTitle: "predicted" });
  const enc = (c.toSpec() as unknown as Spec).encoding as Record<string, Spec>;
  assert.deepEqual(enc.x!.sort, names);
  assert.deepEqual(enc.y!.sort, names);
  const svg = await check(c, "heatmap-order");
  // Axis labels: the x axis left to right, the y axis top to bottom, in the given order.
  const xLabels = textsIn(svg, "mark-text role-axis-label", 0).sort((a, b) => a.x - b.x);
  const yLabels = textsIn(svg, "mark-text role-axis-label", 1).sort((a, b) => a.y - b.y);
  assert.deepEqual(
    xLabels.map((t) => t.text),
    names,
  );
  assert.deepEqual(
    yLabels.map((t) => t.text),
    names,
  );
  // The cells stay where the matrix has them: 1 top left, 3 top right, 7 bottom left.
  const cells = textsIn(svg, "mark-text role-mark").sort((a, b) => a.y - b.y || a.x - b.x);
  assert.deepEqual(
    cells.map((t) => t.text),
    ["1", "2", "3", "4", "5", "6", "7", "8", "9"],
  );

  // Separate row and column names, and the unlabelled matrix (0, 1, ... in order).
  const sep = plot.heatmap([[1, 2]], { labels: { rows: ["z"], columns: ["b", "a"] } });
  const sepEnc = (sep.toSpec() as unknown as Spec).encoding as Record<string, Spec>;
  assert.deepEqual(sepEnc.x!.sort, ["b", "a"]);
  assert.deepEqual(sepEnc.y!.sort, ["z"]);
  const plain = plot.heatmap(cm).toSpec() as unknown as Spec;
  assert.deepEqual((plain.encoding as Record<string, Spec>).x!.sort, [0, 1, 2]);
  assert.throws(
    () => plot.heatmap([[1, 2]], { labels: { rows: ["z"], columns: ["a", "a"] } }),
    /the column label "a" appears twice/,
  );
  // Long-form rows are still sorted by Vega-Lite (no sort given).
  const long = plot.heatmap(data, "species", "sepal_width", "petal_length", { aggregate: "mean" });
  assert.equal(
    ((long.toSpec() as unknown as Spec).encoding as Record<string, Spec>).x!.sort,
    undefined,
  );
});

test("pairplot: the 4×4 matrix in one call", async () => {
  const c = plot.pairplot(data, FEATURES, { colorBy: "species", cellSize: 120 });
  const s = c.toSpec() as unknown as Spec;
  assert.deepEqual(s.repeat, { row: [...FEATURES], column: [...FEATURES] });
  assert.equal(countMarks(await check(c, "pairplot"), "symbol"), 16 * 150);
  assert.throws(() => plot.pairplot(data, []), /pairplot: fields must be a non-empty list/);
  assert.throws(
    () => plot.pairplot(data, ["sepal_length", "sepal_lenght"]),
    /no field "sepal_lenght"; did you mean "sepal_length"/,
  );
});

test("grouping helpers: colorBy, shapeBy, sizeBy, facetBy", async () => {
  const base = plot.scatter(data, "sepal_length", "sepal_width");
  const c = plot.shapeBy(plot.colorBy(base, "species", { scale: { scheme: "dark2" } }), "species");
  const enc = (c.toSpec() as unknown as Spec).encoding as Spec;
  assert.deepEqual(enc.color, { type: "nominal", scale: { scheme: "dark2" }, field: "species" });
  assert.deepEqual(enc.shape, { type: "nominal", field: "species" });
  assert.deepEqual(
    ((plot.sizeBy(base, "petal_width").toSpec() as unknown as Spec).encoding as Spec).size,
    {
      type: "quantitative",
      field: "petal_width",
    },
  );
  assert.throws(
    () => plot.colorBy(base, "specis"),
    /colorBy\("specis"\).*no field "specis"; did you mean "species"/,
  );

  const wrapped = plot.facetBy(c, "wrapped", "species", { columns: 2 });
  const svg = await check(wrapped, "facet-wrapped");
  assert.equal(countMarks(svg, "symbol"), 150);
  assert.equal((svg.match(/class="mark-symbol role-mark/g) ?? []).length, 3);
  const rows = plot.facetBy(base, "row", "species");
  assert.deepEqual(((rows.toSpec() as unknown as Spec).encoding as Spec).row, {
    type: "nominal",
    field: "species",
  });
  // A layered chart is faceted with the facet operator.
  const eb = plot.facetBy(plot.errorband(data, "petal_length", "sepal_width"), "column", "species");
  assert.ok("facet" in (eb.toSpec() as unknown as Spec));
  await check(eb, "facet-layered");
  assert.throws(
    () => plot.facetBy(base, "diagonal" as never, "species"),
    /the kind must be "row", "column" or "wrapped"/,
  );
  // colorBy on a pairplot colours its repeated child.
  const pp = plot.colorBy(plot.pairplot(data, ["sepal_length", "petal_length"]), "species");
  assert.deepEqual((((pp.toSpec() as unknown as Spec).spec as Spec).encoding as Spec).color, {
    type: "nominal",
    field: "species",
  });
});

test("styling helpers: title, size, theme, axes and scales", async () => {
  let c = plot.scatter(data, "sepal_length", "petal_length", { colorBy: "species" });
  c = plot.setTitle(c, "Iris", { subtitle: "150 flowers", anchor: "start" });
  c = plot.setSize(c, 300, 200);
  c = plot.setXYTitles(c, "sepal length (cm)", "petal length (cm)");
  c = plot.setXDomain(c, 4, 8);
  c = plot.setYScale(c, "sqrt");
  c = plot.setColorScheme(c, "category10");
  const s = c.toSpec() as unknown as Spec;
  assert.deepEqual(s.title, { subtitle: "150 flowers", anchor: "start", text: "Iris" });
  assert.equal(s.width, 300);
  assert.deepEqual((s.encoding as Spec).x, {
    type: "quantitative",
    scale: { zero: false, domain: [4, 8] },
    field: "sepal_length",
    title: "sepal length (cm)",
  });
  assert.deepEqual(((s.encoding as Spec).y as Spec).scale, { zero: false, type: "sqrt" });
  const svg = await check(c, "styled");
  for (const t of ["Iris", "150 flowers", "sepal length (cm)"])
    assert.ok(svg.includes(`>${t}</text>`));
  for (const theme of Object.keys(plot.THEMES) as plot.ThemeName[]) {
    await check(plot.setTheme(c, theme), `theme-${theme}`);
  }
  assert.equal(
    (plot.setTheme(c, "dark").toSpec() as unknown as Spec & { config: Spec }).config.background,
    "#1f2328",
  );
  assert.throws(
    () => plot.setTheme(c, "drak" as never),
    /unknown theme "drak"; did you mean "dark"\?/,
  );
  assert.throws(
    () => plot.setXScale(c, "logg" as never),
    /unknown scale "logg"; did you mean "log"\?/,
  );
  assert.throws(() => plot.setXDomain(c, 3, 1), /expected min < max, got \[3, 1\]/);
  assert.throws(
    () => plot.setXTitle(plot.vl().mark("point"), "x"),
    /setXTitle: the chart has no x encoding/,
  );
  assert.throws(() => plot.setSize(c, -1, 3), /width must be a positive number/);
  // setSize on a repeat sizes each cell.
  const pp = plot.setSize(plot.pairplot(data, ["sepal_length", "petal_length"]), 90, 90);
  assert.equal(((pp.toSpec() as unknown as Spec).spec as Spec).width, 90);
  assert.equal(
    ((plot.hideAxis(c, "y").toSpec() as unknown as Spec).encoding as Spec & { y: Spec }).y.axis,
    null,
  );
});

test("plot options are checked", () => {
  assert.throws(
    () => plot.scatter(data, "sepal_length", "sepal_width", { colourBy: "species" } as never),
    /scatter: unknown option "colourBy"; did you mean "colorBy"\?/,
  );
  assert.throws(() => plot.histogram(data, "petal", {}), /no field "petal"/);
});
