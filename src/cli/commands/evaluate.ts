// dagrad evaluate: reload a run folder, rebuild its data from the saved seed
// and report loss and accuracy on both parts (and a confusion matrix for
// multi-class tasks).
import { evaluate as evaluateModel } from "../../nn/index.js";
import { type CommandSpec, type Values, noPositionals, stringOption } from "../args.js";
import { type Command, print } from "../command.js";
import { readRun } from "../run-folder.js";
import { labelsOf, predictedClasses, prepareData, probabilities } from "../setup.js";

const spec: CommandSpec = {
  name: "evaluate",
  summary: "loss and accuracy of a saved run on its train and test data",
  usage: "dagrad evaluate --run runs/moons",
  options: [{ name: "run", type: "string", value: "DIR", help: "run folder written by dagrad train", default: "runs/moons" }],
  notes: "Example:\n  dagrad evaluate --run runs/moons",
};

async function run({ values, positionals }: { values: Values; positionals: string[] }): Promise<number> {
  noPositionals(spec, positionals);
  const dir = stringOption(values, "run");
  const { config, model } = readRun(dir);
  const data = prepareData(config.data);
  print(`Run ${dir}: MLP [${config.model.sizes.join(", ")}] on ${config.data.data} (seed ${config.data.seed})`);
  for (const [part, x, y] of [["Train", data.xTrain, data.yTrain], ["Test", data.xTest, data.yTest]] as const) {
    const result = evaluateModel(model, { x, y }, { loss: config.training.loss, metrics: ["accuracy"] });
    print(`${`${part}:`.padEnd(6)} ${x.shape[0]} samples, loss ${result.loss.toFixed(4)}, accuracy ${result.metrics.accuracy!.toFixed(4)}`);
  }
  if (data.task === "multiclass") {
    const truth = labelsOf(data.yTest);
    const predicted = predictedClasses(probabilities(model, data.xTest, data.task), truth.length);
    print("Confusion matrix (test; rows true class, columns predicted):");
    for (let t = 0; t < data.classes; t++) {
      const row = Array.from({ length: data.classes }, (_, p) => truth.filter((v, i) => v === t && predicted[i] === p).length);
      print(`  ${String(t).padStart(2)} | ${row.map((n) => String(n).padStart(4)).join("")}`);
    }
  }
  return 0;
}

export const evaluate: Command = { spec, run };
