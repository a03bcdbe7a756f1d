// What every experiment does: train one configuration quietly on a prepared
// split, and collect its history, test metrics and whether it diverged. A
// diverged run reports fit's TrainingError (its epoch, and why) and no final
// loss or accuracy: its model's numbers mean nothing.
import type { DType, Tensor } from "../../autograd/index.js";
import { type ClassifierHead, type EpochRecord, type MLP, type TrainingError, evaluate } from "../../nn/index.js";
import { type Figure, noticePanel } from "../../report/index.js";
import { type NamedPicture, boundaryFigure } from "../pictures.js";
import { type PreparedData, divergenceCause, makeOptimizer } from "../setup.js";
import { fitInSlices } from "../train-loop.js";

export interface ExperimentSettings {
  data: PreparedData;
  epochs: number;
  seed: number;
  /** Set by Ctrl-C: finish what is written so far. */
  shouldStop: () => boolean;
  log: (line: string) => void;
}

export interface TrainedRun {
  label: string;
  model: MLP;
  head: ClassifierHead;
  records: EpochRecord[];
  /** Null when the run diverged. */
  testAccuracy: number | null;
  /** The last epoch's training loss; null when the run diverged. */
  finalLoss: number | null;
  /** Why and at which epoch fit stopped on a value that was not finite; null if it did not. */
  diverged: TrainingError | null;
  seconds: number;
}

export interface ExperimentResult {
  title: string;
  /** One paragraph: what the experiment reproduces and what to look for. */
  about: string;
  table: { header: string[]; rows: (string | number)[][] };
  pictures: NamedPicture[];
}

interface RunTraining {
  optimizer?: "sgd" | "adam";
  lr: number;
  epochs?: number;
  clipGradNorm?: number;
  /** Called after every epoch (before the next one starts). */
  onEpoch?: (record: EpochRecord) => void;
}

/** The training rows and targets in a dtype (float64 for a float64 model, so no op casts them every step). */
export function trainingData(data: PreparedData, head: ClassifierHead, dtype: DType = "float32"): { x: Tensor; y: Tensor } {
  const x = data.xTrain, y = head.encode(data.labelsTrain);
  return dtype === "float32" ? { x, y } : { x: x.to(dtype), y: y.to(dtype) };
}

export async function trainRun(label: string, model: MLP, head: ClassifierHead, settings: ExperimentSettings, training: RunTraining): Promise<TrainedRun> {
  const { data } = settings;
  const started = Date.now();
  const dtype = model.parameters()[0]?.dtype ?? "float32";
  const { records, diverged } = await fitInSlices(model, trainingData(data, head, dtype), {
    loss: head.loss, optimizer: makeOptimizer(model, { optimizer: training.optimizer ?? "sgd", lr: training.lr, momentum: 0 }),
    epochs: training.epochs ?? settings.epochs, seed: settings.seed, metrics: [head.accuracy], shouldStop: settings.shouldStop,
    clipGradNorm: training.clipGradNorm, onEpoch: training.onEpoch,
  });
  const test = diverged === null ? evaluate(model, { x: data.xTest, y: head.encode(data.labelsTest) }, { loss: head.loss, metrics: [head.accuracy] }) : null;
  const run: TrainedRun = {
    label, model, head, records, diverged,
    testAccuracy: test?.metrics.accuracy ?? null,
    finalLoss: diverged === null && records.length > 0 ? records[records.length - 1]!.loss : null,
    seconds: (Date.now() - started) / 1000,
  };
  const outcome = diverged !== null
    ? `diverged at epoch ${diverged.epoch}: ${divergenceCause(diverged)}`
    : `test accuracy ${cell(run.testAccuracy)}, final loss ${cell(run.finalLoss)}`;
  settings.log(`${label.padEnd(28)} ${outcome} (${records.length} epochs, ${run.seconds.toFixed(1)} s)`);
  return run;
}

/** Table cells: four decimals, so 1 reads 1.0000 next to 0.9833; "-" where there is no number to show. */
export function cell(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "-" : value.toFixed(4);
}

export function divergedCell(run: TrainedRun): string | number {
  return run.diverged?.epoch ?? "-";
}

/** A run's name in legends: "lr 5 (diverged at epoch 3)" when it diverged. */
export function seriesName(run: TrainedRun): string {
  return run.diverged === null ? run.label : `${run.label} (diverged at epoch ${run.diverged.epoch})`;
}

export function lossSeries(runs: readonly TrainedRun[]): { name: string; y: number[] }[] {
  return runs.map((r) => ({ name: seriesName(r), y: r.records.map((e) => e.loss) }));
}

/** A run's decision boundary for small multiples, or a notice where it diverged. */
export function boundaryPanel(run: TrainedRun, data: PreparedData, title: string): Figure {
  const size = { width: 330, height: 300 };
  if (run.diverged !== null) return noticePanel(title, `diverged at epoch ${run.diverged.epoch}: no boundary`, size);
  return boundaryFigure(run.model, run.head, data, `${title}: accuracy ${run.testAccuracy!.toFixed(3)}`, { ...size, legend: false });
}
