/* global vega, vegaLite, document, window, location, EventSource, CustomEvent, URLSearchParams */
// The Dendrite live dashboard page. The server streams Server-Sent Events:
//   snapshot {charts}          every chart with all its points (on connect and reconnect)
//   chart    {id, spec, data}  a chart made after the page opened
//   update   [{chart, dataset, keep, insert}]  a batch: keep the newest `keep` points, append `insert`
// Each chart is a Vega view; batches are applied as Vega changesets (no re-render from scratch).
// Batches that arrive while a view is busy are merged, so a flood of points never queues up.
"use strict";
(function () {
  const only = new URLSearchParams(location.search).get("chart");
  const main = document.getElementById("charts");
  const empty = document.getElementById("empty");
  const status = document.getElementById("status");
  /** Charts shown, by id. */
  const views = new Map();
  /** Most points inserted by one changeset (Vega copies them with Function.apply). */
  const MAX_INSERT = 50000;

  /** The points of one dataset: those in the view, and the change not yet applied to it. */
  class DatasetState {
    constructor() {
      this.shown = []; // the tuples the view holds, oldest first
      this.drop = 0; // how many of the oldest shown tuples to remove
      this.pending = []; // points to insert
    }
    get size() {
      return this.shown.length - this.drop + this.pending.length;
    }
    get dirty() {
      return this.drop > 0 || this.pending.length > 0;
    }
    /** Keep the newest `keep` points, then append `insert`. */
    update(keep, insert) {
      let excess = this.size - Math.min(keep, this.size);
      const fromShown = Math.min(excess, this.shown.length - this.drop);
      this.drop += fromShown;
      excess -= fromShown;
      if (excess > 0) this.pending.splice(0, excess);
      for (const p of insert) this.pending.push(p);
    }
    /** The Vega changeset that applies the pending change (at most MAX_INSERT insertions). */
    takeChangeset() {
      const cs = vega.changeset();
      if (this.drop === this.shown.length && this.drop > 0) {
        cs.remove(vega.truthy);
        this.shown = [];
      } else if (this.drop > 0) {
        cs.remove(this.shown.splice(0, this.drop));
      }
      this.drop = 0;
      const inserted = this.pending.splice(0, MAX_INSERT);
      cs.insert(inserted);
      for (const p of inserted) this.shown.push(p);
      return cs;
    }
  }

  /** One chart's card and Vega view. */
  class LiveView {
    constructor(info) {
      this.id = info.id;
      this.specJson = JSON.stringify(info.spec);
      this.sets = new Map();
      this.view = null;
      this.busy = false;
      this.dead = false;
      this.card = document.createElement("section");
      this.card.className = "card";
      this.card.id = `chart-${info.id}`;
      this.card.dataset.chartId = info.id;
      const head = document.createElement("header");
      const title = document.createElement("h2");
      title.textContent = info.title;
      const link = document.createElement("a");
      link.href = `?chart=${encodeURIComponent(info.id)}`;
      link.textContent = "alone";
      link.title = "show this chart alone";
      this.counter = document.createElement("span");
      this.counter.className = "count";
      head.append(title, this.counter, link);
      this.body = document.createElement("div");
      this.body.className = "view";
      this.card.append(head, this.body);
      main.append(this.card);
      this.reset(info.data);
      void this.start(info.spec);
    }
    dataset(name) {
      let s = this.sets.get(name);
      if (s === undefined) this.sets.set(name, (s = new DatasetState()));
      return s;
    }
    async start(spec) {
      try {
        // Views open before their data arrives: without `resize`, the padding computed for the
        // empty axes stays, and wider tick labels push the axis titles out of the drawing.
        const sized =
          spec.autosize === undefined ? { ...spec, autosize: { type: "pad", resize: true } } : spec;
        const compiled = vegaLite.compile(sized).spec;
        this.view = new vega.View(vega.parse(compiled), {
          renderer: "svg",
          container: this.body,
          hover: true,
        });
        await this.view.runAsync();
      } catch (err) {
        this.fail(err);
        return;
      }
      this.schedule();
    }
    update(dataset, keep, insert) {
      this.dataset(dataset).update(keep, insert);
      this.schedule();
    }
    /** Replaces every dataset's points. */
    reset(data) {
      for (const s of this.sets.values()) s.update(0, []);
      for (const [name, points] of Object.entries(data)) this.dataset(name).update(0, points);
      this.schedule();
    }
    schedule() {
      if (this.view !== null && !this.busy && !this.dead) void this.run();
    }
    async run() {
      this.busy = true;
      try {
        for (;;) {
          const names = [];
          for (const [name, s] of this.sets) {
            if (!s.dirty) continue;
            this.view.change(name, s.takeChangeset());
            names.push(name);
          }
          if (names.length === 0 || this.dead) break;
          await this.view.runAsync();
          this.showCount();
          window.dispatchEvent(
            new CustomEvent("dendrite-live:applied", {
              detail: { chart: this.id, datasets: names },
            }),
          );
        }
      } catch (err) {
        this.fail(err);
      } finally {
        this.busy = false;
      }
    }
    showCount() {
      let n = 0;
      for (const s of this.sets.values()) n += s.shown.length;
      this.counter.textContent = `${n} point${n === 1 ? "" : "s"}`;
    }
    fail(err) {
      this.dead = true;
      const p = document.createElement("pre");
      p.className = "error";
      p.textContent = `This chart cannot be shown: ${err && err.message ? err.message : err}`;
      this.body.append(p);
    }
    destroy() {
      this.dead = true;
      if (this.view !== null) this.view.finalize();
      this.card.remove();
    }
  }

  function addChart(info) {
    if (only !== null && info.id !== only) return;
    const old = views.get(info.id);
    if (old !== undefined) old.destroy();
    views.set(info.id, new LiveView(info));
    empty.hidden = views.size > 0;
  }

  function applySnapshot(charts) {
    const ids = new Set(charts.map((c) => c.id));
    for (const [id, v] of views) {
      if (!ids.has(id)) {
        v.destroy();
        views.delete(id);
      }
    }
    for (const c of charts) {
      const v = views.get(c.id);
      if (v !== undefined && v.specJson === JSON.stringify(c.spec)) v.reset(c.data);
      else addChart(c);
      const shown = views.get(c.id);
      if (shown !== undefined) main.append(shown.card); // keep the program's order
    }
    empty.hidden = views.size > 0;
  }

  function applyUpdates(updates) {
    for (const u of updates) {
      const v = views.get(u.chart);
      if (v !== undefined) v.update(u.dataset, u.keep, u.insert);
    }
  }

  const events = new EventSource("/events");
  events.addEventListener("snapshot", (e) => applySnapshot(JSON.parse(e.data).charts));
  events.addEventListener("chart", (e) => addChart(JSON.parse(e.data)));
  events.addEventListener("update", (e) => applyUpdates(JSON.parse(e.data)));
  events.onopen = () => {
    status.textContent = "live";
    status.className = "status live";
  };
  events.onerror = () => {
    status.textContent = "program ended or unreachable: showing the last data, reconnecting…";
    status.className = "status offline";
  };

  /** For tests and benchmarks: the views, and counts of points in them. */
  window.dendriteLive = {
    views,
    /** The Vega view of a chart, or null. */
    view: (id) => (views.has(id) ? views.get(id).view : null),
    /** The number of points of a dataset in the chart's view (-1 if the view is not ready). */
    count(id, dataset = "values") {
      const v = views.get(id);
      if (v === undefined || v.view === null) return -1;
      try {
        return v.view.data(dataset).length;
      } catch {
        return -1;
      }
    },
  };
})();
