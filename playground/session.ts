// One playground run: the data, the model and its optimizer built from a
// PlaygroundConfig, training in slices, and what the page shows of it. Every
// number here comes from the library: fit trains and records (loss, accuracy,
// gradient norms, update ratios), ClassifierHead reads the outputs,
// layerOutputs gives each unit's picture, inspectStep and gradcheck inspect a step.
import {
  Adam, type BaseHyperparameters, ClassifierHead, type EpochRecord, type HeadLoss, type InitFn, type InitScheme, type LossOptions, MLP, type MLPOptions,
  type Optimizer, type OutputReading, type GraphNodeView, RMSprop, type Rng, SGD, type StepComparison, StandardScaler, type Tensor, TrainingError,
  and, bceLoss, bceWithLogitsLoss, blobs, circles, compareGradients, concat, createRng, crossEntropy, fit, gradcheck, grid, halfSquaredError, init,
  graphNodes, inspectStep, layerOutputs, moons, mseLoss, predict, spirals, tensor, trainTestSplit, xor, xorClusters,
} from "../src/index.js";
import { dagFigure, toSvg } from "../src/report/index.js";
import { CUSTOM_BOX, type DataConfig, GRADCHECK, type InitName, LIMITS, type NetworkConfig, type PlaygroundConfig, type TrainingConfig } from "./config.js";
import { PlaygroundError } from "./errors.js";

/** Nodes per axis of the decision boundary's grid, and of each unit's picture. */
export const BOUNDARY_STEPS = 64;
export const UNIT_STEPS = 24;

export interface Points {
  /** [n * 2]: x0, y0, x1, y1, ... in the coordinates the network sees. */
  xy: Float32Array;
  labels: Int32Array;
}

/** What the page needs once per run to draw it. */
export interface Layout {
  sizes: number[];
  /** One per Linear layer; the last is the output's. */
  activations: string[];
  classes: number;
  reading: OutputReading;
  train: Points;
  /** Null when nothing is held out. */
  test: Points | null;
  /** The decision boundary's grid and the units' grid over the same range. */
  boundary: { xs: Float64Array; ys: Float64Array };
  units: { xs: Float64Array; ys: Float64Array };
  /** True when the manual formulas cover the network (no batch norm, dropout or residual layers). */
  isPlain: boolean;
}

/** One epoch, as the charts plot it; gradient norms and update ratios are of each Linear layer's weight. */
export interface EpochSummary {
  epoch: number;
  loss: number;
  accuracy: number;
  testLoss: number | null;
  testAccuracy: number | null;
  gradNorms: number[];
  updateRatios: number[];
}

/** The model as drawn now. */
export interface Frame {
  epoch: number;
  /** The head's reading of the outputs over the boundary grid (probabilities, or values), as decisionBoundary takes them. */
  boundary: Float32Array;
  /** units[layer][unit]: the unit's output over the units' grid, every layer including the output. */
  units: Float32Array[][];
  weights: { weight: Float32Array; bias: Float32Array | null }[];
}

export type SampleSet = "train" | "test";

export interface Inspection {
  set: SampleSet;
  index: number;
  x: [number, number];
  label: number;
  loss: number;
  nodes: readonly GraphNodeView[];
  comparisons: readonly StepComparison[] | null;
  manualUnavailable: string | null;
  /** The graph as an SVG picture; each node's group carries data-node = its index in nodes. */
  graphSvg: string;
}

export interface GradientCheckRow {
  name: string;
  shape: number[];
  /** gradcheck's ||autograd - numerical|| / (||autograd|| + ||numerical||) and largest |difference|, and its verdict. */
  relativeError: number;
  maxAbsError: number;
  passed: boolean;
  /** The same measure of autograd against the manual formulas; null where they do not cover the network. */
  manualRelativeError: number | null;
}

export interface GradientCheck {
  set: SampleSet;
  index: number;
  passed: boolean;
  rows: GradientCheckRow[];
}

const REDUCED_LOSSES: Record<HeadLoss, (input: Tensor, target: Tensor, options: LossOptions) => Tensor> = {
  mse: mseLoss, halfSquaredError, bce: bceLoss, bceWithLogits: bceWithLogitsLoss, crossEntropy,
};

interface Data {
  train: { x: Tensor; labels: Tensor };
  test: { x: Tensor; labels: Tensor } | null;
  classes: number;
  /** Every point drawn, for the plot's range. */
  all: Tensor;
}

function check(ok: boolean, control: string, message: string): void {
  if (!ok) throw new PlaygroundError(control, message);
}

function checkConfig({ data, network, training }: PlaygroundConfig): void {
  const count = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  check(count(data.samples, 4, LIMITS.samples), "data.samples", `must be a whole number from 4 to ${LIMITS.samples}, got ${data.samples}`);
  check(data.noise >= 0 && data.noise <= 2, "data.noise", `must be a number from 0 to 2, got ${data.noise}`);
  check(data.testFraction >= 0 && data.testFraction < 1, "data.testFraction", `must be at least 0 (no test set) and below 1, got ${data.testFraction}`);
  check(Number.isInteger(data.seed), "data.seed", `must be a whole number, got ${data.seed}`);
  check(network.hidden.length <= LIMITS.hiddenLayers, "network.hidden", `at most ${LIMITS.hiddenLayers} hidden layers (the page draws every unit), got ${network.hidden.length}`);
  network.hidden.forEach((w) => check(count(w, 1, LIMITS.width), "network.hidden", `each width must be a whole number from 1 to ${LIMITS.width}, got ${w}`));
  check(network.dropout >= 0 && network.dropout < 1, "network.dropout", `must be a probability in [0, 1), got ${network.dropout}`);
  check(training.lr > 0 && Number.isFinite(training.lr), "training.lr", `must be a positive number, got ${training.lr}`);
  check(training.momentum >= 0 && training.momentum < 1, "training.momentum", `must be in [0, 1), got ${training.momentum}`);
  check(Number.isInteger(training.batchSize) && training.batchSize >= 0, "training.batchSize", `must be a whole number, 0 for the whole training set, got ${training.batchSize}`);
  check(training.clipNorm >= 0 && Number.isFinite(training.clipNorm), "training.clipNorm", `must be a number >= 0 (0: no clipping), got ${training.clipNorm}`);
  check(Number.isInteger(training.stopAt) && training.stopAt >= 0, "training.stopAt", `must be a whole number of epochs, 0 to train until paused, got ${training.stopAt}`);
}

/** The clicked points as a dataset: labels 0..k-1 with every class present, at least two classes. */
function customData(points: DataConfig["points"]): { x: Tensor; y: Tensor; classes: number } {
  const labels = new Set(points.map((p) => p.label));
  const classes = Math.max(-1, ...labels) + 1;
  check(labels.size >= 2, "data.points", `click in points of at least two classes (there ${points.length === 1 ? "is 1 point" : `are ${points.length} points`} of ${labels.size === 0 ? "no class" : `class ${[...labels].join(", ")} only`})`);
  check(classes <= LIMITS.classes && labels.size === classes, "data.points", `classes must be numbered 0 to ${LIMITS.classes - 1} without a gap; there are points of class ${[...labels].sort().join(", ")}`);
  points.forEach((p, i) => check(Math.abs(p.x) <= CUSTOM_BOX && Math.abs(p.y) <= CUSTOM_BOX, "data.points", `point ${i} (${p.x}, ${p.y}) lies outside the canvas [-${CUSTOM_BOX}, ${CUSTOM_BOX}]`));
  return { x: tensor(points.map((p) => [p.x, p.y])), y: tensor(points.map((p) => p.label)), classes };
}

function buildData(config: DataConfig): Data {
  const { samples: n, noise, seed } = config;
  let raw: { x: Tensor; y: Tensor; classes: number };
  switch (config.dataset) {
    case "moons": raw = { ...moons({ n, noise, seed }), classes: 2 }; break;
    case "circles": raw = { ...circles({ n, noise, seed, factor: 0.5 }), classes: 2 }; break;
    case "xor": raw = { ...xorClusters({ n, noise, seed }), classes: 2 }; break;
    case "spirals": raw = { ...spirals({ n, noise, seed, classes: 3 }), classes: 3 }; break;
    case "blobs": raw = { ...blobs({ n, std: noise, seed, centers: [[-2, -2], [2, -1], [0, 2.5]] }), classes: 3 }; break;
    case "xorTable": raw = { ...xor(), classes: 2 }; break;
    case "andTable": raw = { ...and(), classes: 2 }; break;
    case "custom": raw = customData(config.points); break;
  }
  const labels = raw.y.reshape(raw.y.shape[0]!);
  const generated = config.dataset !== "custom" && config.dataset !== "xorTable" && config.dataset !== "andTable";
  let train = { x: raw.x, labels };
  let test: Data["test"] = null;
  if (config.dataset === "xorTable" || config.dataset === "andTable") {
    // The documents train and test on the same four rows.
    test = { x: raw.x, labels };
  } else if (config.testFraction > 0) {
    const split = trainTestSplit(raw.x, labels, { testSize: config.testFraction, seed, stratify: config.dataset === "custom" });
    train = { x: split.xTrain, labels: split.yTrain };
    test = { x: split.xTest, labels: split.yTest };
  }
  if (config.standardize && generated) {
    const scaler = new StandardScaler().fit(train.x);
    train = { ...train, x: scaler.transform(train.x) };
    if (test !== null) test = { ...test, x: scaler.transform(test.x) };
  }
  const parts = [train.x, ...(test === null ? [] : [test.x])];
  // The custom canvas keeps its size however few points are in it.
  if (config.dataset === "custom") parts.push(tensor([[-CUSTOM_BOX, -CUSTOM_BOX], [CUSTOM_BOX, CUSTOM_BOX]]));
  return { train, test, classes: raw.classes, all: concat(parts, 0) };
}

const uniform01: InitFn = (t, rng) => { init.uniform(t, 0, 1, { rng }); };

function initOf(name: InitName): InitScheme | InitFn {
  switch (name) {
    case "uniform01": return uniform01;
    case "normal05": return (w, rng) => { init.normal(w, 0, 0.5, { rng }); };
    default: return name;
  }
}

function makeOptimizer(model: MLP, training: TrainingConfig): Optimizer<BaseHyperparameters, unknown> {
  switch (training.optimizer) {
    case "sgd": return new SGD(model.parameters(), { lr: training.lr, momentum: training.momentum });
    case "adam": return new Adam(model.parameters(), { lr: training.lr });
    case "rmsprop": return new RMSprop(model.parameters(), { lr: training.lr });
  }
}

function points(x: Tensor, labels: Tensor): Points {
  return { xy: Float32Array.from(x.data), labels: Int32Array.from(labels.data) };
}

/** Column `c` of a [n, width] tensor. */
function column(t: Tensor, c: number): Float32Array {
  const width = t.shape[1]!;
  return Float32Array.from({ length: t.shape[0]! }, (_, r) => t.data[r * width + c]!);
}

/** A node's value or gradient in one line: the numbers when there are at most two, else the L2 norm. */
function brief(label: string, v: Float64Array): string {
  if (v.length <= 2) return `${label} ${Array.from(v, (n) => n.toPrecision(4)).join(", ")}`;
  return `|${label}| ${Math.sqrt(v.reduce((s, n) => s + n * n, 0)).toPrecision(4)}`;
}

export class Session {
  readonly config: PlaygroundConfig;
  readonly head: ClassifierHead;
  readonly model: MLP;
  readonly layout: Layout;
  private readonly modelOptions: MLPOptions;
  private readonly data: Data;
  private readonly targets: { train: Tensor; test: Tensor | null };
  private readonly optimizer: Optimizer<BaseHyperparameters, unknown>;
  private readonly loss: HeadLoss | ((input: Tensor, target: Tensor) => Tensor);
  private readonly shuffle: Rng;
  private readonly grids: { boundary: Tensor; units: Tensor };
  private trained = 0;
  /** Why training stopped on a value that was not finite, or null. */
  diverged: TrainingError | null = null;

  /** Throws PlaygroundError for a setting out of range, HeadError for an output and loss that cannot go together. */
  constructor(config: PlaygroundConfig) {
    checkConfig(config);
    this.config = structuredClone(config);
    const { network, training } = config;
    this.data = buildData(config.data);
    this.head = new ClassifierHead({ output: network.output, loss: network.loss, classes: this.data.classes });
    this.targets = { train: this.head.encode(this.data.train.labels), test: this.data.test && this.head.encode(this.data.test.labels) };
    this.modelOptions = modelOptions(network, this.head.outputs, config.data.seed);
    this.model = new MLP(this.modelOptions);
    this.optimizer = makeOptimizer(this.model, training);
    this.loss = network.reduction === "mean" ? network.loss : (input, target) => REDUCED_LOSSES[network.loss](input, target, { reduction: "sum" });
    this.shuffle = createRng(`${config.data.seed}-shuffle`);
    const boundary = grid(this.data.all, { steps: BOUNDARY_STEPS, margin: 0.5 });
    const units = grid(this.data.all, { steps: UNIT_STEPS, margin: 0.5 });
    this.grids = { boundary: boundary.points, units: units.points };
    this.layout = {
      sizes: [...this.model.sizes], activations: [...this.model.activations], classes: this.data.classes, reading: this.head.reading,
      train: points(this.data.train.x, this.data.train.labels),
      test: this.data.test && points(this.data.test.x, this.data.test.labels),
      boundary: { xs: boundary.xs, ys: boundary.ys }, units: { xs: units.xs, ys: units.ys },
      isPlain: this.model.isPlain,
    };
  }

  get epoch(): number { return this.trained; }

  /** "limit" once the stop-at epoch is reached, "diverged" after a value that was not finite, else null. */
  get finished(): "limit" | "diverged" | null {
    if (this.diverged !== null) return "diverged";
    const { stopAt } = this.config.training;
    return stopAt > 0 && this.trained >= stopAt ? "limit" : null;
  }

  setLearningRate(lr: number): void {
    check(lr > 0 && Number.isFinite(lr), "training.lr", `must be a positive number, got ${lr}`);
    this.config.training.lr = lr;
    for (const group of this.optimizer.paramGroups) group.lr = lr;
  }

  /**
   * Train up to `epochs` more (never past the stop-at epoch), stopping early
   * when keepGoing() turns false after an epoch; returns the epochs trained.
   * A value that is not finite ends training: `diverged` says where and why.
   */
  train(epochs: number, keepGoing: () => boolean = () => true): EpochSummary[] {
    const { stopAt, batchSize, clipNorm } = this.config.training;
    const last = stopAt > 0 ? Math.min(stopAt, this.trained + epochs) : this.trained + epochs;
    if (this.finished !== null || last <= this.trained) return [];
    const summaries: EpochSummary[] = [];
    try {
      fit(this.model, { x: this.data.train.x, y: this.targets.train }, {
        loss: this.loss, optimizer: this.optimizer, epochs: last, initialEpoch: this.trained, batchSize, rng: this.shuffle,
        metrics: [this.head.accuracy], clipGradNorm: clipNorm > 0 ? clipNorm : undefined,
        validation: this.data.test === null ? undefined : { x: this.data.test.x, y: this.targets.test! },
        // Each step recorded once per call, then replayed: the same numbers as through the graph; 5-25 % more epochs
        // a second on the presets (measured in Node; an epoch also evaluates the train and test sets).
        capture: true,
        onEpoch: (record) => {
          this.trained = record.epoch;
          summaries.push(this.summary(record));
          return keepGoing();
        },
      });
    } catch (e) {
      if (!(e instanceof TrainingError)) throw e;
      this.diverged = e;
    }
    return summaries;
  }

  private summary(record: EpochRecord): EpochSummary {
    const weights = this.model.linears.map((l) => l.weight.name!);
    return {
      epoch: record.epoch, loss: record.loss, accuracy: record.metrics.accuracy!,
      testLoss: record.valLoss ?? null, testAccuracy: record.valMetrics?.accuracy ?? null,
      gradNorms: weights.map((name) => record.gradNorms[name]!), updateRatios: weights.map((name) => record.updateRatios[name]!),
    };
  }

  /** The boundary, every unit's picture and the weights, now. */
  frame(): Frame {
    const scores = predict(this.model, this.grids.boundary);
    // After weights that blew up, the raw outputs (not finite): the head refuses to read them, and the page shows none.
    const probabilities = scores.data.every(Number.isFinite) ? this.head.probabilities(scores) : null;
    const layers = layerOutputs(this.model, this.grids.units);
    return {
      epoch: this.trained,
      boundary: Float32Array.from(probabilities ?? scores.data),
      units: layers.map((out) => Array.from({ length: out.shape[1]! }, (_, u) => column(out, u))),
      weights: this.model.linears.map((l) => ({ weight: Float32Array.from(l.weight.data), bias: l.bias && Float32Array.from(l.bias.data) })),
    };
  }

  /** A float64 copy of the live model (weights and batch-norm statistics), for checks that need float64. */
  private float64Model(): MLP {
    const copy = new MLP({ ...this.modelOptions, dtype: "float64" });
    copy.loadStateDict(this.model.stateDict());
    return copy;
  }

  /** One sample as a float64 batch of one row, with its target in the loss's form. */
  private sample(set: SampleSet, index: number): { x: Tensor; y: Tensor; xy: [number, number]; label: number } {
    const part = set === "train" ? this.data.train : this.data.test;
    const rows = part?.labels.size ?? 0;
    check(part !== null && Number.isInteger(index) && index >= 0 && index < rows, "inspect", `${set} sample ${index} does not exist (${set} has ${rows} samples)`);
    const xy: [number, number] = [part!.x.data[2 * index]!, part!.x.data[2 * index + 1]!];
    const label = part!.labels.data[index]!;
    return { x: tensor([xy], { dtype: "float64" }), y: this.head.encode(tensor([label], { dtype: "float64" })), xy, label };
  }

  /** One forward and backward pass of the live model (in float64) on one sample: the whole graph, and the manual formulas beside it. */
  inspect(set: SampleSet, index: number): Inspection {
    const { x, y, xy, label } = this.sample(set, index);
    const step = inspectStep(this.float64Model(), x, y, this.head.loss);
    // Names for the picture's leaves (dagFigure calls an unnamed leaf "input"): this graph's own tensors.
    graphNodes(step.root).forEach((t, i) => {
      const node = step.nodes[i]!;
      if (node.kind === "input" || node.kind === "target" || node.kind === "constant") t.name = node.label;
    });
    const title = `${set} sample ${index}: loss ${step.loss.toPrecision(6)} (${this.head.loss}, float64)`;
    const svg = toSvg(dagFigure(step.root, title, {
      indexAttributes: true,
      extraLines: (_, i) => {
        const node = step.nodes[i]!;
        const lines = node.names.length > 0 ? [node.names.join(" = ")] : [];
        if (node.kind === "op" || node.kind === "input" || node.kind === "target") lines.push(brief("value", node.value));
        if (node.kind === "op") lines.push(brief("grad", node.grad!));
        return lines;
      },
    }));
    return { set, index, x: xy, label, loss: step.loss, nodes: step.nodes, comparisons: step.comparisons, manualUnavailable: step.manualUnavailable, graphSvg: svg };
  }

  /** Central differences on every parameter of the live model (in float64, evaluation mode) for one sample, against autograd and the manual formulas. */
  gradientCheck(set: SampleSet, index: number): GradientCheck {
    const { x, y } = this.sample(set, index);
    const model = this.float64Model().eval();
    const lossOf = REDUCED_LOSSES[this.head.loss];
    const named = model.namedParameters();
    const result = gradcheck(() => lossOf(model.forward(x), y, { reduction: "mean" }), named.map(([, p]) => p), GRADCHECK);
    const manual = model.isPlain ? compareGradients(model, x, y, { loss: this.head.loss, numerical: false }) : null;
    const rows = named.map(([name, p], i): GradientCheckRow => {
      const input = result.inputs[i]!;
      const versus = manual?.parameters.find((m) => m.name === name);
      return {
        name, shape: [...p.shape], relativeError: input.relativeError, maxAbsError: input.maxAbsError, passed: input.passed,
        manualRelativeError: versus === undefined ? null : versus.manual.relativeError,
      };
    });
    return { set, index, passed: result.passed, rows };
  }
}

function modelOptions(network: NetworkConfig, outputs: number, seed: number): MLPOptions {
  return {
    sizes: [2, ...network.hidden, outputs], activation: network.activation, outputActivation: network.output, init: initOf(network.init),
    // 002 draws the biases from U[0, 1) too (as train --preset 002 does); the other inits' own rule otherwise.
    biasInit: network.init === "uniform01" ? uniform01 : undefined,
    batchNorm: network.batchNorm, residual: network.residual, dropout: network.dropout, seed,
  };
}
