// @dendrite/live: charts that grow while a program runs (Dendrite's Kino.VegaLite).
export { chart, LiveChart, type ChartOptions } from "./chart.js";
export { frame, Frame, markdown, Markdown } from "./frame.js";
export {
  serve,
  close,
  untilClosed,
  DEFAULT_HOST,
  DEFAULT_PORT,
  type LiveServer,
  type ServeOptions,
  type ChartUpdate,
} from "./server.js";
export type { Point, Delta } from "./history.js";
export type { PushOptions } from "./points.js";
export type { ChartInput, VegaLiteSpec } from "./spec.js";
export {
  flushDisplays as flush,
  NotebookDisplay,
  VEGALITE_MIME,
  type Broadcast,
  type DisplayContent,
  type DisplayOptions,
  type MimeBundle,
  type NotebookTarget,
  type TslabDisplay,
} from "./notebook.js";
