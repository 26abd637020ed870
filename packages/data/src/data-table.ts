/**
 * `table(df)`: a DataFrame as a notebook table that pages and sorts (Kino.DataTable). Its HTML
 * holds the first page as a plain `<table>` (what a front end without scripts, nbconvert or GitHub
 * shows), the rows as JSON in a non-executed `<script type="application/json">`, and one constant
 * script that adds paging and click-to-sort. Nothing from the data is written into the script:
 * values reach the page only as escaped HTML text and as JSON whose `<` is escaped.
 */
import { describeValue } from "@dendrite/tensor";
import { isDataFrame, type DataFrame } from "./polars.js";

/** Options of `table`. */
export interface TableOptions {
  /** Rows per page (default 10). */
  pageSize?: number;
  /** The most rows the table carries (default 10,000); past it the table says how many it left out. */
  maxRows?: number;
}

type Cell = string | number | boolean | null;

/** A DataFrame shown as an interactive table in notebooks; `html` and `text` are its two forms. */
export class DataTable {
  /** The page: a static first page, the rows as JSON, and the paging/sorting script. */
  readonly html: string;
  /** The DataFrame as Polars prints it. */
  readonly text: string;

  /** Use `data.table(df)`. */
  constructor(df: DataFrame, options: TableOptions = {}) {
    if (!isDataFrame(df))
      throw new TypeError(`data.table: expected a DataFrame, got ${describeValue(df)}`);
    const pageSize = checkCount(options.pageSize ?? 10, "pageSize");
    const maxRows = checkCount(options.maxRows ?? 10_000, "maxRows");
    const columns = df.columns;
    const shown = df.height > maxRows ? df.head(maxRows) : df;
    const rows: Cell[][] = shown.rows().map((r) => (r as unknown[]).map(cellOf));
    this.text = String(df);
    const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
    const body = rows
      .slice(0, pageSize)
      .map(
        (r) =>
          `<tr>${r.map((v) => `<td>${escapeHtml(v === null ? "null" : String(v))}</td>`).join("")}</tr>`,
      )
      .join("");
    const note =
      df.height > maxRows ? ` (the first ${maxRows} of ${df.height} rows; maxRows to change)` : "";
    const json = JSON.stringify({ columns, rows }).replace(/</g, "\\u003c");
    this.html =
      `<div class="dendrite-table" data-page-size="${pageSize}">` +
      `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
      `<div class="dendrite-table-status">${df.height} rows × ${columns.length} columns${escapeHtml(note)}</div>` +
      `<script type="application/json">${json}</script>` +
      `<script>${PAGER}</script></div>`;
  }

  /** The notebook's bundle: the interactive HTML table, and Polars' text form. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": this.html, "text/plain": this.text };
  }

  /** `console.log` prints the DataFrame's text form. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.text;
  }
}

/**
 * A DataFrame as a notebook table that pages and sorts: leave it as a cell's value in Deno's
 * kernel; in tslab, `tslab.display.html(data.table(df).html)`.
 *
 * @example
 * data.table(iris, { pageSize: 20 });
 */
export function table(df: DataFrame, options?: TableOptions): DataTable {
  return new DataTable(df, options);
}

function checkCount(n: unknown, name: string): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1)
    throw new RangeError(`data.table: ${name} must be a positive integer, got ${describeValue(n)}`);
  return n;
}

function cellOf(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** Text made safe to place between HTML tags or inside a quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The paging and sorting script: constant text. It finds its table through its own element, reads
 * the rows from the JSON beside it, and rebuilds the body with text nodes (never HTML).
 */
const PAGER = `(() => {
  const root = document.currentScript.parentElement;
  const data = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
  const size = Number(root.dataset.pageSize) || 10;
  const body = root.querySelector("tbody");
  const heads = root.querySelectorAll("th");
  const status = root.querySelector(".dendrite-table-status");
  let rows = data.rows.slice();
  let page = 0;
  let sortBy = -1;
  let ascending = true;
  const nav = document.createElement("div");
  const prev = document.createElement("button");
  const next = document.createElement("button");
  const where = document.createElement("span");
  prev.textContent = "‹ previous";
  next.textContent = "next ›";
  nav.append(prev, " ", where, " ", next);
  root.insertBefore(nav, status.nextSibling);
  const compare = (a, b) => {
    if (a === b) return 0;
    if (a === null) return 1;
    if (b === null) return -1;
    const r = typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
    return ascending ? r : -r;
  };
  const draw = () => {
    const pages = Math.max(1, Math.ceil(rows.length / size));
    page = Math.min(Math.max(0, page), pages - 1);
    body.replaceChildren(
      ...rows.slice(page * size, page * size + size).map((r) => {
        const tr = document.createElement("tr");
        for (const v of r) {
          const td = document.createElement("td");
          td.textContent = v === null ? "null" : String(v);
          tr.append(td);
        }
        return tr;
      }),
    );
    where.textContent = "page " + (page + 1) + " of " + pages;
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    heads.forEach((h, i) => {
      h.dataset.sort = i === sortBy ? (ascending ? "ascending" : "descending") : "";
      h.title = "sort";
    });
  };
  heads.forEach((h, i) => {
    h.style.cursor = "pointer";
    h.addEventListener("click", () => {
      ascending = sortBy === i ? !ascending : true;
      sortBy = i;
      rows = data.rows.slice().sort((a, b) => compare(a[i], b[i]));
      page = 0;
      draw();
    });
  });
  prev.addEventListener("click", () => { page--; draw(); });
  next.addEventListener("click", () => { page++; draw(); });
  draw();
})();`;
