// reflect: known answers from NumPy 1.24 (numpy.pad(x, ((1, 2), (4, 1)), mode=m) for each mode, run with
// /usr/bin/python3), f64 finite-difference gradients, jit = eager, and the option errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nx from "../src/index.js";
import { assertGradient, rand } from "./gradcheck.js";

const x = nx.tensor([
  [1, 2, 3],
  [4, 5, 6],
]);
const paddingConfig = [
  [1, 2],
  [4, 1],
] as const;

const NUMPY = {
  reflect: [
    [4, 5, 6, 5, 4, 5, 6, 5],
    [1, 2, 3, 2, 1, 2, 3, 2],
    [4, 5, 6, 5, 4, 5, 6, 5],
    [1, 2, 3, 2, 1, 2, 3, 2],
    [4, 5, 6, 5, 4, 5, 6, 5],
  ],
  symmetric: [
    [3, 3, 2, 1, 1, 2, 3, 3],
    [3, 3, 2, 1, 1, 2, 3, 3],
    [6, 6, 5, 4, 4, 5, 6, 6],
    [6, 6, 5, 4, 4, 5, 6, 6],
    [3, 3, 2, 1, 1, 2, 3, 3],
  ],
  edge: [
    [1, 1, 1, 1, 1, 2, 3, 3],
    [1, 1, 1, 1, 1, 2, 3, 3],
    [4, 4, 4, 4, 4, 5, 6, 6],
    [4, 4, 4, 4, 4, 5, 6, 6],
    [4, 4, 4, 4, 4, 5, 6, 6],
  ],
  // With ((1, 2), (4, 0)): NumPy 1.24 wraps a low pad longer than the axis oddly when the high pad
  // is not 0 (np.pad([1, 2, 3], (4, 1), "wrap") starts 1 1 2 3), where (4, 0) gives the periodic
  // answer that PyTorch's circular padding gives too.
  wrap: [
    [6, 4, 5, 6, 4, 5, 6],
    [3, 1, 2, 3, 1, 2, 3],
    [6, 4, 5, 6, 4, 5, 6],
    [3, 1, 2, 3, 1, 2, 3],
    [6, 4, 5, 6, 4, 5, 6],
  ],
} as const;

test("reflect: NumPy's pad modes, padding longer than the axis included", () => {
  for (const [mode, want] of Object.entries(NUMPY)) {
    const config =
      mode === "wrap"
        ? ([
            [1, 2],
            [4, 0],
          ] as const)
        : paddingConfig;
    const got = nx.reflect(x, { paddingConfig: config, reflectionMode: mode as nx.ReflectionMode });
    assert.deepEqual(got.toArray(), want, mode);
    assert.equal(got.dtype, "f32");
  }
  // The default is "reflect"; a single element reflects onto itself (numpy.pad([7], (2, 3), "reflect")).
  assert.deepEqual(nx.reflect(x, { paddingConfig }).toArray(), NUMPY.reflect);
  assert.deepEqual(
    nx.reflect(nx.tensor([7], { dtype: "s32" }), { paddingConfig: [[2, 3]] }).toArray(),
    [7, 7, 7, 7, 7, 7],
  );
  assert.equal(
    nx.reflect(x, {
      paddingConfig: [
        [0, 0],
        [0, 0],
      ],
    }),
    x,
  );
});

test("reflect: gradients sum over the copies (f64 finite differences), jit = eager", () => {
  const w = rand(3, [5, 8]);
  for (const mode of ["reflect", "symmetric", "edge", "wrap"] as const) {
    const f = (t: nx.Tensor) =>
      nx.sum(nx.multiply(nx.reflect(t, { paddingConfig, reflectionMode: mode }), w));
    assertGradient(f, rand(1, [2, 3]));
    const a = rand(2, [2, 3]);
    assert.deepEqual(nx.jit(f)(a).toArray(), f(a).toArray(), mode);
  }
});

test("reflect: errors name the option and the value", () => {
  assert.throws(() => nx.reflect(x, { paddingConfig: [[1, 1]] }), {
    message:
      /^reflect: paddingConfig must have 2 \[low, high\] pairs \(one per axis of f32\[2\]\[3\]\), got \[\[1,1\]\]$/,
  });
  assert.throws(
    () =>
      nx.reflect(x, {
        paddingConfig: [
          [1, 1],
          [-1, 0],
        ],
      }),
    {
      message:
        /^reflect: paddingConfig\[1\] must be two non-negative integers \[low, high\], got \[-1,0\]$/,
    },
  );
  assert.throws(
    () => nx.reflect(x, { paddingConfig, reflectionMode: "mirror" as nx.ReflectionMode }),
    {
      message:
        /^reflect: reflectionMode must be "reflect" or "symmetric" or "edge" or "wrap", got "mirror"$/,
    },
  );
  assert.throws(
    () =>
      nx.reflect(nx.zeros([0, 2]), {
        paddingConfig: [
          [1, 0],
          [0, 0],
        ],
      }),
    {
      message: /^reflect: cannot pad axis 0 of f32\[0\]\[2\]: it has no elements to copy$/,
    },
  );
});
