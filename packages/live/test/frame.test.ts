// live.frame (Kino.Frame: one output whose content is replaced) and live.markdown (Kino.Markdown),
// checked on the IOPub messages they produce (no kernel needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as live from "@dendrite/live";
import * as plot from "@dendrite/plot";

const DISPLAY = Symbol.for("Jupyter.display");

function recorder() {
  const messages: { msgType: string; content: live.DisplayContent }[] = [];
  const broadcast: live.Broadcast = (msgType, content) => void messages.push({ msgType, content });
  return { messages, broadcast };
}

test("markdown is shown as Markdown when it is a cell's value", () => {
  const md = live.markdown("# Iris\n**150** rows");
  const bundle = (md as unknown as Record<symbol, () => live.MimeBundle>)[DISPLAY]!.call(md);
  assert.deepEqual(bundle, {
    "text/markdown": "# Iris\n**150** rows",
    "text/plain": "# Iris\n**150** rows",
  });
  assert.equal(`${md}`, "# Iris\n**150** rows");
  assert.throws(() => live.markdown(3 as never), /live.markdown: expected a string, got number 3/);
});

test("a frame shows one output and replaces its content, in order", async () => {
  const { messages, broadcast } = recorder();
  const f = live.frame(broadcast);
  const chart = plot
    .vl()
    .mark("point")
    .dataFromValues([{ a: 1, b: 2 }])
    .encodeField("x", "a")
    .encodeField("y", "b");
  await Promise.all([f.render(live.markdown("epoch **1**")), f.render(chart), f.render("done")]);
  assert.deepEqual(
    messages.map((m) => [m.msgType, m.content.transient.display_id]),
    [
      ["display_data", f.displayId],
      ["update_display_data", f.displayId],
      ["update_display_data", f.displayId],
    ],
  );
  assert.equal(messages[0]!.content.data["text/markdown"], "epoch **1**");
  assert.match(messages[1]!.content.data["image/svg+xml"] as string, /^<svg/);
  assert.ok(messages[1]!.content.data[live.VEGALITE_MIME]);
  assert.deepEqual(messages[2]!.content.data, { "text/plain": "done" });
  await f.clear();
  assert.deepEqual(messages.at(-1)!.content.data, { "text/plain": "" });
});

test("tslab gets the best single MIME type of each render", async () => {
  const calls: [string, unknown][] = [];
  const f = live.frame({ raw: (type: string, data: unknown) => void calls.push([type, data]) });
  await f.render(live.markdown("*hi*"));
  await f.render({ some: "object" });
  assert.deepEqual(calls, [
    ["text/markdown", "*hi*"],
    ["text/plain", "an object with keys some"],
  ]);
  assert.throws(() => live.frame(), /live.frame: no Jupyter kernel found/);
  assert.throws(() => live.frame({} as never), /live.frame: expected Deno.jupyter.broadcast/);
});
