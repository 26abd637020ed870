// data.table (Kino.DataTable): a DataFrame as a notebook table — its bundle, its escaping of
// values from files, and paging and sorting in a real browser (Debian's Chromium).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { inspect } from "node:util";
import { chromium, type Browser } from "playwright-core";
import * as data from "@dendrite/data";

const CHROMIUM = "/usr/bin/chromium";
const missing = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is missing: apt-get install chromium`;
if (missing && process.env.CI) throw new Error(missing);
let browser: Browser | undefined;

before(async () => {
  if (missing) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});
after(() => browser?.close());

const iris = data.datasets.iris();
const hostile = "</script><script>globalThis.pwned = 1</script><b>x</b>";

test("the bundle: HTML with the first page as a plain table, and Polars' text", () => {
  const t = data.table(iris, { pageSize: 5 });
  const bundle = (t as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]!.call(t);
  assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
  assert.equal(bundle["text/plain"], String(iris));
  assert.equal(inspect(t), String(iris));
  const html = bundle["text/html"]!;
  assert.equal(html.match(/<tr><td>/g)?.length, 5, "five rows in the static first page");
  assert.match(html, /<th>sepal_length<\/th>/);
  assert.match(html, /150 rows × 5 columns/);
  assert.throws(
    () => data.table(iris, { pageSize: 0 }),
    /data.table: pageSize must be a positive integer, got number 0/,
  );
  assert.throws(
    () => data.table([] as never),
    /data.table: expected a DataFrame, got an array of 0/,
  );
});

test("values from a file cannot close the script or inject markup", () => {
  const df = data.pl.DataFrame({ name: [hostile, "ok"], n: [1, 2] });
  const html = data.table(df).html;
  assert.ok(!html.includes("<script>globalThis"), "no raw script from the data");
  assert.ok(!html.includes("<b>x</b>"), "no raw markup from the data");
  const json = html.match(/<script type="application\/json">(.*?)<\/script>/)![1]!;
  assert.deepEqual(JSON.parse(json).rows[0], [hostile, 1]);
});

test(
  "in a browser the table pages and sorts; data values stay text",
  { skip: missing ?? false },
  async () => {
    const df = data.pl.DataFrame({
      name: [hostile, ...Array.from({ length: 24 }, (_, i) => `row ${i}`)],
      n: [1000, ...Array.from({ length: 24 }, (_, i) => (i * 7) % 24)],
    });
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.setContent(`<!doctype html><body>${data.table(df, { pageSize: 10 }).html}</body>`);
    const cells = (col: number) =>
      page.$$eval(`tbody tr td:nth-child(${col})`, (tds) => tds.map((td) => td.textContent));
    assert.equal((await cells(1)).length, 10);
    assert.equal((await cells(1))[0], hostile, "shown as text");
    assert.equal(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), undefined);
    await page.click("text=next ›");
    assert.deepEqual((await cells(1)).slice(0, 2), ["row 9", "row 10"]);
    await page.click("text=page 2 of 3", { trial: true });
    await page.click("th:nth-child(2)"); // sort by n, ascending
    assert.deepEqual((await cells(2)).slice(0, 3), ["0", "1", "2"]);
    await page.click("th:nth-child(2)"); // descending
    assert.deepEqual((await cells(2)).slice(0, 2), ["1000", "23"]);
    await page.click("text=next ›");
    await page.click("text=next ›");
    assert.equal((await cells(1)).length, 5, "the last page holds the last 5 rows");
    assert.equal(await page.isDisabled("text=next ›"), true);
    assert.deepEqual(errors, []);
    await page.close();
  },
);
