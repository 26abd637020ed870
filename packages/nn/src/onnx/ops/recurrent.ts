/**
 * ONNX's recurrent ops — RNN, GRU, LSTM — unrolled over the sequence with tensor ops: forward,
 * reverse and bidirectional, both layouts, initial states, LSTM peepholes, GRU's
 * `linear_before_reset`. Gates are ONNX's (LSTM i, o, f, c; GRU z, r, h).
 */
import * as nx from "@dendrite/tensor";
import { defineOp, type OpContext } from "../context.js";

type Activation = (x: nx.Tensor) => nx.Tensor;

const ACTIVATIONS: ReadonlyMap<string, Activation> = new Map<string, Activation>([
  ["Sigmoid", nx.sigmoid],
  ["Tanh", nx.tanh],
  ["Relu", (x) => nx.maximum(x, 0)],
]);

/** The `activations` attribute (per direction), defaulting to the op's own. */
function activationsOf(
  ctx: OpContext,
  defaults: readonly string[],
  directions: number,
): Activation[][] {
  const names = ctx.strings("activations") ?? [];
  const list = names.length > 0 ? names : Array(directions).fill(defaults).flat();
  if (list.length !== defaults.length * directions)
    throw ctx.error(`activations needs ${defaults.length * directions} names, got ${list.length}`);
  const fns = list.map((name) => {
    const f = ACTIVATIONS.get(name);
    if (f === undefined)
      throw ctx.error(`activation ${name} is not supported (Sigmoid, Tanh, Relu)`);
    return f;
  });
  return Array.from({ length: directions }, (_, d) =>
    fns.slice(d * defaults.length, (d + 1) * defaults.length),
  );
}

/** Gate `k` (of `size`) along the last axis. */
const gate = (t: nx.Tensor, k: number, size: number) =>
  nx.sliceAlong(t, k * size, size, { axis: -1 });

/** Row `d` of a per-direction tensor `[directions, ...]`. */
const dir = (t: nx.Tensor, d: number) =>
  nx.reshape(nx.sliceAlong(t, d, 1, { axis: 0 }), t.shape.slice(1));

/**
 * One recurrent op: `cell(x·Wᵀ + Wb at step t, state, direction)` → new state (its first entry is
 * the hidden state). States start at the given initial values or zeros.
 */
function recurrent(
  op: string,
  gates: number,
  defaults: readonly string[],
  states: number,
  cell: (ctx: OpContext, xw: nx.Tensor, state: nx.Tensor[], p: CellParams) => nx.Tensor[],
) {
  defineOp(op, (ctx) => {
    const hidden = ctx.int("hidden_size");
    const direction = ctx.string("direction", "forward")!;
    if (!["forward", "reverse", "bidirectional"].includes(direction))
      throw ctx.error(`direction must be forward, reverse or bidirectional, got ${direction}`);
    const directions = direction === "bidirectional" ? 2 : 1;
    const layout = ctx.int("layout", 0);
    if (ctx.hasAttr("clip")) throw ctx.error("clip is not supported");
    if (ctx.int("input_forget", 0) !== 0) throw ctx.error("input_forget is not supported");
    if (ctx.has(4))
      throw ctx.error("sequence_lens is not supported (every sequence has the full length)");
    const acts = activationsOf(ctx, defaults, directions);
    return (inputs) => {
      const [x0, w, r, b] = inputs;
      const x = layout === 1 ? nx.transpose(x0!, [1, 0, 2]) : x0!; // [seq, batch, in]
      const [seq, batch] = x.shape as [number, number];
      const h = hidden ?? r!.shape.at(-1)!;
      const ys: nx.Tensor[] = [];
      const finals: nx.Tensor[][] = [];
      for (let d = 0; d < directions; d++) {
        const bias = b === undefined ? nx.zeros([2 * gates * h], { dtype: x.dtype }) : dir(b, d);
        const p: CellParams = {
          hidden: h,
          r: dir(r!, d),
          wb: nx.sliceAlong(bias, 0, gates * h),
          rb: nx.sliceAlong(bias, gates * h, gates * h),
          peepholes: op === "LSTM" && inputs[7] !== undefined ? dir(inputs[7], d) : undefined,
          acts: acts[d]!,
        };
        const xw = nx.dot(x, nx.matrixTranspose(dir(w!, d))); // [seq, batch, gates·h]
        let state = Array.from({ length: states }, (_, s) => {
          const init = inputs[5 + s];
          return init === undefined
            ? nx.zeros([batch, h], { dtype: x.dtype })
            : dir(layout === 1 ? nx.transpose(init, [1, 0, 2]) : init, d);
        });
        const out: nx.Tensor[] = new Array(seq);
        for (let k = 0; k < seq; k++) {
          const t = d === 1 || direction === "reverse" ? seq - 1 - k : k;
          state = cell(ctx, nx.reshape(nx.sliceAlong(xw, t, 1), [batch, gates * h]), state, p);
          out[t] = state[0]!;
        }
        ys.push(seq === 0 ? nx.zeros([0, batch, h], { dtype: x.dtype }) : nx.stack(out));
        finals.push(state);
      }
      const y = nx.stack(ys, { axis: 1 }); // [seq, dirs, batch, h]
      const last = (s: number) => nx.stack(finals.map((f) => f[s]!)); // [dirs, batch, h]
      const outputs = [y, ...Array.from({ length: states }, (_, s) => last(s))];
      if (layout === 0) return outputs;
      return [
        nx.transpose(y, [2, 0, 1, 3]),
        ...outputs.slice(1).map((o) => nx.transpose(o, [1, 0, 2])),
      ];
    };
  });
}

interface CellParams {
  readonly hidden: number;
  /** `R` of this direction: `[gates·hidden, hidden]`. */
  readonly r: nx.Tensor;
  readonly wb: nx.Tensor;
  readonly rb: nx.Tensor;
  readonly peepholes: nx.Tensor | undefined;
  readonly acts: Activation[];
}

recurrent("RNN", 1, ["Tanh"], 1, (_ctx, xw, [h], p) => {
  const z = nx.add(nx.add(xw, p.wb), nx.add(nx.dot(h!, nx.matrixTranspose(p.r)), p.rb));
  return [p.acts[0]!(z)];
});

recurrent("GRU", 3, ["Sigmoid", "Tanh"], 1, (ctx, xw, [h], p) => {
  const n = p.hidden;
  const [f, g] = p.acts as [Activation, Activation];
  const x = nx.add(xw, p.wb);
  const rT = nx.matrixTranspose(p.r);
  const hr = nx.add(
    nx.dot(h!, nx.sliceAlong(rT, 0, 2 * n, { axis: 1 })),
    nx.sliceAlong(p.rb, 0, 2 * n),
  );
  const z = f(nx.add(gate(x, 0, n), gate(hr, 0, n)));
  const reset = f(nx.add(gate(x, 1, n), gate(hr, 1, n)));
  const rh = nx.sliceAlong(rT, 2 * n, n, { axis: 1 });
  const rbh = nx.sliceAlong(p.rb, 2 * n, n);
  const candidate =
    ctx.int("linear_before_reset", 0) !== 0
      ? nx.multiply(reset, nx.add(nx.dot(h!, rh), rbh))
      : nx.add(nx.dot(nx.multiply(reset, h!), rh), rbh);
  const hNew = g(nx.add(gate(x, 2, n), candidate));
  return [nx.add(nx.multiply(nx.subtract(1, z), hNew), nx.multiply(z, h!))];
});

recurrent("LSTM", 4, ["Sigmoid", "Tanh", "Tanh"], 2, (_ctx, xw, [h, c], p) => {
  const n = p.hidden;
  const [f, g, hAct] = p.acts as [Activation, Activation, Activation];
  const z = nx.add(nx.add(xw, p.wb), nx.add(nx.dot(h!, nx.matrixTranspose(p.r)), p.rb));
  const peep = (k: number, state: nx.Tensor) =>
    p.peepholes === undefined ? 0 : nx.multiply(nx.sliceAlong(p.peepholes, k * n, n), state);
  const i = f(nx.add(gate(z, 0, n), peep(0, c!)));
  const forget = f(nx.add(gate(z, 2, n), peep(2, c!)));
  const cNew = nx.add(nx.multiply(forget, c!), nx.multiply(i, g(gate(z, 3, n))));
  const o = f(nx.add(gate(z, 1, n), peep(1, cNew)));
  return [nx.multiply(o, hAct(cNew)), cNew];
});
