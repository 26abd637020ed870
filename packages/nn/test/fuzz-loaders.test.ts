/**
 * A bounded, seeded fuzz of the file loaders: thousands of mutated model files, checkpoints and
 * safetensors files per run. Every failure must be an Error whose message starts with the
 * loader's prefix and names the file; no built-in prototype may change; whatever loads must work.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";
import { Rng, joinFile, mutateBytes, mutateJsonText, splitFile, ODD_NAMES } from "./mutate.js";

const PROTOTYPES = [
  Object.prototype,
  Array.prototype,
  Function.prototype,
  String.prototype,
  Number.prototype,
  Boolean.prototype,
];

/** The own keys and their values of every built-in prototype watched. */
function snapshot(): Map<object, Map<string | symbol, unknown>> {
  return new Map(
    PROTOTYPES.map((p) => [
      p,
      new Map(Reflect.ownKeys(p).map((k) => [k, Object.getOwnPropertyDescriptor(p, k)!.value])),
    ]),
  );
}

function assertPrototypesUnchanged(before: ReturnType<typeof snapshot>, what: string): void {
  const now = snapshot();
  for (const [p, keys] of before) {
    const after = now.get(p)!;
    for (const k of after.keys())
      assert.ok(keys.has(k), `${what}: a built-in prototype got the key ${String(k)}`);
    for (const [k, v] of keys)
      assert.ok(Object.is(after.get(k), v), `${what}: ${String(k)} of a prototype changed`);
  }
  assert.equal(({} as { polluted?: unknown }).polluted, undefined, what);
}

interface Outcome {
  loaded: number;
  refused: number;
}

/**
 * Runs `load` on each mutated file: it must load (then `valid` must accept the result) or throw
 * an Error starting with one of `prefixes` followed by the file's label.
 */
function fuzz<T>(
  files: Iterable<Uint8Array>,
  load: (bytes: Uint8Array, label: string) => T,
  valid: (value: T, label: string) => void,
  prefixes: readonly string[],
): Outcome {
  const out = { loaded: 0, refused: 0 };
  const counts = () => PROTOTYPES.map((p) => Reflect.ownKeys(p).length).join();
  const start = counts();
  let i = 0;
  for (const bytes of files) {
    const label = `case-${i++}.safetensors`;
    let value: T;
    try {
      value = load(bytes, label);
    } catch (err) {
      assert.ok(err instanceof Error, `${label}: threw a non-Error ${String(err)}`);
      const ok = prefixes.some((p) => err.message.startsWith(`${p}: ${label}: `));
      assert.ok(ok, `${label}: an unclean error: ${err.name}: ${err.message}`);
      out.refused++;
      assert.equal(counts(), start, `${label}: a built-in prototype got a key`);
      continue;
    }
    assert.equal(counts(), start, `${label}: a built-in prototype got a key`);
    valid(value, label);
    out.loaded++;
  }
  return out;
}

/** Removes the checksum from a file, as a file written by another tool would lack it. */
function withoutChecksum(bytes: Uint8Array): Uint8Array {
  const { header, data } = splitFile(bytes);
  const h = JSON.parse(header) as { __metadata__?: Record<string, string> };
  delete h.__metadata__?.["dendrite.checksum"];
  return joinFile(JSON.stringify(h), data);
}

/** Files made from `base`: raw mutations, and raw mutations of its checksum-less form. */
function* rawMutants(base: Uint8Array, rng: Rng, n: number): Generator<Uint8Array> {
  const plain = withoutChecksum(base);
  for (let i = 0; i < n; i++) {
    let bytes = mutateBytes(i % 2 ? plain : base, rng);
    if (rng.int(4) === 0 && bytes.length > 8) bytes = mutateBytes(bytes, rng);
    yield bytes;
  }
}

/**
 * Files with a valid checksum but odd contents: metadata JSON edited, tensors renamed, reshaped,
 * dropped or added, re-encoded with `encodeSafetensors` (what a careless or hostile writer makes).
 */
function* wellFormedMutants(base: Uint8Array, rng: Rng, n: number): Generator<Uint8Array> {
  const { tensors, metadata } = nn.decodeSafetensors(base);
  const names = Object.keys(tensors);
  const keys = Object.keys(metadata).sort((a, b) => metadata[b]!.length - metadata[a]!.length);
  for (let i = 0; i < n; i++) {
    const t: Record<string, nx.Tensor> = Object.assign(Object.create(null), tensors);
    const m: Record<string, string> = Object.assign(Object.create(null), metadata);
    const edits = 1 + rng.int(2);
    for (let e = 0; e < edits; e++) {
      const r = rng.int(5);
      if (r <= 1) {
        // the graph (or the loop state) most often: it has the most structure
        const k = rng.int(2) ? keys[0]! : rng.pick(keys);
        m[k] = mutateJsonText(m[k]!, rng);
      } else if (r === 2) {
        const from = rng.pick(names);
        const to = rng.int(2) ? rng.pick(ODD_NAMES) : `${rng.pick(ODD_NAMES)}.${from}`;
        if (to !== "__metadata__" && t[from]) {
          t[to] = t[from]!;
          delete t[from];
        }
      } else if (r === 3) {
        const name = rng.pick(names);
        const shapes = [[], [1], [2, 2], [3, 1], [0]];
        t[name] = nx.zeros(rng.pick(shapes), { dtype: rng.pick(["f32", "f64", "s32"] as const) });
      } else {
        delete t[rng.pick(names)];
      }
    }
    yield nn.encodeSafetensors(t, m);
  }
}

/** A checkpoint with its timings set to 1 ms, so that the mutations are the same every run. */
function deterministic(bytes: Uint8Array): Uint8Array {
  const { tensors, metadata } = nn.decodeSafetensors(bytes);
  const meta = JSON.parse(metadata["dendrite.loop"]!);
  for (const k of Object.keys(meta.times)) meta.times[k] = 1;
  for (const r of meta.history) r.timeMs = 1;
  return nn.encodeSafetensors(tensors, { ...metadata, "dendrite.loop": JSON.stringify(meta) });
}

const model = nn
  .input("x", [null, 4])
  .dense(3, { activation: "relu" })
  .batchNorm()
  .dropout({ rate: 0.25 })
  .dense(2, { activation: "softmax", name: "head" });
const modelState = nn.build(model, { seed: 1 }).init(nx.template([1, 4]));
const modelBytes = nn.encodeModel(model, modelState);
const x = nx.random.normal(nx.random.key(2), [2, 4]);
const expected = nn.predict(model, modelState, x).toArray();

/**
 * A loaded model must predict, with the saved output shape. (Its values may differ when the
 * mutation also removed the checksum: such a file is like one from another tool.)
 */
function validModel(loaded: nn.Loaded, label: string): void {
  let y: nx.Tensor;
  try {
    y = nn.predict(loaded.model, loaded.state, x);
  } catch (err) {
    throw new Error(`${label} loaded but cannot predict: ${(err as Error).message}`, {
      cause: err,
    });
  }
  assert.deepEqual(y.shape, [2, 2], label);
}

test("fuzz: mutated model files load correctly or fail with a clean load:/safetensors: error", () => {
  const rng = new Rng(1);
  const before = snapshot();
  const raw = fuzz(
    rawMutants(modelBytes, rng, 2500),
    (b, label) => nn.decodeModel(b, {}, label),
    (loaded, label) => {
      validModel(loaded, label);
    },
    ["load", "safetensors"],
  );
  const formed = fuzz(
    wellFormedMutants(modelBytes, rng, 1500),
    (b, label) => nn.decodeModel(b, {}, label),
    validModel,
    ["load", "safetensors"],
  );
  assertPrototypesUnchanged(before, "model files");
  assert.ok(raw.refused > 1000 && formed.refused > 500, JSON.stringify({ raw, formed }));
  // A single-bit flip of the checksummed file that still loads must give the saved model.
  const flips = new Rng(2);
  for (let i = 0; i < 300; i++) {
    const b = modelBytes.slice();
    b[8 + flips.int(b.length - 8)]! ^= 1 << flips.int(8);
    try {
      const loaded = nn.decodeModel(b, {}, "flip");
      assert.deepEqual(nn.predict(loaded.model, loaded.state, x).toArray(), expected);
    } catch (err) {
      assert.match((err as Error).message, /^(load|safetensors): flip: /);
    }
  }
});

test("fuzz: mutated safetensors files decode to what the header says or fail cleanly", () => {
  const rng = new Rng(3);
  const before = snapshot();
  const base = nn.encodeSafetensors(
    {
      a: nx.tensor([1, 2, 3]),
      b: nx.tensor([[1, 2]], { dtype: "f64" }),
      c: nx.tensor([7], { dtype: "u8" }),
      "x.y": nx.zeros([0, 3], { dtype: "s32" }),
    },
    { note: "hi", "dendrite.other": "{}" },
  );
  const outcome = fuzz(
    rawMutants(base, rng, 4000),
    (b, label) => nn.decodeSafetensors(b, label),
    ({ tensors, metadata }, label) => {
      assert.equal(Object.getPrototypeOf(tensors), null, label);
      for (const v of Object.values(metadata)) assert.equal(typeof v, "string", label);
      for (const t of Object.values(tensors)) assert.ok(t instanceof nx.Tensor, label);
    },
    ["safetensors"],
  );
  assertPrototypesUnchanged(before, "safetensors files");
  assert.ok(outcome.refused > 2000, JSON.stringify(outcome));
});

test("fuzz: mutated checkpoints load correctly or fail with a clean checkpoint:/safetensors: error", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dendrite-fuzz-"));
  const file = path.join(dir, "run.ckpt");
  const xs = nx.random.normal(nx.random.key(3), [12, 4]);
  const ys = nx.random.normal(nx.random.key(4), [12, 2]);
  const data = () => nn.batches(xs, ys, { batchSize: 4 });
  const trainer = () =>
    nn
      .trainer(nn.input("x", [null, 4]).dense(2), "meanSquaredError", "adam", { log: 0 })
      .metric("meanAbsoluteError");
  await trainer()
    .checkpoint({ path: file, event: "iterationCompleted", filter: { every: 4 } })
    .run(data(), { epochs: 2 });
  const base = deterministic(new Uint8Array(fs.readFileSync(file)));
  const rng = new Rng(5);
  const before = snapshot();
  const loaded: nn.Checkpoint[] = [];
  const check = (c: nn.Checkpoint) => {
    assert.ok(Number.isSafeInteger(c.epoch) && c.epoch >= 0);
    assert.ok(Number.isSafeInteger(c.iteration) && c.iteration >= 0);
    for (const r of c.history) assert.ok(Number.isSafeInteger(r.epoch) && r.epoch <= c.epoch);
  };
  const raw = fuzz(
    rawMutants(base, rng, 2500),
    (b, label) => nn.decodeCheckpoint(b, label),
    check,
    ["checkpoint", "safetensors"],
  );
  const formed = fuzz(
    wellFormedMutants(base, rng, 1500),
    (b, label) => nn.decodeCheckpoint(b, label),
    (c) => {
      check(c);
      if (loaded.length < 40) loaded.push(c);
    },
    ["checkpoint", "safetensors"],
  );
  assertPrototypesUnchanged(before, "checkpoints");
  assert.ok(raw.refused > 1000 && formed.refused > 500, JSON.stringify({ raw, formed }));
  // What loads resumes: to the end, or with a clear error before any step goes wrong.
  const loop = trainer();
  for (const c of loaded) {
    try {
      const r = await loop.run(data(), c, { epochs: c.epoch + 1 });
      for (const t of Object.values(r.modelState.parameters.dense_0!))
        assert.ok([...t.data()].every(Number.isFinite));
    } catch (err) {
      assert.ok(err instanceof Error);
      assert.match(err.message, /^(checkpoint: case-\d+\.safetensors|trainer\.run): /);
    }
  }
  assertPrototypesUnchanged(before, "resumed checkpoints");
  fs.rmSync(dir, { recursive: true, force: true });
});
