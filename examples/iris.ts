// The first seed post, in TypeScript: Iris loaded and normalised, charted (scatter, facets, a
// 4×4 scatter matrix), turned into tensors, a softmax model trained on it with handlers collecting
// loss and accuracy, and those histories charted — plus what the post did not have: a live chart
// while training (`--live`), a confusion matrix and a classical baseline.
//
//   node --conditions=development --import tsx examples/iris.ts [--live]
import { mkdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { nx, nn, data, learn, plot, live } from "dendrite";

/** What the example measured, for the report. */
export interface IrisReport {
  firstRow: { sepal_length: number; sepal_width: number };
  table: string;
  finalLoss: number;
  finalAccuracy: number;
  logisticRegressionAccuracy: number;
  charts: string[];
}

/** Runs the first post end to end, writing its charts under `outDir`. */
export async function runIris(outDir = "out/iris", options: { live?: boolean } = {}) {
  mkdirSync(outDir, { recursive: true });
  const charts: string[] = [];
  const save = async (chart: plot.Chart, name: string) => {
    for (const ext of ["svg", "png"]) await chart.save(`${outDir}/${name}.${ext}`);
    charts.push(`${outDir}/${name}.svg`);
  };

  // Explorer.Datasets.iris(), species as a category, every feature column normalised with `across`.
  const cols = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
  const iris = data.standardize(data.datasets.iris(), cols, { scale: "variance" });
  const firstRow = {
    sepal_length: iris.getColumn("sepal_length").get(0) as number,
    sepal_width: iris.getColumn("sepal_width").get(0) as number,
  };
  console.log(iris.head(5).toString());

  // The post's charts.
  const sepals = plot
    .vl()
    .mark("point", { size: 120, filled: true })
    .encodeField("x", "sepal_length", {
      type: "quantitative",
      title: "sepal length",
      scale: { zero: false },
    })
    .encodeField("y", "sepal_width", {
      type: "quantitative",
      title: "sepal width",
      scale: { zero: false },
    })
    .encodeField("shape", "species", {
      type: "nominal",
      scale: { range: ["circle", "cross", "square"] },
    })
    .encodeField("color", "species", {
      type: "nominal",
      scale: { range: ["blue", "red", "green"] },
    });
  const sepalData = iris.select("sepal_length", "sepal_width", "species");
  await save(
    sepals.props({ width: 640, height: 480, title: "Iris sepals" }).dataFromValues(sepalData),
    "sepal-scatter",
  );
  await save(
    plot
      .vl({ title: "Sepals by species" })
      .dataFromValues(sepalData)
      .facet({ field: "species" }, sepals),
    "sepal-facet",
  );
  await save(
    plot
      .vl({ title: "Normalised Iris features" })
      .dataFromValues(iris)
      .repeat(
        { row: cols, column: [...cols].reverse() },
        plot
          .vl({ width: 150, height: 150 })
          .mark("point", { filled: true })
          .encodeRepeat("x", "column", { type: "quantitative", scale: { zero: false } })
          .encodeRepeat("y", "row", { type: "quantitative", scale: { zero: false } })
          .encodeField("shape", "species", {
            type: "nominal",
            scale: { range: ["circle", "cross", "square"] },
          })
          .encodeField("color", "species", {
            type: "nominal",
            scale: { range: ["#04c4ca", "#f3ce75", "#e2a099"] },
          }),
      ),
    "scatter-matrix",
  );

  // Nx.stack(df[cols], axis: -1) and the one-hot targets.
  const x = data.toTensor(iris, cols);
  const y = nx.equal(
    data.toTensor(iris, "species").reshape([-1, 1]),
    nx.iota([1, 3], { axis: -1 }),
  );

  const model = nn.input("iris_features", [null, 4]).dense(3, { activation: "softmax" });
  const table = String(nn.display.asTable(model, nx.template([1, 4], "f32")));
  console.log(table);

  // Train: Adam 1e-3, full batch repeated 300 times per epoch, 20 epochs; a handler collects the
  // histories into the handler metadata, as the post's `metadata_collector` does. The result
  // depends on the initial weights: most seeds end at 145/150 (0.9667), seed 2 (as in the nn
  // tests) at the post's 146/150.
  const chart = options.live
    ? live.chart(
        plot
          .vl({ width: 480, height: 240, title: "Iris accuracy (live)" })
          .mark("line")
          .encodeField("x", "step", { type: "quantitative" })
          .encodeField("y", "accuracy", { type: "quantitative" }),
      )
    : undefined;
  const loop = nn
    .trainer(model, "categoricalCrossEntropy", nn.optimizers.adam({ learningRate: 1e-3 }), {
      seed: 2,
    })
    .metric("accuracy")
    .handleEvent("epochCompleted", (state) => {
      const meta = state.handlerMetadata as {
        epochs?: { epoch_index: number; loss_history: number; accuracy_history: number }[];
      };
      (meta.epochs ??= []).push({
        epoch_index: state.epoch,
        loss_history: state.metrics.loss!,
        accuracy_history: state.metrics.accuracy!,
      });
    });
  if (chart) loop.plot(chart, "accuracy", { filter: { every: 20 } });
  const { modelState, state } = await loop.run(nn.repeat([x, y]), undefined, {
    epochs: 20,
    iterations: 300,
  });
  const history = (
    state.handlerMetadata as {
      epochs: { epoch_index: number; loss_history: number; accuracy_history: number }[];
    }
  ).epochs;

  // The post's loss line and the loss + accuracy layers.
  const loss = plot
    .vl()
    .mark("line", { color: "red", interpolate: "natural" })
    .encodeField("x", "epoch_index", { type: "quantitative", title: "Epoch" })
    .encodeField("y", "loss_history", {
      type: "quantitative",
      title: "Loss",
      scale: { zero: false },
    });
  const accuracy = plot
    .vl()
    .mark("line", { interpolate: "natural" })
    .encodeField("x", "epoch_index", { type: "quantitative", title: "Epoch" })
    .encodeField("y", "accuracy_history", {
      type: "quantitative",
      title: "Accuracy",
      scale: { zero: false },
    });
  await save(
    loss.props({ width: 640, height: 480, title: "Training loss" }).dataFromValues(history),
    "loss",
  );
  await save(
    plot
      .vl({ width: 640, height: 480, title: "Loss and accuracy" })
      .dataFromValues(history)
      .layers([loss, accuracy])
      .resolve("scale", { y: "independent" }),
    "loss-accuracy",
  );

  // Beyond the post: the confusion matrix, and a classical baseline on the same data.
  const predicted = nx.argmax(nn.predict(model, modelState, x), { axis: 1 });
  const labels = data.toTensor(iris, "species");
  const names = ["setosa", "versicolor", "virginica"];
  await save(
    plot.setTitle(
      plot.heatmap(learn.metrics.confusionMatrix(labels, predicted, { numClasses: 3 }), {
        labels: names,
        rowTitle: "actual",
        columnTitle: "predicted",
      }),
      "Softmax model: confusion matrix",
    ),
    "confusion-matrix",
  );
  const logistic = learn.LogisticRegression.fit(x, labels);
  const last = history[history.length - 1]!;
  const report: IrisReport = {
    firstRow,
    table,
    finalLoss: last.loss_history,
    finalAccuracy: learn.metrics.accuracy(labels, predicted).toNumber(),
    logisticRegressionAccuracy: learn.metrics.accuracy(labels, logistic.predict(x)).toNumber(),
    charts,
  };
  console.log(
    `final loss ${report.finalLoss.toFixed(4)}, accuracy ${report.finalAccuracy.toFixed(4)} ` +
      `(the post: 0.9733); logistic regression: ${report.logisticRegressionAccuracy.toFixed(4)}`,
  );
  return report;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const withLive = process.argv.includes("--live");
  await runIris("out/iris", { live: withLive });
  if (withLive) await live.untilClosed();
}
