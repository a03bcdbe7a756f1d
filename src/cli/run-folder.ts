// A run folder: config.json (everything needed to rebuild the data and the
// model), model.json (the trained weights), history.json, metrics.json, the
// pictures as SVG files, report.html that shows them all, and manifest.json,
// written last, with the run's id and each file's SHA-256.
//
// The files of one run are written into a staging folder first and only then
// moved into place, one rename each, with the manifest last. Until that
// moment the folder holds the earlier run untouched, whatever happens to this
// one (kill, full disk, file-size limit, error); a kill during the renames
// themselves leaves files that do not match the manifest, and readRun refuses
// the folder and says so. So evaluate and predict read one whole run or none.
import { createHash, randomBytes } from "node:crypto";
import { accessSync, closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DagradError } from "../autograd/index.js";
import { systemError } from "../autograd/system-errors.js";
import type { EpochRecord, LossName, MLP } from "../nn/index.js";
import { decodeStateDict, stateDictToJson } from "../nn/state.js";
import { writeFileAtomic } from "../node/files.js";
import { reportHtml } from "../report/index.js";
import { UsageError } from "./args.js";
import type { NamedPicture } from "./pictures.js";
import type { PresetId } from "./presets.js";
import { ConfigFieldError, parseRunConfig } from "./run-config.js";
import { type DataSpec, type ModelSpec, type PreparedData, type Scaling, buildModel } from "./setup.js";

export interface TrainingSpec {
  loss: LossName;
  optimizer: "sgd" | "adam";
  lr: number;
  momentum: number;
  epochs: number;
  batchSize: number;
  /** Clip the global gradient norm to this before every step; null: no clipping. */
  clipNorm: number | null;
  /** Clip every gradient element into [-clipValue, clipValue]; null: no clipping. */
  clipValue: number | null;
  /** The loss over a batch: its mean, or its sum (as 002 and 003 compute their gradients). */
  reduction: "mean" | "sum";
}

export interface RunConfig {
  data: DataSpec;
  model: ModelSpec;
  training: TrainingSpec;
  task: PreparedData["task"];
  classes: number;
  scaling: Scaling | null;
  /** The source document whose setup and printed lines the run follows (train --preset); null for none. */
  preset: PresetId | null;
}

export interface RunMetrics {
  epochsRun: number;
  interrupted: boolean;
  /** Training stopped on a non-finite loss, gradient or weight; the model is the one after the last finished epoch. */
  diverged: boolean;
  trainLoss: number;
  testLoss: number;
  /** Classifiers: the fraction of rows classified right. */
  trainAccuracy?: number;
  testAccuracy?: number;
  /** Regression: R² and the mean squared error. */
  trainR2?: number;
  testR2?: number;
  trainMse?: number;
  testMse?: number;
  seconds: number;
}

/** A run folder that cannot be read or written as one whole run; the message says what to do. */
export class RunFolderError extends DagradError {
  readonly dir: string;
  constructor(op: string, dir: string, message: string) {
    super(op, message);
    this.dir = dir;
  }
}

const MANIFEST = "manifest.json";
/** Where dagrad export writes into a run folder by default: files of that run, so a new run in the folder removes them. */
export const EXPORT_FILES = { onnx: "model.onnx", safetensors: "model.safetensors" } as const;
const MANIFEST_FORMAT = "dagrad.run";
const MANIFEST_VERSION = 1;
const STAGING_PREFIX = ".incoming-";

/** A new run's id: when it started, and random digits so two runs never share one. */
export function newRunId(): string {
  const time = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${time}-${randomBytes(3).toString("hex")}`;
}

/** Create the output folder if needed and make sure files can be written in it, before any long work. */
export function ensureFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const why = systemError((e as NodeJS.ErrnoException).code)?.reason ?? (e as Error).message;
    throw new UsageError(`cannot write to the output folder ${dir}: ${why}; choose another --out`);
  }
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

interface RunFile {
  name: string;
  data: string;
}

/** Every file of a finished (or stopped) run, report.html last. */
export function runFiles(runId: string, model: MLP, records: readonly EpochRecord[], metrics: RunMetrics, config: RunConfig, pictures: readonly NamedPicture[]): RunFile[] {
  const html = reportHtml({
    title: `dagrad run: ${config.data.data}, MLP [${config.model.sizes.join(", ")}]`,
    subtitle: `${config.model.activation} hidden, ${config.model.output} output, ${config.training.loss} loss, ${config.training.optimizer} lr ${config.training.lr}, ${metrics.epochsRun} epochs${metrics.interrupted ? " (interrupted)" : ""}, run ${runId}, written ${new Date().toISOString()}`,
    metrics: { ...metrics, interrupted: metrics.interrupted ? "yes" : "no", diverged: metrics.diverged ? "yes" : "no" },
    config: flatten(config),
    figures: pictures.map((p) => ({ title: p.title, caption: p.caption, svg: p.svg })),
  });
  return [
    { name: "config.json", data: JSON.stringify(config, null, 2) + "\n" },
    { name: "model.json", data: stateDictToJson(model.stateDict()) },
    { name: "history.json", data: JSON.stringify({ epochs: records }) + "\n" },
    { name: "metrics.json", data: JSON.stringify(metrics, null, 2) + "\n" },
    ...pictures.map((p) => ({ name: p.file, data: p.svg })),
    { name: "report.html", data: html },
  ];
}

/** {"a": {"b": 1}} -> {"a.b": 1}, for a two-column table. */
function flatten(value: object, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) flatten(v, `${prefix}${k}.`, out);
    else out[prefix + k] = Array.isArray(v) ? v.map((n) => (typeof n === "number" ? Number(n.toPrecision(6)) : n)).join(", ") : v;
  }
  return out;
}

interface Manifest {
  runId: string;
  /** File name -> SHA-256 of its bytes. */
  files: Record<string, string>;
}

/** A run's files written to its staging folder, not yet in place. */
interface StagedRun {
  dir: string;
  staging: string;
  manifest: Manifest;
}

/** Remove staging folders that killed runs left behind (they are never part of a run). */
export function removeLeftovers(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (name.startsWith(STAGING_PREFIX)) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * Write the files into a staging folder inside `dir`, pausing between files
 * (so a Ctrl-C is seen). The folder's current run is not touched; if a write
 * fails, the staging folder is removed and the error says so.
 */
export async function stageRun(dir: string, runId: string, files: readonly RunFile[], pause: () => Promise<void>): Promise<StagedRun> {
  const staging = join(dir, `${STAGING_PREFIX}${runId}`);
  const manifest: Manifest = { runId, files: {} };
  try {
    mkdirSync(staging, { recursive: true });
    for (const file of files) {
      writeFileAtomic(join(staging, file.name), file.data);
      manifest.files[file.name] = sha256(file.data);
      await pause();
    }
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    const kept = existsSync(join(dir, MANIFEST)) ? `${dir} still holds its earlier run, untouched` : `nothing was written to ${dir}`;
    throw new RunFolderError("train", dir, `${(e as Error).message}; ${kept}. Free space or raise the limit and train again`);
  }
  return { dir, staging, manifest };
}

/**
 * Move the staged files into place and write the manifest: the moment the
 * folder switches from the earlier run to this one. Synchronous, so no signal
 * handler runs in the middle. Files of the earlier run that this run does not
 * have are removed after.
 */
export function commitRun({ dir, staging, manifest }: StagedRun): void {
  const earlier = earlierManifest(dir);
  try {
    for (const name of Object.keys(manifest.files)) renameSync(join(staging, name), join(dir, name));
    syncFolder(dir);
    writeFileAtomic(join(dir, MANIFEST), JSON.stringify({ format: MANIFEST_FORMAT, version: MANIFEST_VERSION, ...manifest }, null, 2) + "\n");
    syncFolder(dir);
  } catch (e) {
    throw new RunFolderError("train", dir, `moving the new run's files into ${dir} failed (${(e as Error).message}); the folder may now hold parts of two runs, which dagrad evaluate and predict refuse: train again`);
  }
  if (earlier !== null) {
    for (const name of Object.keys(earlier.files)) if (!Object.hasOwn(manifest.files, name)) rmSync(join(dir, name), { force: true });
  }
  // An export of the earlier run would otherwise sit beside this run as if it were its model.
  for (const name of Object.values(EXPORT_FILES)) rmSync(join(dir, name), { force: true });
  rmSync(staging, { recursive: true, force: true });
}

/** The manifest the folder holds now, if it can be read: a damaged one is replaced, not obeyed. */
function earlierManifest(dir: string): Manifest | null {
  try {
    return readManifestFile(dir);
  } catch (e) {
    if (e instanceof RunFolderError) return null;
    throw e;
  }
}

/** Make the renames in a folder durable (the files themselves were fsynced when written). */
function syncFolder(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** The manifest as written by commitRun, or null when there is none; throws on a damaged one. */
function readManifestFile(dir: string): Manifest | null {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return null;
  const damaged = (why: string): never => {
    throw new RunFolderError("readRun", dir, `${path} ${why}; the folder is damaged: train again with dagrad train --out ${dir}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    return damaged(`cannot be read (${(e as Error).message})`);
  }
  const m = parsed as { format?: unknown; version?: unknown; runId?: unknown; files?: unknown };
  if (typeof m !== "object" || m === null || m.format !== MANIFEST_FORMAT) return damaged(`is not a dagrad run manifest (expected "format": "${MANIFEST_FORMAT}")`);
  if (m.version !== MANIFEST_VERSION) return damaged(`has version ${JSON.stringify(m.version)}; this dagrad reads version ${MANIFEST_VERSION}`);
  if (typeof m.runId !== "string" || m.runId === "") return damaged("has no runId");
  if (typeof m.files !== "object" || m.files === null || Array.isArray(m.files)) return damaged("has no files list");
  const files = m.files as Record<string, unknown>;
  for (const [name, hash] of Object.entries(files)) {
    if (!FILE_NAME.test(name) || name === MANIFEST) return damaged(`lists "${name}", which is not a file of a run folder`);
    if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) return damaged(`has no SHA-256 for ${name}`);
  }
  return { runId: m.runId, files: files as Record<string, string> };
}

export interface SavedRun {
  runId: string;
  config: RunConfig;
  model: MLP;
}

/**
 * A run folder written by dagrad train, checked whole: the manifest lists each
 * file with its hash, every file must be there with those bytes, and
 * config.json must describe a model that model.json fits.
 */
export function readRun(dir: string): SavedRun {
  const manifest = readManifestFile(dir);
  if (manifest === null) {
    const why = existsSync(join(dir, "config.json"))
      ? `${dir} has no ${MANIFEST}: the run that wrote it did not finish, or an older dagrad wrote it`
      : `${dir} is not a run folder (no ${MANIFEST})`;
    throw new RunFolderError("readRun", dir, `${why}; make one with dagrad train --out ${dir}`);
  }
  const retrain = `train again with dagrad train --out ${dir}`;
  for (const name of ["config.json", "model.json"]) {
    if (!Object.hasOwn(manifest.files, name)) throw new RunFolderError("readRun", dir, `${join(dir, MANIFEST)} does not list ${name}; the folder is damaged: ${retrain}`);
  }
  const contents = new Map<string, Buffer>();
  for (const [name, hash] of Object.entries(manifest.files)) {
    const path = join(dir, name);
    if (!existsSync(path)) throw new RunFolderError("readRun", dir, `${path} is missing: ${dir} does not hold all of run ${manifest.runId}; ${retrain}`);
    const bytes = readFileSync(path);
    if (sha256(bytes) !== hash) {
      throw new RunFolderError("readRun", dir, `${dir} does not hold one whole run: ${name} is not the file run ${manifest.runId} wrote (a later dagrad train into this folder stopped while moving its files in, or the file was changed); ${retrain}`);
    }
    contents.set(name, bytes);
  }
  const configPath = join(dir, "config.json");
  let config: RunConfig;
  try {
    config = parseRunConfig(JSON.parse(contents.get("config.json")!.toString("utf8")));
  } catch (e) {
    const why = e instanceof ConfigFieldError ? `field ${e.message}` : `is not valid JSON (${(e as Error).message})`;
    throw new RunFolderError("readRun", dir, `${configPath}: ${why}; the file was not written by dagrad train: ${retrain}`);
  }
  const model = buildModel(config.model);
  const modelPath = join(dir, "model.json");
  try {
    model.loadStateDict(decodeStateDict("load", contents.get("model.json")!.toString("utf8"), modelPath));
  } catch (e) {
    if (!(e instanceof DagradError)) throw e;
    throw new RunFolderError("readRun", dir, `${modelPath} does not fit the MLP [${config.model.sizes.join(", ")}] of config.json (${e.message}); ${retrain}`);
  }
  return { runId: manifest.runId, config, model };
}
