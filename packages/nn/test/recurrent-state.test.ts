/**
 * LSTM and GRU that return their final states and start from given ones: PyTorch's values, one
 * node computing the recurrence (read through part layers), gradients through the states,
 * training, save → load, display, the method forms' types, errors, and a small seq2seq model.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { assertClose, checkModelGradients, rand } from "./helpers.js";

/** `0.6·sin(seed + 0.7·k)` over the flat index k: the same values in the Python reference. */
function wave(shape: number[], seed: number): nx.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, k) => Math.sin(seed + 0.7 * k) * 0.6);
  return nx.reshape(nx.tensor(values, { dtype: "f64" }), shape);
}

// PyTorch 1.13.1 (/usr/bin/python3), batch 2, time 3, features 2, units 3, f64; with f = wave:
//   lstm = torch.nn.LSTM(2, 3, batch_first=True); weight_ih_l0 = f([2, 12], 2).T,
//   weight_hh_l0 = f([3, 12], 3).T, bias_ih_l0 = f([12], 4), bias_hh_l0 = 0
//   y, (h, c) = lstm(f([2, 3, 2], 1), (f([2, 3], 5)[None], f([2, 3], 6)[None]))
//   gru = torch.nn.GRU(2, 3, batch_first=True); weight_ih_l0 = f([2, 9], 2).T,
//   weight_hh_l0 = f([3, 9], 3).T, bias_ih_l0 = f([9], 4), bias_hh_l0 = f([9], 7)
//   gy, gh = gru(f([2, 3, 2], 1), f([2, 3], 5)[None])
const TORCH = {
  lstm: {
    y: [
      [
        [0.0543772571806413, 0.0956988490513007, 0.12603077767841],
        [0.114944060264383, 0.106078373548635, 0.0910964461844471],
        [0.100505322308634, 0.074562135812587, 0.0231554740347847],
      ],
      [
        [0.145301058438088, 0.0790793095765915, -0.0931917736039698],
        [0.140914675484488, 0.0738854850039529, -0.0540195770281531],
        [0.171246692133057, 0.0998546218018313, -0.0184117495999603],
      ],
    ],
    h: [
      [0.100505322308634, 0.074562135812587, 0.0231554740347847],
      [0.171246692133057, 0.0998546218018313, -0.0184117495999603],
    ],
    c: [
      [0.251042623674744, 0.182608789917582, 0.050632669941981],
      [0.454537619303418, 0.330931355495083, -0.0598358289229525],
    ],
  },
  gru: {
    y: [
      [
        [-0.333490978632029, -0.0568075314294949, 0.227877974014746],
        [-0.0699345248646105, 0.0777172523122422, 0.167734082956748],
        [0.112467157012424, -0.00183375397581406, -0.107600524904888],
      ],
      [
        [0.52073191879185, 0.417274717837711, 0.193384098271021],
        [0.483906073940598, 0.533749548855687, 0.322293979416978],
        [0.499921855413719, 0.642307514604916, 0.458997125224298],
      ],
    ],
    h: [
      [0.112467157012424, -0.00183375397581406, -0.107600524904888],
      [0.499921855413719, 0.642307514604916, 0.458997125224298],
    ],
  },
};

const INPUTS = { x: wave([2, 3, 2], 1), h0: wave([2, 3], 5), c0: wave([2, 3], 6) };
const LSTM_PARAMS = {
  input_kernel: wave([2, 12], 2),
  hidden_kernel: wave([3, 12], 3),
  bias: wave([12], 4),
};
const GRU_PARAMS = {
  input_kernel: wave([2, 9], 2),
  hidden_kernel: wave([3, 9], 3),
  input_bias: wave([9], 4),
  hidden_bias: wave([9], 7),
};

const sequence = () => nn.input("x", [null, 3, 2]);
const hidden0 = () => nn.input("h0", [null, 3]);
const cell0 = () => nn.input("c0", [null, 3]);

test("lstm: returnState gives h_n and c_n from a given (h0, c0) as PyTorch computes them", () => {
  const s = sequence().lstm(3, {
    name: "rnn",
    returnState: true,
    initialState: { hidden: hidden0(), cell: cell0() },
  });
  const model = nn.container({ y: s.output, h: s.hidden, c: s.cell });
  const state = new nn.ModelState({ rnn: LSTM_PARAMS });
  const got = nn.predict(model, state, INPUTS);
  assertClose(got.y.toArray(), TORCH.lstm.y, 1e-12);
  assertClose(got.h.toArray(), TORCH.lstm.h, 1e-12);
  assertClose(got.c.toArray(), TORCH.lstm.c, 1e-12);
  // One node computes the recurrence; the three outputs are parts of it.
  assert.deepEqual(
    model.nodes().map((n) => n.def.op),
    ["input", "input", "input", "lstm", "part", "part", "part"],
  );
  // Without returnState the same initial state gives the same sequence; the last step only too.
  const plain = sequence().lstm(3, {
    name: "rnn",
    initialState: { hidden: hidden0(), cell: cell0() },
  });
  assertClose(nn.predict(plain, state, INPUTS).toArray(), TORCH.lstm.y, 1e-12);
  const last = sequence().lstm(3, {
    name: "rnn",
    returnSequences: false,
    returnState: true,
    initialState: { hidden: hidden0(), cell: cell0() },
  });
  const lastModel = nn.container([last.output, last.hidden, last.cell]);
  const [o, h, c] = nn.predict(lastModel, state, INPUTS);
  assertClose(o.toArray(), TORCH.lstm.h, 1e-12);
  assertClose(h.toArray(), TORCH.lstm.h, 1e-12);
  assertClose(c.toArray(), TORCH.lstm.c, 1e-12);
});

test("gru: returnState gives h_n from a given h0 as PyTorch computes it", () => {
  const g = sequence().gru(3, {
    name: "rnn",
    returnState: true,
    initialState: { hidden: hidden0() },
  });
  const model = nn.container({ y: g.output, h: g.hidden });
  const state = new nn.ModelState({ rnn: GRU_PARAMS });
  const got = nn.predict(model, state, { x: INPUTS.x, h0: INPUTS.h0 });
  assertClose(got.y.toArray(), TORCH.gru.y, 1e-12);
  assertClose(got.h.toArray(), TORCH.gru.h, 1e-12);
  // The function form and the method form build the same graph.
  const f = nn.gru(sequence(), 3, {
    name: "rnn",
    returnState: true,
    initialState: { hidden: hidden0() },
  });
  assert.deepEqual(
    nn.modelToJson(nn.container({ y: f.output, h: f.hidden })),
    nn.modelToJson(model),
  );
});

test("zero initial state: the final states equal the last step of the sequence (and zeros at time 0)", () => {
  const s = sequence().lstm(4, { returnState: true });
  const model = nn.container({ y: s.output, h: s.hidden, c: s.cell });
  const state = nn.build(model, { seed: 2 }).init(nx.template([1, 3, 2]));
  const x = rand(3, [2, 3, 2]);
  const got = nn.predict(model, state, x);
  assert.deepEqual(
    got.h.toArray(),
    nx.sliceAlong(got.y, 2, 1, { axis: 1 }).reshape([2, 4]).toArray(),
  );
  const unnamed = nn.predict(sequence().lstm(4), state, x);
  assert.deepEqual(unnamed.toArray(), got.y.toArray());
  // An empty sequence leaves the initial state as it is.
  const empty = nn.input("x", [null, 0, 2]).gru(2, {
    returnState: true,
    initialState: { hidden: nn.input("h0", [null, 2]) },
  });
  const e = nn.container({ y: empty.output, h: empty.hidden });
  const es = nn.build(e).init({ x: nx.template([1, 0, 2]), h0: nx.template([1, 2]) });
  const h0 = nx.tensor([[0.5, -1]]);
  const r = nn.predict(e, es, { x: nx.zeros([1, 0, 2]), h0 });
  assert.deepEqual(r.y.shape, [1, 0, 2]);
  assert.deepEqual(r.h.toArray(), h0.toArray());
});

test("gradients flow through the state outputs and into the initial states (f64 finite differences)", () => {
  checkModelGradients(
    nn.input("x", [null, 3, 2]).lstm(2, { returnState: true }).cell,
    rand(4, [2, 3, 2]),
  );
  checkModelGradients(
    nn.input("x", [null, 3, 2]).gru(2, { returnState: true, returnSequences: false }).hidden,
    rand(5, [2, 3, 2]),
  );
  // Initial states computed from the input itself: the gradient reaches the layers making them.
  const x = nn.input("x", [null, 3, 2]);
  const summary = x.flatten();
  const out = x.lstm(2, {
    returnState: true,
    initialState: { hidden: summary.dense(2).tanh(), cell: summary.dense(2) },
  });
  checkModelGradients(nn.add([out.hidden, out.cell]), rand(6, [2, 3, 2]));
  checkModelGradients(x.gru(3, { initialState: { hidden: summary.dense(3) } }), rand(7, [2, 3, 2]));
});

/** Adam on `loss(parameters)`; returns the losses of the first and last steps. */
function descend(
  parameters: nn.ParameterTree,
  loss: (p: nn.ParameterTree) => nx.Tensor,
  steps: number,
  learningRate: number,
): { first: number; last: number } {
  const optimizer = nn.optimizers.adam({ learningRate });
  const step = nx.valueAndGrad(loss);
  let p = parameters;
  let opt = optimizer.init(p);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const [value, grads] = step(p);
    losses.push(value.toNumber());
    const { updates, state } = optimizer.update(grads, opt, p);
    p = nn.optimizers.applyUpdates(p, updates);
    opt = state;
  }
  return { first: losses[0]!, last: losses.at(-1)! };
}

test("a loss on the hidden state trains the layer (it decreases)", () => {
  const model = nn.input("x", [null, 4, 2]).lstm(6, { returnState: true }).hidden.dense(1);
  const built = nn.build(model, { seed: 1 });
  const x = rand(8, [16, 4, 2]);
  // Target: the sum of the first feature over time, which the state must carry to the end.
  const y = nx.sum(nx.sliceAlong(x, 0, 1, { axis: 2 }), { axes: [1] });
  const state = built.init(x);
  const loss = (p: nn.ParameterTree) =>
    nn.losses.meanSquaredError(y, built.forward(p, state.state, x).prediction);
  const r = descend(state.parameters, loss, 40, 0.03);
  assert.ok(r.last < 0.5 * r.first, `loss ${r.first} → ${r.last}`);
});

test("seq2seq: an encoder's final state initialises a decoder, and the pair trains", () => {
  // The decoder sees only zeros: what it outputs must come from the encoder's state. Target: the
  // source's first feature, step by step.
  const source = nn.input("source", [null, 4, 2]);
  const target = nn.input("target", [null, 4, 1]);
  const encoder = source.lstm(8, { name: "encoder", returnSequences: false, returnState: true });
  const decoded = target
    .lstm(8, {
      name: "decoder",
      initialState: { hidden: encoder.hidden, cell: encoder.cell },
    })
    .dense(1, { name: "head" });
  const built = nn.build(decoded, { seed: 4 });
  const src = rand(11, [24, 4, 2]);
  const inputs = { source: src, target: nx.zeros([24, 4, 1]) };
  const y = nx.sliceAlong(src, 0, 1, { axis: 2 });
  const state = built.init(inputs);
  const loss = (p: nn.ParameterTree) =>
    nn.losses.meanSquaredError(y, built.forward(p, state.state, inputs).prediction);
  const grads = nx.grad(loss)(state.parameters) as nn.ParameterTree;
  assert.ok(
    nx.reduceMax(nx.abs(grads.encoder!.input_kernel!)).toNumber() > 0,
    "the encoder gets a gradient through the decoder's initial state",
  );
  const r = descend(state.parameters, loss, 60, 0.03);
  assert.ok(r.last < 0.5 * r.first, `loss ${r.first} → ${r.last}`);
  // Better than any prediction made without the source (the best constant: y's mean).
  const blind = nn.losses.meanSquaredError(y, nx.add(nx.zerosLike(y), nx.mean(y))).toNumber();
  assert.ok(r.last < 0.6 * blind, `loss ${r.last}, predicting the mean: ${blind}`);
});

test("save → load: the tuple node and its parts come back, predicting the same bits", () => {
  const enc = sequence().lstm(3, { name: "enc", returnState: true });
  const dec = nn.input("y", [null, 2, 1]).gru(3, {
    returnState: true,
    initialState: { hidden: enc.hidden },
  });
  const model = nn.container({ seq: enc.output, cell: enc.cell, out: dec.output, h: dec.hidden });
  const inputs = { x: rand(1, [2, 3, 2]), y: rand(2, [2, 2, 1]) };
  const state = nn.build(model, { seed: 5 }).init(inputs);
  const want = nn.predict(model, state, inputs);
  const loaded = nn.decodeModel(nn.encodeModel(model, state));
  const got = nn.predict(loaded.model, loaded.state, inputs) as unknown as typeof want;
  for (const k of ["seq", "cell", "out", "h"] as const)
    assert.deepEqual([...got[k].data()], [...want[k].data()], k);
  const json = nn.modelToJson(model);
  assert.deepEqual(nn.modelToJson(loaded.model), json);
  const parts = json.nodes.filter((n) => n.op === "part");
  assert.deepEqual(
    parts.map((n) => [n.name, n.config.index]),
    [
      ["enc_output", 0],
      ["enc_hidden", 1],
      ["enc_cell", 2],
      [null, 0],
      [null, 1],
    ],
  );
  assert.equal(json.nodes.find((n) => n.op === "gru")!.parents.length, 2);
});

test("display: the tuple node shows all its output shapes, its parts one each", () => {
  const s = sequence().lstm(4, { name: "enc", returnSequences: false, returnState: true });
  const model = nn.container({ h: s.hidden, c: s.cell });
  const table = String(nn.display.asTable(model, nx.template([2, 3, 2])));
  const row = (name: string) => table.split("\n").find((l) => l.startsWith(`| ${name} (`))!;
  assert.match(
    row("enc"),
    /^\| enc \( lstm\["x"\] \) +\| \[\{2, 3, 2\}\] +\| \{\{2, 4\}, \{2, 4\}, \{2, 4\}\} +\| units: 4 /,
  );
  assert.match(
    row("enc_hidden"),
    /\| enc_hidden \( part\["enc"\] \) +\| \[\{2, 4\}, \{2, 4\}, \{2, 4\}\] +\| \{2, 4\} +\| index: 1 /,
  );
  assert.match(row("enc_cell"), /index: 2/);
  assert.ok(!table.includes("enc_output"), "a part nobody uses is not in the graph");
  assert.match(table, /Total Parameters: 112/);
  const graph = nn.display.asGraph(model, nx.template([2, 3, 2]));
  assert.match(graph, /\["enc \(:lstm\) \{\{2, 4\}, \{2, 4\}, \{2, 4\}\}"\]/);
  assert.match(graph, /\["enc_cell \(:part\) \{2, 4\}"\]/);
  // Shapes are known at construction, the tuple node's as one per output.
  assert.deepEqual(s.hidden.node.shape, [null, 4]);
  assert.equal(s.hidden.node.parents[0]!.shape, undefined);
  assert.deepEqual(s.hidden.node.parents[0]!.outputShapes, [
    [null, 4],
    [null, 4],
    [null, 4],
  ]);
});

test("the method forms are typed by returnState", () => {
  const x = sequence();
  // Each line type-checks only with the overloads (tsc checks the tests).
  const head: nn.Model = x.lstm(8, { returnState: true }).hidden.dense(1);
  const cell: nn.Model = x.lstm(8, { returnState: true }).cell;
  const gh: nn.Model = x.gru(8, { returnState: true }).hidden.relu();
  const plain: nn.Model = x.lstm(8).dense(1);
  const off: nn.Model = x.gru(8, { returnState: false });
  // @ts-expect-error a model without returnState has no hidden state to read
  assert.throws(() => x.lstm(8).hidden.dense(1), TypeError);
  // @ts-expect-error a GRU has no cell state
  assert.equal(x.gru(8, { returnState: true }).cell, undefined);
  for (const m of [head, cell, gh, plain, off]) assert.ok(m instanceof nn.Model);
});

test("errors name the layer, the option and the shapes", () => {
  const x = sequence();
  const cases: [() => unknown, RegExp][] = [
    [
      () => x.lstm(3, { initialState: { hidden: hidden0() } as never }),
      /^TypeError: lstm: initialState needs \{ hidden, cell \}; cell is missing$/,
    ],
    [
      () => x.gru(3, { initialState: { hidden: hidden0(), cell: cell0() } as never }),
      /^TypeError: gru: initialState has an unknown entry "cell"; it takes \{ hidden \}$/,
    ],
    [
      () => x.lstm(3, { initialState: [hidden0(), cell0()] as never }),
      /^TypeError: lstm: initialState must be \{ hidden, cell \} \(models of shape \[batch, units\]\), got /,
    ],
    [
      () => x.gru(3, { initialState: { hidden: nx.zeros([2, 3]) as never } }),
      /^TypeError: gru: initialState\.hidden: expected a model \(from nn\.input or a layer\)/,
    ],
    [
      () => x.lstm(4, { name: "dec", initialState: { hidden: hidden0(), cell: cell0() } }),
      /^Error: dec \(lstm\): the initial hidden state must be \[batch, units\] = \[2, 4\] for the input \[2, 3, 2\], got shape \[2, 3\]$/,
    ],
    [
      () => x.gru(3, { initialState: { hidden: nn.input("h", [null, 3, 1]) } }),
      /^Error: gru_0 \(gru\): the initial hidden state must be \[batch, units\] = \[2, 3\] for the input \[2, 3, 2\], got shape \[2, 3, 1\]$/,
    ],
    [
      () => x.lstm(3, { returnState: 1 as never }),
      /^TypeError: lstm: returnState must be true or false, got number 1$/,
    ],
  ];
  for (const [make, message] of cases)
    assert.throws(make, (err: Error) => {
      assert.match(String(err), message);
      return true;
    });
  // Shapes not known at construction are checked when the model runs (batch sizes differ here).
  const m = x.gru(3, { initialState: { hidden: nn.input("h0") } });
  const s = nn.build(m).init({ x: nx.template([2, 3, 2]), h0: nx.template([2, 3]) });
  assert.throws(
    () => nn.predict(m, s, { x: nx.zeros([2, 3, 2]), h0: nx.zeros([5, 3]) }),
    /gru_0 \(gru\): the initial hidden state must be \[batch, units\] = \[2, 3\] for the input \[2, 3, 2\], got shape \[5, 3\]/,
  );
  // A saved graph whose part asks for an output the layer does not have is refused by load.
  const json = nn.modelToJson(x.lstm(3, { returnState: true }).cell);
  const bad = {
    ...json,
    nodes: json.nodes.map((n) => (n.op === "part" ? { ...n, config: { index: 3 } } : n)),
  };
  assert.throws(
    () => nn.modelFromJson(bad),
    /part_0 \(part\): index 3 is out of range: the parent has 3 outputs/,
  );
});
