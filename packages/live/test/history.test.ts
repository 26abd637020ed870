// DatasetHistory: windowing, clearing, and the deltas that bring a page up to date.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DatasetHistory, type Delta, type Point } from "../src/history.js";

const pts = (from: number, to: number): Point[] =>
  Array.from({ length: to - from }, (_, i) => ({ i: from + i }));
const ids = (points: readonly Point[]) => points.map((p) => p.i);

/** What a page does with a delta (the same rule as static/dashboard.js). */
function applyDelta(page: Point[], d: Delta): Point[] {
  return [...page.slice(page.length - Math.min(d.keep, page.length)), ...d.insert];
}

test("push keeps every point without a window, in order", () => {
  const h = new DatasetHistory();
  h.push(pts(0, 3));
  h.push(pts(3, 5));
  assert.deepEqual(ids(h.values()), [0, 1, 2, 3, 4]);
  assert.equal(h.size, 5);
});

test("window keeps only the newest N points (Kino.VegaLite's window)", () => {
  const h = new DatasetHistory();
  for (let i = 0; i < 1000; i++) h.push([{ i }], 10);
  assert.deepEqual(ids(h.values()), [990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
  // A later push with a wider window does not bring dropped points back.
  h.push([{ i: 1000 }], 50);
  assert.deepEqual(ids(h.values()), [990, 991, 992, 993, 994, 995, 996, 997, 998, 999, 1000]);
  h.push(pts(1001, 1100), 5);
  assert.deepEqual(ids(h.values()), [1095, 1096, 1097, 1098, 1099]);
});

test("clear drops every point; pushing after clear starts afresh", () => {
  const h = new DatasetHistory();
  h.push(pts(0, 4));
  h.clear();
  assert.deepEqual(h.values(), []);
  h.push(pts(4, 6));
  assert.deepEqual(ids(h.values()), [4, 5]);
});

test("takeDelta: only new points travel; a window turns into 'keep the newest k'", () => {
  const h = new DatasetHistory();
  h.push(pts(0, 5));
  assert.deepEqual(h.takeDelta(), { keep: 0, insert: pts(0, 5) });
  assert.equal(h.changed, false);
  h.push(pts(5, 8), 6);
  // The page holds 0..4; 0..1 fall out of the window of 6.
  const d = h.takeDelta();
  assert.deepEqual(d, { keep: 3, insert: pts(5, 8) });
  // A batch bigger than the window sends only the points that are still live.
  h.push(pts(8, 1000), 4);
  assert.deepEqual(h.takeDelta(), { keep: 0, insert: pts(996, 1000) });
  h.clear();
  h.push(pts(1000, 1002));
  assert.deepEqual(h.takeDelta(), { keep: 0, insert: pts(1000, 1002) });
});

test("a page applying the deltas always holds exactly the history's points", () => {
  // Random pushes, windows, clears and flushes (a fixed-seed LCG, so the run is reproducible).
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const h = new DatasetHistory();
  let page: Point[] = [];
  let next = 0;
  for (let step = 0; step < 5000; step++) {
    const r = rand(10);
    if (r < 6) {
      const n = 1 + rand(20);
      const window = rand(3) === 0 ? undefined : 1 + rand(40);
      h.push(pts(next, next + n), window);
      next += n;
    } else if (r === 6) {
      h.clear();
    } else {
      page = applyDelta(page, h.takeDelta());
      assert.deepEqual(ids(page), ids(h.values()), `step ${step}`);
    }
  }
});
