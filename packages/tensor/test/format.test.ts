import { test } from "node:test";
import assert from "node:assert/strict";
import { formatNumber, formatTensor, formatType } from "../src/format.js";

const lines = (...ls: string[]) => ls.join("\n");

test("formatType", () => {
  assert.equal(formatType([], "f32"), "f32");
  assert.equal(formatType([2, 3], "f32"), "f32[2][3]");
  assert.equal(formatType([0], "u8"), "u8[0]");
  assert.equal(formatType([4, 1, 2], "s32"), "s32[4][1][2]");
});

test("scalar", () => {
  assert.equal(formatTensor([], "f32", new Float32Array([3.5])), "Tensor<\n  f32\n  3.5\n>");
  assert.equal(formatTensor([], "s32", [-7]), "Tensor<\n  s32\n  -7\n>");
});

test("vector", () => {
  assert.equal(
    formatTensor([3], "s32", new Int32Array([1, 2, 3])),
    "Tensor<\n  s32[3]\n  [1, 2, 3]\n>",
  );
  assert.equal(
    formatTensor([3], "f64", [1, -2.5, 0.25]),
    lines("Tensor<", "  f64[3]", "  [1.0, -2.5, 0.25]", ">"),
  );
});

test("matrix", () => {
  assert.equal(
    formatTensor([2, 3], "f32", new Float32Array([1, 2, 3, 4, 5, 6])),
    lines(
      "Tensor<",
      "  f32[2][3]",
      "  [",
      "    [1.0, 2.0, 3.0],",
      "    [4.0, 5.0, 6.0]",
      "  ]",
      ">",
    ),
  );
});

test("rank 3 with a custom name", () => {
  assert.equal(
    formatTensor(
      [2, 2, 3],
      "u32",
      new Uint32Array(12).map((_, i) => i),
      { name: "Nx.Tensor" },
    ),
    lines(
      "Nx.Tensor<",
      "  u32[2][2][3]",
      "  [",
      "    [",
      "      [0, 1, 2],",
      "      [3, 4, 5]",
      "    ],",
      "    [",
      "      [6, 7, 8],",
      "      [9, 10, 11]",
      "    ]",
      "  ]",
      ">",
    ),
  );
});

test("rank 4 keeps 2 spaces per level", () => {
  assert.equal(
    formatTensor([1, 1, 1, 2], "s32", [4, 2]),
    lines(
      "Tensor<",
      "  s32[1][1][1][2]",
      "  [",
      "    [",
      "      [",
      "        [4, 2]",
      "      ]",
      "    ]",
      "  ]",
      ">",
    ),
  );
});

test("u8 mask", () => {
  assert.equal(
    formatTensor([2, 2], "u8", new Uint8Array([1, 0, 0, 1])),
    lines("Tensor<", "  u8[2][2]", "  [", "    [1, 0],", "    [0, 1]", "  ]", ">"),
  );
});

test("f32 0.1 prints as 0.1, not its float64 expansion", () => {
  const f = new Float32Array([0.1]);
  assert.equal(f[0], 0.10000000149011612);
  assert.equal(formatNumber(f[0]!, "f32"), "0.1");
  assert.equal(formatTensor([1], "f32", f), "Tensor<\n  f32[1]\n  [0.1]\n>");
  // Values not exactly representable are first rounded to float32.
  assert.equal(formatNumber(1 / 3, "f32"), "0.33333334");
  assert.equal(formatNumber(123456789, "f32"), "123456790.0");
  assert.equal(formatNumber(3.4028234663852886e38, "f32"), "3.4028235e38");
});

test("f64 0.1 prints as 0.1", () => {
  assert.equal(formatNumber(0.1, "f64"), "0.1");
  assert.equal(formatNumber(1 / 3, "f64"), "0.3333333333333333");
  assert.equal(formatNumber(0.1 + 0.2, "f64"), "0.30000000000000004");
  assert.equal(formatTensor([], "f64", [0.1]), "Tensor<\n  f64\n  0.1\n>");
});

test("floats always show a decimal point; tiny and huge use exponent form", () => {
  assert.equal(formatNumber(1, "f32"), "1.0");
  assert.equal(formatNumber(-2.5, "f32"), "-2.5");
  assert.equal(formatNumber(0, "f64"), "0.0");
  assert.equal(formatNumber(-0, "f64"), "-0.0");
  assert.equal(formatNumber(100, "f64"), "100.0");
  assert.equal(formatNumber(1e-10, "f64"), "1.0e-10");
  assert.equal(formatNumber(1e-10, "f32"), "1.0e-10");
  assert.equal(formatNumber(-2.5e-7, "f64"), "-2.5e-7");
  assert.equal(formatNumber(1e21, "f64"), "1.0e21");
  assert.equal(formatNumber(1.5e30, "f32"), "1.5e30");
  assert.equal(formatNumber(1e-6, "f64"), "0.000001");
});

test("NaN and infinities", () => {
  for (const dt of ["f32", "f64"] as const) {
    assert.equal(formatNumber(NaN, dt), "NaN");
    assert.equal(formatNumber(Infinity, dt), "Inf");
    assert.equal(formatNumber(-Infinity, dt), "-Inf");
  }
  assert.equal(
    formatTensor([3], "f32", new Float32Array([NaN, Infinity, -Infinity])),
    "Tensor<\n  f32[3]\n  [NaN, Inf, -Inf]\n>",
  );
});

test("integers print plainly", () => {
  assert.equal(formatNumber(42, "s32"), "42");
  assert.equal(formatNumber(-2147483648, "s32"), "-2147483648");
  assert.equal(formatNumber(4294967295, "u32"), "4294967295");
  assert.equal(formatNumber(255, "u8"), "255");
});

test("empty tensors", () => {
  assert.equal(formatTensor([0], "f32", new Float32Array(0)), "Tensor<\n  f32[0]\n  []\n>");
  assert.equal(
    formatTensor([2, 0], "f32", new Float32Array(0)),
    lines("Tensor<", "  f32[2][0]", "  [", "    [],", "    []", "  ]", ">"),
  );
  assert.equal(formatTensor([0, 3], "s32", []), "Tensor<\n  s32[0][3]\n  []\n>");
});

test("large tensor is truncated after `limit` (default 50) values", () => {
  const data = new Float32Array(1000).map((_, i) => i);
  const row0 = Array.from({ length: 50 }, (_, i) => `${i}.0`).join(", ");
  assert.equal(
    formatTensor([10, 100], "f32", data),
    lines("Tensor<", "  f32[10][100]", "  [", `    [${row0}, ...],`, "    ...", "  ]", ">"),
  );
  assert.equal(
    formatTensor(
      [1000],
      "s32",
      new Int32Array(1000).map((_, i) => i),
      { limit: 5 },
    ),
    "Tensor<\n  s32[1000]\n  [0, 1, 2, 3, 4, ...]\n>",
  );
});

test("truncation mid-row and at a row boundary (Nx semantics)", () => {
  const data = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  assert.equal(
    formatTensor([3, 3], "s32", data, { limit: 4 }),
    lines(
      "Tensor<",
      "  s32[3][3]",
      "  [",
      "    [0, 1, 2],",
      "    [3, ...],",
      "    ...",
      "  ]",
      ">",
    ),
  );
  assert.equal(
    formatTensor([3, 3], "s32", data, { limit: 3 }),
    lines("Tensor<", "  s32[3][3]", "  [", "    [0, 1, 2],", "    ...", "  ]", ">"),
  );
  // Exactly `limit` values: nothing is elided.
  assert.equal(
    formatTensor([3, 3], "s32", data, { limit: 9 }),
    lines(
      "Tensor<",
      "  s32[3][3]",
      "  [",
      "    [0, 1, 2],",
      "    [3, 4, 5],",
      "    [6, 7, 8]",
      "  ]",
      ">",
    ),
  );
  assert.equal(
    formatTensor([2, 2, 2], "s32", data, { limit: 3 }),
    lines(
      "Tensor<",
      "  s32[2][2][2]",
      "  [",
      "    [",
      "      [0, 1],",
      "      [2, ...]",
      "    ],",
      "    ...",
      "  ]",
      ">",
    ),
  );
  const big = new Int32Array(200);
  assert.equal(formatTensor([200], "s32", big, { limit: Infinity }).split(", ").length, 200);
});

test("template: no data", () => {
  assert.equal(
    formatTensor([1, 4], "f32", undefined),
    "Tensor<\n  f32[1][4]\n  (template: no data)\n>",
  );
  assert.equal(formatTensor([], "s32", undefined), "Tensor<\n  s32\n  (template: no data)\n>");
});

test("errors: bad shape, too little data", () => {
  assert.throws(() => formatTensor([-1], "f32", []), RangeError);
  assert.throws(() => formatTensor([1.5], "f32", []), RangeError);
  assert.throws(() => formatTensor([3], "f32", [1, 2]), RangeError);
  assert.throws(() => formatTensor([], "f32", []), RangeError);
});
