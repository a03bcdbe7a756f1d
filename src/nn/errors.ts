// Errors raised by nn. Each carries the facts a caller needs as fields.
import { DagradError } from "../autograd/index.js";
import { systemError } from "../autograd/system-errors.js";

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
    const fix = systemError(code)?.fix;
    // With the folder missing, or a folder at the path, there is no old file to speak of.
    const kept = code === "ENOENT" || code === "EISDIR" ? "" : `. A file already at ${path} is unchanged`;
    super(op, `${reason}${fix === undefined ? "" : `; ${fix}`}${kept}`);
    this.path = path;
    this.code = code;
  }
}
