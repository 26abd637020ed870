// The seed posts as Jupyter notebooks (examples/notebooks), run through real kernels — Deno's
// (`deno jupyter`) and tslab's — by scripts/run-notebook.py, which saves the executed notebook and a
// report of every cell's IOPub messages under out/notebooks. It checks what a reader would see: no
// failed cell; the DataFrame, the model tables and the charts shown as rich outputs; the live chart
// updated while the model trains (at least 5 updates before the training cell's execute_reply); its
// final output holding every point the cell pushed; a static image in that output for front ends
// without a Vega-Lite renderer.
//
// It builds nothing: the kernels import the packages' dist/ (`npm run build` first; CI does). Outside
// CI it skips, saying why, when dist/, jupyter_client (Debian's python3-jupyter-client) or a kernel
// (`npm ci` installs both) is missing; in CI (CI=true) a missing piece fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const PYTHON = "/usr/bin/python3";
const OUT = join(ROOT, "out", "notebooks");
const IN_CI = process.env.CI === "true";
const PACKAGES = ["tensor", "plot", "live", "nn", "data", "learn", "dendrite"];

/** What scripts/run-notebook.py reports about one code cell. */
interface CellReport {
  index: number;
  tags: string[];
  status: string;
  duration_s: number;
  mime_types: string[];
  updates: Record<
    string,
    { display_data: number; before_reply: number; after_reply: number; after_idle: number }
  >;
  messages_after_idle: string[];
  errors: { ename: string; evalue: string; traceback: string[] }[];
}

/** What scripts/run-notebook.py reports about one notebook. */
interface NotebookReport {
  kernel: string;
  kernel_info?: { implementation?: string; implementation_version?: string };
  cells: CellReport[];
  displays?: Record<string, { cell: number; output: number; mime_types: string[] }>;
  failed: boolean;
  /** Checked against nbformat's schema when Python's nbformat is installed, else null. */
  nbformat_valid: boolean | null;
}

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}

interface Notebook {
  cells: { cell_type: string; outputs?: Output[] }[];
}

const NOTEBOOKS: { file: string; kernel: "deno" | "tslab"; live: boolean }[] = [
  { file: "iris.deno.ipynb", kernel: "deno", live: true },
  { file: "auto-mpg.deno.ipynb", kernel: "deno", live: false },
  { file: "iris.tslab.ipynb", kernel: "tslab", live: true },
];

const RICH_TYPES = /^(?!stream:|error$)/;
const IMAGE_TYPES = ["image/svg+xml", "image/png"];
const VEGALITE = "application/vnd.vegalite.v5+json";

/** Why the notebooks of `kernel` cannot run here, or undefined when they can. */
function missingPiece(kernel: "deno" | "tslab"): string | undefined {
  const unbuilt = PACKAGES.filter(
    (p) => !existsSync(join(ROOT, "packages", p, "dist", "index.js")),
  );
  if (unbuilt.length > 0) {
    return `packages/{${unbuilt.join(",")}}/dist is missing: the kernels import the built packages, run \`npm run build\` first`;
  }
  if (!existsSync(PYTHON)) return `${PYTHON} is missing (Debian's python3)`;
  const client = spawnSync(PYTHON, ["-c", "import jupyter_client"], { encoding: "utf8" });
  if (client.status !== 0) {
    return "jupyter_client is missing: apt-get install python3-jupyter-client";
  }
  const bin = join(ROOT, "node_modules", ".bin", kernel);
  if (!existsSync(bin)) return `${kernel} is missing (${bin}): run \`npm ci\``;
  return undefined;
}

/** The number of data points inlined in a Vega-Lite spec: its `datasets` and inline `values`. */
function countPoints(spec: unknown): number {
  if (spec === null || typeof spec !== "object") return 0;
  const s = spec as Record<string, unknown>;
  let n = 0;
  if (s.datasets !== null && typeof s.datasets === "object") {
    for (const v of Object.values(s.datasets)) if (Array.isArray(v)) n += v.length;
  }
  const values = (s.data as { values?: unknown } | undefined)?.values;
  if (Array.isArray(values)) n += values.length;
  for (const key of ["layer", "concat", "hconcat", "vconcat"]) {
    const children = s[key];
    if (Array.isArray(children)) for (const c of children) n += countPoints(c);
  }
  return n + countPoints(s.spec);
}

const textOf = (o: Output) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""));

function summary(name: string, report: NotebookReport): string {
  const rows = report.cells.map((c) => {
    const updates = Object.values(c.updates)
      .filter((u) => u.before_reply + u.after_reply > 0)
      .map(
        (u) =>
          `${u.before_reply} before / ${u.after_reply} after reply (${u.after_idle} after idle)`,
      )
      .join("; ");
    return [
      String(c.index).padStart(4),
      (c.tags.join(",") || "-").padEnd(14),
      c.status.padEnd(6),
      c.duration_s.toFixed(2).padStart(6),
      (c.mime_types.join(", ") || "-").padEnd(62),
      updates || "-",
    ].join("  ");
  });
  const info = report.kernel_info;
  return [
    `${name} (${info?.implementation ?? report.kernel} ${info?.implementation_version ?? ""})`,
    `cell  ${"tags".padEnd(14)}  status  ${"s".padStart(6)}  ${"outputs".padEnd(62)}  display updates`,
    ...rows,
  ].join("\n");
}

for (const nb of NOTEBOOKS) {
  const name = nb.file.replace(/\.ipynb$/, "");
  const missing = missingPiece(nb.kernel);
  const skip = missing !== undefined && !IN_CI ? `skipped: ${missing}` : false;
  test(
    `notebook ${nb.file} in ${nb.kernel}'s kernel`,
    { skip, timeout: 15 * 60_000 },
    async (t) => {
      if (skip) return;
      assert.equal(missing, undefined, `in CI every piece is needed: ${missing}`);
      const run = spawnSync(
        PYTHON,
        [join(ROOT, "scripts", "run-notebook.py"), join(ROOT, "examples", "notebooks", nb.file)],
        { cwd: ROOT, encoding: "utf8", timeout: 14 * 60_000 },
      );
      process.stdout.write(run.stdout);
      process.stderr.write(run.stderr);
      const reportPath = join(OUT, `${name}.report.json`);
      assert.ok(existsSync(reportPath), `the driver wrote no report (exit ${run.status})`);
      const report = JSON.parse(readFileSync(reportPath, "utf8")) as NotebookReport;
      const executed = JSON.parse(readFileSync(join(OUT, nb.file), "utf8")) as Notebook;
      console.log(summary(nb.file, report));
      const tagged = (tag: string) => report.cells.filter((c) => c.tags.includes(tag));

      await t.test("no cell fails", () => {
        const failed = report.cells.filter((c) => c.status !== "ok" || c.errors.length > 0);
        assert.deepEqual(
          failed.map((c) => `cell ${c.index}: ${c.errors.map((e) => e.evalue).join("; ")}`),
          [],
        );
        assert.equal(run.status, 0, `run-notebook.py exited ${run.status}`);
        assert.notEqual(report.nbformat_valid, false, "the executed notebook is valid nbformat 4");
      });

      await t.test(
        "the DataFrame, model tables and static charts are shown as rich outputs",
        () => {
          const expected = { dataframe: 1, "data-table": 0, "model-table": 1, "static-chart": 2 };
          for (const [tag, least] of Object.entries(expected)) {
            const cells = tagged(tag);
            assert.ok(cells.length >= least, `at least ${least} cell(s) tagged ${tag}`);
            for (const c of cells) {
              const rich = c.mime_types.filter((m) => RICH_TYPES.test(m));
              assert.ok(
                rich.length > 0,
                `cell ${c.index} (${tag}) shows no MIME bundle: ${c.mime_types}`,
              );
              if (tag === "data-table")
                assert.ok(
                  rich.includes("text/html"),
                  `cell ${c.index}: an HTML table, got ${rich}`,
                );
              if (tag === "static-chart") {
                assert.ok(
                  rich.some((m) => IMAGE_TYPES.includes(m) || m === VEGALITE),
                  `cell ${c.index}: a chart as an image or a Vega-Lite spec, got ${rich}`,
                );
              }
            }
          }
        },
      );

      if (!nb.live) return;
      const [chartCell] = tagged("live-chart");
      const [trainCell] = tagged("live-training");
      assert.ok(chartCell && trainCell, "a cell tagged live-chart and one tagged live-training");
      const displayId = Object.keys(chartCell.updates).find(
        (id) => chartCell.updates[id]!.display_data > 0,
      );
      assert.ok(displayId, `cell ${chartCell.index} shows the live chart with a display_id`);
      const where = report.displays?.[displayId];
      assert.ok(where, `the live chart's output (${displayId}) is in the executed notebook`);
      const final = executed.cells[where.cell]!.outputs![where.output]!;
      const trainOut = executed.cells[trainCell.index]!.outputs ?? [];
      const printed = trainOut
        .map(textOf)
        .join("")
        .match(/pushed (\d+) points/);
      assert.ok(printed, `cell ${trainCell.index} prints "pushed N points"`);
      const pushed = Number(printed[1]);
      const shown = countPoints(final.data?.[VEGALITE]);
      const u = trainCell.updates[displayId] ?? { before_reply: 0, after_reply: 0, after_idle: 0 };
      console.log(
        `${nb.file}: live chart ${displayId}: ${u.before_reply} updates before the training cell's ` +
          `execute_reply, ${u.after_reply} after (${u.after_idle} after idle); the cell pushed ` +
          `${pushed} points, the final output holds ${shown}; its MIME types: ` +
          Object.keys(final.data ?? {}).join(", "),
      );

      await t.test(
        "the live chart updates while the model trains (≥ 5 before execute_reply)",
        () => {
          assert.ok(
            u.before_reply >= 5,
            `${u.before_reply} update_display_data before the execute_reply of cell ${trainCell.index} ` +
              `(${u.after_reply} after it), ${trainCell.duration_s} s cell`,
          );
        },
      );

      await t.test("the live chart's final output holds every pushed point", () => {
        if (final.data?.[VEGALITE] !== undefined) {
          assert.equal(shown, pushed, `final output: ${shown} points, the cell pushed ${pushed}`);
          return;
        }
        // tslab sends one MIME type per output: the SVG. Its per-iteration loss line (a path of
        // straight segments) must have one vertex per point the cell pushed every 100 iterations.
        const svg = [final.data?.["image/svg+xml"] ?? ""].flat().join("");
        const lines = [...svg.matchAll(/ d="(M[^"]*)"/g)].map((m) => m[1]!.split("L").length);
        const perIteration = Number(
          trainOut
            .map(textOf)
            .join("")
            .match(/(\d+) per 100 iterations/)?.[1],
        );
        assert.equal(
          Math.max(0, ...lines),
          perIteration,
          `the SVG's longest line has ${Math.max(0, ...lines)} vertices; the cell pushed ${perIteration} points per 100 iterations`,
        );
      });

      await t.test("the trainer's progress line updates in place during run", () => {
        if (nb.kernel === "deno") {
          // One output per epoch (a display id), redrawn while the epoch runs, its final line kept.
          const progress = Object.entries(trainCell.updates).filter(([id]) =>
            id.startsWith("dendrite-progress-"),
          );
          assert.ok(progress.length >= 2, `${progress.length} progress outputs (one per epoch)`);
          assert.ok(
            progress.some(([, u]) => u.before_reply > 0),
            "a progress output was updated in place before the cell ended",
          );
        } else {
          // tslab's stream: the line is redrawn with carriage returns, which front ends collapse.
          const text = trainOut.map(textOf).join("");
          assert.match(text, /\rEpoch: 0, Batch: \d+, loss: [\d.]+ .*\[[=> ]+\] \d+\/\d+/);
        }
      });

      await t.test("the live chart's final output has a static image", () => {
        const types = Object.keys(final.data ?? {});
        assert.ok(
          types.some((m) => IMAGE_TYPES.includes(m)),
          `final output MIME types: ${types.join(", ")}`,
        );
      });
    },
  );
}
