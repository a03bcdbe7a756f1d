// Sigmoid vs tanh vs ReLU hidden layers on the same problem, same seed, same
// init and learning rate: loss curves and decision boundaries.
import { type ActivationName, ClassifierHead, MLP } from "../../nn/index.js";
import { lineChart, smallMultiples, toSvg } from "../../report/index.js";
import { type ExperimentResult, type ExperimentSettings, type TrainedRun, boundaryPanel, cell, divergedCell, lossSeries, trainRun } from "./common.js";

const COMPARED: readonly ActivationName[] = ["sigmoid", "tanh", "relu"];

export async function activationsExperiment(settings: ExperimentSettings): Promise<ExperimentResult> {
  const head = new ClassifierHead({ output: "sigmoid", loss: "bce", classes: 2 });
  const runs: TrainedRun[] = [];
  for (const activation of COMPARED) {
    if (settings.shouldStop()) break;
    const model = new MLP({ sizes: [settings.data.features, 16, 16, 1], activation, outputActivation: head.output, init: "xavier", seed: settings.seed });
    runs.push(await trainRun(activation, model, head, settings, { lr: 0.5 }));
  }
  const panels = runs.map((r) => boundaryPanel(r, settings.data, r.label));
  return {
    title: "Activation functions",
    about: "A 2-16-16-1 MLP with sigmoid, tanh or ReLU hidden layers (Xavier init, SGD lr 0.5, BCE). Sigmoid's derivative is at most 0.25, so its loss falls slowest; tanh and ReLU learn faster.",
    table: { header: ["activation", "test accuracy", "final loss", "diverged at epoch", "time"], rows: runs.map((r) => [r.label, cell(r.testAccuracy), cell(r.finalLoss), divergedCell(r), `${r.seconds.toFixed(2)} s`]) },
    pictures: [
      { file: "activations-loss.svg", title: "Loss by activation", caption: "training loss per epoch", svg: toSvg(lineChart({ title: "Training loss by hidden activation", xLabel: "Epoch", yLabel: "BCE loss", series: lossSeries(runs) })) },
      { file: "activations-boundaries.svg", title: "Decision boundaries by activation", caption: "test points on the predicted probability", svg: toSvg(smallMultiples("Decision boundary by hidden activation", panels, 3)) },
    ],
  };
}
