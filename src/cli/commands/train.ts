// dagrad train: fit an MLP on a dataset, print progress and final metrics,
// and write a run folder with the model, history, pictures and report.html.
import { join } from "node:path";
import { evaluate } from "../../nn/index.js";
import { type CommandSpec, type Values, choiceOption, integerOption, noPositionals, numberOption, optionalString } from "../args.js";
import { type Command, print } from "../command.js";
import { DATA_OPTIONS, MODEL_OPTIONS, dataSpec, isMnist, networkChoice, taskDefaults } from "../options.js";
import { dataPictures, trainingPictures } from "../pictures.js";
import { Progress } from "../progress.js";
import { type RunConfig, type RunMetrics, type TrainingSpec, commitRun, ensureFolder, newRunId, removeLeftovers, runFiles, stageRun } from "../run-folder.js";
import { buildModel, makeOptimizer, prepareData } from "../setup.js";
import { type Interrupt, catchInterrupt, pause } from "../interrupt.js";
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
    momentum: values.momentum === undefined ? 0 : numberOption(values, "momentum", { min: 0, max: 1 }),
    epochs: values.epochs === undefined ? (mnist ? 5 : 2000) : integerOption(values, "epochs", 1),
    batchSize: values["batch-size"] === undefined ? (mnist ? 64 : 0) : integerOption(values, "batch-size", 0),
  };
}

async function run({ values, positionals }: { values: Values; positionals: string[] }): Promise<number> {
  noPositionals(spec, positionals);
  // From here on, a first Ctrl-C stops training and still writes the folder; a second quits (see interrupt.ts).
  let phase: "training" | "writing" = "training";
  const interrupt = catchInterrupt(() => phase === "training"
    ? `Stopping after this epoch; the run folder will still be written`
    : `Training is over; finishing the run folder`);
  try {
    return await trainAndWrite(values, interrupt, (p) => { phase = p; });
  } finally {
    interrupt.dispose();
  }
}

async function trainAndWrite(values: Values, interrupt: Interrupt, enter: (phase: "writing") => void): Promise<number> {
  const mnist = isMnist(values);
  const data = dataSpec(values);
  const choice = networkChoice(values);
  const partial = trainingSpec(values, mnist);
  const logEvery = values["log-every"] === undefined ? (mnist ? 1 : 100) : integerOption(values, "log-every", 1);
  const out = optionalString(values, "out") ?? `runs/${data.data.startsWith("csv:") ? "csv" : data.data}`;

  const prepared = prepareData(data);
  const { output, loss } = taskDefaults(prepared.task, choice);
  const outputs = prepared.task === "binary" ? 1 : prepared.classes;
  const config: RunConfig = {
    data,
    model: { sizes: [prepared.features, ...choice.hidden, outputs], activation: choice.activation, output, init: choice.init, seed: data.seed },
    training: { ...partial, loss },
    task: prepared.task, classes: prepared.classes, scaling: prepared.scaling,
  };
  const model = buildModel(config.model);
  ensureFolder(out);
  removeLeftovers(out);
  const runId = newRunId();

  print(`Training MLP [${config.model.sizes.join(", ")}] (${config.model.activation} hidden, ${config.model.output} output, ${config.training.loss} loss) on ${config.data.data}: ${prepared.xTrain.shape[0]} train / ${prepared.xTest.shape[0]} test samples`);
  const tty = process.stdout.isTTY === true;
  const progress = new Progress({ total: config.training.epochs, tty, logEvery, write: (t) => process.stdout.write(t) });
  // The weights after the last finished epoch: what the folder gets if a later epoch diverges.
  let lastEpochWeights = model.stateDict();
  const started = Date.now();
  const { records, diverged } = await fitInSlices(model, { x: prepared.xTrain, y: prepared.yTrain }, {
    loss: config.training.loss, optimizer: makeOptimizer(model, config.training), epochs: config.training.epochs, batchSize: config.training.batchSize, seed: config.data.seed,
    metrics: ["accuracy"], validation: { x: prepared.xTest, y: prepared.yTest },
    onEpoch: (r) => {
      progress.update(r);
      lastEpochWeights = model.stateDict();
    },
    shouldStop: interrupt.requested,
  });
  progress.finish();
  const interrupted = interrupt.requested() && records.length < config.training.epochs && diverged === null;
  const seconds = (Date.now() - started) / 1000;
  if (records.length === 0 && interrupted) {
    print(`Interrupted before the first epoch finished: nothing written, ${out} is as it was.`);
    return 130;
  }
  if (diverged !== null) model.loadStateDict(lastEpochWeights);

  enter("writing");
  await pause();
  const trainEval = evaluate(model, { x: prepared.xTrain, y: prepared.yTrain }, { loss: config.training.loss, metrics: ["accuracy"] });
  const testEval = evaluate(model, { x: prepared.xTest, y: prepared.yTest }, { loss: config.training.loss, metrics: ["accuracy"] });
  const metrics: RunMetrics = {
    epochsRun: records.length, interrupted, diverged: diverged !== null, seconds: Number(seconds.toFixed(2)),
    trainLoss: trainEval.loss, trainAccuracy: trainEval.metrics.accuracy!, testLoss: testEval.loss, testAccuracy: testEval.metrics.accuracy!,
  };
  await pause();
  const pictures = [...trainingPictures(model, records, config.training.loss), ...dataPictures(model, prepared, metrics.testAccuracy)];
  await pause();
  const staged = await stageRun(out, runId, runFiles(runId, model, records, metrics, config, pictures), pause);
  await interrupt.hold(() => commitRun(staged), `Quit: ${out} holds the new run, complete.`);

  if (interrupted) print(`Interrupted after epoch ${records.length} of ${config.training.epochs}.`);
  if (diverged) print(`Training stopped at epoch ${records.length + 1}: ${diverged.message}. The run folder has the ${records.length} epochs before.`);
  print(`Train: loss ${metrics.trainLoss.toFixed(4)}, accuracy ${metrics.trainAccuracy.toFixed(4)}`);
  print(`Test:  loss ${metrics.testLoss.toFixed(4)}, accuracy ${metrics.testAccuracy.toFixed(4)}`);
  print(`Trained ${records.length} epochs in ${seconds.toFixed(1)} s. Run folder: ${out} (model.json, history.json, ${pictures.length} SVGs)`);
  print(`Report: ${join(out, "report.html")}`);
  return interrupt.requested() ? 130 : diverged ? 1 : 0;
}

export const train: Command = { spec, run };
