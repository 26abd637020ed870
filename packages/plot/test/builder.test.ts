// The Vega-Lite builder: spec shapes (as Elixir's VegaLite builds them), immutability, the data
// inputs dataFromValues accepts, and the errors a user gets for misuse.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as pl from "nodejs-polars";
import * as arrow from "apache-arrow";
import * as nx from "@dendrite/tensor";
import * as plot from "@dendrite/plot";

const rows = [
  { a: 1, b: 2, c: "x" },
  { a: 2, b: 5, c: "y" },
  { a: 3, b: 1, c: "x" },
];
type Spec = Record<string, unknown>;
const spec = (c: plot.Chart) => c.toSpec() as unknown as Spec;

test("vl/mark/encodeField build the spec Elixir's VegaLite builds", () => {
  const c = plot
    .vl({ width: 640, height: 480, title: "t" })
    .dataFromValues(rows)
    .mark("point", { size: 120, filled: true })
    .encodeField("x", "a", { type: "quantitative", scale: { zero: false } })
    .encode("color", { value: "red" });
  assert.deepEqual(spec(c), {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width: 640,
    height: 480,
    title: "t",
    data: { values: rows },
    mark: { type: "point", size: 120, filled: true },
    encoding: {
      x: { type: "quantitative", scale: { zero: false }, field: "a" },
      color: { value: "red" },
    },
  });
  assert.equal(spec(plot.vl().mark("bar")).mark, "bar", "a mark without options is a string");
});

test("charts are immutable: every method returns a new chart, the old one unchanged", () => {
  const base = plot.vl().dataFromValues(rows).mark("point");
  const withX = base.encodeField("x", "a");
  const withY = base.encodeField("y", "b");
  assert.notEqual(withX, base);
  assert.equal(spec(base).encoding, undefined);
  assert.deepEqual(Object.keys(spec(withX).encoding as object), ["x"]);
  assert.deepEqual(Object.keys(spec(withY).encoding as object), ["y"]);
  assert.ok(Object.isFrozen(base));
  const s = spec(withX);
  (s.encoding as Spec).x = "mutated";
  assert.deepEqual(spec(withX).encoding, { x: { field: "a" } }, "toSpec returns a copy");
  rows[0]!.a = 1; // the chart copied the rows
  const mine = [{ a: 1 }];
  const c = plot.vl().dataFromValues(mine);
  mine[0]!.a = 99;
  assert.deepEqual((spec(c).data as Spec).values, [{ a: 1 }]);
});

test("encodeRepeat, repeat, facet, layers, concat, transform, param, resolve, config", () => {
  const child = plot
    .vl()
    .mark("point")
    .encodeRepeat("x", "column", { type: "quantitative" })
    .encodeRepeat("y", "row");
  const r = spec(
    plot
      .vl()
      .dataFromValues(rows)
      .repeat({ row: ["a", "b"], column: ["a", "b"] }, child),
  );
  assert.deepEqual(r.repeat, { row: ["a", "b"], column: ["a", "b"] });
  assert.deepEqual((r.spec as Spec).encoding, {
    x: { type: "quantitative", field: { repeat: "column" } },
    y: { field: { repeat: "row" } },
  });
  assert.equal((r.spec as Spec).$schema, undefined, "children carry no $schema");

  const f = spec(
    plot
      .vl()
      .dataFromValues(rows)
      .facet({ field: "c" }, plot.vl().mark("point").encodeField("x", "a")),
  );
  assert.deepEqual(f.facet, { field: "c" });
  assert.deepEqual((f.spec as Spec).mark, "point");

  const l = plot
    .vl()
    .dataFromValues(rows)
    .layers([plot.vl().mark("line"), plot.vl().mark("point")]);
  assert.deepEqual(
    (spec(l).layer as Spec[]).map((x) => x.mark),
    ["line", "point"],
  );
  assert.equal(
    (spec(l.layers([plot.vl().mark("rule")])).layer as Spec[]).length,
    3,
    "layers appends",
  );
  assert.deepEqual(
    spec(l.encodeField("x", "a")).encoding,
    { x: { field: "a" } },
    "a layered chart takes shared encodings",
  );

  const h = spec(plot.vl().concat([plot.vl().mark("bar"), plot.vl().mark("line")], "horizontal"));
  assert.equal((h.hconcat as Spec[]).length, 2);
  assert.ok(spec(plot.vl().concat([plot.vl().mark("bar")], "vertical")).vconcat);
  assert.ok(spec(plot.vl().concat([plot.vl().mark("bar")])).concat);

  const t = spec(
    plot
      .vl()
      .transform({ filter: "datum.a > 1" })
      .transform({ calculate: "datum.a * 2", as: "a2" })
      .param("brush", { select: "interval" })
      .resolve("scale", { color: "independent" })
      .resolve("scale", { y: "independent" })
      .config({ axis: { grid: false } })
      .config({ axis: { labelFontSize: 12 } }),
  );
  assert.deepEqual(t.transform, [
    { filter: "datum.a > 1" },
    { calculate: "datum.a * 2", as: "a2" },
  ]);
  assert.deepEqual(t.params, [{ name: "brush", select: "interval" }]);
  assert.deepEqual(t.resolve, { scale: { color: "independent", y: "independent" } });
  assert.deepEqual(t.config, { axis: { grid: false, labelFontSize: 12 } }, "config merges deeply");
  assert.deepEqual(
    spec(plot.vl().dataFromUrl("data/cars.json", { format: { type: "json" } })).data,
    {
      format: { type: "json" },
      url: "data/cars.json",
    },
  );
});

test("fromSpec round-trips toSpec, and JSON.stringify gives the spec", () => {
  const c = plot.scatter(rows, "a", "b", { colorBy: "c" });
  const again = plot.fromSpec(JSON.parse(JSON.stringify(c)) as plot.TopLevelSpec);
  assert.deepEqual(again.toSpec(), c.toSpec());
  assert.deepEqual(plot.Chart.fromSpec(c.toSpec()).toSpec(), c.toSpec());
  assert.throws(
    () => plot.fromSpec("nope" as never),
    /fromSpec: expected a Vega-Lite spec object, got "nope"/,
  );
});

test("dataFromValues: records, columns, only, arrays of arrays", () => {
  const fromCols = spec(plot.vl().dataFromValues({ a: [1, 2], c: ["x", "y"] }));
  assert.deepEqual((fromCols.data as Spec).values, [
    { a: 1, c: "x" },
    { a: 2, c: "y" },
  ]);
  const typed = spec(plot.vl().dataFromValues({ a: Float32Array.of(0.5, 1.5) }));
  assert.deepEqual((typed.data as Spec).values, [{ a: 0.5 }, { a: 1.5 }]);
  const only = spec(plot.vl().dataFromValues(rows, { only: ["c", "a"] }));
  assert.deepEqual((only.data as Spec).values, [
    { c: "x", a: 1 },
    { c: "y", a: 2 },
    { c: "x", a: 3 },
  ]);
  const matrix = spec(
    plot.vl().dataFromValues(
      [
        [1, 2],
        [3, 4],
      ],
      { only: ["u", "v"] },
    ),
  );
  assert.deepEqual((matrix.data as Spec).values, [
    { u: 1, v: 2 },
    { u: 3, v: 4 },
  ]);
  const special = spec(plot.vl().dataFromValues([{ n: 3n, d: new Date(0), x: NaN }]));
  assert.deepEqual((special.data as Spec).values, [
    { n: 3, d: "1970-01-01T00:00:00.000Z", x: null },
  ]);
});

test("dataFromValues: nodejs-polars DataFrame and Series", () => {
  const df = pl.DataFrame({ a: [1, 2, 3], c: ["x", "y", "x"], n: [1n, 2n, 3n] });
  const c = plot
    .vl()
    .dataFromValues(df)
    .mark("point")
    .encodeField("x", "a")
    .encodeField("color", "c");
  assert.deepEqual((spec(c).data as Spec).values, [
    { a: 1, c: "x", n: 1 },
    { a: 2, c: "y", n: 2 },
    { a: 3, c: "x", n: 3 },
  ]);
  assert.deepEqual((spec(plot.vl().dataFromValues(df, { only: ["c"] })).data as Spec).values, [
    { c: "x" },
    { c: "y" },
    { c: "x" },
  ]);
  assert.deepEqual((spec(plot.vl().dataFromValues(df.getColumn("a"))).data as Spec).values, [
    { a: 1 },
    { a: 2 },
    { a: 3 },
  ]);
  assert.throws(
    () => plot.vl().dataFromValues(df, { only: ["zz"] }),
    /only names the column "zz", which the data lacks; columns: a, c, n/,
  );
});

test("dataFromValues: Apache Arrow table", () => {
  const table = arrow.tableFromArrays({ a: Float64Array.of(1, 2), c: ["x", "y"] });
  assert.deepEqual((spec(plot.vl().dataFromValues(table)).data as Spec).values, [
    { a: 1, c: "x" },
    { a: 2, c: "y" },
  ]);
});

test("dataFromValues: tensors (rows become records; only names the columns)", () => {
  const t = nx.tensor([
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual((spec(plot.vl().dataFromValues(t)).data as Spec).values, [
    { col0: 1, col1: 2 },
    { col0: 3, col1: 4 },
  ]);
  assert.deepEqual((spec(plot.vl().dataFromValues(t, { only: ["x", "y"] })).data as Spec).values, [
    { x: 1, y: 2 },
    { x: 3, y: 4 },
  ]);
  assert.deepEqual(
    (spec(plot.vl().dataFromValues(nx.tensor([5, 6]), { only: ["v"] })).data as Spec).values,
    [{ v: 5 }, { v: 6 }],
  );
  assert.throws(
    () => plot.vl().dataFromValues(t, { only: ["x"] }),
    /the rows have 2 values but only names 1 columns/,
  );
  assert.throws(
    () => plot.vl().dataFromValues(nx.zeros([2, 2, 2])),
    /a tensor of shape \[2, 2, 2\] cannot be rows/,
  );
});

test("bad data is an error naming the column or row", () => {
  assert.throws(
    () => plot.vl().dataFromValues({ a: [1, 2], b: [1] }),
    /column "b" has 1 values but column "a" has 2/,
  );
  assert.throws(
    () => plot.vl().dataFromValues([{ a: 1 }, 5] as never),
    /row 1 is number 5, expected an object/,
  );
  assert.throws(
    () => plot.vl().dataFromValues(42 as never),
    /expected rows, columns, a DataFrame, an Arrow table or a tensor, got number 42/,
  );
  assert.throws(() => plot.vl().dataFromValues({ a: 1 } as never), /column "a" is number 1/);
  assert.throws(() => plot.vl().dataFromValues(rows, { only: ["zz"] }), /row 0 has no column "zz"/);
});

test("a field the inline data lacks is an error naming it and listing the columns", async () => {
  const c = plot.vl().dataFromValues(rows).mark("point");
  assert.throws(
    () => c.encodeField("x", "aa"),
    (e: Error) =>
      e instanceof RangeError &&
      /encodeField\("x", "aa"\): the data has no field "aa"; did you mean "a"\?; its columns are: a, b, c/.test(
        e.message,
      ),
  );
  // Data given after the encoding is checked too.
  const early = plot.vl().mark("point").encodeField("x", "sepal");
  assert.throws(
    () => early.dataFromValues(rows),
    /dataFromValues \(channel x\): the data has no field "sepal".*columns are: a, b, c/,
  );
  // And inside repeats, facets and layers.
  assert.throws(
    () => plot.vl().dataFromValues(rows).repeat(["a", "zz"], plot.vl().mark("point")),
    /repeat \(repeat\): the data has no field "zz"/,
  );
  assert.throws(
    () => plot.vl().dataFromValues(rows).facet({ field: "cc" }, plot.vl().mark("point")),
    /the data has no field "cc"; did you mean "c"/,
  );
  assert.throws(
    () =>
      plot
        .vl()
        .dataFromValues(rows)
        .layers([plot.vl().mark("point").encodeField("y", "q")]),
    /layers \(channel y\): the data has no field "q"/,
  );
  // Fields made by transforms are known.
  const made = plot
    .vl()
    .dataFromValues(rows)
    .transform({ calculate: "datum.a * 2", as: "a2" })
    .mark("point")
    .encodeField("x", "a2");
  assert.deepEqual(plot.compile(made.toSpec()).warnings, []);
  const folded = plot
    .vl()
    .dataFromValues(rows)
    .transform({ fold: ["a", "b"] })
    .mark("line")
    .encodeField("x", "key")
    .encodeField("y", "value");
  assert.deepEqual(plot.compile(folded.toSpec()).warnings, []);
  assert.throws(
    () => made.encodeField("y", "two"),
    /the data has no field "two".*columns are: a, b, c, a2/,
  );
  // A spec from elsewhere is checked when compiled or rendered.
  const foreign = plot.fromSpec({
    data: { values: rows },
    mark: "point",
    encoding: { x: { field: "zz", type: "quantitative" } },
  });
  assert.throws(
    () => plot.compile(foreign.toSpec()),
    /plot \(channel x\): the data has no field "zz"/,
  );
  await assert.rejects(foreign.toSVG(), /the data has no field "zz"/);
});

test("misuse from JavaScript is a runtime error with a hint", () => {
  const c = plot.vl().dataFromValues(rows);
  const js = c as unknown as Record<string, (...args: unknown[]) => unknown>;
  assert.throws(
    () => js.mark!.call(c, "piont"),
    /mark: unknown mark type "piont"; did you mean "point"\?/,
  );
  assert.throws(
    () => js.mark!.call(c, "point", { szie: 3 }),
    /mark\("point"\): unknown option "szie"; did you mean "size"\?/,
  );
  assert.throws(
    () => js.encodeField!.call(c, "colour", "a"),
    /unknown channel "colour"; did you mean "color"\?/,
  );
  assert.throws(
    () => js.encodeField!.call(c, "x", "a", { tpye: "quantitative" }),
    /unknown option "tpye"; did you mean "type"\?/,
  );
  assert.throws(() => js.encodeField!.call(c, "x", 3), /the field must be a string, got number 3/);
  assert.throws(
    () => js.encodeRepeat!.call(c, "x", "col"),
    /the repeat must be one of row, column, repeat, layer; did you mean "row"\?/,
  );
  assert.throws(
    () => js.concat!.call(c, [], "diagonal"),
    /direction must be "wrappable", "horizontal" or "vertical"/,
  );
  assert.throws(() => js.resolve!.call(c, "scales", {}), /did you mean "scale"\?/);
  assert.throws(
    () => plot.vl({ widht: 3 } as never),
    /vl: unknown option "widht"; did you mean "width"\?/,
  );
  assert.throws(() => c.layers([{} as never]), /layers: child 0 must be a Chart/);
  assert.throws(
    () => c.layers([plot.vl().config({ axis: {} })]),
    /a child chart cannot have config/,
  );
});

test("adding a mark to a multi-view chart is refused with a clear message", () => {
  const layered = plot
    .vl()
    .dataFromValues(rows)
    .layers([plot.vl().mark("point")]);
  assert.throws(
    () => layered.mark("line"),
    /mark\("line"\): cannot add a mark to a multi-view chart \(layer\); add it to the charts given to layers\(\)/,
  );
  const repeated = plot.vl().dataFromValues(rows).repeat(["a"], plot.vl().mark("point"));
  assert.throws(
    () => repeated.mark("line"),
    /multi-view chart \(repeat\); add it to the child chart given to repeat\(\)/,
  );
  assert.throws(
    () => repeated.encodeField("x", "a"),
    /encodeField\("x", "a"\): cannot be applied to a multi-view chart \(repeat\)/,
  );
  const faceted = plot.vl().dataFromValues(rows).facet({ field: "c" }, plot.vl().mark("point"));
  assert.throws(() => faceted.mark("bar"), /multi-view chart \(facet\)/);
  const unit = plot.vl().mark("point");
  assert.throws(
    () => unit.layers([plot.vl().mark("line")]),
    /layers: the chart already has a mark/,
  );
  assert.throws(
    () => repeated.facet({ field: "c" }, plot.vl().mark("point")),
    /facet: the chart is already a repeat chart/,
  );
});
