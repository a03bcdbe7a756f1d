// What the playground's controls set, as one plain object the page sends its
// worker, and the presets: the source documents' setups written as such objects.
// Types only from the library: the page imports this file, and its bundle stays free of the engine the worker runs.
import type { ActivationName, HeadLoss, HeadOutput } from "../src/index.js";

export const DATASETS = ["moons", "circles", "xor", "spirals", "blobs", "xorTable", "andTable", "custom"] as const;
export type DatasetName = (typeof DATASETS)[number];

/** A point the user clicked in, in the coordinates the network sees. */
export interface ClickedPoint {
  x: number;
  y: number;
  label: number;
}

export interface DataConfig {
  dataset: DatasetName;
  /** Points to generate (moons, circles, xor, spirals, blobs). */
  samples: number;
  /** Standard deviation of the noise (for blobs: of each blob). */
  noise: number;
  /** Share held out for testing; 0 tests on nothing. The truth tables train and test on their four rows, as the documents do. */
  testFraction: number;
  /** Seed of the data, the split, the initial weights, the shuffling and dropout. */
  seed: number;
  /** Standardise the features with the training part's mean and std (generated sets only). */
  standardize: boolean;
  /** The custom dataset's points. */
  points: ClickedPoint[];
}

/** Weight inits: the library's schemes, and the two the documents use (002: U[0, 1) weights and biases; 003: N(0, 0.5²) weights, zero biases). */
export const INITS = ["default", "xavier", "he", "xavierNormal", "kaimingUniform", "zeros", "uniform01", "normal05"] as const;
export type InitName = (typeof INITS)[number];

export const HIDDEN_ACTIVATIONS: readonly ActivationName[] = ["tanh", "relu", "leakyRelu", "sigmoid", "softplus", "identity"];

/** ClassifierHead's outputs and losses, for the menus (a test checks they are HEAD_OUTPUTS and HEAD_LOSSES). */
export const OUTPUT_NAMES: readonly HeadOutput[] = ["sigmoid", "softmax", "identity"];
export const LOSS_NAMES: readonly HeadLoss[] = ["bce", "bceWithLogits", "crossEntropy", "mse", "halfSquaredError"];

export interface NetworkConfig {
  /** Hidden layer widths, input side first. */
  hidden: number[];
  activation: ActivationName;
  output: HeadOutput;
  loss: HeadLoss;
  /** Mean over the batch (PyTorch's default) or sum (002 and 003 back-propagate the sum). */
  reduction: "mean" | "sum";
  init: InitName;
  batchNorm: boolean;
  /** Skip connections around hidden layers whose input and output widths match. */
  residual: boolean;
  /** Dropout probability after each hidden activation; 0 for none. */
  dropout: number;
}

export const OPTIMIZERS = ["sgd", "adam", "rmsprop"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface TrainingConfig {
  optimizer: OptimizerName;
  lr: number;
  /** SGD's momentum. */
  momentum: number;
  /** Rows per step; 0 for the whole training set (one step per epoch). */
  batchSize: number;
  /** Clip the gradient's global norm to this before every step; 0 for no clipping. */
  clipNorm: number;
  /** Stop after this epoch; 0 to train until paused. */
  stopAt: number;
}

export interface PlaygroundConfig {
  data: DataConfig;
  network: NetworkConfig;
  training: TrainingConfig;
}

export interface Preset {
  id: string;
  /** One line for the preset menu. */
  title: string;
  /** What the document does and what to watch for. */
  note: string;
  config: PlaygroundConfig;
}

/** 000 section 3: the page's starting point too. */
const MOONS_000: PlaygroundConfig = {
  data: { dataset: "moons", samples: 300, noise: 0.2, testFraction: 0.2, seed: 42, standardize: true, points: [] },
  network: { hidden: [8], activation: "tanh", output: "sigmoid", loss: "bce", reduction: "mean", init: "he", batchNorm: false, residual: false, dropout: 0 },
  training: { optimizer: "sgd", lr: 0.5, momentum: 0, batchSize: 0, clipNorm: 0, stopAt: 2000 },
};

export function defaultConfig(): PlaygroundConfig {
  return structuredClone(MOONS_000);
}

const XOR_002: PlaygroundConfig = {
  data: { dataset: "xorTable", samples: 4, noise: 0, testFraction: 0, seed: 42, standardize: false, points: [] },
  network: { hidden: [2], activation: "sigmoid", output: "sigmoid", loss: "halfSquaredError", reduction: "sum", init: "uniform01", batchNorm: false, residual: false, dropout: 0 },
  training: { optimizer: "sgd", lr: 1, momentum: 0, batchSize: 0, clipNorm: 0, stopAt: 100 },
};

/** 001's deep net (as `dagrad experiment depth`): ten hidden layers of 16 on moons, one logit, SGD at 0.1. */
function deep001(network: Partial<NetworkConfig>): PlaygroundConfig {
  return {
    data: { dataset: "moons", samples: 300, noise: 0.2, testFraction: 0.2, seed: 42, standardize: true, points: [] },
    network: { hidden: new Array<number>(10).fill(16), activation: "sigmoid", output: "identity", loss: "bceWithLogits", reduction: "mean", init: "xavier", batchNorm: false, residual: false, dropout: 0, ...network },
    training: { optimizer: "sgd", lr: 0.1, momentum: 0, batchSize: 0, clipNorm: 0, stopAt: 0 },
  };
}

export const PRESETS: readonly Preset[] = [
  {
    id: "000",
    title: "000 §3: moons, [2, 8, 1] tanh, sigmoid + BCE, lr 0.5",
    note: "The notebook's SimpleMLP: 300 moons with noise 0.2, standardised, 80/20 split, W ~ N(0, 2/fan_in), full-batch gradient descent at lr 0.5 for 2000 epochs: the weights `dagrad train --preset 000` starts from, but the scaler fits the training rows only (the notebook's scaler also sees the test rows). Watch the gradient norms of 000 section 5 fall as the boundary settles.",
    config: MOONS_000,
  },
  {
    id: "002-fails",
    title: "002: XOR with [2, 2, 1] sigmoid, U[0, 1) init, 100 epochs: stuck near 0.5",
    note: "The course notes' MLP: sigmoid hidden and output layers, weights and biases drawn from U[0, 1), the gradient of ½ Σ (y - ŷ)² over the four rows, lr 1, 100 epochs (the run of `dagrad train --preset 002`, from its weights). Every output is still near 0.5 at the end, as the notes print: with all weights and biases positive, both hidden units start as nearly the same rising function of x1 and x2, a plateau where the gradient is small.",
    config: XOR_002,
  },
  {
    id: "002-learns",
    title: "002: the same net, trained 2000 epochs, learns XOR",
    note: "Nothing changed but the length of training: the same U[0, 1) start, loss and lr. The loss sits near 0.5 for a few hundred epochs, then the hidden units split (watch their pictures) and it falls; with this seed near epoch 530. Of seeds 0 to 9, eight learn by epoch 1000 and two stay in a local minimum.",
    config: { ...XOR_002, training: { ...XOR_002.training, stopAt: 2000 } },
  },
  {
    id: "003",
    title: "003: AND with [2, 4, 1] ReLU, sigmoid + BCE, lr 0.1",
    note: "The lab notebook: ReLU hidden layer, sigmoid output, W ~ N(0, 0.5²), b = 0, the gradient of the summed BCE over the four rows, lr 0.1 for 5000 epochs (the run of `dagrad train --preset 003`, from its weights). Its exercises: change the hidden width, lr 1.0, tanh, or XOR.",
    config: {
      data: { dataset: "andTable", samples: 4, noise: 0, testFraction: 0, seed: 42, standardize: false, points: [] },
      network: { hidden: [4], activation: "relu", output: "sigmoid", loss: "bce", reduction: "sum", init: "normal05", batchNorm: false, residual: false, dropout: 0 },
      training: { optimizer: "sgd", lr: 0.1, momentum: 0, batchSize: 0, clipNorm: 0, stopAt: 5000 },
    },
  },
  {
    id: "001-sigmoid",
    title: "001: ten sigmoid layers, Xavier: vanishing gradients",
    note: "Each sigmoid layer multiplies the gradient by at most 0.25 times its weights: the gradient-norm chart shows layer 1 orders of magnitude below layer 11, and the first layers barely learn.",
    config: deep001({}),
  },
  {
    id: "001-relu-he",
    title: "001: the same depth with ReLU and He init",
    note: "ReLU passes the gradient unchanged where a unit is active, and He init keeps the activations' scale: the per-layer norms stay level.",
    config: deep001({ activation: "relu", init: "he" }),
  },
  {
    id: "001-batchnorm",
    title: "001: the same sigmoid net with BatchNorm",
    note: "Batch normalisation before each sigmoid keeps its inputs near 0, where its slope is largest, so the gradient reaches layer 1.",
    config: deep001({ batchNorm: true }),
  },
  {
    id: "001-residual",
    title: "001: the same sigmoid net with residual connections",
    note: "Each hidden layer of equal widths adds its input to its output: the identity path carries the gradient to layer 1 however small the sigmoids' slopes are.",
    config: deep001({ residual: true }),
  },
];

/** The custom dataset's canvas: points are clicked in [-2, 2] on both axes (the plot adds a margin of 0.5). */
export const CUSTOM_BOX = 2;

/** The page draws every unit and trains many steps a second: these bound a network and a dataset. */
export const LIMITS = { hiddenLayers: 12, width: 64, samples: 2000, classes: 3 } as const;

/** gradcheck's settings for the page's gradient check (its defaults: the project's standard, float64 central differences, relative error below 1e-6). */
export const GRADCHECK = { eps: 1e-6, tolerance: 1e-6, atol: 1e-8 } as const;
