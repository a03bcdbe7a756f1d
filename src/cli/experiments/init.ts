// Weight initialisation: zeros, small normal (std 0.01), Xavier and He on the
// same network and data; loss curves side by side.
import { type InitFn, type InitScheme, MLP, init } from "../../nn/index.js";
import { lineChart, toSvg } from "../../report/index.js";
import { type ExperimentResult, type ExperimentSettings, type TrainedRun, fixed, lossSeries, trainRun } from "./common.js";

const smallNormal: InitFn = (weight, rng) => { init.normal(weight, 0, 0.01, { rng }); };

const SCHEMES: readonly [string, InitScheme | InitFn][] = [
  ["zeros", "zeros"],
  ["small normal (std 0.01)", smallNormal],
  ["Xavier", "xavier"],
  ["He", "he"],
];

export async function initExperiment(settings: ExperimentSettings): Promise<ExperimentResult> {
  const runs: TrainedRun[] = [];
  for (const [label, scheme] of SCHEMES) {
    if (settings.shouldStop()) break;
    const model = new MLP({ sizes: [settings.data.features, 16, 16, 1], activation: "tanh", outputActivation: "sigmoid", init: scheme, seed: settings.seed });
    runs.push(await trainRun(label, model, settings, { lr: 0.5 }));
  }
  return {
    title: "Weight initialisation",
    about: "A 2-16-16-1 tanh MLP (SGD lr 0.5, BCE) from four initialisations. With all-zero weights every hidden unit gets the same (zero) gradient, so the hidden layers never learn; tiny weights start on a plateau of near-zero gradients; Xavier and He start learning at once.",
    table: { header: ["init", "test accuracy", "final loss", "loss at epoch 50"], rows: runs.map((r) => [r.label, fixed(r.testAccuracy), fixed(r.finalLoss), fixed(r.records[49]?.loss ?? NaN)]) },
    pictures: [{ file: "init-loss.svg", title: "Loss by initialisation", caption: "training loss per epoch", svg: toSvg(lineChart({ title: "Training loss by weight initialisation", xLabel: "Epoch", yLabel: "BCE loss", series: lossSeries(runs) })) }],
  };
}
