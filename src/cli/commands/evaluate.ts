// dagrad evaluate: reload a run folder, rebuild its data from the saved seed
// and report loss and accuracy on both parts (and a confusion matrix for
// multi-class tasks), reading the outputs by the run's ClassifierHead.
import { evaluate as evaluateModel, predict } from "../../nn/index.js";
import { confusionCounts } from "../../report/index.js";
import { type CommandSpec, type Values, noPositionals, stringOption } from "../args.js";
import { type Command, print } from "../command.js";
import { readRun } from "../run-folder.js";
import { checkRebuiltData, metricsText, outputsFinite, prepareData, runHead, trainingLoss } from "../setup.js";

const spec: CommandSpec = {
  name: "evaluate",
  summary: "loss and accuracy (R² for regression) of a saved run on its train and test data",
  usage: "dagrad evaluate --run runs/moons",
  options: [{ name: "run", type: "string", value: "DIR", help: "run folder written by dagrad train", default: "runs/moons" }],
  notes: "Example:\n  dagrad evaluate --run runs/moons",
};

async function run({ values, positionals }: { values: Values; positionals: string[] }): Promise<number> {
  noPositionals(spec, positionals);
  const dir = stringOption(values, "run");
  const { config, model } = readRun(dir);
  const head = runHead(dir, config);
  const data = prepareData(config.data);
  checkRebuiltData(dir, config, data);
  print(`Run ${dir}: MLP [${config.model.sizes.join(", ")}] on ${config.data.data} (seed ${config.data.seed})`);
  let scored = true;
  for (const [part, x, labels] of [["Train", data.xTrain, data.labelsTrain], ["Test", data.xTest, data.labelsTest]] as const) {
    if (!outputsFinite(model, [x])) {
      // A loss or accuracy of outputs that are not numbers would be NaN with exit code 0.
      scored = false;
      print(`${`${part}:`.padEnd(6)} ${x.shape[0]} samples, -: the model's outputs are not finite numbers, so it has no loss or accuracy`);
      continue;
    }
    const result = evaluateModel(model, { x, y: head.encode(labels) }, { loss: trainingLoss(head.loss, config.training.reduction), metrics: [...head.metrics] });
    print(`${`${part}:`.padEnd(6)} ${x.shape[0]} samples, loss ${result.loss.toFixed(4)}, ${metricsText(result.metrics)}`);
  }
  if (!scored) return 1;
  if (data.task === "multiclass") {
    const counts = confusionCounts(Array.from(data.labelsTest.data), Array.from(head.classify(predict(model, data.xTest))), data.classes);
    print("Confusion matrix (test; rows true class, columns predicted):");
    counts.forEach((row, t) => print(`  ${String(t).padStart(2)} | ${row.map((n) => String(n).padStart(4)).join("")}`));
  }
  return 0;
}

export const evaluate: Command = { spec, run };
