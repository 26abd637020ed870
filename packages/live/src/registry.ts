// Every live chart of the process, and who wants to hear when one is added or changes.
import type { DatasetHistory, Point } from "./history.js";
import type { VegaLiteSpec } from "./spec.js";

/** The state of one live chart that the dashboard and notebook displays read. */
export interface ChartState {
  /** Unique within the process: "1", "2", ... in creation order. */
  readonly id: string;
  readonly title: string;
  /** The live spec: its data sources are named, without inline values. */
  readonly spec: VegaLiteSpec;
  /** Histories by dataset name, in the order the spec names them. */
  readonly datasets: ReadonlyMap<string, DatasetHistory>;
}

/** A chart's full state as JSON-ready data: what a page that opens late receives. */
export interface ChartSnapshot {
  readonly id: string;
  readonly title: string;
  readonly spec: VegaLiteSpec;
  readonly data: Record<string, Point[]>;
}

/** Hears about charts being added and changed (the dashboard server subscribes). */
export interface RegistryListener {
  added(chart: ChartState): void;
  changed(chart: ChartState): void;
}

const charts: ChartState[] = [];
/** The same charts by id: a `Map`, since ids come from requests (`/api/charts/<id>`). */
const byId = new Map<string, ChartState>();
const listeners = new Set<RegistryListener>();
let nextId = 1;

/** A fresh chart id. */
export function newChartId(): string {
  return String(nextId++);
}

/** Adds a chart and tells the listeners. */
export function register(chart: ChartState): void {
  charts.push(chart);
  byId.set(chart.id, chart);
  for (const l of listeners) l.added(chart);
}

/** Tells the listeners that a chart's data changed. */
export function notifyChanged(chart: ChartState): void {
  for (const l of listeners) l.changed(chart);
}

/** Every live chart of the process, oldest first. */
export function allCharts(): readonly ChartState[] {
  return charts;
}

/** The chart with this id, or undefined if there is none. */
export function chartById(id: string): ChartState | undefined {
  return byId.get(id);
}

/** Subscribes; returns the function that unsubscribes. */
export function subscribe(listener: RegistryListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The chart's current points, by dataset (a null-prototype record: any dataset name is safe). */
export function snapshotOf(chart: ChartState): ChartSnapshot {
  const data = Object.create(null) as Record<string, Point[]>;
  for (const [name, history] of chart.datasets) data[name] = history.values();
  return { id: chart.id, title: chart.title, spec: chart.spec, data };
}
