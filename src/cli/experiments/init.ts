// Weight initialisation: zeros, small normal (std 0.01), Xavier and He on the
// same network and data; loss curves side by side.
import { ClassifierHead, type InitFn, type InitScheme, MLP, init } from "../../nn/index.js";
import { lineChart, toSvg } from "../../report/index.js";
import { type ExperimentResult, type ExperimentSettings, type TrainedRun, cell, divergedCell, lossSeries, trainRun } from "./common.js";

const smallNormal: InitFn = (weight, rng) => { init.normal(weight, 0, 0.01, { rng }); };

const SCHEMES: readonly [string, InitScheme | InitFn][] = [
  ["zeros", "zeros"],
  ["small normal (std 0.01)", smallNormal],
  ["Xavier", "xavier"],
  ["He", "he"],
];

/** The epoch whose loss the table shows beside the final one. */
const EARLY_EPOCH = 50;

export async function initExperiment(settings: ExperimentSettings): Promise<ExperimentResult> {
  const head = new ClassifierHead({ output: "sigmoid", loss: "bce", classes: 2 });
  const runs: TrainedRun[] = [];
  for (const [label, scheme] of SCHEMES) {
    if (settings.shouldStop()) break;
    const model = new MLP({ sizes: [settings.data.features, 16, 16, 1], activation: "tanh", outputActivation: head.output, init: scheme, seed: settings.seed });
    runs.push(await trainRun(label, model, head, settings, { lr: 0.5 }));
  }
  return {
    title: "Weight initialisation",
    about: "A 2-16-16-1 tanh MLP (SGD lr 0.5, BCE) from four initialisations. With all-zero weights every hidden unit gets the same (zero) gradient, so the hidden layers never learn; tiny weights start on a plateau of near-zero gradients; Xavier and He start learning at once.",
    // "-" at epoch 50 when the run was shorter (--epochs) or stopped before it.
    table: { header: ["init", "test accuracy", "final loss", `loss at epoch ${EARLY_EPOCH}`, "diverged at epoch"], rows: runs.map((r) => [r.label, cell(r.testAccuracy), cell(r.finalLoss), cell(r.records[EARLY_EPOCH - 1]?.loss), divergedCell(r)]) },
    pictures: [{ file: "init-loss.svg", title: "Loss by initialisation", caption: "training loss per epoch", svg: toSvg(lineChart({ title: "Training loss by weight initialisation", xLabel: "Epoch", yLabel: "BCE loss", series: lossSeries(runs) })) }],
  };
}
