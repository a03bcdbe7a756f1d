// Layers that behave differently in training and evaluation: Dropout and BatchNorm1d.
import { type DType, DTypeError, type Rng, ShapeError, Tensor, formatShape, ones, zeros } from "../autograd/index.js";
import { draws, onTape, updatesInPlace } from "../kernels/tape.js";
import { Module } from "./module.js";
import { type OptionNames, checkNumber, checkOptionNames } from "../autograd/options.js";
import { type SeedOptions, resolveRng } from "./seed.js";

/**
 * Inverted dropout: in training each element is zeroed with probability p and
 * the survivors are scaled by 1/(1-p), so evaluation (which does nothing) sees
 * activations of the same expected size.
 */
export class Dropout extends Module {
  readonly p: number;
  private readonly rng: Rng;

  constructor(p = 0.5, options: SeedOptions = {}) {
    super();
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new DTypeError("Dropout", `p must be a probability in [0, 1], got ${String(p)}`);
    this.p = p;
    this.rng = resolveRng(options);
  }

  forward(x: Tensor): Tensor {
    this.keepModeOnReplay("Dropout");
    if (!this.training || this.p === 0) return x;
    const mask = new Tensor(x.dtype === "float64" ? new Float64Array(x.size) : new Float32Array(x.size), x.shape);
    if (this.p < 1) {
      const keep = 1 - this.p;
      const scale = 1 / keep;
      const d = mask.data;
      // On a captured step's tape: each replay draws a new mask, as a step through the graph would.
      onTape(() => {
        const draw = draws(this.rng);
        for (let i = 0; i < d.length; i++) d[i] = draw() < keep ? scale : 0;
      }, d);
    }
    return x.mul(mask);
  }

  protected override describe(): string { return `p=${this.p}`; }
}

export interface BatchNormOptions {
  /** Added to the variance before the square root. */
  eps?: number;
  /** Weight of the newest batch in the running statistics. */
  momentum?: number;
  /** Learn a scale (weight) and shift (bias) per feature. */
  affine?: boolean;
  /** Keep running statistics for evaluation; without them evaluation uses batch statistics too. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

const BATCH_NORM_OPTIONS: OptionNames<BatchNormOptions> = { eps: true, momentum: true, affine: true, trackRunningStats: true, dtype: true };

/**
 * Normalises each feature of a [batch, features] input to zero mean and unit
 * variance over the batch, then scales and shifts it. As in PyTorch, the batch
 * variance used for normalising is biased (divides by n) and the one folded
 * into the running variance is unbiased (divides by n - 1).
 */
export class BatchNorm1d extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new ShapeError("BatchNorm1d", `numFeatures must be a positive integer, got ${String(numFeatures)}`);
    checkOptionNames("BatchNorm1d", options, BATCH_NORM_OPTIONS);
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    // eps 0 divides a constant feature by 0; momentum outside [0, 1] is no running average.
    checkNumber("BatchNorm1d", "eps", this.eps, { min: 0, minOpen: true });
    checkNumber("BatchNorm1d", "momentum", this.momentum, { min: 0, max: 1 });
    const dtype = options.dtype ?? "float32";
    const affine = options.affine ?? true;
    this.weight = affine ? this.registerParameter("weight", ones([numFeatures], { dtype })) : null;
    this.bias = affine ? this.registerParameter("bias", zeros([numFeatures], { dtype })) : null;
    const track = options.trackRunningStats ?? true;
    this.runningMean = track ? this.registerBuffer("runningMean", zeros([numFeatures], { dtype })) : null;
    this.runningVar = track ? this.registerBuffer("runningVar", ones([numFeatures], { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    this.keepModeOnReplay("BatchNorm1d");
    if (x.ndim !== 2 || x.shape[1] !== this.numFeatures) {
      throw new ShapeError("BatchNorm1d", `input has shape ${formatShape(x.shape)}, expected [batch, ${this.numFeatures}]`, [x.shape]);
    }
    const normalised = this.training || this.runningMean === null ? this.batchNormalise(x) : this.runningNormalise(x);
    return this.weight === null || this.bias === null ? normalised : normalised.mul(this.weight).add(this.bias);
  }

  private batchNormalise(x: Tensor): Tensor {
    const n = x.shape[0]!;
    if (n < 2 && this.training) {
      throw new ShapeError("BatchNorm1d", `training needs more than one sample per batch to estimate a variance, got shape ${formatShape(x.shape)}`, [x.shape]);
    }
    const mean = x.mean(0, true);
    const centered = x.sub(mean);
    const variance = centered.square().mean(0, true);
    if (this.training) this.updateRunningStats(mean, variance, n);
    return centered.div(variance.add(this.eps).sqrt());
  }

  private runningNormalise(x: Tensor): Tensor {
    return x.sub(this.runningMean!).div(this.runningVar!.add(this.eps).sqrt());
  }

  private updateRunningStats(mean: Tensor, variance: Tensor, n: number): void {
    if (this.runningMean === null || this.runningVar === null) return;
    const m = this.momentum;
    const unbiased = n / (n - 1);
    const runningMean = this.runningMean, runningVar = this.runningVar;
    // On a captured step's tape: each replay folds in its own batch's statistics.
    onTape(() => {
      const rm = runningMean.data, rv = runningVar.data;
      for (let c = 0; c < rm.length; c++) {
        rm[c] = (1 - m) * rm[c]! + m * mean.data[c]!;
        rv[c] = (1 - m) * rv[c]! + m * variance.data[c]! * unbiased;
      }
      runningMean.markModified();
      runningVar.markModified();
    });
    updatesInPlace(runningMean.data, runningVar.data);
  }

  protected override describe(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}${this.weight === null ? ", affine=false" : ""}`;
  }
}
