// What every experiment does: train one configuration quietly on a prepared
// split, and collect its history, test metrics and whether it diverged.
import { type EpochRecord, type LossName, type MLP, evaluate } from "../../nn/index.js";
import type { NamedPicture } from "../pictures.js";
import { type PreparedData, makeOptimizer } from "../setup.js";
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
  records: EpochRecord[];
  testAccuracy: number;
  finalLoss: number;
  /** The epoch whose loss was not finite, or null. */
  divergedAt: number | null;
  seconds: number;
}

export interface ExperimentResult {
  title: string;
  /** One paragraph: what the experiment reproduces and what to look for. */
  about: string;
  table: { header: string[]; rows: (string | number)[][] };
  pictures: NamedPicture[];
}

export async function trainRun(label: string, model: MLP, settings: ExperimentSettings, training: { loss?: LossName; optimizer?: "sgd" | "adam"; lr: number; epochs?: number }): Promise<TrainedRun> {
  const { data } = settings;
  const loss = training.loss ?? "bce";
  const started = Date.now();
  const { records, diverged } = await fitInSlices(model, { x: data.xTrain, y: data.yTrain }, {
    loss, optimizer: makeOptimizer(model, { optimizer: training.optimizer ?? "sgd", lr: training.lr, momentum: 0 }),
    epochs: training.epochs ?? settings.epochs, seed: settings.seed, metrics: ["accuracy"], shouldStop: settings.shouldStop,
  });
  const test = evaluate(model, { x: data.xTest, y: data.yTest }, { loss, metrics: ["accuracy"] });
  const run: TrainedRun = {
    label, model, records,
    testAccuracy: test.metrics.accuracy!,
    finalLoss: records.length > 0 ? records[records.length - 1]!.loss : NaN,
    divergedAt: diverged ? records.length + 1 : null,
    seconds: (Date.now() - started) / 1000,
  };
  const note = run.divergedAt !== null ? `, diverged at epoch ${run.divergedAt}` : "";
  settings.log(`${label.padEnd(28)} test accuracy ${run.testAccuracy.toFixed(4)}, final loss ${run.finalLoss.toFixed(4)}${note} (${records.length} epochs, ${run.seconds.toFixed(1)} s)`);
  return run;
}

/** Table cells: four decimals, so 1 reads 1.0000 next to 0.9833. */
export function fixed(value: number): string {
  return value.toFixed(4);
}

export function lossSeries(runs: readonly TrainedRun[]): { name: string; y: number[] }[] {
  return runs.map((r) => ({ name: r.label, y: r.records.map((e) => e.loss) }));
}
