// The pictures of one training run, from its history and its trained model:
// loss (and the "after epoch 100" zoom of 000 section 4), accuracy, gradient
// flow per layer (000 section 5), the decision boundary for 2-D data, and for
// MNIST-like data the first layer's weights, a confusion matrix and
// misclassified digits.
import { Tensor, concat } from "../autograd/index.js";
import { grid } from "../datasets/index.js";
import { type ClassifierHead, type EpochRecord, type MLP, SATURATION_Z, layerActivity, predict } from "../nn/index.js";
import { type ColorScale, type Figure, PART_COLORS, type Series, colorBar, confusionCounts, confusionMatrix, contourMap, decisionBoundary, extent, fitPlot, histogram, imageGrid, lineChart, parityPlot, scatterPlot, sequential, sharedDomains, smallMultiples, toSvg } from "../report/index.js";
import type { PreparedData } from "./setup.js";

export interface NamedPicture {
  file: string;
  title: string;
  caption: string;
  svg: string;
}

const picture = (file: string, title: string, caption: string, figure: Figure): NamedPicture => ({ file, title, caption, svg: toSvg(figure) });

/** "layers.2.weight" of an MLP -> "Layer 2 (16→16)", counting Linear layers from 1 as the documents do. */
function layerLabel(model: MLP, name: string): string {
  const index = model.linears.findIndex((l) => l.weight.name === name);
  if (index < 0) return name;
  const l = model.linears[index]!;
  return `Layer ${index + 1} (${l.inFeatures}→${l.outFeatures})`;
}

export function gradientFlowSeries(model: MLP, epochs: readonly EpochRecord[]): Series[] {
  return model.linears.map((linear) => ({
    name: layerLabel(model, linear.weight.name!),
    y: epochs.map((r) => r.gradNorms[linear.weight.name!] ?? NaN),
  }));
}

function curves(epochs: readonly EpochRecord[], from: number): { x: number[]; train: number[]; test: number[] } {
  const kept = epochs.filter((r) => r.epoch > from);
  return { x: kept.map((r) => r.epoch), train: kept.map((r) => r.loss), test: kept.map((r) => r.valLoss ?? NaN) };
}

/** A history record with the hidden layers' activity, measured every few epochs while training (train's onEpoch). */
interface ActivityRecord extends EpochRecord {
  activity?: { layer: number; saturated?: number; dead?: number }[];
}

/** Epochs between two measurements of the layers' activity: about 100 over a run, and always the first and last epoch. */
export function activityEvery(epochs: number): number {
  return Math.max(1, Math.round(epochs / 100));
}

/** Measure the hidden layers' activity on the training rows into the record (eval mode, nothing trained). */
export function recordActivity(record: ActivityRecord, model: MLP, x: Tensor): void {
  record.activity = layerActivity(model, x).map((s) => ({ layer: s.layer, ...(s.saturated === null ? {} : { saturated: s.saturated }), ...(s.dead === null ? {} : { dead: s.dead }) }));
}

/** The hidden layers' diagnostics over training: saturation, dead units, the size of each step against the weights, and the weights' spread. */
function layerPictures(model: MLP, epochs: readonly ActivityRecord[]): NamedPicture[] {
  const pictures: NamedPicture[] = [];
  const measured = epochs.filter((r) => r.activity !== undefined);
  const hidden = model.linears.slice(0, -1);
  const perLayer = (field: "saturated" | "dead") => hidden.map((linear, i) => ({
    name: layerLabel(model, linear.weight.name!), x: measured.map((r) => r.epoch),
    y: measured.map((r) => r.activity!.find((a) => a.layer === i + 1)?.[field] ?? NaN),
  })).filter((series) => series.y.some(Number.isFinite));
  const saturated = perLayer("saturated");
  if (saturated.length > 0) {
    pictures.push(picture("saturation.svg", "Saturated units", `the share of each sigmoid or tanh layer's pre-activations on the training rows with |z| > ${SATURATION_Z}, where the derivative is nearly 0 and the gradient through the unit vanishes`, lineChart({
      title: "Saturated pre-activations (|z| > 3)", xLabel: "Epoch", yLabel: "Fraction saturated", yDomain: [0, 1], series: saturated,
    })));
  }
  const dead = perLayer("dead");
  if (dead.length > 0) {
    pictures.push(picture("dead-units.svg", "Dead ReLU units", "units of each ReLU layer whose pre-activation is at most 0 on every training row: their gradient is 0, so they no longer learn", lineChart({
      title: "Dead ReLU units", xLabel: "Epoch", yLabel: "Units never active", series: dead,
    })));
  }
  pictures.push(picture("update-ratio.svg", "Update to weight ratio", "||Δw|| / ||w|| of each layer's weights at the last step of every epoch (log scale); around 1e-3 (dashed) is the usual sign of healthy learning, far below it a layer barely moves", lineChart({
    title: "Update / weight ratio per layer", xLabel: "Epoch", yLabel: "||Δw|| / ||w||", logY: true, referenceLines: [1e-3],
    series: model.linears.map((linear) => ({ name: layerLabel(model, linear.weight.name!), y: epochs.map((r) => r.updateRatios[linear.weight.name!] ?? NaN) })),
  })));
  const panels = model.linears.map((linear) => histogram({ title: layerLabel(model, linear.weight.name!), values: linear.weight.data, xLabel: "Weight" }));
  pictures.push(picture("weight-histograms.svg", "Weight histograms", "the trained weights of each layer, counted in 30 equal bins", smallMultiples("Trained weights by layer", panels, 3)));
  return pictures;
}

export function trainingPictures(model: MLP, epochs: readonly ActivityRecord[], lossName: string): NamedPicture[] {
  const pictures: NamedPicture[] = [];
  const all = curves(epochs, 0);
  pictures.push(picture("loss.svg", "Loss", "training and test loss per epoch", lineChart({
    title: "Training loss over time", xLabel: "Epoch", yLabel: `Loss (${lossName})`,
    series: [{ name: "train", x: all.x, y: all.train, color: PART_COLORS.train }, { name: "test", x: all.x, y: all.test, dashed: true, color: PART_COLORS.test }],
  })));
  if (epochs.length > 150) {
    const late = curves(epochs, 100);
    pictures.push(picture("loss-after-100.svg", "Loss after epoch 100", "the same curves without the first 100 epochs, where the scale hides the slow part", lineChart({
      title: "Training loss (after epoch 100)", xLabel: "Epoch", yLabel: "Loss",
      series: [{ name: "train", x: late.x, y: late.train, color: PART_COLORS.train }, { name: "test", x: late.x, y: late.test, dashed: true, color: PART_COLORS.test }],
    })));
  }
  if (epochs.some((r) => r.metrics.accuracy !== undefined)) {
    pictures.push(picture("accuracy.svg", "Accuracy", "fraction classified correctly, per epoch", lineChart({
      title: "Accuracy", xLabel: "Epoch", yLabel: "Accuracy",
      series: [{ name: "train", x: all.x, y: epochs.map((r) => r.metrics.accuracy ?? NaN), color: PART_COLORS.train }, { name: "test", x: all.x, y: epochs.map((r) => r.valMetrics?.accuracy ?? NaN), dashed: true, color: PART_COLORS.test }],
    })));
  }
  if (epochs.some((r) => r.metrics.r2 !== undefined)) {
    pictures.push(picture("r2.svg", "R²", "the share of the targets' variance the model explains, per epoch (1 is a perfect fit, 0 no better than the mean)", lineChart({
      title: "R²", xLabel: "Epoch", yLabel: "R²",
      series: [{ name: "train", x: all.x, y: epochs.map((r) => r.metrics.r2 ?? NaN), color: PART_COLORS.train }, { name: "test", x: all.x, y: epochs.map((r) => r.valMetrics?.r2 ?? NaN), dashed: true, color: PART_COLORS.test }],
    })));
  }
  pictures.push(picture("gradient-flow.svg", "Gradient flow", "L2 norm of each layer's weight gradient at the last step of every epoch (log scale)", lineChart({
    title: "Gradient magnitude over training", xLabel: "Epoch", yLabel: "Gradient norm ||dW||", logY: true,
    series: gradientFlowSeries(model, epochs),
  })));
  pictures.push(...layerPictures(model, epochs));
  return pictures;
}

/** What the head makes of the model's outputs on a grid over the 2-D range of all points, with the test points on top. */
export function boundaryFigure(model: MLP, head: ClassifierHead, data: PreparedData, title: string, options: { width?: number; height?: number; legend?: boolean } = {}): Figure {
  const mesh = grid(concat([data.xTrain, data.xTest], 0), { steps: 90, margin: 0.5 });
  const scores = predict(model, mesh.points);
  const probabilities = head.probabilities(scores);
  return decisionBoundary({
    title,
    grid: {
      xs: Array.from(mesh.xs), ys: Array.from(mesh.ys), classes: head.outputs,
      values: probabilities ?? scores.data, reading: probabilities === null ? "value" : "probability",
    },
    points: { x: column(data.xTest, 0), y: column(data.xTest, 1), label: Array.from(data.labelsTest.data) },
    ...options,
  });
}

/** The caption of a decision-boundary picture: "probability" only where the outputs are probabilities. */
function boundaryCaption(head: ClassifierHead): string {
  const line = head.outputs === 1 ? "the 0.5 line in black" : "black lines where the predicted class changes";
  return head.reading === "value"
    ? `the network's output value over the input range (not a probability: ${head.output} output with ${head.loss}), ${line}, test points on top`
    : `predicted probability over the input range, ${line}, test points on top`;
}

/** 000 section 3's two panels: the training part and the test part, side by side on the same axes. */
function dataFigure(data: PreparedData): Figure {
  const sets = [data.xTrain, data.xTest].map((x, k) => ({ x: column(x, 0), y: column(x, 1), label: Array.from((k === 0 ? data.labelsTrain : data.labelsTest).data) }));
  const domains = sharedDomains(sets);
  const titles = [`Training data (${data.xTrain.shape[0]} points)`, `Test data (${data.xTest.shape[0]} points)`];
  return smallMultiples("", sets.map((points, k) => scatterPlot({ title: titles[k]!, points, ...domains })), 2);
}

function column(x: Tensor, feature: number): number[] {
  const features = x.shape[1]!;
  return Array.from({ length: x.shape[0]! }, (_, r) => x.data[r * features + feature]!);
}

export function dataPictures(model: MLP, head: ClassifierHead, data: PreparedData, test: Record<string, number>): NamedPicture[] {
  if (head.task === "regression") return regressionPictures(model, data, test);
  const testAccuracy = test.accuracy ?? NaN;
  const pictures: NamedPicture[] = [];
  if (data.features === 2) {
    pictures.push(picture("data.svg", "Training and test data", "the points each part holds, coloured by class, on shared axes (000 section 3)", dataFigure(data)));
    pictures.push(picture("decision-boundary.svg", "Decision boundary", boundaryCaption(head), boundaryFigure(model, head, data, `Decision boundary (test accuracy ${testAccuracy.toFixed(3)})`)));
  }
  if (data.task === "multiclass") {
    const predicted = Array.from(head.classify(predict(model, data.xTest)));
    const truth = Array.from(data.labelsTest.data);
    pictures.push(picture("confusion-matrix.svg", "Confusion matrix", "test samples by true class (rows) and predicted class (columns)", confusionMatrix({ title: "Confusion matrix (test)", counts: confusionCounts(truth, predicted, data.classes) })));
    if (data.features === 28 * 28) pictures.push(...digitPictures(model, data, truth, predicted));
  }
  return pictures;
}

/** A regression's fitted curve (one input) or predicted surface (two), and predicted against true values. */
function regressionPictures(model: MLP, data: PreparedData, test: Record<string, number>): NamedPicture[] {
  const pictures: NamedPicture[] = [];
  const predicted = (x: Tensor) => Array.from(predict(model, x).data);
  const parts = [
    { name: "train" as const, x: data.xTrain, targets: Array.from(data.labelsTrain.data) },
    { name: "test" as const, x: data.xTest, targets: Array.from(data.labelsTest.data) },
  ];
  const fit = `test R² ${(test.r2 ?? NaN).toFixed(3)}`;
  if (data.features === 1) {
    const all = [...column(data.xTrain, 0), ...column(data.xTest, 0)];
    const [lo, hi] = extent(all);
    const xs = Array.from({ length: 201 }, (_, i) => lo + ((hi - lo) * i) / 200);
    const curve = { x: xs, y: predicted(new Tensor(Float32Array.from(xs), [xs.length, 1])) };
    pictures.push(picture("fit.svg", "Fitted curve", "the model's output over the input range (line) through the training and test points", fitPlot({
      title: `Fitted curve (${fit})`, parts: parts.map((p) => ({ name: p.name, x: column(p.x, 0), y: p.targets })), curve,
    })));
  } else if (data.features === 2) {
    const mesh = grid(concat([data.xTrain, data.xTest], 0), { steps: 61, margin: 0.3 });
    const values = predicted(mesh.points);
    const targets = parts.flatMap((p) => p.targets);
    const scale: ColorScale = { domain: extent(targets), log: false, color: sequential, bands: 16 };
    // grid() puts point i * steps + j at (xs[j], ys[i]): row by row in y, as contourMap reads them.
    pictures.push(picture("surface.svg", "Predicted surface", "the model's output over the input range, on the targets' colour scale", smallMultiples("", [
      contourMap({ title: `Predicted surface (${fit})`, xs: Array.from(mesh.xs), ys: Array.from(mesh.ys), values, scale, xLabel: "Feature 1", yLabel: "Feature 2", width: 420, height: 400 }),
    ], 1, { side: colorBar(scale, "Predicted value", { height: 400 }) })));
  }
  pictures.push(picture("predicted-vs-true.svg", "Predicted against true", "each point's prediction against its target: on the dashed diagonal the model is exact", parityPlot({
    title: `Predicted against true (${fit})`, parts: parts.map((p) => ({ name: p.name, x: p.targets, y: predicted(p.x) })),
  })));
  return pictures;
}

function digitPictures(model: MLP, data: PreparedData, truth: number[], predicted: number[]): NamedPicture[] {
  const first = model.linears[0]!.weight; // [hidden, 784]: one 28x28 image per hidden unit
  const units = Math.min(16, first.shape[0]!);
  const weights = Array.from({ length: units }, (_, u) => first.data.subarray(u * 784, (u + 1) * 784));
  const wrong = truth.map((_, i) => i).filter((i) => predicted[i] !== truth[i]).slice(0, 16);
  const pixels = (i: number) => Array.from(data.xTest.data.subarray(i * 784, (i + 1) * 784));
  // Pixels are rescaled to [0, 1] per image, so digits stay visible if the data was standardised.
  const images = wrong.map((i) => normalised(pixels(i)));
  return [
    picture("first-layer-weights.svg", "First-layer weights", "each hidden unit's 784 input weights as a 28x28 image, on one colour scale for all (the bar): red positive, blue negative, white 0", imageGrid({ title: "First-layer weights", images: weights, imageWidth: 28, imageHeight: 28, colormap: "signed", scaleLabel: "weight", captions: weights.map((_, u) => `unit ${u + 1}`) })),
    picture("misclassified.svg", "Misclassified digits", "test digits the model got wrong, with true and predicted class", imageGrid({ title: `Misclassified test digits (${truth.filter((t, i) => predicted[i] !== t).length} of ${truth.length})`, images, imageWidth: 28, imageHeight: 28, colormap: "grey", captions: wrong.map((i) => `true ${truth[i]}, predicted ${predicted[i]}`), columns: 4, scale: 3 })),
  ];
}

function normalised(values: number[]): number[] {
  const [lo, hi] = extent(values);
  return values.map((v) => (hi > lo ? (v - lo) / (hi - lo) : 0));
}
