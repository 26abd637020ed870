// One-call plots at Tucan's level. Each returns an ordinary Chart that the builder and the style
// helpers can keep refining.
import { vl, type Chart } from "./chart.js";
import { toRows, type DataInput, type Row } from "./data.js";
import { checkOptionNames } from "./schema.js";
import { describeValue } from "./describe.js";
import { colorBy, shapeBy } from "./style.js";
import type { ChartOptions, ColorScheme, MarkOptions } from "./types.js";

/** Options every plot takes: size and title. */
export interface PlotOptions {
  width?: number;
  height?: number;
  title?: string;
}

const PLOT_KEYS = ["width", "height", "title"];

function base(
  where: string,
  data: DataInput,
  opts: object,
  keys: readonly string[],
  defaults: ChartOptions = {},
): Chart {
  checkOptionNames(where, opts, [...PLOT_KEYS, ...keys]);
  const o = opts as PlotOptions;
  const size: ChartOptions = { ...defaults };
  if (o.width !== undefined) size.width = o.width;
  if (o.height !== undefined) size.height = o.height;
  if (o.title !== undefined) size.title = o.title;
  return vl(size).dataFromValues(data);
}

function grouped(chart: Chart, opts: { colorBy?: string; shapeBy?: string }): Chart {
  let c = chart;
  if (opts.colorBy !== undefined) c = colorBy(c, opts.colorBy);
  if (opts.shapeBy !== undefined) c = shapeBy(c, opts.shapeBy);
  return c;
}

/** Options of {@link scatter}. */
export interface ScatterOptions extends PlotOptions {
  /** Colour points by this field. */
  colorBy?: string;
  /** Give points a shape per value of this field. */
  shapeBy?: string;
  /** Point area in square pixels (Vega-Lite's default is 30). */
  size?: number;
  /** Filled points (default true). */
  filled?: boolean;
  /** Start the axes at zero (default false: fit the data). */
  zero?: boolean;
  /** Show a tooltip with the row's values (default false). */
  tooltip?: boolean;
}

/** A scatter plot of two quantitative fields: `scatter(iris, "sepal_length", "sepal_width", { colorBy: "species" })`. */
export function scatter(data: DataInput, x: string, y: string, opts: ScatterOptions = {}): Chart {
  const chart = base("scatter", data, opts, [
    "colorBy",
    "shapeBy",
    "size",
    "filled",
    "zero",
    "tooltip",
  ]);
  const mark: MarkOptions<"point"> = { filled: opts.filled ?? true };
  if (opts.size !== undefined) mark.size = opts.size;
  if (opts.tooltip) mark.tooltip = { content: "data" };
  const zero = opts.zero ?? false;
  return grouped(
    chart
      .mark("point", mark)
      .encodeField("x", x, { type: "quantitative", scale: { zero } })
      .encodeField("y", y, { type: "quantitative", scale: { zero } }),
    opts,
  );
}

/** The line interpolations of Vega-Lite. */
export type Interpolate = Exclude<NonNullable<MarkOptions<"line">["interpolate"]>, object>;

/** Options of {@link lineplot}. */
export interface LineOptions extends PlotOptions {
  /** One line per value of this field, coloured. */
  colorBy?: string;
  /** Curve through the points: "linear" (default), "natural", "monotone", "step", ... */
  interpolate?: Interpolate;
  /** Draw the points too. */
  points?: boolean;
  /** The line colour (without colorBy). */
  color?: string;
  /** Type of the x field (default quantitative; "temporal" for dates, "ordinal" for categories). */
  xType?: "quantitative" | "temporal" | "ordinal" | "nominal";
  /** Start the y axis at zero (default false). */
  zero?: boolean;
}

/** A line plot of y against x: `lineplot(history, "epoch", "loss", { interpolate: "natural" })`. */
export function lineplot(data: DataInput, x: string, y: string, opts: LineOptions = {}): Chart {
  const chart = base("lineplot", data, opts, [
    "colorBy",
    "interpolate",
    "points",
    "color",
    "xType",
    "zero",
  ]);
  const mark: MarkOptions<"line"> = {};
  if (opts.interpolate) mark.interpolate = opts.interpolate;
  if (opts.points) mark.point = true;
  if (opts.color) mark.color = opts.color;
  return grouped(
    chart
      .mark("line", mark)
      .encodeField("x", x, { type: opts.xType ?? "quantitative" })
      .encodeField("y", y, { type: "quantitative", scale: { zero: opts.zero ?? false } }),
    opts,
  );
}

/** Options of {@link area}. */
export interface AreaOptions extends PlotOptions {
  /** One area per value of this field, stacked unless `stacked` is false. */
  colorBy?: string;
  /** Stack the areas (default true), or normalise them to 100%. */
  stacked?: boolean | "normalize";
  interpolate?: Interpolate;
  /** Fill opacity (default 0.7 when grouped and not stacked, else 1). */
  opacity?: number;
  xType?: "quantitative" | "temporal" | "ordinal" | "nominal";
}

/** An area plot of y against x. */
export function area(data: DataInput, x: string, y: string, opts: AreaOptions = {}): Chart {
  const chart = base("area", data, opts, ["colorBy", "stacked", "interpolate", "opacity", "xType"]);
  const stacked = opts.stacked ?? true;
  const mark: MarkOptions<"area"> = {};
  if (opts.interpolate) mark.interpolate = opts.interpolate;
  const opacity = opts.opacity ?? (opts.colorBy && stacked === false ? 0.7 : undefined);
  if (opacity !== undefined) mark.opacity = opacity;
  return grouped(
    chart
      .mark("area", mark)
      .encodeField("x", x, { type: opts.xType ?? "quantitative" })
      .encodeField("y", y, {
        type: "quantitative",
        stack: stacked === "normalize" ? "normalize" : stacked ? "zero" : null,
      }),
    opts,
  );
}

/** Options of {@link bar}. */
export interface BarOptions extends PlotOptions {
  /** Bars side by side (`"grouped"`) or stacked (default) per value of this field. */
  colorBy?: string;
  /** `"vertical"` (default) or `"horizontal"` bars. */
  orient?: "vertical" | "horizontal";
  /** How values of one category combine (default "sum"). */
  aggregate?: "sum" | "mean" | "median" | "min" | "max" | "count";
  /** With colorBy: stacked (default) or grouped bars. */
  mode?: "stacked" | "grouped";
}

/**
 * A bar chart of a value per category: `bar(rows, "class", "count")`. Without `value`, bars count
 * the rows of each category.
 */
export function bar(
  data: DataInput,
  category: string,
  value?: string,
  opts: BarOptions = {},
): Chart {
  const chart = base("bar", data, opts, ["colorBy", "orient", "aggregate", "mode"]);
  const horizontal = opts.orient === "horizontal";
  const [cat, val] = horizontal ? (["y", "x"] as const) : (["x", "y"] as const);
  let c = chart.mark("bar").encodeField(cat, category, { type: "nominal" });
  c =
    value === undefined
      ? c.encode(val, { aggregate: "count", type: "quantitative", title: "count" })
      : c.encodeField(val, value, {
          type: "quantitative",
          aggregate: opts.aggregate ?? "sum",
          title: value,
        });
  c = grouped(c, opts);
  if (opts.colorBy && opts.mode === "grouped") {
    c = c.encodeField(horizontal ? "yOffset" : "xOffset", opts.colorBy, { type: "nominal" });
  }
  return c;
}

/** Options of {@link histogram}. */
export interface HistogramOptions extends PlotOptions {
  /** The most bins (default 10, Vega-Lite's binning picks nice edges). */
  maxbins?: number;
  /** Exact bin width (instead of maxbins). */
  step?: number;
  /** One (stacked) histogram per value of this field. */
  colorBy?: string;
  /** Show fractions of the rows instead of counts. */
  relative?: boolean;
  /** `"vertical"` (default) or `"horizontal"` bars. */
  orient?: "vertical" | "horizontal";
}

/** A histogram of a quantitative field: `histogram(iris, "petal_length", { maxbins: 20 })`. */
export function histogram(data: DataInput, field: string, opts: HistogramOptions = {}): Chart {
  const chart = base("histogram", data, opts, ["maxbins", "step", "colorBy", "relative", "orient"]);
  const horizontal = opts.orient === "horizontal";
  const [binCh, countCh] = horizontal ? (["y", "x"] as const) : (["x", "y"] as const);
  const bin = opts.step !== undefined ? { step: opts.step } : { maxbins: opts.maxbins ?? 10 };
  let c = chart.mark("bar").encodeField(binCh, field, { type: "quantitative", bin, title: field });
  if (opts.relative) {
    c = c
      .transform({ joinaggregate: [{ op: "count", as: "__total" }] })
      .transform({ calculate: "1 / datum.__total", as: "__fraction" })
      .encodeField(countCh, "__fraction", {
        type: "quantitative",
        aggregate: "sum",
        title: "fraction",
        axis: { format: "%" },
      });
  } else {
    c = c.encode(countCh, { aggregate: "count", type: "quantitative", title: "count" });
  }
  return grouped(c, opts);
}

/** Options of {@link density}. */
export interface DensityOptions extends PlotOptions {
  /** One density curve per value of this field. */
  colorBy?: string;
  /** Kernel bandwidth (default: Scott's rule, chosen by Vega). */
  bandwidth?: number;
  /** The [min, max] range to estimate over (default: the data's extent). */
  extent?: [number, number];
  /** Fill the area under the curve (default true). */
  filled?: boolean;
  /** Scale densities by the group's row count, so groups compare by size. */
  counts?: boolean;
}

/** A kernel density estimate of a quantitative field. */
export function density(data: DataInput, field: string, opts: DensityOptions = {}): Chart {
  const chart = base("density", data, opts, ["colorBy", "bandwidth", "extent", "filled", "counts"]);
  const t: Record<string, unknown> = { density: field, as: [field, "density"] };
  if (opts.colorBy) t.groupby = [opts.colorBy];
  if (opts.bandwidth !== undefined) t.bandwidth = opts.bandwidth;
  if (opts.extent) t.extent = opts.extent;
  if (opts.counts) t.counts = true;
  const filled = opts.filled ?? true;
  const c = chart
    .transform(t as { density: string })
    .mark(filled ? "area" : "line", filled && opts.colorBy ? { opacity: 0.5 } : {})
    .encodeField("x", field, { type: "quantitative", title: field })
    .encodeField("y", "density", {
      type: "quantitative",
      ...(opts.colorBy && filled ? { stack: null } : {}),
    });
  return opts.colorBy ? colorBy(c, opts.colorBy) : c;
}

/** Options of {@link boxplot}. */
export interface BoxplotOptions extends PlotOptions {
  /** One box per value of this field. */
  groupBy?: string;
  /** Colour boxes by this field. */
  colorBy?: string;
  /** Whisker extent: a multiple of the IQR (default 1.5) or "min-max". */
  extent?: number | "min-max";
  /** `"vertical"` (default) or `"horizontal"` boxes. */
  orient?: "vertical" | "horizontal";
}

/** A box plot of a quantitative field, optionally one box per group. */
export function boxplot(data: DataInput, field: string, opts: BoxplotOptions = {}): Chart {
  const chart = base("boxplot", data, opts, ["groupBy", "colorBy", "extent", "orient"]);
  const horizontal = opts.orient === "horizontal";
  const [valueCh, groupCh] = horizontal ? (["x", "y"] as const) : (["y", "x"] as const);
  let c = chart
    .mark("boxplot", { extent: opts.extent ?? 1.5 })
    .encodeField(valueCh, field, { type: "quantitative", scale: { zero: false } });
  if (opts.groupBy) c = c.encodeField(groupCh, opts.groupBy, { type: "nominal" });
  return grouped(c, opts);
}

/** Options of {@link errorband}. */
export interface ErrorbandOptions extends PlotOptions {
  /** What the band spans: 95% confidence interval of the mean ("ci", default), "stderr", "stdev" or "iqr". */
  extent?: "ci" | "stderr" | "stdev" | "iqr";
  /** Draw the mean as a line over the band (default true). */
  line?: boolean;
  /** One band per value of this field. */
  colorBy?: string;
  interpolate?: Interpolate;
  xType?: "quantitative" | "temporal" | "ordinal";
}

/** A band around the mean of y at each x (e.g. a metric over several runs), with the mean line. */
export function errorband(
  data: DataInput,
  x: string,
  y: string,
  opts: ErrorbandOptions = {},
): Chart {
  const chart = base("errorband", data, opts, [
    "extent",
    "line",
    "colorBy",
    "interpolate",
    "xType",
  ]);
  const xType = opts.xType ?? "quantitative";
  const bandMark: MarkOptions<"errorband"> = { extent: opts.extent ?? "ci" };
  if (opts.interpolate) bandMark.interpolate = opts.interpolate;
  const band = vl()
    .mark("errorband", bandMark)
    .encodeField("x", x, { type: xType })
    .encodeField("y", y, { type: "quantitative", title: y });
  const layers = [band];
  if (opts.line ?? true) {
    layers.push(
      vl()
        .mark("line", opts.interpolate ? { interpolate: opts.interpolate } : {})
        .encodeField("x", x, { type: xType })
        .encodeField("y", y, { type: "quantitative", aggregate: "mean", title: y }),
    );
  }
  const c = chart.layers(layers);
  return opts.colorBy ? colorBy(c, opts.colorBy) : c;
}

/** Options of {@link heatmap}. */
export interface HeatmapOptions extends PlotOptions {
  /** How several rows in one cell combine (default: none, one row per cell). */
  aggregate?: "sum" | "mean" | "median" | "min" | "max" | "count";
  /** Write each cell's value in it (default true). */
  text?: boolean;
  /** The Vega colour scheme (default "blues"). */
  colorScheme?: ColorScheme;
  /** d3-format of the cell text (default: as is). */
  format?: string;
}

/** Options of {@link heatmap} given a matrix (a confusion matrix, ...). */
export interface MatrixHeatmapOptions extends HeatmapOptions {
  /** Names of the rows and columns (default 0, 1, ...); or separate lists. */
  labels?: readonly string[] | { rows: readonly string[]; columns: readonly string[] };
  /** Axis titles (default "row" and "column"; e.g. "actual" and "predicted"). */
  rowTitle?: string;
  columnTitle?: string;
}

/** A matrix as long-form rows, with the row and column names in the matrix's order. */
interface MatrixCells {
  rows: Row[];
  rowOrder: string[] | number[];
  columnOrder: string[] | number[];
}

function matrixRows(matrix: unknown, opts: MatrixHeatmapOptions): MatrixCells {
  const values = (
    Array.isArray(matrix)
      ? matrix
      : typeof (matrix as { toArray?: unknown })?.toArray === "function"
        ? (matrix as { toArray(): unknown }).toArray()
        : undefined
  ) as unknown[][] | undefined;
  if (
    !Array.isArray(values) ||
    !values.every((r) => Array.isArray(r) && r.length === values[0]!.length)
  ) {
    throw new TypeError(
      `heatmap: expected a matrix (array of equal-length rows, or a rank-2 tensor), got ${describeValue(matrix)}`,
    );
  }
  const nRows = values.length;
  const nCols = values[0]?.length ?? 0;
  const labels = opts.labels;
  const rowNames =
    labels === undefined
      ? undefined
      : Array.isArray(labels)
        ? labels
        : (labels as { rows: readonly string[] }).rows;
  const colNames =
    labels === undefined
      ? undefined
      : Array.isArray(labels)
        ? labels
        : (labels as { columns: readonly string[] }).columns;
  if ((rowNames && rowNames.length !== nRows) || (colNames && colNames.length !== nCols)) {
    throw new RangeError(
      `heatmap: the matrix is ${nRows}×${nCols} but the labels name ${rowNames?.length ?? nRows} rows and ${colNames?.length ?? nCols} columns`,
    );
  }
  for (const [what, names] of [
    ["row", rowNames],
    ["column", colNames],
  ] as const) {
    const seen = new Set<string>();
    for (const n of names ?? []) {
      if (seen.has(n)) {
        throw new RangeError(
          `heatmap: the ${what} label ${JSON.stringify(n)} appears twice; cells with the same labels would overlap`,
        );
      }
      seen.add(n);
    }
  }
  const rowTitle = opts.rowTitle ?? "row";
  const colTitle = opts.columnTitle ?? "column";
  const rows: Row[] = [];
  values.forEach((r, i) =>
    r.forEach((v, j) => {
      rows.push({
        [rowTitle]: rowNames ? rowNames[i] : i,
        [colTitle]: colNames ? colNames[j] : j,
        value: typeof v === "bigint" ? Number(v) : v,
      });
    }),
  );
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  return {
    rows,
    rowOrder: rowNames ? [...rowNames] : range(nRows),
    columnOrder: colNames ? [...colNames] : range(nCols),
  };
}

/**
 * A heatmap: a coloured cell per (x, y) with its value written in it. Either
 * `heatmap(rows, x, y, valueField, opts)`, or `heatmap(matrix, opts)` for a matrix or rank-2
 * tensor, such as a confusion matrix (`{ labels, rowTitle: "actual", columnTitle: "predicted" }`).
 * A matrix keeps its order on the axes: rows top to bottom, columns left to right, named by
 * `labels` in the order given (not sorted). Long-form rows are sorted by value on each axis.
 */
export function heatmap(matrix: unknown, opts?: MatrixHeatmapOptions): Chart;
export function heatmap(
  data: DataInput,
  x: string,
  y: string,
  color: string,
  opts?: HeatmapOptions,
): Chart;
export function heatmap(
  data: unknown,
  xOrOpts?: string | MatrixHeatmapOptions,
  yField?: string,
  colorField?: string,
  maybeOpts?: HeatmapOptions,
): Chart {
  let rows: Row[];
  let x: string;
  let y: string;
  let color: string;
  let opts: HeatmapOptions;
  // The axis orders of a matrix (Vega-Lite would sort ordinal values, reordering the labels).
  let xSort: string[] | number[] | undefined;
  let ySort: string[] | number[] | undefined;
  if (typeof xOrOpts === "string") {
    if (typeof yField !== "string" || typeof colorField !== "string") {
      throw new TypeError("heatmap(data, x, y, color): x, y and color must be field names");
    }
    rows = toRows(data);
    [x, y, color, opts] = [xOrOpts, yField, colorField, maybeOpts ?? {}];
  } else {
    const o = xOrOpts ?? {};
    checkOptionNames("heatmap", o, [
      ...PLOT_KEYS,
      "aggregate",
      "text",
      "colorScheme",
      "format",
      "labels",
      "rowTitle",
      "columnTitle",
    ]);
    const cells = matrixRows(data, o);
    rows = cells.rows;
    xSort = cells.columnOrder;
    ySort = cells.rowOrder;
    x = o.columnTitle ?? "column";
    y = o.rowTitle ?? "row";
    color = "value";
    const { labels: _l, rowTitle: _r, columnTitle: _c, ...rest } = o;
    opts = rest;
  }
  const cell = { step: 56 };
  const chart = base("heatmap", rows, opts, ["aggregate", "text", "colorScheme", "format"], {
    width: cell,
    height: cell,
  });
  const valueDef = {
    type: "quantitative" as const,
    ...(opts.aggregate ? { aggregate: opts.aggregate } : {}),
  };
  const rect = vl()
    .mark("rect")
    .encodeField("color", color, {
      ...valueDef,
      scale: { scheme: opts.colorScheme ?? "blues" },
      title: color,
    });
  const layers = [rect];
  if (opts.text ?? true) {
    // White text on dark cells: past the middle of the value range (known when not aggregated).
    const nums = rows.map((r) => r[color]).filter((v): v is number => typeof v === "number");
    const mid =
      nums.length > 0 && !opts.aggregate ? (Math.min(...nums) + Math.max(...nums)) / 2 : undefined;
    let text = vl()
      .mark("text", { fontSize: 13 })
      .encodeField("text", color, { ...valueDef, ...(opts.format ? { format: opts.format } : {}) });
    text =
      mid === undefined
        ? text
        : text.encode("color", {
            condition: { test: `datum[${JSON.stringify(color)}] > ${mid}`, value: "white" },
            value: "black",
          });
    layers.push(text);
  }
  return chart
    .encodeField("x", x, {
      type: "ordinal",
      title: x,
      axis: { labelAngle: 0 },
      ...(xSort ? { sort: xSort } : {}),
    })
    .encodeField("y", y, { type: "ordinal", title: y, ...(ySort ? { sort: ySort } : {}) })
    .layers(layers);
}

/** Options of {@link pairplot}. */
export interface PairplotOptions {
  /** Colour points by this field (e.g. the class). */
  colorBy?: string;
  /** Give points a shape per value of this field. */
  shapeBy?: string;
  /** Size of each cell in pixels (default 150). */
  cellSize?: number;
  /** Point area in square pixels. */
  size?: number;
  /** Filled points (default true). */
  filled?: boolean;
  title?: string;
}

/**
 * A scatter-plot matrix of every pair of `fields` (a `repeat` over rows and columns): the seed
 * post's 4×4 Iris matrix is `pairplot(iris, cols, { colorBy: "species" })`.
 */
export function pairplot(
  data: DataInput,
  fields: readonly string[],
  opts: PairplotOptions = {},
): Chart {
  checkOptionNames("pairplot", opts, ["colorBy", "shapeBy", "cellSize", "size", "filled", "title"]);
  if (
    !Array.isArray(fields) ||
    fields.length === 0 ||
    !fields.every((f) => typeof f === "string")
  ) {
    throw new TypeError(
      `pairplot: fields must be a non-empty list of field names, got ${describeValue(fields)}`,
    );
  }
  const cell = opts.cellSize ?? 150;
  const mark: MarkOptions<"point"> = { filled: opts.filled ?? true };
  if (opts.size !== undefined) mark.size = opts.size;
  let child = vl({ width: cell, height: cell })
    .mark("point", mark)
    .encodeRepeat("x", "column", { type: "quantitative", scale: { zero: false } })
    .encodeRepeat("y", "row", { type: "quantitative", scale: { zero: false } });
  child = grouped(child, opts);
  const top = vl(opts.title !== undefined ? { title: opts.title } : {}).dataFromValues(data);
  return top.repeat({ row: [...fields], column: [...fields] }, child);
}
