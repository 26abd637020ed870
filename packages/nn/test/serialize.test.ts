/** save/load: safetensors bytes (from the format's spec), round trips, mismatch errors, atomic writes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as nx from "@dendrite/tensor";
import * as nn from "@dendrite/nn";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dendrite-nn-"));

/** A bitwise CRC-32 (IEEE), independent of the table-driven one in the package. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

test("safetensors bytes follow the spec: u64 LE header length, JSON header, packed LE data", () => {
  const bytes = nn.encodeSafetensors(
    { b: nx.tensor([1, 2]), a: nx.tensor([7], { dtype: "u8" }) },
    { note: "hi" },
  );
  const data = [
    7,
    ...[0x00, 0x00, 0x80, 0x3f], // 1.0f little-endian
    ...[0x00, 0x00, 0x00, 0x40], // 2.0f
  ];
  // The checksum: CRC-32 of the tensors' names, dtypes and shapes (and dendrite.* metadata) as
  // JSON, then of their bytes, in name order.
  const described = JSON.stringify({
    tensors: [
      ["a", "U8", [1]],
      ["b", "F32", [2]],
    ],
    metadata: [],
  });
  const crc = crc32(new Uint8Array([...new TextEncoder().encode(described), ...data]));
  const sum = `crc32:${crc.toString(16).padStart(8, "0")}`;
  const header = `{"__metadata__":{"note":"hi","dendrite.checksum":"${sum}"},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"b":{"dtype":"F32","shape":[2],"data_offsets":[1,9]}}`;
  const padded = header.padEnd(Math.ceil(header.length / 8) * 8, " ");
  const expected = [
    ...new Uint8Array(new BigUint64Array([BigInt(padded.length)]).buffer),
    ...new TextEncoder().encode(padded),
    ...data,
  ];
  assert.deepEqual([...bytes], expected);
  const back = nn.decodeSafetensors(bytes);
  assert.deepEqual({ ...back.metadata }, { note: "hi" }, "the checksum is checked, not returned");
  assert.deepEqual(back.tensors.b!.toArray(), [1, 2]);
  assert.equal(back.tensors.a!.dtype, "u8");
});

test("malformed safetensors files are rejected with the reason", () => {
  const good = nn.encodeSafetensors({ w: nx.tensor([1, 2, 3]) });
  assert.throws(() => nn.decodeSafetensors(good.subarray(0, 5)), /too few for a header/);
  assert.throws(
    () => nn.decodeSafetensors(good.subarray(0, good.length - 4)),
    /tensor "w" has data_offsets \[0,12\] outside the 8 data bytes/,
  );
  const extra = new Uint8Array(good.length + 4);
  extra.set(good);
  assert.throws(
    () => nn.decodeSafetensors(extra),
    /4 bytes after the last tensor are not described/,
  );
  const bad = good.slice();
  new DataView(bad.buffer).setBigUint64(0, 1n << 40n, true);
  assert.throws(() => nn.decodeSafetensors(bad), /header length \d+ is larger than the file/);
});

test("save/load round trip: graph, parameters, layer state and frozen set", async () => {
  const model = nn
    .input("x", [null, 4, 4, 1])
    .conv(2, { kernelSize: 3, padding: "same", activation: "relu" })
    .maxPool({ kernelSize: 2 })
    .flatten()
    .batchNorm()
    .dropout({ rate: 0.1 })
    .dense(3, { activation: "softmax", name: "head" });
  const state = nn
    .build(model, { seed: 4 })
    .init(nx.template([1, 4, 4, 1]))
    .freeze(["conv_0"]);
  const file = path.join(tmp, "model.safetensors");
  await nn.save(file, model, state);
  const loaded = await nn.load(file);
  const x = nx.random.normal(nx.random.key(5), [2, 4, 4, 1]);
  assert.deepEqual(
    nn.predict(loaded.model, loaded.state, x).toArray(),
    nn.predict(model, state, x).toArray(),
  );
  assert.deepEqual([...loaded.state.frozen].sort(), ["conv_0.bias", "conv_0.kernel"]);
  assert.deepEqual(Object.keys(loaded.state.state).sort(), ["batch_norm_0", "dropout_0"]);
  assert.equal(
    String(nn.display.asTable(loaded.model, nx.template([1, 4, 4, 1]))),
    String(nn.display.asTable(model, nx.template([1, 4, 4, 1]))),
  );
  // the file is plain safetensors: tensors named layer.name, graph JSON in the metadata
  const raw = nn.decodeSafetensors(fs.readFileSync(file));
  assert.deepEqual(raw.tensors["head.kernel"]!.shape, [8, 3]);
  assert.equal(JSON.parse(raw.metadata["dendrite.model"]!).format, "dendrite.model");
  // no temporary files are left behind
  assert.deepEqual(
    fs.readdirSync(tmp).filter((f) => f.endsWith(".tmp")),
    [],
  );
});

test("load checks names, shapes and dtypes and names the tensor that differs", async () => {
  const model = nn.input("x", [null, 3]).dense(2).dense(1);
  const state = nn.build(model).init(nx.template([1, 3]));
  const file = path.join(tmp, "small.safetensors");
  nn.saveSync(file, model, state);
  assert.throws(
    () => nn.loadSync(file, { model: nn.input("x", [null, 3]).dense(5).dense(1) }),
    /load: .*small\.safetensors: tensor "dense_0\.kernel" is f32\[3\]\[2\], the model expects f32\[3\]\[5\]$/,
  );
  assert.throws(
    () => nn.loadSync(file, { model: nn.input("x", [null, 3]).dense(2).dense(1).dense(1) }),
    /load: .*small\.safetensors: tensor "dense_2\.kernel" is missing/,
  );
  assert.throws(
    () => nn.loadSync(file, { model: nn.input("x", [null, 3]).dense(2) }),
    /load: .*small\.safetensors: tensor "dense_1\.bias" does not belong to any layer of the model/,
  );
  const f64 = nn.build(model, { dtype: "f64" }).init(nx.template([1, 3]));
  nn.saveSync(file, model, f64);
  const mixed = f64.withParameters({}).freeze();
  const odd = new nn.ModelState({
    ...mixed.parameters,
    dense_1: { kernel: nx.zeros([2, 1], { dtype: "f64" }), bias: nx.zeros([1]) },
  });
  assert.throws(
    () => nn.encodeModel(model, odd),
    /save: tensor "dense_1\.bias" is f32\[1\], the model expects f64\[1\]/,
  );
  assert.equal((await nn.load(file)).state.parameters.dense_0!.kernel!.dtype, "f64");
});

test("custom layers: nn.layer cannot be saved, defineLayer can", async () => {
  const x = nn.input("x", [null, 2]);
  const anon = nn.layer((t: nx.Tensor) => nx.multiply(t, 2), [x]);
  assert.throws(
    () => nn.encodeModel(anon, new nn.ModelState()),
    /save: layer "custom_0" \(custom\) was made with nn\.layer and cannot be saved as JSON; make it with nn\.defineLayer/,
  );
  const double = nn.defineLayer(
    "double_it",
    (t: nx.Tensor, p: { s: nx.Tensor }) => nx.multiply(t, p.s),
    {
      params: { s: { shape: [1], initializer: nn.initializers.full(2) } },
    },
  );
  const model = double(x).dense(1);
  const state = nn.build(model).init(nx.template([1, 2]));
  const file = path.join(tmp, "custom.safetensors");
  await nn.save(file, model, state);
  const back = await nn.load(file);
  assert.deepEqual(
    nn.predict(back.model, back.state, nx.ones([1, 2])).toArray(),
    nn.predict(model, state, nx.ones([1, 2])).toArray(),
  );
  const saved = nn.modelToJson(model);
  const json = {
    ...saved,
    nodes: saved.nodes.map((n, i) => (i === 1 ? { ...n, op: "not_registered" } : n)),
  };
  assert.throws(
    () => nn.modelFromJson(json),
    /no layer "not_registered" is registered; a custom layer must be defined with nn\.defineLayer/,
  );
});

test("an atomic save never leaves a half-written file: the old one survives a failed write", async () => {
  const model = nn.input("x", [null, 1]).dense(1);
  const state = nn.build(model).init(nx.template([1, 1]));
  const file = path.join(tmp, "atomic.safetensors");
  await nn.save(file, model, state);
  const before = fs.readFileSync(file);
  // a tensor that is not a tensor makes encoding fail before anything is written
  await assert.rejects(
    nn.save(file, model, { parameters: { dense_0: { kernel: 1 } } } as never),
    /save: the state must be a ModelState/,
  );
  assert.deepEqual(fs.readFileSync(file), before);
  // writing into a folder that is a file fails, and leaves no temporary file
  const blocker = path.join(tmp, "blocker");
  fs.writeFileSync(blocker, "x");
  await assert.rejects(nn.writeAtomic(path.join(blocker, "m.safetensors"), new Uint8Array(4)));
  assert.deepEqual(
    fs.readdirSync(tmp).filter((f) => f.endsWith(".tmp")),
    [],
  );
});

test("safetensors F16 and BF16 store the 16-bit bits, little-endian, and load back", () => {
  const h = nx.tensor([1, -2.5, 65504], { dtype: "f16" });
  const g = nx.tensor([0.1], { dtype: "bf16" });
  const bytes = nn.encodeSafetensors({ h, g });
  // The data section ends the file, in name order: g, then h. The bits: torch's bfloat16 of
  // 0.1 is 0x3dcd; np.float16 of 1, -2.5 and 65504 are 0x3c00, 0xc100, 0x7bff.
  assert.deepEqual(
    [...bytes.subarray(bytes.length - 8)],
    [0xcd, 0x3d, 0, 0x3c, 0, 0xc1, 0xff, 0x7b],
  );
  const header = new TextDecoder().decode(bytes.subarray(8, bytes.length - 8));
  assert.match(header, /"g":\{"dtype":"BF16","shape":\[1\],"data_offsets":\[0,2\]\}/);
  assert.match(header, /"h":\{"dtype":"F16","shape":\[3\],"data_offsets":\[2,8\]\}/);
  const back = nn.decodeSafetensors(bytes).tensors;
  assert.equal(back.h!.dtype, "f16");
  assert.equal(back.g!.dtype, "bf16");
  assert.deepEqual(back.h!.toArray(), [1, -2.5, 65504]);
  assert.deepEqual([...new Uint16Array(back.g!.toBytes().buffer)], [0x3dcd]);
});

test("safetensors I64 keeps s64 integers exactly, beyond 2^53", () => {
  const values = new BigInt64Array([2n ** 53n + 1n, -(2n ** 63n)]);
  const bytes = nn.encodeSafetensors({ n: nx.tensor(values) });
  const header = new TextDecoder().decode(bytes.subarray(8, bytes.length - 16));
  assert.match(header, /"n":\{"dtype":"I64","shape":\[2\],"data_offsets":\[0,16\]\}/);
  const back = nn.decodeSafetensors(bytes).tensors.n!;
  assert.equal(back.dtype, "s64");
  assert.deepEqual(new BigInt64Array(back.toBytes().buffer), values);
});
