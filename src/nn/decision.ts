// One rule for reading a network's outputs: which (output activation, loss)
// pairs mean something for a number of classes (or for regression), how wide
// the last layer is, what form the targets take, which class each row is,
// and whether the outputs are probabilities at all. Training metrics,
// evaluation, predictions and pictures all go through a ClassifierHead, so
// they cannot disagree.
import { DagradError, ShapeError, Tensor, formatShape } from "../autograd/index.js";
import { type Metric, argmaxRow, meanSquaredError, r2Score } from "./metrics.js";

export const HEAD_OUTPUTS = ["sigmoid", "softmax", "identity"] as const;
export const HEAD_LOSSES = ["bce", "bceWithLogits", "crossEntropy", "mse", "halfSquaredError"] as const;
export type HeadOutput = (typeof HEAD_OUTPUTS)[number];
export type HeadLoss = (typeof HEAD_LOSSES)[number];

/**
 * What the outputs are. "probability": sigmoid trained with bce (p(class 1)),
 * or softmax (one per class). "logit": raw scores of a logit loss, made
 * probabilities by sigmoid (bceWithLogits) or softmax (crossEntropy). "value":
 * anything else (identity or sigmoid trained with a squared error): classes come
 * from a 0.5 threshold or the argmax, and the values are never called probabilities.
 */
export type OutputReading = "probability" | "logit" | "value";

/** Targets as the loss takes them: [n, 1] of 0/1, [n] class indices, [n, classes] one-hot rows, or [n, 1] real values (regression). */
export type TargetEncoding = "binary" | "indices" | "oneHot" | "values";

/** Classes to tell apart, or real numbers to predict. */
export type HeadTask = "classification" | "regression";

export interface HeadLayout {
  /** Width of the network's last layer. */
  outputs: number;
  targets: TargetEncoding;
  reading: OutputReading;
}

/** An (output, loss, classes) combination that cannot mean anything; `reason` says what to use instead. */
export class HeadError extends DagradError {
  readonly output: string;
  readonly loss: string;
  /** 0 for regression. */
  readonly classes: number;
  readonly task: HeadTask;
  readonly reason: string;
  constructor(output: string, loss: string, classes: number, reason: string, task: HeadTask = "classification") {
    super("ClassifierHead", `output ${output} with loss ${loss} ${task === "regression" ? "for regression" : `on ${classes} classes`}: ${reason}`);
    this.output = output;
    this.loss = loss;
    this.classes = classes;
    this.task = task;
    this.reason = reason;
  }
}

/**
 * The rule, written once: the layout of a valid combination, or why it is
 * refused. Regression (classes 0) predicts one real number per row: an
 * identity output trained with a squared error, as 001 derives it.
 */
export function headLayout(output: HeadOutput, loss: HeadLoss, classes: number, task: HeadTask = "classification"): HeadLayout | { refused: string } {
  if (!(HEAD_OUTPUTS as readonly string[]).includes(output)) return { refused: `unknown output; use one of ${HEAD_OUTPUTS.join(", ")}` };
  if (!(HEAD_LOSSES as readonly string[]).includes(loss)) return { refused: `unknown loss; use one of ${HEAD_LOSSES.join(", ")}` };
  if (task === "regression") {
    if (loss !== "mse" && loss !== "halfSquaredError") return { refused: `${loss} compares classes; regression predicts real numbers: use loss mse or halfSquaredError` };
    if (output !== "identity") return { refused: `${output === "sigmoid" ? "a sigmoid squashes every output into (0, 1)" : "a softmax makes the outputs sum to 1"}, so most real targets cannot be reached; use output identity` };
    return { outputs: 1, targets: "values", reading: "value" };
  }
  if (task !== "classification") return { refused: `unknown task; use classification or regression` };
  if (!Number.isInteger(classes) || classes < 2) return { refused: "a classifier needs at least two classes" };
  const two = classes === 2;
  const squash = output === "sigmoid" ? "a sigmoid" : "a softmax";
  switch (loss) {
    case "bce":
    case "bceWithLogits":
      if (!two) return { refused: `${loss} is for two classes (one output); for ${classes} classes use loss crossEntropy with output identity` };
      if (loss === "bceWithLogits") {
        if (output !== "identity") return { refused: `bceWithLogits takes raw scores and applies the sigmoid itself, so ${squash} output would squash twice; use output identity (or output sigmoid with loss bce)` };
        return { outputs: 1, targets: "binary", reading: "logit" };
      }
      if (output === "identity") return { refused: "bce takes probabilities in [0, 1]; use output sigmoid, or loss bceWithLogits on raw scores" };
      if (output === "softmax") return { refused: "bce takes one probability per sample from a sigmoid; use output sigmoid (or output identity with loss crossEntropy)" };
      return { outputs: 1, targets: "binary", reading: "probability" };
    case "crossEntropy":
      if (output !== "identity") return { refused: `crossEntropy takes raw scores and applies log-softmax itself, so ${squash} output would squash twice; use output identity (the softmax of its outputs gives the probabilities)` };
      // PyTorch's meaning, two classes included: one logit per class, class-index targets.
      return { outputs: classes, targets: "indices", reading: "logit" };
    case "mse":
    case "halfSquaredError":
      if (output === "softmax") {
        if (two) return { refused: "two classes with a squared error get one output, and a softmax of one value is always 1; use output sigmoid or identity" };
        return { outputs: classes, targets: "oneHot", reading: "probability" };
      }
      return two ? { outputs: 1, targets: "binary", reading: "value" } : { outputs: classes, targets: "oneHot", reading: "value" };
  }
}

export interface ClassifierHeadOptions {
  output: HeadOutput;
  loss: HeadLoss;
  /** Classes to tell apart; 0 with task "regression". */
  classes: number;
  /** Default "classification". */
  task?: HeadTask;
}

export class ClassifierHead implements HeadLayout {
  readonly output: HeadOutput;
  readonly loss: HeadLoss;
  readonly task: HeadTask;
  /** 0 for regression. */
  readonly classes: number;
  readonly outputs: number;
  readonly targets: TargetEncoding;
  readonly reading: OutputReading;
  /**
   * Fraction of rows whose classify() matches the targets' class: the metric
   * fit and evaluate report. NaN (no accuracy) when an output is not finite, so
   * a validation pass over a model that just blew up leaves fit to stop on its loss.
   */
  readonly accuracy: Metric;
  /** What fit and evaluate report for this head: accuracy for classes; R² and the mean squared error for regression. */
  readonly metrics: readonly Metric[];

  /** Throws HeadError for a combination headLayout refuses. */
  constructor({ output, loss, classes, task = "classification" }: ClassifierHeadOptions) {
    if (task === "regression" && classes !== 0) throw new HeadError(output, loss, classes, `regression has no classes: pass classes 0, got ${classes}`, task);
    const layout = headLayout(output, loss, classes, task);
    if ("refused" in layout) throw new HeadError(output, loss, classes, layout.refused, task);
    this.output = output;
    this.loss = loss;
    this.task = task;
    this.classes = classes;
    ({ outputs: this.outputs, targets: this.targets, reading: this.reading } = layout);
    this.accuracy = {
      name: "accuracy",
      compute: (yHat, y) => {
        if (task === "regression") throw new DagradError("ClassifierHead.accuracy", "a regression head has no accuracy: its metrics are r2 and mse (head.metrics)");
        if (!yHat.data.every(Number.isFinite)) return NaN;
        const predicted = this.classify(yHat);
        const truth = this.decode(y);
        let correct = 0;
        for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) correct++;
        return correct / truth.length;
      },
    };
    this.metrics = task === "regression" ? [{ name: "r2", compute: r2Score }, { name: "mse", compute: meanSquaredError }] : [this.accuracy];
  }

  /** Targets in the loss's form from class indices [n] (or [n, 1]), or regression values, keeping their dtype. */
  encode(labels: Tensor): Tensor {
    const n = labels.shape[0] ?? 0;
    if (!(labels.ndim === 1 || (labels.ndim === 2 && labels.shape[1] === 1))) {
      throw new ShapeError("ClassifierHead.encode", `labels must be ${this.task === "regression" ? "target values" : "class indices"} shaped [n] or [n,1], got ${formatShape(labels.shape)}`, [labels.shape]);
    }
    const values = labels.data;
    if (this.task === "regression") {
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new DagradError("ClassifierHead.encode", `target ${values[bad]} of sample ${bad} is not a finite number`);
      return new Tensor(values.slice(), [n, 1]);
    }
    values.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v >= this.classes) {
        throw new DagradError("ClassifierHead.encode", `label ${v} of sample ${i} is not a class index in [0, ${this.classes - 1}]`);
      }
    });
    if (this.targets === "binary") return new Tensor(values.slice(), [n, 1]);
    if (this.targets === "indices") return new Tensor(values.slice(), [n]);
    const out = labels.dtype === "float64" ? new Float64Array(n * this.classes) : new Float32Array(n * this.classes);
    values.forEach((v, i) => { out[i * this.classes + v] = 1; });
    return new Tensor(out, [n, this.classes]);
  }

  /** Class indices back from targets in the loss's form. */
  decode(targets: Tensor): Int32Array {
    this.refuseRegression("decode");
    const n = targets.shape[0] ?? 0;
    const width = this.targets === "oneHot" ? this.classes : 1;
    if (targets.size !== n * width) {
      throw new ShapeError("ClassifierHead.decode", `targets ${formatShape(targets.shape)} do not hold ${this.targets} targets for ${this.classes} classes`, [targets.shape]);
    }
    const t = targets.data;
    if (this.targets === "oneHot") return Int32Array.from({ length: n }, (_, r) => argmaxRow(t, r * width, width));
    return this.targets === "binary" ? Int32Array.from(t, (v) => (v > 0.5 ? 1 : 0)) : Int32Array.from(t);
  }

  /**
   * The class of each row of the model's outputs [n, outputs]: one output is
   * class 1 above 0.5 (above 0 for a logit, where sigmoid passes 0.5); several
   * go to the largest (the first of equals). Outputs that are not finite are refused.
   */
  classify(scores: Tensor): Int32Array {
    this.refuseRegression("classify");
    const [n, width] = this.checkScores("classify", scores);
    const s = scores.data;
    if (width === 1) {
      const threshold = this.reading === "logit" ? 0 : 0.5;
      return Int32Array.from(s, (v) => (v > threshold ? 1 : 0));
    }
    return Int32Array.from({ length: n }, (_, r) => argmaxRow(s, r * width, width));
  }

  /**
   * Probabilities, or null when the outputs are values: [n] p(class 1) for one
   * output, [n * classes] row by row for several. Logits go through sigmoid or
   * softmax, as their loss reads them.
   */
  probabilities(scores: Tensor): Float64Array | null {
    const [n, width] = this.checkScores("probabilities", scores);
    if (this.reading === "value") return null;
    const s = Float64Array.from(scores.data);
    if (this.reading === "probability") return s;
    if (width === 1) return s.map(sigmoid);
    for (let r = 0; r < n; r++) softmaxInPlace(s, r * width, width);
    return s;
  }

  private refuseRegression(method: string): void {
    if (this.task === "regression") throw new DagradError(`ClassifierHead.${method}`, "a regression head predicts values, not classes");
  }

  private checkScores(method: string, scores: Tensor): [number, number] {
    if (scores.ndim !== 2 || scores.shape[1] !== this.outputs) {
      throw new ShapeError(`ClassifierHead.${method}`, `outputs must be [n, ${this.outputs}] for ${this.output} with ${this.loss} ${this.task === "regression" ? "for regression" : `on ${this.classes} classes`}, got ${formatShape(scores.shape)}`, [scores.shape]);
    }
    const bad = scores.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new DagradError(`ClassifierHead.${method}`, `output ${scores.data[bad]} for sample ${Math.floor(bad / this.outputs)} is not a finite number: the model's weights or its input are not finite (or overflow); retrain with a lower learning rate, or check the input`);
    }
    return [scores.shape[0]!, this.outputs];
  }
}

/** The logistic function without overflow for large |z|. */
function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

function softmaxInPlace(v: Float64Array, start: number, length: number): void {
  let max = -Infinity;
  for (let j = 0; j < length; j++) max = Math.max(max, v[start + j]!);
  let sum = 0;
  for (let j = 0; j < length; j++) sum += v[start + j] = Math.exp(v[start + j]! - max);
  for (let j = 0; j < length; j++) v[start + j]! /= sum;
}
