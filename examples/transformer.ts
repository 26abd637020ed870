// A small transformer block trained on a toy sequence task: each position must name the token one
// step before it (the first names itself), which a model can only do by attending to the previous
// position. Tokens (6 kinds, sequences of 8) come one-hot with a one-hot position beside them;
//   dense 32 → x + attention(rmsNorm x) (4 heads of 8, causal) → x + mlp(rmsNorm x) (64 relu → 32)
//   → dense 6 (logits per position)
// trained with sparse cross-entropy from logits (Adam 3e-3, batch 32, shuffled, 6 epochs of 2,048
// sequences), then scored on 512 new sequences. When this was written it reached an accuracy of
// 1.000 on them with seed 0.
//
//   node --conditions=development --import tsx examples/transformer.ts [--epochs N] [--seed S]
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { nx, nn } from "dendrite";

const VOCAB = 6;
const TIME = 8;

/** `n` random sequences: inputs `[n, TIME, VOCAB + TIME]` and targets `[n, TIME]` (s32). */
export function previousTokenTask(n: number, seed: number): { x: nx.Tensor; y: nx.Tensor } {
  const tokens = nx.random.randint(nx.random.key(seed), [n, TIME], { min: 0, max: VOCAB });
  const onehot = nx.oneHot(tokens, VOCAB, { dtype: "f32" });
  const positions = nx.broadcast(nx.eye(TIME, { dtype: "f32" }), [n, TIME, TIME]);
  const previous = nx.concatenate(
    [nx.sliceAlong(tokens, 0, 1, { axis: 1 }), nx.sliceAlong(tokens, 0, TIME - 1, { axis: 1 })],
    { axis: 1 },
  );
  return { x: nx.concatenate([onehot, positions], { axis: 2 }), y: nx.asType(previous, "s32") };
}

/** The model: one pre-norm transformer block between an input and an output projection. */
export function transformerModel(): nn.Model {
  const x = nn.input("sequence", [null, TIME, VOCAB + TIME]).dense(32);
  const attended = nn.add([x, x.rmsNorm().multiHeadAttention(4, 8, { causal: true })]);
  const mlp = attended.rmsNorm().dense(64, { activation: "relu" }).dense(32);
  return nn.add([attended, mlp]).dense(VOCAB);
}

/** What one run measured. */
export interface TransformerReport {
  firstLoss: number;
  lastLoss: number;
  /** Share of the test sequences' positions whose most probable token is the right one. */
  testAccuracy: number;
}

/** Trains the block and scores it on new sequences. */
export async function runTransformer(
  options: { seed?: number; epochs?: number; log?: boolean } = {},
): Promise<TransformerReport> {
  const seed = options.seed ?? 0;
  const train = previousTokenTask(2048, seed + 1);
  const test = previousTokenTask(512, seed + 2);
  const model = transformerModel();
  const loss = (yTrue: nx.Tensor, yPred: nx.Tensor) =>
    nn.losses.categoricalCrossEntropy(yTrue, yPred, { sparse: true, fromLogits: true });
  const { modelState, state } = await nn
    .trainer(model, loss, nn.optimizers.adam({ learningRate: 3e-3 }), {
      seed,
      log: options.log === false ? 0 : undefined,
    })
    .run(nn.batches(train.x, train.y, { batchSize: 32, shuffle: true, seed }), undefined, {
      epochs: options.epochs ?? 6,
    });
  const predicted = nx.argmax(nn.predict(model, modelState, test.x), { axis: 2 });
  const testAccuracy = nx.mean(nx.asType(nx.equal(predicted, test.y), "f32")).toNumber();
  return {
    firstLoss: state.history[0]!.loss!,
    lastLoss: state.history.at(-1)!.loss!,
    testAccuracy,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const { values } = parseArgs({
    options: { epochs: { type: "string" }, seed: { type: "string" } },
  });
  const r = await runTransformer({
    epochs: values.epochs ? Number(values.epochs) : undefined,
    seed: values.seed ? Number(values.seed) : 0,
  });
  console.log(
    `loss ${r.firstLoss.toFixed(4)} → ${r.lastLoss.toFixed(4)}; test accuracy ${r.testAccuracy.toFixed(4)}`,
  );
}
