// checkpoint.json: everything a run needs to go on as if it had never
// stopped: its id, config and a hash of its data, the epochs done and their
// history, the weights, the optimizer's state and the shuffling generator's
// state. One file, written atomically, so a kill leaves the previous
// checkpoint whole; it is not part of the run folder's manifest.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DagradError, type Tensor } from "../autograd/index.js";
import type { EpochRecord, MLP, Optimizer, OptimizerStateDict, BaseHyperparameters, TensorRecord } from "../nn/index.js";
import { decodeNumber, decodeTensor, encodeNumber, encodeTensor } from "../nn/serial.js";
import { writeFileAtomic } from "../node/files.js";
import { ConfigFieldError, parseRunConfig } from "./run-config.js";
import { type RunConfig, RunFolderError } from "./run-folder.js";
import type { PreparedData } from "./setup.js";
import type { RngState } from "./train-loop.js";

export const CHECKPOINT = "checkpoint.json";
const FORMAT = "dagrad.checkpoint";
const VERSION = 1;

/** What a checkpoint holds besides the weights and the optimizer's state. */
interface CheckpointFacts {
  runId: string;
  config: RunConfig;
  /** SHA-256 of the prepared train and test tensors: resuming on other data would not continue the run. */
  dataHash: string;
  /** Epochs done; history holds one record for each. */
  epoch: number;
  /** Seconds spent training so far. */
  seconds: number;
  /** Epochs between checkpoints, kept for the resumed run. */
  checkpointEvery: number;
  history: EpochRecord[];
  rng: RngState;
  /** The model's generator (dropout's masks draw from it). */
  modelRng: RngState;
}

/** A checkpoint as written, from the live model and optimizer. */
interface Checkpoint extends CheckpointFacts {
  model: Record<string, TensorRecord>;
  optimizer: OptimizerStateDict;
}

/**
 * A checkpoint as read: the weights and the optimizer's state are JSON objects
 * not yet checked; only restoreCheckpoint can check them, against the model and
 * optimizer they must fit.
 */
interface ReadCheckpoint extends CheckpointFacts {
  model: Record<string, unknown>;
  optimizer: Record<string, unknown>;
}

export function dataHash(data: PreparedData): string {
  const hash = createHash("sha256");
  for (const t of [data.xTrain, data.labelsTrain, data.xTest, data.labelsTest]) {
    hash.update(JSON.stringify(t.shape));
    hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return hash.digest("hex");
}

export function modelState(model: MLP): Record<string, TensorRecord> {
  return Object.fromEntries(Object.entries(model.stateDict()).map(([name, t]) => [name, encodeTensor(t)]));
}

/** Numbers in the history are written as nn writes tensors, so NaN, infinities and -0 come back as they were. */
function encodeNumbers(value: unknown): unknown {
  if (typeof value === "number") return encodeNumber(value);
  if (Array.isArray(value)) return value.map(encodeNumbers);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeNumbers(v)]));
  return value;
}

function decodeNumbers(value: unknown): unknown {
  const n = decodeNumber(value);
  if (n !== undefined) return n;
  if (Array.isArray(value)) return value.map(decodeNumbers);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeNumbers(v)]));
  return value;
}

export function writeCheckpoint(dir: string, checkpoint: Checkpoint): void {
  const { history, ...rest } = checkpoint;
  const text = JSON.stringify({ format: FORMAT, version: VERSION, ...rest, history: encodeNumbers(history) });
  try {
    writeFileAtomic(join(dir, CHECKPOINT), text);
  } catch (e) {
    const kept = existsSync(join(dir, CHECKPOINT)) ? "the previous checkpoint is kept" : "there is no checkpoint yet";
    throw new RunFolderError("train", dir, `${(e as Error).message}; ${kept}. Free space or raise the limit, then continue with dagrad train --resume --out ${dir}`);
  }
}

export function removeCheckpoint(dir: string): void {
  rmSync(join(dir, CHECKPOINT), { force: true });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isRngState(value: unknown): value is RngState {
  if (!isObject(value)) return false;
  const byte = (n: unknown) => Number.isInteger(n) && (n as number) >= 0 && (n as number) < 256;
  const { i, j, S } = value;
  return byte(i) && byte(j) && Array.isArray(S) && S.length === 256 && S.every(byte) && new Set(S).size === 256;
}

/**
 * The checkpoint in `dir`, checked: its config field by field, its history and
 * generator state by shape. Loading the weights and optimizer state into a
 * model and optimizer (restoreCheckpoint) checks those.
 */
export function readCheckpoint(dir: string): ReadCheckpoint {
  const path = join(dir, CHECKPOINT);
  if (!existsSync(path)) {
    throw new RunFolderError("resume", dir, `${dir} has no ${CHECKPOINT} to continue from: train with --checkpoint-every N to write one (a run that finished removes it)`);
  }
  const damaged = (why: string): never => {
    throw new RunFolderError("resume", dir, `${path} ${why}; the checkpoint is damaged: start the run again without --resume`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    return damaged(`cannot be read (${(e as Error).message})`);
  }
  if (!isObject(parsed) || parsed.format !== FORMAT) return damaged(`is not a dagrad checkpoint (expected "format": "${FORMAT}")`);
  if (parsed.version !== VERSION) return damaged(`has version ${JSON.stringify(parsed.version)}; this dagrad reads version ${VERSION}`);
  let config: RunConfig;
  try {
    config = parseRunConfig(parsed.config);
  } catch (e) {
    if (e instanceof ConfigFieldError) return damaged(`has a config whose field ${e.message}`);
    throw e;
  }
  const { runId, dataHash: hash, epoch, seconds, checkpointEvery, rng, modelRng, model, optimizer } = parsed;
  if (typeof runId !== "string" || runId === "") return damaged("has no runId");
  if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) return damaged("has no dataHash");
  if (!Number.isInteger(epoch) || (epoch as number) < 0 || (epoch as number) > config.training.epochs) return damaged(`has epoch ${JSON.stringify(epoch)}, expected an integer from 0 to the run's ${config.training.epochs}`);
  if (typeof seconds !== "number" || !(seconds >= 0)) return damaged("has no seconds");
  if (!Number.isInteger(checkpointEvery) || (checkpointEvery as number) < 1) return damaged("has no checkpointEvery");
  if (!isRngState(rng)) return damaged("has no shuffling generator state (rng: i, j and a permutation S of 0..255)");
  if (!isRngState(modelRng)) return damaged("has no model generator state (modelRng: i, j and a permutation S of 0..255)");
  if (!isObject(model)) return damaged("has no model weights");
  if (!isObject(optimizer)) return damaged("has no optimizer state");
  const history = decodeNumbers(parsed.history);
  const recordOk = (r: unknown, i: number) => isObject(r) && r.epoch === i + 1 && typeof r.loss === "number" && isObject(r.metrics) && isObject(r.gradNorms) && isObject(r.updateRatios);
  if (!Array.isArray(history) || history.length !== epoch || !history.every(recordOk)) return damaged(`has no history of epochs 1 to ${String(epoch)}`);
  return {
    runId, config, dataHash: hash, epoch: epoch as number, seconds, checkpointEvery: checkpointEvery as number,
    history: history as EpochRecord[], rng, modelRng, model, optimizer,
  };
}

/** Load the checkpoint's weights and optimizer state; everything is checked before anything changes. */
export function restoreCheckpoint(dir: string, checkpoint: ReadCheckpoint, model: MLP, optimizer: Optimizer<BaseHyperparameters, unknown>): void {
  const path = join(dir, CHECKPOINT);
  try {
    const weights: Record<string, Tensor> = {};
    for (const [name, record] of Object.entries(checkpoint.model)) {
      weights[name] = decodeTensor(record, (why) => { throw new DagradError("resume", `tensor "${name}" ${why}`); });
    }
    // Each checks everything before it changes anything; a failure ends the command, so nothing half-loaded is trained.
    // Typed as what stateDict() returns, loadStateDict still checks every field at run time before it changes anything.
    optimizer.loadStateDict(checkpoint.optimizer as unknown as OptimizerStateDict);
    model.loadStateDict(weights);
  } catch (e) {
    if (!(e instanceof DagradError)) throw e;
    throw new RunFolderError("resume", dir, `${path} does not fit the run it describes (${e.message}); the checkpoint is damaged: start the run again without --resume`);
  }
}
