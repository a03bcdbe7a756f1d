// Learning-rate schedules. Each sets every parameter group's lr from the lr it
// had when the scheduler was made ("base lr") and a count of step() calls (one
// per epoch in fit, so "epoch" below), in closed form as PyTorch documents them.
// ReduceLROnPlateau instead reacts to a metric passed to step(metric).
// A state dict holds a scheduler's progress (epoch and base lrs, or the
// plateau's counters) and the settings it was made with; loading checks that
// the settings match, because they are the schedule the code asks for.
import { DagradError } from "../../autograd/index.js";
import { checkNumber } from "../../autograd/options.js";
import { StateDictError } from "../errors.js";
import { type JsonNumber, decodeNumber, encodeNumber, isRecord } from "../serial.js";
import type { BaseHyperparameters, Optimizer } from "./optimizer.js";

// Any optimizer, whatever its hyperparameters and state.
type AnyOptimizer = Optimizer<BaseHyperparameters, unknown>;

/** A constructor option as saved; LinearWarmup's `then` is the schedule it hands over to. */
export type SchedulerSetting = JsonNumber | string | { scheduler: string; settings: Record<string, SchedulerSetting> } | null;

export interface SchedulerStateDict {
  /** The class: "StepLR", "ReduceLROnPlateau", ... */
  scheduler: string;
  /** The options it was made with. */
  settings: Record<string, SchedulerSetting>;
  /** What step() changes: epoch and baseLrs, or the plateau's best, badEpochs and cooldownLeft. */
  progress: Record<string, JsonNumber | JsonNumber[]>;
}

export interface LrScheduler {
  /** Advance one epoch; ReduceLROnPlateau needs the monitored metric. */
  step(metric?: number): void;
  /** Current lr of each parameter group. */
  lastLr(): number[];
  /** The progress and settings as JSON values. */
  stateDict(): SchedulerStateDict;
  /** Continue from a state dict of a scheduler made with the same settings (checked first; a mismatch loads nothing). */
  loadStateDict(dict: SchedulerStateDict): void;
}

type Fail = (why: string) => never;

function failer(op: string): Fail {
  return (why) => {
    throw new StateDictError(op, `${why}; nothing was loaded`);
  };
}

/** The saved progress, once the saved kind and settings are this scheduler's own. */
function checkIdentity(own: SchedulerStateDict, dict: unknown, fail: Fail): Record<string, unknown> {
  if (!isRecord(dict) || !isRecord(dict.settings) || !isRecord(dict.progress)) return fail("expected { scheduler, settings, progress } as returned by stateDict()");
  if (dict.scheduler !== own.scheduler) return fail(`the state was saved by ${JSON.stringify(dict.scheduler)}, this scheduler is ${own.scheduler}`);
  for (const name of new Set([...Object.keys(own.settings), ...Object.keys(dict.settings)])) {
    const mine = JSON.stringify(own.settings[name]), theirs = JSON.stringify(dict.settings[name]);
    if (mine !== theirs) return fail(`the state was saved with ${name} = ${theirs ?? "(none)"}, this ${own.scheduler} has ${mine ?? "(none)"}: make it with the same options`);
  }
  return dict.progress;
}

function count(progress: Record<string, unknown>, name: string, fail: Fail): number {
  const n = decodeNumber(progress[name]);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : fail(`${name} is ${JSON.stringify(progress[name])}, expected a non-negative integer`);
}

/** A schedule given by a formula lrAt(baseLr, epoch); epoch 0 is applied on construction. */
export abstract class EpochScheduler implements LrScheduler {
  protected readonly optimizer: AnyOptimizer;
  /** Each group's lr when the scheduler was made (or as loaded). */
  baseLrs: readonly number[];
  /** Number of step() calls so far. */
  epoch = 0;

  protected constructor(optimizer: Optimizer<BaseHyperparameters, unknown>) {
    this.optimizer = optimizer;
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lr of a group whose base lr is baseLr, after `epoch` steps. */
  abstract lrAt(baseLr: number, epoch: number): number;

  /** The class name and constructor options, for the state dict. */
  protected abstract identity(): Pick<SchedulerStateDict, "scheduler" | "settings">;

  stateDict(): SchedulerStateDict {
    return { ...this.identity(), progress: { epoch: this.epoch, baseLrs: this.baseLrs.map(encodeNumber) } };
  }

  /** Continue at the saved epoch from the saved base lrs, and set the groups' lr for it. */
  loadStateDict(dict: SchedulerStateDict): void {
    const fail = failer(`${this.identity().scheduler}.loadStateDict`);
    const progress = checkIdentity(this.stateDict(), dict, fail);
    const epoch = count(progress, "epoch", fail);
    const saved = progress.baseLrs;
    const groups = this.optimizer.paramGroups.length;
    if (!Array.isArray(saved) || saved.length !== groups) return fail(`baseLrs is ${JSON.stringify(saved)}, expected one lr for each of the optimizer's ${groups} parameter groups`);
    const baseLrs = saved.map((v: unknown) => {
      const lr = decodeNumber(v);
      return lr !== undefined && Number.isFinite(lr) && lr >= 0 ? lr : fail(`baseLrs holds ${JSON.stringify(v)}, expected finite non-negative numbers`);
    });
    this.epoch = epoch;
    this.baseLrs = baseLrs;
    this.apply();
  }

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
    checkNumber("StepLR", "stepSize", options.stepSize, { integer: true, min: 1 });
    checkNumber("StepLR", "gamma", options.gamma ?? 0.1, { min: 0, minOpen: true });
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.apply();
  }
  lrAt(baseLr: number, epoch: number): number {
    return baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
  protected identity(): Pick<SchedulerStateDict, "scheduler" | "settings"> {
    return { scheduler: "StepLR", settings: { stepSize: this.stepSize, gamma: encodeNumber(this.gamma) } };
  }
}

/** base * gamma^epoch. */
export class ExponentialLR extends EpochScheduler {
  readonly gamma: number;
  constructor(optimizer: Optimizer<BaseHyperparameters, unknown>, options: { gamma: number }) {
    super(optimizer);
    checkNumber("ExponentialLR", "gamma", options.gamma, { min: 0, minOpen: true });
    this.gamma = options.gamma;
    this.apply();
  }
  lrAt(baseLr: number, epoch: number): number {
    return baseLr * this.gamma ** epoch;
  }
  protected identity(): Pick<SchedulerStateDict, "scheduler" | "settings"> {
    return { scheduler: "ExponentialLR", settings: { gamma: encodeNumber(this.gamma) } };
  }
}

/** etaMin + (base - etaMin) (1 + cos(pi epoch / tMax)) / 2, held at etaMin after tMax epochs. */
export class CosineAnnealingLR extends EpochScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(optimizer: Optimizer<BaseHyperparameters, unknown>, options: { tMax: number; etaMin?: number }) {
    super(optimizer);
    checkNumber("CosineAnnealingLR", "tMax", options.tMax, { integer: true, min: 1 });
    checkNumber("CosineAnnealingLR", "etaMin", options.etaMin ?? 0, { min: 0 });
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.apply();
  }
  lrAt(baseLr: number, epoch: number): number {
    const t = Math.min(epoch, this.tMax);
    return this.etaMin + (baseLr - this.etaMin) * (1 + Math.cos(Math.PI * t / this.tMax)) / 2;
  }
  protected identity(): Pick<SchedulerStateDict, "scheduler" | "settings"> {
    return { scheduler: "CosineAnnealingLR", settings: { tMax: this.tMax, etaMin: encodeNumber(this.etaMin) } };
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
    checkNumber("LinearWarmup", "warmupEpochs", options.warmupEpochs, { integer: true, min: 1 });
    this.warmupEpochs = options.warmupEpochs;
    this.startFactor = options.startFactor ?? 1 / (options.warmupEpochs + 1);
    // As PyTorch's LinearLR: a start factor of 0 would waste the first epoch on lr 0.
    checkNumber("LinearWarmup", "startFactor", this.startFactor, { min: 0, max: 1, minOpen: true });
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
  protected identity(): Pick<SchedulerStateDict, "scheduler" | "settings"> {
    // `then` only lends its formula (this scheduler counts the epochs), so its settings are all that matter.
    const then = this.then === undefined ? null : (({ scheduler, settings }) => ({ scheduler, settings }))(this.then.stateDict());
    return { scheduler: "LinearWarmup", settings: { warmupEpochs: this.warmupEpochs, startFactor: encodeNumber(this.startFactor), then } };
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
    const o = this.options;
    const names = ["mode", "factor", "patience", "threshold", "thresholdMode", "cooldown", "minLr"];
    const unknown = Object.keys(o).filter((k) => !names.includes(k));
    if (unknown.length > 0) throw new DagradError("ReduceLROnPlateau", `unknown option ${unknown.map((k) => `"${k}"`).join(", ")}; it takes ${names.join(", ")}`);
    if (o.mode !== "min" && o.mode !== "max") throw new DagradError("ReduceLROnPlateau", `mode must be "min" or "max", got ${JSON.stringify(o.mode)}`);
    if (o.thresholdMode !== "rel" && o.thresholdMode !== "abs") throw new DagradError("ReduceLROnPlateau", `thresholdMode must be "rel" or "abs", got ${JSON.stringify(o.thresholdMode)}`);
    checkNumber("ReduceLROnPlateau", "factor", o.factor, { min: 0, max: 1, maxOpen: true });
    checkNumber("ReduceLROnPlateau", "patience", o.patience, { integer: true, min: 0 });
    checkNumber("ReduceLROnPlateau", "cooldown", o.cooldown, { integer: true, min: 0 });
    checkNumber("ReduceLROnPlateau", "threshold", o.threshold, { min: 0 });
    checkNumber("ReduceLROnPlateau", "minLr", o.minLr, { min: 0 });
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

  stateDict(): SchedulerStateDict {
    const o = this.options;
    return {
      scheduler: "ReduceLROnPlateau",
      settings: { mode: o.mode, factor: encodeNumber(o.factor), patience: encodeNumber(o.patience), threshold: encodeNumber(o.threshold), thresholdMode: o.thresholdMode, cooldown: encodeNumber(o.cooldown), minLr: encodeNumber(o.minLr) },
      progress: { best: encodeNumber(this.best), badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft },
    };
  }

  /** Continue counting from the saved best and counters; the lr itself is in the optimizer's state dict. */
  loadStateDict(dict: SchedulerStateDict): void {
    const fail = failer("ReduceLROnPlateau.loadStateDict");
    const progress = checkIdentity(this.stateDict(), dict, fail);
    const best = decodeNumber(progress.best);
    if (best === undefined || Number.isNaN(best)) return fail(`best is ${JSON.stringify(progress.best)}, expected a number`);
    const badEpochs = count(progress, "badEpochs", fail);
    const cooldownLeft = count(progress, "cooldownLeft", fail);
    this.best = best;
    this.badEpochs = badEpochs;
    this.cooldownLeft = cooldownLeft;
  }
}
