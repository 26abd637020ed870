// The Auto MPG example's study of the post's first model (7 → 1 relu → 1, unscaled features),
// on a few seeds: what has to hold whatever the random numbers are. A unit dead at initialisation
// gets no gradient, so it is still dead after training and the prediction is a constant (R² < 0);
// about a third of glorot-uniform kernels leave the unit dead on these features.
import { test } from "node:test";
import assert from "node:assert/strict";
import { data } from "dendrite";
import { describeFirstModel, explainFirstModel, studyFirstModel } from "../examples/auto-mpg.js";

test("auto-mpg example: the post's first model, seed by seed", async () => {
  const cars = data.datasets.autoMpg().dropNulls("horsepower");
  const study = await studyFirstModel(cars, { seeds: 4, draws: 4000 });
  assert.deepEqual(
    study.runs.map((r) => r.seed),
    [0, 1, 2, 3],
  );
  for (const r of study.runs) {
    assert.ok(r.activeAtInit >= 0 && r.activeAtInit <= 1, `seed ${r.seed}: a share`);
    assert.ok(Number.isFinite(r.testR2) && Number.isFinite(r.testMae), `seed ${r.seed}: scored`);
    if (r.activeAtInit === 0) {
      assert.equal(r.activeAfter, 0, `seed ${r.seed}: a dead unit stays dead`);
      assert.ok(r.testR2 < 0, `seed ${r.seed}: a constant prediction scores R² < 0`);
    }
  }
  const { deadAtInit, onNegative, onPositive } = study.groups;
  assert.equal(deadAtInit.seeds + onNegative.seeds + onPositive.seeds, 4);
  assert.equal(deadAtInit.seeds, study.deadAtInit);
  assert.ok(
    study.deadAtInitChance > 0.25 && study.deadAtInitChance < 0.45,
    `dead at initialisation ${study.deadAtInitChance}`,
  );
  assert.equal(study.standardisedR2.length, 4);
  assert.equal(study.postR2.toFixed(2), "0.59");
  const text = explainFirstModel(study).join("\n");
  assert.match(text, /Over seeds 0–3: median R² -?\d/);
  assert.match(text, /Axon/);
  assert.equal(describeFirstModel(study).length, 1 + 1 + 4 + 4);
});
