// What train, evaluate, predict and the experiments share: turning --data and
// friends into a standardised train/test split of class labels, and --layers
// and friends into an MLP. Everything is seeded, so a run's config.json
// rebuilds the same data.
import { DagradError, type Rng, Tensor, concat, createRng } from "../autograd/index.js";
import { type Dataset, DatasetError, StandardScaler, and, blobs, circles, moons, sine, spirals, surface, trainTestSplit, xor } from "../datasets/index.js";
import { Adam, type ActivationName, type BaseHyperparameters, ClassifierHead, HEAD_LOSSES, HEAD_OUTPUTS, type HeadLoss, type HeadOutput, HeadError, type HeadTask, type InitFn, type InitScheme, type LossFn, type LossName, type LossOptions, MLP, type Optimizer, SGD, type TrainingError, bceLoss, bceWithLogitsLoss, crossEntropy, halfSquaredError, init, mseLoss, predict } from "../nn/index.js";
import { loadCsvFile, mnist } from "../node/index.js";
import { UsageError } from "./args.js";

export const DATA_NAMES = ["moons", "circles", "xor", "and", "spirals", "blobs", "mnist", "sine", "surface"] as const;
export const ACTIVATIONS: readonly ActivationName[] = ["relu", "leakyRelu", "sigmoid", "tanh", "softplus", "identity"];
export const OUTPUTS = HEAD_OUTPUTS;
export const LOSS_NAMES = HEAD_LOSSES;
export const INITS: readonly InitScheme[] = ["default", "xavier", "he", "xavierNormal", "kaimingNormal", "zeros"];

/** Classes of each built-in dataset, known by construction (a small --samples may leave one out); 0 for the regression sets. */
const CLASSES: Record<(typeof DATA_NAMES)[number], number> = { moons: 2, circles: 2, xor: 2, and: 2, spirals: 3, blobs: 3, mnist: 10, sine: 0, surface: 0 };

/** What a dataset asks of a model: the built-in sets by construction, a CSV file by --task (classification unless told). */
export function dataTask(data: string, csvTask: HeadTask = "classification"): HeadTask {
  if (data.startsWith("csv:")) return csvTask;
  return CLASSES[data as (typeof DATA_NAMES)[number]] === 0 ? "regression" : "classification";
}

export interface DataSpec {
  /** A name from DATA_NAMES or csv:<path>. */
  data: string;
  samples: number;
  noise: number;
  testSize: number;
  seed: number;
  /** Standardise features with the training part's mean and std (or all data's, see scaleOn). */
  standardize: boolean;
  /** Which rows the scaler's mean and std come from: "train" (default), or "all" as 000 does (fit_transform before the split). */
  scaleOn: "train" | "all";
  csvHeader: boolean;
  /** What the labels are: classes, or real numbers to predict (the last column of a CSV file, with --task regression). */
  task: HeadTask;
}

export interface Scaling {
  mean: number[];
  std: number[];
}

export interface PreparedData {
  xTrain: Tensor;
  xTest: Tensor;
  /** Class indices [n] (as floats), or the target values for regression; a ClassifierHead turns them into the loss's targets. */
  labelsTrain: Tensor;
  labelsTest: Tensor;
  /** "binary" for two classes, "multiclass" for more, "regression" for real-valued targets. */
  task: "binary" | "multiclass" | "regression";
  /** 0 for regression. */
  classes: number;
  features: number;
  scaling: Scaling | null;
  /** Classes with no test sample (a CSV class of one row is trained on, not tested). */
  untested: number[];
}

function rawDataset(spec: DataSpec): Dataset | { train: Dataset; test: Dataset } {
  const { samples: n, noise, seed } = spec;
  if (spec.data.startsWith("csv:")) {
    const path = spec.data.slice(4);
    if (path === "") throw new UsageError(`--data csv:<path> needs a file path, got "${spec.data}"`);
    try {
      return loadCsvFile(path, { header: spec.csvHeader });
    } catch (e) {
      // Column names read as data are the likely cause when the very first line fails.
      if (e instanceof DatasetError && !spec.csvHeader && /^line 1, .*is not a number$/.test(e.detail)) throw new UsageError(`${e.message}; if line 1 holds column names, add --csv-header`);
      throw e;
    }
  }
  switch (spec.data) {
    case "moons": return moons({ n, noise, seed });
    case "circles": return circles({ n, noise, seed, factor: 0.5 });
    case "spirals": return spirals({ n, noise, seed, classes: 3 });
    case "blobs": return blobs({ n, seed, centers: [[-2, -2], [2, -1], [0, 2.5]] });
    case "sine": return sine({ n, noise, seed });
    case "surface": return surface({ n, noise, seed });
    case "xor": return xor();
    case "and": return and();
    case "mnist": {
      const test = Math.min(n - 1, Math.max(1, Math.round(n * spec.testSize)));
      return mnist({ train: n - test, test, seed });
    }
    default: throw new UsageError(`--data must be one of ${DATA_NAMES.join(", ")} or csv:<path>, got "${spec.data}"`);
  }
}

/**
 * A CSV's labels as class indices and their count, judged once over the whole
 * file (not per split part): whole numbers 0..k-1, every class present, at
 * least two classes and two rows.
 */
function csvClasses(spec: DataSpec, y: Tensor): number {
  const file = spec.data.slice(4);
  const rows = new Map<number, number>();
  y.data.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0) {
      throw new UsageError(`${file}: the label of data row ${i + 1} is ${v}, not a class index; labels of classes must be 0, 1, 2, ... (one per class), and for real-valued targets add --task regression`);
    }
    rows.set(v, (rows.get(v) ?? 0) + 1);
  });
  if (y.size < 2) throw new UsageError(`${file} has ${y.size} data row; training and testing need at least 2`);
  if (rows.size < 2) throw new UsageError(`${file}: every row is class ${y.data[0]}; a classifier needs at least two classes`);
  let largest = 0;
  for (const c of rows.keys()) largest = Math.max(largest, c);
  const classes = largest + 1;
  if (rows.size < classes) {
    // The first five gaps only: a label of 1e9 must not list (or allocate) a billion classes.
    const missing: number[] = [];
    for (let c = 0; missing.length < 5 && c < classes; c++) if (!rows.has(c)) missing.push(c);
    const more = classes - rows.size - missing.length;
    const listed = more > 0 ? `${missing.join(", ")} and ${more} more` : missing.join(", ");
    throw new UsageError(`${file}: labels run to ${classes - 1} but class ${listed} has no rows; number the classes 0..k-1 with no gaps`);
  }
  return classes;
}

/** A CSV's targets for regression: at least two rows, and not all one value (nothing to learn). */
function csvTargets(spec: DataSpec, y: Tensor): void {
  const file = spec.data.slice(4);
  if (y.size < 2) throw new UsageError(`${file} has ${y.size} data row; training and testing need at least 2`);
  if (y.data.every((v) => v === y.data[0])) throw new UsageError(`${file}: every target is ${y.data[0]}; regression needs targets that vary`);
}

export function prepareData(spec: DataSpec): PreparedData {
  const raw = rawDataset(spec);
  const csv = spec.data.startsWith("csv:");
  let parts: { xTrain: Tensor; yTrain: Tensor; xTest: Tensor; yTest: Tensor };
  let classes: number;
  if ("train" in raw) {
    parts = { xTrain: raw.train.x, yTrain: raw.train.y, xTest: raw.test.x, yTest: raw.test.y };
    classes = CLASSES.mnist;
  } else {
    const labels = raw.y.reshape(raw.y.shape[0]!);
    if (spec.task === "regression") {
      classes = 0;
      if (csv) csvTargets(spec, labels);
    } else {
      classes = csv ? csvClasses(spec, labels) : CLASSES[spec.data as (typeof DATA_NAMES)[number]];
    }
    if (spec.data === "xor" || spec.data === "and") {
      // The four-row truth tables: the documents train and test on all four rows.
      parts = { xTrain: raw.x, yTrain: labels, xTest: raw.x, yTest: labels };
    } else {
      // A user's file may hold a small class: stratify, so each part gets its share and training every class.
      parts = trainTestSplit(raw.x, labels, { testSize: spec.testSize, seed: spec.seed, stratify: csv && spec.task === "classification" });
    }
  }
  let scaling: Scaling | null = null;
  if (spec.standardize) {
    const scaler = new StandardScaler().fit(spec.scaleOn === "all" ? concat([parts.xTrain, parts.xTest], 0) : parts.xTrain);
    scaling = { mean: Array.from(scaler.mean!), std: Array.from(scaler.std!) };
    parts.xTrain = scaler.transform(parts.xTrain);
    parts.xTest = scaler.transform(parts.xTest);
  }
  const tested = new Set(parts.yTest.data);
  return {
    xTrain: parts.xTrain, xTest: parts.xTest, labelsTrain: parts.yTrain, labelsTest: parts.yTest,
    task: spec.task === "regression" ? "regression" : classes === 2 ? "binary" : "multiclass", classes, features: parts.xTrain.shape[1]!, scaling,
    untested: csv && spec.task === "classification" ? Array.from({ length: classes }, (_, c) => c).filter((c) => !tested.has(c)) : [],
  };
}

/** Apply a saved scaling to new rows (float32, as the models are). */
export function applyScaling(x: Tensor, scaling: Scaling | null): Tensor {
  if (scaling === null) return x;
  const features = scaling.mean.length;
  const out = Float32Array.from(x.data, (v, i) => (v - scaling.mean[i % features]!) / scaling.std[i % features]!);
  return new Tensor(out, [...x.shape]);
}

export interface ModelSpec {
  sizes: number[];
  activation: ActivationName;
  output: ActivationName;
  /** A scheme of INITS, "uniform:A,B" or "normal:STD" (see parseInit). */
  init: string;
  /** "zeros", "uniform:A,B" or "normal:STD"; null: the init scheme's rule. */
  biasInit: string | null;
  /** Seed of the initial weights (and of dropout's masks and the shuffling). */
  seed: number;
  /** The file the weights started from (train --init-from) instead of init. */
  initFrom?: string;
  batchNorm: boolean;
  /** Scale of the residual blocks (h + scale · layer(h)); null: no residual connections. */
  residual: number | null;
  /** Dropout probability after each hidden activation; 0: none. */
  dropout: number;
}

/** An init as the documents write it: a scheme, U[low, high) or N(0, std²). */
type InitSpec = { scheme: InitScheme } | { uniform: [number, number] } | { normal: number };

/**
 * "xavier", "uniform:0,1" (002's np.random.rand) or "normal:0.5" (003's
 * randn * 0.5); { refused: why } when the text is none of them.
 */
export function parseInit(text: string, schemes: readonly string[] = INITS): InitSpec | { refused: string } {
  const [kind, args, ...rest] = text.split(":");
  const numbers = args === undefined ? [] : args.split(",").map((a) => (a.trim() === "" ? NaN : Number(a)));
  if (rest.length > 0) return { refused: "has more than one ':'" };
  if (kind === "uniform") {
    const [low, high] = numbers;
    if (numbers.length !== 2 || !Number.isFinite(low) || !Number.isFinite(high) || !(low! < high!)) return { refused: "uniform needs two finite bounds low < high, e.g. uniform:0,1" };
    return { uniform: [low!, high!] };
  }
  if (kind === "normal") {
    const [std] = numbers;
    if (numbers.length !== 1 || !Number.isFinite(std) || std! < 0) return { refused: "normal needs one finite standard deviation >= 0, e.g. normal:0.5" };
    return { normal: std! };
  }
  if (args === undefined && schemes.includes(kind!)) return { scheme: kind as InitScheme };
  return { refused: `must be one of ${schemes.join(", ")}, uniform:A,B or normal:STD` };
}

function initFn(spec: InitSpec): InitScheme | InitFn {
  if ("scheme" in spec) return spec.scheme;
  if ("uniform" in spec) {
    const [low, high] = spec.uniform;
    return (t, rng) => { init.uniform(t, low, high, { rng }); };
  }
  const std = spec.normal;
  return (t, rng) => { init.normal(t, 0, std, { rng }); };
}

/** The init a saved or checked spec names; throws on one parseInit refuses (the options checked it before). */
function resolvedInit(text: string, schemes?: readonly string[]): InitScheme | InitFn {
  const spec = parseInit(text, schemes);
  if ("refused" in spec) throw new DagradError("buildModel", `init "${text}" ${spec.refused}`);
  return initFn(spec);
}

/** The MLP a spec describes. `rng` (seeded with spec.seed) draws the weights and then dropout's masks; pass one to keep its state. */
export function buildModel(spec: ModelSpec, rng: Rng = createRng(spec.seed)): MLP {
  const biasInit = spec.biasInit === null ? undefined : resolvedInit(spec.biasInit, ["zeros"]);
  return new MLP({
    sizes: spec.sizes, activation: spec.activation, outputActivation: spec.output, rng,
    init: resolvedInit(spec.init),
    biasInit: typeof biasInit === "string" ? (t) => { init.zeros(t); } : biasInit,
    batchNorm: spec.batchNorm, dropout: spec.dropout,
    residual: spec.residual !== null, residualScale: spec.residual ?? undefined,
  });
}

const METRIC_NAMES: Record<string, string> = { accuracy: "accuracy", r2: "R²", mse: "MSE" };

/** "accuracy 0.9833", or "R² 0.9712, MSE 0.0123": a head's metrics as people name them (" = " between, for the documents' epoch lines). */
export function metricsText(values: Record<string, number>, between = " "): string {
  return Object.entries(values).map(([name, v]) => `${METRIC_NAMES[name] ?? name}${between}${v.toFixed(4)}`).join(", ");
}

/** The loss fit minimises: the head's, averaged over the samples or (as 002 and 003 do) summed. */
export function trainingLoss(name: HeadLoss, reduction: "mean" | "sum"): LossName | LossFn {
  if (reduction === "mean") return name;
  const fn = LOSS_FUNCTIONS[name];
  return (a, b) => fn(a, b, { reduction: "sum" });
}

const LOSS_FUNCTIONS: Record<HeadLoss, (a: Tensor, b: Tensor, options: LossOptions) => Tensor> = {
  bce: bceLoss, bceWithLogits: bceWithLogitsLoss, crossEntropy: crossEntropy, mse: mseLoss, halfSquaredError,
};

/** Whether every output of the model on these inputs is a finite number (false after its weights blew up). */
export function outputsFinite(model: MLP, inputs: readonly Tensor[]): boolean {
  return inputs.every((x) => predict(model, x).data.every(Number.isFinite));
}

/** What made fit stop, from its TrainingError's fields: "the gradient of layers.4.weight was not finite (loss 1.23e+20)". */
export function divergenceCause(error: TrainingError): string {
  const loss = Math.abs(error.loss) >= 1e6 ? error.loss.toExponential(3) : String(Number(error.loss.toPrecision(4)));
  switch (error.reason) {
    case "loss": return `the loss became ${loss}`;
    case "gradient": return `the gradient of ${error.parameter} was not finite (loss ${loss})`;
    case "weights": return `the step made ${error.parameter} not finite (loss ${loss} before it)`;
  }
}

/**
 * The data a run's config rebuilds must be the data it was trained on: a CSV
 * file edited since would otherwise be scored without a word (or fail deep in
 * a matrix product when its columns changed).
 */
export function checkRebuiltData(dir: string, run: { data: DataSpec; model: ModelSpec; classes: number; scaling: Scaling | null }, data: PreparedData): void {
  const same = data.features === run.model.sizes[0] && data.classes === run.classes && JSON.stringify(data.scaling) === JSON.stringify(run.scaling);
  if (!same) {
    throw new UsageError(`${dir}: ${run.data.data} no longer gives the data this run was trained on (its features, classes or the training part's mean and std differ): the file changed since; train again`);
  }
}

/** The head a run folder's model was trained with, or why the folder cannot be read with one. */
export function runHead(dir: string, run: { model: Pick<ModelSpec, "sizes" | "output">; training: { loss: string }; classes: number; task?: string }): ClassifierHead {
  let head: ClassifierHead;
  const task: HeadTask = run.task === "regression" ? "regression" : "classification";
  const what = (classes: number) => (task === "regression" ? "for regression" : `on ${classes} classes`);
  try {
    head = new ClassifierHead({ output: run.model.output as HeadOutput, loss: run.training.loss as HeadLoss, classes: run.classes, task });
  } catch (e) {
    if (!(e instanceof HeadError)) throw e;
    throw new UsageError(`${dir} was trained with ${e.output} output and ${e.loss} loss ${what(e.classes)}, which dagrad no longer reads (${e.reason}); train it again`);
  }
  const outputs = run.model.sizes[run.model.sizes.length - 1];
  if (outputs !== head.outputs) {
    throw new UsageError(`${dir}: its model has ${outputs} outputs, but ${head.output} with ${head.loss} ${what(head.classes)} needs ${head.outputs}; train it again`);
  }
  return head;
}

export function makeOptimizer(model: MLP, training: { optimizer: "sgd" | "adam"; lr: number; momentum: number }): Optimizer<BaseHyperparameters, unknown> {
  return training.optimizer === "adam"
    ? new Adam(model.parameters(), { lr: training.lr })
    : new SGD(model.parameters(), { lr: training.lr, momentum: training.momentum });
}
