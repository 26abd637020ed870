/**
 * ONNX's Attention (opset 23–24): scaled dot-product attention over 3D ([batch, seq, heads·size])
 * or 4D ([batch, heads, seq, size]) inputs, with a key/value cache, boolean or additive masks,
 * causal masking, grouped-query heads, soft-capping and the optional QK output.
 */
import * as nx from "@dendrite/tensor";
import { defineOp } from "../context.js";

/** [B, S, heads·size] → [B, heads, S, size]. */
function splitHeads(x: nx.Tensor, heads: number): nx.Tensor {
  const [b, s, hidden] = x.shape as [number, number, number];
  return nx.transpose(nx.reshape(x, [b, s, heads, hidden / heads]), [0, 2, 1, 3]);
}

/** Each of the `kv` heads repeated `groups` times in place: [h0, h0, h1, h1, …]. */
function repeatHeads(x: nx.Tensor, groups: number): nx.Tensor {
  if (groups === 1) return x;
  const [b, h, s, d] = x.shape as [number, number, number, number];
  const wide = nx.broadcast(nx.reshape(x, [b, h, 1, s, d]), [b, h, groups, s, d]);
  return nx.reshape(wide, [b, h * groups, s, d]);
}

defineOp("Attention", (ctx) => {
  const causal = ctx.int("is_causal", 0) === 1;
  const qHeadsAttr = ctx.int("q_num_heads");
  const kvHeadsAttr = ctx.int("kv_num_heads");
  const scaleAttr = ctx.float("scale");
  const softcap = ctx.float("softcap", 0);
  const mode = ctx.int("qk_matmul_output_mode", 0);
  return ([q0, k0, v0, mask0, pastKey, pastValue, nonpad]) => {
    const threeD = q0!.rank === 3;
    if (threeD && (qHeadsAttr === undefined || kvHeadsAttr === undefined))
      throw ctx.error("3D inputs need the q_num_heads and kv_num_heads attributes");
    const q = threeD ? splitHeads(q0!, qHeadsAttr!) : q0!;
    let k = threeD ? splitHeads(k0!, kvHeadsAttr!) : k0!;
    let v = threeD ? splitHeads(v0!, kvHeadsAttr!) : v0!;
    if (pastKey) k = nx.concatenate([pastKey, k], { axis: 2 });
    if (pastValue) v = nx.concatenate([pastValue, v], { axis: 2 });
    const presentKey = k;
    const presentValue = v;
    const [batch, qHeads, qLen, headSize] = q.shape as [number, number, number, number];
    const kvLen = k.shape[2]!;
    const dtype = q.dtype;
    const scale = scaleAttr ?? 1 / Math.sqrt(headSize);

    // The additive bias [.., qLen, kvLen]: the mask (padded to kvLen), causal and padding masks.
    let bias: nx.Tensor = nx.zeros([qLen, kvLen], { dtype });
    if (mask0) {
      const isBool = mask0.dtype === "u8";
      let mask = mask0;
      const short = kvLen - mask.shape.at(-1)!;
      if (short > 0)
        mask = nx.pad(
          mask,
          isBool ? 0 : -Infinity,
          mask.shape.map((_, i) => (i === mask.rank - 1 ? [0, short, 0] : [0, 0, 0])),
        );
      bias = isBool
        ? nx.select(mask, nx.zeros([], { dtype }), nx.full([], -Infinity, { dtype }))
        : nx.add(bias, nx.asType(mask, dtype));
    }
    if (causal) {
      const i = nx.iota([qLen, kvLen], { axis: 0 });
      const j = nx.iota([qLen, kvLen], { axis: 1 });
      const minusInf = nx.full([], -Infinity, { dtype });
      if (!pastKey && nonpad) {
        // Per batch, keys up to i + (nonpad[b] − qLen).
        const offsets = nx.reshape(nx.subtract(nx.asType(nonpad, "s32"), qLen), [batch, 1, 1, 1]);
        const allowed = nx.lessEqual(j, nx.add(i, offsets));
        bias = nx.add(bias, nx.select(allowed, nx.zeros([], { dtype }), minusInf));
      } else {
        const offset = pastKey ? pastKey.shape[2]! : 0;
        const allowed = nx.lessEqual(j, nx.add(i, offset));
        bias = nx.add(bias, nx.select(allowed, nx.zeros([], { dtype }), minusInf));
      }
    }
    if (nonpad) {
      const j = nx.iota([1, kvLen], { axis: 1 });
      const valid = nx.less(j, nx.reshape(nx.asType(nonpad, "s32"), [batch, 1]));
      const pad = nx.select(valid, nx.zeros([], { dtype }), nx.full([], -Infinity, { dtype }));
      bias = nx.add(bias, nx.reshape(pad, [batch, 1, 1, kvLen]));
    }

    const kvHeads = k.shape[1]!;
    const groups = qHeads !== kvHeads && qHeads % kvHeads === 0 ? qHeads / kvHeads : 1;
    k = repeatHeads(k, groups);
    v = repeatHeads(v, groups);
    let qk = nx.multiply(nx.matmul(q, nx.transpose(k, [0, 1, 3, 2])), scale);
    if (softcap > 0) qk = nx.multiply(nx.tanh(nx.divide(qk, softcap)), softcap);
    const withBias = nx.add(qk, bias);
    // A softmax whose fully masked rows are zeros rather than NaN (ONNX's reference).
    const last = withBias.rank - 1;
    const max = nx.reduceMax(withBias, { axes: [last], keepAxes: true });
    const finiteMax = nx.select(nx.isInfinite(max), nx.zerosLike(max), max);
    const e = nx.exp(nx.subtract(withBias, finiteMax));
    const total = nx.sum(e, { axes: [last], keepAxes: true });
    const probs = nx.select(nx.equal(total, 0), nx.zerosLike(e), nx.divide(e, total));
    let y = nx.matmul(probs, v);
    if (threeD) {
      const [b, h, s, d] = y.shape as [number, number, number, number];
      y = nx.reshape(nx.transpose(y, [0, 2, 1, 3]), [b, s, h * d]);
    }
    const qkOut = mode === 2 ? withBias : mode === 3 ? probs : qk;
    return [y, presentKey, presentValue, qkOut];
  };
});
