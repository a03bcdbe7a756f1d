// 000 section 6: one hidden tanh layer of 2, 4, 8, 16 and 32 units on moons,
// 1000 epochs of SGD at lr 0.5; test accuracy, final loss and the decision
// boundary of each.
import { ClassifierHead, MLP } from "../../nn/index.js";
import { smallMultiples, toSvg } from "../../report/index.js";
import { type ExperimentResult, type ExperimentSettings, type TrainedRun, boundaryPanel, cell, divergedCell, trainRun } from "./common.js";

const HIDDEN_SIZES = [2, 4, 8, 16, 32];

export async function hiddenSizes(settings: ExperimentSettings): Promise<ExperimentResult> {
  const head = new ClassifierHead({ output: "sigmoid", loss: "bce", classes: 2 });
  const runs: TrainedRun[] = [];
  for (const h of HIDDEN_SIZES) {
    if (settings.shouldStop()) break;
    const model = new MLP({ sizes: [settings.data.features, h, 1], activation: "tanh", outputActivation: head.output, init: "xavier", seed: settings.seed });
    runs.push(await trainRun(`hidden size ${h}`, model, head, settings, { lr: 0.5 }));
  }
  const panels = runs.map((r) => boundaryPanel(r, settings.data, `Hidden ${r.model.sizes[1]}`));
  return {
    title: "Hidden layer size",
    about: "000 section 6: a 2-h-1 MLP (tanh, sigmoid output, BCE, SGD lr 0.5) for h = 2, 4, 8, 16, 32. More units bend the boundary more; 2 units can only draw a gentle curve.",
    table: { header: ["hidden size", "test accuracy", "final loss", "diverged at epoch"], rows: runs.map((r) => [r.model.sizes[1]!, cell(r.testAccuracy), cell(r.finalLoss), divergedCell(r)]) },
    pictures: [{ file: "hidden-sizes.svg", title: "Decision boundaries by hidden size", caption: "test points on the predicted probability; black line p = 0.5", svg: toSvg(smallMultiples("Decision boundary by hidden layer size", panels, 3)) }],
  };
}
