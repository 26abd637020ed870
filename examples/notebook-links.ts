// The executed notebooks that scripts/run-notebook.py left under out/notebooks (the notebook test
// runs it), for the report's links. Nothing here runs a kernel: `npm start` works without one.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One executed notebook, as the report links it. */
export interface ExecutedNotebook {
  /** The file name, e.g. `iris.deno.ipynb`. */
  name: string;
  /** Its path relative to `outDir`, for a link from the report. */
  href: string;
  /** The kernel that ran it and its version, from the driver's report ("" when there is none). */
  kernel: string;
  /** Code cells run, and how many of them failed. */
  cells: number;
  failed: number;
}

/** Executed notebooks under `outDir`/notebooks (none when the folder does not exist). */
export function executedNotebooks(outDir = "out"): ExecutedNotebook[] {
  const dir = join(outDir, "notebooks");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((name) => {
      const reportPath = join(dir, name.replace(/\.ipynb$/, ".report.json"));
      const report = existsSync(reportPath)
        ? (JSON.parse(readFileSync(reportPath, "utf8")) as {
            kernel_info?: { implementation?: string; implementation_version?: string };
            cells?: { status: string }[];
          })
        : {};
      const info = report.kernel_info;
      const cells = report.cells ?? [];
      return {
        name,
        href: `notebooks/${name}`,
        kernel: info
          ? `${info.implementation ?? ""} ${info.implementation_version ?? ""}`.trim()
          : "",
        cells: cells.length,
        failed: cells.filter((c) => c.status !== "ok").length,
      };
    });
}
