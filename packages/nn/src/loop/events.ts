/**
 * The loop's events (Axon's six), what a handler may return, and event filters.
 */
import * as nx from "@dendrite/tensor";

/** The events a loop fires, in Axon's order. */
export const EVENTS = [
  "started",
  "epochStarted",
  "iterationStarted",
  "iterationCompleted",
  "epochCompleted",
  "epochHalted",
] as const;

/** One of the loop's events. */
export type LoopEvent = (typeof EVENTS)[number];

/** What a handler returns: go on, stop the current epoch, or stop the whole loop. */
export type HandlerStatus = "continue" | "haltEpoch" | "haltLoop";

/** A handler's return value: a status, nothing (= "continue"), or a promise of either. */
export type HandlerReturn =
  HandlerStatus | void | undefined | Promise<HandlerStatus | void | undefined>;

/**
 * When a handler runs. `n` below counts the earlier firings of the event (0 the first time),
 * over the whole run (`per: "total"`, the default, as Axon) or since the current epoch started
 * (`per: "epoch"`). Several conditions in one object must all hold.
 * - `"always"`: every time; `"first"`: n = 0.
 * - `{ every: k }`: n divisible by k (n = 0, k, 2k, …); `{ once: k }`: n = k;
 *   `{ before: k }`: n < k; `{ after: k }`: n > k.
 * - a function of the loop state returning true to run.
 */
export type EventFilter<S> =
  | "always"
  | "first"
  | {
      every?: number;
      once?: number;
      before?: number;
      after?: number;
      per?: "total" | "epoch";
    }
  | ((state: S) => boolean);

/** A compiled filter: takes the total and per-epoch counts of earlier firings and the state. */
export type FilterFn<S> = (total: number, inEpoch: number, state: S) => boolean;

const SNAKE: Record<string, LoopEvent> = {
  epoch_started: "epochStarted",
  iteration_started: "iterationStarted",
  iteration_completed: "iterationCompleted",
  epoch_completed: "epochCompleted",
  epoch_halted: "epochHalted",
};

/** The events named by `event` (a name, Axon's snake_case name, a list, or "all"). */
export function resolveEvents(event: string | readonly string[], where: string): LoopEvent[] {
  if (event === "all") return [...EVENTS];
  const names = typeof event === "string" ? [event] : event;
  if (!Array.isArray(names) || names.length === 0)
    throw new TypeError(`${where}: expected an event name, a list of them or "all"`);
  return names.map((name) => {
    const e = (EVENTS as readonly string[]).includes(name) ? (name as LoopEvent) : SNAKE[name];
    if (!e)
      throw new RangeError(
        `${where}: unknown event ${JSON.stringify(name)}; the events are ${EVENTS.join(", ")} (or "all")`,
      );
    return e;
  });
}

const FILTER_KEYS = ["every", "once", "before", "after", "per"];

/** Checks `filter` and turns it into a function of the firing counts. */
export function compileFilter<S>(filter: EventFilter<S> | undefined, where: string): FilterFn<S> {
  if (filter === undefined || filter === "always") return () => true;
  if (filter === "first") return (total) => total === 0;
  if (typeof filter === "function") {
    return (_t, _e, state) => {
      const r = filter(state);
      if (typeof r !== "boolean")
        throw new TypeError(
          `${where}: a filter function must return true or false, got ${nx.show(r)}`,
        );
      return r;
    };
  }
  if (typeof filter !== "object" || filter === null)
    throw new TypeError(
      `${where}: a filter is "always", "first", { every, once, before, after, per } or a function, got ${nx.show(filter)}`,
    );
  for (const k of Object.keys(filter))
    if (!FILTER_KEYS.includes(k))
      throw new RangeError(
        `${where}: unknown filter option ${JSON.stringify(k)}; use ${FILTER_KEYS.join(", ")}`,
      );
  const { every, once, before, after, per = "total" } = filter;
  if (per !== "total" && per !== "epoch")
    throw new RangeError(
      `${where}: filter option per must be "total" or "epoch", got ${nx.show(per)}`,
    );
  const count = (name: string, v: number | undefined, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min))
      throw new RangeError(
        `${where}: filter option ${name} must be an integer ≥ ${min}, got ${nx.show(v)}`,
      );
  };
  count("every", every, 1);
  count("once", once, 0);
  count("before", before, 0);
  count("after", after, 0);
  const byEpoch = per === "epoch";
  return (total, inEpoch) => {
    const n = byEpoch ? inEpoch : total;
    return (
      (every === undefined || n % every === 0) &&
      (once === undefined || n === once) &&
      (before === undefined || n < before) &&
      (after === undefined || n > after)
    );
  };
}

/** Checks a handler's return value. */
export function checkStatus(value: unknown, event: LoopEvent, index: number): HandlerStatus {
  if (value === undefined || value === "continue") return "continue";
  if (value === "haltEpoch" || value === "haltLoop") return value;
  throw new TypeError(
    `handler #${index} on ${event} returned ${nx.show(value)}; a handler must return "continue" (or nothing), "haltEpoch" or "haltLoop"`,
  );
}
