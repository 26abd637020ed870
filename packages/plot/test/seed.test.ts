// The first seed post's charts (000_59ac8220ca768670.txt), redone from the bundled Iris data and
// saved under out/plot/ as SVG, PNG, HTML and JSON.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as plot from "@dendrite/plot";
import { FEATURES, OUT, countMarks, inkStats, normalizedIris } from "./helpers.js";

const norm = normalizedIris();

// The seed post's training history (its printed metadata: 20 epochs of loss and accuracy).
const history = {
  epoch_index: Array.from({ length: 20 }, (_, i) => i),
  loss_history: [
    0.5978554487228394, 0.5133825540542603, 0.4624224603176117, 0.42432668805122375,
    0.39334431290626526, 0.3671410083770752, 0.3445121943950653, 0.32471662759780884,
    0.30724000930786133, 0.2916971743106842, 0.27778682112693787, 0.26526767015457153,
    0.25394338369369507, 0.2436511218547821, 0.2342575192451477, 0.22565050423145294,
    0.21773554384708405, 0.21043287217617035, 0.20367415249347687, 0.19740144908428192,
  ],
  accuracy_history: [
    0.6521788239479065, 0.7612004280090332, 0.8443354368209839, 0.8993551135063171,
    0.9269324541091919, 0.9491595029830933, 0.9572917222976685, 0.9600027799606323,
    0.9662654995918274, 0.9666659832000732, 0.9715091586112976, 0.9733316898345947,
    0.9733316898345947, 0.9733316898345947, 0.9733316898345947, 0.9733316898345947,
    0.9733316898345947, 0.9733316898345947, 0.9733316898345947, 0.9733316898345947,
  ],
};

function pointLayer(c: plot.Chart, colors: string[]): plot.Chart {
  return c
    .encodeField("shape", "species", {
      type: "nominal",
      scale: { range: ["circle", "cross", "square"] },
    })
    .encodeField("color", "species", { type: "nominal", scale: { range: colors } });
}

function sepalPoints(): plot.Chart {
  return pointLayer(
    plot
      .vl({ width: 640, height: 480 })
      .mark("point", { size: 120, filled: true })
      .encodeField("x", "sepal_length", {
        type: "quantitative",
        title: "sepal length",
        scale: { zero: false },
      })
      .encodeField("y", "sepal_width", {
        type: "quantitative",
        title: "sepal width",
        scale: { zero: false },
      }),
    ["blue", "red", "green"],
  );
}

async function saveAll(chart: plot.Chart, name: string): Promise<string> {
  for (const ext of ["svg", "png", "html", "json"]) {
    const path = await chart.save(join(OUT, `seed-${name}.${ext}`));
    assert.ok(existsSync(path), `${path} was written`);
  }
  assert.deepEqual(plot.compile(chart.toSpec()).warnings, [], "compiles without warnings");
  const png = inkStats(readFileSync(join(OUT, `seed-${name}.png`)));
  assert.ok(png.colors > 10 && png.ink > 0.01, `seed-${name}.png is not blank`);
  return readFileSync(join(OUT, `seed-${name}.svg`), "utf8");
}

test("normalised like the post: (x - mean) / sample variance; first sepal_length is -1.0840606", () => {
  // Known answer: the post's printed Polars frame (sepal_length[0] = -1.0840606189132322, ...).
  assert.ok(Math.abs(norm[0]!.sepal_length - -1.0840606189132322) < 1e-9);
  assert.ok(Math.abs(norm[0]!.sepal_width - 2.3722896125315045) < 1e-9);
  assert.ok(Math.abs(norm[0]!.petal_length - -0.7576391687443839) < 1e-9);
  assert.ok(Math.abs(norm[0]!.petal_width - -1.7147014356654708) < 1e-9);
  assert.equal(norm[0]!.species, "Iris-setosa");
  assert.equal(norm.length, 150);
});

test("seed: scatter of sepal length and width, coloured and shaped by species", async () => {
  const chart = sepalPoints().dataFromValues(norm, {
    only: ["sepal_length", "sepal_width", "species"],
  });
  const spec = chart.toSpec() as unknown as Record<string, unknown>;
  assert.deepEqual(spec.mark, { type: "point", size: 120, filled: true });
  assert.deepEqual(Object.keys((spec.data as { values: object[] }).values[0]!), [
    "sepal_length",
    "sepal_width",
    "species",
  ]);
  const svg = await saveAll(chart, "scatter");
  assert.equal(countMarks(svg, "symbol"), 150, "150 points");
  const png = inkStats(await chart.toPNG());
  assert.ok(png.width >= 640 && png.height >= 480);
});

test("seed: the scatter faceted by species", async () => {
  const chart = plot
    .vl({ width: 640, height: 480 })
    .dataFromValues(norm, { only: ["sepal_length", "sepal_width", "species"] })
    .facet({ field: "species" }, sepalPoints());
  const svg = await saveAll(chart, "facet");
  assert.equal(countMarks(svg, "symbol"), 150, "50 points in each of 3 cells");
  assert.equal((svg.match(/class="mark-symbol role-mark/g) ?? []).length, 3, "3 cells");
  for (const s of ["Iris-setosa", "Iris-versicolor", "Iris-virginica"])
    assert.ok(svg.includes(`>${s}</text>`));
});

test("seed: the 4×4 scatter matrix with repeat", async () => {
  const child = pointLayer(
    plot
      .vl()
      .mark("point", { filled: true })
      .encodeRepeat("x", "column", { type: "quantitative", scale: { zero: false } })
      .encodeRepeat("y", "row", { type: "quantitative", scale: { zero: false } }),
    ["#04c4ca", "#f3ce75", "#e2a099"],
  );
  const chart = plot
    .vl()
    .dataFromValues(norm)
    .repeat({ row: [...FEATURES], column: [...FEATURES] }, child);
  const svg = await saveAll(chart, "repeat");
  assert.equal(countMarks(svg, "symbol"), 16 * 150);
  // The same matrix in one call.
  const one = plot.pairplot(norm, FEATURES, { colorBy: "species" });
  const svg2 = await saveAll(one, "pairplot");
  assert.equal(countMarks(svg2, "symbol"), 16 * 150);
});

test("seed: the loss curve with interpolate natural", async () => {
  const chart = plot
    .vl({ width: 640, height: 480 })
    .dataFromValues(history)
    .mark("line", { color: "red", interpolate: "natural" })
    .encodeField("x", "epoch_index", { type: "quantitative", title: "Epoch" })
    .encodeField("y", "loss_history", {
      type: "quantitative",
      title: "Loss",
      scale: { zero: false },
    });
  const svg = await saveAll(chart, "loss");
  assert.equal(countMarks(svg, "line"), 1);
  assert.match(svg, /stroke="red"/);
  // The high-level equivalent.
  const again = plot.lineplot(history, "epoch_index", "loss_history", {
    interpolate: "natural",
    color: "red",
  });
  assert.equal(countMarks(await again.toSVG(), "line"), 1);
});

test("seed: loss and accuracy layered on one chart", async () => {
  const loss = plot
    .vl()
    .mark("line", { color: "red", interpolate: "natural" })
    .encodeField("x", "epoch_index", { type: "quantitative", title: "Epoch" })
    .encodeField("y", "loss_history", {
      type: "quantitative",
      title: "Loss",
      scale: { zero: false },
    });
  const accuracy = plot
    .vl()
    .mark("line", { interpolate: "natural" })
    .encodeField("x", "epoch_index", { type: "quantitative", title: "Epoch" })
    .encodeField("y", "accuracy_history", {
      type: "quantitative",
      title: "Accuracy",
      scale: { zero: false },
    });
  const chart = plot
    .vl({ width: 640, height: 480 })
    .dataFromValues(history)
    .layers([loss, accuracy]);
  const svg = await saveAll(chart, "layers");
  assert.equal(countMarks(svg, "line"), 2);
  assert.ok(svg.includes(">Loss, Accuracy</text>"), "the shared y axis titles both");
});
