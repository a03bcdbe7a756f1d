// dagrad train: fit an MLP on a dataset, print progress and final metrics,
// and write a run folder with the model, history, pictures and report.html.
import { join } from "node:path";
import { tensor } from "../../autograd/index.js";
import { type ClassifierHead, type EpochRecord, type Evaluation, type HeadOutput, evaluate, predict } from "../../nn/index.js";
import { CHECKPOINT, dataHash, modelState, readCheckpoint, removeCheckpoint, restoreCheckpoint, writeCheckpoint } from "../checkpoint.js";
import { type CommandSpec, type Parsed, UsageError, type Values, choiceOption, integerOption, noPositionals, numberOption, optionalString } from "../args.js";
import { type RunOutcome, describeSpread, formatSeeds, seedFiles, seedLine, seedListOption, seedSummary } from "../seeds.js";
import { writeFileAtomic } from "../../node/files.js";
import { type Command, print } from "../command.js";
import { DATA_OPTIONS, MODEL_OPTIONS, type NetworkChoice, checkModelSize, dataSpec, isMnist, networkChoice, residualScaleFor, resolveHead } from "../options.js";
import { activityEvery, dataPictures, recordActivity, trainingPictures } from "../pictures.js";
import { PRESETS, type PresetId, presetFor } from "../presets.js";
import { Progress } from "../progress.js";
import { type RunConfig, RunFolderError, type RunMetrics, type TrainingSpec, commitRun, ensureFolder, newRunId, removeLeftovers, runFiles, stageRun } from "../run-folder.js";
import { type DataSpec, type PreparedData, applyScaling, buildModel, divergenceCause, makeOptimizer, metricsText, outputsFinite, prepareData, runHead, trainingLoss } from "../setup.js";
import { type Interrupt, catchInterrupt, pause } from "../interrupt.js";
import { type RngState, StatefulRng, fitInSlices } from "../train-loop.js";
import { type InitFile, readInitFile } from "../init-from.js";

const spec: CommandSpec = {
  name: "train",
  summary: "train an MLP and write a run folder (model, history, pictures, report.html)",
  usage: "dagrad train [--data moons] [--layers 16,16] [--activation tanh] [--epochs 2000] [--out runs/moons]",
  options: [
    ...DATA_OPTIONS,
    ...MODEL_OPTIONS,
    { name: "optimizer", type: "string", value: "NAME", help: "sgd or adam", defaultNote: "sgd; mnist and regression adam" },
    { name: "lr", type: "string", value: "RATE", help: "learning rate", defaultNote: "0.5; mnist 0.001; regression 0.01" },
    { name: "momentum", type: "string", value: "M", help: "SGD momentum", default: "0" },
    { name: "epochs", type: "string", value: "N", help: "passes over the training data", defaultNote: "2000; mnist 5" },
    { name: "batch-size", type: "string", value: "N", help: "rows per step, 0 for the whole training set", defaultNote: "0; mnist 64" },
    { name: "reduction", type: "string", value: "HOW", help: "the loss over a batch: mean, or sum (002 and 003 sum their gradients over samples)", default: "mean" },
    { name: "clip-norm", type: "string", value: "MAX", help: "clip the gradients' global L2 norm to MAX before every step (001's remedy)" },
    { name: "clip-value", type: "string", value: "MAX", help: "clip every gradient element into [-MAX, MAX] before every step" },
    { name: "capture", type: "boolean", help: "record each training step once, then replay its kernel calls (captureStep): the same numbers, faster on small nets" },
    { name: "log-every", type: "string", value: "N", help: "print a progress line every N epochs when not on a terminal", defaultNote: "100; mnist 1" },
    { name: "preset", type: "string", value: "ID", help: "a source document's exact setup, printing its lines: 000, 002 or 003 (other options still apply)" },
    { name: "out", type: "string", value: "DIR", help: "run folder (created; files in it are replaced)", defaultNote: "runs/<data>; runs/preset-<ID>" },
    { name: "checkpoint-every", type: "string", value: "N", help: "write checkpoint.json every N epochs (and at Ctrl-C), for --resume" },
    { name: "resume", type: "boolean", help: "continue the run in --out from its checkpoint.json, with the run's own settings" },
    { name: "init-from", type: "string", value: "FILE", help: "start from the weights of an ONNX model (.onnx) or a safetensors file (.safetensors, PyTorch's names); its widths (and an ONNX file's activations) are the defaults of --layers, --activation and --output" },
    { name: "seeds", type: "string", value: "LIST", help: "one run per seed (0..9 or 1,5,9), each in --out/seed-N, and their spread: mean ± std, median, min, max" },
  ],
  notes: [
    "Examples:",
    "  dagrad train                                   # tanh MLP on moons, the main job (npm start)",
    "  dagrad train --data xor --layers 4 --epochs 3000 --out runs/xor",
    "  dagrad train --data mnist --epochs 3 --out runs/mnist",
    "  dagrad train --data csv:points.csv --csv-header --layers 8",
    "  dagrad train --preset 002                      # 002's XOR as the document runs it: near 0.5 after 100 epochs",
    "  dagrad train --seeds 0..9 --out runs/moons-seeds   # ten runs and the spread of their results",
    "  dagrad train --epochs 5000 --checkpoint-every 100 --out runs/long   # then, after a kill or Ctrl-C:",
    "  dagrad train --resume --out runs/long",
    "  dagrad train --init-from model.onnx --epochs 200 --out runs/tuned     # fine-tune a model exported by PyTorch",
    "Ctrl-C stops after the current epoch and still writes the run folder; a second Ctrl-C quits at once.",
  ].join("\n"),
};

function trainingSpec(values: Values): Omit<TrainingSpec, "loss"> {
  const mnist = isMnist(values);
  // Squared errors on real targets: plain SGD at 0.5 overshoots and oscillates; Adam at 0.01 settles (sine: test R² 0.91 against 0.85).
  const regression = dataSpec(values).task === "regression";
  const clip = (name: string) => (values[name] === undefined ? null : numberOption(values, name, { min: 0, minOpen: true }));
  // In the order config.json holds them (run-config.ts reads them back in this order).
  return {
    optimizer: values.optimizer === undefined ? (mnist || regression ? "adam" : "sgd") : choiceOption(values, "optimizer", ["sgd", "adam"] as const),
    lr: values.lr === undefined ? (mnist ? 0.001 : regression ? 0.01 : 0.5) : numberOption(values, "lr", { min: 0, minOpen: true }),
    momentum: values.momentum === undefined ? 0 : numberOption(values, "momentum", { min: 0, max: 1, maxOpen: true }),
    epochs: values.epochs === undefined ? (mnist ? 5 : 2000) : integerOption(values, "epochs", 1),
    batchSize: values["batch-size"] === undefined ? (mnist ? 64 : 0) : integerOption(values, "batch-size", 0),
    clipNorm: clip("clip-norm"),
    clipValue: clip("clip-value"),
    reduction: values.reduction === undefined ? "mean" : choiceOption(values, "reduction", ["mean", "sum"] as const),
  };
}

/**
 * The options with a preset's filled in where the command line left them out
 * (and counted as given, for --resume), and the preset's options the command
 * line set otherwise, as typed ("--epochs 10000").
 */
function withPreset(parsed: Parsed): { parsed: Parsed; overridden: string[] } {
  const id = optionalString(parsed.values, "preset");
  if (id === undefined) return { parsed, overridden: [] };
  const preset = presetFor(id);
  const values: Values = { ...parsed.values };
  const given = new Set(parsed.given);
  const overridden: string[] = [];
  for (const [name, value] of Object.entries(preset.options)) {
    if (parsed.given.has(name)) {
      if (parsed.values[name] !== value) overridden.push(`--${name}${typeof parsed.values[name] === "string" ? ` ${parsed.values[name]}` : ""}`);
      continue;
    }
    values[name] = value;
    given.add(name);
  }
  return { parsed: { ...parsed, values, given }, overridden };
}

async function run(given: Parsed): Promise<number> {
  noPositionals(spec, given.positionals);
  const { parsed, overridden } = withPreset(given);
  // From here on, a first Ctrl-C stops training and still writes the folder; a second quits (see interrupt.ts).
  let phase: "training" | "writing" = "training";
  const interrupt = catchInterrupt(() => phase === "training"
    ? `Stopping after this epoch; the run folder will still be written`
    : `Training is over; finishing the run folder`);
  try {
    const seeds = parsed.values.seeds === undefined ? null : seedListOption(parsed.values, "seeds");
    if (seeds === null) return (await trainAndWrite(parsed, interrupt, (p) => { phase = p; }, { out: defaultOut(parsed.values), quiet: false, overridden })).code;
    return await trainSeeds(parsed, seeds, interrupt, (p) => { phase = p; });
  } finally {
    interrupt.dispose();
  }
}

/** runs/<data> (runs/csv for a file), or runs/preset-<ID>. */
function defaultOut(values: Values): string {
  const presetId = optionalString(values, "preset");
  const dataName = optionalString(values, "data") ?? "moons";
  return optionalString(values, "out") ?? (presetId !== undefined ? `runs/preset-${presetId}` : `runs/${dataName.startsWith("csv:") ? "csv" : dataName}`);
}

/**
 * --seeds: the same run once per seed (--seed set to it, so the data, the
 * split and the initial weights all change unless --data-seed or --init-seed
 * pin one), each written whole into its own folder, then the spread of their
 * test results printed and written as summary.json and report.html.
 */
async function trainSeeds(parsed: Parsed, seeds: readonly number[], interrupt: Interrupt, enter: (phase: "training" | "writing") => void): Promise<number> {
  if (parsed.values.resume === true) throw new UsageError("--resume continues one run: leave out --seeds and give that seed's folder, e.g. --out runs/moons-seeds/seed-3");
  if (parsed.given.has("seed")) throw new UsageError("--seeds sets --seed for each run: give one of them");
  const base = optionalString(parsed.values, "out") ?? `${defaultOut(parsed.values)}-seeds`;
  ensureFolder(base);
  print(`Training ${seeds.length} runs, seeds ${formatSeeds(seeds)}, one folder each in ${base}`);
  const done: { seed: number; outcome: RunOutcome }[] = [];
  for (const seed of seeds) {
    if (interrupt.requested()) break;
    const values: Values = { ...parsed.values, seed: String(seed) };
    const out = join(base, `seed-${seed}`);
    enter("training");
    const outcome = await trainAndWrite({ ...parsed, values, given: new Set([...parsed.given, "seed"]) }, interrupt, enter, { out, quiet: true });
    if (outcome.metrics !== null) done.push({ seed, outcome });
    print(seedLine(seed, outcome));
  }
  const summary = seedSummary(done);
  print("");
  for (const { label, spread: s, values } of summary) print(s === null ? `${label}: no seed has one` : `${label} over ${s.count} of ${values.length} seeds: ${describeSpread(s)}`);
  const diverged = done.filter((d) => d.outcome.diverged !== null).map((d) => d.seed);
  if (diverged.length > 0) print(`Diverged: seed${diverged.length > 1 ? "s" : ""} ${diverged.join(", ")} (left out of the spread)`);
  const stopped = done.filter((d) => d.outcome.metrics!.interrupted).map((d) => d.seed);
  if (stopped.length > 0) print(`Interrupted: seed ${stopped.join(", ")}, before its last epoch (left out of the spread)`);
  const files = seedFiles(base, done, summary);
  await interrupt.hold(() => { for (const f of files) writeFileAtomic(join(base, f.name), f.data); }, `Quit: ${base} has the summary.`);
  const folders = done.map((d) => `seed-${d.seed}`);
  print(`Wrote summary.json and report.html to ${base}, beside the run folders ${folders.length > 3 ? `${folders[0]} ... ${folders[folders.length - 1]}` : folders.join(", ")}`);
  return interrupt.requested() ? 130 : diverged.length > 0 ? 1 : 0;
}

/** A new run from the options: the data, and the model and loss that fit them. */
function newRun(values: Values, init: InitFile | null): { config: RunConfig; prepared: PreparedData } {
  const data = dataSpec(values);
  const choice = networkChoice(values);
  const partial = trainingSpec(values);
  const prepared = prepareData(data);
  if (init !== null) {
    if (values.layers === undefined) choice.hidden = init.sizes.slice(1, -1);
    if (values.activation === undefined && init.activation !== undefined) choice.activation = init.activation;
    if (values.output === undefined && init.output !== undefined) choice.output = init.output as HeadOutput;
  }
  let head: ReturnType<typeof resolveHead>;
  try {
    head = resolveHead(choice, prepared.classes, data.data, data.task);
  } catch (e) {
    // The output may be the file's rather than the user's: say where it came from.
    if (init === null || !(e instanceof UsageError)) throw e;
    throw new UsageError(`--init-from ${init.path} (a network of widths [${init.sizes.join(", ")}] with a ${choice.output ?? "default"} output): ${e.message}`);
  }
  const { output, loss, outputs } = head;
  const sizes = [prepared.features, ...choice.hidden, outputs];
  checkModelSize(sizes);
  if (init !== null && init.sizes.join() !== sizes.join()) {
    throw new UsageError(`--init-from ${init.path}: its network has widths [${init.sizes.join(", ")}], but ${data.data} with these options needs [${sizes.join(", ")}] (${prepared.features} features in, ${outputs} output${outputs === 1 ? "" : "s"} for ${loss} on ${prepared.classes} classes); train on data of that shape, or leave out --layers`);
  }
  const residual = residualScaleFor(choice, sizes);
  if (choice.batchNorm) checkBatchNormBatches(prepared.xTrain.shape[0]!, partial.batchSize);
  const config: RunConfig = {
    data,
    model: {
      sizes, activation: choice.activation, output, init: choice.init, biasInit: choice.biasInit, seed: choice.initSeed,
      ...(init === null ? {} : { initFrom: init.path }),
      batchNorm: choice.batchNorm, residual, dropout: choice.dropout,
    },
    training: { ...partial, loss },
    task: prepared.task, classes: prepared.classes, scaling: prepared.scaling,
    preset: (optionalString(values, "preset") as PresetId | undefined) ?? null,
  };
  return { config, prepared };
}

/** metrics.json: each part's loss, and accuracy (classes) or R² and MSE (regression); NaN where the model had no finite outputs. */
function runMetrics(run: Pick<RunMetrics, "epochsRun" | "interrupted" | "diverged" | "seconds">, train: Evaluation | null, test: Evaluation | null, head: ClassifierHead): RunMetrics {
  const value = (part: Evaluation | null, name: string) => part?.metrics[name] ?? NaN;
  const [trainLoss, testLoss] = [train?.loss ?? NaN, test?.loss ?? NaN];
  if (head.task === "regression") {
    return { ...run, trainLoss, trainR2: value(train, "r2"), trainMse: value(train, "mse"), testLoss, testR2: value(test, "r2"), testMse: value(test, "mse") };
  }
  return { ...run, trainLoss, trainAccuracy: value(train, "accuracy"), testLoss, testAccuracy: value(test, "accuracy") };
}

/** "tanh hidden, sigmoid output, bce loss", with the remedies and reduction a run uses named after their parts. */
function describeRun({ model, training }: RunConfig): string {
  const hidden = [`${model.activation} hidden`];
  if (model.batchNorm) hidden.push("batch norm");
  if (model.residual !== null) hidden.push(`residual blocks ×${model.residual}`);
  if (model.dropout > 0) hidden.push(`dropout ${model.dropout}`);
  const clipping = [training.clipNorm === null ? "" : `gradient norm clipped at ${training.clipNorm}`, training.clipValue === null ? "" : `gradients clipped to ±${training.clipValue}`].filter(Boolean);
  return [hidden.join(" + "), `${model.output} output`, `${training.loss} loss${training.reduction === "sum" ? " summed over samples" : ""}`, ...clipping].join(", ");
}

/** Batch norm estimates a variance per batch, which one row cannot give: refuse a split that leaves a batch of one. */
function checkBatchNormBatches(rows: number, batchSize: number): void {
  const size = batchSize === 0 || batchSize >= rows ? rows : batchSize;
  const last = rows % size;
  if (size < 2 || last === 1) {
    throw new UsageError(`--batch-norm needs at least 2 rows in every batch, and ${rows} training rows in batches of ${size} leave ${size < 2 ? "batches" : "a last batch"} of 1; choose another --batch-size`);
  }
}

/** Per option that shapes a run: its value as given on the command line, and the saved run's. */
const SETTINGS: Record<string, (given: { data: DataSpec; choice: NetworkChoice; training: Omit<TrainingSpec, "loss"> }, saved: RunConfig) => [unknown, unknown]> = {
  data: (g, s) => [g.data.data, s.data.data],
  samples: (g, s) => [g.data.samples, s.data.samples],
  noise: (g, s) => [g.data.noise, s.data.noise],
  "test-size": (g, s) => [g.data.testSize, s.data.testSize],
  seed: (g, s) => [[g.data.seed, g.choice.initSeed], [s.data.seed, s.model.seed]],
  "data-seed": (g, s) => [g.data.seed, s.data.seed],
  "init-seed": (g, s) => [g.choice.initSeed, s.model.seed],
  "scale-on": (g, s) => [g.data.scaleOn, s.data.scaleOn],
  "csv-header": (g, s) => [g.data.csvHeader, s.data.csvHeader],
  task: (g, s) => [g.data.task, s.data.task],
  "no-scale": (g, s) => [!g.data.standardize, !s.data.standardize],
  layers: (g, s) => [g.choice.hidden, s.model.sizes.slice(1, -1)],
  activation: (g, s) => [g.choice.activation, s.model.activation],
  output: (g, s) => [g.choice.output, s.model.output],
  loss: (g, s) => [g.choice.loss, s.training.loss],
  init: (g, s) => [g.choice.init, s.model.init],
  "bias-init": (g, s) => [g.choice.biasInit, s.model.biasInit],
  "batch-norm": (g, s) => [g.choice.batchNorm, s.model.batchNorm],
  residual: (g, s) => [g.choice.residual, s.model.residual !== null],
  "residual-scale": (g, s) => [g.choice.residualScale, s.model.residual],
  dropout: (g, s) => [g.choice.dropout, s.model.dropout],
  optimizer: (g, s) => [g.training.optimizer, s.training.optimizer],
  lr: (g, s) => [g.training.lr, s.training.lr],
  momentum: (g, s) => [g.training.momentum, s.training.momentum],
  epochs: (g, s) => [g.training.epochs, s.training.epochs],
  "batch-size": (g, s) => [g.training.batchSize, s.training.batchSize],
  reduction: (g, s) => [g.training.reduction, s.training.reduction],
  "clip-norm": (g, s) => [g.training.clipNorm, s.training.clipNorm],
  "clip-value": (g, s) => [g.training.clipValue, s.training.clipValue],
};

/** --resume continues a run as it was: an option that would change it is refused, naming each one. */
function refuseOtherSettings({ values, given }: Parsed, saved: RunConfig, out: string): void {
  const asGiven = { data: dataSpec(values), choice: networkChoice(values), training: trainingSpec(values) };
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

/** How one run is reported: into which folder, and whether its lines are printed (a run of several seeds prints one line per seed). */
interface RunTarget {
  out: string;
  quiet: boolean;
  /** A preset's options the command line changed, to say so under the preset's line. */
  overridden?: readonly string[];
}

async function trainAndWrite(parsed: Parsed, interrupt: Interrupt, enter: (phase: "writing") => void, { out, quiet, overridden = [] }: RunTarget): Promise<RunOutcome> {
  const { values } = parsed;
  const say = quiet ? () => {} : print;
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
  // The model's generator draws the weights, then dropout's masks: its state is part of a checkpoint.
  const modelRng = new StatefulRng(config.model.seed);
  const model = buildModel(config.model, modelRng.next);
  const optimizer = makeOptimizer(model, config.training);
  if (checkpoint !== null) {
    restoreCheckpoint(out, checkpoint, model, optimizer);
    modelRng.restore(checkpoint.modelRng);
  }
  init?.load(model);
  const capture = values.capture === true;
  const { epochs } = config.training;
  const head = runHead(out, config);
  const train = { x: prepared.xTrain, y: head.encode(prepared.labelsTrain) };
  const test = { x: prepared.xTest, y: head.encode(prepared.labelsTest) };

  const preset = config.preset === null ? null : PRESETS[config.preset];
  if (preset !== null) say(`Preset: ${preset.title}`);
  if (preset !== null && overridden.length > 0) say(`Changed from the preset: ${overridden.join(" ")}`);
  say(`Training MLP [${config.model.sizes.join(", ")}] (${describeRun(config)}) on ${config.data.data}: ${prepared.xTrain.shape[0]} train / ${prepared.xTest.shape[0]} test samples`);
  for (const c of prepared.untested) say(`Note: class ${c} has too few rows to hold one out: it is trained on but not in the test part, so the test accuracy does not cover it.`);
  if (checkpoint !== null) say(`Resuming run ${runId} after epoch ${checkpoint.epoch} of ${epochs} (${join(out, CHECKPOINT)})`);
  if (init !== null) say(`Starting from the weights in ${init.path}`);
  const tty = process.stdout.isTTY === true;
  const rows = prepared.xTrain.shape[0]!;
  const progress = new Progress({
    total: epochs, tty, logEvery, write: quiet ? () => {} : (t) => process.stdout.write(t),
    line: preset === null ? undefined : (r) => preset.line(r, epochs, rows),
  });
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
      history: [...records], rng, modelRng: modelRng.state(), model: modelState(model), optimizer: optimizer.stateDict(),
    });
    checkpointed = records.length;
  };
  const { records, diverged, rngState } = await fitInSlices(model, train, {
    loss: trainingLoss(head.loss, config.training.reduction), optimizer, epochs, batchSize: config.training.batchSize, seed: config.model.seed,
    clipGradNorm: config.training.clipNorm ?? undefined, clipGradValue: config.training.clipValue ?? undefined,
    metrics: [...head.metrics], validation: test, capture,
    resume: checkpoint === null ? undefined : { records: checkpoint.history, rngState: checkpoint.rng },
    onEpoch: (r, run) => {
      if (r.epoch === 1 || r.epoch % activityEvery(epochs) === 0 || r.epoch === epochs) recordActivity(r, model, prepared.xTrain);
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
    say(`Interrupted before the first epoch finished: nothing written, ${out} is as it was.`);
    return { code: 130, metrics: null, records, diverged };
  }
  // So that --resume continues from exactly here.
  if (interrupted && checkpointEvery > 0 && checkpointed !== records.length) saveCheckpoint(records, rngState);
  if (diverged !== null) model.loadStateDict(lastEpochWeights);

  enter("writing");
  await pause();
  // A model whose outputs are not finite has no loss or accuracy to report and no boundary to draw.
  const scored = outputsFinite(model, [train.x, test.x]);
  const lossFn = trainingLoss(head.loss, config.training.reduction);
  const trainEval = scored ? evaluate(model, train, { loss: lossFn, metrics: [...head.metrics] }) : null;
  const testEval = scored ? evaluate(model, test, { loss: lossFn, metrics: [...head.metrics] }) : null;
  const metrics = runMetrics({ epochsRun: records.length, interrupted, diverged: diverged !== null || !scored, seconds: Number(seconds.toFixed(2)) }, trainEval, testEval, head);
  await pause();
  const pictures = [...trainingPictures(model, records, config.training.loss), ...(scored ? dataPictures(model, head, prepared, testEval!.metrics) : [])];
  await pause();
  const staged = await stageRun(out, runId, runFiles(runId, model, records, metrics, config, pictures), pause);
  const resumable = interrupted && checkpointEvery > 0;
  await interrupt.hold(() => {
    commitRun(staged);
    // A finished (or diverged) run has no use for a checkpoint, and one of another run does not belong beside it.
    if (!resumable) removeCheckpoint(out);
  }, `Quit: ${out} holds the new run, complete.`);

  if (interrupted) say(`Interrupted after epoch ${records.length} of ${epochs}.${resumable ? ` Continue with: dagrad train --resume --out ${out}` : ""}`);
  if (diverged !== null) {
    say(`Training stopped at epoch ${diverged.epoch}, step ${diverged.step}: ${divergenceCause(diverged)}; try a lower --lr.`);
    const kept = records.length === 0 ? "no finished epoch, and the initial weights" : `epochs 1 to ${records.length} and the weights after epoch ${records.length}`;
    say(`The run folder has ${kept}.`);
  }
  if (scored && preset !== null) {
    const outputs = (points: number[][]) => predict(model, applyScaling(tensor(points), config.scaling));
    for (const line of preset.closing(outputs, { accuracy: metrics.testAccuracy ?? NaN, labels: prepared.labelsTest })) say(line);
  } else if (scored) {
    say(`Train: loss ${metrics.trainLoss.toFixed(4)}, ${metricsText(trainEval!.metrics)}`);
    say(`Test:  loss ${metrics.testLoss.toFixed(4)}, ${metricsText(testEval!.metrics)}`);
  } else {
    say("Train: -, Test: - (the model's outputs are not finite numbers, so it has no loss or accuracy)");
  }
  say(`Trained ${records.length} epochs in ${seconds.toFixed(1)} s. Run folder: ${out} (model.json, history.json, ${pictures.length} SVGs)`);
  say(`Report: ${join(out, "report.html")}`);
  if (preset !== null) say(`Note: ${preset.note}`);
  return { code: interrupt.requested() ? 130 : metrics.diverged ? 1 : 0, metrics, records, diverged };
}

export const train: Command = { spec, run };
