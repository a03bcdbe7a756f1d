// Losses with PyTorch's semantics, composed from graph ops so their gradients
// are the graph's. Inputs are predictions with samples as rows; reduction
// "mean" (default) averages over elements (over samples for the per-sample
// losses halfSquaredError, crossEntropy and nllLoss), "sum" adds, "none" keeps
// one value per element (per sample).
import { DagradError, ShapeError, Tensor, bce, bceWithLogits, formatShape } from "../autograd/index.js";
import { onTape } from "../kernels/tape.js";
import { elementIndex } from "./position.js";

export type Reduction = "mean" | "sum" | "none";

export interface LossOptions {
  reduction?: Reduction;
}

/** Class indices: a [n] tensor of whole numbers (floats, as datasets give them) or a plain list. */
export type Labels = Tensor | ArrayLike<number>;

function reduce(op: string, loss: Tensor, reduction: Reduction | undefined): Tensor {
  switch (reduction ?? "mean") {
    case "mean":
      // PyTorch returns NaN here; a mean over nothing is a mistake upstream (an empty batch), so say so.
      if (loss.size === 0) throw new ShapeError(op, `the mean over no samples is undefined (losses of shape ${formatShape(loss.shape)}); pass at least one sample, or use reduction "sum"`, [loss.shape]);
      return loss.mean();
    case "sum": return loss.sum();
    case "none": return loss;
    default: throw new DagradError(op, `unknown reduction "${String(reduction)}", expected "mean", "sum" or "none"`);
  }
}

function expectTensors(op: string, input: unknown, target: unknown): void {
  if (!(input instanceof Tensor)) throw new DagradError(op, `input must be a Tensor, got ${input === null ? "null" : typeof input}`);
  if (!(target instanceof Tensor)) throw new DagradError(op, `target must be a Tensor, got ${target === null ? "null" : typeof target}`);
}

/** Prediction and target must have one shape: broadcasting [n,1] against [n] would silently compare every pair. */
function expectSameShape(op: string, input: Tensor, target: Tensor): void {
  expectTensors(op, input, target);
  if (input.shape.length !== target.shape.length || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(op, `input ${formatShape(input.shape)} and target ${formatShape(target.shape)} must have the same shape`, [input.shape, target.shape]);
  }
}

/**
 * Throw when a value of t lies outside [min, max]. NaN is let through: a NaN
 * prediction shows as a NaN loss (and fit stops on it), not as a range error.
 */
function expectWithin(op: string, t: Tensor, what: string, min: number, max: number, fix: string): void {
  // On a captured step's tape, so every replay checks its own values.
  onTape(() => {
    const d = t.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v < min || v > max) {
        const range = min === -Infinity ? `<= ${max}` : `in [${min}, ${max}]`;
        throw new DagradError(op, `${what} must be ${range}, got ${v} at ${elementIndex(t.shape, i)} of ${formatShape(t.shape)}; ${fix}`);
      }
    }
  });
}

/** Targets that are probabilities: NaN is refused too, since a target is data, not a result. */
function expectProbabilities(op: string, target: Tensor, fix: string): void {
  onTape(() => {
    const d = target.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (!(v >= 0 && v <= 1)) throw new DagradError(op, `target must hold probabilities in [0, 1], got ${v} at ${elementIndex(target.shape, i)} of ${formatShape(target.shape)}; ${fix}`);
    }
  });
}

/** Mean squared error: mean of (input - target)^2 over all elements. */
export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  expectSameShape("mseLoss", input, target);
  return reduce("mseLoss", input.sub(target).square(), options.reduction);
}

/**
 * 1/2 ||y_hat - y||^2 per sample (summed over the outputs of each row), averaged
 * over the m samples with "mean": L = 1/(2m) ||Y_hat - Y||_F^2, whose gradient is
 * (Y_hat - Y)/m, the convention of the backprop derivation (source 001).
 */
export function halfSquaredError(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  expectSameShape("halfSquaredError", input, target);
  const squared = input.sub(target).square();
  const outputAxes = squared.shape.map((_, i) => i).slice(1);
  const perSample = (outputAxes.length > 0 ? squared.sum(outputAxes) : squared).mul(0.5);
  return reduce("halfSquaredError", perSample, options.reduction);
}

/**
 * Binary cross-entropy on probabilities in [0, 1]: -(t log p + (1 - t) log(1 - p)),
 * logs clamped at -100 as PyTorch's, by the bce op (one op, where the
 * composition records a dozen); a log held at its clamp has zero gradient, so
 * nothing becomes NaN or Inf at p = 0 or 1.
 */
export function bceLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  expectSameShape("bceLoss", input, target);
  expectWithin("bceLoss", input, "input (probabilities)", 0, 1, "apply sigmoid first, or use bceWithLogitsLoss on raw scores");
  expectProbabilities("bceLoss", target, "use 0/1 labels or soft targets (for class indices 0..C-1 use crossEntropy)");
  return reduce("bceLoss", bce(input, target), options.reduction);
}

/**
 * Binary cross-entropy on raw scores x: max(x, 0) + log(1 + e^-|x|) - x t,
 * the stable form of softplus(x) - x t, by the bceWithLogits op; its
 * gradient is sigmoid(x) - t everywhere, x = 0 included.
 */
export function bceWithLogitsLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  expectSameShape("bceWithLogitsLoss", input, target);
  // Outside [0, 1], softplus(x) - x t has no minimum: training would push x to infinity.
  expectProbabilities("bceWithLogitsLoss", target, "use 0/1 labels or soft targets (for class indices 0..C-1 use crossEntropy)");
  return reduce("bceWithLogitsLoss", bceWithLogits(input, target), options.reduction);
}

/** Flat positions row * classes + label of each sample's label in a [n, classes] matrix. */
function labelPositions(op: string, scores: Tensor, labels: Labels): Int32Array {
  if (scores.ndim !== 2) {
    throw new ShapeError(op, `input must be [samples, classes], got ${formatShape(scores.shape)}`, [scores.shape]);
  }
  const [n, classes] = scores.shape as [number, number];
  const values = labels instanceof Tensor ? labels.data : labels;
  const labelShape = labels instanceof Tensor ? labels.shape : [values.length];
  if (labelShape.length !== 1 || values.length !== n) {
    const hint = labelShape.length === 2 && labelShape[0] === n && labelShape[1] === 1 ? ` (reshape [${n},1] labels to [${n}])` : "";
    throw new ShapeError(op, `input ${formatShape(scores.shape)} needs ${n} class labels as a [${n}] tensor or list, got labels ${formatShape(labelShape)}${hint}`, [scores.shape, labelShape]);
  }
  const positions = new Int32Array(n);
  // On a captured step's tape: every replay reads the labels the tensor holds then.
  onTape(() => {
    for (let i = 0; i < n; i++) {
      const label = values[i]!;
      if (!Number.isInteger(label) || label < 0 || label >= classes) {
        throw new DagradError(op, `label ${label} of sample ${i} is not a class index in [0, ${classes - 1}] (input ${formatShape(scores.shape)})`);
      }
      positions[i] = i * classes + label;
    }
  });
  return positions;
}

/**
 * Per-sample class probabilities: each in [0, 1] (as PyTorch documents) and,
 * stricter than PyTorch, each row summing to 1, so several labels per sample
 * (which crossEntropy cannot express) are refused rather than summed.
 */
function expectClassProbabilities(target: Tensor): void {
  const fix = "pass class probabilities per sample (one-hot or soft), or class indices as a [n] tensor; for several labels per sample use bceWithLogitsLoss";
  expectProbabilities("crossEntropy", target, fix);
  const [n, classes] = target.shape as [number, number];
  onTape(() => {
    const d = target.data;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < classes; j++) sum += d[i * classes + j]!;
      if (Math.abs(sum - 1) > 1e-3) throw new DagradError("crossEntropy", `target row ${i} sums to ${sum}, not 1; ${fix}`);
    }
  });
}

/** -logProbs[i, label_i] per sample: the negative log-likelihood of log-probabilities. */
export function nllLoss(input: Tensor, labels: Labels, options: LossOptions = {}): Tensor {
  if (!(input instanceof Tensor)) throw new DagradError("nllLoss", "input must be a Tensor of log-probabilities");
  // log p <= 0: a positive value means probabilities or raw scores were passed.
  expectWithin("nllLoss", input, "input (log-probabilities)", -Infinity, 0, "apply logSoftmax(1) first, or use crossEntropy on raw scores");
  const positions = labelPositions("nllLoss", input, labels);
  const picked = input.reshape([-1]).indexSelect(positions);
  return reduce("nllLoss", picked.neg(), options.reduction);
}

/**
 * Softmax cross-entropy on raw scores [n, classes], computed through
 * logSoftmax (finite for scores of +-1000). Targets are class labels
 * ([n] tensor or list) or probabilities per class ([n, classes]: one-hot or soft).
 */
export function crossEntropy(logits: Tensor, target: Labels, options: LossOptions = {}): Tensor {
  if (!(logits instanceof Tensor)) throw new DagradError("crossEntropy", "logits must be a Tensor");
  if (target instanceof Tensor && target.ndim === 2) {
    const [n, classes] = target.shape as [number, number];
    if (classes === 1 && logits.ndim === 2 && logits.shape[0] === n && logits.shape[1] !== 1) {
      throw new ShapeError("crossEntropy", `input ${formatShape(logits.shape)} and target ${formatShape(target.shape)}: class labels go in a [${n}] tensor (reshape [${n},1] labels to [${n}]), class probabilities in a ${formatShape(logits.shape)} one`, [logits.shape, target.shape]);
    }
    expectSameShape("crossEntropy", logits, target);
    expectClassProbabilities(target);
    const perSample = target.mul(logits.logSoftmax(1)).sum(1).neg();
    return reduce("crossEntropy", perSample, options.reduction);
  }
  const positions = labelPositions("crossEntropy", logits, target);
  const picked = logits.logSoftmax(1).reshape([-1]).indexSelect(positions);
  return reduce("crossEntropy", picked.neg(), options.reduction);
}

export type LossFn = (input: Tensor, target: Tensor) => Tensor;
export type LossName = "mse" | "halfSquaredError" | "bce" | "bceWithLogits" | "crossEntropy" | "nll";

/** The losses by the names fit() accepts; each with its default (mean) reduction. */
export const LOSSES: Readonly<Record<LossName, LossFn>> = {
  mse: (a, b) => mseLoss(a, b),
  halfSquaredError: (a, b) => halfSquaredError(a, b),
  bce: (a, b) => bceLoss(a, b),
  bceWithLogits: (a, b) => bceWithLogitsLoss(a, b),
  crossEntropy: (a, b) => crossEntropy(a, b),
  nll: (a, b) => nllLoss(a, b),
};
