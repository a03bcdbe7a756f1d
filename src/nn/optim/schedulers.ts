// Learning-rate schedules. Each sets every parameter group's lr from the lr it
// had when the scheduler was made ("base lr") and a count of step() calls (one
// per epoch in fit, so "epoch" below), in closed form as PyTorch documents them.
// ReduceLROnPlateau instead reacts to a metric passed to step(metric).
import { DagradError } from "../../autograd/index.js";
import type { BaseHyperparameters, Optimizer } from "./optimizer.js";

// Any optimizer, whatever its hyperparameters and state.
type AnyOptimizer = Optimizer<BaseHyperparameters, unknown>;

export interface LrScheduler {
  /** Advance one epoch; ReduceLROnPlateau needs the monitored metric. */
  step(metric?: number): void;
  /** Current lr of each parameter group. */
  lastLr(): number[];
}

function positiveInteger(op: string, what: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new DagradError(op, `${what} must be a positive integer, got ${String(v)}`);
}

function inRange(op: string, what: string, v: number, min: number, max: number): void {
  if (typeof v !== "number" || !(v >= min && v <= max)) throw new DagradError(op, `${what} must be in [${min}, ${max}], got ${String(v)}`);
}

/** A schedule given by a formula lrAt(baseLr, epoch); epoch 0 is applied on construction. */
export abstract class EpochScheduler implements LrScheduler {
  protected readonly optimizer: AnyOptimizer;
  readonly baseLrs: readonly number[];
  /** Number of step() calls so far. */
  epoch = 0;

  protected constructor(optimizer: Optimizer<BaseHyperparameters, unknown>) {
    this.optimizer = optimizer;
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lr of a group whose base lr is baseLr, after `epoch` steps. */
  abstract lrAt(baseLr: number, epoch: number): number;

  /** Set the groups' lr for the current epoch (called by subclass constructors and step). */
  protected apply(): void {
    this.optimizer.paramGroups.forEach((g, i) => { g.lr = this.lrAt(this.baseLrs[i]!, this.epoch); });
  }

  step(): void {
    this.epoch++;
    this.apply();
  }

  lastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

/** base * gamma^floor(epoch / stepSize). */
export class StepLR extends EpochScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: Optimizer<BaseHyperparameters, unknown>, options: { stepSize: number; gamma?: number }) {
    super(optimizer);
    positiveInteger("StepLR", "stepSize", options.stepSize);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.apply();
  }
  lrAt(baseLr: number, epoch: number): number {
    return baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** base * gamma^epoch. */
export class ExponentialLR extends EpochScheduler {
  readonly gamma: number;
  constructor(optimizer: Optimizer<BaseHyperparameters, unknown>, options: { gamma: number }) {
    super(optimizer);
    inRange("ExponentialLR", "gamma", options.gamma, 0, Infinity);
    this.gamma = options.gamma;
    this.apply();
  }
  lrAt(baseLr: number, epoch: number): number {
    return baseLr * this.gamma ** epoch;
  }
}

/** etaMin + (base - etaMin) (1 + cos(pi epoch / tMax)) / 2, held at etaMin after tMax epochs. */
export class CosineAnnealingLR extends EpochScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(optimizer: Optimizer<BaseHyperparameters, unknown>, options: { tMax: number; etaMin?: number }) {
    super(optimizer);
    positiveInteger("CosineAnnealingLR", "tMax", options.tMax);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.apply();
  }
  lrAt(baseLr: number, epoch: number): number {
    const t = Math.min(epoch, this.tMax);
    return this.etaMin + (baseLr - this.etaMin) * (1 + Math.cos(Math.PI * t / this.tMax)) / 2;
  }
}

export interface LinearWarmupOptions {
  /** Epochs to ramp up over. */
  warmupEpochs: number;
  /** Fraction of the base lr at epoch 0 (default 1 / (warmupEpochs + 1), so no epoch has lr 0). */
  startFactor?: number;
  /** Schedule to follow once warm, counted from the end of the warmup (default: hold the base lr). */
  then?: EpochScheduler;
}

/**
 * Ramp linearly from startFactor * base to base over warmupEpochs, then hand
 * over to `then` (whose epoch 0 is the first epoch after the warmup).
 */
export class LinearWarmup extends EpochScheduler {
  readonly warmupEpochs: number;
  readonly startFactor: number;
  private readonly then: EpochScheduler | undefined;
  constructor(optimizer: Optimizer<BaseHyperparameters, unknown>, options: LinearWarmupOptions) {
    super(optimizer);
    positiveInteger("LinearWarmup", "warmupEpochs", options.warmupEpochs);
    this.warmupEpochs = options.warmupEpochs;
    this.startFactor = options.startFactor ?? 1 / (options.warmupEpochs + 1);
    inRange("LinearWarmup", "startFactor", this.startFactor, 0, 1);
    this.then = options.then;
    if (this.then !== undefined && this.then.baseLrs.some((lr, i) => lr !== this.baseLrs[i])) {
      // `then` was made after something changed the lr: its base would not be ours.
      throw new DagradError("LinearWarmup", "create the `then` scheduler before LinearWarmup, on the same optimizer");
    }
    this.apply();
  }
  lrAt(baseLr: number, epoch: number): number {
    if (epoch < this.warmupEpochs) return baseLr * (this.startFactor + (1 - this.startFactor) * epoch / this.warmupEpochs);
    return this.then === undefined ? baseLr : this.then.lrAt(baseLr, epoch - this.warmupEpochs);
  }
}

export interface ReduceLROnPlateauOptions {
  /** "min": lower is better (a loss); "max": higher is better (accuracy). */
  mode?: "min" | "max";
  /** New lr = lr * factor. */
  factor?: number;
  /** Epochs without improvement to tolerate before reducing. */
  patience?: number;
  /** Smallest change that counts as an improvement, relative to the best ("rel") or absolute ("abs"). */
  threshold?: number;
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting again. */
  cooldown?: number;
  minLr?: number;
}

/** Multiply the lr by factor when the metric has not improved for more than `patience` epochs. */
export class ReduceLROnPlateau implements LrScheduler {
  private readonly optimizer: AnyOptimizer;
  private readonly options: Required<ReduceLROnPlateauOptions>;
  private best: number;
  private badEpochs = 0;
  private cooldownLeft = 0;

  constructor(optimizer: Optimizer<BaseHyperparameters, unknown>, options: ReduceLROnPlateauOptions = {}) {
    this.optimizer = optimizer;
    this.options = { mode: "min", factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: "rel", cooldown: 0, minLr: 0, ...options };
    inRange("ReduceLROnPlateau", "factor", this.options.factor, 0, 1 - Number.EPSILON);
    inRange("ReduceLROnPlateau", "patience", this.options.patience, 0, Infinity);
    this.best = this.options.mode === "min" ? Infinity : -Infinity;
  }

  private improves(metric: number): boolean {
    const { mode, threshold, thresholdMode } = this.options;
    const margin = thresholdMode === "rel" ? Math.abs(this.best) * threshold : threshold;
    if (!Number.isFinite(this.best)) return mode === "min" ? metric < this.best : metric > this.best;
    return mode === "min" ? metric < this.best - margin : metric > this.best + margin;
  }

  step(metric?: number): void {
    if (typeof metric !== "number" || Number.isNaN(metric)) {
      throw new DagradError("ReduceLROnPlateau", `step(metric) needs the monitored metric as a number, got ${String(metric)}`);
    }
    if (this.improves(metric)) {
      this.best = metric;
      this.badEpochs = 0;
    } else {
      this.badEpochs++;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.options.patience) {
      for (const g of this.optimizer.paramGroups) g.lr = Math.max(g.lr * this.options.factor, this.options.minLr);
      this.cooldownLeft = this.options.cooldown;
      this.badEpochs = 0;
    }
  }

  lastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}
