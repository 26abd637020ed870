// Types come from Vega-Lite: a wrong mark, channel or option does not compile (each
// `@ts-expect-error` below fails `tsc -p tsconfig.check.json` if the line were accepted), and the
// same call made anyway from JavaScript throws with a hint.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as plot from "@dendrite/plot";

const c = plot.vl().dataFromValues([{ a: 1, b: "x" }]);

test("a wrong mark, channel or option is a compile-time error and a runtime error", () => {
  // @ts-expect-error "piont" is not a mark
  assert.throws(() => c.mark("piont"), /did you mean "point"/);
  // @ts-expect-error "szie" is not an option of point marks
  assert.throws(() => c.mark("point", { szie: 10 }), /did you mean "size"/);
  // @ts-expect-error size is a number, not a string (option values are checked by the types only)
  assert.doesNotThrow(() => c.mark("point", { size: "120" }));
  // @ts-expect-error "colour" is not a channel
  assert.throws(() => c.encodeField("colour", "b"), /did you mean "color"/);
  const misspelt = () =>
    // @ts-expect-error "quantitive" is not a type
    c.encodeField("x", "a", { type: "quantitive" });
  assert.throws(misspelt, /did you mean "quantitative"/);
  // @ts-expect-error "zro" is not a scale property (nested options are checked by the types only)
  assert.doesNotThrow(() => c.encodeField("x", "a", { scale: { zro: false } }));
  // @ts-expect-error "tpye" is not a field definition option
  assert.throws(() => c.encodeField("x", "a", { tpye: "quantitative" }), /did you mean "type"/);
  // @ts-expect-error a repeat refers to "row", "column", "repeat" or "layer"
  assert.throws(() => c.encodeRepeat("x", "col"), /did you mean "row"/);
  // @ts-expect-error "widht" is not a top-level property
  assert.throws(() => plot.vl({ widht: 3 }), /did you mean "width"/);
  // @ts-expect-error boxplot options: extent is a number or "min-max"
  assert.doesNotThrow(() => c.mark("boxplot", { extent: "max" }));
  // @ts-expect-error interpolate takes Vega's interpolation names
  assert.doesNotThrow(() => plot.lineplot([{ a: 1, c: 2 }], "a", "c", { interpolate: "curvy" }));
  // @ts-expect-error theme names are checked
  assert.throws(() => plot.setTheme(c, "drak"), /did you mean "dark"/);
  // @ts-expect-error concat directions are checked
  assert.throws(() => c.concat([], "diagonal"), /direction/);
});

test("correct calls type-check with Vega-Lite's option types", () => {
  const ok = c
    .mark("line", { interpolate: "natural", color: "red", point: { filled: true } })
    .encodeField("x", "a", {
      type: "quantitative",
      scale: { zero: false },
      axis: { title: "A", grid: false },
    })
    .encodeField("color", "b", { type: "nominal", legend: { orient: "bottom" } })
    .encode("tooltip", [{ field: "a" }, { field: "b" }])
    .encode("opacity", { value: 0.5 });
  assert.equal(typeof ok.toSpec(), "object");
});
