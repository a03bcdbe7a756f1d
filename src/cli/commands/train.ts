// dagrad train: fit an MLP on a dataset, print progress and final metrics,
// and write a run folder with the model, history, pictures and report.html.
import { join } from "node:path";
import { type EpochRecord, type HeadOutput, evaluate } from "../../nn/index.js";
import { CHECKPOINT, dataHash, modelState, readCheckpoint, removeCheckpoint, restoreCheckpoint, writeCheckpoint } from "../checkpoint.js";
import { type CommandSpec, type Parsed, UsageError, type Values, choiceOption, integerOption, noPositionals, numberOption, optionalString } from "../args.js";
import { type Command, print } from "../command.js";
import { DATA_OPTIONS, MODEL_OPTIONS, type NetworkChoice, checkModelSize, dataSpec, isMnist, networkChoice, resolveHead } from "../options.js";
import { dataPictures, trainingPictures } from "../pictures.js";
import { Progress } from "../progress.js";
import { type RunConfig, RunFolderError, type RunMetrics, type TrainingSpec, commitRun, ensureFolder, newRunId, removeLeftovers, runFiles, stageRun } from "../run-folder.js";
import { type DataSpec, type PreparedData, buildModel, divergenceCause, makeOptimizer, outputsFinite, prepareData, runHead } from "../setup.js";
import { type Interrupt, catchInterrupt, pause } from "../interrupt.js";
import { type RngState, fitInSlices } from "../train-loop.js";
import { type InitFile, readInitFile } from "../init-from.js";

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
    { name: "checkpoint-every", type: "string", value: "N", help: "write checkpoint.json every N epochs (and at Ctrl-C), for --resume" },
    { name: "resume", type: "boolean", help: "continue the run in --out from its checkpoint.json, with the run's own settings" },
    { name: "init-from", type: "string", value: "FILE", help: "start from the weights of an ONNX model (.onnx) or a safetensors file (.safetensors, PyTorch's names); its widths (and an ONNX file's activations) are the defaults of --layers, --activation and --output" },
  ],
  notes: [
    "Examples:",
    "  dagrad train                                   # tanh MLP on moons, the main job (npm start)",
    "  dagrad train --data xor --layers 4 --epochs 3000 --out runs/xor",
    "  dagrad train --data mnist --epochs 3 --out runs/mnist",
    "  dagrad train --data csv:points.csv --csv-header --layers 8",
    "  dagrad train --epochs 5000 --checkpoint-every 100 --out runs/long   # then, after a kill or Ctrl-C:",
    "  dagrad train --resume --out runs/long",
    "  dagrad train --init-from model.onnx --epochs 200 --out runs/tuned     # fine-tune a model exported by PyTorch",
    "Ctrl-C stops after the current epoch and still writes the run folder; a second Ctrl-C quits at once.",
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

async function run(parsed: Parsed): Promise<number> {
  noPositionals(spec, parsed.positionals);
  // From here on, a first Ctrl-C stops training and still writes the folder; a second quits (see interrupt.ts).
  let phase: "training" | "writing" = "training";
  const interrupt = catchInterrupt(() => phase === "training"
    ? `Stopping after this epoch; the run folder will still be written`
    : `Training is over; finishing the run folder`);
  try {
    return await trainAndWrite(parsed, interrupt, (p) => { phase = p; });
  } finally {
    interrupt.dispose();
  }
}

/** A new run from the options: the data, and the model and loss that fit them (with --init-from, the file's network). */
function newRun(values: Values, init: InitFile | null): { config: RunConfig; prepared: PreparedData } {
  const mnist = isMnist(values);
  const data = dataSpec(values);
  const choice = networkChoice(values);
  if (init !== null) {
    if (values.layers === undefined) choice.hidden = init.sizes.slice(1, -1);
    if (values.activation === undefined && init.activation !== undefined) choice.activation = init.activation;
    if (values.output === undefined && init.output !== undefined) choice.output = init.output as HeadOutput;
  }
  const partial = trainingSpec(values, mnist);
  const prepared = prepareData(data);
  let head: ReturnType<typeof resolveHead>;
  try {
    head = resolveHead(choice, prepared.classes, data.data);
  } catch (e) {
    // The output may be the file's rather than the user's: say where it came from.
    if (init === null || !(e instanceof UsageError)) throw e;
    throw new UsageError(`--init-from ${init.path} (a network of widths [${init.sizes.join(", ")}] with a ${choice.output ?? "default"} output): ${e.message}`);
  }
  const { output, loss, outputs } = head;
  const sizes = [prepared.features, ...choice.hidden, outputs];
  if (init !== null && init.sizes.join() !== sizes.join()) {
    throw new UsageError(`--init-from ${init.path}: its network has widths [${init.sizes.join(", ")}], but ${data.data} with these options needs [${sizes.join(", ")}] (${prepared.features} features in, ${outputs} output${outputs === 1 ? "" : "s"} for ${loss} on ${prepared.classes} classes); train on data of that shape, or leave out --layers`);
  }
  checkModelSize(sizes);
  const config: RunConfig = {
    data,
    model: { sizes, activation: choice.activation, output, init: choice.init, seed: data.seed, ...(init === null ? {} : { initFrom: init.path }) },
    training: { ...partial, loss },
    task: prepared.task, classes: prepared.classes, scaling: prepared.scaling,
  };
  return { config, prepared };
}

/** Per option that shapes a run: its value as given on the command line, and the saved run's. */
const SETTINGS: Record<string, (given: { data: DataSpec; choice: NetworkChoice; training: Omit<TrainingSpec, "loss"> }, saved: RunConfig) => [unknown, unknown]> = {
  data: (g, s) => [g.data.data, s.data.data],
  samples: (g, s) => [g.data.samples, s.data.samples],
  noise: (g, s) => [g.data.noise, s.data.noise],
  "test-size": (g, s) => [g.data.testSize, s.data.testSize],
  seed: (g, s) => [g.data.seed, s.data.seed],
  "csv-header": (g, s) => [g.data.csvHeader, s.data.csvHeader],
  "no-scale": (g, s) => [!g.data.standardize, !s.data.standardize],
  layers: (g, s) => [g.choice.hidden, s.model.sizes.slice(1, -1)],
  activation: (g, s) => [g.choice.activation, s.model.activation],
  output: (g, s) => [g.choice.output, s.model.output],
  loss: (g, s) => [g.choice.loss, s.training.loss],
  init: (g, s) => [g.choice.init, s.model.init],
  optimizer: (g, s) => [g.training.optimizer, s.training.optimizer],
  lr: (g, s) => [g.training.lr, s.training.lr],
  momentum: (g, s) => [g.training.momentum, s.training.momentum],
  epochs: (g, s) => [g.training.epochs, s.training.epochs],
  "batch-size": (g, s) => [g.training.batchSize, s.training.batchSize],
};

/** --resume continues a run as it was: an option that would change it is refused, naming each one. */
function refuseOtherSettings({ values, given }: Parsed, saved: RunConfig, out: string): void {
  const asGiven = { data: dataSpec(values), choice: networkChoice(values), training: trainingSpec(values, isMnist(values)) };
  const differing = Object.entries(SETTINGS).filter(([name, pair]) => {
    if (!given.has(name)) return false;
    const [mine, theirs] = pair(asGiven, saved);
    return JSON.stringify(mine) !== JSON.stringify(theirs);
  }).map(([name, pair]) => {
    const theirs = pair(asGiven, saved)[1];
    const shown = typeof theirs === "boolean" ? `was trained ${theirs ? "with" : "without"} --${name}` : `has --${name} ${Array.isArray(theirs) ? theirs.join(",") : String(theirs)}`;
    return `--${name}${typeof values[name] === "string" ? ` ${values[name]}` : ""} (the run ${shown})`;
  });
  if (differing.length > 0) {
    throw new UsageError(`--resume continues the run in ${out} with its own settings, and these options differ from them: ${differing.join(", ")}; leave them out, or start a new run without --resume (in another --out to keep this one)`);
  }
}

async function trainAndWrite(parsed: Parsed, interrupt: Interrupt, enter: (phase: "writing") => void): Promise<number> {
  const { values } = parsed;
  const dataName = optionalString(values, "data") ?? "moons";
  const out = optionalString(values, "out") ?? `runs/${dataName.startsWith("csv:") ? "csv" : dataName}`;
  const initPath = optionalString(values, "init-from");
  if (initPath !== undefined && values.resume === true) throw new UsageError(`--resume continues the run in ${out} from its own weights; leave out --init-from ${initPath}`);
  if (initPath !== undefined && parsed.given.has("init")) throw new UsageError(`--init does not apply with --init-from: the weights come from ${initPath}; leave out --init`);
  const init = initPath === undefined ? null : await readInitFile(initPath);
  const checkpoint = values.resume === true ? readCheckpoint(out) : null;
  let config: RunConfig, prepared: PreparedData;
  if (checkpoint !== null) {
    refuseOtherSettings(parsed, checkpoint.config, out);
    config = checkpoint.config;
    prepared = prepareData(config.data);
    if (dataHash(prepared) !== checkpoint.dataHash) {
      throw new RunFolderError("resume", out, `the data of ${config.data.data} are not those the checkpoint's run trained on (a changed CSV file?), so training on would not continue that run: start it again without --resume`);
    }
  } else {
    ({ config, prepared } = newRun(values, init));
  }
  const mnist = config.data.data === "mnist";
  const logEvery = values["log-every"] === undefined ? (mnist ? 1 : 100) : integerOption(values, "log-every", 1);
  const checkpointEvery = values["checkpoint-every"] === undefined ? checkpoint?.checkpointEvery ?? 0 : integerOption(values, "checkpoint-every", 1);
  ensureFolder(out);
  removeLeftovers(out);
  const runId = checkpoint?.runId ?? newRunId();
  const model = buildModel(config.model);
  const optimizer = makeOptimizer(model, config.training);
  if (checkpoint !== null) restoreCheckpoint(out, checkpoint, model, optimizer);
  init?.load(model);
  const { epochs } = config.training;
  const head = runHead(out, config);
  const train = { x: prepared.xTrain, y: head.encode(prepared.labelsTrain) };
  const test = { x: prepared.xTest, y: head.encode(prepared.labelsTest) };

  print(`Training MLP [${config.model.sizes.join(", ")}] (${config.model.activation} hidden, ${config.model.output} output, ${config.training.loss} loss) on ${config.data.data}: ${prepared.xTrain.shape[0]} train / ${prepared.xTest.shape[0]} test samples`);
  for (const c of prepared.untested) print(`Note: class ${c} has too few rows to hold one out: it is trained on but not in the test part, so the test accuracy does not cover it.`);
  if (checkpoint !== null) print(`Resuming run ${runId} after epoch ${checkpoint.epoch} of ${epochs} (${join(out, CHECKPOINT)})`);
  if (init !== null) print(`Starting from the weights in ${init.path}`);
  const tty = process.stdout.isTTY === true;
  const progress = new Progress({ total: epochs, tty, logEvery, write: (t) => process.stdout.write(t) });
  // The weights after the last finished epoch (what the folder gets if a later epoch diverges), in copies allocated once.
  const lastEpochWeights = model.stateDict();
  const live = [...model.namedParameters(), ...model.namedBuffers()];
  const keepEpochWeights = () => { for (const [name, t] of live) lastEpochWeights[name]!.data.set(t.data); };
  const started = Date.now();
  const secondsSoFar = () => (checkpoint?.seconds ?? 0) + (Date.now() - started) / 1000;
  const hash = checkpoint?.dataHash ?? (checkpointEvery > 0 ? dataHash(prepared) : "");
  let checkpointed = checkpoint?.epoch ?? 0;
  const saveCheckpoint = (records: readonly EpochRecord[], rng: RngState) => {
    writeCheckpoint(out, {
      runId, config, dataHash: hash, epoch: records.length, seconds: secondsSoFar(), checkpointEvery,
      history: [...records], rng, model: modelState(model), optimizer: optimizer.stateDict(),
    });
    checkpointed = records.length;
  };
  const { records, diverged, rngState } = await fitInSlices(model, train, {
    loss: head.loss, optimizer, epochs, batchSize: config.training.batchSize, seed: config.data.seed,
    metrics: [head.accuracy], validation: test,
    resume: checkpoint === null ? undefined : { records: checkpoint.history, rngState: checkpoint.rng },
    onEpoch: (r, run) => {
      progress.update(r);
      keepEpochWeights();
      if (checkpointEvery > 0 && r.epoch % checkpointEvery === 0) saveCheckpoint(run.records, run.rngState());
    },
    shouldStop: interrupt.requested,
  });
  progress.finish();
  const interrupted = interrupt.requested() && records.length < epochs && diverged === null;
  const seconds = secondsSoFar();
  if (records.length === 0 && interrupted) {
    print(`Interrupted before the first epoch finished: nothing written, ${out} is as it was.`);
    return 130;
  }
  // So that --resume continues from exactly here.
  if (interrupted && checkpointEvery > 0 && checkpointed !== records.length) saveCheckpoint(records, rngState);
  if (diverged !== null) model.loadStateDict(lastEpochWeights);

  enter("writing");
  await pause();
  // A model whose outputs are not finite has no loss or accuracy to report and no boundary to draw.
  const scored = outputsFinite(model, [train.x, test.x]);
  const trainEval = scored ? evaluate(model, train, { loss: head.loss, metrics: [head.accuracy] }) : null;
  const testEval = scored ? evaluate(model, test, { loss: head.loss, metrics: [head.accuracy] }) : null;
  const metrics: RunMetrics = {
    epochsRun: records.length, interrupted, diverged: diverged !== null || !scored, seconds: Number(seconds.toFixed(2)),
    trainLoss: trainEval?.loss ?? NaN, trainAccuracy: trainEval?.metrics.accuracy ?? NaN, testLoss: testEval?.loss ?? NaN, testAccuracy: testEval?.metrics.accuracy ?? NaN,
  };
  await pause();
  const pictures = [...trainingPictures(model, records, config.training.loss), ...(scored ? dataPictures(model, head, prepared, metrics.testAccuracy) : [])];
  await pause();
  const staged = await stageRun(out, runId, runFiles(runId, model, records, metrics, config, pictures), pause);
  const resumable = interrupted && checkpointEvery > 0;
  await interrupt.hold(() => {
    commitRun(staged);
    // A finished (or diverged) run has no use for a checkpoint, and one of another run does not belong beside it.
    if (!resumable) removeCheckpoint(out);
  }, `Quit: ${out} holds the new run, complete.`);

  if (interrupted) print(`Interrupted after epoch ${records.length} of ${epochs}.${resumable ? ` Continue with: dagrad train --resume --out ${out}` : ""}`);
  if (diverged !== null) {
    print(`Training stopped at epoch ${diverged.epoch}, step ${diverged.step}: ${divergenceCause(diverged)}; try a lower --lr.`);
    const kept = records.length === 0 ? "no finished epoch, and the initial weights" : `epochs 1 to ${records.length} and the weights after epoch ${records.length}`;
    print(`The run folder has ${kept}.`);
  }
  if (scored) {
    print(`Train: loss ${metrics.trainLoss.toFixed(4)}, accuracy ${metrics.trainAccuracy.toFixed(4)}`);
    print(`Test:  loss ${metrics.testLoss.toFixed(4)}, accuracy ${metrics.testAccuracy.toFixed(4)}`);
  } else {
    print("Train: -, Test: - (the model's outputs are not finite numbers, so it has no loss or accuracy)");
  }
  print(`Trained ${records.length} epochs in ${seconds.toFixed(1)} s. Run folder: ${out} (model.json, history.json, ${pictures.length} SVGs)`);
  print(`Report: ${join(out, "report.html")}`);
  return interrupt.requested() ? 130 : metrics.diverged ? 1 : 0;
}

export const train: Command = { spec, run };
