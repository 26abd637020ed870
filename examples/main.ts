// The main job (`npm start`): redoes both seed posts, trains a small CNN on the bundled digits, and
// leaves a report with every chart under out/ — out/report.md and out/report.html (the charts
// inlined, readable offline).
import { readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { runIris } from "./iris.js";
import { explainFirstModel, runAutoMpg } from "./auto-mpg.js";
import { runDigitsCnn } from "./digits-cnn.js";
import { executedNotebooks } from "./notebook-links.js";

const iris = await runIris("out/iris");
const cars = await runAutoMpg("out/auto-mpg");
const digits = await runDigitsCnn({ seed: 0 });

const fmt = (v: number, digits = 4) => v.toFixed(digits);
const first = cars.firstModel;
const rows: [string, string, string][] = [
  ["Iris row 0, sepal_length (normalised)", fmt(iris.firstRow.sepal_length, 7), "-1.0840606"],
  ["Iris row 0, sepal_width (normalised)", fmt(iris.firstRow.sepal_width, 7), "2.3722896"],
  ["Iris softmax model: final loss (epoch mean)", fmt(iris.finalLoss), "0.1974 (run mean)"],
  ["Iris softmax model: accuracy", fmt(iris.finalAccuracy), "0.9733"],
  ["Iris logistic regression: accuracy", fmt(iris.logisticRegressionAccuracy), "—"],
  [
    `Auto MPG first model (7 → 1 relu → 1, batch 4, 30 epochs): test R², median of seeds 0–${first.runs.length - 1}`,
    fmt(first.medianR2, 3),
    "0.59 (one run)",
  ],
  [
    `Auto MPG first model: best test R² of seeds 0–${first.runs.length - 1}`,
    fmt(first.bestR2, 3),
    "0.59 (one run)",
  ],
  [
    "Auto MPG first model: seeds with R² > 0 / dead ReLU at initialisation / dead after training",
    `${first.runs.length - first.nonPositive} / ${first.deadAtInit} / ${first.deadAfter} of ${first.runs.length}`,
    "—",
  ],
  ["Auto MPG MLP: test mean absolute error", fmt(cars.testMae), "2.35"],
  ["Auto MPG MLP: test R²", fmt(cars.mlpR2, 3), "0.86"],
  ["Auto MPG linear regression: test R²", fmt(cars.linearR2, 3), "0.68"],
  [
    "Auto MPG ridge regression (alpha 0.1), engineered features: test R²",
    fmt(cars.engineeredR2, 3),
    "0.87",
  ],
  [
    `Digits CNN (8×8 images, stratified 80/20 split, seed ${digits.seed}, ${digits.epochs} epochs): test accuracy`,
    fmt(digits.testAccuracy),
    "— (target ≥ 0.97)",
  ],
  [
    "Digits CNN: training wall time in s, whole run (compiling included) / an epoch after the first",
    `${fmt(digits.trainMs / 1e3, 1)} / ${fmt(digits.meanEpochMs / 1e3, 2)}`,
    "—",
  ],
];
const charts = [...iris.charts, ...cars.charts];

// The seed posts as notebooks, linked when the notebook test (or scripts/run-notebook.py) has run
// them through their kernels; `npm start` itself needs no kernel.
const notebooks = executedNotebooks("out");
const notebookLines = notebooks.map(
  (n) => `${n.cells} code cells, ${n.failed} failed` + (n.kernel ? `, run in ${n.kernel}` : ""),
);
const noNotebooks =
  "No executed notebooks in out/notebooks: run `/usr/bin/python3 scripts/run-notebook.py " +
  "examples/notebooks/iris.deno.ipynb` (see the README's Notebooks section).";

// The post's first model, seed by seed: the first ten seeds in a table, every seed's R² after it.
const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
const seedHeader = [
  "seed",
  "ReLU unit on at initialisation (training cars)",
  "on after training",
  "output weight at initialisation",
  "test R²",
  "test MAE",
];
const seedRows = first.runs
  .slice(0, 10)
  .map((r) => [
    String(r.seed),
    pct(r.activeAtInit),
    pct(r.activeAfter),
    fmt(r.outputWeightAtInit, 3),
    fmt(r.testR2, 3),
    fmt(r.testMae, 2),
  ]);
const firstText = explainFirstModel(first);
const allR2 = `Test R² of every seed, 0 to ${first.runs.length - 1}: ${first.runs.map((r) => fmt(r.testR2, 2)).join(", ")}.`;

const markdown = [
  "# Dendrite: the seed posts, redone",
  "",
  "| measure | Dendrite | the post |",
  "| --- | --- | --- |",
  ...rows.map((r) => `| ${r.join(" | ")} |`),
  "",
  "## The post's first model, seed by seed",
  "",
  ...firstText.flatMap((p) => [p, ""]),
  `| ${seedHeader.join(" | ")} |`,
  `| ${seedHeader.map(() => "---").join(" | ")} |`,
  ...seedRows.map((r) => `| ${r.join(" | ")} |`),
  "",
  allR2,
  "",
  "## Models",
  "",
  ...[iris.table, ...cars.tables, digits.table].flatMap((t) => ["```text", t, "```", ""]),
  "## Notebooks",
  "",
  ...(notebooks.length > 0
    ? notebooks.map((n, i) => `- [${n.name}](${n.href}): ${notebookLines[i]}`)
    : [noNotebooks]),
  "",
  "## Charts",
  "",
  ...charts.map((c) => `![${c}](${relative("out", c)})`),
  "",
].join("\n");
writeFileSync("out/report.md", markdown);

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>Dendrite: the seed posts, redone</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1100px}td,th{padding:4px 10px;text-align:left}
pre{background:#f6f6f6;padding:8px;overflow:auto}figure{margin:1em 0}</style></head><body>
<h1>Dendrite: the seed posts, redone</h1>
<table><tr><th>measure</th><th>Dendrite</th><th>the post</th></tr>
${rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join("")}</tr>`).join("\n")}
</table>
<h2>The post's first model, seed by seed</h2>
${firstText.map((p) => `<p>${escape(p)}</p>`).join("\n")}
<table><tr>${seedHeader.map((h) => `<th>${escape(h)}</th>`).join("")}</tr>
${seedRows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join("")}</tr>`).join("\n")}
</table>
<p>${escape(allR2)}</p>
<h2>Models</h2>
${[iris.table, ...cars.tables, digits.table].map((t) => `<pre>${escape(t)}</pre>`).join("\n")}
<h2>Notebooks</h2>
${notebooks.length > 0 ? `<ul>${notebooks.map((n, i) => `<li><a href="${escape(n.href)}">${escape(n.name)}</a>: ${escape(notebookLines[i]!)}</li>`).join("\n")}</ul>` : `<p>${escape(noNotebooks)}</p>`}
<h2>Charts</h2>
${charts.map((c) => `<figure>${readFileSync(c, "utf8")}<figcaption>${escape(c)}</figcaption></figure>`).join("\n")}
</body></html>
`;
writeFileSync("out/report.html", html);
console.log(
  `\nReport: out/report.md and out/report.html (${charts.length} charts, ${notebooks.length} executed notebooks)`,
);
