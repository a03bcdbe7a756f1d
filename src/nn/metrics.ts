// Metrics computed from predictions and targets (plain numbers, outside the graph):
// accuracy for classifiers, R² and the mean squared error for regression.
import { DagradError, ShapeError, type Tensor, formatShape } from "../autograd/index.js";

export interface AccuracyOptions {
  /** Binary predictions are raw scores (threshold 0) rather than probabilities (threshold 0.5). */
  fromLogits?: boolean;
}

/**
 * Fraction of samples classified correctly; NaN when a prediction is NaN. Multi-class: predictions [n, C]
 * (C > 1) are compared by argmax with labels [n] or one-hot/soft targets
 * [n, C]. Binary: predictions [n, 1] or [n] are thresholded (> 0.5, or > 0
 * fromLogits) and compared with 0/1 targets of the same length (> 0.5 is 1).
 */
export function accuracy(yHat: Tensor, y: Tensor, options: AccuracyOptions = {}): number {
  const n = yHat.shape[0] ?? 0;
  const fail = (): never => {
    throw new ShapeError("accuracy", `cannot compare predictions ${formatShape(yHat.shape)} with targets ${formatShape(y.shape)}: expected [n, C] with labels [n] or targets [n, C], or binary [n, 1] with [n, 1] or [n]`, [yHat.shape, y.shape]);
  };
  if (n === 0 || yHat.ndim > 2 || y.shape[0] !== n || y.size % n !== 0) return fail();
  const classes = yHat.ndim === 2 ? yHat.shape[1]! : 1;
  const p = yHat.data, t = y.data;
  // A NaN score would read as class 0 (or "below the threshold") and count as a guess.
  for (let i = 0; i < p.length; i++) if (Number.isNaN(p[i]!)) return NaN;
  let correct = 0;
  if (classes === 1) {
    if (y.size !== n) return fail();
    const threshold = options.fromLogits ? 0 : 0.5;
    for (let i = 0; i < n; i++) if ((p[i]! > threshold) === (t[i]! > 0.5)) correct++;
  } else if (y.size === n) {
    for (let i = 0; i < n; i++) {
      // A label that is no class index would never match: a wrong accuracy, not an error, without this.
      if (!Number.isInteger(t[i]) || t[i]! < 0 || t[i]! >= classes) {
        throw new DagradError("accuracy", `label ${t[i]} of sample ${i} is not a class index in [0, ${classes - 1}] (predictions ${formatShape(yHat.shape)})`);
      }
      if (argmaxRow(p, i * classes, classes) === t[i]) correct++;
    }
  } else if (y.ndim === 2 && y.shape[1] === classes) {
    for (let i = 0; i < n; i++) if (argmaxRow(p, i * classes, classes) === argmaxRow(t, i * classes, classes)) correct++;
  } else {
    return fail();
  }
  return correct / n;
}

/** Index of the largest of data[start .. start + length) (the first, on ties). */
export function argmaxRow(data: ArrayLike<number>, start: number, length: number): number {
  let best = 0;
  for (let j = 1; j < length; j++) if (data[start + j]! > data[start + best]!) best = j;
  return best;
}

/** Predictions and targets of one shape, real numbers: what the regression metrics compare. */
function regressionPair(op: string, yHat: Tensor, y: Tensor): void {
  if (yHat.shape.length !== y.shape.length || yHat.shape.some((d, i) => d !== y.shape[i]) || yHat.size === 0) {
    throw new ShapeError(op, `predictions ${formatShape(yHat.shape)} and targets ${formatShape(y.shape)} must have one shape, with at least one sample`, [yHat.shape, y.shape]);
  }
}

/** Mean of (ŷ - y)² over every element; NaN when a prediction is NaN. */
export function meanSquaredError(yHat: Tensor, y: Tensor): number {
  regressionPair("meanSquaredError", yHat, y);
  let s = 0;
  for (let i = 0; i < y.size; i++) s += (yHat.data[i]! - y.data[i]!) ** 2;
  return s / y.size;
}

/**
 * R² = 1 - Σ(ŷ - y)² / Σ(y - ȳ)², per output column and averaged over them
 * (scikit-learn's r2_score): 1 for a perfect fit, 0 for predicting the mean,
 * below 0 for worse. A column whose targets are all equal has no variance to
 * explain: R² is 1 if it is predicted exactly, else 0 (as scikit-learn).
 */
export function r2Score(yHat: Tensor, y: Tensor): number {
  regressionPair("r2Score", yHat, y);
  const n = y.shape[0]!;
  const columns = y.size / n;
  let total = 0;
  for (let c = 0; c < columns; c++) {
    let mean = 0;
    for (let r = 0; r < n; r++) mean += y.data[r * columns + c]!;
    mean /= n;
    let residual = 0, variance = 0;
    for (let r = 0; r < n; r++) {
      const t = y.data[r * columns + c]!;
      residual += (yHat.data[r * columns + c]! - t) ** 2;
      variance += (t - mean) ** 2;
    }
    total += variance > 0 ? 1 - residual / variance : residual === 0 ? 1 : 0;
  }
  return total / columns;
}

/** A metric fit and evaluate can report: averaged over batches, weighted by batch size. */
export interface Metric {
  name: string;
  compute(yHat: Tensor, y: Tensor): number;
}

export type MetricName = "accuracy" | "r2" | "mse";

export function resolveMetric(metric: MetricName | Metric, options: AccuracyOptions): Metric {
  if (metric === "accuracy") return { name: "accuracy", compute: (yHat, y) => accuracy(yHat, y, options) };
  if (metric === "r2") return { name: "r2", compute: r2Score };
  if (metric === "mse") return { name: "mse", compute: meanSquaredError };
  if (typeof metric === "object" && metric !== null && typeof metric.compute === "function" && typeof metric.name === "string") return metric;
  throw new DagradError("fit", `unknown metric ${JSON.stringify(metric)}: use "accuracy", "r2", "mse" or { name, compute(yHat, y) }`);
}
