// @dendrite/plot: a typed Vega-Lite v5 builder (Elixir's VegaLite), one-call plots (Tucan),
// headless rendering to SVG, PNG and HTML, and notebook display.
export { Chart, vl, fromSpec, SCHEMA_URL } from "./chart.js";
export type {
  DataInput,
  ValuesOptions,
  Row,
  ColumnarTable,
  ArrowLikeTable,
  TensorLike,
  SeriesLike,
} from "./data.js";
export {
  compileSpec as compile,
  type Compiled,
  type PNGOptions,
  renderSVG,
  svgToPNG,
} from "./render.js";
export {
  VEGALITE_MIME,
  JUPYTER_DISPLAY,
  type MimeBundle,
  type NotebookDisplay,
  type ShowOptions,
} from "./notebook.js";
export {
  scatter,
  lineplot,
  area,
  bar,
  histogram,
  density,
  boxplot,
  errorband,
  heatmap,
  pairplot,
  type PlotOptions,
  type ScatterOptions,
  type LineOptions,
  type AreaOptions,
  type BarOptions,
  type HistogramOptions,
  type DensityOptions,
  type BoxplotOptions,
  type ErrorbandOptions,
  type HeatmapOptions,
  type MatrixHeatmapOptions,
  type PairplotOptions,
  type Interpolate,
} from "./plots.js";
export {
  colorBy,
  shapeBy,
  sizeBy,
  facetBy,
  setTitle,
  setSize,
  setTheme,
  setXTitle,
  setYTitle,
  setXYTitles,
  setXDomain,
  setYDomain,
  setXScale,
  setYScale,
  setColorScheme,
  hideAxis,
  type FacetByOptions,
  type ContinuousScale,
} from "./style.js";
export { THEMES, type ThemeName } from "./themes.js";
export { describeValue } from "./describe.js";
export type * from "./types.js";
