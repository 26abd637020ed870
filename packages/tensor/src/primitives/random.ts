/** The one random primitive: Threefry-2x32 bits from a key, counter-based and stateless. */
import { definePrimitive, noDerivative } from "../primitive.js";
import { formatType } from "../format.js";
import { sizeOf } from "../shape.js";
import { randomBits as bitsKernel } from "../kernels/threefry.js";

/** u32 random words of `shape` from a u32[2] key (JAX's threefry counter layout). */
export const randomBits = definePrimitive<{ shape: readonly number[] }>({
  name: "randomBits",
  infer: ([key], { shape }) => {
    if (key!.dtype !== "u32" || key!.shape.length !== 1 || key!.shape[0] !== 2) {
      throw new TypeError(
        `random: a key is a u32[2] tensor made by random.key(seed), got ${formatType(key!.shape, key!.dtype)}`,
      );
    }
    return { shape, dtype: "u32" };
  },
  vjp: noDerivative("its result is random u32 bits"),
  lowering: {
    kind: "call",
    call: ({ shape }) => ({
      kernel: keyedBits,
      args: [{ output: true }, { input: 0 }, sizeOf(shape)],
    }),
  },
});

/** `n` random words from the u32[2] `key`. */
function keyedBits(out: Uint32Array, key: Uint32Array, n: number): void {
  bitsKernel(out, key[0]!, key[1]!, n);
}
