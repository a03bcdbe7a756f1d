// A run folder: config.json (everything needed to rebuild the data and the
// model), model.json (the trained weights), history.json, metrics.json, the
// pictures as SVG files, and report.html that shows them all.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EpochRecord, LossName, MLP } from "../nn/index.js";
import { reportHtml } from "../report/index.js";
import { UsageError } from "./args.js";
import type { NamedPicture } from "./pictures.js";
import { type DataSpec, type ModelSpec, type PreparedData, type Scaling, buildModel } from "./setup.js";

export interface TrainingSpec {
  loss: LossName;
  optimizer: "sgd" | "adam";
  lr: number;
  momentum: number;
  epochs: number;
  batchSize: number;
}

export interface RunConfig {
  data: DataSpec;
  model: ModelSpec;
  training: TrainingSpec;
  task: PreparedData["task"];
  classes: number;
  scaling: Scaling | null;
}

export interface RunMetrics {
  epochsRun: number;
  interrupted: boolean;
  /** The loss became NaN or infinite and training stopped. */
  diverged: boolean;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
}

export function ensureFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create the output folder ${dir}: ${(e as Error).message}`);
  }
}

export function writeConfig(dir: string, config: RunConfig): void {
  writeFileSync(join(dir, "config.json"), JSON.stringify(config, null, 2) + "\n");
}

export function writeResults(dir: string, model: MLP, records: readonly EpochRecord[], metrics: RunMetrics, config: RunConfig, pictures: readonly NamedPicture[]): void {
  model.save(join(dir, "model.json"));
  writeFileSync(join(dir, "history.json"), JSON.stringify({ epochs: records }) + "\n");
  writeFileSync(join(dir, "metrics.json"), JSON.stringify(metrics, null, 2) + "\n");
  for (const p of pictures) writeFileSync(join(dir, p.file), p.svg);
  const html = reportHtml({
    title: `dagrad run: ${config.data.data}, MLP [${config.model.sizes.join(", ")}]`,
    subtitle: `${config.model.activation} hidden, ${config.model.output} output, ${config.training.loss} loss, ${config.training.optimizer} lr ${config.training.lr}, ${metrics.epochsRun} epochs${metrics.interrupted ? " (interrupted)" : ""}, written ${new Date().toISOString()}`,
    metrics: { ...metrics, interrupted: metrics.interrupted ? "yes" : "no", diverged: metrics.diverged ? "yes" : "no" },
    config: flatten(config),
    figures: pictures.map((p) => ({ title: p.title, caption: p.caption, svg: p.svg })),
  });
  writeFileSync(join(dir, "report.html"), html);
}

/** {"a": {"b": 1}} -> {"a.b": 1}, for a two-column table. */
function flatten(value: object, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) flatten(v, `${prefix}${k}.`, out);
    else out[prefix + k] = Array.isArray(v) ? v.map((n) => (typeof n === "number" ? Number(n.toPrecision(6)) : n)).join(", ") : v;
  }
  return out;
}

export function readRun(dir: string): { config: RunConfig; model: MLP } {
  const configPath = join(dir, "config.json");
  const modelPath = join(dir, "model.json");
  if (!existsSync(configPath) || !existsSync(modelPath)) {
    throw new UsageError(`${dir} is not a finished run folder (needs config.json and model.json; make one with dagrad train --out ${dir})`);
  }
  let config: RunConfig;
  try {
    config = JSON.parse(readFileSync(configPath, "utf8")) as RunConfig;
  } catch (e) {
    throw new UsageError(`cannot read ${configPath}: ${(e as Error).message}`);
  }
  const model = buildModel(config.model);
  model.load(modelPath);
  return { config, model };
}
