// The lab exercise "set the learning rate to 1.0, what happens?": the same
// network trained with learning rates from 0.01 to 1.0 (and more with --rates).
import { ClassifierHead, MLP } from "../../nn/index.js";
import { lineChart, toSvg } from "../../report/index.js";
import { type ExperimentResult, type ExperimentSettings, type TrainedRun, cell, divergedCell, lossSeries, trainRun } from "./common.js";

export async function learningRates(settings: ExperimentSettings, rates: readonly number[]): Promise<ExperimentResult> {
  const head = new ClassifierHead({ output: "sigmoid", loss: "bce", classes: 2 });
  const runs: TrainedRun[] = [];
  for (const lr of rates) {
    if (settings.shouldStop()) break;
    // The lab's network: 2 -> 4 ReLU -> 1 sigmoid, BCE, plain gradient descent.
    const model = new MLP({ sizes: [settings.data.features, 4, 1], activation: "relu", outputActivation: head.output, init: "xavier", seed: settings.seed });
    runs.push(await trainRun(`lr ${lr}`, model, head, settings, { lr }));
  }
  const finite = runs.flatMap((r) => r.records.map((e) => e.loss)).filter(Number.isFinite);
  return {
    title: "Learning rate",
    about: "The lab's 2-4-1 network (ReLU hidden, sigmoid output, BCE) trained by full-batch gradient descent at each learning rate. Too small crawls; larger steps converge faster until the loss starts to oscillate or jump.",
    table: { header: ["learning rate", "test accuracy", "final loss", "diverged at epoch"], rows: runs.map((r, i) => [String(rates[i]), cell(r.testAccuracy), cell(r.finalLoss), divergedCell(r)]) },
    pictures: [
      { file: "lr-loss.svg", title: "Loss by learning rate", caption: "training loss per epoch", svg: toSvg(lineChart({ title: "Training loss by learning rate", xLabel: "Epoch", yLabel: "BCE loss", series: lossSeries(runs) })) },
      { file: "lr-loss-log.svg", title: "Loss by learning rate (log scale)", caption: "the same curves on a log axis, where oscillation shows", svg: toSvg(lineChart({ title: "Training loss by learning rate (log scale)", xLabel: "Epoch", yLabel: "BCE loss", logY: finite.every((v) => v > 0), series: lossSeries(runs) })) },
    ],
  };
}
