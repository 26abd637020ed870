// A few chart themes, as Vega-Lite config objects (our own values, in the spirit of the
// classic looks they are named after).
import type { Config } from "./types.js";

const FONT = "DejaVu Sans, sans-serif";

/** The built-in themes, by name. */
export const THEMES = {
  /** Vega-Lite's own look. */
  default: {},
  /** Light text on a dark background. */
  dark: {
    background: "#1f2328",
    title: { color: "#e6edf3" },
    view: { stroke: "#3d444d" },
    axis: {
      domainColor: "#8b949e",
      gridColor: "#30363d",
      tickColor: "#8b949e",
      labelColor: "#c9d1d9",
      titleColor: "#e6edf3",
    },
    legend: { labelColor: "#c9d1d9", titleColor: "#e6edf3" },
    header: { labelColor: "#c9d1d9", titleColor: "#e6edf3" },
    range: {
      category: ["#58a6ff", "#f78166", "#56d364", "#e3b341", "#bc8cff", "#39c5cf", "#ff7b72"],
    },
  },
  /** Grey panel, white grid, no frame (as R's ggplot2). */
  ggplot2: {
    view: { fill: "#ebebeb", stroke: null },
    axis: {
      domain: false,
      gridColor: "#ffffff",
      tickColor: "#333333",
      labelColor: "#4d4d4d",
      titleFontWeight: "normal",
    },
    mark: { color: "#000000" },
    range: {
      category: ["#f8766d", "#00ba38", "#619cff", "#c77cff", "#00bfc4", "#b79f00", "#f564e3"],
    },
  },
  /** Light grey page and bold titles, in the style of data journalism sites. */
  fivethirtyeight: {
    background: "#f0f0f0",
    view: { stroke: null },
    title: { fontSize: 18, anchor: "start", font: FONT },
    axis: {
      domain: false,
      gridColor: "#cbcbcb",
      tickColor: "#cbcbcb",
      labelFontSize: 12,
      titleFontSize: 13,
    },
    legend: { orient: "bottom" },
    range: { category: ["#30a2da", "#fc4f30", "#e5ae38", "#6d904f", "#8b8b8b", "#b96db8"] },
  },
  /** No frame or axis lines, a faint grid. */
  minimal: {
    view: { stroke: null },
    axis: {
      domain: false,
      ticks: false,
      gridColor: "#eeeeee",
      labelColor: "#555555",
      titleColor: "#333333",
    },
  },
} satisfies Record<string, Config>;

/** The name of a built-in theme. */
export type ThemeName = keyof typeof THEMES;
