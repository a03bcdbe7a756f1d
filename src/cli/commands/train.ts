// dagrad train: fit an MLP on a dataset, print progress and final metrics,
// and write a run folder with the model, history, pictures and report.html.
import { join } from "node:path";
import { evaluate } from "../../nn/index.js";
import { type CommandSpec, type Values, choiceOption, integerOption, noPositionals, numberOption, optionalString } from "../args.js";
import { type Command, print } from "../command.js";
import { DATA_OPTIONS, MODEL_OPTIONS, checkModelSize, dataSpec, isMnist, networkChoice, resolveHead } from "../options.js";
import { dataPictures, trainingPictures } from "../pictures.js";
import { Progress } from "../progress.js";
import { type RunConfig, type RunMetrics, type TrainingSpec, ensureFolder, writeConfig, writeResults } from "../run-folder.js";
import { buildModel, divergenceCause, makeOptimizer, outputsFinite, prepareData } from "../setup.js";
import { catchInterrupt } from "../interrupt.js";
import { fitInSlices } from "../train-loop.js";

const spec: CommandSpec = {
  name: "train",
  summary: "train an MLP and write a run folder (model, history, pictures, report.html)",
  usage: "dagrad train [--data moons] [--layers 16,16] [--activation tanh] [--epochs 2000] [--out runs/moons]",
  options: [
    ...DATA_OPTIONS,
    ...MODEL_OPTIONS,
    { name: "optimizer", type: "string", value: "NAME", help: "sgd or adam", defaultNote: "sgd; mnist adam" },
    { name: "lr", type: "string", value: "RATE", help: "learning rate", defaultNote: "0.5; mnist 0.001" },
    { name: "momentum", type: "string", value: "M", help: "SGD momentum", default: "0" },
    { name: "epochs", type: "string", value: "N", help: "passes over the training data", defaultNote: "2000; mnist 5" },
    { name: "batch-size", type: "string", value: "N", help: "rows per step, 0 for the whole training set", defaultNote: "0; mnist 64" },
    { name: "log-every", type: "string", value: "N", help: "print a progress line every N epochs when not on a terminal", defaultNote: "100; mnist 1" },
    { name: "out", type: "string", value: "DIR", help: "run folder (created; files in it are replaced)", defaultNote: "runs/<data>" },
  ],
  notes: [
    "Examples:",
    "  dagrad train                                   # tanh MLP on moons, the main job (npm start)",
    "  dagrad train --data xor --layers 4 --epochs 3000 --out runs/xor",
    "  dagrad train --data mnist --epochs 3 --out runs/mnist",
    "  dagrad train --data csv:points.csv --csv-header --layers 8",
    "Ctrl-C stops after the current epoch and still writes the run folder.",
  ].join("\n"),
};

function trainingSpec(values: Values, mnist: boolean): Omit<TrainingSpec, "loss"> {
  return {
    optimizer: values.optimizer === undefined ? (mnist ? "adam" : "sgd") : choiceOption(values, "optimizer", ["sgd", "adam"] as const),
    lr: values.lr === undefined ? (mnist ? 0.001 : 0.5) : numberOption(values, "lr", { exclusiveMin: 0 }),
    momentum: values.momentum === undefined ? 0 : numberOption(values, "momentum", { min: 0, exclusiveMax: 1 }),
    epochs: values.epochs === undefined ? (mnist ? 5 : 2000) : integerOption(values, "epochs", 1),
    batchSize: values["batch-size"] === undefined ? (mnist ? 64 : 0) : integerOption(values, "batch-size", 0),
  };
}

async function run({ values, positionals }: { values: Values; positionals: string[] }): Promise<number> {
  noPositionals(spec, positionals);
  const mnist = isMnist(values);
  const data = dataSpec(values);
  const choice = networkChoice(values);
  const partial = trainingSpec(values, mnist);
  const logEvery = values["log-every"] === undefined ? (mnist ? 1 : 100) : integerOption(values, "log-every", 1);
  const out = optionalString(values, "out") ?? `runs/${data.data.startsWith("csv:") ? "csv" : data.data}`;

  const prepared = prepareData(data);
  const head = resolveHead(choice, prepared.classes, data.data);
  const { output, loss } = head;
  const sizes = [prepared.features, ...choice.hidden, head.outputs];
  checkModelSize(sizes);
  const train = { x: prepared.xTrain, y: head.encode(prepared.labelsTrain) };
  const test = { x: prepared.xTest, y: head.encode(prepared.labelsTest) };
  const config: RunConfig = {
    data,
    model: { sizes, activation: choice.activation, output, init: choice.init, seed: data.seed },
    training: { ...partial, loss },
    task: prepared.task, classes: prepared.classes, scaling: prepared.scaling,
  };
  const model = buildModel(config.model);
  ensureFolder(out);
  writeConfig(out, config);

  print(`Training MLP [${config.model.sizes.join(", ")}] (${choice.activation} hidden, ${output} output, ${loss} loss) on ${data.data}: ${prepared.xTrain.shape[0]} train / ${prepared.xTest.shape[0]} test samples`);
  for (const c of prepared.untested) print(`Note: class ${c} has too few rows to hold one out: it is trained on but not in the test part, so the test accuracy does not cover it.`);
  const interrupt = catchInterrupt("writing the run folder");
  const tty = process.stdout.isTTY === true;
  const progress = new Progress({ total: partial.epochs, tty, logEvery, write: (t) => process.stdout.write(t) });
  const started = Date.now();
  const { records, diverged } = await fitInSlices(model, train, {
    loss, optimizer: makeOptimizer(model, partial), epochs: partial.epochs, batchSize: partial.batchSize, seed: data.seed,
    metrics: [head.accuracy], validation: test,
    onEpoch: (r) => progress.update(r), shouldStop: interrupt.requested,
  });
  progress.finish();
  interrupt.dispose();
  const interrupted = interrupt.requested();
  const seconds = (Date.now() - started) / 1000;

  // A model whose outputs are not finite has no loss or accuracy to report and no boundary to draw.
  const scored = outputsFinite(model, [train.x, test.x]);
  const trainEval = scored ? evaluate(model, train, { loss, metrics: [head.accuracy] }) : null;
  const testEval = scored ? evaluate(model, test, { loss, metrics: [head.accuracy] }) : null;
  const metrics: RunMetrics = {
    epochsRun: records.length, interrupted, diverged: diverged !== null || !scored, seconds: Number(seconds.toFixed(2)),
    trainLoss: trainEval?.loss ?? NaN, trainAccuracy: trainEval?.metrics.accuracy ?? NaN, testLoss: testEval?.loss ?? NaN, testAccuracy: testEval?.metrics.accuracy ?? NaN,
  };
  const pictures = [...trainingPictures(model, records, loss), ...(scored ? dataPictures(model, head, prepared, metrics.testAccuracy) : [])];
  writeResults(out, model, records, metrics, config, pictures);

  if (interrupted) print(`Interrupted after epoch ${records.length} of ${partial.epochs}.`);
  if (diverged) print(`Training stopped at epoch ${diverged.epoch}, step ${diverged.step}: ${divergenceCause(diverged)}; try a lower --lr. The run folder has the ${records.length} epochs before.`);
  if (scored) {
    print(`Train: loss ${metrics.trainLoss.toFixed(4)}, accuracy ${metrics.trainAccuracy.toFixed(4)}`);
    print(`Test:  loss ${metrics.testLoss.toFixed(4)}, accuracy ${metrics.testAccuracy.toFixed(4)}`);
  } else {
    print("Train: -, Test: - (the model's outputs are not finite numbers, so it has no loss or accuracy)");
  }
  print(`Trained ${records.length} epochs in ${seconds.toFixed(1)} s. Run folder: ${out} (model.json, history.json, ${pictures.length} SVGs)`);
  print(`Report: ${join(out, "report.html")}`);
  return interrupted ? 130 : metrics.diverged ? 1 : 0;
}

export const train: Command = { spec, run };
