// The training loop, and evaluation and prediction outside the graph.
// Per epoch fit records the loss, the metrics, and per parameter the gradient
// norm and the update-to-weight ratio of the epoch's last step: the numbers a
// gradient-flow plot and the "is it learning" rule of thumb (ratio ~1e-3) need.
// Training stops with a TrainingError on a non-finite loss or gradient (before
// the step that would apply it) or weight (after the step that made it).
import { type CapturedStep, DTypeError, DagradError, type Rng, Tensor, captureStep, concat, createRng, defaultRng, formatShape, noGrad, zeros } from "../autograd/index.js";
import { Batcher, type Batch, type TrainingData, checkBatch } from "./batching.js";
import { TrainingError } from "./errors.js";
import { LOSSES, type LossFn, type LossName, bceWithLogitsLoss } from "./losses.js";
import { type Metric, type MetricName, resolveMetric } from "./metrics.js";
import type { Module } from "./module.js";
import { clipGradNorm, clipGradValue } from "./optim/clip.js";
import type { BaseHyperparameters, Optimizer } from "./optim/optimizer.js";
import type { LrScheduler } from "./optim/schedulers.js";
import { type OptionNames, checkNumber, checkOptionNames } from "../autograd/options.js";
import { elementIndex } from "./position.js";

export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean of the batch losses, weighted by batch size. */
  loss: number;
  metrics: Record<string, number>;
  valLoss?: number;
  valMetrics?: Record<string, number>;
  /** Learning rate of the first parameter group during the epoch. */
  lr: number;
  /** Per named parameter: L2 norm of its gradient at the epoch's last step (before clipping). */
  gradNorms: Record<string, number>;
  /** Per named parameter: ||Δw|| / ||w|| of the epoch's last step (||w|| before the step; after it if that was 0). */
  updateRatios: Record<string, number>;
}

export interface History {
  epochs: EpochRecord[];
}

interface EvaluationOptions {
  /** A loss name or function (prediction, target) -> scalar tensor. */
  loss?: LossName | LossFn;
  metrics?: readonly (MetricName | Metric)[];
  /** Binary accuracy thresholds raw scores at 0; on by default for the bceWithLogits loss. */
  fromLogits?: boolean;
  /** Rows per forward pass (0, the default: all at once). */
  batchSize?: number;
}

export interface FitOptions extends EvaluationOptions {
  loss: LossName | LossFn;
  optimizer: Optimizer<BaseHyperparameters, unknown>;
  /** Default 1. With initialEpoch, the number of the last epoch (as Keras's fit). */
  epochs?: number;
  /** Epochs already trained, when continuing a run: records, errors and log lines count on from it (default 0). */
  initialEpoch?: number;
  /** Rows per step; 0 (the default) trains on the whole data at once. */
  batchSize?: number;
  /** Reshuffle the rows every epoch (default true; a full batch is never shuffled). */
  shuffle?: boolean;
  /** Seed of the shuffling generator (or pass rng); default: the global generator. */
  seed?: number | string;
  rng?: Rng;
  /** Evaluated after every epoch (eval mode, no grad) into valLoss and valMetrics. */
  validation?: Batch;
  /** Stepped once per epoch, after validation; ReduceLROnPlateau gets valLoss (or loss). */
  scheduler?: LrScheduler;
  /** Clip every gradient element into [-clipGradValue, clipGradValue] before every step (before clipGradNorm). */
  clipGradValue?: number;
  /** Clip the global gradient norm to this before every step. */
  clipGradNorm?: number;
  /** Called after every epoch; returning false stops training. */
  onEpoch?: (record: EpochRecord, model: Module) => boolean | void;
  /** Print a summary line every this many epochs (and the last). */
  logEvery?: number;
  log?: (line: string) => void;
  /**
   * Run each step through captureStep (one capture per batch shape and per
   * fit call): the same numbers, without the graph's per-op cost. A model
   * whose step cannot be captured (a forward hook, say) throws a CaptureError.
   */
  capture?: boolean;
}

const EVALUATION_OPTIONS: OptionNames<EvaluationOptions> = { loss: true, metrics: true, fromLogits: true, batchSize: true };
const FIT_OPTIONS: OptionNames<FitOptions> = {
  ...EVALUATION_OPTIONS, optimizer: true, epochs: true, shuffle: true, seed: true, rng: true, validation: true,
  scheduler: true, clipGradValue: true, clipGradNorm: true, onEpoch: true, logEvery: true, log: true, initialEpoch: true, capture: true,
};

function resolveLoss(op: string, loss: LossName | LossFn | undefined): LossFn {
  if (typeof loss === "function") return loss;
  if (typeof loss === "string" && Object.hasOwn(LOSSES, loss)) return LOSSES[loss];
  throw new DagradError(op, `unknown loss ${JSON.stringify(loss)}: use one of ${Object.keys(LOSSES).join(", ")}, or a function (yHat, y) => scalar tensor`);
}

function isWithLogits(loss: LossName | LossFn | undefined): boolean {
  return loss === "bceWithLogits" || loss === bceWithLogitsLoss || loss === LOSSES.bceWithLogits;
}

function scalarLoss(op: string, loss: unknown): Tensor {
  if (!(loss instanceof Tensor) || loss.size !== 1) {
    const got = loss instanceof Tensor ? `a tensor of shape ${formatShape(loss.shape)}` : String(loss);
    throw new DagradError(op, `the loss must return a scalar tensor, got ${got}; use reduction "mean" or "sum"`);
  }
  return loss;
}

/** Running sums of loss and metrics over the batches of one pass, weighted by rows. */
class PassTotals {
  private rows = 0;
  private lossSum = 0;
  private readonly metricSums: number[];
  constructor(private readonly metrics: readonly Metric[]) {
    this.metricSums = metrics.map(() => 0);
  }
  add(yHat: Tensor, y: Tensor, loss: number): void {
    const rows = y.shape[0]!;
    this.rows += rows;
    this.lossSum += loss * rows;
    this.metrics.forEach((m, i) => { this.metricSums[i]! += m.compute(yHat, y) * rows; });
  }
  get loss(): number { return this.lossSum / this.rows; }
  metricValues(): Record<string, number> {
    return Object.fromEntries(this.metrics.map((m, i) => [m.name, this.metricSums[i]! / this.rows]));
  }
}

function l2(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]! * data[i]!;
  return Math.sqrt(s);
}

/** ||w - before|| / ||before|| (||w|| when before is all zeros); 0 when nothing moved. */
function updateRatio(before: Float64Array, w: ArrayLike<number>): number {
  let delta = 0, old = 0, now = 0;
  for (let i = 0; i < w.length; i++) {
    const d = w[i]! - before[i]!;
    delta += d * d;
    old += before[i]! * before[i]!;
    now += w[i]! * w[i]!;
  }
  if (delta === 0) return 0;
  return Math.sqrt(delta) / Math.sqrt(old > 0 ? old : now);
}

interface NonFinite {
  tensor: Tensor;
  /** Where, as an index per axis: "[2,5]". */
  at: string;
  found: number;
}

/** The first NaN or infinite value in the tensors' arrays, or null; one multiply-add per value when all are finite. */
function findNonFinite(tensors: readonly Tensor[], values: (t: Tensor) => ArrayLike<number> | undefined): NonFinite | null {
  for (const tensor of tensors) {
    const d = values(tensor);
    if (d === undefined) continue;
    // x * 0 is 0 for every finite x and NaN for NaN and the infinities; four
    // sums so the additions do not wait on each other (twice as fast as one).
    let p0 = 0, p1 = 0, p2 = 0, p3 = 0, i = 0;
    for (; i + 3 < d.length; i += 4) {
      p0 += d[i]! * 0;
      p1 += d[i + 1]! * 0;
      p2 += d[i + 2]! * 0;
      p3 += d[i + 3]! * 0;
    }
    for (; i < d.length; i++) p0 += d[i]! * 0;
    if (p0 + p1 + p2 + p3 === 0) continue;
    for (let j = 0; j < d.length; j++) if (!Number.isFinite(d[j]!)) return { tensor, at: elementIndex(tensor.shape, j), found: d[j]! };
  }
  return null;
}

/** Train `model` on `data` and return the per-epoch history. */
export function fit(model: Module, data: TrainingData, options: FitOptions): History {
  checkOptionNames("fit", options, FIT_OPTIONS);
  const lossFn = resolveLoss("fit", options.loss);
  const { optimizer } = options;
  if (optimizer === undefined || typeof optimizer.step !== "function") throw new DagradError("fit", "options.optimizer is required, e.g. new SGD(model.parameters(), { lr: 0.1 })");
  const epochs = options.epochs ?? 1;
  // Any whole number, not only a safe integer: "train until onEpoch says stop" passes a huge count (the playground does).
  if (!Number.isInteger(epochs) || epochs < 0) throw new DTypeError("fit", `epochs must be an integer >= 0, got ${String(epochs)}`);
  if (options.logEvery !== undefined) checkNumber("fit", "logEvery", options.logEvery, { integer: true, min: 1 });
  const initialEpoch = options.initialEpoch ?? 0;
  checkNumber("fit", "initialEpoch", initialEpoch, { integer: true, min: 0 });
  const fromLogits = options.fromLogits ?? isWithLogits(options.loss);
  const metrics = (options.metrics ?? []).map((m) => resolveMetric(m, { fromLogits }));
  const rng = options.rng ?? (options.seed !== undefined ? createRng(options.seed) : defaultRng());
  const batcher = new Batcher("fit", data, options.batchSize ?? 0, options.shuffle ?? true, rng, epochs - initialEpoch);
  if (options.validation !== undefined) checkBatch("fit", options.validation, "validation");
  const named = model.namedParameters();
  const params = named.map(([, p]) => p);
  // What the optimizer updates: checked for NaN and infinities around every step.
  const stepped = optimizer.paramGroups.flatMap((g) => g.params);
  const names = new Map(named.map(([name, p]) => [p, name]));
  if (params.length > 0 && !stepped.some((p) => names.has(p))) {
    throw new DagradError("fit", `the optimizer updates none of the model's ${params.length} parameters, so nothing would train; make it with this model: new SGD(model.parameters(), ...)`);
  }
  const nameOf = (p: Tensor): string => names.get(p) ?? p.name ?? `parameter ${stepped.indexOf(p)} of the optimizer (not in the model)`;
  // Weights before the last step of each epoch, for the update ratios: allocated once.
  const before = named.map(([, p]) => new Float64Array(p.size));
  const log = options.log ?? ((line: string) => console.log(line));
  const history: History = { epochs: [] };

  const forward = (x: Tensor, y: Tensor): StepOutputs => {
    const yHat = model.forward(x);
    return { yHat, loss: scalarLoss("fit", lossFn(yHat, y)) };
  };
  const captured = options.capture === true ? new CapturedSteps(forward) : null;

  model.train();
  for (let epoch = initialEpoch + 1; epoch <= epochs; epoch++) {
    const lr = optimizer.paramGroups[0]!.lr;
    const totals = new PassTotals(metrics);
    const gradNorms: Record<string, number> = {};
    const updateRatios: Record<string, number> = {};
    const steps = batcher.batchCount;
    const of = steps === undefined ? "" : ` of ${steps}`;
    let step = 0;
    for (const { x, y, last } of batcher.epoch()) {
      step++;
      const where = (): string => `at epoch ${epoch}, step ${step}${of}`;
      // The model's too: a parameter left out of the optimizer must not accumulate across steps.
      optimizer.zeroGrad();
      for (const p of params) p.grad = null;
      const { yHat, loss } = captured === null ? forward(x, y) : captured.run(x, y);
      const value = loss.item();
      if (!Number.isFinite(value)) {
        throw new TrainingError(
          `loss is ${value} ${where()}; training stopped before updating from it. ` +
            "Lower the learning rate, set clipGradNorm, or run fit inside detectAnomaly(() => ...) to name the op that made it",
          { reason: "loss", epoch, step, loss: value },
        );
      }
      if (captured === null) loss.backward(); // a captured run has done its backward
      const badGradient = findNonFinite(stepped, (p) => p.grad?.data);
      if (badGradient !== null) {
        const { tensor, at, found } = badGradient;
        throw new TrainingError(
          `the gradient of ${nameOf(tensor)} holds ${found} at ${at} ${where()} (loss ${value}); training stopped before applying it, ` +
            `so the weights are those of the step before. ${gradientAdvice(value)}`,
          { reason: "gradient", epoch, step, loss: value, parameter: nameOf(tensor) },
        );
      }
      totals.add(yHat, y, value);
      if (last) named.forEach(([name, p]) => { gradNorms[name] = p.grad === null ? 0 : l2(p.grad.data); });
      if (options.clipGradValue !== undefined) clipGradValue(params, options.clipGradValue);
      if (options.clipGradNorm !== undefined) clipGradNorm(params, options.clipGradNorm);
      if (last) params.forEach((p, i) => before[i]!.set(p.data));
      optimizer.step();
      const badWeight = findNonFinite(stepped, (p) => (p.grad === null ? undefined : p.data)); // the step leaves the others alone
      if (badWeight !== null) {
        const { tensor, at, found } = badWeight;
        throw new TrainingError(
          `the optimizer step ${where()} (loss ${value}) made ${nameOf(tensor)} ${found} at ${at} from finite gradients; training stopped. ` +
            "The model now holds that weight: load saved weights before using it, and lower the learning rate or set clipGradNorm",
          { reason: "weights", epoch, step, loss: value, parameter: nameOf(tensor) },
        );
      }
      if (last) named.forEach(([name, p], i) => { updateRatios[name] = updateRatio(before[i]!, p.data); });
    }
    const record: EpochRecord = { epoch, loss: totals.loss, metrics: totals.metricValues(), lr, gradNorms, updateRatios };
    if (options.validation !== undefined) {
      const v = evaluate(model, options.validation, { loss: lossFn, metrics, fromLogits });
      record.valLoss = v.loss;
      record.valMetrics = v.metrics;
    }
    options.scheduler?.step(record.valLoss ?? record.loss);
    history.epochs.push(record);
    if (options.logEvery !== undefined && (epoch % options.logEvery === 0 || epoch === epochs)) log(formatRecord(record, epochs));
    if (options.onEpoch?.(record, model) === false) break;
  }
  return history;
}

interface StepOutputs {
  readonly yHat: Tensor;
  readonly loss: Tensor;
}

/**
 * fit's steps through captureStep: one per batch shape (a last, smaller batch
 * has its own), each reading a pair of tensors the batch is copied into.
 */
class CapturedSteps {
  private readonly steps = new Map<string, { x: Tensor; y: Tensor; step: CapturedStep; recorded: { outputs: StepOutputs | null } }>();

  constructor(private readonly forward: (x: Tensor, y: Tensor) => StepOutputs) {}

  /** The step on this batch: its prediction and loss, with .grad set. */
  run(x: Tensor, y: Tensor): StepOutputs {
    const key = `${x.dtype}${formatShape(x.shape)} ${y.dtype}${formatShape(y.shape)}`;
    let entry = this.steps.get(key);
    if (entry === undefined) {
      const inputs = { x: zeros(x.shape, { dtype: x.dtype }), y: zeros(y.shape, { dtype: y.dtype }) };
      const recorded: { outputs: StepOutputs | null } = { outputs: null };
      const step = captureStep(() => {
        const outputs = this.forward(inputs.x, inputs.y);
        recorded.outputs ??= outputs; // the recorded run's tensors: every replay writes into them
        return outputs.loss;
      });
      entry = { ...inputs, step, recorded };
      this.steps.set(key, entry);
    }
    entry.x.data.set(x.data);
    entry.y.data.set(y.data);
    const loss = entry.step.run();
    return { yHat: entry.recorded.outputs!.yHat, loss };
  }
}

/** What to try when a gradient is not finite: a loss that has grown huge overflowed it; a modest one points at an op's derivative. */
function gradientAdvice(loss: number): string {
  const find = "run fit inside detectAnomaly(() => ...) to name the op that made it";
  return Math.abs(loss) >= 1e6
    ? `Lower the learning rate or set clipGradNorm so the loss cannot grow this far, or ${find}`
    : `With a loss this size, an op's derivative is likely undefined where it was taken (sqrt or log at 0, pow of a negative base, ...): ${find}`;
}

function formatRecord(r: EpochRecord, epochs: number): string {
  const parts = [`epoch ${r.epoch}/${epochs}`, `loss ${r.loss.toFixed(6)}`];
  for (const [k, v] of Object.entries(r.metrics)) parts.push(`${k} ${v.toFixed(4)}`);
  if (r.valLoss !== undefined) parts.push(`valLoss ${r.valLoss.toFixed(6)}`);
  for (const [k, v] of Object.entries(r.valMetrics ?? {})) parts.push(`val ${k} ${v.toFixed(4)}`);
  parts.push(`lr ${r.lr.toPrecision(3)}`);
  return parts.join("  ");
}

/** Run fn with the model in eval mode and no graph, restoring its mode after. */
function inference<T>(model: Module, fn: () => T): T {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(fn);
  } finally {
    model.train(wasTraining);
  }
}

export interface Evaluation {
  /** Mean loss over the samples (when a loss was given; NaN otherwise). */
  loss: number;
  metrics: Record<string, number>;
}

/** Loss and metrics of the model on data, in eval mode and without recording a graph. */
export function evaluate(model: Module, data: TrainingData, options: EvaluationOptions = {}): Evaluation {
  checkOptionNames("evaluate", options, EVALUATION_OPTIONS);
  const lossFn = options.loss === undefined ? null : resolveLoss("evaluate", options.loss);
  const fromLogits = options.fromLogits ?? isWithLogits(options.loss);
  const metrics = (options.metrics ?? []).map((m) => resolveMetric(m, { fromLogits }));
  const batcher = new Batcher("evaluate", data, options.batchSize ?? 0, false, defaultRng());
  return inference(model, () => {
    const totals = new PassTotals(metrics);
    for (const { x, y } of batcher.epoch()) {
      const yHat = model.forward(x);
      totals.add(yHat, y, lossFn === null ? NaN : scalarLoss("evaluate", lossFn(yHat, y)).item());
    }
    return { loss: totals.loss, metrics: totals.metricValues() };
  });
}

/** The model's outputs for x, in eval mode and without recording a graph. */
export function predict(model: Module, x: Tensor, options: { batchSize?: number } = {}): Tensor {
  if (!(x instanceof Tensor) || x.ndim === 0) throw new DagradError("predict", "x must be a Tensor with samples as rows");
  checkOptionNames("predict", options, { batchSize: true });
  const batchSize = options.batchSize ?? 0;
  checkNumber("predict", "batchSize (0: all rows at once)", batchSize, { integer: true, min: 0 });
  return inference(model, () => {
    const n = x.shape[0]!;
    if (batchSize <= 0 || batchSize >= n) return model.forward(x);
    const parts: Tensor[] = [];
    for (let start = 0; start < n; start += batchSize) parts.push(model.forward(x.slice(0, start, Math.min(start + batchSize, n))));
    return concat(parts, 0);
  });
}
