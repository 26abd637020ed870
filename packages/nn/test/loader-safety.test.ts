/**
 * The loaders against hostile and damaged files: names that reach prototypes, single-bit flips
 * (the checksum), error prefixes with the file name, checkpoint metadata that would mislead a
 * resumed run, and temporary files left by killed writes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { joinFile, splitFile } from "./mutate.js";

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "dendrite-safety-"));

const model = nn.input("x", [null, 3]).dense(2, { activation: "softmax" });
const state = nn.build(model, { seed: 3 }).init(nx.template([1, 3]));

/** The own keys of the built-in prototypes, to see that loading adds none. */
const protoKeys = () =>
  [Object.prototype, Array.prototype, Function.prototype].map((p) => Reflect.ownKeys(p).length);

test("a tensor name reaching a prototype is refused, naming the tensor; nothing is polluted", () => {
  const before = protoKeys();
  const { tensors, metadata } = nn.decodeSafetensors(nn.encodeModel(model, state));
  for (const name of [
    "__proto__.fromLogits",
    "constructor.prototype.x",
    "dense_0.__proto__",
    "dense_0.constructor",
    "prototype.kernel",
  ]) {
    const bytes = nn.encodeSafetensors({ ...tensors, [name]: nx.tensor([1]) }, metadata);
    const part = name.split(".").find((s) => ["__proto__", "constructor", "prototype"].includes(s));
    assert.throws(
      () => nn.decodeModel(bytes),
      new RegExp(
        `^Error: load: \\(bytes in memory\\): tensor "${name.replace(/\./g, "\\.")}" has the name part "${part}", which is not allowed$`,
      ),
    );
  }
  assert.deepEqual(protoKeys(), before);
  assert.equal(({} as { fromLogits?: unknown }).fromLogits, undefined);
  const loss = nn.losses.categoricalCrossEntropy(nx.tensor([[0, 1]]), nx.tensor([[0.2, 0.8]]));
  assert.ok(Math.abs(loss.toNumber() - -Math.log(0.8)) < 1e-6);
  // Saving refuses such names too, so whatever saves also loads.
  const odd = new nn.ModelState({
    dense_0: { ...state.parameters.dense_0!, constructor: nx.tensor([1]) },
  });
  assert.throws(
    () => nn.encodeModel(model, odd),
    /save: tensor "dense_0\.constructor" has the name part "constructor"/,
  );
});

test("a tensor or metadata key named __proto__ survives decodeSafetensors as an own key", () => {
  const tensors = Object.create(null) as Record<string, nx.Tensor>;
  tensors["__proto__"] = nx.tensor([1, 2]);
  tensors["constructor"] = nx.tensor([3]);
  const metadata = Object.create(null) as Record<string, string>;
  metadata["__proto__"] = "kept";
  const back = nn.decodeSafetensors(nn.encodeSafetensors(tensors, metadata));
  assert.deepEqual(Object.keys(back.tensors).sort(), ["__proto__", "constructor"]);
  assert.deepEqual(back.tensors["__proto__"]!.toArray(), [1, 2]);
  assert.equal(Object.getPrototypeOf(back.tensors), null);
  assert.equal(back.metadata["__proto__"], "kept");
  assert.equal(Object.getPrototypeOf(back.metadata), null);
});

test("JSON metadata with a __proto__ key or an odd graph is refused with load: and the file", () => {
  const { tensors, metadata } = nn.decodeSafetensors(nn.encodeModel(model, state));
  const graph = metadata["dendrite.model"]!;
  const cases: [string, string, RegExp][] = [
    [
      "dendrite.model",
      graph.replace('"nodes":', '"__proto__":{"polluted":1},"nodes":'),
      /metadata "dendrite\.model" has a "__proto__" key/,
    ],
    [
      "dendrite.model",
      graph.replace('"parents":[0]', '"parents":[5]'),
      /node 1 \(dense\) has the parents \[5\]; each must be the index of an earlier node/,
    ],
    [
      "dendrite.model",
      graph.replace('"name":"x"', '"name":"constructor"'),
      /node 0 \(input\) is named "constructor"; the name part "constructor" is not allowed/,
    ],
    ["dendrite.model", "{", /metadata "dendrite\.model" is not valid JSON/],
    [
      "dendrite.model",
      graph.replace('"name":"glorotUniform"', '"name":"constructor"'),
      /^load: m\.safetensors: unknown initializer "constructor"$/,
    ],
    [
      "dendrite.state",
      '{"length":1e12}',
      /metadata "dendrite\.state" must be a JSON array of tensor names/,
    ],
    [
      "dendrite.frozen",
      '["a",1]',
      /metadata "dendrite\.frozen" must be a JSON array of tensor names/,
    ],
  ];
  for (const [key, value, message] of cases) {
    const bytes = nn.encodeSafetensors(tensors, { ...metadata, [key]: value });
    assert.throws(
      () => nn.decodeModel(bytes, {}, "m.safetensors"),
      (err: Error) => {
        assert.ok(err.message.startsWith("load: m.safetensors: "), err.message);
        assert.match(err.message, message);
        return true;
      },
    );
  }
  assert.equal(({} as { polluted?: unknown }).polluted, undefined);
});

test("every single-bit flip of the tensor bytes is detected by the checksum", () => {
  const bytes = nn.encodeModel(model, state);
  const { header } = splitFile(bytes);
  const dataStart = 8 + new TextEncoder().encode(header).length;
  assert.ok(bytes.length - dataStart >= 32);
  let flips = 0;
  for (let i = dataStart; i < bytes.length; i++)
    for (let bit = 0; bit < 8; bit++) {
      const b = bytes.slice();
      b[i]! ^= 1 << bit;
      assert.throws(
        () => nn.decodeModel(b, {}, "flipped.safetensors"),
        /^Error: safetensors: flipped\.safetensors: the file is corrupt: its contents have the checksum crc32:[0-9a-f]{8}, the file records crc32:[0-9a-f]{8}$/,
      );
      flips++;
    }
  assert.equal(flips, (bytes.length - dataStart) * 8);
  // A flip in the header either breaks it or changes nothing the model is made of.
  const x = nx.ones([1, 3]);
  const want = nn.predict(model, state, x).toArray();
  for (let i = 8; i < dataStart; i++) {
    const b = bytes.slice();
    b[i]! ^= 1 << (i % 8);
    try {
      const loaded = nn.decodeModel(b, {}, "h");
      assert.deepEqual(nn.predict(loaded.model, loaded.state, x).toArray(), want);
    } catch (err) {
      assert.match((err as Error).message, /^(load|safetensors): h: /);
    }
  }
});

test("files without a checksum (from other tools) load; a malformed checksum is refused", () => {
  const bytes = nn.encodeModel(model, state);
  const { header, data } = splitFile(bytes);
  const h = JSON.parse(header) as { __metadata__: Record<string, string> };
  const sum = h.__metadata__["dendrite.checksum"]!;
  assert.match(sum, /^crc32:[0-9a-f]{8}$/);
  delete h.__metadata__["dendrite.checksum"];
  const plain = joinFile(JSON.stringify(h), data);
  const loaded = nn.decodeModel(plain);
  assert.deepEqual(
    loaded.state.parameters.dense_0!.kernel!.toArray(),
    state.parameters.dense_0!.kernel!.toArray(),
  );
  // the checksum survives another tool laying the file out anew with the same contents
  h.__metadata__ = { "dendrite.checksum": sum, ...h.__metadata__ };
  assert.ok(nn.decodeModel(joinFile(JSON.stringify(h), data)));
  h.__metadata__["dendrite.checksum"] = "md5:abc";
  assert.throws(
    () => nn.decodeSafetensors(joinFile(JSON.stringify(h), data), "odd.st"),
    /safetensors: odd\.st: the checksum "md5:abc" is not of the form "crc32:" and 8 hex digits/,
  );
  assert.throws(
    () => nn.encodeSafetensors({}, { "dendrite.checksum": "x" }),
    /safetensors: metadata "dendrite\.checksum" is reserved/,
  );
});

test("loader errors start with load:, safetensors: or checkpoint: and name the file", async () => {
  const dir = tmpDir();
  const missing = path.join(dir, "missing.safetensors");
  await assert.rejects(nn.load(missing), (e: Error) =>
    e.message.startsWith(`load: ${missing}: cannot read the file (ENOENT`),
  );
  assert.throws(
    () => nn.loadSync(missing),
    (e: Error) => e.message.startsWith(`load: ${missing}: cannot read the file`),
  );
  await assert.rejects(nn.loadCheckpoint(missing), (e: Error) =>
    e.message.startsWith(`checkpoint: ${missing}: cannot read the file`),
  );
  const cut = path.join(dir, "cut.safetensors");
  fs.writeFileSync(cut, nn.encodeModel(model, state).subarray(0, 40));
  assert.throws(
    () => nn.loadSync(cut),
    (e: Error) => e.message.startsWith(`safetensors: ${cut}: the header length`),
  );
  await assert.rejects(nn.loadCheckpoint(cut), (e: Error) =>
    e.message.startsWith(`safetensors: ${cut}: `),
  );
  const modelFile = path.join(dir, "model.safetensors");
  nn.saveSync(modelFile, model, state);
  await assert.rejects(nn.loadCheckpoint(modelFile), (e: Error) =>
    e.message.startsWith(`checkpoint: ${modelFile}: the file is not a loop checkpoint`),
  );
  assert.throws(
    () => nn.decodeModel(new Uint8Array(3)),
    /^Error: safetensors: \(bytes in memory\): the file has 3 bytes, too few for a header$/,
  );
  // an error from deeper down (a layer rebuilt from a bad config) gets the prefix and file too
  const { tensors, metadata } = nn.decodeSafetensors(nn.encodeModel(model, state));
  const graph = metadata["dendrite.model"]!.replace(
    '"activation":"softmax"',
    '"activation":"nope"',
  );
  const bad = nn.encodeSafetensors(tensors, { ...metadata, "dendrite.model": graph });
  assert.throws(
    () => nn.decodeModel(bad, {}, "bad.st"),
    (e: Error) => e.message.startsWith("load: bad.st: ") && e.cause !== undefined,
  );
});

// ---------------------------------------------------------------------------------------------
// checkpoints

const xs = nx.random.normal(nx.random.key(1), [9, 3]);
const ys = nx.random.normal(nx.random.key(2), [9, 2]);
const data = () => nn.batches(xs, ys, { batchSize: 3 }); // 3 batches an epoch
const trainer = () =>
  nn.trainer(nn.input("x", [null, 3]).dense(2), "meanSquaredError", "adam", { log: 0 });

/** Rewrites a checkpoint's metadata and tensors (the checksum is recomputed, as a writer would). */
function edit(
  bytes: Uint8Array,
  change: (meta: any, tensors: Record<string, nx.Tensor>) => void,
): Uint8Array {
  const { tensors, metadata } = nn.decodeSafetensors(bytes);
  const meta = JSON.parse(metadata["dendrite.loop"]!);
  change(meta, tensors);
  return nn.encodeSafetensors(tensors, { ...metadata, "dendrite.loop": JSON.stringify(meta) });
}

async function checkpointBytes(
  event: nn.LoopEvent = "epochCompleted",
  iterations?: number,
): Promise<Uint8Array> {
  const file = path.join(tmpDir(), "c.ckpt");
  const loop = trainer().checkpoint({ path: file, event });
  if (iterations) await loop.run(nn.repeat([xs, ys]), { epochs: 1, iterations });
  else await loop.run(data(), { epochs: 1 });
  return new Uint8Array(fs.readFileSync(file));
}

test("checkpoint positions must be non-negative integers that fit the run", async () => {
  const atEpoch = await checkpointBytes();
  for (const [field, value, message] of [
    ["epoch", 0.5, /position\.epoch is 0\.5; it must be a non-negative integer/],
    ["epoch", -1, /position\.epoch is -1/],
    ["iteration", "2", /position\.iteration is "2"/],
    [
      "iteration",
      1e12,
      /position\.iteration 1000000000000 is more than the 3 iterations run in all/,
    ],
  ] as const) {
    const bytes = edit(atEpoch, (m) => (m.position[field] = value));
    assert.throws(
      () => nn.decodeCheckpoint(bytes, "c.ckpt"),
      (e: Error) => {
        assert.ok(e.message.startsWith("checkpoint: c.ckpt: "), e.message);
        assert.match(e.message, message);
        return true;
      },
    );
  }
  // With a known epoch length, a position past it is refused when decoding...
  const endless = await checkpointBytes("epochCompleted", 3);
  const far = edit(endless, (m) => Object.assign(m.position, { iteration: 1e12, total: 1e12 }));
  assert.throws(
    () => nn.decodeCheckpoint(far),
    /position\.iteration 1000000000000 is past the 3 iterations of an epoch/,
  );
  // ...and when resuming with a shorter epoch, before any batch is skipped.
  const farFinite = edit(atEpoch, (m) =>
    Object.assign(m.position, { iteration: 1e12, total: 1e12 }),
  );
  const t0 = performance.now();
  await assert.rejects(
    trainer().run(nn.repeat([xs, ys]), nn.decodeCheckpoint(farFinite), {
      epochs: 2,
      iterations: 3,
    }),
    /trainer\.run: the saved run is at batch 1000000000000 of epoch 1, past the 3 iterations of an epoch/,
  );
  assert.ok(performance.now() - t0 < 5000, "no spinning through the batches");
  // data that ends first is an error, not a hang
  await assert.rejects(
    trainer().run(data(), nn.decodeCheckpoint(farFinite), { epochs: 2 }),
    /the data of epoch 1 ended before the resumed batch 1000000000000/,
  );
  // other fields
  for (const [change, message] of [
    [(m: any) => (m.maxIteration = -2), /maxIteration is -2/],
    [
      (m: any) => (m.history = [{ epoch: 0, iterations: 3, timeMs: 1, loss: "x" }]),
      /history\[0\]\.loss is "x", not a number/,
    ],
    [
      (m: any) => (m.history = [{ epoch: 7, iterations: 3, timeMs: 1 }]),
      /history\[0\] is of epoch 7, after the checkpoint's epoch 1/,
    ],
    [(m: any) => (m.times = { a: 1 }), /times has "a": 1/],
    [(m: any) => (m.metricNames = [1]), /metricNames is \[1\], not an array of names/],
    [(m: any) => (m.handlerMetadata = []), /handlerMetadata is \[\], not an object/],
    [(m: any) => (m.format = 2), /the checkpoint format is 2; this version reads 1/],
    [
      (m: any) => (m.tree.constructor = { prototype: { polluted: 1 } }),
      /the step state at step has the key "constructor", which is not allowed/,
    ],
    [
      (m: any) => (m.tree.modelState.parameters.dense_0.kernel.$tensor = "counter"),
      /the step state at step\.modelState\.parameters\.dense_0\.kernel refers to the tensor "counter"/,
    ],
  ] as const) {
    assert.throws(() => nn.decodeCheckpoint(edit(atEpoch, change), "c.ckpt"), message);
  }
  assert.throws(
    () =>
      nn.decodeCheckpoint(
        edit(atEpoch, (_m, t) => (t["stray"] = nx.tensor([1]))),
        "c.ckpt",
      ),
    /checkpoint: c\.ckpt: the tensor "stray" belongs to no part of the loop state/,
  );
  assert.equal(({} as { polluted?: unknown }).polluted, undefined);
});

test("a checkpoint tensor of the wrong shape is refused when resuming, before any step", async () => {
  const cases = [
    [
      "step.modelState.parameters.dense_0.kernel",
      [4, 2],
      /the saved step state does not fit this run \(trainer\.run: batch 0: dense_0\.kernel: expected f32\[3\]\[2\], got f32\[4\]\[2\]\)/,
    ],
    [
      "step.optimizerState.0.mu.dense_0.kernel",
      [3, 5],
      /tensor "step\.optimizerState\.0\.mu\.dense_0\.kernel" is a tensor f32\[3\]\[5\], this run expects a tensor f32\[3\]\[2\]/,
    ],
    [
      "step.optimizerState.0.count",
      [2],
      /tensor "step\.optimizerState\.0\.count" is a tensor [a-z0-9]+\[2\], this run expects a tensor [a-z0-9]+$/,
    ],
  ] as const;
  // at an epoch's end, and after an epoch's last batch (the check waits for the next epoch's)
  for (const base of [await checkpointBytes(), await checkpointBytes("iterationCompleted")]) {
    for (const [name, shape, message] of cases) {
      const bytes = edit(base, (_m, t) => (t[name] = nx.zeros(shape, { dtype: t[name]!.dtype })));
      const ckpt = nn.decodeCheckpoint(bytes, "c.ckpt");
      let steps = 0;
      await assert.rejects(
        trainer()
          .handleEvent("iterationStarted", () => void steps++)
          .run(data(), ckpt, { epochs: 2 }),
        (e: Error) => {
          assert.ok(e.message.startsWith("checkpoint: c.ckpt: "), e.message);
          assert.match(e.message, message);
          return true;
        },
      );
      assert.equal(steps, 0, "no step ran");
    }
    // an extra layer's tensors do not belong to this run either
    const extra = edit(base, (m, t) => {
      m.tree.modelState.parameters.other = { w: { $tensor: "step.modelState.parameters.other.w" } };
      t["step.modelState.parameters.other.w"] = nx.zeros([1]);
    });
    await assert.rejects(
      trainer().run(data(), nn.decodeCheckpoint(extra, "c.ckpt"), { epochs: 2 }),
      /checkpoint: c\.ckpt: the step state at step\.modelState\.parameters\.other is not part of this run's step state/,
    );
    // the intact checkpoint resumes
    const ok = await trainer().run(data(), nn.decodeCheckpoint(base), { epochs: 2 });
    assert.equal(ok.status, "completed");
  }
});

// ---------------------------------------------------------------------------------------------
// atomic writes

test("a save removes temporary files that killed writes left behind, and only those", async () => {
  const dir = tmpDir();
  const file = path.join(dir, "latest.ckpt");
  const dead = 2 ** 22 + 12345; // above Linux's pid_max default: no such process
  const orphans = [
    `.latest.ckpt.${dead}.0a1b2c3d4e5f.tmp`,
    `.latest.ckpt.${dead + 1}.ffffffffffff.tmp`,
    `.latest.ckpt.${process.pid}.123456abcdef.tmp`, // ours, from an earlier process with this pid
  ];
  const kept = [
    `.latest.ckpt.${process.ppid}.0a1b2c3d4e5f.tmp`, // a live writer's
    `.other.ckpt.${dead}.0a1b2c3d4e5f.tmp`, // another file's
    `latest.ckpt.${dead}.tmp`, // not our pattern
    "notes.txt",
  ];
  for (const f of [...orphans, ...kept]) fs.writeFileSync(path.join(dir, f), "x");
  await nn.writeAtomic(file, new Uint8Array([1, 2, 3]));
  assert.deepEqual(fs.readdirSync(dir).sort(), [...kept, "latest.ckpt"].sort());
  assert.deepEqual([...fs.readFileSync(file)], [1, 2, 3]);
  for (const f of orphans) fs.writeFileSync(path.join(dir, f), "x");
  nn.writeAtomicSync(file, new Uint8Array([4]));
  assert.deepEqual(fs.readdirSync(dir).sort(), [...kept, "latest.ckpt"].sort());
  // 27 killed writes leave 27 temporary files; the next checkpoint removes them all
  for (let i = 0; i < 27; i++)
    fs.writeFileSync(
      path.join(dir, `.latest.ckpt.${dead + i}.${i.toString(16).padStart(12, "0")}.tmp`),
      "x",
    );
  await trainer().checkpoint({ path: file }).run(data(), { epochs: 1 });
  assert.deepEqual(fs.readdirSync(dir).sort(), [...kept, "latest.ckpt"].sort());
  // concurrent writes of one file in this process never remove each other's temporary file
  await Promise.all(Array.from({ length: 8 }, (_, i) => nn.writeAtomic(file, new Uint8Array([i]))));
  assert.deepEqual(fs.readdirSync(dir).sort(), [...kept, "latest.ckpt"].sort());
});
