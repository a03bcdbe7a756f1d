// What train, evaluate, predict and the experiments share: turning --data and
// friends into a standardised train/test split, and --layers and friends into
// an MLP. Everything is seeded, so a run's config.json rebuilds the same data.
import { Tensor, noGrad } from "../autograd/index.js";
import { type Dataset, StandardScaler, and, blobs, circles, loadCsv, mnist, moons, spirals, trainTestSplit, xor } from "../datasets/index.js";
import { Adam, type ActivationName, type BaseHyperparameters, type InitScheme, type LossName, MLP, type Optimizer, SGD, predict } from "../nn/index.js";
import { UsageError } from "./args.js";

export const DATA_NAMES = ["moons", "circles", "xor", "and", "spirals", "blobs", "mnist"] as const;
export const ACTIVATIONS: readonly ActivationName[] = ["relu", "leakyRelu", "sigmoid", "tanh", "softplus", "identity"];
export const OUTPUTS: readonly ActivationName[] = ["sigmoid", "softmax", "identity"];
export const LOSS_NAMES: readonly LossName[] = ["bce", "bceWithLogits", "crossEntropy", "mse", "halfSquaredError"];
export const INITS: readonly InitScheme[] = ["default", "xavier", "he", "xavierNormal", "kaimingNormal", "zeros"];

export interface DataSpec {
  /** A name from DATA_NAMES or csv:<path>. */
  data: string;
  samples: number;
  noise: number;
  testSize: number;
  seed: number;
  /** Standardise features with the training part's mean and std. */
  standardize: boolean;
  csvHeader: boolean;
}

export interface Scaling {
  mean: number[];
  std: number[];
}

export interface PreparedData {
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
  /** Binary tasks have y [n, 1] of 0/1 and one output; multi-class y [n] of class indices. */
  task: "binary" | "multiclass";
  classes: number;
  features: number;
  scaling: Scaling | null;
}

function rawDataset(spec: DataSpec): Dataset | { train: Dataset; test: Dataset } {
  const { samples: n, noise, seed } = spec;
  if (spec.data.startsWith("csv:")) {
    const path = spec.data.slice(4);
    if (path === "") throw new UsageError(`--data csv:<path> needs a file path, got "${spec.data}"`);
    return loadCsv(path, { header: spec.csvHeader });
  }
  switch (spec.data) {
    case "moons": return moons({ n, noise, seed });
    case "circles": return circles({ n, noise, seed, factor: 0.5 });
    case "spirals": return spirals({ n, noise, seed, classes: 3 });
    case "blobs": return blobs({ n, seed, centers: [[-2, -2], [2, -1], [0, 2.5]] });
    case "xor": return xor();
    case "and": return and();
    case "mnist": {
      const test = Math.max(1, Math.round(n * spec.testSize));
      return mnist({ train: n - test, test, seed });
    }
    default: throw new UsageError(`--data must be one of ${DATA_NAMES.join(", ")} or csv:<path>, got "${spec.data}"`);
  }
}

/** CSV labels that are all 0 or 1 make a binary task; others are class indices. */
function asTask(y: Tensor): { y: Tensor; task: PreparedData["task"]; classes: number } {
  if (y.ndim === 2 && y.shape[1] === 1) return { y, task: "binary", classes: 2 };
  let max = 0;
  for (const v of y.data) {
    if (!Number.isInteger(v) || v < 0) throw new UsageError(`labels must be class indices 0, 1, 2, ..., got ${v}`);
    max = Math.max(max, v);
  }
  if (max <= 1) return { y: y.reshape(y.shape[0]!, 1), task: "binary", classes: 2 };
  return { y, task: "multiclass", classes: max + 1 };
}

export function prepareData(spec: DataSpec): PreparedData {
  const raw = rawDataset(spec);
  let parts: { xTrain: Tensor; yTrain: Tensor; xTest: Tensor; yTest: Tensor };
  if ("train" in raw) {
    parts = { xTrain: raw.train.x, yTrain: raw.train.y, xTest: raw.test.x, yTest: raw.test.y };
  } else if (raw.x.shape[0]! <= 4) {
    // The four-row truth tables: the documents train and test on all four rows.
    parts = { xTrain: raw.x, yTrain: raw.y, xTest: raw.x, yTest: raw.y };
  } else {
    parts = trainTestSplit(raw.x, raw.y, { testSize: spec.testSize, seed: spec.seed });
  }
  const train = asTask(parts.yTrain);
  const test = asTask(parts.yTest);
  let scaling: Scaling | null = null;
  if (spec.standardize) {
    const scaler = new StandardScaler().fit(parts.xTrain);
    scaling = { mean: Array.from(scaler.mean!), std: Array.from(scaler.std!) };
    parts.xTrain = scaler.transform(parts.xTrain);
    parts.xTest = scaler.transform(parts.xTest);
  }
  return {
    xTrain: parts.xTrain, yTrain: train.y, xTest: parts.xTest, yTest: test.y,
    task: train.task, classes: Math.max(train.classes, test.classes), features: parts.xTrain.shape[1]!, scaling,
  };
}

/** Apply a saved scaling to new rows. */
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
  init: InitScheme;
  seed: number;
}

export function buildModel(spec: ModelSpec): MLP {
  return new MLP({ sizes: spec.sizes, activation: spec.activation, outputActivation: spec.output, init: spec.init, seed: spec.seed });
}

/**
 * Class probabilities: [n] p(class 1) for a binary model, [n * classes] row-major
 * otherwise. Raw scores (identity output) go through sigmoid or softmax, as the
 * losses bceWithLogits and crossEntropy read them.
 */
export function probabilities(model: MLP, x: Tensor, task: PreparedData["task"]): Float64Array {
  const output = model.activations[model.activations.length - 1];
  const scores = predict(model, x);
  return noGrad(() => {
    if (task === "binary") return Float64Array.from(output === "identity" ? scores.sigmoid().data : scores.data);
    return Float64Array.from(output === "softmax" ? scores.data : scores.softmax(-1).data);
  });
}

/** Predicted class per row from probabilities(). */
export function predictedClasses(probs: Float64Array, rows: number): number[] {
  const classes = probs.length / rows;
  return Array.from({ length: rows }, (_, r) => {
    if (classes === 1) return probs[r]! > 0.5 ? 1 : 0;
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[r * classes + c]! > probs[r * classes + best]!) best = c;
    return best;
  });
}

/** Class index per row of a target tensor ([n, 1] of 0/1, or [n] of indices). */
export function labelsOf(y: Tensor): number[] {
  return Array.from(y.data, (v) => Math.round(v));
}

export function makeOptimizer(model: MLP, training: { optimizer: "sgd" | "adam"; lr: number; momentum: number }): Optimizer<BaseHyperparameters, unknown> {
  return training.optimizer === "adam"
    ? new Adam(model.parameters(), { lr: training.lr })
    : new SGD(model.parameters(), { lr: training.lr, momentum: training.momentum });
}
