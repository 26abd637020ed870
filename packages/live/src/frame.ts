// Kino.Frame and Kino.Markdown: one notebook output whose content is replaced, and Markdown text
// shown as a cell's value.
import { randomUUID } from "node:crypto";
import { describeValue, JUPYTER_DISPLAY, type MimeBundle } from "@dendrite/plot";
import { denoBroadcast, senderFor, type NotebookTarget } from "./notebook.js";

/** What tslab (one MIME type per output) is sent from a frame's bundle, best first. */
const TSLAB_ORDER = ["image/svg+xml", "text/markdown", "text/html", "text/plain"];

/**
 * The MIME bundle of any value: its own `Symbol.for("Jupyter.display")` bundle (charts, model
 * tables, Markdown, DataFrames that have one), a string as text, anything else described.
 */
export async function bundleOf(value: unknown): Promise<MimeBundle> {
  const show = (value as Record<symbol, unknown> | null | undefined)?.[JUPYTER_DISPLAY];
  if (typeof show === "function") return (await show.call(value)) as MimeBundle;
  if (typeof value === "string") return { "text/plain": value };
  return { "text/plain": describeValue(value) };
}

/** Markdown text that a notebook renders when it is a cell's value (Kino.Markdown). */
export class Markdown {
  constructor(readonly text: string) {
    if (typeof text !== "string")
      throw new TypeError(`live.markdown: expected a string, got ${describeValue(text)}`);
  }

  /** The notebook's bundle: the Markdown, and the same text as plain text. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/markdown": this.text, "text/plain": this.text };
  }

  /** The Markdown source. */
  toString(): string {
    return this.text;
  }
}

/** Markdown shown as a cell's value (or rendered into a frame): `live.markdown("**done**")`. */
export function markdown(text: string): Markdown {
  return new Markdown(text);
}

/**
 * One notebook output whose content `render` replaces (Kino.Frame): a status line, the latest
 * chart, a table that changes. Renders are sent in order.
 */
export class Frame {
  /** The Jupyter `display_id` of the output. */
  readonly displayId = `dendrite-frame-${randomUUID()}`;
  private readonly send: (bundle: MimeBundle, update: boolean) => void;
  private shown = false;
  private last: Promise<void> = Promise.resolve();

  /** Use `live.frame()`. */
  constructor(target: NotebookTarget) {
    this.send = senderFor(target, this.displayId, TSLAB_ORDER, "live.frame");
  }

  /** Replaces the output's content with `value` (shown the way a cell shows its value). */
  render(value: unknown): Promise<void> {
    const bundle = bundleOf(value);
    this.last = this.last.then(async () => {
      const update = this.shown;
      this.shown = true;
      this.send(await bundle, update);
    });
    return this.last;
  }

  /** Empties the output. */
  clear(): Promise<void> {
    return this.render("");
  }
}

/**
 * A replaceable notebook output. In Deno's kernel the target defaults to `Deno.jupyter.broadcast`;
 * in tslab pass `tslab.newDisplay()`.
 *
 * @example
 * const status = live.frame();
 * await status.render(live.markdown(`epoch **${epoch}**, loss ${loss}`));
 */
export function frame(target?: NotebookTarget): Frame {
  const t = target ?? denoBroadcast();
  if (t === undefined)
    throw new Error(
      "live.frame: no Jupyter kernel found; in Deno's kernel call frame() with no argument, in tslab pass tslab.newDisplay()",
    );
  return new Frame(t);
}
