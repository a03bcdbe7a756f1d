// Errors raised by nn. Each carries the facts a caller needs as fields.
import { DagradError } from "../autograd/index.js";

/** A state dict or saved file that does not fit the module: missing or unexpected key, wrong shape, corrupt file. */
export class StateDictError extends DagradError {
  /** The parameter or buffer name at fault, when there is one. */
  readonly key: string | undefined;
  constructor(op: string, message: string, key?: string) {
    super(op, message);
    this.key = key;
  }
}

/** What made fit stop: a non-finite loss, gradient (before the step) or weight (after it). */
export type DivergenceReason = "loss" | "gradient" | "weights";

export interface TrainingErrorFacts {
  reason: DivergenceReason;
  /** 1-based epoch and step within it. */
  epoch: number;
  step: number;
  /** The step's loss (finite unless reason is "loss"). */
  loss: number;
  /** The dotted name of the parameter whose gradient or weight is not finite. */
  parameter?: string;
}

/** Training stopped: the loss, a gradient or a weight became NaN or infinite. */
export class TrainingError extends DagradError {
  readonly reason: DivergenceReason;
  readonly epoch: number;
  readonly step: number;
  readonly loss: number;
  readonly parameter: string | undefined;
  constructor(message: string, facts: TrainingErrorFacts) {
    super("fit", message);
    this.reason = facts.reason;
    this.epoch = facts.epoch;
    this.step = facts.step;
    this.loss = facts.loss;
    this.parameter = facts.parameter;
  }
}

/** A file could not be written (missing folder, full disk, file-size limit, permissions); a file already at `path` is untouched. */
export class SaveError extends DagradError {
  readonly path: string;
  /** The system's error code (ENOENT, ENOSPC, EFBIG, EACCES, ...), when there is one. */
  readonly code: string | undefined;
  constructor(op: string, path: string, code: string | undefined, reason: string) {
    const fix = code === "ENOSPC" ? "; free some space or save elsewhere"
      : code === "EFBIG" ? "; raise the file-size limit (ulimit -f) or save elsewhere"
      : code === "EACCES" || code === "EPERM" ? "; save into a folder you may write to"
      : code === "EISDIR" ? "; the path is a folder: give a file name"
      : "";
    // With the folder missing there is no old file to speak of.
    super(op, `${reason}${fix}${code === "ENOENT" ? "" : `. A file already at ${path} is unchanged`}`);
    this.path = path;
    this.code = code;
  }
}
