// Dendrite's thread settings for the benchmarks against PyTorch: its default, and one thread when
// the tensor package can be told (`nx.setThreads`, found at run time, so these benchmarks run
// before and after the threaded engine exists).
import os from "node:os";
import * as nx from "@dendrite/tensor";

/** One setting to measure Dendrite at. */
export interface ThreadSetting {
  /** Row label, e.g. "Dendrite (default: 2 threads)". */
  readonly label: string;
  /** Puts the setting in force (call before each timed run: settings interleave). */
  readonly apply: () => void;
}

type Threads = { setThreads?: (n: number) => void; getThreads?: () => number };

/** The settings to measure, the default first, and a function that restores the default. */
export function dendriteThreadSettings(): { settings: ThreadSetting[]; restore: () => void } {
  const api = nx as unknown as Threads;
  if (typeof api.setThreads !== "function")
    return {
      settings: [{ label: "Dendrite (1 thread: no nx.setThreads)", apply: () => {} }],
      restore: () => {},
    };
  const setThreads = api.setThreads.bind(nx);
  // The engine's documented default: DENDRITE_THREADS, else every core.
  const fromEnv = Number(process.env.DENDRITE_THREADS);
  const initial =
    typeof api.getThreads === "function"
      ? api.getThreads()
      : Number.isInteger(fromEnv) && fromEnv > 0
        ? fromEnv
        : os.availableParallelism();
  const settings: ThreadSetting[] = [
    {
      label: `Dendrite (default: ${initial} thread${initial === 1 ? "" : "s"})`,
      apply: () => setThreads(initial),
    },
  ];
  if (initial !== 1) settings.push({ label: "Dendrite (1 thread)", apply: () => setThreads(1) });
  return { settings, restore: () => setThreads(initial) };
}
